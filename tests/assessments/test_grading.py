"""``python -m radcourse.grading``: crafted submissions, parallel consistency, pure helpers.

The corpus (``corpus.py``) is built from the ``demo_orientation`` answer key. What each crafted
submission must score, and why:

- honest key: full marks on the 7 autograded items (Q4 awaits the marker);
- infinite loop in the Q2 answer: the cell is interrupted (per-cell timeout 5 s here), Q2's two
  items score 0, everything else full marks, the batch goes on;
- ``os._exit(1)`` in a cell: nbgrader 0.9.6 cannot grade a notebook whose kernel died (autograde
  exits 1, no autograded notebook): reported *ungraded: kernel died*, never 0;
- a deleted test cell: restored (``add_missing_cells``) and passed: full marks, warning;
- every test cell replaced by ``pass`` and a wrong Q1: originals restored, Q1 scores 0;
- a renamed grade_id: nbgrader 0.9.6 crashes on it (KeyError 'grade_id'), so the pre-check
  reports *ungraded: nbgrader metadata changed*; changed points: restored from the gradebook
  (full marks out of 1), warning;
- not notebook JSON / metadata stripped: *ungraded* with that reason;
- 5 MB printed: graded normally; 3 GB allocated: ``MemoryError`` in that cell (memory limit),
  Q2 scores 0, the rest full marks;
- an answer whose ``__eq__`` is always True: 0 for that item (the tests compare ``str`` copies);
- ``math.isclose`` monkeypatched: no effect (the tests do not use it);
- ``abs``, ``float`` and ``isinstance`` rebound in the builtins module, with wrong Q2 answers: Q2
  still scores 0 (the tests take ``float`` and ``str`` from literals and use no ``abs``);
- a custom IPython exception handler that hides every error, with wrong Q1 answers: Q1 scores 0
  (nbgrader's Execute preprocessor adds an error output when the kernel reply says error);
- a cell that reads /etc/passwd, rewrites every gradebook it can find and looks for the answer
  key: the grades are unchanged, the answer key is not in the grading copy.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from radcourse import grading
from radcourse.grading import (
    GradedCell,
    Outcome,
    Progress,
    check_metadata,
    discover,
    grade_cohort,
    parse_lms_filename,
    question_stats,
    write_csv,
)

from . import corpus
from .conftest import COHORT, grade_table, make_course

ASSIGNMENT = corpus.ASSIGNMENT
REPO = corpus.REPO


def auto_scores(outcome: Outcome) -> dict[str, float]:
    return {g: s for (_, g), (s, _) in outcome.grades.items() if g in corpus.AUTO_ITEMS}


# --------------------------------------------------------------------------------------------------
# Pure helpers


@pytest.mark.parametrize(
    "name, student",
    [
        ("s001_demo_orientation.ipynb", "s001"),
        ("jane.doe@uni.ac.uk_attempt_2.ipynb", "jane.doe@uni.ac.uk"),
        ("s-7_x.ipynb", "s-7"),
        ("nounderscore.ipynb", None),
        ("_s001.ipynb", None),
        ("s001_notes.txt", None),
        ("../x_y.ipynb", None),
    ],
)
def test_parse_lms_filename(name, student):
    assert parse_lms_filename(name) == student


KEY = {"nb": [GradedCell("nb", "a", 1.0, False, True, "code"),
              GradedCell("nb", "b", 2.0, False, True, "code"),
              GradedCell("nb", "w", 2.0, True, True, "markdown")]}


def test_question_stats_ignores_ungraded_and_manual_items():
    outcomes = [
        Outcome("s1", grades={
            ("nb", "a"): (1.0, 1), ("nb", "b"): (2.0, 2), ("nb", "w"): (None, 2)}),
        Outcome("s2", grades={
            ("nb", "a"): (0.0, 1), ("nb", "b"): (2.0, 2), ("nb", "w"): (None, 2)}),
        Outcome("s3", reason="invalid notebook JSON"),
    ]
    stats = {s.grade_id: s for s in question_stats(outcomes, KEY)}
    assert (stats["a"].n, stats["a"].mean, stats["a"].full_marks_share) == (2, 0.5, 0.5)
    assert (stats["b"].mean, stats["b"].full_marks_share) == (2.0, 1.0)
    assert stats["w"].n == 0 and stats["w"].mean is None


def test_csv_never_writes_zero_for_ungraded(tmp_path):
    outcomes = [Outcome("s2", reason="kernel died", detail="nbgrader exit 1"),
                Outcome("s1", grades={("nb", "a"): (0.0, 1), ("nb", "b"): (0.0, 2),
                                      ("nb", "w"): (None, 2)})]
    write_csv(tmp_path / "g.csv", outcomes, KEY)
    rows = list(csv.DictReader(open(tmp_path / "g.csv")))
    assert [r["student_id"] for r in rows] == ["s1", "s2"]
    assert rows[0]["auto_score"] == "0" and rows[0]["awaiting_manual"] == "1"
    assert rows[1]["status"] == rows[1]["auto_score"] == rows[1]["a"] == "ungraded"
    assert "kernel died" in rows[1]["reason"] and "0" not in (rows[1]["a"], rows[1]["b"])


def test_progress_without_tty_prints_one_line_per_step():
    out = io.StringIO()
    bar = Progress(3, out)
    for s in ("a", "b", "c"):
        bar.step(s)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and "\r" not in out.getvalue()
    assert lines[-1].startswith("[" + "#" * 30 + "] 3/3")


def test_check_metadata_reports_changes():
    nb = corpus.key()
    ids = [c for cells in grading.read_answer_key(REPO / "assessments", ASSIGNMENT).values()
           for c in cells]
    assert check_metadata(nb, ids).reason is None and check_metadata(nb, ids).warnings == []
    corpus.cell(nb, "demo-q1-sensitivity").metadata.nbgrader["points"] = 5
    assert "points 5 instead of 1" in check_metadata(nb, ids).warnings[0]
    corpus.cell(nb, "demo-q1-answer").metadata.pop("nbgrader")
    assert check_metadata(nb, ids).reason == grading.METADATA_STRIPPED


def test_discover_both_layouts(tmp_path):
    corpus.write_lms_style(tmp_path / "lms", {"s1": corpus.honest, "s2": corpus.honest})
    (tmp_path / "lms" / "README.ipynb").write_text("{}")
    found = discover(tmp_path / "lms", ASSIGNMENT, [ASSIGNMENT])
    assert sorted(found.submissions) == ["s1", "s2"] and "README.ipynb" in found.problems[0]
    corpus.write_nbgrader_style(tmp_path / "nested", {"s3": corpus.honest})
    assert list(discover(tmp_path / "nested", ASSIGNMENT, [ASSIGNMENT]).submissions) == ["s3"]
    corpus.write_nbgrader_style(tmp_path / "lms", {"s4": corpus.honest})
    with pytest.raises(grading.GradingError, match="mixes"):
        discover(tmp_path / "lms", ASSIGNMENT, [ASSIGNMENT])


# --------------------------------------------------------------------------------------------------
# The crafted corpus, graded for real


@pytest.fixture(scope="module")
def integrity(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading-integrity")
    course = make_course(root)
    builders = {s: b for s, (b, _, _) in corpus.CASES.items()}
    corpus.write_nbgrader_style(root / "subs", builders)
    out = io.StringIO()
    start = time.monotonic()
    report = grade_cohort(ASSIGNMENT, root / "subs", course, workers=2, cell_timeout=5,
                          memory_mb=1024, csv_path=root / "grades.csv", progress_stream=out)
    report.elapsed = time.monotonic() - start
    report.course, report.root, report.progress = course, root, out.getvalue()
    return report


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(corpus.CASES))
def test_crafted_submission_scores(integrity, student):
    _, expected, warning = corpus.CASES[student]
    outcome = next(o for o in integrity.outcomes if o.student == student)
    if isinstance(expected, str):
        assert outcome.reason == expected, outcome.log[-3000:]
    else:
        assert outcome.graded, f"{outcome.reason}: {outcome.detail}\n{outcome.log[-3000:]}"
        assert auto_scores(outcome) == expected
    if warning:
        assert warning in integrity.summary


@pytest.mark.slow
def test_summary_names_every_problem(integrity):
    s = integrity.summary
    assert f"{len(integrity.outcomes)} submission(s)" in s
    for student, (_, expected, _) in corpus.CASES.items():
        if isinstance(expected, str):
            assert f"  {student}: {expected}" in s
    assert "demo-q2-ppv" in s and "full marks" in s
    assert integrity.progress.count("\n") == len(integrity.outcomes)


@pytest.mark.slow
def test_gradebook_and_csv_are_consistent(integrity):
    course, db = integrity.course, f"sqlite:///{integrity.course / 'gradebook.db'}"
    rows = list(csv.DictReader(open(integrity.root / "grades.csv")))
    by_student = {r["student_id"]: r for r in rows}
    assert sorted(by_student) == sorted(o.student for o in integrity.outcomes)
    with Gradebook(db) as gb:
        assert {s.id for s in gb.students} == set(by_student)
        for o in integrity.outcomes:
            row = by_student[o.student]
            if not o.graded:
                assert row["status"] == row["auto_score"] == "ungraded"
                assert not (course / "autograded" / o.student).exists()
                continue
            assert row["status"] == "graded"
            autograded = course / "autograded" / o.student / ASSIGNMENT
            assert (autograded / f"{ASSIGNMENT}.ipynb").is_file()
            sub = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, o.student)
            grades = {g.name: g for g in sub.grades}
            assert set(grades) == set(corpus.AUTO_ITEMS) | {"demo-q4-answer"}
            for grade_id in corpus.AUTO_ITEMS:
                assert grades[grade_id].auto_score == float(row[grade_id])
                assert grades[grade_id].manual_score is None  # the tampering did not get through
                assert grades[grade_id].max_score == 1
    con = sqlite3.connect(course / "gradebook.db")
    dupes = con.execute("SELECT count(*) FROM grade GROUP BY notebook_id, cell_id "
                        "HAVING count(*) > 1").fetchall()
    assert dupes == []


@pytest.mark.slow
def test_regrade_is_idempotent(tmp_path):
    course = make_course(tmp_path)
    corpus.write_lms_style(tmp_path / "subs", {"s1": corpus.partial(1)})
    first = grade_cohort(ASSIGNMENT, tmp_path / "subs", course, workers=1,
                         progress_stream=io.StringIO())
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:  # a marker grades Q4
        gb.find_grade("demo-q4-answer", ASSIGNMENT, ASSIGNMENT, "s1").manual_score = 1.5
        gb.db.commit()
    second = grade_cohort(ASSIGNMENT, tmp_path / "subs", course, workers=1,
                          progress_stream=io.StringIO())
    assert first.outcomes[0].grades == second.outcomes[0].grades
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_grade("demo-q4-answer", ASSIGNMENT, ASSIGNMENT, "s1").manual_score == 1.5
        assert len(gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "s1").grades) == 8


@pytest.mark.slow
def test_wall_clock_limit_stops_a_cell_that_ignores_interrupts(tmp_path):
    course = make_course(tmp_path)

    def stubborn(nb):
        corpus.cell(nb, "demo-q2-answer").source = (
            "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n")
        return corpus._dump(nb)

    corpus.write_nbgrader_style(tmp_path / "subs", {"stubborn": stubborn})
    start = time.monotonic()
    report = grade_cohort(ASSIGNMENT, tmp_path / "subs", course, workers=1, cell_timeout=60,
                          wall_timeout=12, progress_stream=io.StringIO())
    assert report.outcomes[0].reason == grading.TIMED_OUT
    assert time.monotonic() - start < 40
    assert orphaned_kernels() == []


def orphaned_kernels() -> list[int]:
    """Grading kernels still running although their grading folder is gone."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            env = (proc / "environ").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        for item in env:
            if item.startswith(b"RADCOURSE_KERNEL_PIDDIR="):
                if not Path(item.split(b"=", 1)[1].decode()).exists():
                    found.append(int(proc.name))
    return found


