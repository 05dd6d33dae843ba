"""Module B self-checks: right → praise, wrong → a hint that does not give the answer away, odd
input never raises, answers stored only as hashes, and the notebooks hold placeholders, not answers.

Numeric right answers are recomputed here from radcourse's own functions, never typed in.
"""

import ast
import math
import re
from pathlib import Path

import nbformat
import pytest

from radcourse import selfcheck
from radcourse.course import answer_hash, normalise_answer
from radcourse.metrics import natural_frequencies, predictive_values
from radcourse.selfcheck_b import (
    QUESTIONS,
    Question,
    check,
    check_answer,
    question_ids,
    question_options,
)

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "modules" / "B_validation").glob("B*.ipynb"))
CHOICE_IDS = [q for q in question_ids() if QUESTIONS[q].kind == "choice"]
NUMBER_IDS = [q for q in question_ids() if QUESTIONS[q].kind == "number"]


def _reference(qid: str) -> float:
    """The right answer to a numeric self-check, computed from the course's tested code."""
    if qid == "b1-ppv":
        return 100 * predictive_values(0.90, 0.95, 0.01)[0]
    if qid == "b1-false-prompts":
        return natural_frequencies(0.90, 0.90, 0.0, population=1000)["fp"]
    if qid == "b2-sample-size":
        from radcourse.validation import n_positives_needed

        return n_positives_needed(0.9, 0.10)
    raise KeyError(f"no reference for {qid}: add one here")


def _correct_option(qid: str) -> str:
    right = [o for o in question_options(qid) if check(qid, o).startswith("Correct")]
    assert len(right) == 1, f"{qid}: exactly one option should be right, got {right}"
    return right[0]


def _reveals(text: str, option: str) -> bool:
    return bool(re.search(rf"\({option}\)|[\"']{option}[\"']|option {option}\b", text, re.I))


def _number_forms(value: float, decimals: int) -> list[str]:
    """Ways the rounded answer could be written in feedback: 15.4, 15.40, 100, 100.0."""
    rounded = round(value, decimals)
    forms = {f"{rounded:.{decimals}f}", f"{rounded:g}"}
    if float(rounded).is_integer():
        forms |= {f"{int(rounded)}", f"{int(rounded):,}"}
    return sorted(forms)


# --- the bank ---------------------------------------------------------------------------------


def test_bank_is_well_formed():
    assert len(QUESTIONS) >= 12
    for qid, q in QUESTIONS.items():
        assert qid == qid.strip().lower() and re.fullmatch(r"b[123]-[a-z-]+", qid)
        assert q.kind in ("choice", "number")
        assert q.answer_sha256 and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in q.answer_sha256)
        assert q.hint and q.why
    hashes = [h for q in QUESTIONS.values() for h in q.answer_sha256]
    assert len(set(hashes)) == len(hashes), "salted by question id, so no two hashes repeat"


def test_answers_are_stored_as_hashes_only():
    fields = set(Question.__dataclass_fields__)
    assert fields == {"kind", "answer_sha256", "hint", "why", "options", "decimals", "percent"}
    for qid in CHOICE_IDS:
        right = _correct_option(qid)
        assert answer_hash(qid, right) in QUESTIONS[qid].answer_sha256
        q = QUESTIONS[qid]
        assert not _reveals(q.hint, right) and not _reveals(q.why, right)


# --- choice questions -------------------------------------------------------------------------


@pytest.mark.parametrize("qid", CHOICE_IDS)
def test_choice_right_and_wrong(qid):
    right = _correct_option(qid)
    assert check(qid, right.upper()).startswith("Correct")
    assert check(qid, f" ({right}). ").startswith("Correct")
    for wrong in (o for o in question_options(qid) if o != right):
        feedback = check(qid, wrong)
        assert feedback.startswith("Not quite.")
        assert "Correct" not in feedback
        assert not _reveals(feedback, right)


@pytest.mark.parametrize("qid", CHOICE_IDS)
def test_choice_rejects_non_options(qid):
    assert "is not one of the options" in check(qid, "z")
    assert "is not one of the options" in check(qid, 7)


# --- numeric questions ------------------------------------------------------------------------


def test_every_numeric_question_has_a_reference():
    for qid in NUMBER_IDS:
        assert math.isfinite(_reference(qid))


@pytest.mark.parametrize("qid", NUMBER_IDS)
def test_number_right_in_several_spellings(qid):
    q = QUESTIONS[qid]
    value = _reference(qid)
    rounded = round(value, q.decimals)
    assert check(qid, value).startswith("Correct"), "the unrounded value is accepted"
    assert check(qid, rounded).startswith("Correct")
    assert check(qid, f" {rounded:,.{q.decimals}f} ").startswith("Correct")
    if q.percent:
        assert check(qid, f"{rounded}%").startswith("Correct")


@pytest.mark.parametrize("qid", NUMBER_IDS)
def test_number_wrong_gets_a_hint_without_the_answer(qid):
    q = QUESTIONS[qid]
    value = _reference(qid)
    step = 10.0 ** -q.decimals
    for wrong in (value + 1, value - 3 * step, 2 * value, value / 2, 0, -value):
        feedback = check(qid, wrong)
        assert feedback.startswith("Not quite."), (wrong, feedback)
        for form in _number_forms(value, q.decimals):
            assert not re.search(rf"(?<![\d.]){re.escape(form)}(?![\d])", feedback), form


