"""START_HERE.ipynb in real JupyterLab: Run All renders the course map, and the map answers the
keyboard and the mouse the way a learner would use it.

The course map (``radcourse.widgets.course_map.CourseMap``) is a VBox with the CSS class
``radcourse-course-map``: role ToggleButtons (``radcourse-role``), an IntSlider for the hours a
week (``radcourse-hours-per-week``, a noUiSlider whose handle takes ArrowLeft/ArrowRight), one
checkbox per module (``radcourse-module-<letter>``) and an HTML plan whose summary sits in
``radcourse-plan-summary``.
"""

from __future__ import annotations

import re

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

NOTEBOOK = "START_HERE.ipynb"


def mentions_hours(value: int) -> re.Pattern:
    """The summary states the weekly hours, e.g. "studying 4 hours a week"."""
    return re.compile(rf"\b{value}\s*(hours?|h)\b", re.I)


def slider_value(handle: Locator) -> tuple[int, int, int]:
    """(value, min, max) of a noUiSlider handle, read from its ARIA attributes."""
    return tuple(  # type: ignore[return-value]
        round(float(handle.get_attribute(a)))
        for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax")
    )


def press_and_expect(handle: Locator, key: str, summary: Locator, value: int) -> None:
    """Press ``key`` on the focused slider handle and wait for the summary to show ``value``."""
    before = summary.inner_text()
    handle.focus()
    handle.press(key)
    expect(handle).to_have_attribute(
        "aria-valuenow", re.compile(rf"^{value}(\.0+)?$"), timeout=UPDATE_TIMEOUT_MS
    )
    expect(summary).to_contain_text(mentions_hours(value), timeout=UPDATE_TIMEOUT_MS)
    assert summary.inner_text() != before


@pytest.mark.browser
def test_course_map_renders_and_responds(page, lab_server, output_dir):
    source = REPO / "modules" / NOTEBOOK
    assert source.is_file(), f"{source} is missing"
    original = source.read_bytes()
    had_checkpoints = (source.parent / ".ipynb_checkpoints").exists()

    panel = open_notebook(page, lab_server, NOTEBOOK)
    wait_kernel_idle(page)
    run_all_cells(page)

    course_map = panel.locator(".radcourse-course-map").first
    expect(course_map).to_be_visible(timeout=RUN_TIMEOUT_MS)
    summary = course_map.locator(".radcourse-plan-summary").first
    expect(summary).to_contain_text(re.compile(r"\w"), timeout=RUN_TIMEOUT_MS)
    wait_all_executed(panel)
    wait_kernel_idle(page)
    assert error_outputs(panel) == [], "a cell raised an error during Run All"
    assert page.console_errors == [], "the page raised JavaScript errors"

    # Hours a week: the keyboard moves the slider one step, and the plan follows.
    handle = course_map.locator(".radcourse-hours-per-week .noUi-handle").first
    expect(handle).to_be_visible()
    start, low, high = slider_value(handle)
    expect(summary).to_contain_text(mentions_hours(start))
    up, down = ("ArrowRight", "ArrowLeft") if start < high else ("ArrowLeft", "ArrowRight")
    step = 1 if up == "ArrowRight" else -1
    press_and_expect(handle, up, summary, start + step)
    if low <= start - step <= high:
        press_and_expect(handle, down, summary, start)
        press_and_expect(handle, down, summary, start - step)
    hours = slider_value(handle)[0]

    # Role: clicking another button re-plans for that role and keeps the hours.
    buttons = course_map.locator(".radcourse-role button")
    expect(buttons).to_have_count(3)
    labels = [t.strip() for t in buttons.all_inner_texts()]
    assert {lbl.lower() for lbl in labels} >= {"student", "lecturer"}, labels
    inactive = course_map.locator(".radcourse-role button:not(.mod-active)")
    label = inactive.first.inner_text().strip()
    other = buttons.filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))  # pinned by label
    expect(other).to_have_count(1)
    before = summary.inner_text()
    other.click()
    expect(other).to_have_class(re.compile(r"\bmod-active\b"), timeout=UPDATE_TIMEOUT_MS)
    expect(summary).to_contain_text(re.compile(re.escape(label), re.I), timeout=UPDATE_TIMEOUT_MS)
    assert summary.inner_text() != before
    expect(summary).to_contain_text(mentions_hours(hours))

    # A tall window so that the whole map fits in the notebook's scroll area for the picture.
    page.set_viewport_size({"width": 1400, "height": 2400})
    course_map.scroll_into_view_if_needed()
    shot = output_dir / "start_here-course-map.png"
    course_map.screenshot(path=str(shot), animations="disabled")
    assert shot.stat().st_size > 0

    # Autosave is off in the test server: running the course must not rewrite the repository.
    assert source.read_bytes() == original, f"{source} was modified by the browser session"
    assert not (source.parent / ".ipynb_checkpoints").exists() or had_checkpoints
