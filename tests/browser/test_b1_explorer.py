"""B1 in real JupyterLab: Run All renders the diagnostic accuracy explorer, and moving its threshold
and prevalence by keyboard shows exactly the PPV and 2×2 counts the metrics core computes.

The explorer (``radcourse.widgets.accuracy.DiagnosticAccuracyExplorer``, CSS class
``radcourse-accuracy-explorer``) shows the PPV in ``<span class="radcourse-ppv" data-value=…>`` and
the natural-frequency 2×2 table in ``radcourse-table`` (cells ``data-cell="tp|fp|fn|tn|…"`` with
``data-value``); its source note also states the dataset's own counts at the threshold.

What the page shows is read in one go (:func:`read_shown`): the threshold from its slider handle's
``aria-valuetext`` (the exact number the slider sends to the kernel; ``aria-valuenow`` is rounded
to one decimal by noUiSlider), the population from the active toggle button, and the prevalence
from the log slider's ``aria-valuetext`` (an exponent: prevalence = 10 ** exponent) or, for a
typed value that is not on the slider's grid, from the percentage box. The test computes what those
inputs must give with :mod:`radcourse.metrics` from ``radcourse.data.load_screening()`` and waits
(bounded) until the page agrees in every number.

Note on the typed prevalence: ipywidgets 8's ``FloatLogSlider`` with ``continuous_update=True``
snaps any value the kernel sends it to its step grid (0.01 in log10) and sends the snapped value
back, so a typed 2.5% may end up as 10 ** -1.6 = 2.512%. The test accepts either (within half a
step of what was typed) and checks the numbers against the prevalence finally in effect.
"""

from __future__ import annotations

import functools
import math
import re
import time
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, expect

from tests.browser.jlab import (
    REPO,
    RUN_TIMEOUT_MS,
    UPDATE_TIMEOUT_MS,
    error_outputs,
    open_notebook,
    run_all_cells,
    wait_all_executed,
    wait_kernel_idle,
)

NOTEBOOK = "B_validation/B1_diagnostic_accuracy.ipynb"
EXPLORER = ".radcourse-accuracy-explorer"
#: from_dataset("screening") names its data "the screening dataset" (intro and source note).
SCREENING_NAME = "the screening dataset"
CELLS = ("tp", "fp", "fn", "tn", "called", "cleared", "with_condition", "without_condition",
         "population")  # fmt: skip
#: Half a step of the prevalence slider (0.01 in log10), plus float noise.
HALF_LOG_STEP = 0.005 + 1e-9
POLL_S = 0.05

_SNAPSHOT_JS = """
(root) => {
  const q = (sel) => root.querySelector(sel);
  const th = q(".radcourse-threshold .noUi-handle");
  const pv = q(".radcourse-prevalence .noUi-handle");
  const ppv = q(".radcourse-ppv");
  const cells = {};
  for (const td of root.querySelectorAll(".radcourse-table [data-cell]")) {
    cells[td.dataset.cell] = [td.dataset.value, td.textContent.trim()];
  }
  const note = [...root.querySelectorAll(".radcourse-accuracy-numbers small")]
    .map((e) => e.textContent).find((t) => t.includes("dataset has")) || "";
  const active = q(".radcourse-population button.mod-active");
  return {
    threshold: th && th.getAttribute("aria-valuetext"),
    threshold_readout: (q(".radcourse-threshold .widget-readout") || {}).textContent,
    prevalence_exponent: pv && pv.getAttribute("aria-valuetext"),
    prevalence_percent: (q(".radcourse-prevalence-percent input") || {}).value,
    population: active ? active.textContent : null,
    ppv: ppv ? [ppv.dataset.value, ppv.textContent.trim()] : null,
    cells,
    note: note.replace(/\\s+/g, " "),
  };
}
"""

_NOTE_COUNTS = re.compile(
    r"dataset has ([\d,]+) true positives, ([\d,]+) false positives, ([\d,]+) false negatives "
    r"and ([\d,]+) true negatives"
)


