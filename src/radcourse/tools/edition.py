"""Build the student edition: what Binder serves, with no answer keys and no hidden tests.

    python -m radcourse.tools.edition [--out dist/student] [--repo PATH]

The repository is the lecturer's edition: ``assessments/source/`` holds every answer key. The
student edition is a generated copy with

- ``modules/``, ``datasets/``, ``src/radcourse/``, ``binder/``, ``pyproject.toml``, ``README.md``,
  ``LICENSE`` and (if present) ``Makefile``, copied as they are;
- ``assessments/<id>/``: the *released* version of every assignment in ``assessments/source/<id>/``,
  made by ``nbgrader generate_assignment`` in a temporary copy of the course directory (the
  repository's ``assessments/`` and gradebook are never touched);
- nothing else: no ``assessments/source``, no nbgrader config, no gradebook, no tests.

Every text file of the result is then scanned for leaks (:func:`scan_for_leaks`): nbgrader's solution
and hidden-test markers, and *solution-only* strings, i.e. identifiers (4+ characters) and string
literals (6+ characters) that occur in an answer key's solution or hidden-test code but nowhere else
in that notebook, and sentences of model answers in written-answer cells. Any hit is an error: the
edition is deleted (unless ``--keep-on-leak``) and the command exits non-zero, listing file and
string. A hit can be a coincidence (a module that happens to use the same variable name as a
solution); rename one of the two.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import functools
import io
import json
import keyword
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

# What the edition holds (relative to the repository root), copied as is.
REQUIRED_ITEMS = (
    "modules",
    "datasets",
    "src/radcourse",
    "binder",
    "pyproject.toml",
    "README.md",
    "LICENSE",
)
OPTIONAL_ITEMS = ("Makefile",)
# Never copied, wherever they appear.
IGNORE_PATTERNS = (
    "__pycache__",
    "*.pyc",
    "*.pyo",
    ".ipynb_checkpoints",
    ".pytest_cache",
    ".ruff_cache",
    "*.egg-info",
    ".DS_Store",
    ".nbgrader.log",
)

# nbgrader's delimiters. Spelt in two halves so that this file, which ships in the edition inside
# src/radcourse, does not itself contain the strings the scan looks for.
_BEGIN, _END, _SOLUTION, _HIDDEN = "BEGIN", "END", "SOLUTION", "HIDDEN TESTS"
BEGIN_SOLUTION, END_SOLUTION = f"{_BEGIN} {_SOLUTION}", f"{_END} {_SOLUTION}"
BEGIN_HIDDEN, END_HIDDEN = f"{_BEGIN} {_HIDDEN}", f"{_END} {_HIDDEN}"
MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN)

MIN_IDENTIFIER = 4  # shorter names (tp, fn, ppv) are too common to mean anything
MIN_LITERAL = 6
MIN_SENTENCE = 40  # model-answer sentences shorter than this are too generic to search for

# A file in the output folder that marks it as a student edition, so that a later build may delete
# it; a non-empty folder without it is never deleted (protects against --out pointing somewhere
# precious).
STAMP = ".radcourse-student-edition"

_NOT_NAMES = set(keyword.kwlist) | set(keyword.softkwlist) | set(dir(builtins)) | {"self", "cls"}


@functools.cache
def _library_names() -> frozenset[str]:
    """Public API names of built-in types and the course's libraries (``append``, ``groupby``,
    ``roc_curve`` …): using one in a solution reveals nothing, so it is not a leak marker."""
    import math

    import numpy
    import pandas
    import sklearn.metrics
    import sklearn.model_selection

    spaces = (list, dict, str, set, tuple, int, float, bytes, math, numpy, numpy.ndarray, pandas,
              pandas.DataFrame, pandas.Series, sklearn.metrics, sklearn.model_selection)
    return frozenset(n for space in spaces for n in dir(space) if not n.startswith("_"))
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COMMENT = re.compile(r"#.*$", re.M)
_QUOTED = re.compile(r"""(?:'([^'\\\n]*)'|"([^"\\\n]*)")""")
_STRING_BODY = re.compile(r"""^[rRbBuUfF]*('''|\"\"\"|'|")(.*)\1$""", re.S)


class EditionError(RuntimeError):
    """The student edition could not be built."""


