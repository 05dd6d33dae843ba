"""Shared fixtures: the repository root and the list of course notebooks."""

from pathlib import Path

import pytest

from radcourse.tools.structure import course_notebooks

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def notebook_params() -> list:
    """Every course notebook as a pytest param with a readable id (collection-time helper)."""
    return [pytest.param(p, id=str(p.relative_to(REPO))) for p in course_notebooks(REPO)]
