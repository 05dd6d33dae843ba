"""The course glossary: one vocabulary for every module (SoR priority 30, a common AI terminology).

The terms live in ``glossary.json`` beside this file, so a lecturer or learner can add one without
touching code (exercise A-Ex3). Each entry has

``term``
    the name shown, e.g. ``"sensitivity"`` or ``"MHRA"``;
``definition``
    plain English, one or two sentences, UK spelling;
``source``
    where the definition comes from, one or more parts separated by ``"; "``: a seed location
    (``"003_95c6dcd93f166210.txt L166–169"``), a named public source with its year or web address,
    or ``"course definition"`` (our wording, for standard terms the seeds do not define);
``module``
    the module (A–G) that introduces the term;
``aliases``
    other names and spellings, e.g. acronyms (``"PPV"``) or US spellings;
``see_also``
    related terms, each of which must be in the glossary;
``note`` (optional)
    a caution for teaching, e.g. a seed passage that gets the definition wrong.

Nothing here imports ipywidgets: :class:`radcourse.widgets.glossary.GlossaryBrowser` calls these
functions, and ``tests/unit/test_glossary.py`` runs :func:`validate_glossary` on the shipped file.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

GLOSSARY_PATH = Path(__file__).with_name("glossary.json")
COURSE_DEFINITION = "course definition"
MODULES = ("A", "B", "C", "D", "E", "F", "G")
#: The five seed documents a ``source`` may cite by file name (SYLLABUS.md §0.1).
SEED_FILES = (
    "000_3e6d27baae46dbf4.txt",
    "001_1c713b2c15ce7b4d.txt",
    "002_467d0b2b8d0164ab.txt",
    "003_95c6dcd93f166210.txt",
    "004_ff6d0e1391025a40.txt",
)
_SEED_REF = re.compile(r"(?P<file>\d{3}_[0-9a-f]{16}\.txt) L\d+(?:–\d+)?(?:, L\d+(?:–\d+)?)*")
_NAMED_SOURCE = re.compile(r"\b(?:1[89]|20)\d\d\b|https?://")
REQUIRED_FIELDS = ("term", "definition", "source", "module")
OPTIONAL_FIELDS = ("aliases", "see_also", "note")


class GlossaryError(ValueError):
    """The glossary file is unreadable or fails :func:`validate_glossary`."""


@dataclass(frozen=True)
class Term:
    """One glossary entry (see the module docstring for the fields)."""

    term: str
    definition: str
    source: str
    module: str
    aliases: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()
    note: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """The term followed by its aliases."""
        return (self.term, *self.aliases)

    def to_dict(self) -> dict[str, object]:
        """The entry as it is written in ``glossary.json``."""
        out: dict[str, object] = {
            "term": self.term, "definition": self.definition, "source": self.source,
            "module": self.module, "aliases": list(self.aliases), "see_also": list(self.see_also),
        }
        if self.note:
            out["note"] = self.note
        return out


@dataclass
class _Index:
    terms: tuple[Term, ...]
    by_name: dict[str, Term] = field(default_factory=dict)


def normalise_term(text) -> str:
    """Lookup key for a term or alias: NFKC, lower case, straight apostrophes, single spaces."""
    text = unicodedata.normalize("NFKC", str(text)).replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


# --------------------------------------------------------------------------------------------
# Loading and validation


def _as_term(entry) -> Term:
    if isinstance(entry, Term):
        return entry
    if not isinstance(entry, Mapping):
        raise GlossaryError(f"a glossary entry must be an object with a 'term', not {entry!r:.60}")
    unknown = set(entry) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS)
    if unknown:
        raise GlossaryError(
            f"entry {entry.get('term', '?')!r} has unknown field(s) {sorted(unknown)}; "
            f"allowed: {', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)}"
        )

    def strings(key: str) -> tuple[str, ...]:
        value = entry.get(key) or ()
        if isinstance(value, str):
            value = (value,)
        return tuple(str(v) for v in value)

    return Term(
        term=str(entry.get("term", "")), definition=str(entry.get("definition", "")),
        source=str(entry.get("source", "")), module=str(entry.get("module", "")),
        aliases=strings("aliases"), see_also=strings("see_also"), note=str(entry.get("note") or ""),
    )


def source_problems(source: str) -> list[str]:
    """What is wrong with one ``source`` string (empty list if nothing).

    Each ``"; "``-separated part must be a seed location (one of :data:`SEED_FILES` followed by
    ``L`` line numbers), ``"course definition"``, or a named public source that gives a year or a
    web address.
    """
    problems = []
    parts = [p.strip() for p in re.split(r";\s+", str(source).strip())]
    if not any(parts):
        return ["has no source"]
    for part in parts:
        if not part:
            problems.append(f"has an empty part in its source {source!r}")
            continue
        seed = _SEED_REF.fullmatch(part)
        if seed:
            if seed.group("file") not in SEED_FILES:
                problems.append(f"cites an unknown seed file {seed.group('file')!r}")
            continue
        if re.match(r"\d{3}_", part):
            problems.append(
                f"cites a seed as {part!r}; write '<file>.txt L<n>' or 'L<n>–<m>' (en dash)"
            )
        elif part.lower() == COURSE_DEFINITION:
            continue
        elif not _NAMED_SOURCE.search(part):
            problems.append(
                f"has a source part {part!r} that is neither a seed location, "
                f"'{COURSE_DEFINITION}', nor a named source with a year or web address"
            )
    return problems


def validate_glossary(entries: Iterable) -> list[str]:
    """Every problem found in ``entries`` (``Term`` objects or dicts); an empty list means valid.

    Checks: required fields are non-empty; ``module`` is one of A–G; each ``source`` passes
    :func:`source_problems`; no term or alias is used twice (case-insensitively, across all
    entries); and every ``see_also`` names a term or alias in the glossary, other than the entry
    itself.
    """
    problems: list[str] = []
    terms: list[Term] = []
    for i, entry in enumerate(entries):
        try:
            terms.append(_as_term(entry))
        except GlossaryError as error:
            problems.append(f"entry {i + 1}: {error}")
    owner: dict[str, tuple[int, str]] = {}  # normalised name -> (entry index, its term)
    for i, t in enumerate(terms):
        label = repr(t.term) if t.term.strip() else "an entry with no term"
        for name in REQUIRED_FIELDS:
            if not getattr(t, name).strip():
                problems.append(f"{label} has an empty {name!r}")
        if t.module.strip() and t.module not in MODULES:
            problems.append(f"{label} has module {t.module!r}; use one letter of A–G")
        problems.extend(f"{label} {p}" for p in source_problems(t.source) if t.source.strip())
        for name in t.names:
            key = normalise_term(name)
            if not key:
                problems.append(f"{label} has an empty alias")
            elif key in owner and owner[key][0] != i:
                problems.append(f"{name!r} (in {label}) is already used by {owner[key][1]!r}")
            elif key in owner:
                problems.append(f"{label} lists {name!r} twice")
            else:
                owner[key] = (i, t.term)
    for i, t in enumerate(terms):
        for other in t.see_also:
            key = normalise_term(other)
            if key not in owner:
                problems.append(f"{t.term!r} has see_also {other!r}, which is not in the glossary")
            elif owner[key][0] == i:
                problems.append(f"{t.term!r} lists itself in see_also")
    return problems


def read_glossary_file(path: str | Path) -> list[Term]:
    """Read and validate a glossary JSON file; raise :class:`GlossaryError` listing every problem."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GlossaryError(f"the glossary file {path} is missing") from None
    except json.JSONDecodeError as error:
        raise GlossaryError(
            f"{path.name} is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}). Check for a missing comma or quote near there."
        ) from None
    entries = raw.get("terms") if isinstance(raw, dict) else raw
    if not isinstance(entries, list):
        raise GlossaryError(f"{path.name} must hold a list of terms under the key 'terms'")
    problems = validate_glossary(entries)
    if problems:
        raise GlossaryError(
            f"{path.name} has {len(problems)} problem(s):\n- " + "\n- ".join(problems)
        )
    return sorted((_as_term(e) for e in entries), key=lambda t: normalise_term(t.term))


