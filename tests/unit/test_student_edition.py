"""radcourse.tools.edition: the student edition holds no answer keys, and the scan proves it.

Fast tests exercise the leak scan on planted leaks; the slow ones build real editions (the CLI
on this repository, and the library on a small synthetic repository with a planted leak).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from radcourse.tools import edition
from radcourse.tools.edition import (
    BEGIN_SOLUTION,
    MARKERS,
    STAMP,
    EditionError,
    LeakError,
    build_student_edition,
    forbidden_strings,
    scan_for_leaks,
    solution_only_strings,
)

REPO = Path(__file__).resolve().parents[2]


def grade_meta(grade_id, *, grade=False, solution=False, locked=False, points=None):
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def answer_key() -> nbformat.NotebookNode:
    """A tiny but valid nbgrader source notebook with one of everything."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cells = [
        nbformat.v4.new_markdown_cell(
            "# Tiny\n\nWrite `double(x)`; in the test, `result` holds the answer.",
            metadata=grade_meta("tiny-question", locked=True),
        ),
        nbformat.v4.new_code_cell(
            "def double(x):\n"
            "    ### BEGIN SOLUTION\n"
            "    twice_the_input = x + x  # a comment is not an identifier\n"
            "    return twice_the_input\n"
            "    ### END SOLUTION",
            metadata=grade_meta("tiny-answer", solution=True),
        ),
        nbformat.v4.new_code_cell(
            "result = double(2)\n"
            "assert result == 4\n"
            "### BEGIN HIDDEN TESTS\n"
            "secret_cases = {'edge-case label': 0}\n"
            "assert double(0) == 0\n"
            "### END HIDDEN TESTS",
            metadata=grade_meta("tiny-test", grade=True, locked=True, points=1),
        ),
        nbformat.v4.new_markdown_cell(
            "The model answer says that doubling a number is the same as adding it to itself.",
            metadata=grade_meta("tiny-written", grade=True, solution=True, points=1),
        ),
    ]
    nb.cells = cells
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    return nb


# --------------------------------------------------------------------------------------------------
# Fast: what is protected, and the scan


def test_solution_only_strings_of_a_tiny_key():
    found = solution_only_strings(answer_key())
    assert found == {
        "twice_the_input",  # solution-only identifier
        "secret_cases",  # hidden-test identifier
        "edge-case label",  # hidden-test string literal
        "The model answer says that doubling a number is the same as adding it to itself.",
    }
    # `double` and `result` appear in the question; `comment` only in a comment; `x` is short.


def test_forbidden_strings_cover_the_real_answer_keys():
    forbidden = forbidden_strings(REPO / "assessments")
    assert set(MARKERS) <= forbidden
    # The demo's written model answer is protected sentence by sentence.
    assert any(s.startswith("**Model answer.**") for s in forbidden)


@pytest.fixture
def clean_tree(tmp_path):
    root = tmp_path / "edition"
    (root / "modules").mkdir(parents=True)
    (root / "modules" / "notes.md").write_text("Doubling: use double(x).\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("double(2)")])
    nbformat.write(nb, root / "modules" / "lesson.ipynb")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00 twice_the_input BEGIN SOLUTION")
    return root


FORBIDDEN = solution_only_strings(answer_key()) | set(MARKERS)


def test_scan_finds_nothing_in_a_clean_tree(clean_tree):
    # The PNG holds forbidden bytes but is binary, so it is skipped.
    assert scan_for_leaks(clean_tree, FORBIDDEN) == []


@pytest.mark.parametrize(
    ("planted", "expected"),
    [
        ("    ### BEGIN SOLUTION\n", "BEGIN SOLUTION"),
        ("# END HIDDEN TESTS", "END HIDDEN TESTS"),
        ("y = twice_the_input * 2\n", "twice_the_input"),
        ("labels = ['edge-case label']\n", "edge-case label"),
        (
            "The model answer says that doubling a number\nis the same as adding it to itself.",
            "The model answer says that doubling a number is the same as adding it to itself.",
        ),
    ],
)
def test_scan_reports_a_planted_leak(clean_tree, planted, expected):
    (clean_tree / "modules" / "helper.py").write_text(planted, encoding="utf-8")
    assert scan_for_leaks(clean_tree, FORBIDDEN) == [f"modules/helper.py: contains {expected!r}"]


def test_scan_sees_through_notebook_json_escaping(clean_tree):
    # In the .ipynb JSON the quotes of this sentence are escaped; the scan decodes the JSON too.
    sentence = 'If that is true, it is called a "false positive" and means extra tests.'
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(sentence)])
    nbformat.write(nb, clean_tree / "modules" / "leaky.ipynb")
    assert '\\"false positive\\"' in (clean_tree / "modules" / "leaky.ipynb").read_text()
    assert scan_for_leaks(clean_tree, {sentence}) == [f"modules/leaky.ipynb: contains {sentence!r}"]


