"""Cohort grading benchmark: ``make grade`` on 100 synthetic submissions of ``demo_orientation``
against nbgrader itself, all measured in the same run.

Three fresh course folders under ``ctx.workdir / "grading"``, each with its own SQLite gradebook
(``RADCOURSE_GRADEBOOK_URL`` is removed from the environment while the benchmark runs):

1. **ours**: :func:`radcourse.grading.grade_cohort` with 2 workers on an LMS-style folder of flat
   ``<student>_demo_orientation.ipynb`` files, built deterministically from the answer key with
   four levels of partial credit (:func:`build_submission`). Wall time ``T_ours``, the whole
   command (pre-checks, template, grading, merge). Every submission must be graded, with the
   scores it was built to earn, and the gradebook must hold one grade row per graded cell each.
2. **serial nbgrader**: the same files in ``submitted/<student>/demo_orientation/``,
   ``generate_assignment`` (not timed), then ONE timed ``nbgrader autograde demo_orientation
   --force`` for all students in one process, as a lecturer would run it: ``T_serial``. Its
   gradebook scores must equal ours.
3. **trivial floor**: a one-question assignment (``answer = 1`` / ``assert answer == 1``) made
   here, ``generate_assignment``, N copies of the released notebook with the answer filled in, ONE
   timed serial ``nbgrader autograde``: ``F = T_trivial / N`` is nbgrader's own cost per
   submission (process start-up amortised, one kernel per notebook).

Figures: ``T_ours / N`` ÷ ``F`` (target ≤ 1.5×), and ``T_ours`` ÷ ``T_serial`` (target ≤ 1/1.7,
i.e. a parallel speed-up of at least 1.7× on this 2-core machine; the speed-up is in the note).
"""

from __future__ import annotations

import copy
import io
import os
import shutil
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat

from benchmarks.common import Context, Row, register
from radcourse.grading import nbgrader_meta

ASSIGNMENT = "demo_orientation"
TRIVIAL = "trivial"
DEFAULT_N = 100
WORKERS = 2
PER_SUBMISSION_TARGET = 1.5  # × nbgrader's trivial-notebook floor, seconds per submission
SPEEDUP_TARGET = 1.7  # serial nbgrader autograde ÷ make grade, at least
BENCH = "grading"
ITEM_PER_SUBMISSION = (
    f"seconds per submission (make grade, {WORKERS} workers) ÷ nbgrader's trivial-notebook floor"
)
ITEM_SPEEDUP = (
    f"make grade ({WORKERS} workers) ÷ serial nbgrader autograde, wall time (speed-up = 1/ratio)"
)
ITEM_SERIAL = "serial nbgrader autograde, seconds per submission ÷ trivial floor (informative)"
ITEM_OURS_ABS = f"make grade ({WORKERS} workers), seconds per submission (absolute)"
ITEM_FLOOR = "nbgrader trivial-notebook floor, seconds per submission (serial autograde)"

# Wrong answers a submission may carry, in the order they are applied: a submission of level L
# (0..3) keeps the key's answer in the last L of these cells and the wrong one in the others.
WRONG_ANSWERS: tuple[tuple[str, str, int], ...] = (
    # (answer cell, wrong source, autograded marks it loses)
    (
        "demo-q3-answer",  # the false-negative item fails, the false-positive one passes
        "eroded_by_false_negatives = 'specificity'\neroded_by_false_positives = 'specificity'\n",
        1,
    ),
    (
        "demo-q2-answer",  # the PPV item fails, cancers per 100 flagged (13) passes
        "ppv_audit = 0.5\ncancers_per_100_flagged = 13\n",
        1,
    ),
    (
        "demo-q1-answer",  # sensitivity and the zero-denominator item fail, specificity passes
        "import math\n\n\ndef sensitivity(tp, fn):\n    return 0.5\n\n\n"
        "def specificity(tn, fp):\n    return tn / (tn + fp) if tn + fp else math.nan\n",
        2,
    ),
)
LEVELS = len(WRONG_ANSWERS) + 1
AUTO_MARKS = 7  # demo_orientation's autograded marks (Q4, 2 marks, is marked by hand)