@dataclass
class Shown:
    """The explorer's inputs and outputs as the page shows them.

    ``prevalence`` is the one in effect: the candidate (slider position, or typed percentage) that
    the numbers agree with once :func:`mismatches` has found it; the slider's until then.
    """

    threshold: float
    prevalence: float
    population: int
    raw: dict
    candidates: tuple[float, ...] = ()


@functools.cache
def screening_table():
    from radcourse.data import load_screening
    from radcourse.metrics import OperatingTable

    frame = load_screening()
    return OperatingTable(frame["cancer"].to_numpy(), frame["ai_score"].to_numpy())


def expected_numbers(threshold: float, prevalence: float, population: int) -> dict:
    """What the metrics core gives for these inputs: PPV, natural frequencies, dataset counts."""
    from radcourse.metrics import diagnostic_summary, natural_frequencies, predictive_values

    counts = screening_table().counts_at(threshold)
    summary = diagnostic_summary(*counts)
    sens, spec = summary["sensitivity"], summary["specificity"]
    ppv, _ = predictive_values(sens, spec, prevalence)
    people = natural_frequencies(sens, spec, prevalence, population)
    people["called"] = people["tp"] + people["fp"]
    people["cleared"] = people["fn"] + people["tn"]
    return {"ppv": ppv, "people": people, "counts": counts}


def read_shown(explorer: Locator) -> Shown:
    raw = explorer.evaluate(_SNAPSHOT_JS)
    population = int(re.sub(r"\D", "", raw["population"] or "") or 0)
    slider = 10 ** float(raw["prevalence_exponent"])
    candidates = [slider]
    if re.fullmatch(r"\d+(\.\d+)?", (raw["prevalence_percent"] or "").strip()):
        candidates.append(float(raw["prevalence_percent"]) / 100)
    return Shown(
        threshold=float(raw["threshold"]),
        prevalence=slider,
        population=population,
        raw=raw,
        candidates=tuple(candidates),
    )


def mismatches(shown: Shown) -> list[str]:
    """Every way in which the page disagrees with the metrics core (empty when it agrees).

    Each prevalence candidate is tried; the first that the page agrees with becomes
    ``shown.prevalence``. When none does, the slider's problems are returned.
    """
    first: list[str] | None = None
    for prevalence in shown.candidates or (shown.prevalence,):
        problems = _mismatches_at(shown, prevalence)
        if not problems:
            shown.prevalence = prevalence
            return []
        first = problems if first is None else first
    return first or []


def _mismatches_at(shown: Shown, prevalence: float) -> list[str]:
    raw, problems = shown.raw, []
    want = expected_numbers(shown.threshold, prevalence, shown.population)
    # Inputs as displayed: the readout and the percentage box show the sliders' values.
    readout = raw["threshold_readout"] or ""
    if not re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", readout) or not math.isclose(
        float(readout), shown.threshold, abs_tol=0.5 * 10 ** -_decimals(readout) + 1e-12
    ):
        problems.append(f"threshold readout {readout!r} vs slider {shown.threshold}")
    box = raw["prevalence_percent"] or ""
    if not box or not math.isclose(float(box), 100 * prevalence, abs_tol=0.0005 + 1e-9):
        problems.append(f"prevalence box {box!r}% vs prevalence {100 * prevalence:.4f}%")
    if abs(float(raw["prevalence_exponent"]) - math.log10(prevalence)) > HALF_LOG_STEP:
        problems.append(f"prevalence slider at 10^{raw['prevalence_exponent']} vs {prevalence!r}")
    # PPV: exact number in data-value, one-decimal percentage in the text.
    if raw["ppv"] is None:
        problems.append("no PPV shown")
    else:
        value, text = raw["ppv"]
        if not math.isclose(float(value), want["ppv"], rel_tol=1e-9, abs_tol=1e-12):
            problems.append(f"PPV data-value {value} vs metrics {want['ppv']!r}")
        if text != f"{100 * float(value):.1f}%":
            problems.append(f"PPV text {text!r} vs data-value {value}")
    # The 2×2 table of people (natural frequencies) and its totals.
    for key in CELLS:
        if key not in raw["cells"]:
            problems.append(f"no {key} cell")
            continue
        value, text = raw["cells"][key]
        if int(value) != want["people"][key]:
            problems.append(f"{key} data-value {value} vs metrics {want['people'][key]}")
        if text != f"{int(value):,}":
            problems.append(f"{key} text {text!r} vs data-value {value}")
    # The dataset's own counts at the threshold, stated in the source note.
    found = _NOTE_COUNTS.search(raw["note"])
    shown_counts = tuple(int(g.replace(",", "")) for g in found.groups()) if found else None
    if shown_counts != want["counts"]:
        problems.append(f"dataset counts {shown_counts} vs metrics {want['counts']}")
    return problems