def test_percent_question_spots_a_proportion():
    for qid in (q for q in NUMBER_IDS if QUESTIONS[q].percent):
        feedback = check(qid, _reference(qid) / 100)
        assert feedback.startswith("Right number, wrong units")
        assert not feedback.startswith("Correct")


def test_number_rounding_is_half_up():
    assert selfcheck._round_half_up(15.45, 1) == 15.5
    assert selfcheck._round_half_up(2.5, 0) == 3
    assert selfcheck._round_half_up(138.3, 0) == 138


@pytest.mark.parametrize("text", ["13,900", " 13900 ", "13900.0", "1.39e4", "−5", "15.4%"])
def test_number_parsing(text):
    assert selfcheck._as_number(text) is not None


@pytest.mark.parametrize("text", ["abc", "1.2.3", "", "nan", "inf", "12 cancers"])
def test_number_parsing_rejects(text):
    assert selfcheck._as_number(text) is None


# --- never raises -----------------------------------------------------------------------------


class _Awkward:
    def __str__(self):
        raise RuntimeError("no str")

    def __repr__(self):
        raise RuntimeError("no repr")

    def __float__(self):
        raise RuntimeError("no float")


ODD_ANSWERS = [None, ..., 123, 1.5, math.nan, -math.inf, math.inf, True, False, "", "   ", "zzz",
               object(), [1], {"a": 1}, b"a", _Awkward(), "a" * 10_000, "9" * 500, 10**400,
               complex(1, 2)]


@pytest.mark.parametrize("answer", ODD_ANSWERS)
@pytest.mark.parametrize("qid", [*question_ids(), "no-such-check", None, 123, _Awkward()])
def test_check_never_raises(qid, answer):
    feedback = check(qid, answer)
    assert isinstance(feedback, str) and feedback
    assert len(feedback) < 400
    assert not feedback.startswith("Correct")


def test_placeholder_gets_a_reminder_not_a_verdict():
    for qid in question_ids():
        for placeholder in (None, ..., "", "  "):
            assert check(qid, placeholder).startswith("No answer yet")


def test_unknown_id_names_the_known_checks():
    feedback = check("b9-nothing", "a")
    assert "no self-check called" in feedback and "b1-measure" in feedback


def test_check_answer_is_generic():
    bank = {
        "demo-letter": Question("choice", (answer_hash("demo-letter", "b"),), "Hint.", "Why.",
                                options=("a", "b")),
        "demo-number": Question("number", (answer_hash("demo-number", 2.5),), "Hint.", "Why.",
                                decimals=1),
    }
    assert check_answer(bank, "demo-letter", "B") == "Correct. Why."
    assert check_answer(bank, "demo-letter", "a").startswith("Not quite. Hint.")
    assert check_answer(bank, "demo-number", "2.46").startswith("Correct")
    assert check_answer(bank, "demo-number", 2.4).startswith("Not quite.")
    assert check_answer(bank, "b1-measure", "a").startswith("There is no self-check")
    assert check_answer(None, "demo-letter", "a").startswith("Sorry")


# --- the notebooks hold placeholders, not answers ---------------------------------------------


def _check_cells():
    """(notebook, index, cell, question id) for every self-check cell in the B notebooks."""
    found = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and "check(" in cell.source:
                tree = ast.parse(cell.source)
                calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
                         and getattr(n.func, "id", "") == "check"]
                assert len(calls) == 1, f"{path.name} cell {i}: one check() per cell"
                found.append((nb, i, cell, calls[0].args[0].value))
    return found


def test_there_are_three_module_b_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS] == ["B1", "B2", "B3"]


def test_every_question_is_used_exactly_once():
    used = [qid for _, _, _, qid in _check_cells()]
    assert sorted(used) == sorted(question_ids())


def test_check_cells_hold_placeholders_not_answers():
    for _, _, cell, qid in _check_cells():
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                assert isinstance(node.value, ast.Constant) and node.value.value is Ellipsis, (
                    f"{qid}: the check cell must assign the placeholder ..., not an answer"
                )
        if QUESTIONS[qid].kind == "choice":
            right = _correct_option(qid)
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    assert normalise_answer(node.value) != right, f"{qid}: answer in the check cell"


def test_numeric_answers_are_not_next_to_their_checks():
    """The question text and working cells up to the check do not print the number to type."""
    for nb, i, _, qid in _check_cells():
        q = QUESTIONS[qid]
        if q.kind != "number":
            continue
        start = max(k for k in range(i) if nb.cells[k].cell_type == "markdown"
                    and "### Check your understanding" in nb.cells[k].source
                    or k == 0)
        nearby = "\n".join(c.source for c in nb.cells[start : i + 1])
        for form in _number_forms(_reference(qid), q.decimals):
            assert not re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d,])", nearby), (qid, form)


def test_worked_solutions_follow_every_check():
    for nb, i, _, qid in _check_cells():
        following = [c for c in nb.cells[i + 1 :] if c.cell_type == "markdown"]
        assert following, qid
        upto_next_section = []
        for c in following:
            if re.match(r"^## ", c.source):
                break
            upto_next_section.append(c.source)
        assert any("<details>" in s for s in upto_next_section), f"{qid}: no worked solution"
