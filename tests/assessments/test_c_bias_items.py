"""C_bias's own tests: the questions match the course library and data, and the test cells reject
answers that only look right.

The pipeline test (test_nbgrader_pipeline.py) proves that the answer key scores full marks and the
blank release zero. This file

- checks, without a kernel, the marking scheme; that the worked examples printed in Questions 1–3
  are what ``radcourse.fairness`` computes on the same frames, and that the test cells build the
  same frames; that the dataset still has the premise of Question 4 (similar per-vendor AUCs,
  very different sensitivities at 0.5); that Question 5's hidden key is the text of SoR priority 3
  as shipped in ``datasets/sor_priorities.csv`` (seed 003 L746–749); and, by running the three
  Question 5 test cells in this process, that each area earns its own mark and a list of more
  than three entries earns none;
- attacks the test cells with crafted answers, run the way the autograder runs them: the source
  notebook (hidden tests included) with its answer cells replaced, executed top to bottom in one
  kernel, each test cell scored with nbgrader's own ``determine_grade``. The attacks:

  - answers whose objects claim to equal anything (``__eq__`` always True), as plain objects and
    as subclasses of str, int, float, dict, set and ``pandas.DataFrame`` (with the right columns
    and index) holding wrong values;
  - a cell that rebinds names in the ``builtins`` module itself (``sorted``, ``set``, ``abs``,
    ``isinstance``, ``all``, ``any``) to liars, monkeypatches ``math.isclose``, NumPy's and
    pandas' closeness and equality checks, and replaces the references the hidden tests use
    (``radcourse.fairness.subgroup_metrics`` and ``equal_opportunity_difference``,
    ``sklearn.metrics.roc_auc_score``) with versions that agree with its wrong answers. The wrong
    answers still score nothing, the right answers in the same notebook still score full marks,
    and the same attack does fool naive checks;
  - plausible mistakes, each cell's score pinned: a ``subgroup_metrics`` that raises
    ZeroDivisionError on a group with no nodules, an ``equal_opportunity_difference`` that counts
    such a group as sensitivity 0, a ``per_group_thresholds`` that returns a lower threshold than
    the highest that reaches the target, AUCs rounded before taking the gap, and answers that are
    right but spelt differently ("prioritization", " c "), and a right number given as text.

Two attacks no test cell can stop -- a custom IPython exception handler that hides errors, and
``sys.displayhook`` from a function the tests call -- are stopped by the grading pipeline and
tested there (``test_grading.py``, ``test_nbgrader_config.py``).

Known limit: a student who patches pandas or the course's data loaders is out of reach.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from radcourse import fairness
from radcourse.data import load_cxr_triage, load_sor_priorities

from .harness import ATTACK, LIAR_BASE, cell_by_id, graded_code_cells, nbgrader_meta, run_and_score
from .harness import with_answers as _with_answers

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "assessments" / "source" / "C_bias" / "C_bias.ipynb"
RUBRIC = REPO / "assessments" / "rubrics" / "C_bias.md"
README = REPO / "assessments" / "README.md"

ANSWER_CELLS = {"C-q1-answer", "C-q2-answer", "C-q3-answer", "C-q4-answer", "C-q5-answer"}
POINTS = {
    "C-q1-columns": 1,
    "C-q1-small-frame": 2,
    "C-q1-cohort": 2,
    "C-q2-small-frames": 1,
    "C-q2-cohort": 1,
    "C-q3-target": 1,
    "C-q3-highest": 2,
    "C-q4-worst-vendor": 1,
    "C-q4-auc-gap": 1,
    "C-q4-sens-gap": 1,
    "C-q4-auc-hides-gap": 1,
    "C-q5-example-1": 1,
    "C-q5-example-2": 1,
    "C-q5-example-3": 1,
}
MANUAL = {"C-q6-answer": 6}
FULL = {grade_id: float(points) for grade_id, points in POINTS.items()}
NOTHING = dict.fromkeys(POINTS, 0.0)
PRIORITY3_AREAS = {"appointment prioritisation", "case triage", "image interpretation"}


def with_answers(answers: dict[str, str]) -> nbformat.NotebookNode:
    """The answer key with the named answer cells' code replaced (the others keep the key)."""
    return _with_answers(SOURCE, ANSWER_CELLS, answers)