def _decimals(text: str) -> int:
    return len(text.strip().partition(".")[2])


def wait_consistent(explorer: Locator, timeout_ms: int = UPDATE_TIMEOUT_MS) -> Shown:
    """Poll (bounded) until every number shown agrees with the metrics core for the inputs
    shown; intermediate states (a key press whose update has not arrived yet) disagree."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        shown = read_shown(explorer)
        problems = mismatches(shown)
        if not problems:
            return shown
        if time.monotonic() > deadline:
            pytest.fail(
                f"after {timeout_ms} ms the explorer still disagrees with radcourse.metrics at "
                f"threshold {shown.threshold!r}, prevalence {shown.prevalence!r}, population "
                f"{shown.population}: " + "; ".join(problems),
                pytrace=False,
            )
        time.sleep(POLL_S)


def settle(page, explorer: Locator) -> Shown:
    """Consistent, and still consistent once the kernel is idle (no update left in flight)."""
    wait_consistent(explorer)
    wait_kernel_idle(page, UPDATE_TIMEOUT_MS)
    return wait_consistent(explorer)


def press(handle: Locator, key: str, times: int = 1) -> None:
    handle.focus()
    for _ in range(times):
        handle.press(key)


def bounds(handle: Locator) -> tuple[float, float]:
    """(min, max) of a noUiSlider handle, from its ARIA attributes."""
    low, high = (float(handle.get_attribute(a)) for a in ("aria-valuemin", "aria-valuemax"))
    return low, high


def figure_src(explorer: Locator) -> str | None:
    """The ``src`` of the explorer's figure image (a blob URL), or None when it is not there."""
    img = explorer.locator("img.radcourse-accuracy-figure")
    return img.first.get_attribute("src") if img.count() else None


def figure_problems(explorer: Locator, src_before: str | None) -> list[str]:
    """Why the figure is not a rendered image that followed the threshold (empty when it is)."""
    problems = []
    broken = explorer.locator(".jupyter-widgets-error-widget")
    if broken.count():
        broken.first.click()  # the error box shows the JavaScript error when clicked
        problems.append(f"a widget failed to render: {broken.first.inner_text()[:600]}")
    img = explorer.locator("img.radcourse-accuracy-figure")
    if not img.count():
        return [*problems, "no figure image"]
    loaded = img.first.evaluate("i => i.complete && i.naturalWidth > 0")
    if not loaded:
        problems.append("the figure image is not loaded")
    if img.first.get_attribute("src") == src_before:
        problems.append("the figure did not change when the threshold moved")
    return problems


