"""Grade a cohort's submissions with nbgrader, in parallel, and say plainly who could not be graded.

    python -m radcourse.grading ASSIGNMENT --submissions DIR [--course assessments] [--workers N]
        [--cell-timeout 60] [--memory-mb 1024] [--wall-timeout S] [--db-url URL] [--csv FILE]

``DIR`` holds either nbgrader-style folders ``<student>/<assignment>/*.ipynb`` or an LMS download of
flat files ``<student>_<anything>.ipynb`` (single-notebook assignments only).

Steps:

1. **Pre-check** every submission (:func:`precheck`): notebook JSON that nbformat reads and
   validates, a sane size, and nbgrader metadata on every answer cell of the answer key (matched by
   ``grade_id``). A failing submission is *ungraded*, with the reason, and never reaches nbgrader.
   Test cells that are missing or whose metadata changed are only reported (nbgrader restores
   them from the gradebook).
2. **Autograde** in parallel: ``--workers`` long-lived worker processes (``grading_worker
   serve``: nbgrader imported once, no 2.5 s start-up per submission) each take one student at a
   time and run nbgrader's autograde for that student in the student's own throw-away copy of the
   course, with its own SQLite gradebook (copied from a template made once by
   ``generate_assignment``). Nothing shares a database while grading, so there is no "database is
   locked" and no interleaving; a submission cannot see or touch another's grades, and the
   answer-key notebooks are not in the copy. Each kernel runs with a per-cell timeout and an
   address-space limit (``grading_worker``); each submission has a wall-clock limit, after which
   the worker and the kernel are killed and a fresh worker takes the next student.
3. **Merge**: the parent process alone writes to the course gradebook, one transaction per student,
   copying each grade (auto score, needs-manual-grade, auto comment) from the private gradebook;
   manual scores already in the course gradebook are kept. Every merged student is then read back
   and checked: one grade row per graded cell, the same values. The merge refuses to run if the
   course gradebook changed while submissions were running (a submission writing to it).
4. **Report**: a summary (graded, ungraded with reasons, warnings, per-question statistics) and a
   CSV in which an ungraded student is ``ungraded``, never 0.0. ``autograded/<student>/`` and
   ``submitted/<student>/`` are copied into the course folder, so formgrader and
   ``generate_feedback`` work as usual.

Exit status: 0 if every submission was graded, 3 if some were ungraded, 2 on a usage or set-up
error.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import queue
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

KERNEL_NAME = "radcourse-grading"
DEFAULT_MAX_MB = 50
UNGRADED = "ungraded"

# Reasons for not grading (stable strings: the summary and the tests use them).
INVALID_JSON = "invalid notebook JSON"
INVALID_FORMAT = "not a valid notebook"
TOO_LARGE = "file too large"
METADATA_STRIPPED = "nbgrader metadata stripped"
METADATA_CHANGED = "nbgrader metadata changed"
MISSING_NOTEBOOK = "notebook missing"
KERNEL_DIED = "kernel died"
TIMED_OUT = "timed out"
MEMORY = "memory limit"
NBGRADER_FAILED = "nbgrader failed"


class GradingError(RuntimeError):
    """The cohort could not be graded at all (bad arguments, course set-up, gradebook)."""


# --------------------------------------------------------------------------------------------------
# The answer key


@dataclass(frozen=True)
class GradedCell:
    notebook: str
    grade_id: str
    points: float
    solution: bool  # an answer cell (written answers are grade + solution)
    grade: bool
    cell_type: str


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def answer_key_cells(nb: nbformat.NotebookNode, notebook: str) -> list[GradedCell]:
    """Cells of a source notebook that are graded or hold an answer."""
    out = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") or meta.get("solution"):
            out.append(
                GradedCell(
                    notebook=notebook,
                    grade_id=meta["grade_id"],
                    points=float(meta.get("points", 0) or 0),
                    solution=bool(meta.get("solution")),
                    grade=bool(meta.get("grade")),
                    cell_type=cell.cell_type,
                )
            )
    return out


def read_answer_key(course: Path, assignment: str) -> dict[str, list[GradedCell]]:
    """{notebook name: its graded/answer cells} for ``course/source/<assignment>/``."""
    folder = course / "source" / assignment
    paths = sorted(folder.glob("*.ipynb"))
    if not paths:
        raise GradingError(f"no notebook in {folder}")
    return {p.stem: answer_key_cells(nbformat.read(p, as_version=4), p.stem) for p in paths}


# --------------------------------------------------------------------------------------------------
# Finding submissions

_STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.@-]*$")


def parse_lms_filename(name: str) -> str | None:
    """Student id of an LMS file ``<student>_<anything>.ipynb``; None if the name does not fit.

    The id is everything before the first underscore: letters, digits, ``.``, ``@``, ``-``.
    """
    if not name.endswith(".ipynb") or "_" not in name:
        return None
    student = name.split("_", 1)[0]
    return student if _STUDENT_ID.match(student) else None


@dataclass
class Discovered:
    submissions: dict[str, dict[str, Path]]  # student -> {notebook name: file}
    problems: list[str] = field(default_factory=list)  # files that could not be attributed
    # student -> timestamp.txt written by `nbgrader collect` (late penalties use it)
    timestamps: dict[str, Path] = field(default_factory=dict)


def discover(folder: Path, assignment: str, notebooks: Iterable[str]) -> Discovered:
    """Find submissions in ``folder`` (nbgrader-style or LMS flat, not both)."""
    folder = Path(folder)
    notebooks = list(notebooks)
    if not folder.is_dir():
        raise GradingError(f"{folder} is not a folder")
    nested = sorted(p for p in folder.glob(f"*/{assignment}") if p.is_dir())
    flat = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    found = Discovered({})
    if nested and flat:
        raise GradingError(f"{folder} mixes <student>/{assignment}/ folders and flat .ipynb files")
    if nested:
        for sub in nested:
            files = {p.stem: p for p in sorted(sub.glob("*.ipynb"))}
            found.submissions[sub.parent.name] = files
            if (sub / "timestamp.txt").is_file():
                found.timestamps[sub.parent.name] = sub / "timestamp.txt"
            found.problems += [
                f"{sub.parent.name}: {name}.ipynb is not part of {assignment}; ignored"
                for name in files
                if name not in notebooks
            ]
        return found
    if flat and len(notebooks) != 1:
        raise GradingError(
            f"{assignment} has {len(notebooks)} notebooks: flat LMS files cannot be matched; "
            f"use <student>/{assignment}/<notebook>.ipynb folders"
        )
    for path in flat:
        student = parse_lms_filename(path.name)
        if student is None:
            found.problems.append(f"{path.name}: not named <student>_<anything>.ipynb; ignored")
            continue
        if student in found.submissions:
            previous = found.submissions[student][notebooks[0]]
            newer = max(previous, path, key=lambda p: (p.stat().st_mtime, p.name))
            older = path if newer == previous else previous
            found.problems.append(f"{student}: several files; {newer.name} used, {older.name} not")
            path = newer
        found.submissions[student] = {notebooks[0]: path}
    return found


# --------------------------------------------------------------------------------------------------
# Pre-checks


@dataclass
class Precheck:
    reason: str | None  # None: may be graded
    detail: str = ""
    warnings: list[str] = field(default_factory=list)


def precheck(path: Path, key: list[GradedCell], max_bytes: int) -> Precheck:
    """Is this file worth giving to nbgrader? (See the module docstring.)"""
    size = path.stat().st_size
    if size > max_bytes:
        return Precheck(TOO_LARGE, f"{size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Precheck(INVALID_JSON, str(exc)[:200])
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several types for malformed notebooks
        return Precheck(INVALID_FORMAT, str(exc).splitlines()[0][:200] if str(exc) else "")
    return check_metadata(nb, key)


def check_metadata(nb: nbformat.NotebookNode, key: list[GradedCell]) -> Precheck:
    """Compare a submission's nbgrader metadata with the answer key's, by grade_id."""
    seen: dict[str, list[dict]] = {}
    cell_types: dict[str, str] = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if "grade_id" in meta:
            seen.setdefault(meta["grade_id"], []).append(meta)
            cell_types[meta["grade_id"]] = cell.cell_type
    answers = [c.grade_id for c in key if c.solution]
    missing_answers = [g for g in answers if g not in seen]
    if not seen or missing_answers:
        what = "no cell has nbgrader metadata" if not seen else "no answer cell " + ", ".join(
            missing_answers
        )
        return Precheck(
            METADATA_STRIPPED,
            f"{what} (answers pasted into a new notebook?); ask for the original file",
        )
    result = Precheck(None)
    by_id = {c.grade_id: c for c in key}
    for cell in key:
        metas = seen.get(cell.grade_id, [])
        if not metas:
            result.warnings.append(f"test cell {cell.grade_id} deleted (restored by nbgrader)")
            continue
        if len(metas) > 1:
            result.warnings.append(f"{cell.grade_id} appears {len(metas)} times")
        meta = metas[0]
        changed = []
        if bool(meta.get("grade")) != cell.grade or bool(meta.get("solution")) != cell.solution:
            changed.append("grade/solution flags")
        if cell.grade and float(meta.get("points", 0) or 0) != cell.points:
            changed.append(f"points {meta.get('points')} instead of {cell.points:g}")
        if cell_types.get(cell.grade_id) != cell.cell_type:
            changed.append("cell type")
        if changed:
            result.warnings.append(f"{cell.grade_id}: metadata changed ({'; '.join(changed)})")
    unknown = [g for g in seen
               if g not in by_id and any(m.get("grade") or m.get("solution") for m in seen[g])]
    if unknown:  # nbgrader 0.9.6 crashes on these (KeyError 'grade_id' in OverwriteCells)
        return Precheck(METADATA_CHANGED, "unknown graded cell(s) " + ", ".join(unknown) +
                        " (grade_id renamed?); restore the original cells", result.warnings)
    return result


# --------------------------------------------------------------------------------------------------
# Results and statistics (pure)


@dataclass
class Outcome:
    student: str
    reason: str | None = None  # None: graded
    detail: str = ""
    warnings: list[str] = field(default_factory=list)
    # (notebook, grade_id) -> (auto score or None if awaiting a marker, max score)
    grades: dict[tuple[str, str], tuple[float | None, float]] = field(default_factory=dict)
    seconds: float = 0.0
    log: str = ""

    @property
    def graded(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class QuestionStats:
    notebook: str
    grade_id: str
    max_score: float
    n: int  # graded students with an automatic score for this item
    mean: float | None
    full_marks_share: float | None


def question_stats(outcomes: Iterable[Outcome], key: dict[str, list[GradedCell]]) -> list[
    QuestionStats
]:
    """Mean score and share of full marks per autograded item, over graded students only
    (written answers, marked by hand, get ``n == 0``)."""
    outcomes = [o for o in outcomes if o.graded]
    stats = []
    for notebook, cells in key.items():
        for cell in cells:
            if not cell.grade:
                continue
            if cell.solution:  # a written answer: marked by hand (a blank one auto-scores 0)
                stats.append(QuestionStats(notebook, cell.grade_id, cell.points, 0, None, None))
                continue
            scores = [
                o.grades[(notebook, cell.grade_id)][0]
                for o in outcomes
                if o.grades.get((notebook, cell.grade_id), (None,))[0] is not None
            ]
            n = len(scores)
            stats.append(
                QuestionStats(
                    notebook,
                    cell.grade_id,
                    cell.points,
                    n,
                    sum(scores) / n if n else None,
                    sum(s >= cell.points for s in scores) / n if n else None,
                )
            )
    return stats


def format_summary(assignment: str, outcomes: list[Outcome], stats: list[QuestionStats],
                   problems: Iterable[str] = ()) -> str:
    graded = [o for o in outcomes if o.graded]
    ungraded = [o for o in outcomes if not o.graded]
    lines = [
        f"{assignment}: {len(outcomes)} submission(s), {len(graded)} graded, "
        f"{len(ungraded)} ungraded",
    ]
    if ungraded:
        lines.append("Ungraded (not in the totals; the CSV says 'ungraded', never 0):")
        lines += [f"  {o.student}: {o.reason}" + (f" -- {o.detail}" if o.detail else "")
                  for o in sorted(ungraded, key=lambda o: o.student)]
    warned = [o for o in outcomes if o.warnings]
    if warned:
        lines.append("Warnings (graded unless listed above):")
        lines += [f"  {o.student}: {w}" for o in warned for w in o.warnings]
    problems = list(problems)
    if problems:
        lines.append("Files not used:")
        lines += [f"  {p}" for p in problems]
    lines.append("Per question (graded students; an item with low full-marks share may be broken "
                 "or too hard):")
    lines.append(f"  {'grade_id':<34} {'max':>4} {'n':>4} {'mean':>6} {'full marks':>10}")
    for s in stats:
        if s.n == 0:
            lines.append(f"  {s.grade_id:<34} {s.max_score:>4g} {0:>4}   (marked by hand)")
            continue
        lines.append(f"  {s.grade_id:<34} {s.max_score:>4g} {s.n:>4} {s.mean:>6.2f} "
                     f"{s.full_marks_share:>10.0%}")
    return "\n".join(lines)


def write_csv(path: Path, outcomes: list[Outcome], key: dict[str, list[GradedCell]]) -> None:
    """One row per student: status, reason, total and every item; ungraded is never 0.

    The file accumulates over runs: rows of students not in this run (an earlier batch) are kept,
    those of this run's students replaced. An existing file with other columns (another version
    of the assignment) is kept as ``<name>.previous.csv``, not overwritten.
    """
    items = [(nb, c.grade_id) for nb, cells in key.items() for c in cells if c.grade]
    header = ["student_id", "status", "reason", "auto_score", "max_score", "awaiting_manual",
              *[g for _, g in items]]
    max_total = sum(c.points for cells in key.values() for c in cells if c.grade)
    rows: dict[str, list[str]] = {}
    for o in outcomes:
        if not o.graded:
            reason = o.reason + (f": {o.detail}" if o.detail else "")
            rows[o.student] = [o.student, UNGRADED, reason, UNGRADED, f"{max_total:g}", "",
                               *[UNGRADED] * len(items)]
            continue
        cells = [o.grades.get(item, (None, 0.0))[0] for item in items]
        rows[o.student] = [
            o.student, "graded", "", f"{sum(s or 0 for s in cells):g}", f"{max_total:g}",
            str(sum(s is None for s in cells)), *["" if s is None else f"{s:g}" for s in cells],
        ]
    path = Path(path)
    if path.is_file():
        with open(path, newline="", encoding="utf-8", errors="replace") as fh:
            previous = list(csv.reader(fh))
        if previous and previous[0] == header:
            for row in previous[1:]:
                if row and row[0] not in rows:
                    rows[row[0]] = row
        elif previous:
            path.replace(path.with_name(path.stem + ".previous.csv"))
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows[s] for s in sorted(rows))
    tmp.replace(path)  # a crash mid-write never leaves half a file


class Progress:
    """A one-line text progress bar: rewritten in place on a terminal, one line per step if not."""

    def __init__(self, total: int, stream=None, width: int = 30):
        self.total, self.done, self.width = total, 0, width
        self.stream = stream if stream is not None else sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.monotonic()

    def line(self, label: str = "") -> str:
        filled = self.width * self.done // self.total if self.total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = time.monotonic() - self.start
        return f"[{bar}] {self.done}/{self.total} {elapsed:5.0f}s {label}"[:100]

    def step(self, label: str = "") -> None:
        self.done += 1
        if self.tty:
            self.stream.write("\r" + self.line(label).ljust(100))
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(self.line(label) + "\n")
        self.stream.flush()


# --------------------------------------------------------------------------------------------------
# Running nbgrader


def _nbgrader_env(extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("RADCOURSE_GRADEBOOK_URL", None)  # kernels must not learn where the real gradebook is
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(extra)
    return env


def _nbgrader_cmd(args: list[str], course: Path) -> list[str]:
    return [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}",
            f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}"]


def fast_gradebook_creation() -> None:
    """Make nbgrader read its schema version in-process when it creates a gradebook.

    nbgrader 0.9.6's ``Gradebook`` runs ``alembic heads`` in a subprocess for every new database
    (about 2.5 s here, twice per grading run); the answer is the head of nbgrader's own migration
    scripts, which alembic's ``ScriptDirectory`` reads in 0.1 s. Same value (a test compares
    them); if anything about it fails, nbgrader's own function stays.
    """
    import nbgrader
    import nbgrader.api as api

    if getattr(api.get_alembic_version, "radcourse", False):
        return
    try:
        from alembic.script import ScriptDirectory

        head = ScriptDirectory(str(Path(nbgrader.__file__).parent / "alembic")).get_current_head()
    except Exception:  # keep nbgrader's subprocess version
        return
    if head:
        def get_alembic_version() -> str:
            return head

        get_alembic_version.radcourse = True
        api.get_alembic_version = get_alembic_version


def make_template(course: Path, assignment: str, dest: Path, worker: Worker | None = None) -> Path:
    """A private course copy with the assignment in its own gradebook, without answer-key notebooks.

    Non-notebook files of ``source/<assignment>/`` (data) stay: nbgrader copies them next to each
    submission. The kernel spec used for grading is written under ``dest/jupyter``. With a
    ``worker``, ``generate_assignment`` runs there (nbgrader already imported) instead of in a new
    ``nbgrader`` process.
    """
    from nbgrader.api import Gradebook

    dest.mkdir(parents=True)
    shutil.copy2(course / "nbgrader_config.py", dest / "nbgrader_config.py")
    shutil.copytree(course / "source" / assignment, dest / "source" / assignment,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    fast_gradebook_creation()
    with Gradebook(f"sqlite:///{dest / 'gradebook.db'}"):  # created here, quickly
        pass
    if worker is not None:
        answer = worker.request({"action": "generate", "course": str(dest),
                                 "assignment": assignment, "piddir": str(dest)}, timeout=600)
        failed = answer is None or not answer["success"]
        log = (answer or {}).get("log", "the grading worker died")
    else:
        result = subprocess.run(
            _nbgrader_cmd(["generate_assignment", assignment, "--force"], dest), cwd=dest,
            env=_nbgrader_env({}), capture_output=True, text=True, check=False,
        )
        failed, log = result.returncode != 0, result.stderr
    if failed:
        raise GradingError(f"generate_assignment {assignment} failed:\n{log[-3000:]}")
    shutil.rmtree(dest / "release", ignore_errors=True)
    for nb in (dest / "source" / assignment).glob("*.ipynb"):
        nb.unlink()  # a submission must not be able to read the answer key from its course copy
    spec = dest / "jupyter" / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "radcourse.grading_worker", "-f", "{connection_file}"],
        "display_name": "radcourse grading (limited)",
        "language": "python",
    }))
    return dest


def _kill_tree(proc: subprocess.Popen | None, piddir: Path | None) -> None:
    """Kill a worker's process group and every kernel it started (kernels have their own)."""
    for pidfile in piddir.glob("kernel-*.pid") if piddir else ():
        try:
            pid = int(pidfile.read_text())
            # Only a kernel started for this submission (its environment names piddir): a pid
            # may have been reused by an unrelated process since.
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            if f"RADCOURSE_KERNEL_PIDDIR={piddir}".encode() in environ:
                os.killpg(pid, signal.SIGKILL)  # the kernel leads its own session and group
        except (ValueError, ProcessLookupError, PermissionError, OSError):
            pass
    if proc is not None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def classify_failure(log: str) -> str:
    """Why nbgrader could not grade a submission, from its log."""
    if "DeadKernelError" in log or "Kernel died" in log or "kernel died" in log:
        return KERNEL_DIED
    if "MemoryError" in log or "Cannot allocate memory" in log:
        return MEMORY
    if "CellTimeoutError" in log or "timed out" in log.lower():
        return TIMED_OUT
    return NBGRADER_FAILED