@cache
def _index(path: str) -> _Index:
    terms = tuple(read_glossary_file(path))
    index = _Index(terms)
    for t in terms:
        for name in t.names:
            index.by_name[normalise_term(name)] = t
    return index


def load_glossary(path: str | Path | None = None) -> list[Term]:
    """All terms, sorted alphabetically (case-insensitive). Cached per file for the session.

    ``path`` defaults to the shipped ``glossary.json``. Raises :class:`GlossaryError` if the file is
    unreadable or invalid; call :func:`clear_cache` after editing the file.
    """
    return list(_idx(path).terms)


def clear_cache() -> None:
    """Forget the cached glossary, so the next call re-reads the file (e.g. after adding a term)."""
    _index.cache_clear()


def _idx(path: str | Path | None) -> _Index:
    return _index(str(Path(path) if path else GLOSSARY_PATH))


# --------------------------------------------------------------------------------------------
# Lookup and search


def close_matches(text, n: int = 5, path: str | Path | None = None) -> list[str]:
    """Up to ``n`` glossary terms whose names look like ``text`` (for spelling slips)."""
    index = _idx(path)
    hits = difflib.get_close_matches(normalise_term(text), list(index.by_name), n=n * 2, cutoff=0.6)
    out: list[str] = []
    for key in hits:
        term = index.by_name[key].term
        if term not in out:
            out.append(term)
    return out[:n]


