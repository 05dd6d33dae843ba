"""A_foundations's own tests: the question text matches the course library, and the test cells
reject answers that only look right.

The pipeline test (test_nbgrader_pipeline.py) proves that the answer key scores full marks and the
blank release zero. This file

- checks, without a kernel, that what the questions show is what the tests mark against: the ten
  vignettes of Question 1 and their stage/task words come from ``radcourse.pathway``, the twelve
  lettered definitions of Question 3 are the openings of the course glossary's entries and the
  hidden key matches them;
- attacks the test cells with crafted answers, run the way the autograder runs them: the source
  notebook (hidden tests included) with its answer cells replaced, executed top to bottom in one
  kernel, each test cell scored with nbgrader's own ``determine_grade`` (which reads a number on a
  test cell's last line as part marks). The attacks:

  - answers whose objects claim to equal anything (``__eq__`` always True), as plain objects and
    as subclasses of str, int, float, tuple, list, dict and set holding wrong values;
  - wrong answers in a cell that also rebinds names in the ``builtins`` module itself
    (``sorted``, ``set``, ``abs``, ``isinstance``) to liars, and monkeypatches
    ``math.isclose`` and NumPy's closeness checks: the test cells take the real types from
    literals (``"".__class__``), so the attack must gain nothing over the same wrong answers
    without it;
  - the label-coding trap (``y_pos`` built without flipping malignant = 0), a hard-coded
    ``status_counts``, a case-sensitive and a regular-expression ``priorities_mentioning``: each
    loses exactly the marks it should.

Two attacks no test cell can stop -- a custom IPython exception handler that hides errors, and
``sys.displayhook`` from a function the tests call -- are stopped by the grading pipeline and
tested there (``test_grading.py``, ``test_nbgrader_config.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from radcourse.glossary import lookup
from radcourse.pathway import is_accepted, stages, tasks, vignettes

from .harness import ATTACK, LIAR_BASE, cell_by_id, graded_code_cells, nbgrader_meta, run_and_score
from .harness import with_answers as _with_answers

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "assessments" / "source" / "A_foundations" / "A_foundations.ipynb"

ANSWER_CELLS = {"A-q1-answer", "A-q2-answer", "A-q3-answer", "A-q4-answer", "A-q5-answer"}
POINTS = {
    "A-q1-vignettes-1-5": 5,
    "A-q1-vignettes-6-10": 5,
    "A-q2-labels": 1,
    "A-q2-model": 1,
    "A-q2-malignant-in-test": 1,
    "A-q2-sensitivity": 2,
    "A-q3-terms-1-6": 3,
    "A-q3-terms-7-12": 3,
    "A-q4-status-counts": 2,
    "A-q4-mentioning": 2,
    "A-q4-any-case": 1,
    "A-q4-plain-text": 1,
    "A-q5-challenges": 4,
}
MANUAL = {"A-q6-answer": 6}


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


# --------------------------------------------------------------------------------------------------
# Fast: the marking scheme, and the questions against the course library


def test_marking_scheme_and_before_you_start():
    nb = source_nb()
    graded = {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"]
              for c in nb.cells if nbgrader_meta(c).get("grade")}
    assert graded == POINTS | MANUAL
    solutions = {c.get("id") for c in nb.cells
                 if c.cell_type == "code" and nbgrader_meta(c).get("solution")}
    assert solutions == ANSWER_CELLS
    before = cell_by_id(nb, "A-before-you-start").source
    auto, manual = sum(POINTS.values()), sum(MANUAL.values())
    assert f"{auto + manual} in total" in before
    assert f"({auto} marks)" in before and f"({manual} marks)" in before
    for cell in nb.cells:  # every cell id equals its grade_id (the items tests rely on it)
        assert cell.get("id") == nbgrader_meta(cell).get("grade_id")


def q1_ids(nb) -> list[str]:
    template = cell_by_id(nb, "A-q1-question").source.split("answers_A1 = {")[1]
    return re.findall(r'^\s+"([a-z-]+)": \("…", "…"\)', template, flags=re.M)


def test_q1_shows_the_pathway_vignettes_and_words():
    nb = source_nb()
    question = cell_by_id(nb, "A-q1-question").source
    ids = q1_ids(nb)
    assert len(ids) == len(set(ids)) == 10
    by_id = {v.id: v for v in vignettes()}
    for vid in ids:
        v = by_id[vid]
        assert v.graded, f"{vid} is a discussion vignette: its accepted sets are not clear-cut"
        assert f"`{vid}` · **{v.title}.** {v.text} ({v.source})" in question
    for item in [*stages(), *tasks()]:
        assert f"| `{item.key}` | {item.description} |" in question
    # The test cells mark exactly these ten, five each, and the key earns every half mark.
    tests = {c.get("id"): c.source for c in graded_code_cells(nb)}
    marked = [re.findall(r'^    "([a-z-]+)",$', tests[g], flags=re.M)
              for g in ("A-q1-vignettes-1-5", "A-q1-vignettes-6-10")]
    assert marked[0] + marked[1] == ids
    key = {}
    exec(cell_by_id(nb, "A-q1-answer").source, {}, key)  # our own answer key
    assert set(key["answers_A1"]) == set(ids)
    for vid, (stage, task) in key["answers_A1"].items():
        assert is_accepted(vid, stage=stage, task=task), vid
    # The hidden tests grade with the library's hashed sets, not with a key of their own.
    for g in ("A-q1-vignettes-1-5", "A-q1-vignettes-6-10"):
        hidden = tests[g].split("### BEGIN HIDDEN TESTS")[1]
        assert "is_accepted(vignette_id, stage=stage)" in hidden
        assert "is_accepted(vignette_id, task=task)" in hidden
        assert not re.search(r"\.stages\b|\.tasks\b|rationale", hidden)


def test_q3_definitions_are_the_glossary_openings_and_the_key_matches():
    nb = source_nb()
    question = cell_by_id(nb, "A-q3-question").source
    shown = dict(re.findall(r"^\| \*\*([A-L])\*\* \| (.+) \|$", question, flags=re.M))
    assert sorted(shown) == list("ABCDEFGHIJKL")
    key = {}
    exec(cell_by_id(nb, "A-q3-answer").source, {}, key)  # our own answer key
    matches = key["matches"]
    assert len(matches) == 12 and sorted(matches.values()) == list("ABCDEFGHIJKL")
    for term, letter in matches.items():
        assert f"*{term}*" in question
        definition = lookup(term).definition
        opening = shown[letter].rstrip(".")
        assert definition.startswith(opening), (term, letter)
        # no other term's definition starts the same way, so each letter fits one term only
        others = [t for t in matches if t != term and lookup(t).definition.startswith(opening)]
        assert others == [], (term, others)
    # The hidden key in the two test cells is the same as the answer key.
    tests = "\n".join(c.source for c in graded_code_cells(nb))
    hidden = dict(pair.split("=") for part in re.findall(r'_str\.split\("([^"]+=[A-L][^"]*)", "\|"\)',
                                                           tests)
                  for pair in part.split("|"))
    assert hidden == matches


# --------------------------------------------------------------------------------------------------
# Slow: crafted answers, run in a kernel and scored as nbgrader scores them


LIAR_CLASSES = LIAR_BASE + '''class LiarStr(Liar, str): __hash__ = str.__hash__
class LiarInt(Liar, int): __hash__ = int.__hash__
class LiarFloat(Liar, float): __hash__ = float.__hash__
class LiarTuple(Liar, tuple): __hash__ = tuple.__hash__
class LiarList(Liar, list): pass
class LiarSet(Liar, set): pass

class LiarDict(Liar, dict):
    """Empty underneath, but claims to hold every key, each mapped to a lying value."""
    def __getitem__(self, key): return LiarStr("no idea")
    def get(self, key, default=None): return LiarStr("no idea")
    def keys(self): return LiarSet()
'''

Q1_IDS = ("probability-booking", "positioning", "image-quality-dose", "oar-contouring",
          "adaptive-rt", "reproducible-contours", "lung-nodules", "mammography-cad",
          "stroke-detection", "bone-age")


def liar_answers(plain_objects: bool) -> dict[str, str]:
    if plain_objects:
        pair = word = table = number = whole = items = labels = "Liar()"
    else:
        word = 'LiarStr("no idea")'
        pair = f"LiarTuple(({word}, {word}))"
        table = 'LiarDict({"Pending": LiarInt(0)})'
        number, whole = "LiarFloat(0.5)", "LiarInt(7)"
        items = "LiarList([LiarInt(0)])"
        labels = "LiarList([LiarInt(1)] * 569)"
    return {
        "A-q1-answer": LIAR_CLASSES + f"answers_A1 = LiarDict({{vid: {pair} for vid in {Q1_IDS!r}}})\n",
        "A-q2-answer": LIAR_CLASSES + f"y_pos = {labels}\nmodel = Liar()\n"
                       f"n_malignant_test = {whole}\nsens_at_05 = {number}\n",
        "A-q3-answer": LIAR_CLASSES + f"matches = {table}\n",
        "A-q4-answer": LIAR_CLASSES + f"def status_counts(df):\n    return {table}\n\n"
                       f"def priorities_mentioning(df, text):\n    return {items}\n",
        "A-q5-answer": LIAR_CLASSES + ("challenge_categories = Liar()\n" if plain_objects else
                                       f"challenge_categories = LiarSet({{{word}}})\n"),
    }


# Wrong, but plausible, answers; the same answers with the attack below must score no more.
WRONG = {
    "A-q1-answer": f'answers_A1 = {{vid: ("booking", "classification") for vid in {Q1_IDS!r}}}\n',
    # The label-coding trap: the labels as shipped (malignant = 0), everything else as asked.
    "A-q2-answer": '''
X, y = load_breast_cancer(return_X_y=True)
y_pos = y
X_train, X_test, y_train, y_test = train_test_split(
    X, y_pos, test_size=0.25, stratify=y_pos, random_state=42
)
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_train, y_train)
n_malignant_test = int(y_test.sum())
sens_at_05 = ((model.predict_proba(X_test)[:, 1] >= 0.5) & (y_test == 1)).sum() / y_test.sum()
''',
    "A-q3-answer": 'matches = dict.fromkeys(["feature", "label", "ground truth", "positive class", '
                   '"training set", "validation set", "test set", "parameter", "hyperparameter", '
                   '"inference", "threshold", "overfitting"], "A")\n',
    "A-q4-answer": '''
def status_counts(df):  # right for the full table only
    return {"Pending": 14, "Emerging": 8, "Ongoing": 9}

def priorities_mentioning(df, text):  # right for "British Standards" only
    return [4, 10, 22]
''',
    # The four *benefit* categories: three of them are also challenges.
    "A-q5-answer": 'challenge_categories = {"Workforce changes", "Improved workflows", '
                   '"Patient safety and care", "Leadership and education"}\n',
}
WRONG_SCORES = {
    "A-q1-vignettes-1-5": 1.0,  # two halves accepted: see test_wrong_q1_scores_follow_the_key
    "A-q1-vignettes-6-10": 0.5,  # one half accepted
    "A-q2-labels": 0.0,
    "A-q2-model": 0.0,
    "A-q2-malignant-in-test": 0.0,
    "A-q2-sensitivity": 0.0,
    "A-q3-terms-1-6": 0.0,
    "A-q3-terms-7-12": 0.5,  # threshold is A
    "A-q4-status-counts": 0.0,
    "A-q4-mentioning": 0.0,
    "A-q4-any-case": 0.0,
    "A-q4-plain-text": 0.0,
    "A-q5-challenges": 1.0,  # three right, one wrong: 1.5 - 0.5
}


def test_wrong_q1_scores_follow_the_key():
    """WRONG_SCORES for Question 1, worked out from the hashed key instead of written down."""
    for grade_id, ids in (("A-q1-vignettes-1-5", Q1_IDS[:5]), ("A-q1-vignettes-6-10", Q1_IDS[5:])):
        expected = sum(0.5 * is_accepted(vid, stage="booking") + 0.5 * is_accepted(
            vid, task="classification") for vid in ids)
        assert WRONG_SCORES[grade_id] == expected
    assert f'("booking", "classification") for vid in {Q1_IDS!r}' in WRONG["A-q1-answer"]


# What the test cells avoid: each of these passes for the wrong answers once the attack has run.
NAIVE_CHECKS = '''
import math
from builtins import abs, float, isinstance, set, sorted

df = load_sor_priorities()
assert isinstance(answers_A1["positioning"], str)
assert set(challenge_categories) == {"funding", "ai research"}
assert sorted(priorities_mentioning(df, "BSI")) == [4, 10]
assert abs(float(sens_at_05) - 0.925) < 0.02
assert math.isclose(float(n_malignant_test), 53)
print("naive checks fooled")
'''


# The answer key's Question 4 with one mistake each.
CASE_SENSITIVE_Q4 = '''
def status_counts(df):
    return {status: int(n) for status, n in df["status_003"].value_counts().items()}

def priorities_mentioning(df, text):
    columns = ["vision", "actions", "responsibility", "notes"]
    found = df[columns].apply(lambda column: column.str.contains(text, regex=False))
    return sorted(int(n) for n in df.loc[found.any(axis=1), "number"])
'''
REGEX_Q4 = CASE_SENSITIVE_Q4.replace("regex=False", "case=False")

FULL = {grade_id: float(points) for grade_id, points in POINTS.items()}


@pytest.mark.slow
@pytest.mark.parametrize("plain_objects", [True, False], ids=["objects", "subclasses"])
def test_answers_that_claim_to_equal_anything_score_nothing(plain_objects, tmp_path):
    scores = autograde(with_answers(liar_answers(plain_objects)), tmp_path)
    assert scores == dict.fromkeys(POINTS, 0.0)


@pytest.mark.slow
def test_wrong_answers_score_exactly_their_part_marks_even_with_patched_builtins(tmp_path):
    honest = autograde(with_answers(WRONG), tmp_path)
    assert honest == WRONG_SCORES
    # Patching NumPy's closeness checks also changes the model scikit-learn fits (its own code calls
    # them), so the trap's numbers are typed in: the values the trap gives without the attack.
    trap = WRONG["A-q2-answer"].replace(
        "n_malignant_test = int(y_test.sum())", "n_malignant_test = 90"
    ).split("sens_at_05 =")[0] + "sens_at_05 = 89 / 90\n"
    attacked = with_answers(
        {**WRONG, "A-q1-answer": ATTACK + WRONG["A-q1-answer"], "A-q2-answer": trap}
    )
    attacked.cells.append(nbformat.v4.new_code_cell(NAIVE_CHECKS))
    assert autograde(attacked, tmp_path) == WRONG_SCORES
    # ... while the attack is strong enough to fool naive checks of the same wrong answers.
    assert [o.get("text") for o in attacked.cells[-1].outputs] == ["naive checks fooled\n"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("q4", "lost"),
    [(CASE_SENSITIVE_Q4, "A-q4-any-case"), (REGEX_Q4, "A-q4-plain-text")],
    ids=["case-sensitive", "regular-expression"],
)
def test_each_search_mistake_loses_its_own_mark(q4, lost, tmp_path):
    scores = autograde(with_answers({"A-q4-answer": q4}), tmp_path)
    assert scores == {**FULL, lost: 0.0}
