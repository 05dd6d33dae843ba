"""B_validation's own tests reject answers that only look right.

The pipeline test (test_nbgrader_pipeline.py) proves that the answer key scores full marks and the
blank release zero. This file

- checks, without a kernel, that no test cell looks up a built-in by name (``abs``, ``float``,
  ``isinstance``, ``range``...): a student's cell can rebind those in the ``builtins`` module
  itself, so the test cells take the real types from literals (``"".__class__``) instead;
- attacks the test cells with crafted answers, run the way the autograder runs them: the source
  notebook (hidden tests included) with its solution cells replaced by crafted code, executed top
  to bottom in one kernel, each test cell scored with nbgrader's own ``determine_grade``. The
  attacks:

  - answers whose objects claim to equal anything (``__eq__`` always True), as plain objects and
    as subclasses of float, int, str, tuple and dict holding wrong values;
  - wrong answers plus ``math.isclose``, ``numpy.isclose``/``allclose`` and
    ``numpy.testing.assert_allclose`` monkeypatched to always agree, in the student's own cell;
  - wrong answers beside right ones, in a notebook whose first answer cell also rebinds ``abs``,
    ``isinstance``, ``float``, ``dict``, ``len``, ``set``, ``sorted``, ``type`` and ``str`` in the
    ``builtins`` module to liars, patches the closeness checks, and replaces the course's
    references for the wrong answers (``diagnostic_summary``, ``wilson_interval``,
    ``n_positives_needed``) with versions that agree with them: every cell scores what it scores
    without the attack, and the same attack does fool naive checks;
  - plausible partial answers, each cell's outcome pinned: a ``confusion_metrics`` that raises
    ZeroDivisionError on a zero denominator, a ``threshold_for_sensitivity`` that returns a lower
    threshold that still reaches the target (not the highest), ``round`` instead of rounding up, an
    unclipped Wilson interval, and the two validation answers swapped.

Two attacks no test cell can stop -- a custom IPython exception handler that hides errors, and
``sys.displayhook`` from a function the tests call -- are stopped by the grading pipeline and
tested there (``test_grading.py``, ``test_nbgrader_config.py``).

Known limits, not tested here because no test cell can close them (the code of a submission runs
in the same kernel as the tests): a student function can also rebind the test cell's own names while it runs (``globals()["_close"] = ...``),
as every name a cell defines lives in the notebook's namespace. The hidden tests work out their
references from the question's formulas where they can, but the screening cohort and Question 6's
cross-validated AUCs come from the course's data loaders, pandas, NumPy and scikit-learn, which a
student who patches those libraries could still reach.
"""

from __future__ import annotations

import builtins
import dis
from pathlib import Path

import nbformat
import pytest

from .harness import LIAR_BASE, graded_code_cells, nbgrader_meta
from .harness import run_and_score as marks
from .harness import with_answers as _with_answers

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "assessments" / "source" / "B_validation" / "B_validation.ipynb"

ANSWER_CELLS = {"B-q1-answer", "B-q2-answer", "B-q3-answer", "B-q4-answer", "B-q5-answer",
                "B-q6-answer"}


def with_answers(answers: dict[str, str]) -> nbformat.NotebookNode:
    """The answer key with the named solution cells' code replaced (others keep the key)."""
    return _with_answers(SOURCE, ANSWER_CELLS, answers)


def errors(nb) -> dict[str, str]:
    """{test grade_id: name of the exception} for the test cells of an executed notebook that raised."""
    return {nbgrader_meta(cell)["grade_id"]: output.ename
            for cell in graded_code_cells(nb) for output in cell.outputs
            if output.output_type == "error"}


def autograde(nb, tmp_path: Path) -> dict[str, bool]:
    """{test grade_id: full marks?} as nbgrader scores the notebook run in a fresh kernel."""
    return {grade_id: score == POINTS[grade_id] for grade_id, score in marks(nb, tmp_path).items()}


ALL_TESTS = [nbgrader_meta(c)["grade_id"]
             for c in graded_code_cells(nbformat.read(SOURCE, as_version=4))]
POINTS = {nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c)["points"])
          for c in graded_code_cells(nbformat.read(SOURCE, as_version=4))}


# --------------------------------------------------------------------------------------------------
# Crafted answers