@pytest.mark.slow
def test_command_line_exit_status_and_csv(tmp_path, capsys):
    course = make_course(tmp_path)
    corpus.write_lms_style(tmp_path / "lms",
                           {"s1": corpus.not_json, "s2": corpus.stripped_metadata})
    status = grading.main([ASSIGNMENT, "--submissions", str(tmp_path / "lms"),
                           "--course", str(course), "--workers", "1"])
    out = capsys.readouterr().out
    assert status == 3, out
    assert "s1: invalid notebook JSON" in out and "s2: nbgrader metadata stripped" in out
    rows = list(csv.DictReader(open(course / f"grades-{ASSIGNMENT}.csv")))
    assert [r["auto_score"] for r in rows] == ["ungraded", "ungraded"]
    assert grading.main([ASSIGNMENT, "--submissions", str(tmp_path / "nowhere"),
                         "--course", str(course)]) == 2


# --------------------------------------------------------------------------------------------------
# Parallel = serial, on SQLite and on PostgreSQL


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_parallel_grading_loses_and_duplicates_no_grade(backend, tmp_path, serial_reference,
                                                        request):
    """20 students graded by 2 workers, then 5 of them re-graded: the gradebook holds exactly
    one row per (student, graded cell), equal to a serial ``nbgrader autograde`` of the same
    files, on either backend."""
    course = make_course(tmp_path)
    db_url = (request.getfixturevalue("pg_server").create_database() if backend == "postgresql"
              else f"sqlite:///{course / 'gradebook.db'}")
    corpus.write_lms_style(tmp_path / "lms", COHORT)
    report = grade_cohort(ASSIGNMENT, tmp_path / "lms", course, workers=2, db_url=db_url,
                          progress_stream=io.StringIO())
    assert all(o.graded for o in report.outcomes) and len(report.outcomes) == 20
    again = {s: COHORT[s] for s in ("s00", "s05", "s10", "s15", "s19")}
    corpus.write_lms_style(tmp_path / "late", again)
    grade_cohort(ASSIGNMENT, tmp_path / "late", course, workers=2, db_url=db_url,
                 progress_stream=io.StringIO())

    rows = grade_table(db_url)
    assert len(rows) == 20 * 8
    assert len({r[:3] for r in rows}) == len(rows)  # no (student, notebook, cell) twice
    assert rows == serial_reference
    totals = sorted(sum(s for s, _ in o.grades.values() if s is not None) for o in report.outcomes)
    assert len(set(totals)) == 4  # the four levels of partial credit really differ