@dataclass
class Settings:
    assignment: str
    cell_timeout: int = 60
    memory_mb: int = 1024
    wall_timeout: int | None = None  # default: computed from the cell timeout

    def wall(self, n_cells: int) -> int:
        return self.wall_timeout or 120 + 3 * self.cell_timeout + 5 * n_cells


class Worker:
    """One ``grading_worker serve`` process, (re)started on demand, used by one thread at a time."""

    def __init__(self, template: Path, memory_mb: int, log_path: Path):
        self.template, self.log_path, self.proc = template, log_path, None
        self.env = _nbgrader_env({
            "JUPYTER_PATH": str(template / "jupyter"),
            "RADCOURSE_KERNEL_MEMORY_MB": str(memory_mb),
        })

    def start(self) -> subprocess.Popen:
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "radcourse.grading_worker", "serve"],
                cwd=self.template.parent,
                env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
                start_new_session=True,
            )
        return self.proc

    def request(self, request: dict, timeout: float) -> dict | None:
        """Send one request; the answer, or None if the worker died or ``timeout`` passed (the
        worker, its kernels included, is then killed and restarted by the next request)."""
        proc = self.proc if self.proc and self.proc.poll() is None else self.start()
        try:
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], timeout)
            line = proc.stdout.readline() if ready else ""
        except (BrokenPipeError, OSError):
            line = ""
        if line:
            return json.loads(line)
        self.kill(Path(request["piddir"]))
        return None

    def kill(self, piddir: Path | None = None) -> None:
        if self.proc is not None:
            _kill_tree(self.proc, piddir)
            self.proc.wait()
            self.proc = None

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None