def lookup(term, path: str | Path | None = None) -> Term:
    """The entry for ``term`` or one of its aliases, ignoring case and extra spaces.

    Raises ``KeyError`` for an unknown term; the message suggests close matches.
    """
    index = _idx(path)
    found = index.by_name.get(normalise_term(term))
    if found is not None:
        return found
    near = close_matches(term, path=path)
    hint = f" Did you mean: {', '.join(near)}?" if near else " Try search() for a partial match."
    raise KeyError(f"{str(term)[:60]!r} is not in the course glossary.{hint}")


def search(text, module: str | None = None, path: str | Path | None = None) -> list[Term]:
    """Terms matching ``text`` in their name, aliases or definition, best first.

    Ranking: an exact name or alias; a name or alias that starts with ``text``; one that contains
    it; a definition that contains it; then entries that contain every word of ``text`` somewhere.
    Ties are alphabetical. An empty ``text`` gives every term. ``module`` (a letter A–G) keeps only
    terms introduced in that module.
    """
    query = normalise_term(text or "")
    words = query.split()
    ranked: list[tuple[int, str, Term]] = []
    for t in _idx(path).terms:
        if module and t.module != str(module).strip().upper():
            continue
        names = [normalise_term(n) for n in t.names]
        definition = normalise_term(t.definition)
        if not query:
            rank = 0
        elif query in names:
            rank = 0
        elif any(n.startswith(query) for n in names):
            rank = 1
        elif any(query in n for n in names):
            rank = 2
        elif query in definition:
            rank = 3
        elif all(any(w in n for n in names) or w in definition for w in words):
            rank = 4
        else:
            continue
        ranked.append((rank, normalise_term(t.term), t))
    return [t for _, _, t in sorted(ranked, key=lambda r: (r[0], r[1]))]


def glossary_frame(terms: Iterable[Term] | None = None) -> pd.DataFrame:
    """The glossary (or ``terms``) as a table: one row per term; lists joined with ``"; "``."""
    rows = [
        {
            "term": t.term, "definition": t.definition, "source": t.source, "module": t.module,
            "aliases": "; ".join(t.aliases), "see_also": "; ".join(t.see_also), "note": t.note,
        }
        for t in (load_glossary() if terms is None else terms)
    ]
    columns = ["term", "definition", "source", "module", "aliases", "see_also", "note"]
    return pd.DataFrame(rows, columns=columns)


def terms_for_module(module: str) -> list[Term]:
    """Terms introduced in ``module`` (A–G), alphabetically."""
    letter = str(module).strip().upper()
    if letter not in MODULES:
        raise ValueError(f"unknown module {module!r}; use one letter of A–G")
    return [t for t in load_glossary() if t.module == letter]
