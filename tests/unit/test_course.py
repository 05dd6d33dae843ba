"""radcourse.course: the catalogue, the crosswalk, study plans, status and the self-checks."""

from __future__ import annotations

import ast
import dataclasses
import math
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from radcourse import course, palette
from radcourse.course import (
    AVAILABLE,
    IN_PREPARATION,
    Hours,
    catalogue,
    check_choice,
    crosswalk_table,
    get_module,
    letters_phrase,
    module_status,
    normalise_answer,
    question_ids,
    question_options,
    study_plan,
    summarise_plan,
    total_hours,
)

REPO = Path(__file__).resolve().parents[2]
START_HERE = REPO / "modules" / "START_HERE.ipynb"
KEYWORDS = ("terminology", "validation", "bias", "governance", "person-centred care", "appraisal",
            "ethics")
FOLDERS = ("A_foundations", "B_validation", "C_bias", "D_governance", "E_person_centred",
           "F_appraisal", "G_ethics")


# --- catalogue and crosswalk ------------------------------------------------------------------


def test_catalogue_has_modules_a_to_g_with_unique_folders_and_assessments():
    mods = catalogue()
    assert [m.letter for m in mods] == list("ABCDEFG")
    assert tuple(m.folder for m in mods) == FOLDERS
    assert tuple(m.assessment for m in mods) == FOLDERS
    assert len({m.slug for m in mods}) == 7
    for m in mods:
        assert m.folder == f"{m.letter}_{m.slug}"
        assert m.title and m.sor_topics
        assert m.status in (AVAILABLE, IN_PREPARATION)
        assert m.priorities and all(1 <= p <= 31 for p in m.priorities)  # SoR has 31 priorities
        assert len(set(m.priorities)) == len(m.priorities)
        assert m.hours == Hours(2.5, 1.5, 1.0) and m.total_hours == 5.0


def test_module_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_module("A").title = "changed"


def test_keywords_follow_the_syllabus_crosswalk_in_order():
    assert tuple(m.card_keyword for m in catalogue()) == KEYWORDS


def test_crosswalk_contains_every_keyword_topic_hours_and_assessment():
    table = crosswalk_table()
    assert list(table.index) == list("ABCDEFG")
    for col in ("SoR topic(s)", "Course keyword", "Hours", "Assessment", "Status"):
        assert col in table.columns
    assert set(KEYWORDS) == set(table["Course keyword"])
    assert list(table["Assessment"]) == list(FOLDERS)
    assert table["Hours"].sum() == 35
    topics = " ".join(table["SoR topic(s)"])
    for letter in "ABCDEFG":  # every SoR curriculum letter is placed somewhere
        assert re.search(rf"\b{letter}:|from {letter}\b", topics), letter
    assert "regulatory and approval" in table.loc["D", "SoR topic(s)"]


# --- status derivation ------------------------------------------------------------------------


def test_status_derives_from_notebooks_in_the_modules_folder(tmp_path):
    root = tmp_path / "modules"
    (root / "A_foundations").mkdir(parents=True)
    (root / "A_foundations" / "A1_terms.ipynb").write_text("{}")
    (root / "B_validation").mkdir()  # empty folder
    (root / "C_bias").mkdir()
    (root / "C_bias" / "notes.md").write_text("not a notebook")
    (root / "D_governance" / ".ipynb_checkpoints").mkdir(parents=True)
    (root / "D_governance" / ".ipynb_checkpoints" / "D1-checkpoint.ipynb").write_text("{}")
    (root / "E_person_centred.ipynb").write_text("{}")  # a file, not a folder

    status = {m.letter: m.status for m in catalogue(root)}
    assert status == {"A": AVAILABLE, **{k: IN_PREPARATION for k in "BCDEFG"}}
    assert crosswalk_table(root)["Status"].to_dict() == status
    assert module_status("A_foundations", root) == AVAILABLE
    assert module_status(get_module("B"), root) == IN_PREPARATION
    assert module_status("A_foundations", None) == IN_PREPARATION
    assert module_status("A_foundations", tmp_path / "missing") == IN_PREPARATION


def test_default_modules_root_is_the_course_modules_folder():
    assert course.default_modules_root() == REPO / "modules"


# --- study plans ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["student", "lecturer", "cpd"])
def test_study_plan_arithmetic_for_each_role(role):
    plan = study_plan(role, 3, "A-C")
    assert list(plan["Module"]) == ["A", "B", "C"]
    assert list(plan["Hours"]) == [5.0, 5.0, 5.0]
    assert list(plan["Cumulative hours"]) == [5.0, 10.0, 15.0]
    assert plan["Weeks"].tolist() == pytest.approx([5 / 3] * 3)
    assert plan["Cumulative weeks"].tolist() == pytest.approx([5 / 3, 10 / 3, 5.0])
    assert list(plan["Finish in week"]) == [2, 4, 5]  # 15 h at 3 h a week is 5 weeks, not 6
    assert list(plan["Assessment"]) == ["A_foundations", "B_validation", "C_bias"]
    assert (plan["Notebooks (h)"] + plan["Exercises (h)"] + plan["Assessment (h)"]).eq(
        plan["Hours"]
    ).all()
    assert plan.attrs["role"] == role and plan.attrs["hours_per_week"] == 3.0
    assert plan.attrs["hours_label"] == {
        "student": "study hours", "lecturer": "preparation hours", "cpd": "CPD hours"
    }[role]


