"""Self-checks for Module C (bias and fairness): instant, ungraded feedback with answers stored as
hashes.

The notebooks in ``modules/C_bias/`` call :func:`check`::

    my_answer = ...  # replace ... with your answer
    print(check("c1-source", my_answer))

As in :mod:`radcourse.selfcheck_b`, nothing here holds a right answer in plain text: each question
stores the sha256 of ``"<question id>:<normalised answer>"``, made with
:func:`radcourse.course.answer_hash`. The engine is :mod:`radcourse.selfcheck`; this module holds
Module C's bank.

Two kinds of question:

- ``"choice"``: the learner types an option letter, ``"a"`` to ``"d"``;
- ``"number"``: the learner types a number, rounded half up to the question's ``decimals`` before
  hashing; for questions in per cent (``percent=True``) a right answer given as a proportion is
  told to give it as a percentage.

Feedback never raises and a wrong answer gets a hint that does not name the answer. Numeric right
answers are recomputed from the shipped data with :mod:`radcourse.fairness`,
:mod:`radcourse.harmonisation` and :mod:`radcourse.booking` in ``tests/unit/test_selfcheck_c.py``.
"""

from __future__ import annotations

from radcourse.selfcheck import CHOICE, NUMBER, Question, check_answer
from radcourse.selfcheck import question_ids as _question_ids
from radcourse.selfcheck import question_options as _question_options

__all__ = ["QUESTIONS", "Question", "check", "check_answer", "question_ids", "question_options"]

