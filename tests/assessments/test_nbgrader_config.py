"""assessments/nbgrader_config.py: every setting is picked up by the installed nbgrader.

Fast: loads the config with traitlets and instantiates nbgrader's own classes with it; no kernel.
The end-to-end behaviour is in test_nbgrader_pipeline.py.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.converters import GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (
    ClearHiddenTests,
    ClearSolutions,
    Execute,
    GetGrades,
    OverwriteCells,
)
from traitlets.config.loader import PyFileConfigLoader

ASSESSMENTS = Path(__file__).resolve().parents[2] / "assessments"
CONFIG = ASSESSMENTS / "nbgrader_config.py"


def load_config():
    return PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent)).load_config()


@pytest.fixture
def cfg(monkeypatch):
    monkeypatch.delenv("RADCOURSE_GRADEBOOK_URL", raising=False)
    return load_config()


def test_course_directory_is_the_assessments_folder(cfg):
    coursedir = CourseDirectory(config=cfg)
    assert coursedir.course_id == "radcourse"
    assert Path(coursedir.root) == ASSESSMENTS
    assert coursedir.db_url == f"sqlite:///{ASSESSMENTS / 'gradebook.db'}"


def test_gradebook_url_can_come_from_the_environment(monkeypatch):
    url = "postgresql+psycopg2://marker@127.0.0.1:5432/radcourse"
    monkeypatch.setenv("RADCOURSE_GRADEBOOK_URL", url)
    assert CourseDirectory(config=load_config()).db_url == url
    monkeypatch.setenv("RADCOURSE_GRADEBOOK_URL", "   ")  # blank means "not set"
    assert CourseDirectory(config=load_config()).db_url.startswith("sqlite:///")


def test_execution_timeout_reaches_nbgraders_execute_preprocessor(cfg):
    # nbgrader's Execute redeclares `timeout` (default 30); the ExecutePreprocessor section must
    # still reach it through the class hierarchy.
    assert Execute().timeout == 30
    assert Execute(config=cfg).timeout == 60


def test_deleted_test_cells_are_restored(cfg):
    assert OverwriteCells().add_missing_cells is False
    assert OverwriteCells(config=cfg).add_missing_cells is True


def test_stubs_keep_not_implemented_error(cfg):
    clear = ClearSolutions(config=cfg)
    assert "YOUR CODE HERE" in clear.code_stub["python"]
    assert clear.code_stub["python"].splitlines()[-1] == "raise NotImplementedError()"
    assert "YOUR ANSWER HERE" in clear.text_stub


def test_feedback_pipeline_hides_hidden_tests(cfg):
    feedback = GenerateFeedback(coursedir=CourseDirectory(config=cfg), config=cfg)
    names = [pp.__name__ for pp in feedback.preprocessors]
    assert names == [
        "GetGrades",
        "RedactTestTracebacks",
        "ClearHiddenTests",
        "CSSHTMLHeaderPreprocessor",
    ]
    assert feedback.preprocessors[0] is GetGrades
    assert feedback.preprocessors[2] is ClearHiddenTests
    assert feedback.preprocessors[3] is CSSHTMLHeaderPreprocessor
    # nbgrader's own default leaves ClearHiddenTests out: that is the leak this config closes.
    assert ClearHiddenTests not in GenerateFeedback().preprocessors


# --------------------------------------------------------------------------------------------------
# RedactTestTracebacks, on hand-made autograded cells

TEST_SOURCE = "\n".join(
    [
        "result = f(2)",  # 1
        "assert result == 4, f'f(2) should be 4, not {result}'",  # 2
        "### BEGIN HIDDEN TESTS",  # 3
        "assert f(3) == 9  # secret case",  # 4
        "### END HIDDEN TESTS",  # 5
    ]
)


def ipython_traceback(line: int, ename: str, evalue: str, context: str) -> list[str]:
    """An error output shaped like IPython 9's, ANSI colours included."""
    return [
        "\x1b[31m-------------------------------------------------------------\x1b[39m",
        f"\x1b[31m{ename}\x1b[39m                 Traceback (most recent call last)",
        f"\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[7]\x1b[39m\x1b[32m, line {line}\x1b[39m\n"
        + context,
        f"\x1b[31m{ename}\x1b[39m: {evalue}",
    ]


