"""The course catalogue as data, plus pure functions for the course home (``START_HERE.ipynb``).

Module letters A–G are the Society of Radiographers' (SoR) curriculum letters, listed in education
priority 12 of the full SoR guidance (``003_95c6dcd93f166210.txt`` L1146–1195). The design card's
keywords (terminology, validation, bias, governance, person-centred care, appraisal, ethics) are
folded in position by position, as in the syllabus crosswalk (SYLLABUS.md §1.1 and Appendix E).

Nothing here imports ipywidgets: the course-map widget (:mod:`radcourse.widgets.course_map`)
calls these functions, and the unit tests check them without a browser.

Hours are the syllabus's indicative load (SYLLABUS.md §1.3): about 2.5 h of notebooks, 1.5 h of
exercises and 1 h of assessment per module. They are estimates for planning, not measurements.
"""

from __future__ import annotations

import hashlib
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

import pandas as pd

AVAILABLE = "available"
IN_PREPARATION = "in preparation"

#: Roles accepted by :func:`study_plan`, with the words used for them in summaries.
ROLES: dict[str, str] = {"student": "student", "lecturer": "lecturer", "cpd": "CPD learner"}

#: What the hours in a plan count as, for each role.
HOURS_LABELS: dict[str, str] = {
    "student": "study hours",
    "lecturer": "preparation hours",
    "cpd": "CPD hours",
}

#: Above this, a weekly load is not a realistic plan alongside work or placement.
MAX_HOURS_PER_WEEK = 40


class Hours(NamedTuple):
    """Indicative hours for one module: notebooks, exercises, assessment."""

    notebooks: float = 2.5
    exercises: float = 1.5
    assessment: float = 1.0

    @property
    def total(self) -> float:
        return float(self.notebooks + self.exercises + self.assessment)


@dataclass(frozen=True)
class Module:
    """One course module. ``folder`` lives under ``modules/``; ``assessment`` is the nbgrader id."""

    letter: str
    slug: str
    folder: str
    title: str
    sor_topics: str
    card_keyword: str
    assessment: str
    priorities: tuple[int, ...]
    hours: Hours = Hours()
    status: str = IN_PREPARATION

    @property
    def total_hours(self) -> float:
        return self.hours.total


# SoR topic wording is paraphrased from 003 L1156-1195 (A-G) and 001 L103-109 (the summary's eighth
# topic); main priorities follow SYLLABUS.md section 2 (priority numbers as in 003, tables 1-4).
_CATALOGUE: tuple[Module, ...] = (
    Module(
        "A", "foundations", "A_foundations",
        "Foundations: AI in clinical imaging and radiotherapy, roles and terminology",
        "A: overview of AI and its roles in clinical imaging and radiotherapy; "
        "plus the terminology part of B",
        "terminology", "A_foundations", (30, 9, 19, 21, 1, 5),
    ),
    Module(
        "B", "validation", "B_validation",
        "How AI is built and validated: data, ground truth, metrics and thresholds",
        "B: development processes of AI algorithms; plus testing and validation from C",
        "validation", "B_validation", (2, 10, 4, 23, 13),
    ),
    Module(
        "C", "bias", "C_bias",
        "Bias, fairness, generalisability and standardisation",
        "Standardisation from C; clinical priority 3 (equitable and fair use of AI)",
        "bias", "C_bias", (3, 22, 2, 4),
    ),
    Module(
        "D", "governance", "D_governance",
        "Governance, regulation and implementation in practice",
        "Governance arrangements from C; D: AI implementation techniques; "
        "regulatory and approval processes (added in the SoR summary)",
        "governance", "D_governance", (4, 2, 6, 13, 14, 22, 27, 31),
    ),
    Module(
        "E", "person_centred", "E_person_centred",
        "Person-centred and patient-centred care in the context of AI",
        "E: patient-centred and person-centred care in the context of AI",
        "person-centred care", "E_person_centred", (8, 6, 5, 13, 20),
    ),
    Module(
        "F", "appraisal", "F_appraisal",
        "Critical appraisal of research on emerging technologies",
        "F: critical appraisal of research literature related to emerging technologies",
        "appraisal", "F_appraisal", (19, 20, 23, 24, 15, 17),
    ),
    Module(
        "G", "ethics", "G_ethics",
        "Ethics, accountability, innovation and entrepreneurship",
        "G: ethics of AI, accountability in the AI ecosystem, and principles of innovation and "
        "entrepreneurship",
        "ethics", "G_ethics", (27, 22, 24, 25, 26, 28, 29, 30, 31, 18, 21),
    ),
)
LETTERS: tuple[str, ...] = tuple(m.letter for m in _CATALOGUE)