def grade_one(student: str, files: dict[str, Path], template: Path, workroot: Path,
              settings: Settings, key: dict[str, list[GradedCell]], worker: Worker,
              timestamp: Path | None = None) -> Outcome:
    """Autograde one student in a fresh copy of ``template``; read the grades from its gradebook.
    ``timestamp``: the submission's ``timestamp.txt``, copied so nbgrader records the time."""
    course = workroot / student
    shutil.copytree(template, course, ignore=shutil.ignore_patterns("jupyter"))
    piddir = course / ".pids"
    piddir.mkdir()
    sub = course / "submitted" / student / settings.assignment
    sub.mkdir(parents=True)
    for name, path in files.items():
        shutil.copy2(path, sub / f"{name}.ipynb")
    if timestamp is not None:
        shutil.copy2(timestamp, sub / "timestamp.txt")
    n_cells = sum(len(c) for c in key.values())
    start = time.monotonic()
    answer = worker.request({
        "course": str(course), "assignment": settings.assignment, "student": student,
        "cell_timeout": settings.cell_timeout, "kernel_name": KERNEL_NAME, "piddir": str(piddir),
    }, settings.wall(n_cells))
    _kill_tree(None, piddir)  # no kernel of this submission outlives its grading
    outcome = Outcome(student, seconds=time.monotonic() - start,
                      log=(answer or {}).get("log", ""))
    done = all((course / "autograded" / student / settings.assignment / f"{nb}.ipynb").is_file()
               for nb in key)
    if answer is None:
        timed_out = outcome.seconds >= settings.wall(n_cells) - 1
        outcome.reason = TIMED_OUT if timed_out else NBGRADER_FAILED
        outcome.detail = (f"over {settings.wall(n_cells)} s in total" if timed_out
                          else "the grading worker died")
    elif not answer["success"] or not done:
        outcome.reason = classify_failure(outcome.log)
        outcome.detail = "nbgrader could not grade it"
    else:
        outcome.grades = read_grades(f"sqlite:///{course / 'gradebook.db'}", settings.assignment,
                                     student, key)
    return outcome


