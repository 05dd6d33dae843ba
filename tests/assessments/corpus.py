"""Crafted submissions for ``demo_orientation``, built from the answer key (no binary fixtures).

Each builder takes the answer key (a fresh copy) and returns the submission's text, so that a
case may also be a file that is not a notebook at all. ``CASES`` says what each should score.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "demo_orientation"
SOURCE = REPO / "assessments" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

AUTO_ITEMS = (
    "demo-q1-sensitivity",
    "demo-q1-specificity",
    "demo-q1-zero-denominator",
    "demo-q2-ppv",
    "demo-q2-per-100",
    "demo-q3-false-negatives",
    "demo-q3-false-positives",
)


def key() -> nbformat.NotebookNode:
    return nbformat.read(SOURCE, as_version=4)


def cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _dump(nb) -> str:
    return nbformat.writes(nb)


def honest(nb):
    return _dump(nb)


def infinite_loop(nb):
    c = cell(nb, "demo-q2-answer")
    c.source = "while True:\n    pass\n" + c.source
    return _dump(nb)


def os_exit(nb):
    c = cell(nb, "demo-q2-answer")
    c.source += "\nimport os\nos._exit(1)\n"
    return _dump(nb)


def deleted_test(nb):
    nb.cells = [c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") != "demo-q2-ppv"]
    return _dump(nb)


def edited_test(nb):
    for grade_id in AUTO_ITEMS:
        cell(nb, grade_id).source = "pass"
    nb = nbformat.from_dict(nb)
    cell(nb, "demo-q1-answer").source = "def sensitivity(tp, fn):\n    return 0\n\n" \
        "def specificity(tn, fp):\n    return 0\n"
    return _dump(nb)


def renamed_metadata(nb):
    cell(nb, "demo-q3-false-positives").metadata.nbgrader["grade_id"] = "my-own-id"
    return _dump(nb)


def changed_points(nb):
    cell(nb, "demo-q2-ppv").metadata.nbgrader["points"] = 100
    return _dump(nb)


def patched_builtins(nb):
    """A wrong PPV in a cell that rebinds ``abs``, ``float``, ``isinstance`` and ``str`` in
    the builtins module itself (so ``from builtins import abs`` in a test would get the liar)."""
    cell(nb, "demo-q2-answer").source = (
        "import builtins, numbers\n"
        "_real_float, _real_isinstance = builtins.float, builtins.isinstance\n"
        "builtins.abs = lambda x: 0\n"
        "builtins.isinstance = lambda obj, cls: cls is numbers.Real or _real_isinstance(obj, cls)\n"
        "builtins.float = lambda x=0.0: _real_float(0.127) if x == 0.5 else _real_float(x)\n"
        "ppv_audit = 0.5\ncancers_per_100_flagged = 13\n"
    )
    return _dump(nb)


def hidden_errors(nb):
    """Wrong Q1 answers behind a custom exception handler that prints nothing."""
    cell(nb, "demo-q1-answer").source = (
        "get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)\n"
        "def sensitivity(tp, fn):\n    return 0.5\n\n"
        "def specificity(tn, fp):\n    return 0.5\n"
    )
    return _dump(nb)


def memory_hog(nb):
    c = cell(nb, "demo-q2-answer")
    c.source = "_big = bytearray(3 * 1024 ** 3)\n" + c.source
    return _dump(nb)


def not_json(nb):
    return "this is not a notebook {" + "x" * 100


def stripped_metadata(nb):
    for c in nb.cells:
        c.metadata.pop("nbgrader", None)
    return _dump(nb)


def big_output(nb):
    c = cell(nb, "demo-q2-answer")
    c.source += "\nprint('x' * (5 * 1024 * 1024))\n"
    return _dump(nb)


def always_equal(nb):
    cell(nb, "demo-q3-answer").source = (
        "class Anything(str):\n"
        "    def __eq__(self, other):\n        return True\n"
        "    def __ne__(self, other):\n        return False\n"
        "    def __hash__(self):\n        return 0\n"
        "    def lower(self):\n        return self\n"
        "    def strip(self):\n        return self\n"
        "eroded_by_false_negatives = Anything('specificity')\n"
        "eroded_by_false_positives = 'specificity'\n"
    )
    return _dump(nb)


def patched_isclose(nb):
    cell(nb, "demo-q2-answer").source = (
        "import math, builtins\n"
        "math.isclose = lambda *a, **k: True\n"
        "ppv_audit = 0.5\ncancers_per_100_flagged = 13\n"
    )
    return _dump(nb)


def reads_files(nb):
    c = cell(nb, "demo-q1-answer")
    c.source = (
        "import glob, os, sqlite3\n"
        "_seen = open('/etc/passwd').read()[:10]\n"
        "for _db in glob.glob('../../../**/gradebook.db', recursive=True):\n"
        "    _con = sqlite3.connect(_db)\n"
        "    try:\n"
        "        _con.execute('UPDATE grade SET auto_score = 99, manual_score = 99')\n"
        "        _con.execute('UPDATE grade_cells SET max_score = 99')\n"
        "        _con.commit()\n"
        "    except Exception:\n"
        "        pass\n"
        "_keys = glob.glob('../../../source/**/*.ipynb', recursive=True)\n"
        "def sensitivity(tp, fn):\n    return 0\n\ndef specificity(tn, fp):\n    return 0\n"
        "if _keys:  # the answer key is in reach: use it (must not happen)\n"
        "    def sensitivity(tp, fn):\n        return tp / (tp + fn) if tp + fn else math.nan\n"
        "    def specificity(tn, fp):\n        return tn / (tn + fp) if tn + fp else math.nan\n"
    )
    return _dump(nb)


FULL = {g: 1.0 for g in AUTO_ITEMS}


def _with(**scores) -> dict[str, float]:
    out = dict(FULL)
    out.update({k.replace("_", "-"): v for k, v in scores.items()})
    return out


Q2_ZERO = {"demo-q2-ppv": 0.0, "demo-q2-per-100": 0.0}
Q1_ZERO = {"demo-q1-sensitivity": 0.0, "demo-q1-specificity": 0.0,
           "demo-q1-zero-denominator": 0.0}

# student -> (builder, expected auto scores or the ungraded reason, expected warning substring)
CASES: dict[str, tuple[Callable, dict[str, float] | str, str | None]] = {
    "honest": (honest, FULL, None),
    "loop": (infinite_loop, {**FULL, **Q2_ZERO}, None),
    "exit": (os_exit, "kernel died", None),
    "deleted": (deleted_test, FULL, "demo-q2-ppv deleted"),
    "edited": (edited_test, {**FULL, **Q1_ZERO}, None),
    "renamed": (renamed_metadata, "nbgrader metadata changed", "my-own-id"),
    "points": (changed_points, FULL, "points 100 instead of 1"),
    "memhog": (memory_hog, {**FULL, **Q2_ZERO}, None),
    "notjson": (not_json, "invalid notebook JSON", None),
    "stripped": (stripped_metadata, "nbgrader metadata stripped", None),
    "bigout": (big_output, FULL, None),
    "alwayseq": (always_equal, {**FULL, "demo-q3-false-negatives": 0.0}, None),
    "isclose": (patched_isclose, {**FULL, "demo-q2-ppv": 0.0}, None),
    "builtins": (patched_builtins, {**FULL, "demo-q2-ppv": 0.0}, None),
    "hiddenexc": (hidden_errors, {**FULL, **Q1_ZERO}, None),
    "reader": (reads_files, {**FULL, **Q1_ZERO}, None),
}


def write_nbgrader_style(folder: Path, builders: dict[str, Callable]) -> None:
    for student, build in builders.items():
        dest = folder / student / ASSIGNMENT
        dest.mkdir(parents=True, exist_ok=True)
        (dest / f"{ASSIGNMENT}.ipynb").write_text(build(key()), encoding="utf-8")


def write_lms_style(folder: Path, builders: dict[str, Callable]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for student, build in builders.items():
        (folder / f"{student}_{ASSIGNMENT}_submission.ipynb").write_text(build(key()),
                                                                          encoding="utf-8")


def partial(level: int) -> Callable:
    """A submission with ``level`` (0..3) answer cells right -- Q1, Q2, Q3 wrong first -- built as
    the grading benchmark builds its cohort (``benchmarks.grading.build_submission``)."""
    from benchmarks.grading import build_submission

    def build(nb):
        return _dump(build_submission(nb, min(level, 3)))

    return build