def test_identifiers_match_whole_words_only(clean_tree):
    (clean_tree / "a.py").write_text("my_twice_the_input_2 = 1\n", encoding="utf-8")
    assert scan_for_leaks(clean_tree, {"twice_the_input"}) == []
    (clean_tree / "b.py").write_text("print(twice_the_input)\n", encoding="utf-8")
    assert scan_for_leaks(clean_tree, {"twice_the_input"}) == ["b.py: contains 'twice_the_input'"]


def test_this_module_does_not_contain_the_markers_it_scans_for():
    # edition.py ships inside src/radcourse, so it must pass its own scan.
    assert scan_for_leaks(Path(edition.__file__), MARKERS) == []


def test_refuses_to_wipe_a_folder_it_did_not_make(tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.docx").write_text("years of work")
    with pytest.raises(EditionError, match="not made by this tool"):
        build_student_edition(REPO, precious, quiet=True)
    assert (precious / "thesis.docx").exists()
    with pytest.raises(EditionError, match="contains the repository"):
        build_student_edition(REPO, REPO, quiet=True)
    with pytest.raises(EditionError, match="inside"):
        build_student_edition(REPO, REPO / "modules" / "out", quiet=True)


# --------------------------------------------------------------------------------------------------
# Slow: real builds

EXPECTED = (
    "modules",
    "datasets/manifest.json",
    "src/radcourse",
    "binder/requirements.txt",
    "pyproject.toml",
    "README.md",
    "LICENSE",
)


def files_under(path: Path) -> set[str]:
    ignored = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".DS_Store"}
    return {
        p.relative_to(path).as_posix()
        for p in path.rglob("*")
        if p.is_file() and not ignored & set(p.parts) and p.suffix not in {".pyc", ".pyo"}
    }


