"""Bias explorer benchmarks: the cost of a threshold change in Python, and the latency from a key
press to the updated subgroup table on screen in real Chromium.

Compute (12,000-study chest radiograph cohort, :func:`radcourse.data.load_cxr_triage`, grouped
by site, vendor, sex, age band and deprivation quintile in turn): for the same random slider
thresholds, interleaved, each call timed on its own, the median time of
``GroupedOperatingTables.metrics_at(t)`` (the explorer's per-update work: one binary search per
group in tables built once, then the Wilson intervals) against recomputing
``subgroup_metrics(frame, column, t)`` from scratch. The two tables are compared on every
threshold. The row's ratio is tables ÷ from scratch, target ≤ 0.5 (at least twice as fast).
Informative rows: the counts alone (``counts_at``, the binary searches), and the widget's whole
Python-side update (``explorer.threshold.value = t``: numbers, HTML and the chart's PNG) and its
numbers-only part (``explorer.update(figure=False)``), against the same from-scratch call.

Latency: JupyterLab (``radcourse.tools.lab.start_lab``) serving the C1 notebook when it exists in
``modules/``, otherwise the browser test's two-cell stand-in notebook written to a temporary
folder (:mod:`tests.browser.test_c1_bias_explorer`), run with Run All. A cell added in the page
(never saved: autosave is off) shows a trivial IntSlider → HTML echo. Then, interleaved, N times
each: ArrowRight on the explorer's threshold handle, and on the echo's handle, each timed in the
page from the ``keydown`` event to the next animation frame after the explorer's numbers (summary
and subgroup table, whose caption states the threshold) changed
(:func:`tests.browser.jlab.press_and_time`). The kernel is idle before every press. Rows: the
median against the 150 ms budget (target ≤ 1×), and the median and p90 against the echo's.
"""

from __future__ import annotations

import os

import numpy as np

from benchmarks.common import Context, Row, median, register
from benchmarks.explorer import (
    ECHO_CODE,
    LATENCY_BUDGET_MS,
    _timed,
    add_and_run_cell,
    grid_thresholds,
    percentile,
    sig,
)

TABLES_TARGET = 0.5  # metrics_at time ÷ subgroup_metrics time: at least twice as fast
LATENCY_PRESSES = 25
SEED = 12_000
GROUPINGS = ("site", "vendor", "sex", "age_band", "imd_quintile")


# --- compute cost -------------------------------------------------------------------------------