class LeakError(EditionError):
    """The student edition would contain answer-key material."""

    def __init__(self, leaks: list[str], out: Path, kept: bool):
        self.leaks = leaks
        fate = f"left in {out} for inspection" if kept else "deleted"
        shown = "\n".join(f"  - {leak}" for leak in leaks[:50])
        more = f"\n  ... and {len(leaks) - 50} more" if len(leaks) > 50 else ""
        super().__init__(
            f"the student edition would leak answer-key material ({len(leaks)} finding(s); the "
            f"output was {fate}; do not publish it):\n{shown}{more}\n"
            "Each line names a file of the edition and the string found in it. Markers and "
            "solution-only strings must not appear anywhere in the edition; if a hit is a "
            "coincidence (a module uses the same name as a solution), rename one of the two."
        )


# --------------------------------------------------------------------------------------------------
# What an answer key protects


@dataclass
class ProtectedText:
    """A source notebook split into what nbgrader removes from the release and what it keeps."""

    solution_code: list[str] = field(default_factory=list)  # code solution regions / cells
    solution_prose: list[str] = field(default_factory=list)  # markdown model answers
    hidden_tests: list[str] = field(default_factory=list)  # hidden-test regions
    public: list[str] = field(default_factory=list)  # everything students see

    @property
    def public_text(self) -> str:
        return "\n".join(self.public)


def _split_regions(source: str, begin: str, end: str) -> tuple[list[str], list[str]]:
    """Split ``source`` into (inside, outside) chunks of lines; marker lines belong to neither."""
    inside: list[str] = []
    outside: list[str] = []
    current: list[str] = []
    in_region = False
    for line in source.split("\n"):
        if begin in line:
            outside.append("\n".join(current))
            current, in_region = [], True
        elif end in line and in_region:
            inside.append("\n".join(current))
            current, in_region = [], False
        else:
            current.append(line)
    if in_region:  # unterminated region: nbgrader refuses it too; treat the rest as protected
        inside.append("\n".join(current))
    else:
        outside.append("\n".join(current))
    return inside, outside


def split_protected(nb: nbformat.NotebookNode) -> ProtectedText:
    """Classify every cell's text the way ``nbgrader generate_assignment`` treats it."""
    parts = ProtectedText()
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        source = cell.get("source", "")
        is_solution = bool(meta.get("solution"))
        if BEGIN_SOLUTION in source:
            inside, outside = _split_regions(source, BEGIN_SOLUTION, END_SOLUTION)
            target = parts.solution_code if cell.cell_type == "code" else parts.solution_prose
            target.extend(inside)
            source = "\n".join(outside)
        elif is_solution:  # a solution cell without regions is replaced whole
            target = parts.solution_code if cell.cell_type == "code" else parts.solution_prose
            target.append(source)
            continue
        if BEGIN_HIDDEN in source:
            inside, outside = _split_regions(source, BEGIN_HIDDEN, END_HIDDEN)
            parts.hidden_tests.extend(inside)
            source = "\n".join(outside)
        parts.public.append(source)
    return parts


def _code_names_and_literals(code: str) -> tuple[set[str], set[str]]:
    """Identifiers and string-literal values in ``code`` (comments ignored)."""
    names: set[str] = set()
    literals: set[str] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(textwrap.dedent(code)).readline):
            if tok.type == tokenize.NAME:
                names.add(tok.string)
            elif tok.type == tokenize.STRING:
                try:
                    value = ast.literal_eval(tok.string)
                except (ValueError, SyntaxError):  # an f-string: keep its text, braces and all
                    match = _STRING_BODY.match(tok.string)
                    value = match.group(2) if match else tok.string
                if isinstance(value, str):
                    literals.add(value)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        # A fragment that does not tokenise (for example a region inside brackets): fall back to
        # a plain scan with comments removed.
        stripped = _COMMENT.sub("", code)
        literals.update(a or b for a, b in _QUOTED.findall(stripped))
        names.update(_IDENTIFIER.findall(_QUOTED.sub("", stripped)))
    return names, literals


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _word_in(name: str, text: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text) is not None


def _sentences(prose: str) -> list[str]:
    """Sentences of ``prose``, verbatim (markdown included) with whitespace normalised."""
    return [s for s in re.split(r"(?<=[.!?])\s+", _normalise(prose)) if s]