def autograde(nb, tmp_path: Path) -> dict[str, float]:
    """Run the notebook in a fresh kernel; {test grade_id: score} as nbgrader scores it."""
    scores = run_and_score(nb, tmp_path)
    assert set(scores) == set(POINTS)
    return scores


def source_nb() -> nbformat.NotebookNode:
    return nbformat.read(SOURCE, as_version=4)


def frame_from_cell(source: str, name: str) -> pd.DataFrame:
    """The DataFrame a cell assigns to ``name`` (the cell's first ``name = ...DataFrame(...)``)."""
    match = re.search(rf"^{name} = (?:pd|pandas)\.DataFrame\(\n.*?^\)$", source, flags=re.M | re.S)
    assert match, f"no {name} = DataFrame(...) in the cell"
    scope = {"pd": pd, "pandas": pd}
    exec(match.group(0), scope)
    return scope[name]


# --------------------------------------------------------------------------------------------------
# Fast: the marking scheme, the worked examples, the data's premise and Question 5


def test_marking_scheme_before_you_start_rubric_and_readme():
    nb = source_nb()
    graded = {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"]
              for c in nb.cells if nbgrader_meta(c).get("grade")}
    assert graded == POINTS | MANUAL
    solutions = {c.get("id") for c in nb.cells
                 if c.cell_type == "code" and nbgrader_meta(c).get("solution")}
    assert solutions == ANSWER_CELLS
    for cell in nb.cells:  # every cell id equals its grade_id (the attacks below rely on it)
        assert cell.get("id") == nbgrader_meta(cell).get("grade_id")
    auto, manual = sum(POINTS.values()), sum(MANUAL.values())
    before = cell_by_id(nb, "C-before-you-start").source
    assert f"{auto + manual} in total" in before
    assert f"({auto} marks)" in before and f"({manual} marks)" in before
    # each question's heading states the sum of its cells' points
    for q in range(1, 7):
        heading = cell_by_id(nb, f"C-q{q}-question").source.splitlines()[0]
        points = sum(p for g, p in (POINTS | MANUAL).items() if g.startswith(f"C-q{q}-"))
        assert heading.startswith(f"## Question {q} · ") and f"({points} marks" in heading, heading
    # no test cell ends in an expression: a number there would be read as part marks
    for cell in graded_code_cells(nb):
        last = cell.source.rstrip().splitlines()[-1]
        assert last.startswith(("assert", "### END HIDDEN TESTS")), (cell.get("id"), last)
    rubric = RUBRIC.read_text(encoding="utf-8")
    assert f"{auto + manual} marks" in rubric
    for grade_id in POINTS:
        assert f"`{grade_id}`" in rubric, grade_id
    readme = README.read_text(encoding="utf-8")
    assert f"| `C_bias` | C · bias, fairness and generalisability | {auto + manual} | " \
           f"{auto} / {manual} | 60 min |" in readme
    assert "rubrics/C_bias.md" in readme


def test_q1_worked_example_is_the_reference_and_the_tests_use_the_same_frame():
    nb = source_nb()
    toy = frame_from_cell(cell_by_id(nb, "C-q1-data").source, "toy")
    for grade_id in ("C-q1-small-frame", "C-q2-small-frames"):
        tested = frame_from_cell(cell_by_id(nb, grade_id).source, "toy")
        pd.testing.assert_frame_equal(tested, toy)
    question = cell_by_id(nb, "C-q1-question").source
    shown = re.findall(r"^\| (north|south|west) \| (.+) \|$", question, flags=re.M)
    assert [unit for unit, _ in shown] == ["north", "south", "west"]
    reference = fairness.subgroup_metrics(toy, "unit", 0.5)
    reference["n_pos"] = reference["tp"] + reference["fn"]
    columns = ["n", "n_pos", "sensitivity", "specificity", "ppv", "selection_rate"]
    for unit, cells in shown:
        values = [float("nan") if v.strip() == "NaN" else float(v) for v in cells.split("|")]
        expected = reference.loc[unit, columns].to_numpy(dtype=float)
        np.testing.assert_allclose(values, expected, atol=5e-5, equal_nan=True)
    assert "answer is 0.5" in cell_by_id(nb, "C-q2-question").source
    assert fairness.equal_opportunity_difference(toy, "unit", 0.5) == 0.5