LIAR_CLASSES = LIAR_BASE + '''class LiarFloat(Liar, float): __hash__ = float.__hash__
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


# Run in the student's first answer cell. It rebinds names in the builtins module itself (so
# re-importing them from builtins would not help) and makes the usual closeness checks agree with
# anything. The rebound built-ins lie only to code typed into notebook cells, which includes the test
# cells, and behave normally for the libraries, so the kernel (and scikit-learn) keeps working: the
# stand-ins for the built-in types carry the real types' attributes, pass isinstance and issubclass
# through, and tell NumPy which dtype they mean. They are closures, which outlive the notebook's
# names when the kernel shuts down.
ATTACK = """
import builtins
import math

import numpy
import numpy.testing
import stack_data  # noqa: F401 (IPython formats tracebacks with it; its import needs the real str)


def _rebind_builtins():
    import sys

    real = {name: getattr(builtins, name) for name in
            ("abs", "isinstance", "float", "dict", "len", "set", "sorted", "type", "str")}
    real_isinstance = real["isinstance"]

    def from_notebook():
        \"\"\"True when the caller of the patched built-in is code typed into a notebook cell.\"\"\"
        name = sys._getframe(2).f_code.co_filename
        return "/ipykernel_" in name or name.startswith("<ipython")  # /tmp/ipykernel_<pid>/<n>.py

    class Yes:
        \"\"\"Equal to, unequal to, and on either side of anything.\"\"\"
        def __eq__(self, other): return True
        def __ne__(self, other): return True
        def __lt__(self, other): return True
        def __le__(self, other): return True
        def __gt__(self, other): return True
        def __ge__(self, other): return True

    class YesFloat(Yes, float): __hash__ = float.__hash__
    class YesInt(Yes, int): __hash__ = int.__hash__
    class YesStr(Yes, str): __hash__ = str.__hash__
    class YesList(Yes, list): pass
    class YesSet(Yes, set): __hash__ = None

    class YesDict(Yes, dict):
        def __missing__(self, key): return YesFloat(0.0)

    class Lying(type):
        \"\"\"A stand-in for a built-in type: lies to notebook code, is the real type to libraries.\"\"\"
        def __call__(cls, *args, **kwargs):
            made = real[cls.__name__](*args, **kwargs)
            return cls.liar(made) if from_notebook() else made
        def __instancecheck__(cls, obj): return real_isinstance(obj, real[cls.__name__])
        def __subclasscheck__(cls, sub): return issubclass(sub, real[cls.__name__])
        def __getattr__(cls, name): return getattr(real[cls.__name__], name)  # dict.fromkeys

    def stand_in(name, liar, **extra):
        \"\"\"A class that looks like the built-in type called name, down to its __dict__.\"\"\"
        namespace = {key: value for key, value in vars(real[name]).items()
                     if real["type"](value).__name__ != "classmethod_descriptor"}
        namespace.update(__module__="builtins", __qualname__=name, liar=staticmethod(liar), **extra)
        return Lying(name, (), namespace)

    stand_ins = {}
    fakes = {
        "float": stand_in("float", YesFloat, dtype=numpy.dtype("float64")),  # numpy.dtype(float)
        "str": stand_in("str", YesStr, dtype=numpy.dtype("str")),
        "dict": stand_in("dict", YesDict),
        "set": stand_in("set", YesSet),
        # type(x) is str holds for a real str and the stand-in str
        "type": stand_in("type", lambda made: stand_ins.get(made, made)),
    }
    stand_ins.update({real[name]: fake for name, fake in fakes.items()})

    def liar(name, lie):
        def patched(*args, **kwargs):
            return lie(*args, **kwargs) if from_notebook() else real[name](*args, **kwargs)
        return patched

    fakes["abs"] = liar("abs", lambda x: 0.0)
    # True, except that nothing is a bool: so isinstance(x, numbers.Real) and not isinstance(x, bool)
    fakes["isinstance"] = liar("isinstance", lambda obj, cls: cls is not bool)
    fakes["len"] = liar("len", lambda obj: YesInt(real["len"](obj)))
    fakes["sorted"] = liar("sorted", lambda *args, **kwargs: YesList(real["sorted"](*args, **kwargs)))
    for name, fake in fakes.items():
        setattr(builtins, name, fake)


_rebind_builtins()
math.isclose = lambda *args, **kwargs: True
numpy.isclose = lambda *args, **kwargs: True
numpy.allclose = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None
"""

KEY_Q6 = next(c.source for c in nbformat.read(SOURCE, as_version=4).cells
              if c.get("id") == "B-q6-answer")

# Wrong answers (Question 1, the edge case of Question 2, Question 3, the sample size, the edges of
# the Wilson interval, Question 5(a), the leakage gap) beside right ones (the rest).
WRONG = {
    "B-q1-answer": '''