# --------------------------------------------------------------------------------------------
# Catalogue and status


def default_modules_root() -> Path | None:
    """The course's ``modules/`` folder: next to the package source, else under the working folder.

    The folder is recognised by ``START_HERE.ipynb``. Returns ``None`` if none is found (for
    example in a wheel installed without the notebooks), so every module reads "in preparation".
    """
    here = Path(__file__).resolve().parents[2] / "modules"
    for candidate in (here, Path.cwd() / "modules", Path.cwd()):
        if (candidate / "START_HERE.ipynb").is_file():
            return candidate
    return None


def module_status(module: Module | str, modules_root: str | Path | None) -> str:
    """``"available"`` if ``modules_root/<folder>/`` holds at least one notebook, else
    ``"in preparation"``. ``module`` is a :class:`Module` or a folder name."""
    if modules_root is None:
        return IN_PREPARATION
    folder = Path(modules_root) / (module.folder if isinstance(module, Module) else str(module))
    if folder.is_dir() and any(p.suffix == ".ipynb" and p.is_file() for p in folder.iterdir()):
        return AVAILABLE
    return IN_PREPARATION


def catalogue(modules_root: str | Path | None = None) -> list[Module]:
    """All modules, A–G, with ``status`` derived from the notebooks under ``modules_root``.

    ``modules_root`` defaults to :func:`default_modules_root`.
    """
    root = default_modules_root() if modules_root is None else Path(modules_root)
    return [replace(m, status=module_status(m, root)) for m in _CATALOGUE]


def get_module(letter: str) -> Module:
    """The catalogue entry for ``letter`` (case-insensitive); ValueError if there is none."""
    return _select([letter])[0]


def _split_letters(text: str) -> list[str]:
    """``"A, C"`` → A, C; ``"A-C"`` or ``"A–C"`` → A, B, C."""
    out: list[str] = []
    for piece in re.split(r"[\s,;/+]+", text.strip()):
        if not piece:
            continue
        m = re.fullmatch(r"([A-Za-z])\s*[-–—]\s*([A-Za-z])", piece)
        if m:
            lo, hi = m.group(1).upper(), m.group(2).upper()
            if lo in LETTERS and hi in LETTERS and lo <= hi:
                out.extend(letter for letter in LETTERS if lo <= letter <= hi)
                continue
        out.append(piece)
    return out


def _select(modules) -> list[Module]:
    """Resolve ``modules`` (None, letters, a string such as ``"A-C"``, or Module objects)."""
    if modules is None:
        return list(_CATALOGUE)
    if isinstance(modules, (str, Module)):
        modules = [modules]
    if not isinstance(modules, Iterable):
        raise ValueError(f"modules must be letters A–G, such as ['A', 'C'] or 'A-C', not {modules!r}")
    by_letter = {m.letter: m for m in _CATALOGUE}
    chosen: dict[str, Module] = {}
    for item in modules:
        if isinstance(item, Module):
            if item.letter not in by_letter:
                raise ValueError(f"unknown module letter {item.letter!r}; the course has A–G")
            chosen.setdefault(item.letter, item)
            continue
        if not isinstance(item, str):
            raise ValueError(f"unknown module {item!r}; use the letters A–G, e.g. 'A' or 'A-C'")
        for piece in _split_letters(item):
            key = piece.upper()
            if key not in by_letter:
                raise ValueError(
                    f"unknown module {piece!r}; the course has modules "
                    f"{', '.join(LETTERS)} (e.g. 'A', ['A', 'C'] or 'A-C')"
                )
            chosen.setdefault(key, by_letter[key])
    if not chosen:
        raise ValueError("choose at least one module (letters A–G)")
    return [chosen[letter] for letter in LETTERS if letter in chosen]