def test_study_plan_whole_course_and_fractional_pace():
    plan = study_plan("student", 2.5, None)
    assert len(plan) == 7 and plan["Hours"].sum() == 35
    assert plan["Finish in week"].iloc[-1] == 14
    assert list(study_plan("cpd", 20, "A")["Finish in week"]) == [1]  # never week 0
    assert study_plan("student", 3.5)["Finish in week"].iloc[-1] == 10  # no float drift


def test_roles_and_modules_are_normalised():
    assert study_plan(" CPD ", 3, "a").attrs["role"] == "cpd"
    assert study_plan("CPD learner", 3, "a").attrs["role"] == "cpd"
    assert list(study_plan("student", 3, "c, a, A")["Module"]) == ["A", "C"]
    assert list(study_plan("student", 3, ["E", "b-d"])["Module"]) == list("BCDE")
    assert list(study_plan("student", 3, get_module("G"))["Module"]) == ["G"]


def test_total_hours():
    assert total_hours() == 35.0
    assert total_hours("A-C") == 15.0
    assert total_hours(["a", "C"]) == 10.0
    custom = dataclasses.replace(get_module("A"), hours=Hours(1, 1, 1))
    assert total_hours([custom]) == 3.0


@pytest.mark.parametrize("role", ["teacher", "", None, 3, "students"])
def test_unknown_role_raises_helpful_error(role):
    with pytest.raises(ValueError, match=r"unknown role.*'student', 'lecturer', 'cpd'"):
        study_plan(role, 3)


@pytest.mark.parametrize(
    ("hours", "message"),
    [(0, "more than 0"), (-2, "more than 0"), (math.nan, "more than 0"), (math.inf, "more than 0"),
     (41, "not a realistic"), (1000, "not a realistic"), ("3", "number of hours"),
     (True, "number of hours"), (None, "number of hours")],
)
def test_bad_hours_per_week_raise_helpful_error(hours, message):
    with pytest.raises(ValueError, match=message):
        study_plan("student", hours)


@pytest.mark.parametrize("modules", ["H", ["A", "Z"], "ABC", [None], [3], "A-Z", 5])
def test_unknown_module_raises_helpful_error(modules):
    with pytest.raises(ValueError, match="A–G|A, B, C, D, E, F, G"):
        study_plan("student", 3, modules)
    with pytest.raises(ValueError):
        total_hours(modules)


@pytest.mark.parametrize("modules", [[], "", " , "])
def test_empty_selection_raises(modules):
    with pytest.raises(ValueError, match="at least one module"):
        study_plan("student", 3, modules)


def test_summaries_are_plain_language_and_role_specific():
    assert summarise_plan(study_plan("cpd", 3, "A-C")).startswith(
        "As a CPD learner studying 3 hours a week, modules A–C take about 15 hours over 5 weeks."
    )
    assert "CoR CPD Now" in summarise_plan(study_plan("cpd", 3, "A-C"))
    student = summarise_plan(study_plan("student", 1, "B"))
    assert student.startswith("As a student studying 1 hour a week, module B takes about 5 hours "
                              "over 5 weeks")
    lecturer = summarise_plan(study_plan("lecturer", 4, ["A", "C", "D", "E", "G"]))
    assert "modules A, C–E and G" in lecturer and "25 hours over 7 weeks" in lecturer
    assert "floor" in lecturer  # honest about what preparation time leaves out
    with pytest.raises(ValueError, match="study_plan"):
        summarise_plan(pd.DataFrame())


@pytest.mark.parametrize(
    ("letters", "phrase"),
    [("A", "A"), ("AB", "A and B"), ("ABC", "A–C"), ("ACE", "A, C and E"), ("ABCEG", "A–C, E and G"),
     ("ABCDEFG", "A–G"), ("GA", "A and G")],
)
def test_letters_phrase(letters, phrase):
    assert letters_phrase(list(letters)) == phrase


# --- self-checks ------------------------------------------------------------------------------


def _correct_option(qid: str) -> str:
    right = [o for o in question_options(qid) if check_choice(qid, o).startswith("Correct")]
    assert len(right) == 1, f"{qid}: exactly one option should be right, got {right}"
    return right[0]


@pytest.mark.parametrize("qid", question_ids())
def test_check_choice_feedback(qid):
    right = _correct_option(qid)
    assert check_choice(qid, right.upper()).startswith("Correct")
    assert check_choice(qid, f" ({right}). ").startswith("Correct")
    for wrong in (o for o in question_options(qid) if o != right):
        feedback = check_choice(qid, wrong)
        assert feedback.startswith("Not quite.")
        assert "Correct" not in feedback
        assert not re.search(rf"\({right}\)|[\"']{right}[\"']|option {right}\b", feedback, re.I)


