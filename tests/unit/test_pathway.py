"""Pathway mapper, pure layer: vignettes, accepted sets, feedback that never raises, scoring.

Whether each ``source`` line says what the vignette paraphrases cannot be checked here (the seeds
are not in the repository); it was checked with ``sed -n 'Np'`` when the vignettes were written.
"""

from __future__ import annotations

import itertools
import re

import pytest

from radcourse.glossary import SEED_FILES, lookup
from radcourse.pathway import (
    DIAGNOSTIC,
    RADIOTHERAPY,
    RIGHT,
    WRONG,
    Feedback,
    check_placement,
    get_vignette,
    normalise_stage,
    normalise_task,
    score,
    stages,
    tasks,
    vignette_ids,
    vignettes,
)

STAGE_ORDER = ["booking", "acquisition/positioning", "reconstruction/dose", "triage/detection",
               "reporting", "rt contouring/planning", "adaptive treatment", "service management"]
TASKS = ["classification", "detection", "segmentation", "prediction/regression",
         "optimisation/generation"]
SOURCE = re.compile(r"(\d{3}_[0-9a-f]{16}\.txt) L\d+(?:–\d+)?(?:, L\d+(?:–\d+)?)*")
ALL = vignettes()


def _wrong_stage(v):
    return next(s for s in STAGE_ORDER if s not in v.stages)


def _wrong_task(v):
    return next(t for t in TASKS if t not in v.tasks)


# --- the data --------------------------------------------------------------------------------


def test_stages_follow_the_syllabus_pathway_and_tasks_are_the_glossary_terms():
    assert [s.key for s in stages()] == STAGE_ORDER
    assert [t.key for t in tasks()] == TASKS
    for item in [*stages(), *tasks()]:
        assert item.description.endswith(".") and item.label
    for t in tasks():
        assert lookup(t.key).term == t.key  # one vocabulary with the course glossary


def test_at_least_fourteen_vignettes_with_unique_ids():
    assert len(ALL) >= 14
    assert len(set(vignette_ids())) == len(ALL)
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", vid) for vid in vignette_ids())


@pytest.mark.parametrize("v", ALL, ids=lambda v: v.id)
def test_each_vignette_is_complete(v):
    assert v.setting in (DIAGNOSTIC, RADIOTHERAPY)
    assert v.stages and v.stages <= set(STAGE_ORDER)
    assert v.tasks and v.tasks <= set(TASKS)
    match = SOURCE.fullmatch(v.source)
    assert match and match.group(1) in SEED_FILES
    for text in (v.title, v.text, v.rationale, v.stage_hint, v.task_hint):
        assert text.strip()
    assert v.citation.startswith(v.source) and "et al." in v.citation


@pytest.mark.parametrize("v", ALL, ids=lambda v: v.id)
def test_hints_do_not_name_an_accepted_answer(v):
    for keys, items, hint in ((v.stages, stages(), v.stage_hint), (v.tasks, tasks(), v.task_hint)):
        for item in items:
            if item.key in keys:
                for word in {item.label.lower(), *item.key.split("/")}:
                    assert not re.search(rf"\b{re.escape(word)}\b", hint.lower()), (v.id, word)


def test_both_settings_every_stage_and_every_task_are_used():
    assert {v.setting for v in ALL} == {DIAGNOSTIC, RADIOTHERAPY}
    assert len(vignettes(setting=RADIOTHERAPY)) >= 3
    assert set().union(*(v.stages for v in ALL)) == set(STAGE_ORDER)
    assert set().union(*(v.tasks for v in ALL)) == set(TASKS)


def test_enough_clear_cut_vignettes_for_the_graded_question():
    graded = vignettes(graded=True)
    assert len(graded) >= 10
    assert len(graded) + len(vignettes(graded=False)) == len(ALL)


def test_syllabus_examples_of_accepted_sets():
    assert get_vignette("probability-booking").stages == {"booking", "service management"}
    assert get_vignette("oar-contouring").tasks == {"segmentation"}
    assert get_vignette("adaptive-rt").stages == {"adaptive treatment"}
    assert get_vignette("bone-age").tasks == {"prediction/regression"}
    assert {v.id for v in vignettes(setting=RADIOTHERAPY)} == {
        "oar-contouring", "adaptive-rt", "reproducible-contours"}


def test_get_vignette_is_forgiving_about_case_and_explains_unknown_ids():
    assert get_vignette(" Bone-Age ").id == "bone-age"
    with pytest.raises(KeyError, match="Did you mean bone-age"):
        get_vignette("bone-agee")


# --- normalising answers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [("Booking", "booking"), ("RT contouring/planning", "rt contouring/planning"),
     ("rt planning", "rt contouring/planning"), ("Adaptive radiotherapy", "adaptive treatment"),
     ("triage / detection", "triage/detection"), ("  REPORTING ", "reporting"),
     ("Service management.", "service management"), ("nonsense", None), (None, None), (3, None)],
)
def test_normalise_stage(text, key):
    assert normalise_stage(text) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [("Regression", "prediction/regression"), ("prediction", "prediction/regression"),
     ("Optimization", "optimisation/generation"), ("auto-contouring", "segmentation"),
     ("Detection", "detection"), ("Prediction / regression", "prediction/regression"),
     ("magic", None), (["detection"], None)],
)
def test_normalise_task(text, key):
    assert normalise_task(text) == key


# --- feedback --------------------------------------------------------------------------------


