"""The whole nbgrader cycle, run for real on every assignment in assessments/source/.

For each assignment, once (module-scoped fixture), in a temporary copy of the course directory:

    nbgrader generate_assignment <id> --force
    nbgrader validate source/<id>/*.ipynb             answer key passes every test
    nbgrader validate --invert release/<id>/*.ipynb    blank release passes none
    nbgrader validate release/<id>/*.ipynb             ... and fails every graded cell
    submitted/key/        the answer key as a submission
    submitted/blank/      the release, untouched
    submitted/key-no-tests/  the answer key with every test cell deleted (must be restored)
    (+ assignment-specific submissions, e.g. a partly right one for the demo)
    nbgrader autograde <id>
    nbgrader generate_feedback <id>

then the tests read scores from the gradebook and search the feedback HTML. A new assignment is
covered as soon as its folder exists.
"""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from radcourse.tools.edition import (
    BEGIN_HIDDEN,
    END_HIDDEN,
    MARKERS,
    assignment_ids,
    run_nbgrader,
    scan_for_leaks,
    solution_only_strings,
    split_protected,
)

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
ASSESSMENTS = REPO / "assessments"
ASSIGNMENTS = assignment_ids(ASSESSMENTS)

KEY, BLANK, NO_TESTS, PARTIAL = "key", "blank", "key-no-tests", "partial"

VALIDATE_PASS = "Success! Your notebook passes all the tests."
INVERT_PASS = "Success! The notebook does not pass any tests."


# --------------------------------------------------------------------------------------------------
# Helpers


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test_cell(cell) -> bool:
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def is_written_answer(cell) -> bool:
    meta = nbgrader_meta(cell)
    return cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution")


def html_text(path: Path) -> str:
    """Visible text of an HTML file: no style/script blocks, tags removed, entities decoded."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", raw)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def protected_lines(chunks: list[str], public: str, min_len: int = 8) -> set[str]:
    """Lines of ``chunks`` (stripped, not comments) that occur nowhere in the public text."""
    return {
        line.strip()
        for chunk in chunks
        for line in chunk.split("\n")
        if len(line.strip()) >= min_len
        and not line.strip().startswith("#")
        and line.strip() not in public
    }


def make_demo_partial(key_nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A plausible partly right demo answer: every visible check passes, some hidden ones fail.

    Sensitivity right; specificity hard-coded to the worked example (so zero denominators and
    other tables go wrong); PPV off; per-100 right; Question 3 the wrong way round, as in the
    quoted paper.
    """
    nb = nbformat.from_dict(key_nb)
    answers = {cell.get("id"): cell for cell in nb.cells}
    q1 = answers["demo-q1-answer"]
    q1.source = q1.source.replace("return tn / (tn + fp)", "return 0.95")
    assert "return 0.95" in q1.source, "demo-q1-answer changed: update make_demo_partial"
    answers["demo-q2-answer"].source = "ppv_audit = 0.5\ncancers_per_100_flagged = 13"
    q3 = 'eroded_by_false_negatives = "specificity"\neroded_by_false_positives = "sensitivity"'
    answers["demo-q3-answer"].source = q3
    return nb


# Submissions beyond the three every assignment gets: {assignment: {student: builder(key_nb)}}.
EXTRA_SUBMISSIONS = {"demo_orientation": {PARTIAL: make_demo_partial}}