def read_grades(db_url: str, assignment: str, student: str, key: dict[str, list[GradedCell]]
                ) -> dict[tuple[str, str], tuple[float | None, float]]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(db_url) as gb:
        for nb, cells in key.items():
            for cell in cells:
                if cell.grade:
                    g = gb.find_grade(cell.grade_id, nb, assignment, student)
                    auto = None if g.auto_score is None and g.needs_manual_grade else g.auto_score
                    out[(nb, cell.grade_id)] = (auto, float(g.max_score))
    return out


# --------------------------------------------------------------------------------------------------
# The course gradebook (written by this process only)


def _assignment_shape(gb, assignment: str) -> dict:
    a = gb.find_assignment(assignment)
    return {(nb.name, gc.name): float(gc.max_score) for nb in a.notebooks for gc in nb.grade_cells}


def ensure_assignment(db_url: str, template_db: str, assignment: str) -> None:
    """Copy the assignment's definition into the course gradebook, or check it matches."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(template_db) as tpl, Gradebook(db_url) as gb:
        wanted = _assignment_shape(tpl, assignment)
        try:
            have = _assignment_shape(gb, assignment)
        except MissingEntry:
            have = None
        if have is not None and have != wanted:
            if have:
                raise GradingError(
                    f"the gradebook's {assignment} differs from source/{assignment} (grade cells "
                    f"or points): run `nbgrader generate_assignment {assignment} --force` first"
                )
        if have == wanted:
            return
        src = tpl.find_assignment(assignment)
        gb.update_or_create_assignment(assignment, duedate=src.duedate)
        for nb in src.notebooks:
            gb.update_or_create_notebook(nb.name, assignment)
            for c in nb.grade_cells:
                gb.update_or_create_grade_cell(c.name, nb.name, assignment,
                                               max_score=c.max_score, cell_type=c.cell_type)
            for c in nb.solution_cells:
                gb.update_or_create_solution_cell(c.name, nb.name, assignment)
            for c in nb.task_cells:
                gb.update_or_create_task_cell(c.name, nb.name, assignment,
                                              max_score=c.max_score, cell_type=c.cell_type)
            for c in nb.source_cells:
                gb.update_or_create_source_cell(c.name, nb.name, assignment, cell_type=c.cell_type,
                                                locked=c.locked, source=c.source,
                                                checksum=c.checksum)


def merge_student(gb, worker_db: str, assignment: str, student: str) -> int:
    """Copy one student's autograde results into ``gb``; returns the number of grades copied."""
    from nbgrader.api import Gradebook

    gb.update_or_create_student(student)
    n = 0
    with Gradebook(worker_db) as wgb:
        wsub = wgb.find_submission(assignment, student)
        gb.update_or_create_submission(assignment, student, timestamp=wsub.timestamp)
        for wnb in wsub.notebooks:
            for wg in wnb.grades:
                g = gb.find_grade(wg.name, wnb.name, assignment, student)
                g.auto_score, g.needs_manual_grade = wg.auto_score, wg.needs_manual_grade
                n += 1
            for wc in wnb.comments:
                gb.find_comment(wc.name, wnb.name, assignment, student).auto_comment = (
                    wc.auto_comment
                )
            snb = gb.find_submission_notebook(wnb.name, assignment, student)
            snb.flagged = wnb.flagged
    gb.db.commit()
    return n


