"""Module A self-checks: right → praise, wrong → a hint that does not give the answer away, odd
input never raises, answers stored only as hashes, and the notebooks hold placeholders, not answers.

Answers that depend on data are recomputed here from radcourse's own functions, never typed in.
"""

import ast
import math
import re
from pathlib import Path

import nbformat
import pytest

from radcourse import selfcheck_a
from radcourse.classifier import (
    complexity_table,
    counts_at,
    fit_classifier,
    load_fna_data,
    split_data,
    threshold_table,
)
from radcourse.course import answer_hash, normalise_answer
from radcourse.selfcheck import check_answer
from radcourse.selfcheck_a import QUESTIONS, check, question_ids, question_options

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "modules" / "A_foundations").glob("A*.ipynb"))
CHOICE_IDS = [q for q in question_ids() if QUESTIONS[q].kind == "choice"]
NUMBER_IDS = [q for q in question_ids() if QUESTIONS[q].kind == "number"]


@pytest.fixture(scope="module")
def fitted():
    split = split_data(load_fna_data())
    return split, fit_classifier(split.X_train, split.y_train)


def _reference(qid: str, fitted) -> float:
    """The right answer to a numeric self-check, computed from the course's tested code."""
    split, model = fitted
    if qid == "a2-missed":
        return counts_at(model, split.X_test, split.y_test, 0.5)["fn"]
    raise KeyError(f"no reference for {qid}: add one here")


def _correct_option(qid: str) -> str:
    right = [o for o in question_options(qid) if check(qid, o).startswith("Correct")]
    assert len(right) == 1, f"{qid}: exactly one option should be right, got {right}"
    return right[0]


def _reveals(text: str, option: str) -> bool:
    return bool(re.search(rf"\({option}\)|[\"']{option}[\"']|option {option}\b", text, re.I))


# --- the bank ---------------------------------------------------------------------------------


def test_bank_is_well_formed():
    assert len(QUESTIONS) >= 12
    for qid, q in QUESTIONS.items():
        assert re.fullmatch(r"a[123]-[a-z0-9-]+", qid)
        assert q.kind in ("choice", "number")
        assert q.answer_sha256 and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in q.answer_sha256)
        assert q.hint and q.why
    hashes = [h for q in QUESTIONS.values() for h in q.answer_sha256]
    assert len(set(hashes)) == len(hashes)


def test_checker_is_reused_not_copied():
    assert check("a1-nesting", "z") == check_answer(QUESTIONS, "a1-nesting", "z")
    source = Path(selfcheck_a.__file__).read_text(encoding="utf-8")
    assert "def check_answer" not in source and "hashlib" not in source


def test_answers_are_stored_as_hashes_only():
    source = Path(selfcheck_a.__file__).read_text(encoding="utf-8")
    for qid in CHOICE_IDS:
        right = _correct_option(qid)
        assert answer_hash(qid, right) in QUESTIONS[qid].answer_sha256
        q = QUESTIONS[qid]
        assert not _reveals(q.hint, right) and not _reveals(q.why, right)
        assert not re.search(rf"[\"']{qid}[\"']\s*:\s*[\"']{right}[\"']", source)


def test_right_answers_are_spread_over_the_letters():
    letters = {_correct_option(qid) for qid in CHOICE_IDS}
    assert letters == {"a", "b", "c", "d"}


# --- choice questions -------------------------------------------------------------------------


@pytest.mark.parametrize("qid", CHOICE_IDS)
def test_choice_right_is_praised(qid):
    right = _correct_option(qid)
    assert check(qid, right.upper()).startswith("Correct")
    assert check(qid, f" ({right}). ").startswith("Correct")


@pytest.mark.parametrize("qid", CHOICE_IDS)
def test_choice_wrong_gets_a_hint_without_the_answer(qid):
    right = _correct_option(qid)
    for wrong in (o for o in question_options(qid) if o != right):
        feedback = check(qid, wrong)
        assert feedback.startswith("Not quite.") and QUESTIONS[qid].hint in feedback
        assert "Correct" not in feedback and not _reveals(feedback, right)
        assert QUESTIONS[qid].why not in feedback


@pytest.mark.parametrize("qid", CHOICE_IDS)
def test_choice_rejects_non_options(qid):
    assert "is not one of the options" in check(qid, "z")
    assert "is not one of the options" in check(qid, 7)


# --- answers that depend on the data ----------------------------------------------------------