class _Awkward:
    def __str__(self):
        raise RuntimeError("no str")

    def __repr__(self):
        raise RuntimeError("no repr")


@pytest.mark.parametrize(
    "answer",
    [None, ..., 123, 1.5, math.nan, -math.inf, True, "", "   ", "zzz", object(), [1], {"a": 1},
     b"a", _Awkward(), "a" * 10_000],
)
@pytest.mark.parametrize("qid", [*question_ids(), "no-such-check", None, 123, _Awkward()])
def test_check_choice_never_raises(qid, answer):
    feedback = check_choice(qid, answer)
    assert isinstance(feedback, str) and feedback
    assert len(feedback) < 400
    assert not feedback.startswith("Correct")


def test_placeholder_gets_a_reminder_not_a_verdict():
    for placeholder in (None, ..., "", "  "):
        assert check_choice("start-route", placeholder).startswith("No answer yet")


def test_normalise_answer():
    assert normalise_answer(" (B). ") == "b"
    assert normalise_answer(15) == normalise_answer("15.0") == normalise_answer(15.0) == "15"
    assert normalise_answer(None) is None and normalise_answer(...) is None


def test_answers_are_stored_as_hashes_only():
    fields = {f.name for f in dataclasses.fields(course._Question)}
    assert fields == {"options", "answer_sha256", "hint", "why"}
    for qid, q in course._QUESTIONS.items():
        assert re.fullmatch(r"[0-9a-f]{64}", q.answer_sha256)
        right = _correct_option(qid)
        assert course.answer_hash(qid, right) == q.answer_sha256
        for text in (q.hint, q.why):
            assert not re.search(rf"\({right}\)|[\"']{right}[\"']|option {right}\b", text, re.I)
    # the same letter hashes differently for different questions (salted by question id)
    hashes = [q.answer_sha256 for q in course._QUESTIONS.values()]
    assert len(set(hashes)) == len(hashes)


# --- the course home notebook agrees with the catalogue and hides the answers -----------------


@pytest.fixture(scope="module")
def start_here():
    return nbformat.read(START_HERE, as_version=4)


def _check_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and "check_choice(" in c.source]


def test_notebook_check_cells_hold_placeholders_not_answers(start_here):
    cells = _check_cells(start_here)
    used = set()
    for cell in cells:
        tree = ast.parse(cell.source)
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
                 and getattr(n.func, "id", "") == "check_choice"]
        assert len(calls) == 1
        qid = calls[0].args[0].value
        used.add(qid)
        right = _correct_option(qid)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                assert isinstance(node.value, ast.Constant) and node.value.value is Ellipsis, (
                    f"{qid}: the check cell must assign the placeholder ..., not an answer"
                )
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert normalise_answer(node.value) != right, f"{qid}: answer in the check cell"
    assert used == set(question_ids()), "every self-check is used exactly where it belongs"


def test_notebook_module_table_matches_the_catalogue(start_here):
    text = "\n".join(c.source for c in start_here.cells if c.cell_type == "markdown")
    rows = {line.split("|")[1].strip(): line for line in text.splitlines()
            if re.match(r"^\|\s*[A-G]\s*\|", line)}
    assert sorted(rows) == list("ABCDEFG")
    for m in catalogue():
        assert f"| {m.card_keyword} |" in rows[m.letter]
        assert f"`{m.assessment}`" in rows[m.letter]
        h = m.hours
        assert f"{h.notebooks:g} / {h.exercises:g} / {h.assessment:g}" in rows[m.letter]


def test_notebook_calls_the_catalogue_and_the_course_map(start_here):
    sources = [c.source.strip() for c in start_here.cells if c.cell_type == "code"]
    assert "crosswalk_table()" in sources
    assert "CourseMap()" in sources


# --- palette ----------------------------------------------------------------------------------


def test_palette_is_okabe_ito():
    assert len(palette.OKABE_ITO) == 8
    assert all(re.fullmatch(r"#[0-9A-F]{6}", v) for v in palette.OKABE_ITO.values())
    assert palette.colour("Sky Blue") == "#56B4E9"
    assert len(palette.CATEGORY_COLOURS) == 7 and "#000000" not in palette.CATEGORY_COLOURS
    assert palette.category_colour(7) == palette.category_colour(0)
    with pytest.raises(ValueError, match="unknown colour"):
        palette.colour("red")


def test_text_colour_gives_the_higher_contrast():
    assert palette.text_colour_on("#F0E442") == "#000000"  # yellow
    assert palette.text_colour_on("#0072B2") == "#FFFFFF"  # blue
    assert palette.text_colour_on("#000000") == "#FFFFFF"
    with pytest.raises(ValueError):
        palette.text_colour_on("blue")
