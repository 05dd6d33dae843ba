"""Run course notebooks headless, the way the tests and benchmarks do.

A notebook's ``parameters``-tagged cell holds ``FAST = False``; :func:`execute_notebook` injects
``FAST = True`` straight after it (as papermill does) so that slow sections take their short branch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import nbformat
from nbclient import NotebookClient

PARAMETERS_TAG = "parameters"


class NotebookStructureError(ValueError):
    """A notebook lacks something the runner needs (for example the parameters cell)."""


def parameters_index(nb: nbformat.NotebookNode) -> int | None:
    """Index of the first code cell tagged ``parameters``, or ``None``."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            return i
    return None


def inject_parameters(nb: nbformat.NotebookNode, **params) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` with ``params`` assigned in a new cell after the parameters cell."""
    nb = nbformat.from_dict(nb)  # deep copy
    idx = parameters_index(nb)
    if idx is None:
        raise NotebookStructureError("no code cell is tagged 'parameters' (it should hold FAST = False)")
    src = "\n".join(f"{k} = {v!r}" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(src, metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(idx + 1, cell)
    return nb


def execute_notebook(
    path: str | os.PathLike,
    *,
    fast: bool = True,
    timeout: int = 600,
    cwd: str | os.PathLike | None = None,
    extra_cells: Iterable[str] = (),
    require_parameters: bool = True,
    kernel_name: str = "python3",
) -> nbformat.NotebookNode:
    """Execute the notebook at ``path`` and return the executed copy (the file is not changed).

    ``fast`` is injected as ``FAST`` after the parameters cell; ``extra_cells`` are appended as
    code cells at the end (the benchmarks use this to read the kernel's peak memory).
    Raises ``nbclient.exceptions.CellExecutionError`` naming the failing cell on any error.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    if parameters_index(nb) is not None:
        nb = inject_parameters(nb, FAST=fast)
    elif require_parameters:
        raise NotebookStructureError(f"{path}: no code cell is tagged 'parameters'")
    for src in extra_cells:
        nb.cells.append(nbformat.v4.new_code_cell(src))
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(cwd or path.parent)}},
    )
    client.execute()
    return nb