def confusion_metrics(tp, fp, fn, tn):  # percentages, not proportions
    def percent(top, bottom):
        return 100 * top / bottom if bottom else math.nan

    return {"sens": percent(tp, tp + fn), "spec": percent(tn, tn + fp), "ppv": percent(tp, tp + fp),
            "npv": percent(tn, tn + fn), "acc": percent(tp + tn, tp + fp + fn + tn)}
''',
    "B-q2-answer": '''
def ppv_from_prevalence(sens, spec, prev):  # 0 instead of NaN when nobody is flagged
    tp, fp = sens * prev, (1 - spec) * (1 - prev)
    return tp / (tp + fp) if tp + fp else 0.0
''',
    "B-q3-answer": PLAUSIBLE_MISTAKES["B-q3-answer"],  # a lower threshold than the highest
    "B-q4-answer": PLAUSIBLE_MISTAKES["B-q4-answer"],  # round(); the Wilson bounds not clipped
    "B-q5-answer": ('sensitivity_eroded_by = "false positives"\n'
                    'specificity_eroded_by = "false negatives"\n'
                    'internal_validation_question = "D"\n'
                    'external_validation_question = "B"\n'),
    "B-q6-answer": KEY_Q6.replace("leakage_gap = auc_image_split - auc_patient_split",
                                  "leakage_gap = auc_patient_split - auc_image_split"),
}
WRONG_SCORES = {
    "B-q1-keys": 0.0,
    "B-q1-values": 0.0,
    "B-q1-edge-cases": 0.0,
    "B-q2-values": 2.0,
    "B-q2-edge-cases": 0.0,
    "B-q3-toy": 0.0,
    "B-q3-screening": 0.0,
    "B-q4-sample-size": 0.0,
    "B-q4-wilson": 1.0,
    "B-q4-wilson-edges": 0.0,
    "B-q5-eroded": 0.0,
    "B-q5-validation": 1.0,
    "B-q6-aucs": 1.0,
    "B-q6-gap": 0.0,
}

# Appended to the wrong Question 4: the course's references for the wrong answers of Questions 1 and
# 4, replaced by versions that agree with them.
PATCH_REFERENCES = '''
import radcourse.metrics
import radcourse.validation

_real_summary = radcourse.metrics.diagnostic_summary


def _percent_summary(tp, fp, fn, tn):
    return {key: 100 * value for key, value in _real_summary(tp, fp, fn, tn).items()}


def _unclipped_wilson(successes, n, confidence=0.95):
    z = {0.90: 1.6448536, 0.95: 1.9599640, 0.99: 2.5758293}[confidence]
    return wilson_ci(successes, n, z)


radcourse.metrics.diagnostic_summary = _percent_summary
radcourse.metrics.wilson_interval = _unclipped_wilson
radcourse.validation.n_positives_needed = (
    lambda p, half_width, confidence=0.95: round(1.9599640**2 * p * (1 - p) / half_width**2))
'''
ATTACKED = {
    **WRONG,
    "B-q1-answer": ATTACK + WRONG["B-q1-answer"],
    "B-q4-answer": WRONG["B-q4-answer"] + PATCH_REFERENCES,
}

# What the test cells avoid: with the attack, each of these passes for the wrong answers.
NAIVE_CHECKS = '''
import math
from builtins import abs, dict, float, isinstance, len, set, sorted, str

import numpy
import radcourse.validation
from radcourse.metrics import diagnostic_summary, wilson_interval