def total_hours(modules=None) -> float:
    """Indicative hours for ``modules`` (default: the whole course, A–G)."""
    return float(sum(m.hours.total for m in _select(modules)))


def crosswalk_table(modules_root: str | Path | None = None) -> pd.DataFrame:
    """The module map: each module's SoR topic(s), course keyword, hours and assessment."""
    rows = [
        {
            "Module": m.letter,
            "Title": m.title,
            "SoR topic(s)": m.sor_topics,
            "Course keyword": m.card_keyword,
            "Main SoR priorities": ", ".join(str(p) for p in m.priorities),
            "Hours": m.hours.total,
            "Hours (notebooks / exercises / assessment)": (
                f"{m.hours.notebooks:g} / {m.hours.exercises:g} / {m.hours.assessment:g}"
            ),
            "Assessment": m.assessment,
            "Status": m.status,
        }
        for m in catalogue(modules_root)
    ]
    return pd.DataFrame(rows).set_index("Module")


# --------------------------------------------------------------------------------------------
# Study plans


def normalise_role(role) -> str:
    """The role key ("student", "lecturer" or "cpd") for ``role``; ValueError if unknown."""
    if isinstance(role, str):
        key = role.strip().lower()
        if key in ROLES:
            return key
        for k, label in ROLES.items():
            if key == label.lower():
                return k
    raise ValueError(
        f"unknown role {role!r}; choose one of {', '.join(repr(r) for r in ROLES)} "
        "(a CPD learner is 'cpd')"
    )


def _check_hours_per_week(hours_per_week) -> float:
    if isinstance(hours_per_week, bool) or not isinstance(hours_per_week, numbers.Real):
        raise ValueError(f"hours_per_week must be a number of hours, e.g. 3, not {hours_per_week!r}")
    value = float(hours_per_week)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"hours_per_week must be more than 0 (got {hours_per_week!r})")
    if value > MAX_HOURS_PER_WEEK:
        raise ValueError(
            f"hours_per_week={hours_per_week!r} is not a realistic study load; "
            f"choose between 1 and {MAX_HOURS_PER_WEEK} hours a week"
        )
    return value


PLAN_COLUMNS = (
    "Module", "Title", "Notebooks (h)", "Exercises (h)", "Assessment (h)", "Hours",
    "Cumulative hours", "Weeks", "Cumulative weeks", "Finish in week", "Assessment",
)


def study_plan(role: str, hours_per_week: float, modules=None) -> pd.DataFrame:
    """A week-by-week plan for ``modules`` (default A–G) at ``hours_per_week``.

    Every role gets the same indicative hours per module (notebooks + exercises + assessment);
    what changes is what the hours count as (``plan.attrs["hours_label"]``):

    - ``"student"``: study hours, including the assessment your lecturer releases;
    - ``"cpd"``: CPD hours to record, with each notebook's reflective note, in a CPD portfolio;
    - ``"lecturer"``: preparation hours to work through the material once yourself before release.
      This is a floor: it leaves out teaching, marking and adapting the material.

    ``Weeks`` is a module's hours divided by ``hours_per_week``; ``Finish in week`` is the week in
    which the module is finished when the modules are taken in order. Raises ValueError for an
    unknown role, an unknown module letter, or hours_per_week outside (0, 40].
    """
    key = normalise_role(role)
    per_week = _check_hours_per_week(hours_per_week)
    chosen = _select(modules)
    rows, cum_hours = [], 0.0
    for m in chosen:
        cum_hours += m.hours.total
        cum_weeks = cum_hours / per_week
        rows.append(
            {
                "Module": m.letter,
                "Title": m.title,
                "Notebooks (h)": float(m.hours.notebooks),
                "Exercises (h)": float(m.hours.exercises),
                "Assessment (h)": float(m.hours.assessment),
                "Hours": m.hours.total,
                "Cumulative hours": cum_hours,
                "Weeks": m.hours.total / per_week,
                "Cumulative weeks": cum_weeks,
                # round first so 15 h at 3 h a week is week 5, not 6 through float error
                "Finish in week": max(1, math.ceil(round(cum_weeks, 9))),
                "Assessment": m.assessment,
            }
        )
    plan = pd.DataFrame(rows, columns=list(PLAN_COLUMNS))
    plan.attrs.update(
        role=key, role_label=ROLES[key], hours_per_week=per_week, hours_label=HOURS_LABELS[key]
    )
    return plan