# --------------------------------------------------------------------------------------------------
# Gradebook URLs and the before/after check


@pytest.mark.parametrize("url, expected", [
    ("postgresql://m@db/x", "postgresql+psycopg2://m@db/x"),
    ("postgres://m@db/x", "postgresql+psycopg2://m@db/x"),
    (" postgresql+psycopg2://m@db/x ", "postgresql+psycopg2://m@db/x"),
    ("sqlite:////tmp/gradebook.db", "sqlite:////tmp/gradebook.db"),
])
def test_normalise_db_url(url, expected):
    assert grading.normalise_db_url(url) == expected


def test_redacted_url_hides_the_password():
    assert grading._redact("postgresql+psycopg2://marker:s3cr%40t@db:5432/g") == (
        "postgresql+psycopg2://marker:***@db:5432/g")
    assert grading._redact("sqlite:////x/gradebook.db") == "sqlite:////x/gradebook.db"


def test_assignment_state_names_the_students_whose_grades_changed(tmp_path):
    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(db) as gb:
        gb.add_assignment("a1")
        gb.add_notebook("nb", "a1")
        gb.add_grade_cell("q1", "nb", "a1", max_score=2, cell_type="code")
        for student in ("s1", "s2"):
            gb.add_student(student)
            gb.add_submission("a1", student)
    before = grading.assignment_state(db, "a1")
    assert sorted(before) == [grading.ANSWER_KEY_STATE, "s1", "s2"]
    assert grading.changed_states(before, grading.assignment_state(db, "a1")) == []
    with Gradebook(db) as gb:
        gb.find_grade("q1", "nb", "a1", "s2").manual_score = 2
        gb.find_grade_cell("q1", "nb", "a1").max_score = 5
        gb.db.commit()
    assert grading.changed_states(before, grading.assignment_state(db, "a1")) == [
        grading.ANSWER_KEY_STATE, "s2"]
    assert grading.assignment_state(db, "no-such-assignment") == {}


