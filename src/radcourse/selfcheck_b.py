"""Self-checks for Module B (validation): instant, ungraded feedback with answers stored as hashes.

The notebooks in ``modules/B_validation/`` call :func:`check`::

    my_answer = ...  # replace ... with your answer
    print(check("b1-measure", my_answer))

Like :func:`radcourse.course.check_choice`, nothing here holds a right answer in plain text: each
question stores the sha256 of ``"<question id>:<normalised answer>"``, made with
:func:`radcourse.course.answer_hash`. The engine is
:mod:`radcourse.selfcheck`; this module holds Module B's bank.

Two kinds of question:

- ``"choice"``: the learner types an option letter, ``"a"`` to ``"d"``;
- ``"number"``: the learner types a number (``15.4``, ``"15.4%"``, ``"13,900"``). It is rounded
  half up to the question's ``decimals`` before hashing, so 15.38 and 15.4 are both read as 15.4
  when one decimal place is asked for. For questions in per cent (``percent=True``) an answer
  that is right as a proportion (0.154) is told to give it as a percentage.

Feedback never raises (a self-check must not stop a notebook) and a wrong answer gets a hint that
does not name the answer. Numeric right answers are recomputed from :mod:`radcourse.metrics` and
:mod:`radcourse.validation` in ``tests/unit/test_selfcheck_b.py``.
"""

from __future__ import annotations

from radcourse.selfcheck import CHOICE, NUMBER, Question, check_answer
from radcourse.selfcheck import question_ids as _question_ids
from radcourse.selfcheck import question_options as _question_options

__all__ = ["QUESTIONS", "Question", "check", "check_answer", "question_ids", "question_options"]