TRIVIAL_ANSWER_ID = "trivial-answer"
TRIVIAL_TEST_ID = "trivial-test"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


# --- pure helpers -------------------------------------------------------------------------------


def cell_by_id(nb, grade_id: str):
    """The cell of ``nb`` whose nbgrader ``grade_id`` is ``grade_id``."""
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == grade_id:
            return cell
    raise KeyError(grade_id)


def graded_cell_ids(nb) -> list[str]:
    """grade_ids of the cells nbgrader gives a grade row (``grade: true``), in notebook order."""
    return [nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c).get("grade")]


def expected_auto_score(level: int) -> int:
    """Autograded marks a :func:`build_submission` of ``level`` earns on ``demo_orientation``."""
    check_level(level)
    return AUTO_MARKS - sum(lost for _, _, lost in WRONG_ANSWERS[: LEVELS - 1 - level])


def check_level(level: int) -> None:
    if not 0 <= level < LEVELS:
        raise ValueError(f"level must be 0..{LEVELS - 1}, not {level}")


def build_submission(key: nbformat.NotebookNode, level: int) -> nbformat.NotebookNode:
    """A submission made from the answer key ``key`` (not modified): level 3 is the key itself,
    each level below replaces one more answer cell by a wrong answer (see :data:`WRONG_ANSWERS`).
    nbgrader metadata is left as it is, so that every submission can be graded."""
    check_level(level)
    nb = copy.deepcopy(key)
    for grade_id, source, _ in WRONG_ANSWERS[: LEVELS - 1 - level]:
        cell_by_id(nb, grade_id).source = source
    return nb


def student_ids(n: int) -> list[str]:
    """``s000``, ``s001``, ... (zero-padded to at least three digits, so they sort as numbers)."""
    width = max(3, len(str(n - 1)))
    return [f"s{i:0{width}d}" for i in range(n)]


def cohort_levels(n: int) -> dict[str, int]:
    """{student: level}, the levels cycling 0, 1, 2, 3, 0, ... as in the tests' corpus."""
    return {s: i % LEVELS for i, s in enumerate(student_ids(n))}


def lms_filename(student: str, assignment: str = ASSIGNMENT) -> str:
    return f"{student}_{assignment}.ipynb"


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float | None):
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def trivial_notebook() -> nbformat.NotebookNode:
    """nbgrader's floor: one answer cell (``answer = 1``) and one 1-point autograded test."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell(
            "### BEGIN SOLUTION\nanswer = 1\n### END SOLUTION",
            metadata=_meta(TRIVIAL_ANSWER_ID, grade=False, solution=True, locked=False,
                           points=None),
        ),
        nbformat.v4.new_code_cell(
            "assert answer == 1",
            metadata=_meta(TRIVIAL_TEST_ID, grade=True, solution=False, locked=True, points=1),
        ),
    ]
    return nb


def fill_answers(release: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of a released notebook with the answer cells named in ``answers`` filled in."""
    nb = copy.deepcopy(release)
    for grade_id, source in answers.items():
        cell = cell_by_id(nb, grade_id)
        if not nbgrader_meta(cell).get("solution"):
            raise ValueError(f"{grade_id} is not an answer cell")
        cell.source = source
    return nb


ScoreRow = tuple[str, str, float | None]


def sort_scores(rows: list[ScoreRow]) -> list[ScoreRow]:
    """(student, grade_id, auto_score) rows in a stable order (``None`` scores sort first)."""
    return sorted(rows, key=lambda r: (r[0], r[1], r[2] is not None, r[2] or 0.0))


def compare_scores(ours: list[ScoreRow], theirs: list[ScoreRow], limit: int = 3) -> str:
    """"" when both gradebooks hold the same rows; otherwise a short description."""
    a, b = sort_scores(ours), sort_scores(theirs)
    if a == b:
        return ""
    only_a = [r for r in a if r not in b]
    only_b = [r for r in b if r not in a]
    parts = [f"{len(a)} vs {len(b)} grade rows"]
    if only_a:
        parts.append(f"only in make grade: {only_a[:limit]}")
    if only_b:
        parts.append(f"only in nbgrader: {only_b[:limit]}")
    return "; ".join(parts)