@pytest.mark.parametrize("qid", NUMBER_IDS)
def test_number_right_and_wrong(qid, fitted):
    value = _reference(qid, fitted)
    assert check(qid, value).startswith("Correct")
    assert check(qid, f" {value} ").startswith("Correct")
    for wrong in (value + 1, value - 1, 2 * value + 1, 0, 53):
        feedback = check(qid, wrong)
        assert feedback.startswith("Not quite."), (wrong, feedback)
        assert not re.search(rf"(?<![\d.]){int(value)}(?![\d])", feedback)


def test_threshold_answer_matches_the_data(fitted):
    """a2-threshold says lowering 0.5 → 0.2 finds more cancers and raises more false alarms."""
    split, model = fitted
    table = threshold_table(model, split.X_test, split.y_test, (0.2, 0.5)).set_index("threshold")
    assert table.loc[0.2, "found (TP)"] > table.loc[0.5, "found (TP)"]
    assert table.loc[0.2, "false alarms (FP)"] > table.loc[0.5, "false alarms (FP)"]


def test_overfit_answer_matches_the_data(fitted):
    """a2-overfit's right option is the largest C, the row with the widest train–test gap."""
    split, _ = fitted
    table = complexity_table(split)
    assert table["gap (training − test)"].idxmax() == table["C"].idxmax()


# --- never raises -----------------------------------------------------------------------------


class _Awkward:
    def __str__(self):
        raise RuntimeError("no str")

    def __repr__(self):
        raise RuntimeError("no repr")

    def __float__(self):
        raise RuntimeError("no float")


ODD_ANSWERS = [None, ..., 123, 1.5, math.nan, -math.inf, True, False, "", "   ", "zzz",
               object(), [1], {"a": 1}, b"a", _Awkward(), "a" * 10_000, "9" * 500, 10**400,
               complex(1, 2)]


@pytest.mark.parametrize("answer", ODD_ANSWERS)
@pytest.mark.parametrize("qid", [*question_ids(), "no-such-check", None, 123, _Awkward()])
def test_check_never_raises(qid, answer):
    feedback = check(qid, answer)
    assert isinstance(feedback, str) and feedback and len(feedback) < 400
    assert not feedback.startswith("Correct")


def test_placeholder_gets_a_reminder_not_a_verdict():
    for qid in question_ids():
        for placeholder in (None, ..., "", "  "):
            assert check(qid, placeholder).startswith("No answer yet")


def test_unknown_id_names_the_known_checks():
    feedback = check("a9-nothing", "a")
    assert "no self-check called" in feedback and "a1-nesting" in feedback


# --- the notebooks hold placeholders, not answers ---------------------------------------------


def _check_cells():
    """(notebook name, cell index, cell, question id) for every self-check cell in Module A."""
    found = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and "check(" in cell.source:
                tree = ast.parse(cell.source)
                calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
                         and getattr(n.func, "id", "") == "check"]
                assert len(calls) == 1, f"{path.name} cell {i}: one check() per cell"
                found.append((path.name, i, cell, calls[0].args[0].value))
    return found


def test_there_are_three_module_a_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS] == ["A1", "A2", "A3"]


def test_every_question_is_used_exactly_once():
    used = [qid for _, _, _, qid in _check_cells()]
    assert sorted(used) == sorted(question_ids())


def test_each_question_sits_in_its_own_notebook():
    for name, _, _, qid in _check_cells():
        assert name[:2].lower() == qid[:2], (name, qid)


def test_check_cells_hold_placeholders_not_answers(fitted):
    for name, _, cell, qid in _check_cells():
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                assert isinstance(node.value, ast.Constant) and node.value.value is Ellipsis, (
                    f"{name} {qid}: the check cell must assign the placeholder ..., not an answer"
                )
        right = (_correct_option(qid) if QUESTIONS[qid].kind == "choice"
                 else normalise_answer(_reference(qid, fitted)))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float)):
                if node.value is Ellipsis or isinstance(node.value, bool):
                    continue
                if node.value == qid:
                    continue
                assert normalise_answer(node.value) != right, f"{name} {qid}: answer in the cell"


def test_notebook_code_never_spells_out_an_answer():
    """No code cell in Module A assigns a letter to my_answer or passes one to check()."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            assert not re.search(r"my_answer\s*=\s*[\"'][a-d][\"']", cell.source), path.name
            assert not re.search(r"check\(\s*[\"'][^\"']+[\"']\s*,\s*[\"']", cell.source)
