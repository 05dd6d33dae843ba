"""CourseMap driven headless, the way ipywidgets' own tests do: set ``.value``, assert on state."""

from __future__ import annotations

import re
from html import escape

import ipywidgets as widgets
import pandas as pd
import pytest

from radcourse.course import study_plan, summarise_plan
from radcourse.palette import CATEGORY_COLOURS
from radcourse.widgets import CourseMap


def assert_agrees_with_study_plan(w: CourseMap, role: str, hours: int, letters) -> None:
    expected = study_plan(role, hours, letters)
    pd.testing.assert_frame_equal(w.plan, expected)
    assert w.plan.attrs == expected.attrs
    assert w.summary_text == summarise_plan(expected)
    assert w.output.value == w.html
    assert escape(w.summary_text) in w.html


def test_default_map_plans_the_whole_course_for_a_student():
    w = CourseMap()
    assert isinstance(w, widgets.VBox)
    assert w.selected_modules == tuple("ABCDEFG")
    assert_agrees_with_study_plan(w, "student", 3, None)
    assert "35 hours over 12 weeks" in w.summary_text


def test_setting_values_updates_plan_and_summary():
    w = CourseMap()
    w.role.value = "cpd"
    w.hours_per_week.value = 3
    for letter, box in w.modules.items():
        box.value = letter in "ABC"
    assert w.selected_modules == ("A", "B", "C")
    assert_agrees_with_study_plan(w, "cpd", 3, "A-C")
    assert w.summary_text.startswith(
        "As a CPD learner studying 3 hours a week, modules A–C take about 15 hours over 5 weeks."
    )
    w.hours_per_week.value = 5
    assert_agrees_with_study_plan(w, "cpd", 5, "A-C")
    assert "15 hours over 3 weeks" in w.summary_text
    w.modules["B"].value = False
    assert_agrees_with_study_plan(w, "cpd", 5, "A, C")
    assert "modules A and C" in w.summary_text


@pytest.mark.parametrize("role", ["student", "lecturer", "cpd"])
@pytest.mark.parametrize("hours", [1, 4, 20])
def test_every_role_and_pace_agrees_with_study_plan(role, hours):
    w = CourseMap(modules="B-E")
    w.role.value = role
    w.hours_per_week.value = hours
    assert_agrees_with_study_plan(w, role, hours, "B-E")
    assert f"{hours} hour" in w.summary_text  # the summary states the weekly hours


def test_select_modules_recomputes_once_and_in_course_order():
    w = CourseMap()
    renders = []
    w.output.observe(renders.append, names="value")
    w.select_modules(["G", "a"])
    assert w.selected_modules == ("A", "G")
    assert len(renders) == 1  # seven checkboxes changed, one recomputation
    assert_agrees_with_study_plan(w, "student", 3, "A, G")


def test_no_modules_ticked_gives_a_prompt_not_an_error():
    w = CourseMap()
    for box in w.modules.values():
        box.value = False
    assert w.plan.empty
    assert w.summary_text == "Choose at least one module to see a plan."
    assert "<table" not in w.html and "radcourse-plan-summary" in w.html
    w.modules["D"].value = True
    assert_agrees_with_study_plan(w, "student", 3, "D")


def test_every_control_is_labelled_and_keyboard_operable():
    w = CourseMap()
    assert isinstance(w.role, widgets.ToggleButtons)  # buttons: Tab, then Space or Enter
    assert isinstance(w.hours_per_week, widgets.IntSlider)  # arrow keys
    assert w.role.description.strip() and w.hours_per_week.description.strip()
    assert [label for label, _ in w.role.options] == ["Student", "Lecturer", "CPD learner"]
    assert len(w.role.tooltips) == 3 and all(t.strip() for t in w.role.tooltips)
    assert (w.hours_per_week.min, w.hours_per_week.max) == (1, 20)
    assert w.modules_label.value.strip()
    assert list(w.modules) == list("ABCDEFG")
    for letter, box in w.modules.items():
        assert isinstance(box, widgets.Checkbox)  # Tab, then Space
        assert box.description.startswith(f"{letter} · ")


def test_css_classes_for_browser_tests():
    w = CourseMap()
    assert "radcourse-course-map" in w._dom_classes
    assert "radcourse-role" in w.role._dom_classes
    assert "radcourse-hours-per-week" in w.hours_per_week._dom_classes
    assert "radcourse-plan" in w.output._dom_classes
    for letter, box in w.modules.items():
        assert f"radcourse-module-{letter}" in box._dom_classes
    assert 'class="radcourse-plan-summary"' in w.html


def test_plan_html_is_an_accessible_table_with_caption():
    w = CourseMap(role="lecturer", hours_per_week=4, modules="A-C")
    html = w.output.value
    assert "<table" in html
    caption = re.search(r"<caption[^>]*>(.*?)</caption>", html, re.S)
    assert caption and "lecturer" in caption.group(1) and "4 hours a week" in caption.group(1)
    assert html.count('<th scope="col"') == 6
    assert html.count('<th scope="row"') == 4  # A, B, C and the total
    assert "<tfoot>" in html


def test_timeline_is_decorative_and_uses_the_palette():
    w = CourseMap(modules="A-G")
    timeline = re.search(r'<div class="radcourse-plan-timeline"[^>]*>', w.html)
    assert timeline and 'aria-hidden="true"' in timeline.group(0)
    colours = set(re.findall(r"background:(#[0-9A-Fa-f]{6})", w.html))
    assert colours and colours <= set(CATEGORY_COLOURS)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"role": "teacher"}, "unknown role"), ({"hours_per_week": 0}, "1 to 20"),
     ({"hours_per_week": 21}, "1 to 20"), ({"hours_per_week": 2.5}, "whole number"),
     ({"modules": "Z"}, "unknown module")],
)
def test_constructor_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CourseMap(**kwargs)
