"""Check that a course notebook follows the house anatomy (STYLE.md, "Notebook anatomy").

Module notebooks need, in this order: a ``# `` title with a hook, ``## Learning objectives``
(3–6 bullets), ``## Before you start`` (with the time to complete), ``## Setup`` (imports, no
installs), a ``parameters``-tagged cell holding ``FAST = False``, numbered sections each with a
``### Check your understanding``, an ``## Interactive: …`` section (where the notebook has a
widget), ``## Summary`` (one bullet per objective), ``## Reflect``, ``## References`` and
``## What's next``.  Assessment source notebooks need a title, ``## Before you start`` with the
time, the marks and the reminder to download work from Binder, ``## Setup``, at least one graded
cell and ``## References``.

Run ``python -m radcourse.tools.structure PATH...`` to check notebooks by hand; the test suite
checks every notebook under ``modules/`` and ``assessments/source/``.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MAX_CODE_LINES = 15

MODULE_SECTIONS = (
    "Learning objectives",
    "Before you start",
    "Setup",
    "Summary",
    "Reflect",
    "References",
    "What's next",
)
ASSESSMENT_SECTIONS = ("Before you start", "Setup", "References")

_BANNED_CODE = (
    (re.compile(r"^\s*[!%]\s*(pip|conda|mamba)\b", re.M), "installs packages"),
    (re.compile(r"\bpip\s+install\b"), "installs packages"),
    (re.compile(r"^\s*from\s+\S+\s+import\s+\*", re.M), "uses a star import"),
    (re.compile(r"\b(urlopen|urlretrieve|requests\.get|wget|curl)\b"), "downloads at run time"),
    (re.compile(r"\bfetch_[a-z0-9_]+\s*\("), "downloads a dataset at run time"),
)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+\S", re.M)


@dataclass
class Report:
    path: Path
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        if self.ok:
            return f"{self.path}: OK"
        return f"{self.path}:\n" + "\n".join(f"  - {p}" for p in self.problems)


def _headings(nb) -> list[tuple[int, int, str, str]]:
    """(cell index, level, title, text under the heading up to the next heading) for markdown."""
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        parts = re.split(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", cell.source, flags=re.M)
        # parts = [pre, hashes, title, body, hashes, title, body, ...]
        for j in range(1, len(parts) - 1, 3):
            out.append((i, len(parts[j]), parts[j + 1].strip(), parts[j + 2]))
    return out


def _section_text(nb, headings, title: str) -> str:
    """Markdown text from heading ``title`` (level 2) up to the next level-2 heading."""
    for k, (i, level, t, body) in enumerate(headings):
        if level == 2 and t.lower().startswith(title.lower()):
            text = [body]
            stop = next((h[0] for h in headings[k + 1 :] if h[1] <= 2), len(nb.cells))
            for cell in nb.cells[i + 1 : stop]:
                if cell.cell_type == "markdown":
                    text.append(cell.source.split("\n## ")[0])
            return "\n".join(text)
    return ""


def _first_index(headings, title: str, level: int = 2) -> int | None:
    for i, lvl, t, _ in headings:
        if lvl == level and t.lower().startswith(title.lower()):
            return i
    return None


def _check_code(nb, report: Report, *, assessment: bool) -> None:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        src = cell.source
        for pattern, why in _BANNED_CODE:
            if pattern.search(src):
                report.problems.append(f"cell {i} {why}")
        n_lines = len([ln for ln in src.splitlines() if ln.strip()])
        grade_cell = "nbgrader" in cell.metadata
        if not assessment and not grade_cell and n_lines > MAX_CODE_LINES:
            report.problems.append(
                f"cell {i} has {n_lines} lines of code (at most {MAX_CODE_LINES}: move logic into "
                "radcourse)"
            )


def _check_title(nb, report: Report) -> None:
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown" or not first.source.lstrip().startswith("# "):
        report.problems.append("the first cell must be markdown starting with a '# ' title")
        return
    hook = first.source.split("\n", 1)[1].strip() if "\n" in first.source else ""
    if len(hook.split()) < 25:
        report.problems.append("the title cell needs a hook paragraph (a radiography scenario)")


def check_module_notebook(nb, path: Path) -> Report:
    report = Report(path)
    _check_title(nb, report)
    heads = _headings(nb)
    order = [_first_index(heads, s) for s in MODULE_SECTIONS]
    for name, idx in zip(MODULE_SECTIONS, order, strict=True):
        if idx is None:
            report.problems.append(f"missing '## {name}' section")
    present = [i for i in order if i is not None]
    if present != sorted(present):
        report.problems.append("sections are out of order: " + " → ".join(MODULE_SECTIONS))

    objectives = _BULLET.findall(_section_text(nb, heads, "Learning objectives"))
    summary = _BULLET.findall(_section_text(nb, heads, "Summary"))
    if not 3 <= len(objectives) <= 6:
        report.problems.append(f"'Learning objectives' has {len(objectives)} bullets (3–6 needed)")
    if objectives and len(summary) != len(objectives):
        report.problems.append(
            f"'Summary' has {len(summary)} bullets but there are {len(objectives)} objectives "
            "(one summary bullet per objective)"
        )
    before = _section_text(nb, heads, "Before you start").lower()
    if "time" not in before or not re.search(r"\d", before):
        report.problems.append("'Before you start' must state the time to complete (in minutes)")

    numbered = [(i, t) for i, lvl, t, _ in heads if lvl == 2 and re.match(r"\d+\.\s", t)]
    if not numbered:
        report.problems.append("no numbered teaching sections ('## 1. …')")
    for k, (i, t) in enumerate(numbered):
        stop = numbered[k + 1][0] if k + 1 < len(numbered) else len(nb.cells)
        cells = nb.cells[i:stop]
        text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
        if "### Check your understanding" not in text:
            report.problems.append(f"section '{t}' has no '### Check your understanding'")
        elif "<details" not in text:
            report.problems.append(f"section '{t}' has no collapsed <details> worked solution")

    setup = _first_index(heads, "Setup")
    params = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])
    ]
    if len(params) != 1:
        report.problems.append(f"{len(params)} cells tagged 'parameters' (exactly one needed)")
    else:
        src = nb.cells[params[0]].source
        if not re.search(r"^FAST\s*=\s*False\s*$", src, re.M):
            report.problems.append("the parameters cell must set FAST = False")
        if setup is not None and params[0] < setup:
            report.problems.append("the parameters cell must come after '## Setup'")
        first_section = numbered[0][0] if numbered else None
        if first_section is not None and params[0] > first_section:
            report.problems.append("the parameters cell must come before the first section")
    if setup is not None:
        nxt = next((c for c in nb.cells[setup + 1 :] if c.cell_type == "code"), None)
        if nxt is None or "import" not in nxt.source:
            report.problems.append("'## Setup' must be followed by a code cell with the imports")
        elif "radcourse" not in nxt.source:
            report.problems.append("the setup cell must import from radcourse submodules by name")
    _check_code(nb, report, assessment=False)
    return report


def check_assessment_notebook(nb, path: Path) -> Report:
    report = Report(path)
    _check_title(nb, report)
    heads = _headings(nb)
    order = [_first_index(heads, s) for s in ASSESSMENT_SECTIONS]
    for name, idx in zip(ASSESSMENT_SECTIONS, order, strict=True):
        if idx is None:
            report.problems.append(f"missing '## {name}' section")
    present = [i for i in order if i is not None]
    if present != sorted(present):
        report.problems.append("sections are out of order: " + " → ".join(ASSESSMENT_SECTIONS))
    before = _section_text(nb, heads, "Before you start").lower()
    for word, why in (("time", "the time to complete"), ("mark", "the marks available"),
                      ("download", "the reminder to download work from Binder")):
        if word not in before:
            report.problems.append(f"'Before you start' must state {why}")
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    if not graded:
        report.problems.append("no graded cells (nbgrader metadata 'grade: true')")
    ids = [c.metadata["nbgrader"].get("grade_id") for c in nb.cells if "nbgrader" in c.metadata]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        report.problems.append(f"duplicate nbgrader grade_id values: {dupes}")
    _check_code(nb, report, assessment=True)
    return report


def check_notebook(path: str | Path) -> Report:
    """Check one notebook; assessment sources are recognised by their path."""
    path = Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # a broken file is a finding, not a crash
        return Report(path, [f"cannot be read as a notebook: {exc}"])
    if "source" in path.parts and "assessments" in path.parts:
        return check_assessment_notebook(nb, path)
    return check_module_notebook(nb, path)


def course_notebooks(repo: str | Path) -> list[Path]:
    """Every notebook the anatomy applies to: modules/ and assessments/source/."""
    repo = Path(repo)
    found = list((repo / "modules").rglob("*.ipynb")) + list(
        (repo / "assessments" / "source").rglob("*.ipynb")
    )
    return sorted(p for p in found if ".ipynb_checkpoints" not in p.parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="notebooks (default: every course notebook)")
    args = parser.parse_args(argv)
    paths = args.paths or course_notebooks(Path.cwd())
    reports = [check_notebook(p) for p in paths]
    for r in reports:
        print(r)
    return 0 if all(r.ok for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
