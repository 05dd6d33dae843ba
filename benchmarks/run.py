"""Run the course benchmarks, print a table and write ``benchmarks/results/latest.json``.

    python benchmarks/run.py                    # everything (footprint takes a few minutes)
    python benchmarks/run.py --only notebooks   # one benchmark
    python benchmarks/run.py --skip-footprint --repeat 5
    python benchmarks/run.py --only grading --grading-n 10   # a quick cohort-grading run

Every figure is a ratio against a baseline measured in the same run. Exit status: 0 when every
benchmark ran (over-target rows are reported, not fatal, unless --strict), 1 when one errored,
2 with --strict when a row is over its target.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` and `radcourse` importable
    _repo = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(_repo))
    if (_repo / "src").is_dir():
        sys.path.insert(1, str(_repo / "src"))

from benchmarks.common import ERROR, OVER, REGISTRY, REPO, Context, Row, format_table, write_json

#: Modules whose import registers benchmarks, in the order they run.
BENCHMARK_MODULES = (
    "benchmarks.notebooks",
    "benchmarks.footprint",
    "benchmarks.explorer",
    "benchmarks.bias",
    "benchmarks.grading",
)
DEFAULT_JSON = REPO / "benchmarks" / "results" / "latest.json"
LEGEND = (
    "\nratio = value / baseline, both measured in this run; PASS when ratio <= target.\n"
    "notebook time: median of {repeat} FAST run(s) (kernel start to shutdown) vs the empty "
    "notebook's;\npeak kernel memory: largest ru_maxrss of the runs (1 MB = 1 MiB) vs the 400 MB "
    "budget;\nfootprint: site-packages bytes on disk, no symlinks followed;\ngrading: wall "
    "times of one run each (make grade, serial nbgrader autograde, trivial-notebook floor)."
)


def load_benchmarks() -> None:
    for mod in BENCHMARK_MODULES:
        importlib.import_module(mod)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    load_benchmarks()
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--only",
        choices=sorted(REGISTRY),
        action="append",
        help="run only this benchmark (repeatable)",
    )
    p.add_argument(
        "--skip-footprint",
        action="store_true",
        help="leave out the installed-footprint benchmark (it builds two venvs)",
    )
    p.add_argument("--repeat", type=int, default=3, help="runs per notebook; the median is kept")
    p.add_argument(
        "--grading-n",
        type=int,
        default=100,
        help="synthetic submissions graded by the grading benchmark (default 100)",
    )
    p.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the results")
    p.add_argument("--strict", action="store_true", help="exit 2 when a figure is over target")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if args.grading_n < 1:
        p.error("--grading-n must be at least 1")
    return args


def selected(args: argparse.Namespace) -> list[str]:
    names = args.only or list(REGISTRY)
    if args.skip_footprint:
        names = [n for n in names if n != "footprint"]
    return names


def run(names: list[str], ctx: Context) -> list[Row]:
    rows: list[Row] = []
    for name in names:
        bench = REGISTRY[name]
        ctx.log(f"== {name}: {bench.description}")
        t0 = time.perf_counter()
        try:
            rows.extend(bench.fn(ctx))
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            rows.append(Row(name, "(benchmark)", None, "", error=f"{type(exc).__name__}: {exc}"))
        ctx.log(f"== {name}: done in {time.perf_counter() - t0:.0f} s")
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = selected(args)
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="radcourse-bench-") as tmp:
        ctx = Context(
            repo=REPO,
            repeat=args.repeat,
            workdir=Path(tmp),
            options={"grading_n": args.grading_n},
        )
        rows = run(names, ctx)
    print(format_table(rows))
    print(LEGEND.format(repeat=args.repeat))
    meta = {
        "started": started.isoformat(timespec="seconds"),
        "seconds": round((datetime.now(UTC) - started).total_seconds(), 1),
        "benchmarks": names,
        "repeat": args.repeat,
        "grading_n": args.grading_n,
        "python": platform.python_version(),
        "machine": platform.platform(),
    }
    write_json(rows, args.json, meta)
    print(f"\nresults written to {args.json}")
    if any(r.status == ERROR for r in rows):
        return 1
    if args.strict and any(r.status == OVER for r in rows):
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