def test_q3_worked_example_is_the_reference():
    nb = source_nb()
    pair = frame_from_cell(cell_by_id(nb, "C-q3-data").source, "pair")
    toy = frame_from_cell(cell_by_id(nb, "C-q1-data").source, "toy")
    pd.testing.assert_frame_equal(pair, toy[toy["unit"] != "west"])
    for grade_id in ("C-q3-highest", "C-q3-target"):
        tested = frame_from_cell(cell_by_id(nb, grade_id).source, "pair")
        pd.testing.assert_frame_equal(tested, pair)
    assert '`{"north": 0.92, "south": 0.5}`' in cell_by_id(nb, "C-q3-question").source
    assert dict(fairness.per_group_thresholds(pair, "unit", 0.5)) == {"north": 0.92, "south": 0.5}
    for target in (0.75, 1.0):
        assert dict(fairness.per_group_thresholds(pair, "unit", target))["north"] == 0.41


def test_the_data_still_has_the_premise_of_question_4():
    cxr = load_cxr_triage()
    table = fairness.subgroup_metrics(cxr, "vendor", 0.5)
    aucs = [roc_auc_score(part["label"], part["ai_score"])
            for _, part in cxr.groupby("vendor", observed=True)]
    assert table["sensitivity"].idxmin() == "C"
    assert max(aucs) - min(aucs) < 0.05
    assert fairness.equal_opportunity_difference(cxr, "vendor", 0.5) > 0.20
    # the figures quoted in the model answer and the rubric
    assert (int(table.loc["C", "tp"]), int(table.loc["C", "n_positive"])) == (24, 54)
    assert round(float(fairness.per_group_thresholds(cxr, "vendor", 0.9)["C"]), 2) == 0.11


def q5_cells(nb) -> list:
    return [cell_by_id(nb, f"C-q5-example-{i}") for i in (1, 2, 3)]


def test_q5_key_is_the_text_of_priority_3():
    actions = load_sor_priorities().set_index("number").loc[3, "actions"]
    areas = re.search(r"\(e\.g\., ([^)]*)\)", actions).group(1)
    assert {a.strip() for a in areas.split(",")} == PRIORITY3_AREAS
    nb = source_nb()
    hidden = {re.search(r'_str\.split\("([^"]+)", "\|"\)', c.source).group(1) for c in q5_cells(nb)}
    assert hidden == {"|".join(sorted(PRIORITY3_AREAS))}
    scope = {"load_sor_priorities": load_sor_priorities}
    exec(cell_by_id(nb, "C-q5-answer").source, scope)  # our own answer key
    assert scope["priority3_examples"] == PRIORITY3_AREAS


def q5_marks(value) -> list[float]:
    """The three Question 5 cells run in this process: 1.0 for each that passes."""
    marks = []
    for cell in q5_cells(source_nb()):
        try:
            exec(cell.source, {"priority3_examples": value})
        except AssertionError:
            marks.append(0.0)
        else:
            marks.append(1.0)
    return marks


