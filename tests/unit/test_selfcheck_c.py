"""Module C self-checks: right → praise, wrong → a hint that does not give the answer away, odd
input never raises, answers stored only as hashes, and the notebooks hold placeholders, not answers.

Numeric right answers are recomputed here from the shipped data with radcourse's own functions
(fairness, harmonisation, booking), never typed in.
"""

import ast
import math
import re
from functools import cache
from pathlib import Path

import nbformat
import pytest

from radcourse import selfcheck, selfcheck_c
from radcourse.booking import demographic_parity_difference as booking_parity_difference
from radcourse.booking import double_booking_policy, train_dna_model
from radcourse.course import answer_hash, normalise_answer
from radcourse.data import (
    CXR_OPERATING_THRESHOLD,
    load_cxr_eval_features,
    load_cxr_train_features,
    load_cxr_triage,
    load_dna_booking,
)
from radcourse.fairness import per_group_thresholds, subgroup_metrics, threshold_trade_offs
from radcourse.harmonisation import evaluate_by_vendor, train_vendor_model
from radcourse.selfcheck_c import (
    QUESTIONS,
    Question,
    check,
    check_answer,
    question_ids,
    question_options,
)

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "modules" / "C_bias").glob("C*.ipynb"))
CHOICE_IDS = [q for q in question_ids() if QUESTIONS[q].kind == "choice"]
NUMBER_IDS = [q for q in question_ids() if QUESTIONS[q].kind == "number"]
CARD_COLUMNS = ("site", "vendor", "sex", "age_band", "imd_quintile")


@cache
def _reference(qid: str) -> float:
    """The right answer to a numeric self-check, computed as the notebook computes it."""
    if qid in ("c1-missed", "c1-cost"):
        cxr = load_cxr_triage()
        single = subgroup_metrics(cxr, "vendor", CXR_OPERATING_THRESHOLD)
        if qid == "c1-missed":
            return float(single.loc["C", "fn"])
        tuned = subgroup_metrics(cxr, "vendor", per_group_thresholds(cxr, "vendor", 0.85))
        return float(threshold_trade_offs(single, tuned).loc["C", "extra_recalls_per_1000"])
    if qid in ("c2-baseline", "c2-harmonised-gap"):
        train, evaluation = load_cxr_train_features(), load_cxr_eval_features()
        if qid == "c2-baseline":
            table = evaluate_by_vendor(train_vendor_model(train), evaluation)
            return 100 * float(table.loc["C", "sensitivity"])
        sens = evaluate_by_vendor(train_vendor_model(train, harmonise=True), evaluation)[
            "sensitivity"
        ]
        return 100 * float(sens.max() - sens.min())
    if qid == "c3-parity":
        invites = load_dna_booking()
        booked = double_booking_policy(train_dna_model(invites), invites, top_share=0.10)
        return 100 * booking_parity_difference(booked)
    if qid == "c3-card":
        cxr = load_cxr_triage()
        shares = [s for c in CARD_COLUMNS
                  for s in cxr[c].value_counts(normalize=True, sort=False) if s > 0]
        small = [s for s in shares if s < 0.05]
        assert len(small) == 1, "the card question assumes exactly one group under 5%"
        return 100 * small[0]
    raise KeyError(f"no reference for {qid}: add one here")


def _correct_option(qid: str) -> str:
    right = [o for o in question_options(qid) if check(qid, o).startswith("Correct")]
    assert len(right) == 1, f"{qid}: exactly one option should be right, got {right}"
    return right[0]


def _reveals(text: str, option: str) -> bool:
    return bool(re.search(rf"\({option}\)|[\"']{option}[\"']|option {option}\b", text, re.I))


def _number_forms(value: float, decimals: int) -> list[str]:
    """Ways the rounded answer could be written: 25.5, 25.50, 272, 272.0."""
    rounded = selfcheck._round_half_up(value, decimals)
    forms = {f"{rounded:.{decimals}f}", f"{rounded:g}"}
    if float(rounded).is_integer():
        forms |= {f"{int(rounded)}", f"{int(rounded):,}"}
    return sorted(forms)


# --- the bank ---------------------------------------------------------------------------------


def test_bank_is_well_formed():
    assert len(QUESTIONS) >= 12
    for qid, q in QUESTIONS.items():
        assert qid == qid.strip().lower() and re.fullmatch(r"c[123]-[a-z0-9-]+", qid)
        assert q.kind in ("choice", "number")
        assert q.answer_sha256 and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in q.answer_sha256)
        assert q.hint and q.why
    hashes = [h for q in QUESTIONS.values() for h in q.answer_sha256]
    assert len(set(hashes)) == len(hashes), "salted by question id, so no two hashes repeat"


