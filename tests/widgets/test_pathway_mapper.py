"""PathwayMapper driven headless: set dropdown values, click the button, assert on state.

No right answer is written here: they are found by trying every stage and task against
``radcourse.pathway.is_accepted``.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets
import pytest

from radcourse.pathway import (
    RIGHT,
    WRONG,
    check_placement,
    get_vignette,
    is_accepted,
    rationale_for,
    stages,
    tasks,
    vignettes,
)
from radcourse.widgets.pathway_mapper import PLACEHOLDER, PathwayMapper


def right_stage(vid: str) -> str:
    return next(s.key for s in stages() if is_accepted(vid, stage=s.key))


def right_task(vid: str) -> str:
    return next(t.key for t in tasks() if is_accepted(vid, task=t.key))


def wrong_stage(vid: str) -> str:
    return next(s.key for s in stages() if not is_accepted(vid, stage=s.key))


def wrong_task(vid: str) -> str:
    return next(t.key for t in tasks() if not is_accepted(vid, task=t.key))


def answer(w: PathwayMapper, vid: str, stage, task, radiotherapy: bool = False) -> None:
    w.stage_dropdowns[vid].value = stage
    w.task_dropdowns[vid].value = task
    w.radiotherapy_boxes[vid].value = radiotherapy


def test_one_card_per_vignette_with_labelled_controls_and_nothing_chosen():
    w = PathwayMapper()
    assert isinstance(w, widgets.VBox)
    assert "radcourse-pathway-mapper" in w._dom_classes
    assert list(w.cards) == [v.id for v in vignettes()] and len(w.cards) >= 14
    for vid in w.cards:
        stage, task, rt = w.stage_dropdowns[vid], w.task_dropdowns[vid], w.radiotherapy_boxes[vid]
        assert stage.description == "Pathway stage:" and task.description == "ML task:"
        assert rt.description == "This is radiotherapy"
        assert stage.value is None and task.value is None and rt.value is False
        assert stage.options[0] == (PLACEHOLDER, None) == task.options[0]
        assert "radcourse-pathway-card" in w.cards[vid]._dom_classes
    assert w.check_button.description == "Check my answers"
    assert w.answers == {vid: (None, None, False) for vid in w.cards}
    assert w.feedback == {} and w.score is None
    assert "Nothing checked yet" in w.html


def test_cards_show_the_vignette_and_its_source():
    w = PathwayMapper()
    v = get_vignette("echogo-pro")
    heading = w.cards[v.id].children[0].value
    assert v.text in heading.replace("&#x27;", "'") and v.source in heading


def test_checking_with_nothing_answered_says_not_answered_yet():
    w = PathwayMapper()
    w.check_button.click()
    assert w.score["total"] == 0 and w.score["answered"] == 0
    assert w.score["settings_answered"] == 0  # an untouched tick box is not an answer
    for vid, fb in w.feedback.items():
        assert fb.stage_correct is None and fb.task_correct is None
        assert "Not answered yet" in w.feedback_outputs[vid].value
        assert WRONG not in w.feedback_outputs[vid].value
    assert f"0 of {len(w.cards)} placed correctly" in w.html
    assert f"{len(w.cards)} not answered yet" in w.html


def test_a_right_answer_gets_a_tick_the_reason_and_the_source():
    w = PathwayMapper()
    vid = "oar-contouring"
    stage, task = right_stage(vid), right_task(vid)
    answer(w, vid, stage, task, True)
    assert w.answers[vid] == (stage, task, True)
    w.check_button.click()
    fb = w.feedback[vid]
    assert fb == check_placement(vid, stage, task, True)
    html = w.feedback_outputs[vid].value
    assert f"{RIGHT} Correct: stage and task both accepted" in html
    rationale = rationale_for(vid, stage, task)
    assert rationale and fb.rationale == rationale  # unsealed by the right answer
    assert f"Why: {escape(rationale)}" in html and "000_3e6d27baae46dbf4.txt L175, L181" in html
    assert "this is radiotherapy" in html
    assert w.score["total"] == 1 and w.score["settings_correct"] == 1
    assert f"Score: 1 of {len(w.cards)} placed correctly" in w.html


def test_a_wrong_answer_gets_a_cross_in_words_and_a_hint():
    w = PathwayMapper()
    answer(w, "bone-age", wrong_stage("bone-age"), wrong_task("bone-age"), True)
    w.check_button.click()
    html = w.feedback_outputs["bone-age"].value
    assert WRONG in html and "not accepted here" in html and "Hint:" in html
    assert "Why:" not in html and w.feedback["bone-age"].rationale is None
    assert escape(get_vignette("bone-age").stage_hint) in html
    assert "look again at whether this happens in a radiotherapy department" in html
    assert w.score["items"]["bone-age"]["points"] == 0


def test_partly_right_and_half_answered_cards():
    w = PathwayMapper()
    answer(w, "bone-age", right_stage("bone-age"), wrong_task("bone-age"))
    answer(w, "positioning", right_stage("positioning"), None)
    w.check_button.click()
    assert "Partly right" in w.feedback_outputs["bone-age"].value
    assert "Why:" not in w.feedback_outputs["bone-age"].value
    assert "Not fully answered yet" in w.feedback_outputs["positioning"].value
    assert w.score["stages_correct"] == 2 and w.score["total"] == 0


def test_changing_an_answer_clears_that_cards_feedback():
    w = PathwayMapper()
    answer(w, "bone-age", right_stage("bone-age"), right_task("bone-age"))
    w.check_button.click()
    assert "bone-age" in w.feedback and "Why:" in w.feedback_outputs["bone-age"].value
    w.task_dropdowns["bone-age"].value = wrong_task("bone-age")
    assert "bone-age" not in w.feedback and w.feedback_outputs["bone-age"].value == ""
    assert w.answers["bone-age"][1] == wrong_task("bone-age")
    assert "press Check my answers again" in w.html
    w.check_button.click()
    assert w.feedback["bone-age"].task_correct is False


def test_a_subset_of_vignettes():
    w = PathwayMapper(["bone-age", "adaptive-rt"])
    assert list(w.cards) == ["bone-age", "adaptive-rt"]
    assert w.check()["out_of"] == 2
    with pytest.raises(ValueError, match="no vignette called"):
        PathwayMapper(["bone-age", "nope"])
    with pytest.raises(ValueError, match="at least one"):
        PathwayMapper([])


def test_feedback_is_announced_to_screen_readers():
    w = PathwayMapper(["bone-age"])
    w.check_button.click()
    assert 'role="status"' in w.feedback_outputs["bone-age"].value
    assert 'role="status"' in w.html