def check_cohort_scores(
    scores: list[ScoreRow], levels: dict[str, int], graded_ids: list[str]
) -> str:
    """"" when the gradebook has exactly one row per (student, graded cell) and each student's
    autograded total is the one their submission was built for; otherwise a short description."""
    expected_rows = len(levels) * len(graded_ids)
    problems = []
    if len(scores) != expected_rows:
        problems.append(
            f"{len(scores)} grade rows, expected {len(levels)} × {len(graded_ids)} = "
            f"{expected_rows}"
        )
    pairs = [(s, g) for s, g, _ in scores]
    if len(set(pairs)) != len(pairs):
        problems.append("duplicate grade rows")
    totals: dict[str, float] = {}
    for student, _, score in scores:
        totals[student] = totals.get(student, 0.0) + (score or 0.0)
    wrong = [
        f"{s}: {totals.get(s, 0.0):g} instead of {expected_auto_score(level)}"
        for s, level in sorted(levels.items())
        if totals.get(s, 0.0) != expected_auto_score(level)
    ]
    if wrong:
        problems.append(f"{len(wrong)} total(s) not as built, e.g. {', '.join(wrong[:3])}")
    return "; ".join(problems)


def grading_rows(
    n: int,
    t_ours: float | None,
    t_serial: float | None,
    t_trivial: float | None,
    errors: dict[str, str] | None = None,
) -> list[Row]:
    """The benchmark's rows from the three wall times; ``errors`` maps ``ours``, ``serial`` and
    ``floor`` to what went wrong in that part (a row built on a failed part shows the error)."""
    errors = errors or {}

    def err(*parts: str) -> str:
        return "; ".join(f"{p}: {errors[p]}" for p in parts if errors.get(p))

    def per(t: float | None) -> float | None:
        return t / n if t is not None and n else None

    ours, serial, floor = per(t_ours), per(t_serial), per(t_trivial)
    speedup = t_serial / t_ours if t_ours and t_serial is not None else None
    note = (
        f"speed-up {speedup:.2f}× (target ≥ {SPEEDUP_TARGET}×), N = {n}"
        if speedup is not None
        else ""
    )
    return [
        Row(BENCH, ITEM_PER_SUBMISSION, ours, "s", baseline=floor, baseline_label="trivial floor",
            target=PER_SUBMISSION_TARGET, note=f"N = {n}", error=err("ours", "floor")),
        Row(BENCH, ITEM_SPEEDUP, t_ours, "s", baseline=t_serial,
            baseline_label="serial nbgrader", target=1 / SPEEDUP_TARGET, note=note,
            error=err("ours", "serial")),
        Row(BENCH, ITEM_SERIAL, serial, "s", baseline=floor, baseline_label="trivial floor",
            error=err("serial", "floor")),
        Row(BENCH, ITEM_OURS_ABS, ours, "s", error=err("ours")),
        Row(BENCH, ITEM_FLOOR, floor, "s", error=err("floor")),
    ]


def count_autograding(line: str) -> bool:
    """Does this nbgrader log line start the autograding of one notebook?"""
    return "Autograding " in line and ".ipynb" in line


# --- the measurement ----------------------------------------------------------------------------