def letters_phrase(letters: Iterable[str]) -> str:
    """``["A", "B", "C", "E"]`` → ``"A–C and E"`` (runs of consecutive letters joined by en dash)."""
    idx = sorted({LETTERS.index(str(x).upper()) for x in letters})
    runs: list[list[int]] = []
    for i in idx:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{LETTERS[run[0]]}–{LETTERS[run[-1]]}")
        else:
            parts.extend(LETTERS[i] for i in run)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _num(x: float) -> str:
    return f"{x:g}"


def _plural(n: float, word: str) -> str:
    return f"{_num(n)} {word}" if n == 1 else f"{_num(n)} {word}s"


def summarise_plan(plan: pd.DataFrame) -> str:
    """One plain-language paragraph describing a plan from :func:`study_plan`."""
    try:
        role = plan.attrs["role"]
        per_week = plan.attrs["hours_per_week"]
    except KeyError:
        raise ValueError("summarise_plan needs a plan made by study_plan()") from None
    if plan.empty:
        return "Choose at least one module to see a plan."
    letters = list(plan["Module"])
    mods = ("module " if len(letters) == 1 else "modules ") + letters_phrase(letters)
    verb = "takes" if len(letters) == 1 else "take"
    total = float(plan["Hours"].sum())
    weeks = int(plan["Finish in week"].iloc[-1])
    hours, span, pace = _plural(total, "hour"), _plural(weeks, "week"), _plural(per_week, "hour")
    if role == "student":
        which = "its assessment" if len(letters) == 1 else "each module's assessment"
        return (
            f"As a student studying {pace} a week, {mods} {verb} about {hours} over {span}, "
            f"including {which}. "
            "On Binder, download your work at the end of every session."
        )
    if role == "cpd":
        return (
            f"As a CPD learner studying {pace} a week, {mods} {verb} about {hours} over {span}. "
            f"Record {'it' if len(letters) == 1 else 'them'} as {hours} of CPD, with your note "
            "from each notebook's Reflect prompt, "
            "in your CPD portfolio (for example CoR CPD Now)."
        )
    return (
        f"As a lecturer preparing {mods} at {pace} a week, allow about {hours} over {span} to "
        "work through the notebooks, exercises and assessments yourself before you release them. "
        "This is a floor: it leaves out teaching, marking and adapting the material."
    )


# --------------------------------------------------------------------------------------------
# Self-checks: instant, ungraded, never raise, and no plaintext answers in the repository


@dataclass(frozen=True)
class _Question:
    options: tuple[str, ...]
    answer_sha256: str  # sha256 of "<question id>:<normalised answer>"
    hint: str  # shown after a wrong answer; never names the answer
    why: str  # shown after the right answer


