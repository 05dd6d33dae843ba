"""B_validation's own tests reject answers that only look right.

The pipeline test (test_nbgrader_pipeline.py) proves that the answer key scores full marks and the
blank release zero. This file attacks the assessment's test cells with crafted answers, run the
way the autograder runs them: the source notebook (hidden tests included) with its solution cells
replaced by crafted code, executed top to bottom in one kernel, each test cell scored with
nbgrader's own ``determine_grade``. The attacks:

- answers whose objects claim to equal anything (``__eq__`` always True), as plain objects and as
  subclasses of float, int, str, tuple and dict holding wrong values;
- wrong answers plus ``math.isclose``, ``numpy.isclose``/``allclose`` and
  ``numpy.testing.assert_allclose`` monkeypatched to always agree, in the student's own cell;
- plausible partial answers, each cell's outcome pinned: a ``confusion_metrics`` that raises
  ZeroDivisionError on a zero denominator, a ``threshold_for_sensitivity`` that returns a lower
  threshold that still reaches the target (not the highest), ``round`` instead of rounding up, an
  unclipped Wilson interval, and the two validation answers swapped.

A known limit: a student who rebinds names in the ``builtins`` module itself can still fool tests
that run in the same kernel; the test cells re-import the real built-ins, which defeats rebinding
them in the notebook's namespace only.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.utils import determine_grade

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "assessments" / "source" / "B_validation" / "B_validation.ipynb"

ANSWER_CELLS = {"B-q1-answer", "B-q2-answer", "B-q3-answer", "B-q4-answer", "B-q5-answer",
                "B-q6-answer"}


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def graded_code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and nbgrader_meta(c).get("grade")
            and not nbgrader_meta(c).get("solution")]


def with_answers(answers: dict[str, str]) -> nbformat.NotebookNode:
    """The answer key with the named solution cells' code replaced (others keep the key)."""
    nb = nbformat.read(SOURCE, as_version=4)
    solution_ids = {c.get("id") for c in nb.cells
                    if c.cell_type == "code" and nbgrader_meta(c).get("solution")}
    assert solution_ids == ANSWER_CELLS, "B_validation's answer cells changed: update this test"
    assert set(answers) <= solution_ids
    for cell in nb.cells:
        if cell.get("id") in answers:
            cell.source = answers[cell.get("id")]
    return nb


def autograde(nb, tmp_path: Path) -> dict[str, bool]:
    """Run the notebook in a fresh kernel; {test grade_id: full marks?} as nbgrader scores it."""
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    scores = {}
    for cell in graded_code_cells(nb):
        score, max_score = determine_grade(cell)
        scores[nbgrader_meta(cell)["grade_id"]] = score == max_score
    return scores


ALL_TESTS = [nbgrader_meta(c)["grade_id"]
             for c in graded_code_cells(nbformat.read(SOURCE, as_version=4))]


# --------------------------------------------------------------------------------------------------
# Crafted answers

LIAR_CLASSES = '''
class Liar:
    """Claims to equal, and to be on either side of, anything."""
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True
    __hash__ = object.__hash__

class LiarFloat(Liar, float): __hash__ = float.__hash__
class LiarInt(Liar, int): __hash__ = int.__hash__
class LiarStr(Liar, str): __hash__ = str.__hash__
class LiarTuple(Liar, tuple): __hash__ = tuple.__hash__
class LiarDict(Liar, dict): pass
'''


def liar_answers(plain_objects: bool) -> dict[str, str]:
    """Every answer returns a liar: bare objects, or subclasses holding wrong values."""
    if plain_objects:
        number, whole, text, pair, table = ("Liar()",) * 5
    else:
        number, whole, text = "LiarFloat(0.5)", "LiarInt(7)", 'LiarStr("no idea")'
        pair = "LiarTuple((LiarFloat(0.5), LiarFloat(0.5)))"
        # the keys students most often use instead of the ones asked for
        table = ('LiarDict({key: LiarFloat(0.5) for key in ("sensitivity", "specificity", '
                 '"PPV", "NPV", "accuracy")})')
    return {
        "B-q1-answer": LIAR_CLASSES + f"\ndef confusion_metrics(tp, fp, fn, tn):\n"
                                      f"    return {table}\n",
        "B-q2-answer": f"def ppv_from_prevalence(sens, spec, prev):\n    return {number}\n",
        "B-q3-answer": f"def threshold_for_sensitivity(y, scores, target):\n    return {number}\n",
        "B-q4-answer": (f"def n_positives_needed(p, half_width, z=1.96):\n    return {whole}\n\n"
                        f"def wilson_ci(k, n, z=1.96):\n    return {pair}\n"),
        "B-q5-answer": "\n".join(f"{name} = {text}" for name in (
            "sensitivity_eroded_by", "specificity_eroded_by", "internal_validation_question",
            "external_validation_question")),
        "B-q6-answer": f"auc_image_split = auc_patient_split = leakage_gap = {number}\n",
    }