@contextmanager
def private_gradebooks() -> Iterator[None]:
    """No shared gradebook while the benchmark runs: every course uses its own gradebook.db."""
    saved = os.environ.pop("RADCOURSE_GRADEBOOK_URL", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["RADCOURSE_GRADEBOOK_URL"] = saved


def make_course(root: Path, repo: Path, assignment: str | None = ASSIGNMENT) -> Path:
    """A course folder: the course's ``nbgrader_config.py`` and (if given) the assignment's source."""
    root.mkdir(parents=True)
    shutil.copy2(repo / "assessments" / "nbgrader_config.py", root / "nbgrader_config.py")
    if assignment:
        shutil.copytree(repo / "assessments" / "source" / assignment,
                        root / "source" / assignment)
    return root


def run_nbgrader(args: list[str], course: Path, log: Callable[[str], None] | None = None,
                 every: int = 10) -> float:
    """``nbgrader <args>`` in ``course`` as :func:`radcourse.tools.edition.run_nbgrader` runs it
    (same command line and environment), logging every ``every``-th autograded notebook.
    Returns the wall time; raises ``RuntimeError`` with the log's tail on failure."""
    from radcourse.tools.edition import nbgrader_env

    cmd = [
        sys.executable, "-m", "nbgrader", *args,
        f"--CourseDirectory.root={course}",
        f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}",
    ]
    tail: deque[str] = deque(maxlen=25)
    done = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=course, env=nbgrader_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        tail.append(line.rstrip())
        if log and count_autograding(line):
            done += 1
            if done % every == 0:
                log(f"    nbgrader {args[0]}: {done} notebooks, "
                    f"{time.perf_counter() - start:.0f} s")
    status = proc.wait()
    elapsed = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"`nbgrader {' '.join(args)}` failed (exit {status}):\n"
                           + "\n".join(tail))
    return elapsed


def gradebook_scores(course: Path, assignment: str) -> list[ScoreRow]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return sort_scores([
            (sub.student.id, g.name, g.auto_score)
            for sub in gb.find_assignment(assignment).submissions
            for nb in sub.notebooks
            for g in nb.grades
        ])


class _LogEvery(io.StringIO):
    """A progress stream for grade_cohort (not a terminal: one line per step) that logs one line
    in ``every``."""

    def __init__(self, log: Callable[[str], None], every: int = 10):
        super().__init__()
        self._log, self._every, self._lines = log, every, 0

    def write(self, s: str) -> int:
        for line in s.splitlines():
            self._lines += 1
            if self._lines % self._every == 0:
                self._log(f"    make grade {line.strip()}")
        return super().write(s)


def write_cohort(key: nbformat.NotebookNode, levels: dict[str, int], folder: Path) -> None:
    """LMS-style flat files ``<student>_demo_orientation.ipynb``."""
    folder.mkdir(parents=True, exist_ok=True)
    for student, level in levels.items():
        nbformat.write(build_submission(key, level), folder / lms_filename(student))


def nest(flat: Path, levels: dict[str, int], course: Path, assignment: str) -> None:
    """The same files as nbgrader's ``submitted/<student>/<assignment>/<assignment>.ipynb``."""
    for student in levels:
        dest = course / "submitted" / student / assignment
        dest.mkdir(parents=True)
        shutil.copy2(flat / lms_filename(student, assignment), dest / f"{assignment}.ipynb")


def measure_ours(ctx: Context, root: Path, key, levels: dict[str, int], flat: Path
                 ) -> tuple[float, str, list]:
    from radcourse.grading import grade_cohort

    n = len(levels)
    course = make_course(root / "ours", ctx.repo)
    ctx.log(f"  make grade: {n} submissions, {WORKERS} workers")
    start = time.perf_counter()
    report = grade_cohort(ASSIGNMENT, flat, course, workers=WORKERS,
                          progress_stream=_LogEvery(ctx.log), csv_path=root / "grades.csv")
    t_ours = time.perf_counter() - start
    ungraded = [o for o in report.outcomes if not o.graded]
    in_workers = sum(getattr(o, "seconds", 0.0) for o in report.outcomes)
    ctx.log(f"  make grade: {t_ours:.1f} s wall; {in_workers / max(n, 1):.2f} s per submission "
            f"inside a worker ({in_workers / WORKERS:.1f} s per worker), so about "
            f"{t_ours - in_workers / WORKERS:.1f} s outside grading (pre-checks, template, merge)")
    problems = []
    if len(report.outcomes) != n:
        problems.append(f"{len(report.outcomes)} outcomes for {n} submissions")
    if ungraded:
        problems.append(f"{len(ungraded)} ungraded, e.g. " + ", ".join(
            f"{o.student}: {o.reason}" for o in ungraded[:3]))
    scores = gradebook_scores(course, ASSIGNMENT)
    problem = check_cohort_scores(scores, levels, graded_cell_ids(key))
    if problem:
        problems.append(problem)
    return t_ours, "; ".join(problems), scores