def bench_compute(ctx: Context) -> list[Row]:
    from radcourse.data import load_cxr_triage
    from radcourse.fairness import GroupedOperatingTables, subgroup_metrics
    from radcourse.widgets.bias import BiasExplorer

    frame = load_cxr_triage()
    rng = np.random.default_rng(SEED)
    n_per = 40 * ctx.repeat
    tables_s, scratch_s, counts_s, disagreements = [], [], [], 0
    for col in GROUPINGS:
        tables = GroupedOperatingTables(frame, col)
        thresholds = grid_thresholds(rng, n_per + 3)

        def scratch(t: float, _col=col):
            return subgroup_metrics(frame, _col, t)

        for i, t in enumerate(thresholds):  # interleaved: both see the same machine load
            dt_tables, ours = _timed(tables.metrics_at, t)
            dt_scratch, theirs = _timed(scratch, t)
            dt_counts, _ = _timed(tables.counts_at, t)
            if i >= 3:  # warm-up
                tables_s.append(dt_tables)
                scratch_s.append(dt_scratch)
                counts_s.append(dt_counts)
            disagreements += not ours.equals(theirs)
    tables_us, scratch_us, counts_us = (1e6 * median(v) for v in (tables_s, scratch_s, counts_s))
    ctx.log(
        f"  metrics_at {tables_us:.0f} µs, counts_at {counts_us:.1f} µs, subgroup_metrics "
        f"{scratch_us:.0f} µs (median of {len(tables_s)})"
    )

    # The widget's whole Python-side update, on slider values (what the browser sends).
    explorer = BiasExplorer.from_dataset("cxr_triage")
    grid = grid_thresholds(rng, 20 * ctx.repeat + 3)
    col = explorer.group_by.value

    def set_threshold(t: float):
        explorer.threshold.value = t

    def numbers_only(_):
        explorer.update(figure=False)

    update_s, numbers_s, sk_s = [], [], []
    for i, t in enumerate(grid):
        dt_update, _ = _timed(set_threshold, t)
        dt_numbers, _ = _timed(numbers_only, t)
        dt_scratch, theirs = _timed(lambda x: subgroup_metrics(frame, col, x), t)
        if i >= 3:  # the first updates warm matplotlib and PIL up
            update_s.append(dt_update)
            numbers_s.append(dt_numbers)
            sk_s.append(dt_scratch)
        disagreements += not explorer.table.equals(theirs)
    update_ms, numbers_ms, scratch_ms = (1e3 * median(v) for v in (update_s, numbers_s, sk_s))
    ctx.log(
        f"  widget update {update_ms:.1f} ms (numbers only {numbers_ms:.2f} ms), "
        f"subgroup_metrics {scratch_ms:.2f} ms (median of {len(update_s)})"
    )

    error = f"{disagreements} threshold(s) where the tables disagree" if disagreements else ""
    where = f"{len(tables_s)} random slider thresholds over the 5 groupings of the 12,000 studies"
    return [
        Row(
            "bias compute",
            "threshold update: metrics_at(t) on per-group tables vs subgroup_metrics from scratch",
            sig(tables_us),
            "µs",
            baseline=sig(scratch_us),
            baseline_label="from scratch",
            target=TABLES_TARGET,
            note=(
                f"speed-up {scratch_us / tables_us:.1f}× (target ≥ {1 / TABLES_TARGET:.0f}×); "
                f"{where}, interleaved, each timed alone; tables identical"
                + ("" if not disagreements else " EXCEPT ERRORS")
            ),
            error=error,
        ),
        Row(
            "bias compute",
            "counts only: counts_at(t) (one binary search per group) vs subgroup_metrics",
            sig(counts_us),
            "µs",
            baseline=sig(scratch_us),
            baseline_label="from scratch",
            note=(
                f"informative: speed-up {scratch_us / counts_us:,.0f}×; the rest of metrics_at "
                "is the Wilson intervals and building the DataFrame"
            ),
        ),
        Row(
            "bias compute",
            "widget threshold update, Python side (numbers + chart PNG)",
            sig(update_ms),
            "ms",
            baseline=sig(scratch_ms),
            baseline_label="from scratch",
            note=(
                f"informative: explorer.threshold.value = t grouped by {col}, {len(update_s)} "
                f"random slider values; {update_ms / scratch_ms:.1f}× one subgroup_metrics"
            ),
        ),
        Row(
            "bias compute",
            "widget threshold update, numbers only (update(figure=False))",
            sig(numbers_ms),
            "ms",
            baseline=sig(scratch_ms),
            baseline_label="from scratch",
            note="informative: the part sent to the browser before the chart",
        ),
    ]


# --- latency in Chromium ------------------------------------------------------------------------