def verify_merge(gb, assignment: str, outcomes: list[Outcome], key) -> list[str]:
    """Read every merged grade back: one row per graded cell, equal to the worker's value."""
    errors = []
    expected = {(nb, c.grade_id) for nb, cells in key.items() for c in cells if c.grade}
    for o in outcomes:
        if not o.graded:
            continue
        sub = gb.find_submission(assignment, o.student)
        rows = [(snb.name, g.name) for snb in sub.notebooks for g in snb.grades]
        if sorted(rows) != sorted(expected):
            errors.append(f"{o.student}: grade rows {sorted(rows)} != {sorted(expected)}")
        for snb in sub.notebooks:
            for g in snb.grades:
                auto = None if g.auto_score is None and g.needs_manual_grade else g.auto_score
                if o.grades.get((snb.name, g.name), ("missing",))[0] != auto:
                    errors.append(f"{o.student}/{g.name}: gradebook {auto} != graded "
                                  f"{o.grades.get((snb.name, g.name))}")
    return errors


ANSWER_KEY_STATE = "(answer key)"


def _alembic_on_path() -> None:
    """nbgrader's Gradebook runs the ``alembic`` command: find this interpreter's copy first."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bindir, os.environ.get("PATH", "")])


_STATE_QUERIES = {
    # Read with plain SQL (five queries, any backend; no UNION: PostgreSQL keeps enum types), not nbgrader's ORM (thousands of lazy loads).
    "grade cells": """
        SELECT n.name, bc.name, gc.max_score, gc.cell_type
        FROM grade_cells gc JOIN base_cell bc ON gc.id = bc.id
        JOIN notebook n ON bc.notebook_id = n.id JOIN assignment a ON n.assignment_id = a.id
        WHERE a.name = :assignment""",
    "source cells": """
        SELECT n.name, sc.name, sc.checksum, sc.locked
        FROM source_cell sc JOIN notebook n ON sc.notebook_id = n.id
        JOIN assignment a ON n.assignment_id = a.id WHERE a.name = :assignment""",
    "grades": """
        SELECT sa.student_id, n.name, bc.name, g.auto_score, g.manual_score, g.extra_credit,
               g.needs_manual_grade, sn.flagged, sa.timestamp
        FROM grade g JOIN submitted_notebook sn ON g.notebook_id = sn.id
        JOIN notebook n ON sn.notebook_id = n.id
        JOIN submitted_assignment sa ON sn.assignment_id = sa.id
        JOIN assignment a ON sa.assignment_id = a.id JOIN base_cell bc ON g.cell_id = bc.id
        WHERE a.name = :assignment""",
    "comments": """
        SELECT sa.student_id, n.name, bc.name, c.auto_comment, c.manual_comment
        FROM comment c JOIN submitted_notebook sn ON c.notebook_id = sn.id
        JOIN notebook n ON sn.notebook_id = n.id
        JOIN submitted_assignment sa ON sn.assignment_id = sa.id
        JOIN assignment a ON sa.assignment_id = a.id JOIN base_cell bc ON c.cell_id = bc.id
        WHERE a.name = :assignment""",
    "submissions": """
        SELECT sa.student_id, sa.timestamp FROM submitted_assignment sa
        JOIN assignment a ON sa.assignment_id = a.id WHERE a.name = :assignment""",
}


def assignment_state(db_url: str, assignment: str) -> dict[str, str]:
    """A digest of everything the gradebook holds for ``assignment``, per student.

    Keys: each student with a submission, and ``ANSWER_KEY_STATE`` for the cells' definitions
    (points, checksums). Taken before and after the submissions run, it shows whether anything
    (a submission that found the database, or a colleague) changed this assignment's grades in
    the meantime, and whose. Works on any backend; on SQLite the whole file is compared too.
    An empty dict if the gradebook has no such assignment (or no tables yet).
    """
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as con:
            if "grade" not in inspect(con).get_table_names():
                return {}
            rows = {name: [tuple(str(v) for v in r)
                           for r in con.execute(text(q), {"assignment": assignment})]
                    for name, q in _STATE_QUERIES.items()}
    finally:
        engine.dispose()
    if not rows["grade cells"]:
        return {}
    per_student: dict[str, list] = {s: [("submitted", t)] for s, t in rows["submissions"]}
    for kind in ("grades", "comments"):
        for row in rows[kind]:
            per_student.setdefault(row[0], []).append((kind, *row[1:]))
    digest = {k: hashlib.sha256(repr(sorted(v)).encode()).hexdigest()
              for k, v in per_student.items()}
    answer_key = sorted(rows["grade cells"]) + sorted(rows["source cells"])
    digest[ANSWER_KEY_STATE] = hashlib.sha256(repr(answer_key).encode()).hexdigest()
    return digest


def changed_states(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Keys whose digest differs (added, removed or changed), sorted."""
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _file_digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def normalise_db_url(db_url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg2 here (SQLAlchemy 2.1 would pick
    psycopg 3, which the course does not install); other URLs are returned unchanged."""
    return re.sub(r"^postgres(ql)?://", "postgresql+psycopg2://", db_url.strip())


def check_gradebook(db_url: str) -> None:
    """Open the gradebook once, so that a wrong URL or a missing driver is one clear error."""
    from nbgrader.api import Gradebook

    if db_url.startswith("postgresql+psycopg2://"):
        try:
            import psycopg2  # noqa: F401
        except ImportError as exc:
            raise GradingError("a PostgreSQL gradebook needs psycopg2: `make grade` installs it, "
                               "or `pip install 'radcourse[postgres]'`") from exc
    try:
        with Gradebook(db_url):
            pass
    except Exception as exc:  # SQLAlchemy/driver errors: connection refused, bad password, ...
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise GradingError(f"cannot open the gradebook {_redact(db_url)}: {first}") from exc


def _redact(db_url: str) -> str:
    """The URL without a password, for messages."""
    return re.sub(r"://([^:/@]+):[^@/]*@", r"://\1:***@", db_url)


def _sqlite_path(db_url: str) -> Path | None:
    return Path(db_url[len("sqlite:///"):]) if db_url.startswith("sqlite:///") else None


# --------------------------------------------------------------------------------------------------
# The whole run


@dataclass
class Report:
    outcomes: list[Outcome]
    stats: list[QuestionStats]
    problems: list[str]
    summary: str
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)  # checks, template, grading, merge (s)


def grade_cohort(assignment: str, submissions: Path, course: Path, *, workers: int | None = None,
                 cell_timeout: int = 60, memory_mb: int = 1024, wall_timeout: int | None = None,
                 db_url: str | None = None, csv_path: Path | None = None,
                 max_mb: int = DEFAULT_MAX_MB, progress_stream=None,
                 on_outcome: Callable[[Outcome], None] | None = None) -> Report:
    start = time.monotonic()
    _alembic_on_path()
    fast_gradebook_creation()
    course = Path(course).resolve()
    db_url = normalise_db_url(db_url or os.environ.get("RADCOURSE_GRADEBOOK_URL", "") or (
        f"sqlite:///{course / 'gradebook.db'}"))
    check_gradebook(db_url)
    key = read_answer_key(course, assignment)
    found = discover(Path(submissions), assignment, key)
    settings = Settings(assignment, cell_timeout, memory_mb, wall_timeout)
    outcomes: dict[str, Outcome] = {}
    to_grade: dict[str, dict[str, Path]] = {}
    for student, files in sorted(found.submissions.items()):
        outcome = Outcome(student)
        for nb in key:
            if nb not in files:
                outcome.reason, outcome.detail = MISSING_NOTEBOOK, f"{nb}.ipynb"
                break
            check = precheck(files[nb], key[nb], max_mb * 1024 * 1024)
            outcome.warnings += [f"{nb}: {w}" if len(key) > 1 else w for w in check.warnings]
            if check.reason:
                outcome.reason, outcome.detail = check.reason, check.detail
                break
        outcomes[student] = outcome
        if outcome.graded:
            to_grade[student] = {nb: files[nb] for nb in key}

    progress = Progress(len(outcomes), progress_stream)
    for o in outcomes.values():
        if not o.graded:
            progress.step(f"{o.student}: {o.reason}")
    phases = {"checks": time.monotonic() - start}
    with tempfile.TemporaryDirectory(prefix="radcourse-grading-") as tmp:
        template = Path(tmp) / "template"
        n_workers = max(1, min(workers or os.cpu_count() or 1, len(to_grade) or 1))
        idle: queue.Queue[Worker] = queue.Queue()
        try:
            for i in range(n_workers if to_grade else 0):
                worker = Worker(template, memory_mb, Path(tmp) / f"worker-{i}.log")
                worker.start()  # nbgrader's import in the workers overlaps the template build
                idle.put(worker)
            mark = time.monotonic()
            first = idle.get() if to_grade else None
            try:
                make_template(course, assignment, template, first)
            finally:
                if first is not None:
                    idle.put(first)
            ensure_assignment(db_url, f"sqlite:///{template / 'gradebook.db'}", assignment)
            sqlite_file = _sqlite_path(db_url)
            before_file = _file_digest(sqlite_file) if sqlite_file else None
            before = assignment_state(db_url, assignment)
            workroot = Path(tmp) / "work"
            workroot.mkdir()
            phases["template"], mark = time.monotonic() - mark, time.monotonic()

            def task(student: str, files: dict[str, Path]) -> Outcome:
                worker = idle.get()
                try:
                    return grade_one(student, files, template, workroot, settings, key, worker,
                                     found.timestamps.get(student))
                finally:
                    idle.put(worker)

            with ThreadPoolExecutor(max_workers=n_workers) as pool:
                futures = {pool.submit(task, s, f): s for s, f in to_grade.items()}
                for future in as_completed(futures):
                    student = futures[future]
                    try:
                        result = future.result()
                    except Exception as exc:  # a bug or a full disk: report, go on
                        result = Outcome(student, NBGRADER_FAILED, f"{type(exc).__name__}: {exc}")
                    result.warnings = outcomes[student].warnings + result.warnings
                    outcomes[student] = result
                    if on_outcome:
                        on_outcome(result)
                    progress.step(f"{student}: {'graded' if result.graded else result.reason}")
        finally:
            while not idle.empty():
                idle.get().close()
        phases["grading"], mark = time.monotonic() - mark, time.monotonic()
        changed = changed_states(before, assignment_state(db_url, assignment))
        if changed or (sqlite_file and _file_digest(sqlite_file) != before_file):
            whose = (f" ({assignment}: {', '.join(changed[:10])}"
                     f"{' ...' if len(changed) > 10 else ''})" if changed else "")
            raise GradingError(
                f"the gradebook {_redact(db_url)} changed while submissions were running{whose}; "
                "nothing was merged. If a colleague was marking at the same time, re-run when "
                "they have finished; if not, a submission may have written to it: compare with "
                "your backup before going on.")
        _merge_all(db_url, assignment, course, workroot, list(outcomes.values()), key)
        phases["merge"] = time.monotonic() - mark
    ordered = [outcomes[s] for s in sorted(outcomes)]
    stats = question_stats(ordered, key)
    if csv_path:
        write_csv(Path(csv_path), ordered, key)
    summary = format_summary(assignment, ordered, stats, found.problems)
    return Report(ordered, stats, found.problems, summary, time.monotonic() - start, phases)


def _merge_all(db_url: str, assignment: str, course: Path, workroot: Path,
               outcomes: list[Outcome], key) -> None:
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    with Gradebook(db_url) as gb, warnings.catch_warnings():
        # nbgrader 0.9.6's update_or_create_submission makes SQLAlchemy 2.1 warn about autoflush
        # of objects not yet in the session; verify_merge below checks the result row by row.
        warnings.simplefilter("ignore", SAWarning)
        for o in outcomes:
            gb.update_or_create_student(o.student)  # ungraded students are registered too
            if not o.graded:
                continue
            merge_student(gb, f"sqlite:///{workroot / o.student / 'gradebook.db'}", assignment,
                          o.student)
            for folder in ("submitted", "autograded"):
                dest = course / folder / o.student / assignment
                shutil.rmtree(dest, ignore_errors=True)
                shutil.copytree(workroot / o.student / folder / o.student / assignment, dest)
        gb.db.commit()
        errors = verify_merge(gb, assignment, outcomes, key)
    if errors:
        raise GradingError("the gradebook does not match the grading results:\n" +
                           "\n".join(errors[:20]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m radcourse.grading", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignment")
    parser.add_argument("--submissions", required=True, type=Path)
    parser.add_argument("--course", type=Path, default=Path("assessments"))
    parser.add_argument("--workers", type=int, default=None, help="default: number of CPUs")
    parser.add_argument("--cell-timeout", type=int, default=60)
    parser.add_argument("--memory-mb", type=int, default=1024, help="per kernel; 0 = no limit")
    parser.add_argument("--wall-timeout", type=int, default=None, help="seconds per submission")
    parser.add_argument("--max-mb", type=int, default=DEFAULT_MAX_MB, help="largest file accepted")
    parser.add_argument("--db-url", default=None,
                        help="default: $RADCOURSE_GRADEBOOK_URL or COURSE/gradebook.db")
    parser.add_argument("--csv", type=Path, default=None,
                        help="default: COURSE/grades-ASSIGNMENT.csv")
    args = parser.parse_args(argv)
    csv_path = args.csv or args.course / f"grades-{args.assignment}.csv"
    try:
        report = grade_cohort(
            args.assignment, args.submissions, args.course, workers=args.workers,
            cell_timeout=args.cell_timeout, memory_mb=args.memory_mb,
            wall_timeout=args.wall_timeout, db_url=args.db_url, csv_path=csv_path,
            max_mb=args.max_mb,
        )
    except GradingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.summary)
    times = ", ".join(f"{k} {v:.0f} s" for k, v in report.phases.items())
    print(f"CSV: {csv_path}  ({report.seconds:.0f} s: {times})")
    return 0 if all(o.graded for o in report.outcomes) else 3


if __name__ == "__main__":
    sys.exit(main())
