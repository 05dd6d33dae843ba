"""Shared fixtures for the assessment tests: a private PostgreSQL server, a serial nbgrader run."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from radcourse.tools.edition import run_nbgrader

from . import corpus, postgres

# nbgrader's Gradebook runs the `alembic` command: use this interpreter's, whatever PATH says.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])

#: 20 submissions at four levels of partial credit, graded serially and in parallel.
COHORT = {f"s{i:02d}": corpus.partial(i % 4) for i in range(20)}


def make_course(root: Path) -> Path:
    """A course folder with the demo assignment's answer key and the course's nbgrader config."""
    course = root / "course"
    course.mkdir(parents=True)
    shutil.copy2(corpus.REPO / "assessments" / "nbgrader_config.py", course)
    shutil.copytree(corpus.REPO / "assessments" / "source" / corpus.ASSIGNMENT,
                    course / "source" / corpus.ASSIGNMENT)
    return course


def grade_table(db_url: str, assignment: str = corpus.ASSIGNMENT) -> list[tuple]:
    """Every grade row of the assignment, as sorted plain tuples (backend independent)."""
    with Gradebook(db_url) as gb:
        return sorted(
            (sub.student.id, nb.name, g.name, g.auto_score, g.needs_manual_grade)
            for sub in gb.find_assignment(assignment).submissions
            for nb in sub.notebooks
            for g in nb.grades
        )


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server on 127.0.0.1 for this test session (missing server: a clear failure)."""
    if postgres.find_bindir() is None:
        pytest.fail(postgres.INSTALL_HINT)
    with postgres.running_server() as server:
        yield server


@pytest.fixture(scope="session")
def serial_reference(tmp_path_factory):
    """``COHORT`` graded the plain way: one ``nbgrader autograde`` in one process (SQLite)."""
    course = make_course(tmp_path_factory.mktemp("serial-reference"))
    corpus.write_nbgrader_style(course / "submitted", COHORT)
    run_nbgrader(["generate_assignment", corpus.ASSIGNMENT, "--force"], course)
    run_nbgrader(["autograde", corpus.ASSIGNMENT, "--force"], course)
    return grade_table(f"sqlite:///{course / 'gradebook.db'}")
