"""Self-checks for Module A (foundations): instant, ungraded feedback with answers stored as hashes.

The notebooks in ``modules/A_foundations/`` call :func:`check`::

    my_answer = ...  # replace ... with your answer
    print(check("a1-nesting", my_answer))

This module holds only Module A's bank of questions. The checking itself is the course's generic
checker, :func:`radcourse.selfcheck_b.check_answer`, reused by import: answers are stored as the
sha256 of ``"<question id>:<normalised answer>"`` (:func:`radcourse.course.answer_hash`), a wrong
answer gets a hint that does not name the answer, and nothing ever raises.

Choice questions take an option letter, ``"a"`` to ``"d"``. The one numeric question
(``"a2-missed"``) takes a whole number; ``tests/unit/test_selfcheck_a.py`` recomputes its right
answer from :mod:`radcourse.classifier` rather than trusting a typed number.
"""

from __future__ import annotations

from radcourse.selfcheck import CHOICE, NUMBER, Question, check_answer

__all__ = ["QUESTIONS", "check", "question_ids", "question_options"]

QUESTIONS: dict[str, Question] = {
    # ---- A1 What AI is, and where it sits in the pathway --------------------------------------
    "a1-nesting": Question(
        CHOICE,
        ("ab84ec9217b02819835c383d4133712ebb32daa98ca47c14333b0788f2125c99",),
        "Picture three circles, one inside another. Which is the widest idea, and which is the "
        "most specific kind of learning from data? Then check which words the SoR says it uses.",
        "Deep learning is one kind of machine learning, and machine learning is one branch of AI. "
        "The SoR uses the single word 'AI' for all three (003 L166–169).",
    ),
    "a1-task": Question(
        CHOICE,
        ("7baab66c75f80e6a649db3abbd9d8ef22161604f8543498fd37ce10f79c1ddc3",),
        "Ask what the tool hands back: a label for the whole scan, a marker at a location, an "
        "outline traced pixel by pixel, or a number?",
        "An outline drawn voxel by voxel around each organ at risk is segmentation: the task "
        "behind auto-contouring in radiotherapy planning.",
    ),
    "a1-oversight": Question(
        CHOICE,
        ("3a98696c628b0f790bb79ccf5481800df733e5e9b288dacc0104c6081785a403",),
        "Who is speaking in the seed sentence, the SoR or the regulations themselves? And does "
        "the sentence make any exception for approved tools or for one profession?",
        "The sentence is the SoR's own summary, citing IR(ME)R 2017 (001 L59, L212). Quote it as "
        "the SoR's statement, not as words from the regulations, and note that it applies to all "
        "clinically deployed AI.",
    ),
    "a1-glossary": Question(
        CHOICE,
        ("e6416ea5db0ca88de046058c3fb12f05c06ffb3dd17f876ec5f590383bd4d960",),
        "Look the options up with lookup(...) and find the one defined as built for one specific "
        "task rather than to think in general.",
        "Narrow AI does one specific job, such as outlining organs; it does not think like a "
        "doctor. Every clinical AI tool in this course is narrow.",
    ),
    # ---- A2 Anatomy of a classifier -------------------------------------------------------------
    "a2-feature": Question(
        CHOICE,
        ("7174eaa00fe7319233d8c956a07519cfb45b7cb95853ab77d0ab3740b49f1db0",),
        "A feature is an input the model is given, measured on the sample. Which option is an "
        "input rather than the answer, the model's output or something not in this data set?",
        "The features are 30 measurements of the cell nuclei in the aspirate, such as their mean "
        "radius. The diagnosis is the label, and there are no images in this data set.",
    ),
    "a2-split": Question(
        CHOICE,
        ("d969d812d1c7e0f2c06da8a32acb980da0ef36798df6d03ea1821b55c24a60ec",),
        "Think about the next patient: has the model seen her before? Which option makes the "
        "test cases behave like her?",
        "Cases the model never learned from stand in for new patients, so their result is an "
        "honest estimate. Once test cases influence training or tuning, the estimate is too "
        "optimistic.",
    ),
    "a2-trap": Question(
        CHOICE,
        ("2400c51535deb2170fb7b4cfbbf85253b6e38375a8630dfe595b864de5c1011a",),
        "Check which disease state is coded 1 in the labels as shipped (target_names), then ask "
        "which group of patients that 'sensitivity' was worked out over.",
        "With the labels as shipped, class 1 is benign, so the 'sensitivity' was the share of "
        "benign cases called benign: the specificity for malignancy.",
    ),
    "a2-missed": Question(
        NUMBER,
        ("b45668f4e2980cbd80d7b5bf1c37be867bef4b786acb3d6719c00d3586e265dd",),
        "Use classifier.counts_at(model, split.X_test, split.y_test, 0.5) with the corrected "
        "labels and read the false negatives: malignant cases the model called benign.",
        "Each of these is a woman with cancer whose sample the model would call benign at this "
        "threshold. That is what the sensitivity's shortfall means for patients.",
    ),
    "a2-hyper": Question(
        CHOICE,
        ("96deb7a3df0645036522be7fd40295ca40d3baf6699731308b7241f53bb75de7",),
        "Ask which number a person sets before training starts, rather than one the model learns "
        "or one it outputs.",
        "C is chosen by people before training (a hyperparameter). The weights and intercept are "
        "learned from the data (parameters), and a probability is an output of inference.",
    ),
    "a2-threshold": Question(
        CHOICE,
        ("e5e6b266330296a7ff08d78128cf41cd41014872e946da1ea61c114ff663e501",),
        "Compare the rows for 0.5 and 0.2 in the threshold table: what happens to 'found' and to "
        "'false alarms'?",
        "A lower threshold calls more cases positive: more cancers are found and more benign "
        "cases are flagged. The model and its AUC are unchanged; only the decision rule moved.",
    ),
    "a2-overfit": Question(
        CHOICE,
        ("be68adab25c44e83011b424a80000028e76b67db1a902b7181998d5a9dd08c49",),
        "Look for the row where training accuracy is highest while test accuracy is lower: the "
        "largest gap between the two.",
        "At the largest C the model fits every training case yet does worse on new cases than "
        "simpler settings: it has learned quirks of the training data. That is overfitting.",
    ),
    # ---- A3 AI in practice and the ecosystem ----------------------------------------------------
    "a3-table2": Question(
        CHOICE,
        ("ae9aa26094a5fbe3f717fdf54f85c1efa60d9ac8e6f6cefaee01f74d6b096530",),
        "Read down the Benefits column of the table, then the Challenges column. Which option "
        "appears only once?",
        "Funding is a challenge only: participants found money for AI hard to secure, "
        "long-term funding scarce and cost-effectiveness hard to define (000 L303).",
    ),
    "a3-workforce": Question(
        CHOICE,
        ("2bdcb062b93bd1874d383b153da45456d64400292f505a611563ed18b5d4f0c6",),
        "Check each option against the quotations in section 2: which one matches what a study "
        "actually reported, for the people it actually interviewed?",
        "That is what the Dutch study reported for its own interviewees (004 L354–361); it is "
        "not a finding about UK radiographers, who did voice workforce fears (000 L223–229).",
    ),
    "a3-body": Question(
        CHOICE,
        ("1ee52a55dca8b2234d1fa3f9bc79b3e0180d21e3227563e2e69a56a10a914111",),
        "Which body regulates medical devices in the UK? Use lookup(...) on each name if unsure.",
        "The MHRA regulates medicines and medical devices in the UK, and the SoR asks for it to "
        "be consulted on validating AI tools (003 L671–674).",
    ),
    "a3-asof": Question(
        CHOICE,
        ("e435bee79e0108aed4da5e04bf8174b3fc8678ef1debfc4769567f093d80306a",),
        "Which sentence says when the fact was true and who said it, and does not give NHSX a "
        "job it never had?",
        "Facts about bodies date. Say who described them and when ('as of 2021, the guidance "
        "described…'), and cite a named source for anything that changed later.",
    ),
    "a3-bsi": Question(
        CHOICE,
        ("cf45d1064fa4108d2cc59503c81e4bc417aab7e8f5d93cfccc281b1f128775ce",),
        "Print the text of the priority the 'British Standards' search finds and the 'BSI' "
        "search misses. How is the body named there?",
        "One priority names the British Standards Institution in full, without the acronym, so "
        "a search for 'BSI' misses it. One body, two names: the reason priority 30 asks for a "
        "common language.",
    ),
}


def question_ids() -> list[str]:
    """The ids :func:`check` knows."""
    return list(QUESTIONS)


def question_options(question_id: str) -> tuple[str, ...]:
    """The option letters of a choice question (empty for the number question or unknown ids)."""
    q = QUESTIONS.get(str(question_id).strip().lower())
    return q.options if q is not None and q.kind == CHOICE else ()


def check(question_id, answer) -> str:
    """Instant, ungraded feedback on a Module A self-check. Never raises.

    The generic :func:`radcourse.selfcheck_b.check_answer` on Module A's :data:`QUESTIONS`.
    """
    return check_answer(QUESTIONS, question_id, answer)
