"""The anatomy checker accepts a well-formed notebook and names each kind of defect."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from radcourse.tools.notebooks import NotebookStructureError, inject_parameters
from radcourse.tools.structure import check_assessment_notebook, check_module_notebook

HOOK = (
    "# X1 · A title\n\nA reporting radiographer opens the worklist on a Monday morning and "
    "finds that the new triage tool has flagged forty chest radiographs as urgent, twice the "
    "usual number; this notebook asks why."
)
CHECK = "### Check your understanding\n\n<details><summary>Worked answer</summary>Text.</details>"


def good_notebook():
    cells = [
        new_markdown_cell(HOOK),
        new_markdown_cell("## Learning objectives\n\n- one\n- two\n- three"),
        new_markdown_cell("## Before you start\n\nTime to complete: 40 minutes."),
        new_markdown_cell("## Setup"),
        new_code_cell("from radcourse.data import load_screening"),
        new_code_cell("FAST = False", metadata={"tags": ["parameters"]}),
        new_markdown_cell("## 1. First section\n\nProse."),
        new_code_cell("x = 1"),
        new_markdown_cell(CHECK),
        new_markdown_cell("## Interactive: try it\n\nMove the slider."),
        new_markdown_cell("## Summary\n\n- one\n- two\n- three"),
        new_markdown_cell("## Reflect\n\nWrite."),
        new_markdown_cell("## References\n\n- A source."),
        new_markdown_cell("## What's next\n\nB2."),
    ]
    return new_notebook(cells=cells)


def test_good_notebook_passes(tmp_path):
    report = check_module_notebook(good_notebook(), tmp_path / "x.ipynb")
    assert report.ok, str(report)


def _mutate(fn):
    nb = good_notebook()
    fn(nb)
    return check_module_notebook(nb, None).problems


@pytest.mark.parametrize(
    "mutation, expected",
    [
        (lambda nb: nb.cells.pop(1), "missing '## Learning objectives'"),
        (lambda nb: nb.cells.__setitem__(10, new_markdown_cell("## Summary\n\n- one")),
         "one summary bullet per objective"),
        (lambda nb: nb.cells.__setitem__(2, new_markdown_cell("## Before you start\n\nNone.")),
         "time to complete"),
        (lambda nb: nb.cells[5].metadata.__setitem__("tags", []), "0 cells tagged 'parameters'"),
        (lambda nb: setattr(nb.cells[5], "source", "FAST = True"), "FAST = False"),
        (lambda nb: nb.cells.pop(8), "no '### Check your understanding'"),
        (lambda nb: setattr(nb.cells[7], "source", "!pip install x"), "installs packages"),
        (lambda nb: setattr(nb.cells[7], "source", "from numpy import *"), "star import"),
        (lambda nb: setattr(nb.cells[7], "source", "\n".join(["a = 1"] * 16)), "16 lines"),
        (lambda nb: setattr(nb.cells[0], "source", "# Title only"), "hook paragraph"),
        (lambda nb: nb.cells.insert(1, nb.cells.pop(11)), "out of order"),
        (lambda nb: setattr(nb.cells[4], "source", "import numpy"), "radcourse submodules"),
    ],
)
def test_defects_are_named(mutation, expected):
    problems = _mutate(mutation)
    assert any(expected in p for p in problems), problems


def test_assessment_anatomy():
    nb = new_notebook(cells=[
        new_markdown_cell(HOOK),
        new_markdown_cell("## Before you start\n\nTime: 15 minutes. 10 marks. Download your work."),
        new_markdown_cell("## Setup"),
        new_code_cell("import math"),
        new_code_cell("assert True", metadata={"nbgrader": {"grade": True, "grade_id": "q1"}}),
        new_markdown_cell("## References\n\n- A."),
    ])
    assert check_assessment_notebook(nb, None).ok
    nb.cells[1].source = "## Before you start\n\nTen minutes."
    problems = check_assessment_notebook(nb, None).problems
    assert any("marks" in p for p in problems) and any("download" in p for p in problems)


def test_inject_parameters_places_fast_after_parameters_cell():
    nb = inject_parameters(good_notebook(), FAST=True)
    assert nb.cells[6].source == "FAST = True"
    assert nb.cells[5].source == "FAST = False"


def test_inject_parameters_needs_a_parameters_cell():
    nb = nbformat.v4.new_notebook(cells=[new_code_cell("x = 1")])
    with pytest.raises(NotebookStructureError, match="parameters"):
        inject_parameters(nb, FAST=True)