@pytest.mark.parametrize(
    ("answer", "marks"),
    [
        (PRIORITY3_AREAS, [1.0, 1.0, 1.0]),
        (["Appointment Prioritization", "case-triage", "IMAGE INTERPRETATION."], [1.0, 1.0, 1.0]),
        (("case triage", "booking", "reporting"), [0.0, 1.0, 0.0]),
        ({"case triage", "Case triage!", "image interpretation"}, [0.0, 1.0, 1.0]),
        (PRIORITY3_AREAS | {"health inequalities"}, [0.0, 0.0, 0.0]),  # more than three
        ("appointment prioritisation, case triage, image interpretation", [0.0, 0.0, 0.0]),
        ({"case triage": 1}, [0.0, 0.0, 0.0]),
    ],
    ids=["key", "spelling", "one-right", "duplicates", "four-entries", "one-string", "dict"],
)
def test_q5_each_area_earns_its_own_mark(answer, marks, capsys):
    assert q5_marks(answer) == marks
    if len(answer) == 4:
        assert "✗ you listed 4 different entries" in capsys.readouterr().out


# --------------------------------------------------------------------------------------------------
# Slow: crafted answers, run in a kernel and scored as nbgrader scores them


LIAR_CLASSES = LIAR_BASE + '''
import pandas
class LiarStr(Liar, str): __hash__ = str.__hash__
class LiarInt(Liar, int): __hash__ = int.__hash__
class LiarFloat(Liar, float): __hash__ = float.__hash__
class LiarSet(Liar, set): __hash__ = None

class LiarDict(Liar, dict):
    """Holds wrong thresholds, and claims to hold every key, each mapped to a lying 0.5."""
    def __getitem__(self, key): return LiarFloat(0.5)
    def get(self, key, default=None): return LiarFloat(0.5)

class LiarFrame(Liar, pandas.DataFrame):
    """A DataFrame with the right index and columns but wrong values, equal to anything."""
'''

COLUMNS = '["n", "n_pos", "sens", "spec", "ppv", "selection_rate"]'


def liar_answers(plain_objects: bool) -> dict[str, str]:
    if plain_objects:
        table = gap = thresholds = worst = number = flag = areas = "Liar()"
    else:
        # the right shape only when grouped by vendor; elsewhere the column names students often
        # use instead of the ones asked for, as liar strings
        table = (
            f'LiarFrame(0.5, index=pandas.Index(groups, name=group_col), columns={COLUMNS}) '
            'if group_col == "vendor" else pandas.DataFrame(LiarFloat(0.5), '
            'index=pandas.Index([LiarStr(g) for g in groups], name=LiarStr("group")), '
            'columns=[LiarStr(c) for c in ("n", "positives", "sensitivity", "specificity", '
            '"PPV", "selection rate")])'
        )
        gap, worst, number = "LiarFloat(0.5)", 'LiarStr("no idea")', "LiarFloat(0.5)"
        thresholds = "LiarDict({g: LiarFloat(0.99) for g in groups})"
        flag = "LiarInt(1)"
        areas = 'LiarSet({LiarStr("no idea")})'
    groups = "    groups = list(df[group_col].unique())\n"
    return {
        "C-q1-answer": LIAR_CLASSES + "\n\ndef subgroup_metrics(df, group_col, threshold):\n"
                       + groups + f"    return {table}\n",
        "C-q2-answer": f"def equal_opportunity_difference(df, group_col, threshold):\n"
                       f"    return {gap}\n",
        "C-q3-answer": "def per_group_thresholds(df, group_col, target_sens):\n"
                       + groups + f"    return {thresholds}\n",
        "C-q4-answer": f"worst_vendor_at_05 = {worst}\nauc_gap = sens_gap_at_05 = {number}\n"
                       f"auc_hides_gap = {flag}\n",
        "C-q5-answer": f"priority3_examples = {areas}\n",
    }


