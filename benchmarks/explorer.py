"""Diagnostic accuracy explorer benchmarks: the cost of a threshold change in Python, and the
latency from a key press to new numbers on screen in real Chromium.

Compute (20,000-exam screening cohort, :func:`radcourse.data.load_screening`): for the same random
thresholds, interleaved, each call timed on its own, the median time of
``OperatingTable.counts_at(t)`` (the widget's per-update lookup) against recomputing
``sklearn.metrics.confusion_matrix(y, scores >= t, labels=[0, 1])``. The row's ratio is
lookup ÷ sklearn with target ≤ 0.02 (a speed-up of at least 50×; targets in ``common.py`` are
upper bounds). The counts of the two are compared on every threshold. Informative rows: the
widget's whole Python-side update (``explorer.threshold.value = t``: numbers, HTML and the figure's
PNG) and its numbers-only part (``explorer.update(figure=False)``) against the same sklearn call.

Latency: JupyterLab (``radcourse.tools.lab.start_lab``) serving ``modules/``, Debian Chromium with
the browser tests' flags, ``B_validation/B1_diagnostic_accuracy.ipynb`` run with Run All. A cell
added in the page (never saved: autosave is off) shows a trivial IntSlider → HTML echo. Then,
interleaved, N times each: ArrowRight on the explorer's threshold handle, and on the echo's
handle, each timed in the page from the ``keydown`` event to the next animation frame after the
watched numbers changed (:func:`tests.browser.jlab.press_and_time`; for the explorer: the PPV's or
the true-positive cell's ``data-value``). The kernel is idle before every press. Rows: the median
against the 150 ms budget (target ≤ 1×), and the median and p90 against the echo's.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

import numpy as np

from benchmarks.common import Context, Row, median, register

LOOKUP_TARGET = 0.02  # lookup time ÷ sklearn time: a speed-up of at least 50×
LATENCY_BUDGET_MS = 150.0
LATENCY_PRESSES = 25
SEED = 20_000
B1 = "B_validation/B1_diagnostic_accuracy.ipynb"
SCREENING_NAME = "the screening dataset"  # from_dataset("screening") names it so on screen
ECHO_CODE = (
    "import ipywidgets as _w; "
    '_s = _w.IntSlider(value=0, min=0, max=1000, description="echo"); _h = _w.HTML("0"); '
    '_s.add_class("radcourse-bench-echo-slider"); _h.add_class("radcourse-bench-echo"); '
    '_s.observe(lambda c: setattr(_h, "value", str(c["new"])), names="value"); '
    "display(_w.VBox([_s, _h]))"
)


# --- pure helpers (tests/unit/test_bench_explorer_helpers.py) -----------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) by linear interpolation between order statistics (numpy's
    default method); the median is ``percentile(v, 50)``."""
    vals = sorted(values)
    if not vals:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"q must be from 0 to 100, not {q}")
    pos = (len(vals) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(vals) - 1)
    return vals[lo] + (vals[hi] - vals[lo]) * (pos - lo)