def solution_only_strings(nb: nbformat.NotebookNode) -> set[str]:
    """Strings that occur in the notebook's protected parts and nowhere in its public parts.

    - identifiers of at least 4 characters (Python keywords and built-ins excluded) and string
      literals of at least 6 characters from solution code and hidden tests;
    - sentences of at least 40 characters from markdown model answers.
    """
    parts = split_protected(nb)
    public = parts.public_text
    library_names = _library_names()
    public_normalised = _normalise(public)
    found: set[str] = set()
    for code in parts.solution_code + parts.hidden_tests:
        names, literals = _code_names_and_literals(code)
        for name in names:
            if (
                len(name) >= MIN_IDENTIFIER
                and name not in _NOT_NAMES
                and name not in library_names
                and not _word_in(name, public)
            ):
                found.add(name)
        for literal in literals:
            text = _normalise(literal)
            if len(text) >= MIN_LITERAL and text not in public_normalised:
                found.add(text)
    for prose in parts.solution_prose:
        for sentence in _sentences(prose):
            if len(sentence) >= MIN_SENTENCE and sentence not in public_normalised:
                found.add(sentence)
    return found


def source_notebooks(assessments: Path) -> list[Path]:
    """Every answer-key notebook under ``assessments/source/<id>/``."""
    source = Path(assessments) / "source"
    return sorted(p for p in source.glob("*/**/*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def forbidden_strings(assessments: Path) -> set[str]:
    """nbgrader's markers plus the solution-only strings of every answer key."""
    forbidden = set(MARKERS)
    for path in source_notebooks(assessments):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # invalid JSON or notebook format: say which file
            raise EditionError(f"cannot read answer key {path}: {exc}") from exc
        forbidden |= solution_only_strings(nb)
    return forbidden


# --------------------------------------------------------------------------------------------------
# Scanning


def _json_strings(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _read_text(path: Path) -> str | None:
    """The file's text (for JSON files, plus the decoded string values), or None if binary."""
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if path.suffix in {".ipynb", ".json"}:
        try:
            text += "\n" + "\n".join(_json_strings(json.loads(text)))
        except json.JSONDecodeError:
            pass
    return text


def scan_for_leaks(root: str | os.PathLike, forbidden: Iterable[str]) -> list[str]:
    """Return ``"<file>: contains <string>"`` for every forbidden string in every text file.

    A forbidden string that is a Python identifier matches as a whole word; any other string
    matches as a substring, with runs of whitespace treated as one space. Binary files (NUL bytes
    or not UTF-8) are skipped; JSON and notebooks are also searched after decoding, so that
    escaped quotes cannot hide a sentence.
    """
    root = Path(root)
    words = sorted(s for s in forbidden if s.isidentifier())
    phrases = sorted({_normalise(s) for s in forbidden if not s.isidentifier()} - {""})
    word_re = (
        re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, words)) + r")(?![A-Za-z0-9_])")
        if words
        else None
    )
    findings: list[str] = []
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for path in files:
        text = _read_text(path)
        if text is None:
            continue
        rel = path.name if path == root else path.relative_to(root).as_posix()
        hits = set(word_re.findall(text)) if word_re else set()
        normalised = _normalise(text)
        hits.update(p for p in phrases if p in normalised)
        findings.extend(f"{rel}: contains {hit!r}" for hit in sorted(hits))
    return findings


# --------------------------------------------------------------------------------------------------
# Building


def default_repo() -> Path:
    """The repository this package was installed (editable) from."""
    return Path(__file__).resolve().parents[3]


def nbgrader_env() -> dict[str, str]:
    """Environment for nbgrader subprocesses: this interpreter's bin first, no shared gradebook."""
    env = dict(os.environ)
    env.pop("RADCOURSE_GRADEBOOK_URL", None)  # builds and tests never write to a real gradebook
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run_nbgrader(args: list[str], course_dir: Path) -> subprocess.CompletedProcess:
    """Run ``nbgrader <args>`` in ``course_dir`` with a private gradebook; raise on failure."""
    cmd = [
        sys.executable,
        "-m",
        "nbgrader",
        *args,
        f"--CourseDirectory.root={course_dir}",
        f"--CourseDirectory.db_url=sqlite:///{course_dir / 'gradebook.db'}",
    ]
    result = subprocess.run(
        cmd, cwd=course_dir, env=nbgrader_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-25:])
        raise EditionError(
            f"`nbgrader {' '.join(args)}` failed (exit {result.returncode}):\n{tail}"
        )
    return result


def assignment_ids(assessments: Path) -> list[str]:
    source = Path(assessments) / "source"
    if not source.is_dir():
        return []
    return sorted(
        p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )


