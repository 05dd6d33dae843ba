# nbgrader course-directory configuration for radcourse.
#
# Run every nbgrader command from this folder (the one holding this file), for example
#     cd assessments && nbgrader generate_assignment demo_orientation
# nbgrader reads ./nbgrader_config.py from the current directory; settings given on the command line
# (e.g. --ExecutePreprocessor.timeout=120) override the values below.
#
# Layout (nbgrader's standard one):
#     source/<assignment>/<notebook>.ipynb     the answer key: solutions and hidden tests (lecturers only)
#     release/ submitted/ autograded/ feedback/ gradebook.db    generated, git-ignored
#
# tests/assessments/ checks every setting below against the installed nbgrader, so a change here
# that nbgrader silently ignores makes the tests fail.

import os
import re

import nbgrader.utils as _nbgrader_utils
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades, NbGraderPreprocessor

c = get_config()  # noqa: F821 -- injected by the traitlets config loader


class RedactTestTracebacks(NbGraderPreprocessor):
    """Stop error messages in feedback from quoting hidden tests.

    ClearHiddenTests only edits a cell's *source*. When a test cell fails, its saved output is an
    IPython traceback that prints the failing line with up to five lines either side, so the
    feedback HTML would still show hidden tests (and even the "BEGIN HIDDEN TESTS" line when a
    visible check fails just above it). In every autograder test cell that contains hidden tests,
    this replaces each traceback with a two-line summary:

    - failure on a visible line: the error and its message, plus the line that raised;
    - failure on a hidden line, or on a line that cannot be identified: only the error type.

    stderr output of those cells is replaced by a note for the same reason (nbgrader scores a cell
    that writes to stderr as failed, so the student still learns why the mark was lost).
    Test cells without hidden tests are left untouched. Must run before ClearHiddenTests, which
    removes the lines this needs to tell visible from hidden failures.
    """

    begin_hidden = "BEGIN HIDDEN TESTS"
    end_hidden = "END HIDDEN TESTS"
    _ansi = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
    _frame_line = re.compile(r"^(?:Cell In\s*\[\d*\]|.*<ipython-input-[^>]*>\S*), line (\d+)", re.M)

    def _hidden_lines(self, source):
        hidden, inside = set(), False
        for number, line in enumerate(source.split("\n"), start=1):
            if self.begin_hidden in line:
                inside = True
            if inside:
                hidden.add(number)
            if self.end_hidden in line:
                inside = False
        return hidden

    def _summary(self, output, source, hidden):
        text = self._ansi.sub("", "\n".join(output.get("traceback", [])))
        match = self._frame_line.search(text)
        number = int(match.group(1)) if match else None
        lines = source.split("\n")
        ename = output.get("ename", "Error")
        if number is None or number in hidden or number > len(lines):
            return [
                f"{ename} in a check that is not shown to students.",
                "This cell also runs hidden checks, and one of them failed. Re-read the question "
                "(edge cases, types, units) and try your answer on other inputs.",
            ]
        evalue = output.get("evalue", "")
        message = f"{ename}: {evalue}" if evalue else ename
        return [message, f"Raised by line {number} of this cell: {lines[number - 1].strip()}"]

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            return cell, resources
        hidden = self._hidden_lines(cell.source)
        if not hidden:
            return cell, resources
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = self._summary(output, cell.source, hidden)
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                output["text"] = (
                    "This cell wrote to the error stream (stderr), which counts as a failed check. "
                    "The text is not shown because it may quote hidden checks.\n"
                )
        return cell, resources


# The course id appears in the gradebook and in exchange paths; keep it stable across cohorts.
c.CourseDirectory.course_id = "radcourse"

# Root = the folder holding this file, not the current directory, so that commands behave the same
# from anywhere and a copy of this folder (a temporary build, a private lecturer repository) is a
# self-contained course directory.
_HERE = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = _HERE

# Gradebook: nbgrader's SQLite default (<root>/gradebook.db) suits one lecturer on one machine.
# For a shared marking team set RADCOURSE_GRADEBOOK_URL, e.g.
#     postgresql+psycopg2://marker@127.0.0.1:5432/radcourse
# With SQLAlchemy 2.1 a bare postgresql:// URL means psycopg 3, which the course does not install,
# so postgresql:// and postgres:// are read as postgresql+psycopg2:// (radcourse.grading does the same).
_GRADEBOOK_URL = re.sub(r"^postgres(ql)?://", "postgresql+psycopg2://",
                        os.environ.get("RADCOURSE_GRADEBOOK_URL", "").strip())
if _GRADEBOOK_URL:
    c.CourseDirectory.db_url = _GRADEBOOK_URL

# Per-cell time limit when validating and autograding. nbgrader's default is 30 s; 60 s leaves room
# for a slow marking machine without letting one student's infinite loop stall a batch of hundreds
# (the cell is interrupted and the rest of the notebook still runs).
c.ExecutePreprocessor.timeout = 60

# A student who deletes a test cell must not escape it: nbgrader restores edited test cells from the
# gradebook, but deleted ones only with this switch. Keep it on for every run, or regrades of the
# same submission give different results.
c.OverwriteCells.add_missing_cells = True

# Feedback HTML is built from the autograded notebook, whose test cells were restored from the
# gradebook, hidden tests included. nbgrader's default feedback pipeline ([GetGrades,
# CSSHTMLHeaderPreprocessor]) therefore shows the hidden tests to students: ClearHiddenTests removes
# them from the cell sources, and RedactTestTracebacks (above; it must come first) from the error
# messages, which otherwise quote the failing hidden line with its neighbours.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    RedactTestTracebacks,
    ClearHiddenTests,
    CSSHTMLHeaderPreprocessor,
]

# What replaces an answer in the released notebook. The code stub keeps nbgrader's
# NotImplementedError so that a blank submission fails every test (`nbgrader validate --invert`
# proves it); the wording tells students what to do. A markdown answer cell is replaced whole.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE: replace this comment and the line below with your answer\n"
    "raise NotImplementedError()",
}
c.ClearSolutions.text_stub = (
    "YOUR ANSWER HERE (double-click this cell, then replace this line with your answer)"
)


# nbgrader scores a test cell from its outputs *in order*: the first execute_result that reads as a
# number becomes the cell's (partial) score, even when an error follows it. A student's function
# that calls sys.displayhook(2) inside a failing 2-mark test cell therefore scored 2/2. The wrapper
# below scores 0 whenever a test cell has any error or stderr output, and also when it shows more
# than one result (a legitimate partial-credit cell ends in exactly one number). It wraps
# nbgrader.utils.determine_grade, which nbgrader looks up at call time (SaveAutoGrades, validate).
def _strict_determine_grade(cell, log=None, _original=_nbgrader_utils.determine_grade):
    score, max_points = _original(cell, log)
    if score is None or cell.cell_type != "code" or _nbgrader_utils.is_solution(cell):
        return score, max_points
    outputs = cell.get("outputs", [])
    failed = any(
        out.get("output_type") == "error"
        or (out.get("output_type") == "stream" and out.get("name") == "stderr")
        for out in outputs
    )
    results = sum(out.get("output_type") == "execute_result" for out in outputs)
    return (0, max_points) if failed or results > 1 else (score, max_points)


if getattr(_nbgrader_utils.determine_grade, "__name__", "") != "_strict_determine_grade":
    _nbgrader_utils.determine_grade = _strict_determine_grade