result = confusion_metrics(72, 496, 8, 9424)
assert isinstance(result, dict) and len(result) == 5 and set(result) == {"sens", "spec", "ppv", "npv", "acc"}
assert abs(float(result["sens"]) - 0.9) < 1e-9
assert math.isclose(result["spec"], 0.95)
assert float(result["ppv"]) == diagnostic_summary(72, 496, 8, 9424)["ppv"]
assert sorted(v <= 1 for v in result.values()) == [True] * 5
value = float(ppv_from_prevalence(0.9, 1.0, 0.0))
assert value != value
assert abs(float(threshold_for_sensitivity([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.5)) - 0.8) < 1e-12
assert float(n_positives_needed(0.9, 0.05)) == 139
assert n_positives_needed(0.9, 0.05) == radcourse.validation.n_positives_needed(0.9, 0.05)
low, high = wilson_ci(0, 20)
assert numpy.allclose((low, high), wilson_interval(0, 20)) and float(low) >= 0
assert str(sensitivity_eroded_by) == "false negatives"
assert numpy.isclose(leakage_gap, auc_image_split - auc_patient_split) and float(leakage_gap) > 0.15
print("naive checks fooled")
'''


def builtin_lookups(code) -> set[str]:
    """Built-ins that code (and the functions and comprehensions it defines) looks up by name."""
    found = set()
    for instruction in dis.get_instructions(code):
        if instruction.opname in ("LOAD_NAME", "LOAD_GLOBAL", "LOAD_FROM_DICT_OR_GLOBALS") and (
            instruction.argval in vars(builtins)
        ):
            found.add(instruction.argval)
        if instruction.opname == "IMPORT_NAME" and instruction.argval == "builtins":
            found.add("from builtins import")
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            found |= builtin_lookups(const)
    return found


# --------------------------------------------------------------------------------------------------
# Tests


def test_the_attacks_cover_every_test_cell():
    assert set(PLAUSIBLE_EXPECTED) == set(WRONG_SCORES) == set(POINTS) == set(ALL_TESTS)
    assert WRONG["B-q6-answer"] != KEY_Q6
    assert len(ALL_TESTS) >= 12


@pytest.mark.parametrize("grade_id", ALL_TESTS)
def test_test_cells_look_up_no_builtin_by_name(grade_id):
    # A student's cell can rebind abs, float, isinstance, range... in the builtins module itself, and
    # a test cell that looks one up by name (or imports it from builtins) would get the liar.
    cell = next(c for c in graded_code_cells(nbformat.read(SOURCE, as_version=4))
                if nbgrader_meta(c)["grade_id"] == grade_id)
    assert builtin_lookups(compile(cell.source, grade_id, "exec")) == set()


def test_the_builtin_scan_sees_names_in_functions_and_comprehensions():
    code = compile("import numpy\nfrom builtins import str\n"
                   "def f(x):\n    return [abs(v) for v in x]\nlen([])\nnumpy.float64(0)\n",
                   "example", "exec")
    assert builtin_lookups(code) == {"abs", "len", "from builtins import"}


@pytest.mark.slow
@pytest.mark.parametrize("plain_objects", [True, False], ids=["liar-objects", "liar-subclasses"])
def test_answers_that_claim_equality_score_nothing(plain_objects, tmp_path):
    scores = autograde(with_answers(liar_answers(plain_objects)), tmp_path)
    assert set(scores) == set(ALL_TESTS)
    passed = [grade_id for grade_id, full in scores.items() if full]
    assert passed == [], f"a lying answer passed {passed}"


@pytest.mark.slow
def test_monkeypatched_closeness_checks_do_not_rescue_wrong_answers(tmp_path):
    scores = autograde(with_answers(WRONG_WITH_PATCHED_ISCLOSE), tmp_path)
    assert set(scores) == set(ALL_TESTS)
    passed = [grade_id for grade_id, full in scores.items() if full]
    assert passed == [], f"wrong answers passed {passed} with math.isclose patched"


@pytest.mark.slow
def test_wrong_answers_score_the_same_even_with_patched_builtins_and_references(tmp_path):
    # Each wrong answer fails its own checks, with or without the attack.
    failed = {grade_id: "AssertionError" for grade_id, score in WRONG_SCORES.items() if not score}
    honest = with_answers(WRONG)
    honest.cells.append(nbformat.v4.new_code_cell(NAIVE_CHECKS))
    assert marks(honest, tmp_path) == WRONG_SCORES
    assert sum(WRONG_SCORES.values()) < sum(POINTS.values())
    assert errors(honest) == failed
    [error] = honest.cells[-1].outputs  # the naive checks catch the wrong answers...
    assert error.output_type == "error" and error.ename == "AssertionError"
    attacked = with_answers(ATTACKED)
    attacked.cells.append(nbformat.v4.new_code_cell(NAIVE_CHECKS))
    assert marks(attacked, tmp_path) == WRONG_SCORES
    assert errors(attacked) == failed
    # ... but not once the attack has run, while the test cells still score the same.
    outputs = attacked.cells[-1].outputs
    assert [o.get("text") for o in outputs] == ["naive checks fooled\n"], outputs


@pytest.mark.slow
def test_plausible_mistakes_lose_exactly_the_marks_they_should(tmp_path):
    # Questions 2 and 6 keep the key's answers, so this also shows the other cells still pass.
    scores = autograde(with_answers(PLAUSIBLE_MISTAKES), tmp_path)
    assert scores == PLAUSIBLE_EXPECTED