QUESTIONS: dict[str, Question] = {
    # ---- C1 Sources of bias and the bias explorer ------------------------------------------------
    "c1-source": Question(
        CHOICE,
        ("c6d437c0dc82458daea0a94c1cc431491832f7275ef6c4ce63a161736eca8744",),
        "Ask what changed between training and use: the patients, the reference contours, the "
        "staff, or the machine that made the images?",
        "Only the scanner changed, so the same anatomy reaches the model looking different: "
        "measurement (acquisition) bias. It overlaps with representation bias, because the new "
        "scanner was missing from the training data.",
    ),
    "c1-missed": Question(
        NUMBER,
        ("db2f43625a2dbbc68a8a571fe27710d9af206ac1059e13fc94ab2974667695be",),
        "The share missed is 1 − sensitivity. Multiply it by the number of films with a nodule, or "
        "read the fn (false negative) count for vendor C from by_vendor.",
        "More than half of vendor C's nodules were left in the normal queue: each is a patient "
        "whose report is not prioritised.",
    ),
    "c1-auc": Question(
        CHOICE,
        ("87bfad68b894adbccdcf58e02cc9e6ac1c66a2dd9358899ef5fa2df0a34dbbd3",),
        "AUC asks whether films with a nodule score higher than films without, at any threshold. "
        "Look at the median scores by vendor: did the ranking change, or the level of the scores?",
        "Ranking within vendor C is nearly intact, but every score slid down, so a fixed threshold "
        "cuts its films in the wrong place. Per-vendor AUCs cannot show this; a subgroup table at "
        "the operating threshold can.",
    ),
    "c1-small-n": Question(
        CHOICE,
        ("77bad234f37e594ac6c23c9438153c3bf8ed8fe4ad82e5aaf33a9c7911661de1",),
        "Apply both parts of the rule: is the gap beyond tolerance, and do the two intervals "
        "overlap? What can 9 positive cases tell you?",
        "The gap is beyond tolerance but the intervals overlap, so 9 cases cannot separate a real "
        "gap from chance. Record it and gather more evidence rather than flagging or dismissing it.",
    ),
    "c1-cost": Question(
        NUMBER,
        ("927617ab40d586fe1562d8a2f785c220bb8d397f86d03bf80222f82a7528fab4",),
        "Subtract vendor C's recalls_per_1000_single from its recalls_per_1000_tuned in the costs "
        "table, or read extra_recalls_per_1000.",
        "Equal sensitivity was bought with a much longer priority queue: most of the extra flagged "
        "vendor C films are false positives.",
    ),
    "c1-evidence": Question(
        CHOICE,
        ("c02fa6a36c6eeb90471b27314ecd341e86150312a73a1d1373e5d1b67c242472",),
        "Representation bias is about who is in the data. Which question asks about the mix of "
        "the sample and the results in each part of it?",
        "Asking for the numbers and the performance in each subgroup is what exposes "
        "representation bias; an overall figure, however precise, hides it.",
    ),
    # ---- C2 Training mix, dataset shift and harmonisation ---------------------------------------
    "c2-shift": Question(
        CHOICE,
        ("e970bbb9af7957716eb7782dcba4057b6b1ff699de990f32678ba462a3e0af01",),
        "Dataset shift is a change in the data the model meets in use. Which option changes the "
        "images themselves because of the equipment?",
        "New equipment changed the images, not the patients: dataset shift. Any new system, "
        "processing setting or software upgrade should trigger a local re-check.",
    ),
    "c2-baseline": Question(
        NUMBER,
        ("1a8f87741931e30d6ac1ee3cd8a31531817f45cb5946bb54f5a3567d9f004707",),
        "Read the sensitivity for vendor C from by_vendor and multiply it by 100.",
        "Only a small fraction of vendor C's nodules are flagged, although its AUC is as good as "
        "the other vendors'.",
        percent=True,
    ),
    "c2-mix": Question(
        CHOICE,
        ("1aacf24bee757fa40c8cf1c31e1c8053e944e7ef26377430ddd9fa92a4e6d9ed",),
        "Can the model see which vendor made a film? If not, what can extra weight on vendor C "
        "films change: the ranking within vendor C, or one cut-off shared by every vendor?",
        "The model sees only the measurements, and vendor C's shift looks like 'no nodule'. More "
        "vendor C data moves the single cut-off for everyone instead of removing the shift.",
    ),
    "c2-harmonised-gap": Question(
        NUMBER,
        ("8ab0362bb6811d502deaf2c0315034269937e70590f01dbad911cc210973904a",),
        "Take the largest minus the smallest value in after['sensitivity'] and multiply by 100 "
        "to get percentage points.",
        "Standardising each vendor with its own reference scans brought the sensitivities within "
        "a few percentage points, inside C1's 5-point tolerance.",
        decimals=1,
        percent=True,
    ),
    "c2-recalibrate": Question(
        CHOICE,
        ("93af72791eda4f85d0ba5ab578e507369b0e79df005d5806ebe6856851fc02d9",),
        "AUC depends only on the order of the scores. Does a frozen model followed by an "
        "increasing curve change that order?",
        "The model is frozen and the sigmoid curve is increasing, so the order of the scores, and "
        "the AUC, are unchanged; only calibration and the effect of a fixed threshold change.",
    ),
    # ---- C3 Fairness beyond images ------------------------------------------------------------
    "c3-calibrated": Question(
        CHOICE,
        ("19d47c0b7a75e0df5efd9609f37a23137b3bc7254f7040d95f78d19eb746bbba",),
        "Calibration compares predictions with what happens to groups of similar clients. Which "
        "option talks about clients given a similar risk?",
        "A calibrated risk of 0.45 means that about 45 in every 100 clients scored like her do "
        "not attend; more than half of them do attend.",
    ),
    "c3-parity": Question(
        NUMBER,
        ("f4c74bf1c3b7afce84fa4a7a4be33659df533fff5ce599e35bd92738d544b564",),
        "Run booking_parity_difference(booked): it is the largest minus the smallest selection "
        "rate across quintiles. Multiply by 100 for percentage points.",
        "The most deprived quintile is double-booked far more often than the least deprived, a "
        "gap of about a quarter of all invitations.",
        decimals=1,
        percent=True,
    ),
    "c3-support": Question(
        CHOICE,
        ("54a4c81cb5f4216738df76512d53395b4192639866645c2e530c3c46cc98359c",),
        "Priority 3 asks that AI does not widen health inequalities. Which option helps the "
        "high-risk clients attend, and measures whether it worked in every quintile?",
        "Using the prediction to offer support, and monitoring attendance and waiting by "
        "quintile, turns a burden into help for the clients most likely to miss screening.",
    ),
    "c3-criterion": Question(
        CHOICE,
        ("fa1b52c6a89513834192ab7a0b89a7de6ca99923ff85c3d59d0f237b2c151c80",),
        "What is the gravest harm in screening, and which criterion asks whether people with "
        "the condition are equally likely to be found in every group?",
        "In screening, a missed cancer is the gravest harm, so equal sensitivity (equal "
        "opportunity) comes first, then false-positive rates. Equal recall rates would be wrong "
        "when prevalence differs by age.",
    ),
    "c3-card": Question(
        NUMBER,
        ("1f1d3bd2deaeb7987176450cf874e9b6ac70addfd31e35db3e409d92d1f162ae",),
        "Find the row of the card where under_5_percent is True and multiply its share by 100.",
        "Only one group falls under 5% of the data; its results will carry the widest intervals, "
        "and the card should say so.",
        decimals=1,
        percent=True,
    ),
    "c3-report": Question(
        CHOICE,
        ("fc45eb31a8d80d32d03e877165da4527d83deafda7d27ceb4b1b667c5354c039",),
        "Recall C1's cross-tabulation of vendor by site, and what happened to the site comparison "
        "once vendor C was left out.",
        "The site flag mostly reflects vendor C, whose rooms are largely in Northern Ireland; the "
        "report should name the confounder and aim the action at the cause.",
    ),
}


def question_ids() -> list[str]:
    """The ids of Module C's self-checks."""
    return _question_ids(QUESTIONS)


def question_options(question_id: str) -> tuple:
    """The option letters of one of Module C's choice questions."""
    return _question_options(question_id, QUESTIONS)


def check(question_id, answer) -> str:
    """Instant feedback on one of Module C's self-checks. Never raises."""
    return check_answer(QUESTIONS, question_id, answer)