@pytest.fixture(scope="module")
def real_edition(tmp_path_factory):
    """This repository's edition, built through the command line."""
    out = tmp_path_factory.mktemp("student") / "edition"
    result = subprocess.run(
        [sys.executable, "-m", "radcourse.tools.edition", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path_factory.getbasetemp(),
    )
    assert result.returncode == 0, result.stderr
    return out, result.stdout


@pytest.mark.slow
def test_cli_prints_a_one_line_summary(real_edition):
    out, stdout = real_edition
    lines = stdout.strip().splitlines()
    assert len(lines) == 1 and "leak scan clean" in lines[0], stdout
    n_assignments = len(edition.assignment_ids(REPO / "assessments"))
    assert f"{n_assignments} assignment(s) released" in lines[0]


@pytest.mark.slow
def test_edition_contains_the_course_and_released_assignments(real_edition):
    out, _ = real_edition
    for item in EXPECTED:
        assert (out / item).exists(), f"{item} missing from the student edition"
    for item in edition.REQUIRED_ITEMS + edition.OPTIONAL_ITEMS:
        src = REPO / item
        if src.is_dir():
            assert files_under(out / item) == files_under(src), item
        elif src.is_file():
            assert (out / item).read_bytes() == src.read_bytes(), item
    for assignment in edition.assignment_ids(REPO / "assessments"):
        sources = sorted(p.name for p in (REPO / "assessments/source" / assignment).glob("*.ipynb"))
        released = sorted(p.name for p in (out / "assessments" / assignment).glob("*.ipynb"))
        assert released == sources, assignment
        for name in released:
            nb = nbformat.read(out / "assessments" / assignment / name, as_version=4)
            stubs = [c for c in nb.cells if "raise NotImplementedError()" in c.source]
            assert stubs, f"{assignment}/{name} does not look like a release"


@pytest.mark.slow
def test_edition_holds_nothing_else(real_edition):
    out, _ = real_edition
    top = {p.name for p in out.iterdir()}
    allowed = {item.split("/")[0] for item in edition.REQUIRED_ITEMS + edition.OPTIONAL_ITEMS}
    assert top <= allowed | {"assessments", STAMP}, top - allowed
    assessments = {p.name for p in (out / "assessments").iterdir()}
    assert assessments == set(edition.assignment_ids(REPO / "assessments"))
    for name in ("source", "release", "nbgrader_config.py", "gradebook.db", ".nbgrader.log"):
        assert not list(out.rglob(name)), f"{name} must not be in the student edition"
    assert not (out / "tests").exists()


@pytest.mark.slow
def test_edition_passes_the_leak_scan(real_edition):
    out, _ = real_edition
    assert scan_for_leaks(out, forbidden_strings(REPO / "assessments")) == []


def synthetic_repo(root: Path) -> Path:
    """A minimal repository: the real package, one tiny assignment, placeholder course files."""
    for d in ("modules", "datasets", "binder", "assessments/source/tiny"):
        (root / d).mkdir(parents=True)
    (root / "modules" / "START_HERE.md").write_text("Start here.\n")
    (root / "datasets" / "manifest.json").write_text(json.dumps({"files": []}))
    (root / "binder" / "requirements.txt").write_text("nbgrader==0.9.6\n")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, root / name)
    shutil.copytree(
        REPO / "src" / "radcourse",
        root / "src" / "radcourse",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy2(REPO / "assessments" / "nbgrader_config.py", root / "assessments")
    nbformat.write(answer_key(), root / "assessments/source/tiny/tiny.ipynb")
    return root


@pytest.mark.slow
def test_build_rejects_a_leak_and_is_idempotent(tmp_path):
    repo = synthetic_repo(tmp_path / "repo")
    out = tmp_path / "out"
    out.mkdir()  # an earlier edition: stamped, with a file the new build must not keep
    (out / STAMP).write_text("")
    (out / "stray.txt").write_text("left over from an old build")

    built = build_student_edition(repo, out, quiet=True)
    assert built == out.resolve() and not (out / "stray.txt").exists()
    released = (built / "assessments/tiny/tiny.ipynb").read_text()
    assert "twice_the_input" not in released and BEGIN_SOLUTION not in released
    assert "raise NotImplementedError()" in released
    assert (built / "datasets/manifest.json").exists()
    assert not (repo / "assessments" / "release").exists(), "the repository was written to"
    assert not (repo / "assessments" / "gradebook.db").exists(), "the repository was written to"

    # A module that quotes a solution-only name: the build fails and deletes its output...
    (repo / "modules" / "cheat.py").write_text("twice_the_input = 2 * x\n")
    with pytest.raises(LeakError) as err:
        build_student_edition(repo, out, quiet=True)
    assert err.value.leaks == ["modules/cheat.py: contains 'twice_the_input'"]
    assert "modules/cheat.py: contains 'twice_the_input'" in str(err.value)
    assert not out.exists()
    # ... unless asked to keep it for inspection.
    with pytest.raises(LeakError):
        build_student_edition(repo, out, quiet=True, keep_on_leak=True)
    assert (out / "modules" / "cheat.py").exists()