def exercise_explorer(page, panel: Locator, output_dir, shot_name: str) -> list[str]:
    """Run All, then drive the screening explorer by keyboard, checking every number on the
    way; save a screenshot. Returns the figure's problems (checked last, so that a broken
    figure does not hide the state of the numbers)."""
    wait_kernel_idle(page)
    run_all_cells(page)

    explorer = panel.locator(EXPLORER).filter(has_text=SCREENING_NAME).first
    expect(explorer).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(explorer.locator(".radcourse-ppv")).to_have_count(1, timeout=RUN_TIMEOUT_MS)
    wait_all_executed(panel)
    wait_kernel_idle(page)
    assert error_outputs(panel) == [], "a cell raised an error during Run All"
    assert page.console_errors == [], "the page raised JavaScript errors"
    first = settle(page, explorer)
    src_before = figure_src(explorer)

    # Threshold: ArrowRight (or Left, near the top) three times, then a Page Up (Down) jump.
    handle = explorer.locator(".radcourse-threshold .noUi-handle")
    low, high = bounds(handle)
    up = first.threshold <= (low + high) / 2
    small, big = ("ArrowRight", "PageUp") if up else ("ArrowLeft", "PageDown")
    sign = 1 if up else -1
    press(handle, small, 3)
    after_arrows = settle(page, explorer)
    assert sign * (after_arrows.threshold - first.threshold) > 0, "the arrows did not move it"
    moved = after_arrows.raw["ppv"][0] != first.raw["ppv"][0]
    assert moved or after_arrows.raw["cells"] != first.raw["cells"], "the numbers did not change"
    press(handle, big)
    after_page = settle(page, explorer)
    arrow_step = abs(after_arrows.threshold - first.threshold) / 3
    assert sign * (after_page.threshold - after_arrows.threshold) > 1.5 * arrow_step, (
        "Page Up/Down should move the threshold further than one arrow step"
    )
    problems = figure_problems(explorer, src_before)

    # Prevalence slider (log scale): two arrow steps up (down near the top), then a page jump.
    prev_handle = explorer.locator(".radcourse-prevalence .noUi-handle")
    expect(prev_handle).to_be_visible()
    lo_exp, hi_exp = bounds(prev_handle)
    exponent = math.log10(after_page.prevalence)
    up = exponent <= (lo_exp + hi_exp) / 2
    press(prev_handle, "ArrowRight" if up else "ArrowLeft", 2)
    after_prev = settle(page, explorer)
    assert (after_prev.prevalence - after_page.prevalence) * (1 if up else -1) > 0
    press(prev_handle, "PageUp" if up else "PageDown")
    after_prev_page = settle(page, explorer)
    assert (after_prev_page.prevalence - after_prev.prevalence) * (1 if up else -1) > 0
    assert after_prev_page.threshold == after_page.threshold, "the prevalence moved the threshold"

    # The labelled percentage box: select all, type a percentage, Enter.
    box = explorer.locator(".radcourse-prevalence-percent input")
    expect(box).to_be_visible()
    typed = 2.5 if abs(100 * after_prev_page.prevalence - 2.5) > 0.5 else 4.0
    box.focus()
    box.press("ControlOrMeta+a")
    box.press_sequentially(f"{typed:g}")
    box.press("Enter")
    after_box = settle(page, explorer)
    assert abs(math.log10(after_box.prevalence) - math.log10(typed / 100)) <= HALF_LOG_STEP, (
        f"typed {typed}% but the explorer uses {100 * after_box.prevalence:.4f}%"
    )
    assert after_box.threshold == after_page.threshold
    assert page.console_errors == [], "the page raised JavaScript errors"

    # A tall window so that the whole explorer fits in the notebook's scroll area.
    page.set_viewport_size({"width": 1400, "height": 2400})
    explorer.scroll_into_view_if_needed()
    shot = output_dir / shot_name
    explorer.screenshot(path=str(shot), animations="disabled")
    assert shot.stat().st_size > 0
    return problems


@pytest.mark.browser
def test_b1_explorer_matches_the_metrics_core(page, lab_server, output_dir):
    source = REPO / "modules" / NOTEBOOK
    assert source.is_file(), f"{source} is missing"
    original = source.read_bytes()
    had_checkpoints = (source.parent / ".ipynb_checkpoints").exists()

    panel = open_notebook(page, lab_server, NOTEBOOK)
    problems = exercise_explorer(page, panel, output_dir, "b1-explorer.png")

    # Autosave is off in the test server: running the notebook must not rewrite the repository.
    now = source.read_bytes()
    assert now == original, f"{source} changed during the test: " + (
        "it now holds execution counts, so the browser session saved it"
        if b'"execution_count": 1' in now
        else "without outputs, so probably edited by someone else meanwhile; run again"
    )
    assert not (source.parent / ".ipynb_checkpoints").exists() or had_checkpoints
    # ipywidgets 8.1 cannot draw an Image whose `tooltip` is set (it has no description; see
    # jupyter-widgets/ipywidgets#3860): the figure then shows "Click to show javascript error".
    assert problems == [], "the explorer's figure is broken in the browser"