def sig(x: float, digits: int = 3) -> float:
    """``x`` rounded to ``digits`` significant figures (for the table, which prints ``:g``)."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def counts_from_confusion_matrix(cm) -> tuple[int, int, int, int]:
    """``(tp, fp, fn, tn)`` from sklearn's 2×2 ``confusion_matrix(..., labels=[0, 1])``, whose
    ravel is ``tn, fp, fn, tp``."""
    tn, fp, fn, tp = (int(v) for v in np.asarray(cm).ravel())
    return tp, fp, fn, tn


def grid_thresholds(
    rng: np.random.Generator, n: int, step: float = 0.01, low: float = 0.0, high: float = 1.0
) -> list[float]:
    """``n`` random slider values on the grid ``low + k·step``, each different from the one
    before it (so that every assignment is a real change)."""
    k_max = round((high - low) / step)
    if k_max < 1:
        raise ValueError("the grid needs at least two values")
    out: list[float] = []
    k_prev = None
    for _ in range(n):
        k = int(rng.integers(0, k_max + 1))
        while k == k_prev:
            k = int(rng.integers(0, k_max + 1))
        out.append(round(low + k * step, 10))
        k_prev = k
    return out


# --- compute cost -------------------------------------------------------------------------------


def _timed(fn: Callable, arg) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = fn(arg)
    return time.perf_counter() - t0, result


def bench_compute(ctx: Context) -> list[Row]:
    from sklearn.metrics import confusion_matrix

    from radcourse.data import load_screening
    from radcourse.metrics import OperatingTable
    from radcourse.widgets import DiagnosticAccuracyExplorer

    frame = load_screening()
    y, scores = frame["cancer"].to_numpy(), frame["ai_score"].to_numpy()
    table = OperatingTable(y, scores)
    rng = np.random.default_rng(SEED)
    n = 200 * ctx.repeat
    thresholds = rng.uniform(0.0, 1.0, n).tolist()

    def sklearn_counts(t: float):
        return confusion_matrix(y, scores >= t, labels=[0, 1])

    for t in thresholds[:5]:  # warm-up (imports, caches)
        table.counts_at(t)
        sklearn_counts(t)
    lookup_s, sklearn_s, disagreements = [], [], 0
    for t in thresholds:  # interleaved: both see the same machine load
        dt, counts = _timed(table.counts_at, t)
        lookup_s.append(dt)
        dt, cm = _timed(sklearn_counts, t)
        sklearn_s.append(dt)
        disagreements += counts != counts_from_confusion_matrix(cm)
    lookup_us, sklearn_us = 1e6 * median(lookup_s), 1e6 * median(sklearn_s)
    ctx.log(
        f"  counts_at {lookup_us:.2f} µs, sklearn confusion_matrix {sklearn_us:.0f} µs "
        f"(median of {n})"
    )

    # The widget's whole Python-side update, on slider values (what the browser sends).
    explorer = DiagnosticAccuracyExplorer.from_dataset("screening")
    step = explorer.threshold.step
    grid = grid_thresholds(
        rng, 20 * ctx.repeat + 3, step, explorer.threshold.min, explorer.threshold.max
    )

    def set_threshold(t: float):
        explorer.threshold.value = t

    def numbers_only(_):
        explorer.update(figure=False)  # the same work as for a new threshold, figure left out

    update_s, numbers_s, sk_s = [], [], []
    for i, t in enumerate(grid):
        dt_update, _ = _timed(set_threshold, t)
        dt_numbers, _ = _timed(numbers_only, t)
        dt_sk, _ = _timed(sklearn_counts, t)
        if i >= 3:  # the first updates warm matplotlib and PIL up
            update_s.append(dt_update)
            numbers_s.append(dt_numbers)
            sk_s.append(dt_sk)
        if explorer.state.threshold != t or explorer.state.tp != table.counts_at(t)[0]:
            disagreements += 1
    update_ms, numbers_ms, sk_ms = (1e3 * median(v) for v in (update_s, numbers_s, sk_s))
    ctx.log(
        f"  widget update {update_ms:.1f} ms (numbers only {numbers_ms:.2f} ms), sklearn "
        f"{sk_ms:.2f} ms (median of {len(update_s)})"
    )

    error = f"{disagreements} threshold(s) where the counts disagree" if disagreements else ""
    return [
        Row(
            "explorer compute",
            "counts_at(t) lookup vs sklearn confusion_matrix (median per threshold)",
            sig(lookup_us),
            "µs",
            baseline=sig(sklearn_us),
            baseline_label="sklearn",
            target=LOOKUP_TARGET,
            note=(
                f"speed-up {sklearn_us / lookup_us:,.0f}× (target ≥ {1 / LOOKUP_TARGET:.0f}×); "
                f"{n} random thresholds on the 20,000-exam cohort, each timed alone, the same "
                "for both; counts identical" + ("" if not disagreements else " EXCEPT ERRORS")
            ),
            error=error,
        ),
        Row(
            "explorer compute",
            "widget threshold update, Python side (numbers + figure PNG)",
            sig(update_ms),
            "ms",
            baseline=sig(sk_ms),
            baseline_label="sklearn",
            note=(
                f"informative: explorer.threshold.value = t, {len(update_s)} random slider "
                f"values; {update_ms / sk_ms:.1f}× one sklearn confusion_matrix"
            ),
        ),
        Row(
            "explorer compute",
            "widget threshold update, numbers only (update(figure=False))",
            sig(numbers_ms),
            "ms",
            baseline=sig(sk_ms),
            baseline_label="sklearn",
            note="informative: the part sent to the browser before the figure",
        ),
    ]


# --- latency in Chromium ------------------------------------------------------------------------


def add_and_run_cell(page, panel, code: str) -> None:
    """Add a code cell at the end of the open notebook (in the page only; nothing is saved) and
    run it: select the last cell, B (insert below), Enter (edit), type, Shift+Enter."""
    panel.locator(".jp-Cell").last.locator(".jp-InputPrompt").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.insert_text(code)  # insert_text: no auto-closed brackets
    page.keyboard.press("Shift+Enter")


def measure_latency(ctx: Context, presses: int = LATENCY_PRESSES) -> dict[str, list[float]]:
    """Milliseconds from key press to new numbers: explorer and echo, ``presses`` each."""
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

    source = ctx.repo / "modules" / B1
    if not source.is_file():
        raise FileNotFoundError(f"{source} is missing")
    exe = chromium_executable()
    if not exe.is_file():
        raise FileNotFoundError(f"Chromium not found at {exe} (apt-get install -y chromium)")
    original = source.read_bytes()
    samples: dict[str, list[float]] = {"explorer": [], "explorer_dom": [], "echo": []}
    with start_lab(ctx.repo / "modules") as lab, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(exe), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.set_default_timeout(15_000)
            panel = open_notebook(page, lab, B1)
            wait_kernel_idle(page)
            run_all_cells(page)
            explorer = (
                panel.locator(".radcourse-accuracy-explorer").filter(has_text=SCREENING_NAME).first
            )
            expect(explorer.locator(".radcourse-ppv")).to_have_count(1, timeout=RUN_TIMEOUT_MS)
            wait_all_executed(panel)
            wait_kernel_idle(page)
            if error_outputs(panel):
                raise RuntimeError(f"B1 raised during Run All: {error_outputs(panel)[0][:300]}")
            add_and_run_cell(page, panel, ECHO_CODE)
            echo = panel.locator(".radcourse-bench-echo")
            expect(echo).to_contain_text("0", timeout=RUN_TIMEOUT_MS)
            wait_kernel_idle(page)
            ctx.log("  lab up, B1 run, echo cell added")

            handle = explorer.locator(".radcourse-threshold .noUi-handle")
            start = float(handle.get_attribute("aria-valuetext"))
            mid = (
                float(handle.get_attribute("aria-valuemin"))
                + float(handle.get_attribute("aria-valuemax"))
            ) / 2
            key = "ArrowRight" if start <= mid else "ArrowLeft"
            numbers = explorer.locator(".radcourse-accuracy-numbers")
            echo_handle = panel.locator(".radcourse-bench-echo-slider .noUi-handle")
            for i in range(presses):
                before = handle.get_attribute("aria-valuetext")
                t = press_and_time(handle, key, numbers, ".radcourse-ppv, [data-cell=tp]")
                if handle.get_attribute("aria-valuetext") == before:
                    raise RuntimeError("the threshold did not move")
                samples["explorer"].append(t["frame"])
                samples["explorer_dom"].append(t["dom"])
                wait_kernel_idle(page)
                e = press_and_time(echo_handle, "ArrowRight", echo.locator(".widget-html-content"))
                samples["echo"].append(e["frame"])
                wait_kernel_idle(page)
                if (i + 1) % 5 == 0:
                    ctx.log(
                        f"  {i + 1}/{presses}: explorer {t['frame']:.0f} ms, "
                        f"echo {e['frame']:.0f} ms"
                    )
        finally:
            browser.close()
    if source.read_bytes() != original:
        ctx.log(f"  WARNING: {source} changed during the benchmark (edited by someone else?)")
    return samples


def latency_rows(samples: dict[str, list[float]]) -> list[Row]:
    ex, dom, echo = samples["explorer"], samples["explorer_dom"], samples["echo"]
    ex_med, ex_p90 = percentile(ex, 50), percentile(ex, 90)
    echo_med, echo_p90 = percentile(echo, 50), percentile(echo, 90)
    n = len(ex)
    what = f"threshold key → PPV/2×2 on screen (Chromium, n={n})"
    return [
        Row(
            "explorer latency",
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
            "explorer latency",
            f"{what}, median vs echo",
            sig(ex_med),
            "ms",
            baseline=sig(echo_med),
            baseline_label="IntSlider→HTML echo",
            note=(
                f"informative: a trivial IntSlider → HTML echo round trip in the same page and "
                f"kernel, interleaved; echo p90 {echo_p90:.0f} ms"
            ),
        ),
        Row(
            "explorer latency",
            f"{what}, p90 vs echo p90",
            sig(ex_p90),
            "ms",
            baseline=sig(echo_p90),
            baseline_label="echo p90",
        ),
    ]


@register(
    "explorer",
    "accuracy explorer: threshold lookup vs sklearn; key press → numbers in "
    "Chromium vs an echo widget and 150 ms",
)
def bench_explorer(ctx: Context) -> list[Row]:
    rows = bench_compute(ctx)
    try:
        samples = measure_latency(ctx)
    except Exception as exc:  # keep the compute figures when the browser part cannot run
        lines = str(exc).strip().splitlines() or [""]
        rows.append(
            Row(
                "explorer latency",
                "(browser)",
                None,
                "",
                error=f"{type(exc).__name__}: {lines[0][:300]}",
            )
        )
        return rows
    return rows + latency_rows(samples)