def measure_latency(ctx: Context, presses: int = LATENCY_PRESSES) -> dict[str, list[float]]:
    """Milliseconds from key press to new numbers: bias explorer and echo, ``presses`` each."""
    from playwright.sync_api import expect, sync_playwright

    from radcourse.tools.lab import start_lab
    from tests.browser.conftest import CHROMIUM_ARGS, VIEWPORT, chromium_executable
    from tests.browser.jlab import (
        RUN_TIMEOUT_MS,
        error_outputs,
        open_notebook,
        press_and_time,
        run_all_cells,
        wait_all_executed,
        wait_kernel_idle,
    )
    from tests.browser.test_c1_bias_explorer import (
        C1_NOTEBOOK,
        DATASET_NAME,
        STAND_IN_NOTEBOOK,
        write_stand_in,
    )

    exe = chromium_executable()
    if not exe.is_file():
        raise FileNotFoundError(f"Chromium not found at {exe} (apt-get install -y chromium)")
    if (ctx.repo / "modules" / C1_NOTEBOOK).is_file():
        root, notebook, env = ctx.repo / "modules", C1_NOTEBOOK, None
    else:
        root = (ctx.workdir or ctx.repo / "test-output") / "bias-stand-in"
        root.mkdir(parents=True, exist_ok=True)
        write_stand_in(root)
        notebook = STAND_IN_NOTEBOOK
        env = {**os.environ, "RADCOURSE_DATASETS": str(ctx.repo / "datasets")}
    ctx.log(f"  notebook: {notebook}")
    samples: dict[str, list[float]] = {"bias": [], "bias_dom": [], "echo": []}
    with start_lab(root, env=env) as lab, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(exe), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.set_default_timeout(15_000)
            panel = open_notebook(page, lab, notebook)
            wait_kernel_idle(page)
            run_all_cells(page)
            explorer = (
                panel.locator(".radcourse-bias-explorer").filter(has_text=DATASET_NAME).first
            )
            expect(explorer.locator(".radcourse-bias-table tr[data-group]").first).to_be_visible(
                timeout=RUN_TIMEOUT_MS
            )
            wait_all_executed(panel)
            wait_kernel_idle(page)
            if error_outputs(panel):
                raise RuntimeError(f"Run All raised: {error_outputs(panel)[0][:300]}")
            add_and_run_cell(page, panel, ECHO_CODE)
            echo = panel.locator(".radcourse-bench-echo")
            expect(echo).to_contain_text("0", timeout=RUN_TIMEOUT_MS)
            wait_kernel_idle(page)
            ctx.log("  lab up, notebook run, echo cell added")

            handle = explorer.locator(".radcourse-threshold .noUi-handle")
            start = float(handle.get_attribute("aria-valuetext"))
            mid = (
                float(handle.get_attribute("aria-valuemin"))
                + float(handle.get_attribute("aria-valuemax"))
            ) / 2
            key = "ArrowRight" if start <= mid else "ArrowLeft"
            numbers = explorer.locator(".radcourse-bias-numbers")
            echo_handle = panel.locator(".radcourse-bench-echo-slider .noUi-handle")
            for i in range(presses):
                before = handle.get_attribute("aria-valuetext")
                t = press_and_time(handle, key, numbers)  # the table's caption states t
                if handle.get_attribute("aria-valuetext") == before:
                    raise RuntimeError("the threshold did not move")
                samples["bias"].append(t["frame"])
                samples["bias_dom"].append(t["dom"])
                wait_kernel_idle(page)
                e = press_and_time(echo_handle, "ArrowRight", echo.locator(".widget-html-content"))
                samples["echo"].append(e["frame"])
                wait_kernel_idle(page)
                if (i + 1) % 5 == 0:
                    ctx.log(
                        f"  {i + 1}/{presses}: bias explorer {t['frame']:.0f} ms, "
                        f"echo {e['frame']:.0f} ms"
                    )
        finally:
            browser.close()
    return samples


def latency_rows(samples: dict[str, list[float]]) -> list[Row]:
    ex, dom, echo = samples["bias"], samples["bias_dom"], samples["echo"]
    ex_med, ex_p90 = percentile(ex, 50), percentile(ex, 90)
    echo_med, echo_p90 = percentile(echo, 50), percentile(echo, 90)
    what = f"threshold key → subgroup table on screen (Chromium, n={len(ex)})"
    return [
        Row(
            "bias latency",
            f"{what}, median",
            sig(ex_med),
            "ms",
            baseline=LATENCY_BUDGET_MS,
            baseline_label="budget",
            target=1.0,
            note=(
                f"p90 {ex_p90:.0f} ms, max {max(ex):.0f} ms; to the DOM change (before the "
                f"frame) median {percentile(dom, 50):.0f} ms; keydown to the next animation "
                "frame after the numbers changed, kernel idle before each press"
            ),
        ),
        Row(
            "bias latency",
            f"{what}, median vs echo",
            sig(ex_med),
            "ms",
            baseline=sig(echo_med),
            baseline_label="IntSlider→HTML echo",
            note=(
                "informative: a trivial IntSlider → HTML echo round trip in the same page and "
                f"kernel, interleaved; echo p90 {echo_p90:.0f} ms"
            ),
        ),
        Row(
            "bias latency",
            f"{what}, p90 vs echo p90",
            sig(ex_p90),
            "ms",
            baseline=sig(echo_p90),
            baseline_label="echo p90",
        ),
    ]


@register(
    "bias",
    "bias explorer: per-group table lookup vs subgroup_metrics from scratch; key press → "
    "subgroup table in Chromium vs an echo widget and 150 ms",
)
def bench_bias(ctx: Context) -> list[Row]:
    rows = bench_compute(ctx)
    try:
        samples = measure_latency(ctx)
    except Exception as exc:  # keep the compute figures when the browser part cannot run
        lines = str(exc).strip().splitlines() or [""]
        rows.append(
            Row(
                "bias latency",
                "(browser)",
                None,
                "",
                error=f"{type(exc).__name__}: {lines[0][:300]}",
            )
        )
        return rows
    return rows + latency_rows(samples)
