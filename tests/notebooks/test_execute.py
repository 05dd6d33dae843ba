"""Every course notebook runs top to bottom headless with FAST = True — no skip list."""

import pytest

from radcourse.tools.notebooks import execute_notebook
from tests.conftest import notebook_params


@pytest.mark.slow
@pytest.mark.parametrize("path", notebook_params())
def test_executes_with_fast(path):
    is_assessment = "assessments" in path.parts
    nb = execute_notebook(path, fast=True, timeout=600, require_parameters=not is_assessment)
    errors = [
        out for cell in nb.cells if cell.cell_type == "code"
        for out in cell.get("outputs", []) if out.get("output_type") == "error"
    ]
    assert not errors