def test_checker_is_reused_not_copied():
    assert check("c1-source", "z") == check_answer(QUESTIONS, "c1-source", "z")
    source = Path(selfcheck_c.__file__).read_text(encoding="utf-8")
    assert "def check_answer" not in source and "hashlib" not in source


def test_answers_are_stored_as_hashes_only():
    assert set(Question.__dataclass_fields__) == {
        "kind", "answer_sha256", "hint", "why", "options", "decimals", "percent"}
    for qid in CHOICE_IDS:
        right = _correct_option(qid)
        assert answer_hash(qid, right) in QUESTIONS[qid].answer_sha256
        q = QUESTIONS[qid]
        assert not _reveals(q.hint, right) and not _reveals(q.why, right)


def test_right_answers_are_spread_over_the_letters():
    letters = [_correct_option(qid) for qid in CHOICE_IDS]
    assert set(letters) == {"a", "b", "c", "d"}
    assert max(letters.count(x) for x in "abcd") <= len(letters) // 2


# --- choice questions -------------------------------------------------------------------------


@pytest.mark.parametrize("qid", CHOICE_IDS)
def test_choice_right_and_wrong(qid):
    right = _correct_option(qid)
    assert check(qid, right.upper()).startswith("Correct")
    assert check(qid, f" ({right}). ").startswith("Correct")
    for wrong in (o for o in question_options(qid) if o != right):
        feedback = check(qid, wrong)
        assert feedback.startswith("Not quite.") and QUESTIONS[qid].hint in feedback
        assert "Correct" not in feedback and not _reveals(feedback, right)
        assert QUESTIONS[qid].why not in feedback


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
    rounded = selfcheck._round_half_up(value, q.decimals)
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


def test_percent_questions_spot_a_proportion():
    for qid in (q for q in NUMBER_IDS if QUESTIONS[q].percent):
        feedback = check(qid, _reference(qid) / 100)
        assert feedback.startswith("Right number, wrong units"), qid


def test_references_match_the_stories_the_notebooks_tell():
    """The notebooks' prose relies on these design targets of the shipped data."""
    assert _reference("c2-baseline") < 20, "vendor C's sensitivity collapses at baseline"
    assert _reference("c2-harmonised-gap") < 5, "harmonisation closes the gap within tolerance"
    assert _reference("c1-cost") > 100, "per-vendor thresholds cost vendor C many more flags"
    assert _reference("c3-parity") > 10, "the top-10% policy selects deprived quintiles more"


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
    feedback = check("c9-nothing", "a")
    assert "no self-check called" in feedback and "c1-source" in feedback


# --- the notebooks hold placeholders, not answers ---------------------------------------------


def _check_cells():
    """(notebook, path, index, cell, question id) for every self-check cell in the C notebooks."""
    found = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and "check(" in cell.source:
                tree = ast.parse(cell.source)
                calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
                         and getattr(n.func, "id", "") == "check"]
                assert len(calls) == 1, f"{path.name} cell {i}: one check() per cell"
                found.append((nb, path, i, cell, calls[0].args[0].value))
    return found


def test_there_are_three_module_c_notebooks():
    assert [p.name for p in NOTEBOOKS] == [
        "C1_bias_explorer.ipynb",
        "C2_training_mix_and_harmonisation.ipynb",
        "C3_fairness_beyond_images.ipynb",
    ]


def test_every_question_is_used_exactly_once():
    used = [qid for *_, qid in _check_cells()]
    assert sorted(used) == sorted(question_ids())


def test_each_question_sits_in_its_own_notebook():
    for _, path, _, _, qid in _check_cells():
        assert path.name[:2].lower() == qid[:2], (path.name, qid)


def test_check_cells_hold_placeholders_not_answers():
    for _, path, _, cell, qid in _check_cells():
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                assert isinstance(node.value, ast.Constant) and node.value.value is Ellipsis, (
                    f"{path.name} {qid}: the check cell must assign the placeholder ..."
                )
        if QUESTIONS[qid].kind == "choice":
            right = _correct_option(qid)
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    assert normalise_answer(node.value) != right, f"{qid}: answer in the cell"


def test_numeric_answers_are_not_next_to_their_checks():
    """The question text and working cells up to the check do not print the number to type."""
    for nb, _, i, _, qid in _check_cells():
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
    for nb, _, i, _, qid in _check_cells():
        following = []
        for c in nb.cells[i + 1 :]:
            if c.cell_type == "markdown" and re.match(r"^## ", c.source):
                break
            following.append(c.source)
        assert any("<details>" in s for s in following), f"{qid}: no worked solution"


def test_notebook_code_never_spells_out_an_answer():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            assert not re.search(r"my_answer\s*=\s*[\"'][a-d][\"']", cell.source), path.name
            assert not re.search(r"check\(\s*[\"'][^\"']+[\"']\s*,\s*[\"']", cell.source)