QUESTIONS: dict[str, Question] = {
    # ---- B1 Diagnostic accuracy ---------------------------------------------------------------
    "b1-measure": Question(
        CHOICE,
        ("95da4514912ed62f9de281bfcdcfffb31304e1ee7e2536d08f3a245f2dbdcbe7",),
        "Ask which group of people the fraction is taken over: everyone with cancer, everyone "
        "without cancer, everyone flagged, or everyone not flagged?",
        "The denominator is the exams the tool flagged, so this is the positive predictive value: "
        "of the women recalled, the share who have cancer.",
    ),
    "b1-ppv": Question(
        NUMBER,
        ("afd0b9db09ab64fbac506bdd95a73be230a14cdedcca078356f90740ab6a51cf",),
        "Use predictive_values(sensitivity, specificity, prevalence) with the prevalence as a "
        "proportion (1% is 0.01), take the first number it returns and multiply by 100.",
        "At 1% prevalence, about 15 in every 100 women the tool flags have cancer: better than at "
        "0.8%, but still most recalls are false alarms.",
        decimals=1,
        percent=True,
    ),
    "b1-frequencies": Question(
        CHOICE,
        ("922e9a85fa2a27890749999631c0ee98eaae72ff95cad5d45e43ea2ca315b860",),
        "Find the row of the table for the women who are recalled, and count how many of them "
        "have cancer.",
        "Of every 1,000 women screened, about 57 are recalled and about 7 of those have cancer. "
        "Natural frequencies say this without any conditional probabilities.",
    ),
    "b1-operating-point": Question(
        CHOICE,
        ("8c3b3e1f986fe57bf92ab3dcd66c5632bf80180e4996ea4c1189dfe35070631a",),
        "Work out two things for each point at 0.8% prevalence: recalls per 1,000 "
        "(recalls_per_1000) and the share of cancers missed (1 − sensitivity). Which point "
        "meets both limits?",
        "Only the middle point keeps recalls under 60 per 1,000 while missing no more than 1 "
        "cancer in 10. The other two each break one of the limits.",
    ),
    "b1-eroded": Question(
        CHOICE,
        ("b2b3f9b65f95d52be514336d0baf6ef44db61b2f4ca08eacc69b0c3b2b0f07b0",),
        "Sensitivity is worked out among the people who have the condition only. Which kind of "
        "error can happen to them?",
        "Sensitivity = TP / (TP + FN): every missed cancer (false negative) lowers it. False "
        "positives lower specificity instead, so the seed sentence has the two the wrong way "
        "round.",
    ),
    "b1-false-prompts": Question(
        NUMBER,
        ("c4b8821460ff6e4e3767f6be880df62b6599da67bb9ca00f6fc327e288d784a1",),
        "Specificity is the share of normal studies correctly left unflagged. What share of the "
        "1,000 normal studies is flagged, and how many studies is that?",
        "A specificity of 0.90 leaves 10% of normal studies flagged: 100 false prompts per 1,000, "
        "each one a study someone has to look at again.",
    ),
    # ---- B2 Building and validating -------------------------------------------------------------
    "b2-internal": Question(
        CHOICE,
        ("5b1bc6d8c4e45459f7f559672801bbd0afffbaa72335cb6a1cf5c9ba99fb1e1f",),
        "Ask where the test images came from: the same hospitals and machines as the training "
        "images, or somewhere the model has never seen?",
        "A held-out part of the developer's own data answers 'do the methods work?': internal "
        "validation. It says little about a new site, new machines or a new population.",
    ),
    "b2-leakage": Question(
        CHOICE,
        ("9fb32835324c9259e843e6dfb8e8be75884440a0bada45d598089fd3f3552326",),
        "Ask which split lets images of the same patient sit on both sides, so that the model can "
        "recognise the patient rather than the disease.",
        "Splitting by image lets the same patient into training and testing, so the score is "
        "inflated; splitting by patient gives the honest (lower) figure a new patient would see.",
    ),
    "b2-interval": Question(
        CHOICE,
        ("691b3726ad3fc57ef03d0faefd04787c712a45f50bc24b4da23c3e527749f9e5",),
        "Work out the Wilson 95% interval for 27 out of 30 and see whether 0.95 lies inside it.",
        "The interval for 27/30 runs from about 0.74 to 0.97: it includes the vendor's 0.95 and "
        "much lower values too, so 30 cancers cannot tell the two apart.",
    ),
    "b2-design": Question(
        CHOICE,
        ("aa693bbfdfa82687b3d76196d614295fd3c95fcbdcfd94f4b828962d35885734",),
        "Ask when the images were taken and when their outcomes became known: before the study "
        "started, or after?",
        "The images and outcomes already existed when the study began, so it is retrospective, "
        "however large it is.",
    ),
    "b2-sample-size": Question(
        NUMBER,
        ("150fafe393eabd35a3ecc91ec40fc632fe9a04576d4946aec5845a607dd7fc25",),
        "Use n_positives_needed(expected_sensitivity, half_width) with a half-width of 0.10, not "
        "0.05. A wider margin needs fewer cancers.",
        "Halving the precision you ask for (±0.10 instead of ±0.05) cuts the cancers needed to "
        "about a quarter, because the sample size grows with 1 / half-width².",
    ),
    "b2-acceptance": Question(
        CHOICE,
        ("1cfc37e2245ea8004c5aee5697c1725392674a5730fa878da7bead7cda4b8671",),
        "Apply the rule exactly: compare the lower end of the interval, not the observed "
        "proportion, with the agreed minimum.",
        "The rule is about the lower bound: if it is at or above the agreed minimum the pilot "
        "supports the claim; if not, it cannot confirm it, whatever the point estimate.",
    ),
    # ---- B3 Ground truth and readers ------------------------------------------------------------
    "b3-reference": Question(
        CHOICE,
        ("4b61c74fe9fdafab1155f550cb9938c46a4d0f2e6f3dac866fe3a8e9f315fbb5",),
        "Ask which option would still catch a cancer that every reader missed on the day.",
        "Follow-up to the next screening round, with interval cancers counted, catches cancers "
        "the readers missed. Any reference built only from readers inherits their misses.",
    ),
    "b3-kappa": Question(
        CHOICE,
        ("43cb22b7a0b9c2ff8c9538b837e2e0a3fa68b05fb2ae319c236590d95c81ab38",),
        "If nearly every case is normal, how often would two readers agree just by both saying "
        "'normal' most of the time?",
        "When most cases are normal, two readers agree much of the time by chance alone. Kappa "
        "subtracts that chance agreement, so it can be modest while raw agreement looks high.",
    ),
    "b3-moving": Question(
        CHOICE,
        ("59b97f5c72862a656ce1492f5ad5111a4ff191fd70fbe281c33d47b05f48929f",),
        "Look at the table: which reference gives the AI its highest sensitivity? Then ask which "
        "cases that reference counts as positive: all disease, or only the clearer cases?",
        "When only the films both readers call abnormal count as positive, the reference holds "
        "mostly the clearer cases, which the AI also finds. Subtle disease that readers and AI "
        "all miss is labelled normal, so it cannot count as a miss. The AI looks better because "
        "the reference is easier, not because the AI is better.",
    ),
    "b3-noise": Question(
        CHOICE,
        ("d9f5203fbfe5b2cfe6bc0b97859644800eba518a0b7936f9616ca7c5a91160af",),
        "Ask what the model can learn from labels that never mark a small nodule as abnormal, and "
        "whether a test against the same reader's labels could ever show it.",
        "The model learns the reader's blind spot, and a test scored against the same reader's "
        "labels cannot reveal it: the missed nodules are labelled normal on both sides. Only an "
        "independent, stronger reference (CT, follow-up) would show the gap.",
    ),
    "b3-vendor": Question(
        CHOICE,
        ("c7e6d38be11a9168f515832e72da53128a09aa8356bafab19cf8ef72ba27dfc8",),
        "Which question is about how 'truth' was decided, rather than about the model or the "
        "amount of data?",
        "How the reference standard was set (by whom, how many readers, whether they were "
        "blinded to the AI, and whether pathology or follow-up confirmed it) decides what a "
        "reported sensitivity can mean.",
    ),
}


def question_ids() -> list[str]:
    """The ids of Module B's self-checks."""
    return _question_ids(QUESTIONS)


def question_options(question_id: str) -> tuple:
    """The option letters of one of Module B's choice questions."""
    return _question_options(question_id, QUESTIONS)


def check(question_id, answer) -> str:
    """Instant feedback on one of Module B's self-checks. Never raises."""
    return check_answer(QUESTIONS, question_id, answer)