# Wrong answers (Questions 1 and 2, the AUC gap and the flag of Question 4, two areas of Question 5)
# beside right ones (Question 3, the worst vendor, the sensitivity gap, one area), after ATTACK; each
# wrong answer also replaces the reference the hidden tests would compare it with by one that agrees
# with it. The hidden tests count their own reference and check the library against it, so a cell
# whose reference was tampered with scores nothing, even for a right answer (Question 4's).
ATTACKED = {
    "C-q1-answer": ATTACK + '''
import radcourse.fairness


def subgroup_metrics(df, group_col, threshold):  # percentages, not proportions
    groups, rows = [], []
    for group, part in df.groupby(group_col, observed=True):
        y, hit = part["label"] == 1, part["ai_score"] >= threshold
        tp, fn, fp, tn = (y & hit).sum(), (y & ~hit).sum(), (~y & hit).sum(), (~y & ~hit).sum()
        groups.append(group)
        rows.append([len(part), tp + fn, 100 * tp / (tp + fn), 100 * tn / (tn + fp),
                     100 * tp / (tp + fp), 100 * (tp + fp) / len(part)])
    return pd.DataFrame(rows, index=pd.Index(groups, name=group_col),
                        columns=["n", "n_pos", "sens", "spec", "ppv", "selection_rate"])


_real_reference = radcourse.fairness.subgroup_metrics


def _percent_reference(frame, group_col, threshold, **kwargs):
    table = _real_reference(frame, group_col, threshold, **kwargs)
    for column in ("sensitivity", "specificity", "ppv", "selection_rate"):
        table[column] = 100 * table[column]
    return table


radcourse.fairness.subgroup_metrics = _percent_reference
''',
    "C-q2-answer": '''
import radcourse.fairness


def equal_opportunity_difference(df, group_col, threshold):  # a ratio, not a difference
    sens = subgroup_metrics(df, group_col, threshold)["sens"].dropna()
    return float(sens.min() / sens.max())


radcourse.fairness.equal_opportunity_difference = (
    lambda frame, group_col, threshold, **kwargs: equal_opportunity_difference(
        frame, group_col, threshold))
''',
    "C-q4-answer": '''
import sklearn.metrics

sklearn.metrics.roc_auc_score = lambda *args, **kwargs: 0.9  # every vendor alike: a gap of 0
worst_vendor_at_05 = "C"
auc_gap = 0.0
nodules = cxr[cxr["label"] == 1]
sens = (nodules["ai_score"] >= 0.5).groupby(nodules["vendor"], observed=True).mean()
sens_gap_at_05 = float(sens.max() - sens.min())
auc_hides_gap = False
''',
    "C-q5-answer": 'priority3_examples = {"case triage", "booking", "reporting"}\n',
}
ATTACKED_SCORES = {
    **NOTHING,
    "C-q3-target": 1.0,
    "C-q3-highest": 2.0,
    "C-q5-example-2": 1.0,  # case triage
}

# What the test cells avoid: each of these passes for the wrong answers once the attack has run.
NAIVE_CHECKS = '''
import math
from builtins import abs, all, isinstance, set, sorted

import numpy
import pandas.testing
import radcourse.fairness

cohort = load_cxr_triage()
mine, ref = subgroup_metrics(cohort, "vendor", 0.5), radcourse.fairness.subgroup_metrics(
    cohort, "vendor", 0.5)
assert numpy.allclose(mine["sens"], ref["sensitivity"])
assert all(mine["sens"] <= 1)
pandas.testing.assert_frame_equal(mine, ref)
assert math.isclose(equal_opportunity_difference(cohort, "vendor", 0.5), 0.4324, abs_tol=1e-4)
assert radcourse.fairness.equal_opportunity_difference(cohort, "vendor", 0.5) == (
    equal_opportunity_difference(cohort, "vendor", 0.5))
assert abs(auc_gap - 0.038) < 0.001 and isinstance(auc_hides_gap, str)
assert set(priority3_examples) == {"appointment prioritisation", "case triage", "image interpretation"}
assert sorted(per_group_thresholds(cohort, "vendor", 0.9)) == ["no", "such", "vendors"]
print("naive checks fooled")
'''

