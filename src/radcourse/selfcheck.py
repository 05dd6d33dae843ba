"""The course's self-check engine: instant, ungraded feedback with answers stored as hashes.

Each module keeps a *bank* of :class:`Question` objects (``radcourse.selfcheck_a``,
``radcourse.selfcheck_b`` …) and exposes ``check(question_id, answer)``; notebooks call it::

    my_answer = ...  # replace ... with your answer
    print(check("b1-measure", my_answer))

Nothing holds a right answer in plain text: each question stores the sha256 of
``"<question id>:<normalised answer>"``, made with :func:`radcourse.course.answer_hash`.

Two kinds of question:

- ``"choice"``: the learner types an option letter, ``"a"`` to ``"d"``;
- ``"number"``: the learner types a number (``15.4``, ``"15.4%"``, ``"13,900"``). It is rounded
  half up to the question's ``decimals`` before hashing, so 15.38 and 15.4 are both read as 15.4
  when one decimal place is asked for. For questions in per cent (``percent=True``) an answer
  that is right as a proportion (0.154) is told to give it as a percentage.

Feedback never raises (a self-check must not stop a notebook) and a wrong answer gets a hint that
does not name the answer.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from radcourse.course import answer_hash, normalise_answer

__all__ = ["CHOICE", "NUMBER", "Question", "check_answer", "question_ids", "question_options"]

CHOICE, NUMBER = "choice", "number"


@dataclass(frozen=True)
class Question:
    """One self-check. ``answer_sha256`` holds the accepted answers' hashes (usually one)."""

    kind: str  # CHOICE or NUMBER
    answer_sha256: tuple[str, ...]  # sha256 of "<question id>:<normalised answer>"
    hint: str  # shown after a wrong answer; never names the answer
    why: str  # shown after the right answer
    options: tuple[str, ...] = ("a", "b", "c", "d")  # CHOICE only
    decimals: int = 0  # NUMBER only: decimal places the answer is rounded to
    percent: bool = False  # NUMBER only: the answer is a percentage


_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$")


def question_ids(bank: Mapping[str, Question]) -> list[str]:
    """The question ids in ``bank``."""
    return list(bank)


def question_options(question_id: str, bank: Mapping[str, Question]) -> tuple:
    """The option letters of a choice question (empty for numbers or unknown ids)."""
    q = bank.get(str(question_id).strip().lower())
    return q.options if q is not None and q.kind == CHOICE else ()


def _round_half_up(value: float, decimals: int) -> float:
    scale = 10.0**decimals
    # round to 9 places first so float noise (15.449999999) does not decide the rounding
    return math.floor(round(value * scale, 9) + 0.5) / scale


def _as_number(answer) -> float | None:
    """A finite number from ``answer`` (int, float, or text such as "15.4%" or "13,900")."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, numbers.Real):
        value = float(answer)
        return value if math.isfinite(value) else None
    if not isinstance(answer, str):
        return None
    text = unicodedata.normalize("NFKC", answer).strip().lower()
    text = text.replace(",", "").replace(" ", "").rstrip("%").replace("\u2212", "-")
    if not _NUMBER_TEXT.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _number_hash(question_id: str, value: float, decimals: int) -> str:
    return answer_hash(question_id, _round_half_up(value, decimals))


def _shown(answer) -> str:
    try:
        text = repr(answer)
    except Exception:
        return "That"
    return text if len(text) <= 40 else text[:37] + "..."


def _places(decimals: int) -> str:
    if decimals == 0:
        return "a whole number"
    return f"{decimals} decimal place{'s' if decimals != 1 else ''}"


def _check_number(qid: str, q: Question, answer) -> str:
    value = _as_number(answer)
    unit = "a percentage" if q.percent else _places(q.decimals)
    if value is None:
        example = "12.5" if q.decimals else "120"
        return (
            f"{_shown(answer)} is not a number. Type {unit}, for example {example}, and run the "
            "cell again."
        )
    if _number_hash(qid, value, q.decimals) in q.answer_sha256:
        return f"Correct. {q.why}"
    if q.percent and 0 < abs(value) <= 1:
        if _number_hash(qid, 100 * value, q.decimals) in q.answer_sha256:
            return (
                "Right number, wrong units: that is a proportion. Give it as a percentage "
                f"(multiply by 100), to {_places(q.decimals)}."
            )
    return (
        f"Not quite. {q.hint} Give {'a percentage to ' if q.percent else ''}"
        f"{_places(q.decimals)}. Then try again, or open the worked solution below."
    )


def _check_choice(qid: str, q: Question, answer) -> str:
    norm = normalise_answer(answer)
    if norm not in q.options:
        return (
            f"{_shown(answer)} is not one of the options ({', '.join(q.options)}). Type just the "
            'letter in quotes, for example "a", and run the cell again.'
        )
    if answer_hash(qid, norm) in q.answer_sha256:
        return f"Correct. {q.why}"
    return f"Not quite. {q.hint} Then try again, or open the worked solution below."


def check_answer(bank: Mapping[str, Question], question_id, answer) -> str:
    """Instant, ungraded feedback on ``answer`` to ``bank[question_id]``. Never raises.

    Placeholders (``...``, ``None``, empty text) get a reminder to answer; unknown question ids
    get a message naming the known ones.
    """
    try:
        qid = str(question_id).strip().lower()
        q = bank.get(qid)
        if q is None:
            known = ", ".join(list(bank)[:12])
            return (
                f"There is no self-check called {_shown(question_id)}; check the first argument "
                f"(known checks: {known})."
            )[:390]
        if answer is None or answer is Ellipsis or (
            isinstance(answer, str) and not answer.strip()
        ):
            example = '"a"' if q.kind == CHOICE else ("12.5" if q.decimals else "120")
            return f"No answer yet: replace ... with your answer, for example {example}, and run the cell."
        if q.kind == NUMBER:
            return _check_number(qid, q, answer)
        return _check_choice(qid, q, answer)
    except Exception:  # a self-check must never stop the notebook
        return 'Sorry, that answer could not be read. Type a letter in quotes, such as "a", or a number.'