def measure_serial(ctx: Context, root: Path, levels: dict[str, int], flat: Path) -> tuple[float, list]:
    course = make_course(root / "serial", ctx.repo)
    nest(flat, levels, course, ASSIGNMENT)
    run_nbgrader(["generate_assignment", ASSIGNMENT, "--force"], course)
    ctx.log(f"  serial nbgrader autograde: {len(levels)} submissions, one process")
    t_serial = run_nbgrader(["autograde", ASSIGNMENT, "--force"], course, ctx.log)
    ctx.log(f"  serial nbgrader autograde: {t_serial:.1f} s")
    return t_serial, gradebook_scores(course, ASSIGNMENT)


def measure_floor(ctx: Context, root: Path, n: int) -> float:
    course = make_course(root / "trivial", ctx.repo, assignment=None)
    source = course / "source" / TRIVIAL
    source.mkdir(parents=True)
    nbformat.write(trivial_notebook(), source / f"{TRIVIAL}.ipynb")
    run_nbgrader(["generate_assignment", TRIVIAL, "--force"], course)
    release = nbformat.read(course / "release" / TRIVIAL / f"{TRIVIAL}.ipynb", as_version=4)
    filled = fill_answers(release, {TRIVIAL_ANSWER_ID: "answer = 1"})
    for student in student_ids(n):
        dest = course / "submitted" / student / TRIVIAL
        dest.mkdir(parents=True)
        nbformat.write(filled, dest / f"{TRIVIAL}.ipynb")
    ctx.log(f"  trivial floor: serial nbgrader autograde of {n} one-question notebooks")
    t_trivial = run_nbgrader(["autograde", TRIVIAL, "--force"], course, ctx.log)
    scores = gradebook_scores(course, TRIVIAL)
    if len(scores) != n or any(s != 1 for _, _, s in scores):
        raise RuntimeError(f"the trivial notebooks did not all score 1/1: {scores[:3]}")
    ctx.log(f"  trivial floor: {t_trivial:.1f} s ({t_trivial / n:.2f} s per submission)")
    return t_trivial


@register("grading", "make grade on N synthetic submissions vs serial nbgrader autograde and "
                     "nbgrader's trivial-notebook floor")
def bench_grading(ctx: Context) -> list[Row]:
    assert ctx.workdir is not None
    n = int(ctx.options.get("grading_n", DEFAULT_N))
    if n < 1:
        raise ValueError("grading_n must be at least 1")
    root = ctx.workdir / "grading"  # the runner's workdir is shared by every benchmark
    root.mkdir(parents=True, exist_ok=True)
    key = nbformat.read(ctx.repo / "assessments" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                        as_version=4)
    levels = cohort_levels(n)
    flat = root / "lms"
    write_cohort(key, levels, flat)
    errors: dict[str, str] = {}
    t_ours = t_serial = t_trivial = None
    ours_scores: list[ScoreRow] = []
    with private_gradebooks():
        try:
            t_ours, problem, ours_scores = measure_ours(ctx, root, key, levels, flat)
            if problem:
                errors["ours"] = problem
        except Exception as exc:  # report it in the rows, go on with the baselines
            errors["ours"] = f"{type(exc).__name__}: {str(exc).strip()[-500:]}"
        try:
            t_serial, serial_scores = measure_serial(ctx, root, levels, flat)
            if ours_scores and "ours" not in errors:
                diff = compare_scores(ours_scores, serial_scores)
                if diff:
                    errors["serial"] = f"scores differ from make grade's: {diff}"
        except Exception as exc:
            errors["serial"] = f"{type(exc).__name__}: {str(exc).strip()[-500:]}"
        try:
            t_trivial = measure_floor(ctx, root, n)
        except Exception as exc:
            errors["floor"] = f"{type(exc).__name__}: {str(exc).strip()[-500:]}"
    for part, message in errors.items():
        ctx.log(f"  grading: {part} FAILED: {message}")
    return grading_rows(n, t_ours, t_serial, t_trivial, errors)
