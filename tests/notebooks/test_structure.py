"""Every course notebook follows the house anatomy (STYLE.md) and is committed clean."""

import json
import subprocess

import pytest

from radcourse.tools.structure import check_notebook
from tests.conftest import REPO, notebook_params

NOTEBOOKS = notebook_params()


def test_there_are_notebooks_to_check():
    names = {p.values[0].name for p in NOTEBOOKS}
    assert "START_HERE.ipynb" in names


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_anatomy(path):
    report = check_notebook(path)
    assert report.ok, str(report)


def _tracked_notebooks():
    out = subprocess.run(
        ["git", "ls-files", "*.ipynb"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    on_disk = [p.relative_to(REPO).as_posix() for p in REPO.rglob("*.ipynb")
               if not {".venv", "dist", ".ipynb_checkpoints", "test-output"} & set(p.parts)
               and "release" not in p.relative_to(REPO).parts[:2]]
    return sorted(set(out) | set(on_disk))


@pytest.mark.parametrize("rel", _tracked_notebooks())
def test_committed_without_outputs(rel):
    nb = json.loads((REPO / rel).read_text(encoding="utf-8"))
    dirty = [
        i for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))
    ]
    assert not dirty, f"{rel}: cells {dirty} carry outputs or execution counts (run nbstripout)"
    widgets = nb.get("metadata", {}).get("widgets")
    assert not widgets, f"{rel}: notebook metadata holds saved widget state (run nbstripout)"