_QUESTIONS: dict[str, _Question] = {
    "start-route": _Question(
        ("a", "b", "c", "d"),
        "ce4155c1e41568001fdee1f709f57c67bd9f489dee4df5f8e03795533158e0a7",
        "Ask who releases and marks assignments, and whether Sam has anyone in that role.",
        "With no lecturer to release or mark work, self-study with instant self-checks and a "
        "reflective note per notebook is what gives Sam evidence for a CPD record.",
    ),
    "start-module": _Question(
        tuple("abcdefg"),
        "c809b0ae79371dff30c6906cd50d534d0cc97fcd324b050b30e1b7438bd7c981",
        "Look at the 'Course keyword' column of the module map: which keyword is about some "
        "groups of patients, sites or machines being served worse than others?",
        "The question is whether the tool works equally well across groups of patients and "
        "machines: that is bias and generalisability.",
    ),
    "start-binder": _Question(
        ("a", "b", "c", "d"),
        "e22848738780baeb70d662b2fab867b90aeb25c2d4a1e6052129501df0446fc8",
        "Ask where the file lives: on your own computer, or on a temporary server that is "
        "deleted when the session ends?",
        "Saving writes to Binder's temporary server, which is deleted when the session ends; "
        "only the copy you download to your own computer survives.",
    ),
    "start-run": _Question(
        ("a", "b", "c", "d"),
        "92f7e5017898634716c381b21924a12a6dbad0a0501db64654f5f1a41ffb0c44",
        "Try each key in a code cell: one adds a new line, one saves, one leaves edit mode.",
        "That key runs the cell and moves you to the next one.",
    ),
}

_STRIP = " \t\r\n\"'`()[]{}<>.,;:!?"


def normalise_answer(answer) -> str | None:
    """Canonical text for an answer: lower case, trimmed, numbers as ``15`` not ``15.0``.

    ``None`` and ``...`` (the notebooks' placeholder) give ``None``: no answer yet.
    """
    if answer is None or answer is Ellipsis:
        return None
    if isinstance(answer, bool):
        return str(answer).lower()
    if isinstance(answer, numbers.Real):
        value = float(answer)
        return f"{value:g}" if math.isfinite(value) else str(value)
    text = unicodedata.normalize("NFKC", str(answer)).lower()
    text = re.sub(r"\s+", " ", text).strip(_STRIP)
    try:
        value = float(text)
    except ValueError:
        return text
    return f"{value:g}" if math.isfinite(value) else text


def answer_hash(question_id: str, answer) -> str:
    """sha256 of ``"<question id>:<normalised answer>"`` — what :data:`_QUESTIONS` stores."""
    return hashlib.sha256(f"{question_id}:{normalise_answer(answer)}".encode()).hexdigest()


def question_ids() -> list[str]:
    """The ids :func:`check_choice` knows."""
    return list(_QUESTIONS)


def question_options(question_id: str) -> tuple[str, ...]:
    """The accepted options for a question (empty tuple if the id is unknown)."""
    q = _QUESTIONS.get(str(question_id).strip().lower())
    return q.options if q else ()


def check_choice(question_id, answer) -> str:
    """Instant, ungraded feedback on a self-check answer. Never raises.

    The right answers are stored only as hashes, so neither this module nor the notebook shows
    them in plain text. Wrong answers get a neutral hint; placeholders (``...``, ``None``) get a
    reminder to answer.
    """
    try:
        qid = str(question_id).strip().lower()
        q = _QUESTIONS.get(qid)
        if q is None:
            return (
                f"There is no self-check called {str(question_id)[:40]!r}; check the first "
                f"argument (known checks: {', '.join(_QUESTIONS)})."
            )
        norm = normalise_answer(answer)
        if not norm:
            return "No answer yet: replace ... with your choice, for example \"a\", and run the cell."
        if norm not in q.options:
            shown = repr(answer)
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            return (
                f"{shown} is not one of the options ({', '.join(q.options)}). "
                "Type just the letter in quotes, for example \"a\", and run the cell again."
            )
        if answer_hash(qid, norm) == q.answer_sha256:
            return f"Correct. {q.why}"
        return f"Not quite. {q.hint} Then try again, or open the worked explanation below."
    except Exception:  # a self-check must never stop the notebook
        return "Sorry, that answer could not be read. Type a letter in quotes, for example \"a\"."
