"""Shared pieces of the assessment-item tests (A, B, C): read an answer key, replace its answer
cells, run it in a fresh kernel and score every test cell as nbgrader does; and the in-kernel
attack that rebinds built-ins and closeness checks, used by the "lying answers" tests.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbgrader.utils import determine_grade


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def cell_by_id(nb, cell_id: str):
    return next(c for c in nb.cells if c.get("id") == cell_id)


def graded_code_cells(nb) -> list:
    """Test cells: graded code cells that are not answer cells."""
    return [c for c in nb.cells if c.cell_type == "code" and nbgrader_meta(c).get("grade")
            and not nbgrader_meta(c).get("solution")]


def with_answers(source: Path, answer_cells: set[str], answers: dict[str, str]):
    """The answer key at ``source`` with the named answer cells' code replaced (the others keep
    the key). Fails if the notebook's answer cells are no longer ``answer_cells``."""
    nb = nbformat.read(source, as_version=4)
    solution_ids = {c.get("id") for c in nb.cells
                    if c.cell_type == "code" and nbgrader_meta(c).get("solution")}
    assert solution_ids == answer_cells, f"{source.name}'s answer cells changed: update the test"
    assert set(answers) <= solution_ids
    for cell in nb.cells:
        if cell.get("id") in answers:
            cell.source = answers[cell.get("id")]
    return nb


def run_and_score(nb, tmp_path: Path) -> dict[str, float]:
    """Run ``nb`` in a fresh kernel; {test grade_id: score} as nbgrader's determine_grade gives."""
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    return {nbgrader_meta(cell)["grade_id"]: float(determine_grade(cell)[0])
            for cell in graded_code_cells(nb)}


# The base of every lying answer object (each test file adds subclasses of str, int, dict, ...).
LIAR_BASE = '''
class Liar:
    """Claims to equal, contain and be on either side of anything."""
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True
    def __contains__(self, item): return True
    __hash__ = object.__hash__

'''


# Run in a student's cell before wrong answers: rebinds sorted, set, abs, isinstance, all and any
# in the builtins module itself, and makes the usual closeness and equality checks of math, NumPy
# and pandas agree with anything. The rebound built-ins lie only to code typed into notebook cells,
# which includes the test cells, and behave normally for the libraries, so the kernel keeps
# working. (Rebinding float or isinstance for everyone kills the kernel or NumPy: such a
# submission cannot be graded at all, which the lecturer sees; it does not earn marks.)
ATTACK = '''
import builtins
import math
import sys

import numpy
import numpy.testing
import pandas
import pandas.testing

_originals = {name: getattr(builtins, name)
         for name in ("sorted", "set", "abs", "isinstance", "all", "any")}


def _from_notebook():
    """True when the caller of the patched built-in is code typed into a notebook cell."""
    name = sys._getframe(2).f_code.co_filename
    return "/ipykernel_" in name or name.startswith("<ipython")  # /tmp/ipykernel_<pid>/<cell>.py


class _Yes:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True


class _YesList(_Yes, list): pass
class _YesSet(_Yes, set): __hash__ = None


class _Lying(type):
    """A stand-in for a built-in type: lies to notebook code, is the real type to libraries."""
    def __call__(cls, *args, **kwargs):
        real = _originals[cls.__name__]
        return cls.liar(real(*args, **kwargs)) if _from_notebook() else real(*args, **kwargs)
    def __instancecheck__(cls, obj): return _originals["isinstance"](obj, _originals[cls.__name__])
    def __subclasscheck__(cls, sub): return issubclass(sub, _originals[cls.__name__])
    def __getitem__(cls, item): return _originals[cls.__name__][item]  # set[int] in annotations


class set(metaclass=_Lying): liar = _YesSet


def _sorted(*args, **kwargs):
    result = _originals["sorted"](*args, **kwargs)
    return _YesList(result) if _from_notebook() else result


def _abs(x):
    return 0.0 if _from_notebook() else _originals["abs"](x)


def _isinstance(obj, cls):
    return True if _from_notebook() else _originals["isinstance"](obj, cls)


def _all(iterable):
    return True if _from_notebook() else _originals["all"](iterable)


def _any(iterable):
    return True if _from_notebook() else _originals["any"](iterable)


builtins.sorted, builtins.set, builtins.abs, builtins.isinstance = _sorted, set, _abs, _isinstance
builtins.all, builtins.any = _all, _any
del set
math.isclose = lambda *args, **kwargs: True
numpy.isclose = lambda *args, **kwargs: True
numpy.allclose = lambda *args, **kwargs: True
numpy.array_equal = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None
numpy.testing.assert_array_equal = lambda *args, **kwargs: None
pandas.testing.assert_frame_equal = lambda *args, **kwargs: None
pandas.testing.assert_series_equal = lambda *args, **kwargs: None
pandas.DataFrame.equals = lambda self, other: True
'''