@pytest.mark.parametrize("v", ALL, ids=lambda v: v.id)
def test_every_accepted_pair_is_correct_and_explained(v):
    for stage, task in itertools.product(v.stages, v.tasks):
        fb = check_placement(v.id, stage, task)
        assert isinstance(fb, Feedback)
        assert (fb.stage_correct, fb.task_correct, fb.correct, fb.answered) == (
            True, True, True, True)
        assert f"Why: {v.rationale}" in fb.lines
        assert fb.lines[-1] == f"Source: {v.citation}."
        assert fb.lines[0].startswith(RIGHT)


@pytest.mark.parametrize("v", ALL, ids=lambda v: v.id)
def test_wrong_choices_get_hints_not_the_answer(v):
    fb = check_placement(v.id, _wrong_stage(v), _wrong_task(v))
    assert (fb.stage_correct, fb.task_correct, fb.correct) == (False, False, False)
    assert fb.lines[0].startswith(f"{WRONG} Stage:") and "not accepted" in fb.lines[0]
    assert v.stage_hint in fb.message and v.task_hint in fb.message
    assert v.rationale not in fb.message
    assert v.source in fb.message


def test_stage_and_task_are_judged_separately():
    fb = check_placement("bone-age", "reporting", "classification")
    assert (fb.stage_correct, fb.task_correct, fb.correct) == (True, False, False)
    assert fb.lines[0] == f"{RIGHT} Stage: right, Reporting is accepted."
    assert fb.lines[1].startswith(f"{WRONG} Task: Classification is not accepted here.")


def test_the_radiotherapy_tick_is_checked_when_given():
    assert check_placement("adaptive-rt", "adaptive", "segmentation", True).setting_correct
    fb = check_placement("adaptive-rt", "adaptive", "segmentation", False)
    assert fb.setting_correct is False and fb.correct  # stage and task still right
    assert any(line.startswith(f"{WRONG} Setting") for line in fb.lines)
    assert check_placement("bone-age", "reporting", "regression", False).setting_correct
    assert check_placement("bone-age", "reporting", "regression").setting_correct is None
    assert check_placement("bone-age", "reporting", "regression", "yes").setting_correct is None


@pytest.mark.parametrize("blank", [None, ..., "", "Choose…", "  choose  "])
def test_placeholders_say_not_answered_yet_rather_than_wrong(blank):
    fb = check_placement("positioning", blank, blank)
    assert (fb.stage_correct, fb.task_correct, fb.answered) == (None, None, False)
    assert fb.lines[0].startswith("Not answered yet")
    assert WRONG not in fb.message
    half = check_placement("positioning", "acquisition/positioning", blank)
    assert half.stage_correct is True and half.task_correct is None and not half.answered
    assert "Task not answered yet" in half.message


def test_unrecognised_words_are_explained():
    fb = check_placement("positioning", "the scanner room", "detection")
    assert fb.stage_correct is None and fb.task_correct is True
    assert "'the scanner room' is not one of the pathway stages (Booking," in fb.message


@pytest.mark.parametrize(
    "args",
    [(None, None, None), (3, "booking", "detection"), ("nope", "booking", "detection"),
     ("bone-age", object(), {"a": 1}), ("bone-age", ["reporting"], ("regression",)),
     ("bone-age", "x" * 10_000, b"bytes"), (["bone-age"], 1.5, None)],
)
def test_check_placement_never_raises(args):
    fb = check_placement(*args)
    assert isinstance(fb, Feedback) and fb.message


def test_unknown_vignette_lists_the_known_ids():
    fb = check_placement("bone-agee", "reporting", "regression")
    assert not fb.known and fb.stage_correct is None
    assert "Did you mean bone-age?" in fb.message and "probability-booking" in fb.message


def test_a_lying_string_does_not_score():
    class Liar(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    fb = check_placement("bone-age", Liar("booking"), Liar("segmentation"))
    assert (fb.stage_correct, fb.task_correct) == (False, False)


# --- scoring ---------------------------------------------------------------------------------


def test_score_of_the_key_is_full_marks():
    key = {v.id: (sorted(v.stages)[0], sorted(v.tasks)[0], v.radiotherapy) for v in ALL}
    result = score(key)
    assert result["total"] == result["out_of"] == len(ALL)
    assert result["settings_correct"] == result["settings_answered"] == len(ALL)
    assert result["summary"].startswith(f"{len(ALL)} of {len(ALL)} placed correctly")


def test_score_per_item_and_total_with_mixed_answers():
    result = score({
        "bone-age": ("reporting", "regression"),
        "oar-contouring": {"stage": "rt planning", "task": "segmentation", "radiotherapy": False},
        "stroke-detection": ("reporting", "detection"),
        "positioning": None,
        "no-such-id": ("booking", "prediction"),
        7: ("booking", "prediction"),
    })
    assert result["total"] == 2 and result["out_of"] == 4 and result["answered"] == 3
    assert result["items"]["stroke-detection"] == {
        **result["items"]["stroke-detection"], "stage": False, "task": True, "points": 0}
    assert result["items"]["positioning"]["answered"] is False
    assert result["items"]["oar-contouring"]["radiotherapy"] is False
    assert result["stages_correct"] == 2 and result["tasks_correct"] == 3
    assert result["unknown_ids"] == ["no-such-id", "7"]
    assert "1 not answered yet" in result["summary"]


@pytest.mark.parametrize("answers", [None, [("bone-age", "reporting")], "bone-age", 42])
def test_score_never_raises_on_the_wrong_shape(answers):
    result = score(answers)
    assert result["total"] == 0 and "dict" in result["summary"]