PATCH_CLOSENESS = '''
import math
import numpy
import numpy.testing

math.isclose = lambda *args, **kwargs: True
numpy.isclose = lambda *args, **kwargs: True
numpy.allclose = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None
numpy.testing.assert_almost_equal = lambda *args, **kwargs: None
'''

WRONG_WITH_PATCHED_ISCLOSE = {
    "B-q1-answer": PATCH_CLOSENESS + '''
def confusion_metrics(tp, fp, fn, tn):  # percentages, not proportions
    return {"sens": 90.0, "spec": 95.0, "ppv": 12.7, "npv": 99.9, "acc": 95.0}
''',
    "B-q2-answer": "def ppv_from_prevalence(sens, spec, prev):\n    return 0.5\n",
    "B-q3-answer": "def threshold_for_sensitivity(y, scores, target):\n    return 0.5\n",
    "B-q4-answer": ("def n_positives_needed(p, half_width, z=1.96):\n    return 100\n\n"
                    "def wilson_ci(k, n, z=1.96):\n    return (0.25, 0.75)\n"),
    "B-q5-answer": ('sensitivity_eroded_by = "false positives"\n'
                    'specificity_eroded_by = "false negatives"\n'
                    'internal_validation_question = "A"\n'
                    'external_validation_question = "C"\n'),
    "B-q6-answer": "auc_image_split, auc_patient_split = 0.9, 0.8\nleakage_gap = 0.1\n",
}

PLAUSIBLE_MISTAKES = {
    # The formulas are right, but a zero denominator raises ZeroDivisionError.
    "B-q1-answer": '''
def confusion_metrics(tp, fp, fn, tn):
    return {"sens": tp / (tp + fn), "spec": tn / (tn + fp), "ppv": tp / (tp + fp),
            "npv": tn / (tn + fn), "acc": (tp + tn) / (tp + fp + fn + tn)}
''',
    # A lower threshold that still reaches the target: the next distinct score below the highest
    # one that does. Its sensitivity is at least the target, so a check of that alone passes.
    "B-q3-answer": '''
def threshold_for_sensitivity(y, scores, target):
    y, scores = np.asarray(y), np.asarray(scores)
    distinct = np.unique(scores)[::-1]
    for i, candidate in enumerate(distinct):
        if np.mean(scores[y == 1] >= candidate) >= target:
            return float(distinct[min(i + 1, len(distinct) - 1)])
''',
    # round() instead of rounding up; the Wilson bounds are not clipped to [0, 1].
    "B-q4-answer": '''
def n_positives_needed(p, half_width, z=1.96):
    return round(z**2 * p * (1 - p) / half_width**2)

def wilson_ci(k, n, z=1.96):
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return (centre - half, centre + half)
''',
    # (a) right; (b) internal and external swapped.
    "B-q5-answer": ('sensitivity_eroded_by = "False negatives "\n'
                    'specificity_eroded_by = "false positives"\n'
                    'internal_validation_question = "B"\n'
                    'external_validation_question = "d"\n'),
}
PLAUSIBLE_EXPECTED = {  # test cell: full marks?
    "B-q1-keys": True,
    "B-q1-values": True,
    "B-q1-edge-cases": False,
    "B-q2-values": True,
    "B-q2-edge-cases": True,
    "B-q3-toy": False,
    "B-q3-screening": False,
    "B-q4-sample-size": False,
    "B-q4-wilson": True,
    "B-q4-wilson-edges": False,
    "B-q5-eroded": True,
    "B-q5-validation": False,
    "B-q6-aucs": True,
    "B-q6-gap": True,
}


# --------------------------------------------------------------------------------------------------
# Tests


def test_the_attacks_cover_every_test_cell():
    assert set(PLAUSIBLE_EXPECTED) == set(ALL_TESTS)
    assert len(ALL_TESTS) >= 12


@pytest.mark.parametrize("plain_objects", [True, False], ids=["liar-objects", "liar-subclasses"])
def test_answers_that_claim_equality_score_nothing(plain_objects, tmp_path):
    scores = autograde(with_answers(liar_answers(plain_objects)), tmp_path)
    assert set(scores) == set(ALL_TESTS)
    passed = [grade_id for grade_id, full in scores.items() if full]
    assert passed == [], f"a lying answer passed {passed}"


def test_monkeypatched_closeness_checks_do_not_rescue_wrong_answers(tmp_path):
    scores = autograde(with_answers(WRONG_WITH_PATCHED_ISCLOSE), tmp_path)
    assert set(scores) == set(ALL_TESTS)
    passed = [grade_id for grade_id, full in scores.items() if full]
    assert passed == [], f"wrong answers passed {passed} with math.isclose patched"


def test_plausible_mistakes_lose_exactly_the_marks_they_should(tmp_path):
    # Questions 2 and 6 keep the key's answers, so this also shows the other cells still pass.
    scores = autograde(with_answers(PLAUSIBLE_MISTAKES), tmp_path)
    assert scores == PLAUSIBLE_EXPECTED