def release_assignments(assessments: Path, dest: Path) -> list[str]:
    """Release every assignment into ``dest/<id>/`` via a temporary copy of the course folder."""
    assessments = Path(assessments)
    config = assessments / "nbgrader_config.py"
    if not config.is_file():
        raise EditionError(f"{config} is missing: it is needed to release the assignments")
    ids = assignment_ids(assessments)
    with tempfile.TemporaryDirectory(prefix="radcourse-edition-") as tmp:
        course = Path(tmp)
        shutil.copy2(config, course / "nbgrader_config.py")
        if ids:
            shutil.copytree(
                assessments / "source",
                course / "source",
                ignore=shutil.ignore_patterns(*IGNORE_PATTERNS),
            )
        for assignment in ids:
            run_nbgrader(["generate_assignment", assignment, "--force"], course)
            released = course / "release" / assignment
            if not any(released.glob("*.ipynb")):
                raise EditionError(f"nbgrader released no notebook for assignment {assignment!r}")
            shutil.copytree(
                released, dest / assignment, ignore=shutil.ignore_patterns(*IGNORE_PATTERNS)
            )
    return ids


def _prepare_out(repo: Path, out: Path) -> None:
    if out == repo or repo.is_relative_to(out):
        raise EditionError(f"refusing to build into {out}: it contains the repository")
    for item in REQUIRED_ITEMS + OPTIONAL_ITEMS + ("assessments",):
        if out.is_relative_to(repo / item):
            raise EditionError(f"refusing to build into {out}: it is inside {repo / item}")
    if out.exists():
        if not out.is_dir():
            raise EditionError(f"{out} exists and is not a folder")
        if any(out.iterdir()) and not (out / STAMP).exists():
            raise EditionError(
                f"{out} is not empty and was not made by this tool (no {STAMP} file); "
                "choose another --out or empty it yourself"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / STAMP).write_text(
        "Generated by `python -m radcourse.tools.edition`; rebuilt from scratch on every run.\n",
        encoding="utf-8",
    )


def build_student_edition(
    repo: str | os.PathLike,
    out: str | os.PathLike,
    *,
    keep_on_leak: bool = False,
    quiet: bool = False,
) -> Path:
    """Build the student edition of ``repo`` into ``out`` (emptied first) and return ``out``.

    Raises :class:`EditionError` if something required is missing or nbgrader fails, and
    :class:`LeakError` (after deleting ``out`` unless ``keep_on_leak``) if the scan finds
    answer-key material.
    """
    repo = Path(repo).resolve()
    out = Path(out).resolve()
    if not (repo / "pyproject.toml").is_file() or not (repo / "assessments").is_dir():
        raise EditionError(
            f"{repo} does not look like the radcourse repository "
            "(no pyproject.toml or assessments/); pass --repo"
        )
    missing = [item for item in REQUIRED_ITEMS if not (repo / item).exists()]
    if missing:
        raise EditionError(f"{repo} lacks {', '.join(missing)}, which the student edition needs")

    _prepare_out(repo, out)
    ignore = shutil.ignore_patterns(*IGNORE_PATTERNS)
    for item in REQUIRED_ITEMS + OPTIONAL_ITEMS:
        src = repo / item
        if src.is_dir():
            shutil.copytree(src, out / item, ignore=ignore)
        elif src.is_file():
            (out / item).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, out / item)
    assessments_out = out / "assessments"
    assessments_out.mkdir()
    ids = release_assignments(repo / "assessments", assessments_out)

    forbidden = forbidden_strings(repo / "assessments")
    leaks = scan_for_leaks(out, forbidden)
    if leaks:
        if not keep_on_leak:
            shutil.rmtree(out)
        raise LeakError(leaks, out, kept=keep_on_leak)

    if not quiet:
        n_files = sum(1 for p in out.rglob("*") if p.is_file() and p.name != STAMP)
        released = ", ".join(ids) if ids else "none"
        print(
            f"Student edition in {out}: {n_files} files, {len(ids)} assignment(s) released "
            f"({released}); leak scan clean ({len(forbidden)} forbidden strings)."
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m radcourse.tools.edition",
        description="Build the student edition (what Binder serves): modules, datasets, the "
        "radcourse package and released assignments, with no answer keys.",
    )
    parser.add_argument(
        "--repo",
        type=Path,
        default=None,
        help="repository root (default: the one radcourse is installed from)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder, emptied first (default: <repo>/dist/student)",
    )
    parser.add_argument(
        "--keep-on-leak",
        action="store_true",
        help="keep the output for inspection when the leak scan fails",
    )
    args = parser.parse_args(argv)
    repo = (args.repo or default_repo()).resolve()
    out = args.out if args.out is not None else repo / "dist" / "student"
    try:
        build_student_edition(repo, out, keep_on_leak=args.keep_on_leak)
    except EditionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