# Plausible answers, each with one mistake (or none), and what each test cell must give them.
PLAUSIBLE = {
    # The formulas are right, but Python's division raises ZeroDivisionError for a group with no
    # nodules (or nothing flagged).
    "C-q1-answer": '''
def subgroup_metrics(df, group_col, threshold):
    groups, rows = [], []
    for group, part in df.groupby(group_col, observed=True):
        y, hit = part["label"] == 1, part["ai_score"] >= threshold
        tp, fn = int((y & hit).sum()), int((y & ~hit).sum())
        fp, tn = int((~y & hit).sum()), int((~y & ~hit).sum())
        n = tp + fn + fp + tn
        groups.append(group)
        rows.append([n, tp + fn, tp / (tp + fn), tn / (tn + fp), tp / (tp + fp), (tp + fp) / n])
    return pd.DataFrame(rows, index=pd.Index(groups, name=group_col),
                        columns=["n", "n_pos", "sens", "spec", "ppv", "selection_rate"])
''',
    # A group with no nodules is counted as sensitivity 0 instead of being left out.
    "C-q2-answer": '''
def equal_opportunity_difference(df, group_col, threshold):
    sens = {}
    for group, part in df.groupby(group_col, observed=True):
        nodules = part[part["label"] == 1]
        sens[group] = (nodules["ai_score"] >= threshold).mean() if len(nodules) else 0.0
    return float(max(sens.values()) - min(sens.values()))
''',
    # A lower threshold that still reaches the target: the next distinct score below the highest
    # one that does. Its sensitivity is at least the target, so a check of that alone passes.
    "C-q3-answer": '''
def per_group_thresholds(df, group_col, target_sens):
    out = {}
    for group, part in df.groupby(group_col, observed=True):
        y, scores = part["label"].to_numpy(), part["ai_score"].to_numpy()
        distinct = np.unique(scores)[::-1]
        for i, candidate in enumerate(distinct):
            if np.mean(scores[y == 1] >= candidate) >= target_sens:
                out[group] = float(distinct[min(i + 1, len(distinct) - 1)])
                break
    return out
''',
    # The vendor in lower case with spaces (accepted); AUCs rounded before the gap is taken; the
    # right sensitivity gap, but as text; the flag as a NumPy bool (accepted).
    "C-q4-answer": '''
worst_vendor_at_05 = " c "
auc = [round(roc_auc_score(part["label"], part["ai_score"]), 2)
       for _, part in cxr.groupby("vendor", observed=True)]
auc_gap = max(auc) - min(auc)
sens_gap_at_05 = str(equal_opportunity_difference(cxr, "vendor", 0.5))
auc_hides_gap = np.float64(auc_gap) < 0.05
''',
    # Right, in other spellings and punctuation.
    "C-q5-answer": 'priority3_examples = ["Appointment prioritization", "case triage.", '
                   '"Image-interpretation "]\n',
}
PLAUSIBLE_SCORES = {
    **FULL,
    "C-q1-small-frame": 0.0,
    "C-q2-small-frames": 0.0,
    "C-q3-highest": 0.0,
    "C-q4-auc-gap": 0.0,
    "C-q4-sens-gap": 0.0,
}


@pytest.mark.slow
@pytest.mark.parametrize("plain_objects", [True, False], ids=["objects", "subclasses"])
def test_answers_that_claim_to_equal_anything_score_nothing(plain_objects, tmp_path):
    scores = autograde(with_answers(liar_answers(plain_objects)), tmp_path)
    assert scores == NOTHING


@pytest.mark.slow
def test_patched_builtins_checks_and_references_gain_nothing(tmp_path):
    nb = with_answers(ATTACKED)
    nb.cells.append(nbformat.v4.new_code_cell(NAIVE_CHECKS))
    assert autograde(nb, tmp_path) == ATTACKED_SCORES
    # ... while the attack is strong enough to fool naive checks of the same wrong answers.
    outputs = nb.cells[-1].outputs
    assert [o.get("text") for o in outputs] == ["naive checks fooled\n"], outputs


@pytest.mark.slow
def test_plausible_mistakes_lose_exactly_their_marks(tmp_path):
    # Only the mistakes lose marks: the cells that test what each answer gets right still pass.
    assert autograde(with_answers(PLAUSIBLE), tmp_path) == PLAUSIBLE_SCORES