def graded_cell(source: str, outputs: list) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": "t1",
        "locked": True,
        "points": 1,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


def redact(cell):
    cls = load_config().GenerateFeedback.preprocessors[1]
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb, _ = cls().preprocess(nb, {})
    return nb.cells[0]


def error(line, ename="AssertionError", evalue=""):
    return {
        "output_type": "error",
        "ename": ename,
        "evalue": evalue,
        "traceback": ipython_traceback(line, ename, evalue, TEST_SOURCE),
    }


def test_failure_on_a_hidden_line_shows_only_the_error_type():
    cell = redact(graded_cell(TEST_SOURCE, [error(4, evalue="expected 9")]))
    text = "\n".join(cell.outputs[0].traceback)
    assert text.startswith("AssertionError in a check that is not shown to students.")
    for secret in ("f(3)", "secret case", "HIDDEN", "expected 9"):
        assert secret not in text


def test_failure_on_a_visible_line_keeps_the_message_but_not_the_context():
    cell = redact(graded_cell(TEST_SOURCE, [error(2, evalue="f(2) should be 4, not 5")]))
    assert cell.outputs[0].traceback == [
        "AssertionError: f(2) should be 4, not 5",
        "Raised by line 2 of this cell: assert result == 4, f'f(2) should be 4, not {result}'",
    ]


def test_unknown_line_and_stderr_are_treated_as_hidden():
    timeout = {
        "output_type": "error",
        "ename": "CellTimeoutError",
        "evalue": "",
        "traceback": ["CellTimeoutError: No reply from kernel before timeout"],
    }
    stderr = {"output_type": "stream", "name": "stderr", "text": "  assert f(3) == 9\n"}
    cell = redact(graded_cell(TEST_SOURCE, [timeout, stderr]))
    assert cell.outputs[0].traceback[0] == (
        "CellTimeoutError in a check that is not shown to students."
    )
    assert "f(3)" not in cell.outputs[1].text
    assert "error stream" in cell.outputs[1].text


def test_cells_without_hidden_tests_and_solution_cells_are_untouched():
    visible_only = "result = f(2)\nassert result == 4"
    original = error(2)
    cell = redact(graded_cell(visible_only, [original]))
    assert cell.outputs[0].traceback == original["traceback"]

    solution = graded_cell(TEST_SOURCE, [error(4)])
    solution.metadata["nbgrader"]["solution"] = True
    assert redact(solution).outputs[0].traceback == error(4)["traceback"]


def _test_cell(outputs, points=2):
    cell = nbformat.v4.new_code_cell("check()", metadata={"nbgrader": {
        "grade": True, "solution": False, "grade_id": "x", "points": points, "locked": True,
        "schema_version": 3}})
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


RESULT_2 = {"output_type": "execute_result", "execution_count": 1, "metadata": {},
            "data": {"text/plain": "2"}}
ERROR = {"output_type": "error", "ename": "AssertionError", "evalue": "", "traceback": []}


@pytest.mark.parametrize(
    "outputs, expected",
    [
        ([], 2.0),  # passed
        ([RESULT_2], 2.0),  # a partial-credit cell that ends in a number
        ([ERROR], 0),
        ([RESULT_2, ERROR], 0),  # a fake score emitted by sys.displayhook before the failure
        ([{"output_type": "stream", "name": "stderr", "text": "x"}, RESULT_2], 0),
        ([RESULT_2, RESULT_2], 0),  # more than one result: not a legitimate partial score
    ],
)
def test_a_test_cell_with_an_error_scores_zero_whatever_came_first(cfg, outputs, expected):
    from nbgrader import utils

    assert utils.determine_grade.__name__ == "_strict_determine_grade"  # installed by the config
    assert utils.determine_grade(_test_cell(outputs))[0] == expected
