"""Shared pieces of the benchmarks: result rows, the registry, and small pure helpers.

Every figure is a ratio against a baseline measured in the same run, because the machine's two
cores are noisy: absolute seconds vary from run to run, ratios much less.

To add a benchmark, write a function that takes a :class:`Context` and returns a list of
:class:`Row`, and decorate it with ``@register("name", "what it measures")`` in a module that
``benchmarks/run.py`` imports (see ``BENCHMARK_MODULES`` there).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

PASS, OVER, ERROR, INFO = "PASS", "over", "ERROR", "-"


@dataclass
class Row:
    """One line of the results table.

    ``ratio`` is ``value / baseline``; the row passes when ``ratio <= target`` (targets are all
    upper bounds). Rows without a target are informational (a floor, a raw size).
    """

    benchmark: str
    item: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    target: float | None = None
    note: str = ""
    error: str = ""

    @property
    def ratio(self) -> float | None:
        return ratio(self.value, self.baseline)

    @property
    def status(self) -> str:
        if self.error:
            return ERROR
        if self.target is None or self.ratio is None:
            return INFO
        return PASS if self.ratio <= self.target else OVER

    def to_dict(self) -> dict:
        d = asdict(self)
        d["ratio"] = self.ratio
        d["status"] = self.status
        return d


@dataclass
class Context:
    """What every benchmark function receives."""

    repo: Path = REPO
    repeat: int = 3
    workdir: Path | None = None  # a temporary folder the runner removes afterwards
    options: dict = field(default_factory=dict)
    log: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr, flush=True)


BenchFn = Callable[[Context], list[Row]]


@dataclass
class Benchmark:
    name: str
    description: str
    fn: BenchFn


REGISTRY: dict[str, Benchmark] = {}


def register(name: str, description: str = "") -> Callable[[BenchFn], BenchFn]:
    """Decorator adding a benchmark function to :data:`REGISTRY` under ``name``."""

    def deco(fn: BenchFn) -> BenchFn:
        if name in REGISTRY and REGISTRY[name].fn is not fn:
            raise ValueError(f"benchmark {name!r} is registered twice")
        REGISTRY[name] = Benchmark(name, description or (fn.__doc__ or "").strip(), fn)
        return fn

    return deco


# --- pure helpers -------------------------------------------------------------------------------


def median(values: Iterable[float]) -> float:
    vals = list(values)
    if not vals:
        raise ValueError("median of no values")
    return statistics.median(vals)


def ratio(value: float | None, baseline: float | None) -> float | None:
    """``value / baseline``, or ``None`` when either is missing or the baseline is not positive."""
    if value is None or baseline is None or baseline <= 0:
        return None
    return value / baseline


def fmt_ratio(r: float | None) -> str:
    if r is None:
        return "n/a"
    return f"{r:.2g}×" if r < 0.1 else f"{r:.2f}×"


def fmt_target(target: float | None) -> str:
    if target is None:
        return ""
    return f"≤ {target:.2g}×" if target < 0.1 else f"≤ {target:.2f}×"


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:,.1f} MB"
    return f"{value:g} {unit}".strip()


def dir_size(path: str | os.PathLike) -> int:
    """Bytes in the files under ``path``, du-style: symlinks are not followed (a link counts its
    own size) and a file hard-linked several times counts once."""
    root = Path(path)
    st = root.lstat()
    if not root.is_dir() or root.is_symlink():
        return st.st_size
    total = 0
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        # os.walk lists symlinks to directories in dirnames but does not descend into them.
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            s = os.lstat(os.path.join(dirpath, name))
            key = (s.st_dev, s.st_ino)
            if s.st_nlink > 1:
                if key in seen:
                    continue
                seen.add(key)
            total += s.st_size
    return total


def mib(n_bytes: float) -> float:
    return n_bytes / (1024 * 1024)


def format_table(rows: list[Row]) -> str:
    """A plain fixed-width table of ``rows`` (what ``run.py`` prints)."""
    header = ["benchmark", "item", "value", "baseline", "ratio", "target", "status"]
    lines = [header]
    for r in rows:
        base = fmt_value(r.baseline, r.unit) if r.baseline is not None else ""
        if r.baseline_label and base:
            base = f"{base} ({r.baseline_label})"
        lines.append(
            [
                r.benchmark,
                r.item,
                fmt_value(r.value, r.unit),
                base,
                fmt_ratio(r.ratio) if r.baseline is not None else "",
                fmt_target(r.target),
                r.status,
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for k, line in enumerate(lines):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    notes = [
        f"  [{r.status}] {r.benchmark} / {r.item}: {r.error or r.note}"
        for r in rows
        if r.error or r.note
    ]
    if notes:
        out.append("")
        out.append("notes:")
        out.extend(notes)
    return "\n".join(out)


def write_json(rows: list[Row], path: Path, meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"meta": meta, "rows": [r.to_dict() for r in rows]}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