def test_fast_gradebook_creation_reads_the_same_schema_version_as_nbgrader():
    import subprocess

    import nbgrader.api
    from nbgrader.dbutil import _temp_alembic_ini

    grading.fast_gradebook_creation()
    assert nbgrader.api.get_alembic_version.radcourse
    with _temp_alembic_ini("sqlite:////tmp/gradebook.db") as ini:  # what nbgrader runs
        heads = subprocess.check_output(["alembic", "-c", ini, "heads"], text=True)
    assert nbgrader.api.get_alembic_version() == heads.split()[0]


def test_csv_accumulates_over_runs_and_keeps_a_file_with_other_columns(tmp_path):
    path = tmp_path / "grades.csv"
    write_csv(path, [Outcome("s2", reason="kernel died")], KEY)
    write_csv(path, [Outcome("s1", grades={("nb", "a"): (1.0, 1), ("nb", "b"): (2.0, 2),
                                           ("nb", "w"): (None, 2)})], KEY)
    rows = {r["student_id"]: r for r in csv.DictReader(open(path))}
    assert rows["s1"]["auto_score"] == "3" and rows["s2"]["status"] == "ungraded"
    write_csv(path, [Outcome("s2", grades={("nb", "a"): (0.0, 1), ("nb", "b"): (0.0, 2),
                                           ("nb", "w"): (None, 2)})], KEY)  # s2 resubmitted
    rows = {r["student_id"]: r for r in csv.DictReader(open(path))}
    assert rows["s2"]["status"] == "graded" and rows["s1"]["auto_score"] == "3"
    other = {"nb": KEY["nb"][:1]}  # the assignment changed: other columns
    write_csv(path, [Outcome("s3", grades={("nb", "a"): (1.0, 1)})], other)
    assert [r["student_id"] for r in csv.DictReader(open(path))] == ["s3"]
    kept = list(csv.DictReader(open(tmp_path / "grades.previous.csv")))
    assert [r["student_id"] for r in kept] == ["s1", "s2"]


def test_written_answers_are_reported_as_marked_by_hand_even_when_blank():
    outcomes = [Outcome("s1", grades={("nb", "a"): (1.0, 1), ("nb", "b"): (2.0, 2),
                                      ("nb", "w"): (0.0, 2)})]  # a blank written answer
    stats = {s.grade_id: s for s in question_stats(outcomes, KEY)}
    assert stats["w"].n == 0 and stats["w"].mean is None
    assert "(marked by hand)" in grading.format_summary("x", outcomes, list(stats.values()))


def test_discover_keeps_nbgrader_collect_timestamps(tmp_path):
    corpus.write_nbgrader_style(tmp_path, {"s1": corpus.honest, "s2": corpus.honest})
    (tmp_path / "s1" / ASSIGNMENT / "timestamp.txt").write_text("2026-11-20 17:05:00.000000 UTC")
    found = discover(tmp_path, ASSIGNMENT, [ASSIGNMENT])
    assert list(found.timestamps) == ["s1"] and found.problems == []
