"""Notebook benchmarks: FAST execution time against an empty notebook, and the kernel's peak
memory against the 400 MB budget (Binder caps a user at 2 GB).

Each notebook runs ``repeat`` times through :func:`radcourse.tools.notebooks.execute_notebook`
with ``fast=True``; the runs are interleaved with the empty notebook's (kernel start + shutdown
floor) so that both see the same machine load. A cell appended to every run prints the kernel's
peak RSS (``ru_maxrss``, KiB on Linux) as JSON after a marker, parsed from the executed copy.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Iterable
from pathlib import Path

import nbformat

from benchmarks.common import Context, Row, median, register
from radcourse.tools.structure import course_notebooks

TIME_TARGET = 3.0  # × the empty notebook's wall time
MEMORY_BUDGET_MB = 400.0
MEMORY_MARKER = "RADCOURSE_BENCH_MEMORY"
MEMORY_CELL = (
    "import json as _rc_json, resource as _rc_resource\n"
    f"print({MEMORY_MARKER!r}, _rc_json.dumps("
    "{'maxrss_kib': _rc_resource.getrusage(_rc_resource.RUSAGE_SELF).ru_maxrss}))"
)
EMPTY_NAME = "empty notebook (floor)"
# A second, informative floor: a notebook that only imports the scientific stack the modules use.
# Importing scikit-learn, pandas and matplotlib costs about twice the empty notebook's whole run on
# this machine, so the ratio against this floor shows what a notebook's own cells cost.
STACK_NAME = "stack-import notebook (informative floor)"
STACK_IMPORTS = "import matplotlib.pyplot\nimport pandas\nimport sklearn.metrics\nimport ipywidgets"


def is_assessment(path: Path, repo: Path) -> bool:
    return path.resolve().is_relative_to((repo / "assessments").resolve())


def write_empty_notebook(folder: Path, imports: str = "", name: str = "empty") -> Path:
    """An empty notebook holding only the parameters cell ``FAST = False`` (and ``imports``)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell("FAST = False", metadata={"tags": ["parameters"]})]
    if imports:
        nb.cells.append(nbformat.v4.new_code_cell(imports))
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def parse_memory_text(text: str) -> int:
    """Peak RSS in KiB from the memory cell's printed line (the last marker line wins)."""
    for line in reversed(text.splitlines()):
        if line.startswith(MEMORY_MARKER):
            payload = json.loads(line[len(MEMORY_MARKER) :].strip())
            return int(payload["maxrss_kib"])
    raise ValueError(f"no {MEMORY_MARKER} line in the output")


def stream_text(nb) -> str:
    """All stdout text of an executed notebook, in cell order."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                text = out.get("text", "")
                parts.append("".join(text) if isinstance(text, list) else text)
    return "".join(parts)


def peak_memory_kib(nb) -> int:
    return parse_memory_text(stream_text(nb))


def run_once(path: Path, *, require_parameters: bool, timeout: int = 900) -> tuple[float, int]:
    """(wall seconds, peak kernel RSS KiB) for one FAST execution of ``path``."""
    from radcourse.tools.notebooks import execute_notebook

    t0 = time.perf_counter()
    nb = execute_notebook(
        path,
        fast=True,
        timeout=timeout,
        extra_cells=[MEMORY_CELL],
        require_parameters=require_parameters,
    )
    return time.perf_counter() - t0, peak_memory_kib(nb)


def measure(
    paths: Iterable[Path], empty: Path, repo: Path, repeat: int, log, stack: Path | None = None
) -> tuple[dict[str, list[tuple[float, int]]], dict[str, str]]:
    """Run the empty notebook (and the stack-import one) and every notebook ``repeat`` times,
    interleaved.

    Returns samples per name and the first error per name (a notebook that fails is not retried).
    """
    floors = [(EMPTY_NAME, empty, True)] + ([(STACK_NAME, stack, True)] if stack else [])
    targets = floors + [
        (str(p.relative_to(repo)), p, not is_assessment(p, repo)) for p in paths
    ]
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name, _, _ in targets}
    errors: dict[str, str] = {}
    for r in range(repeat):
        for name, path, needs_params in targets:
            if name in errors:
                continue
            try:
                wall, kib = run_once(path, require_parameters=needs_params)
            except Exception as exc:  # report and go on with the other notebooks
                lines = str(exc).strip().splitlines() or [""]
                errors[name] = f"{type(exc).__name__}: {lines[-1]}"
                log(f"  {name}: FAILED\n{traceback.format_exc(limit=3)}")
                continue
            samples[name].append((wall, kib))
            log(f"  run {r + 1}/{repeat} {name}: {wall:.2f} s, peak {kib / 1024:.0f} MB")
    return samples, errors


def rows_from_samples(
    samples: dict[str, list[tuple[float, int]]], errors: dict[str, str]
) -> list[Row]:
    """Timing rows (median vs the empty notebook's median) and memory rows (max peak vs budget)."""
    floor = samples.get(EMPTY_NAME, [])
    floor_time = median(w for w, _ in floor) if floor else None
    time_rows, mem_rows = [], []
    for name, runs in samples.items():
        is_floor = name == EMPTY_NAME
        err = errors.get(name, "")
        wall = median(w for w, _ in runs) if runs and not err else None
        peak = max(k for _, k in runs) / 1024 if runs and not err else None
        time_rows.append(
            Row(
                "notebook time (FAST)",
                name,
                wall,
                "s",
                baseline=None if is_floor else floor_time,
                baseline_label="empty",
                target=None if is_floor or name == STACK_NAME else TIME_TARGET,
                error=err,
            )
        )
        mem_rows.append(
            Row(
                "peak kernel memory",
                name,
                peak,
                "MB",
                baseline=None if is_floor else MEMORY_BUDGET_MB,
                baseline_label="budget",
                target=None if is_floor else 1.0,
                error=err,
            )
        )
    if floor_time is None and EMPTY_NAME not in errors:
        time_rows[0].error = "the empty notebook produced no timing"
    return time_rows + stack_rows(samples, errors) + mem_rows


def stack_rows(samples: dict[str, list[tuple[float, int]]], errors: dict[str, str]) -> list[Row]:
    """Informative rows: each notebook's median time against the stack-import notebook's."""
    stack = samples.get(STACK_NAME, [])
    if not stack or STACK_NAME in errors:
        return []
    floor = median(w for w, _ in stack)
    return [
        Row("notebook time vs stack imports", name, median(w for w, _ in runs), "s",
            baseline=floor, baseline_label="stack imports")
        for name, runs in samples.items()
        if name not in (EMPTY_NAME, STACK_NAME) and runs and not errors.get(name)
    ]


@register("notebooks", "FAST execution time vs an empty notebook; peak kernel memory vs 400 MB")
def bench_notebooks(ctx: Context) -> list[Row]:
    paths = course_notebooks(ctx.repo)
    if not paths:
        ctx.log("notebooks: no notebooks under modules/ or assessments/source/ yet")
    assert ctx.workdir is not None
    empty = write_empty_notebook(ctx.workdir)
    stack = write_empty_notebook(ctx.workdir, STACK_IMPORTS, name="stack")
    ctx.log(f"notebooks: {len(paths)} notebook(s) + two floors, {ctx.repeat} run(s) each")
    samples, errors = measure(paths, empty, ctx.repo, ctx.repeat, ctx.log, stack=stack)
    return rows_from_samples(samples, errors)
