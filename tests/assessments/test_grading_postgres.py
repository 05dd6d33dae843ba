"""The lecturer's whole cycle on a PostgreSQL gradebook, as the guide (assessments/README.md) gives it.

A private PostgreSQL server on 127.0.0.1 (``postgres.py``; ``.ci/run`` installs Debian's
``postgresql``). Every nbgrader command gets the gradebook the way a department sets it up, from
``RADCOURSE_GRADEBOOK_URL`` read by ``nbgrader_config.py``, given here as a plain
``postgresql://`` URL (the course reads it as psycopg2). The cycle: generate the assignment, grade
an LMS download with ``python -m radcourse.grading`` (what ``make grade`` runs), mark the written
answer (through nbgrader's Gradebook API, which formgrader uses), generate feedback, export.
``test_grading.py`` checks on both backends that parallel grading loses or duplicates no grade.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from radcourse import grading
from radcourse.tools.edition import nbgrader_env

from . import corpus
from .conftest import grade_table, make_course

ASSIGNMENT = corpus.ASSIGNMENT
pytestmark = pytest.mark.slow


def nbgrader(args: list[str], course: Path, db_url: str) -> subprocess.CompletedProcess:
    """``nbgrader <args>`` run in the course folder, as the guide says, with the server URL."""
    env = {**nbgrader_env(), "RADCOURSE_GRADEBOOK_URL": db_url}
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def sql(db_url: str, query: str) -> list[tuple]:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as con:
            return [tuple(r) for r in con.execute(text(query))]
    finally:
        engine.dispose()


def test_whole_cycle_on_postgresql(pg_server, tmp_path, monkeypatch, capsys):
    course = make_course(tmp_path)
    url = pg_server.create_database()
    plain_url = url.replace("postgresql+psycopg2://", "postgresql://")  # as IT would give it

    # 1. Generate: the assignment's definition goes to the server.
    nbgrader(["generate_assignment", ASSIGNMENT, "--force"], course, plain_url)
    assert (course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    assert sql(url, "SELECT name FROM assignment") == [(ASSIGNMENT,)]
    assert not (course / "gradebook.db").exists()  # nothing went to a local SQLite file

    # 2. Collect an LMS download and grade it with the cohort command, URL from the environment.
    corpus.write_lms_style(tmp_path / "lms", {"ada": corpus.honest, "ben": corpus.partial(1),
                                              "cy": corpus.deleted_test, "dee": corpus.not_json})
    monkeypatch.setenv("RADCOURSE_GRADEBOOK_URL", plain_url)
    status = grading.main([ASSIGNMENT, "--submissions", str(tmp_path / "lms"), "--course",
                           str(course), "--workers", "2"])
    out = capsys.readouterr().out
    assert status == 3, out  # dee could not be graded
    assert "4 submission(s), 3 graded, 1 ungraded" in out and "dee: invalid notebook JSON" in out
    ours = {r["student_id"]: r for r in csv.DictReader(open(course / f"grades-{ASSIGNMENT}.csv"))}
    assert (ours["ada"]["auto_score"], ours["cy"]["auto_score"]) == ("7", "7")
    assert ours["dee"]["auto_score"] == "ungraded"
    assert float(ours["ben"]["auto_score"]) < 7

    # One grade row per (student, cell), nothing for the ungraded file, no duplicates.
    rows = sql(url, "SELECT s.student_id, bc.name, count(*) FROM grade g "
                    "JOIN submitted_notebook sn ON g.notebook_id = sn.id "
                    "JOIN submitted_assignment s ON sn.assignment_id = s.id "
                    "JOIN base_cell bc ON g.cell_id = bc.id "
                    "GROUP BY s.student_id, bc.name")
    assert len(rows) == 3 * 8 and {r[2] for r in rows} == {1}
    assert {r[0] for r in rows} == {"ada", "ben", "cy"}

    # 3. Manual grading of the written answer (formgrader saves through this API).
    with Gradebook(url) as gb:
        for student, score in (("ada", 2.0), ("ben", 1.0), ("cy", 1.5)):
            grade = gb.find_grade("demo-q4-answer", ASSIGNMENT, ASSIGNMENT, student)
            assert grade.needs_manual_grade
            grade.manual_score = score
        gb.db.commit()

    # 4. Feedback: one HTML file per graded student, without hidden tests.
    nbgrader(["generate_feedback", ASSIGNMENT, "--force"], course, plain_url)
    for student in ("ada", "ben", "cy"):
        html = (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
        assert "BEGIN HIDDEN TESTS" not in html and "123457" not in html
    assert not (course / "feedback" / "dee").exists()

    # 5. Export: nbgrader's CSV has the auto + manual totals from the server.
    nbgrader(["export", "--to", str(tmp_path / "export.csv")], course, plain_url)
    exported = {r["student_id"]: r for r in csv.DictReader(open(tmp_path / "export.csv"))}
    for student, manual in (("ada", 2.0), ("ben", 1.0), ("cy", 1.5)):
        assert float(exported[student]["raw_score"]) == float(ours[student]["auto_score"]) + manual
    # nbgrader alone exports an ungraded student as 0.0: the guide says to use the radcourse CSV,
    # which keeps "ungraded".
    assert float(exported["dee"]["raw_score"]) == 0.0


def test_regrading_keeps_manual_marks_on_postgresql(pg_server, tmp_path):
    course = make_course(tmp_path)
    url = pg_server.create_database()
    corpus.write_lms_style(tmp_path / "subs", {"ada": corpus.partial(2)})
    grading.grade_cohort(ASSIGNMENT, tmp_path / "subs", course, workers=1, db_url=url,
                         progress_stream=io.StringIO())
    with Gradebook(url) as gb:
        gb.find_grade("demo-q4-answer", ASSIGNMENT, ASSIGNMENT, "ada").manual_score = 1.5
        gb.db.commit()
    first = grade_table(url)
    grading.grade_cohort(ASSIGNMENT, tmp_path / "subs", course, workers=1, db_url=url,
                         progress_stream=io.StringIO())
    assert grade_table(url) == first
    with Gradebook(url) as gb:
        assert gb.find_grade("demo-q4-answer", ASSIGNMENT, ASSIGNMENT, "ada").manual_score == 1.5


def test_a_submission_that_writes_to_the_server_is_caught(pg_server, tmp_path):
    """A student who learnt the server's address rewrites everybody's grades from a cell: the run
    refuses to merge, names what changed, and the tamperer gets no grade in the gradebook."""
    course = make_course(tmp_path)
    url = pg_server.create_database()
    corpus.write_lms_style(tmp_path / "first", {"ada": corpus.honest})
    grading.grade_cohort(ASSIGNMENT, tmp_path / "first", course, workers=1, db_url=url,
                         progress_stream=io.StringIO())

    def tamper(nb):
        corpus.cell(nb, "demo-q1-answer").source += (
            "\nimport psycopg2\n"
            f"_con = psycopg2.connect({pg_server.dsn(url.rsplit('/', 1)[1])!r})\n"
            "_cur = _con.cursor()\n"
            "_cur.execute('UPDATE grade SET manual_score = 0')\n"
            "_con.commit()\n"
        )
        return corpus._dump(nb)

    corpus.write_lms_style(tmp_path / "second", {"mallory": tamper})
    with pytest.raises(grading.GradingError, match=r"changed while submissions were running "
                                                   r"\(demo_orientation: ada\)"):
        grading.grade_cohort(ASSIGNMENT, tmp_path / "second", course, workers=1, db_url=url,
                             progress_stream=io.StringIO())
    assert sql(url, "SELECT count(*) FROM submitted_assignment WHERE student_id = 'mallory'") \
        == [(0,)]


def test_clear_errors_for_a_wrong_server_url(tmp_path):
    course = make_course(tmp_path)
    corpus.write_lms_style(tmp_path / "subs", {"ada": corpus.honest})
    with pytest.raises(grading.GradingError, match=r"cannot open the gradebook "
                                                   r"postgresql\+psycopg2://marker:\*\*\*@"):
        grading.grade_cohort(ASSIGNMENT, tmp_path / "subs", course,
                             db_url="postgresql://marker:secret@127.0.0.1:1/none",
                             progress_stream=io.StringIO())