@dataclass
class CourseRun:
    assignment: str
    root: Path
    notebooks: list[str]  # notebook names without .ipynb
    students: list[str]
    validate_source: str
    validate_invert: str
    validate_release: str
    autograde_output: str
    sources: dict[str, nbformat.NotebookNode] = field(default_factory=dict)

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.root / 'gradebook.db'}"

    def source_path(self, nb: str) -> Path:
        return self.root / "source" / self.assignment / f"{nb}.ipynb"

    def release_path(self, nb: str) -> Path:
        return self.root / "release" / self.assignment / f"{nb}.ipynb"

    def feedback_path(self, student: str, nb: str) -> Path:
        return self.root / "feedback" / student / self.assignment / f"{nb}.html"


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def run(request, tmp_path_factory) -> CourseRun:
    assignment = request.param
    root = tmp_path_factory.mktemp(f"course-{assignment}")
    shutil.copy2(ASSESSMENTS / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(
        ASSESSMENTS / "source" / assignment,
        root / "source" / assignment,
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
    )
    source_dir = root / "source" / assignment
    release_dir = root / "release" / assignment
    notebooks = sorted(p.stem for p in source_dir.glob("*.ipynb"))
    assert notebooks, f"assessments/source/{assignment}/ has no notebook"

    run_nbgrader(["generate_assignment", assignment, "--force"], root)
    source_nbs = [str(source_dir / f"{nb}.ipynb") for nb in notebooks]
    release_nbs = [str(release_dir / f"{nb}.ipynb") for nb in notebooks]
    validate_source = run_nbgrader(["validate", *source_nbs], root).stdout
    validate_invert = run_nbgrader(["validate", "--invert", *release_nbs], root).stdout
    validate_release = run_nbgrader(["validate", *release_nbs], root).stdout

    sources = {nb: nbformat.read(source_dir / f"{nb}.ipynb", as_version=4) for nb in notebooks}
    builders = {
        KEY: lambda key: key,
        BLANK: None,
        NO_TESTS: lambda key: nbformat.from_dict(
            {**key, "cells": [c for c in key.cells if not is_test_cell(c)]}
        ),
        **EXTRA_SUBMISSIONS.get(assignment, {}),
    }
    for student, build in builders.items():
        dest = root / "submitted" / student / assignment
        if build is None:  # the release exactly as students receive it
            shutil.copytree(release_dir, dest)
            continue
        shutil.copytree(source_dir, dest)  # any data files come along
        for nb, key in sources.items():
            nbformat.write(build(nbformat.from_dict(key)), dest / f"{nb}.ipynb")

    autograde = run_nbgrader(["autograde", assignment, "--force"], root)
    run_nbgrader(["generate_feedback", assignment, "--force"], root)
    return CourseRun(
        assignment=assignment,
        root=root,
        notebooks=notebooks,
        students=list(builders),
        validate_source=validate_source,
        validate_invert=validate_invert,
        validate_release=validate_release,
        autograde_output=autograde.stdout + autograde.stderr,
        sources=sources,
    )


def grades(run: CourseRun, student: str, nb: str) -> dict[str, tuple[float | None, float, bool]]:
    """{grade_id: (auto_score, max_score, needs_manual_grade)} from the gradebook."""
    out = {}
    with Gradebook(run.db_url) as gb:
        for cell in run.sources[nb].cells:
            meta = nbgrader_meta(cell)
            if meta.get("grade"):
                g = gb.find_grade(meta["grade_id"], nb, run.assignment, student)
                out[meta["grade_id"]] = (g.auto_score, g.max_score, g.needs_manual_grade)
    return out


# --------------------------------------------------------------------------------------------------
# Tests


def test_there_are_assignments_to_test():
    # An empty list would make every parametrised test below silently disappear.
    assert ASSIGNMENTS, "no assignment folder under assessments/source/"
    assert "demo_orientation" in ASSIGNMENTS


def test_release_has_every_notebook_without_answers(run):
    forbidden = set(MARKERS)
    for nb in run.notebooks:
        forbidden |= solution_only_strings(run.sources[nb])
    for nb in run.notebooks:
        released = nbformat.read(run.release_path(nb), as_version=4)
        nbformat.validate(released)
        assert scan_for_leaks(run.release_path(nb), forbidden) == []
        for cell in released.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, cell.get("id")
            if is_test_cell(cell):
                assert nbgrader_meta(cell).get("checksum"), f"{cell.get('id')} has no checksum"
            if nbgrader_meta(cell).get("solution") and cell.cell_type == "code":
                assert "raise NotImplementedError()" in cell.source, cell.get("id")


def test_every_test_cell_has_unique_id_and_points(run):
    for nb, source in run.sources.items():
        graded = [nbgrader_meta(c) for c in source.cells if nbgrader_meta(c).get("grade")]
        ids = [m["grade_id"] for m in graded]
        assert len(ids) == len(set(ids)), f"{nb}: duplicate grade_id"
        assert all(float(m["points"]) > 0 for m in graded), f"{nb}: a graded cell has no points"
        assert any(is_test_cell(c) for c in source.cells), f"{nb}: no autograded test"
        for cell in source.cells:
            if is_test_cell(cell) and BEGIN_HIDDEN in cell.source:
                visible = cell.source.split(BEGIN_HIDDEN)[0]
                assert "assert" in visible, f"{nb}/{cell.get('id')}: visible tests come first"


def test_validate_passes_on_the_answer_key(run):
    out = run.validate_source
    assert out.count(VALIDATE_PASS) == len(run.notebooks), out
    assert "VALIDATION FAILED" not in out and "HAVE CHANGED" not in out, out


def test_validate_invert_fails_every_test_on_the_release(run):
    out = run.validate_invert
    assert out.count(INVERT_PASS) == len(run.notebooks), out
    assert "NOTEBOOK PASSED ON" not in out and "The following cell passed" not in out, out


def test_validate_reports_each_graded_cell_failing_on_the_release(run):
    n_graded = sum(
        1 for source in run.sources.values() for c in source.cells if nbgrader_meta(c).get("grade")
    )
    out = " ".join(run.validate_release.split())  # the warning is wrapped over several lines
    reported = sum(int(n) for n in re.findall(r"VALIDATION FAILED ON (\d+) CELL\(S\)", out))
    assert reported == n_graded, run.validate_release
    assert run.validate_release.count("The following cell failed:") == n_graded


def test_every_submission_was_autograded(run):
    # A crashed autograde still leaves a 0.0 row in the gradebook; the folder proves it ran.
    for student in run.students:
        for nb in run.notebooks:
            path = run.root / "autograded" / student / run.assignment / f"{nb}.ipynb"
            assert path.is_file(), f"{student}/{nb} was not autograded:\n{run.autograde_output}"


@pytest.mark.parametrize("student", [KEY, NO_TESTS])
def test_answer_key_gets_full_autograded_marks(run, student):
    # KEY_NO_TESTS deleted every test cell: full marks prove they were restored and run.
    for nb in run.notebooks:
        for grade_id, (auto, max_score, manual) in grades(run, student, nb).items():
            cell = next(
                c for c in run.sources[nb].cells if nbgrader_meta(c).get("grade_id") == grade_id
            )
            if is_written_answer(cell):
                assert auto is None and manual, f"{student}/{grade_id} should await the marker"
            else:
                assert auto == max_score == float(nbgrader_meta(cell)["points"]), (
                    student,
                    grade_id,
                )
                assert not manual
        with Gradebook(run.db_url) as gb:
            sub = gb.find_submission_notebook(nb, run.assignment, student)
            assert sub.code_score == sub.max_code_score > 0


def test_blank_release_gets_zero(run):
    for nb in run.notebooks:
        scores = grades(run, BLANK, nb)
        assert scores and all(auto == 0 for auto, _, _ in scores.values()), scores
        with Gradebook(run.db_url) as gb:
            sub = gb.find_submission_notebook(nb, run.assignment, BLANK)
            assert sub.score == 0 and not sub.needs_manual_grade


def test_feedback_never_shows_hidden_tests_or_answers(run):
    for nb in run.notebooks:
        parts = split_protected(run.sources[nb])
        hidden = protected_lines(parts.hidden_tests, parts.public_text)
        solution = protected_lines(parts.solution_code, parts.public_text)
        only = solution_only_strings(run.sources[nb])
        for student in run.students:
            text = html_text(run.feedback_path(student, nb))
            assert "Score:" in text
            shown = [m for m in (BEGIN_HIDDEN, END_HIDDEN) if m in text]
            shown += [line for line in hidden if line in text]
            if student not in (KEY, NO_TESTS, PARTIAL):  # those submitted the key's answers
                shown += [m for m in MARKERS if m in text]
                shown += [line for line in solution if line in text]
                shown += [s for s in only if s in " ".join(text.split())]
            assert shown == [], f"feedback for {student}/{nb} shows: {shown}"


# --------------------------------------------------------------------------------------------------
# The demo's own marking scheme and a partly right answer

DEMO_POINTS = {
    "demo-q1-sensitivity": 1,
    "demo-q1-specificity": 1,
    "demo-q1-zero-denominator": 1,
    "demo-q2-ppv": 1,
    "demo-q2-per-100": 1,
    "demo-q3-false-negatives": 1,
    "demo-q3-false-positives": 1,
    "demo-q4-answer": 2,
}
DEMO_PARTIAL = {  # what make_demo_partial should score
    "demo-q1-sensitivity": 1,
    "demo-q1-specificity": 0,
    "demo-q1-zero-denominator": 0,
    "demo-q2-ppv": 0,
    "demo-q2-per-100": 1,
    "demo-q3-false-negatives": 0,
    "demo-q3-false-positives": 0,
}


# These two run on the demo only (indirect parametrisation reuses the module fixture's run).
@pytest.mark.parametrize("run", ["demo_orientation"], indirect=True)
def test_demo_marking_scheme(run):
    graded = {
        nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"]
        for c in run.sources["demo_orientation"].cells
        if nbgrader_meta(c).get("grade")
    }
    assert graded == DEMO_POINTS
    intro = "\n".join(c.source for c in run.sources["demo_orientation"].cells[:2])
    assert "9 in total" in intro and "(7 marks)" in intro and "(2 marks)" in intro


@pytest.mark.parametrize("run", ["demo_orientation"], indirect=True)
def test_demo_partial_answer_gets_exact_partial_credit(run):
    scores = grades(run, PARTIAL, "demo_orientation")
    assert {k: auto for k, (auto, _, _) in scores.items() if k != "demo-q4-answer"} == DEMO_PARTIAL
    text = html_text(run.feedback_path(PARTIAL, "demo_orientation"))
    # Every hidden failure is reported without quoting the hidden check.
    assert text.count("in a check that is not shown to students") == 5
    assert "654321" not in text and "72 / (72 + 496)) < 5e-4" not in text
