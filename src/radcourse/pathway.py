"""Pathway mapper (exercise A-Ex1): where AI acts in the imaging and radiotherapy pathway, and how.

Each vignette paraphrases one AI application named in the seed documents and cites its location.
The learner places it at a pathway stage (syllabus A-LO2: booking → acquisition/positioning →
reconstruction/dose → triage/detection → reporting → RT contouring/planning → adaptive treatment →
service management) and names its machine-learning task (classification, detection,
segmentation, prediction/regression, or optimisation/generation for tools whose output is a new
plan or image).

Some applications are honestly ambiguous (the seeds rarely say how a tool works), so each vignette
accepts a *set* of stages and a set of tasks, and explains why in a rationale. ``graded`` marks the
vignettes whose accepted sets are clear-cut enough for an auto-graded question (assessment A-Q1
grades ten of them with :func:`is_accepted`); the others are good for discussion.

This module ships in the student edition, so it follows the course's self-check rule: no answer in
plain text. A vignette stores only

- ``stage_sha256`` and ``task_sha256``: the sha256 of ``"<vignette id>:stage:<stage key>"`` and
  ``"<vignette id>:task:<task key>"`` for each accepted key (made with
  :func:`radcourse.course.answer_hash`);
- ``rationale_sealed``: the rationale, sealed with :func:`seal` once for each accepted
  (stage, task) pair under the key ``"<vignette id>:<stage key>:<task key>"``, so that only a right
  placement can open it (:func:`rationale_for`).

This stops the answers being *read*; it does not stop them being *found* by trying every stage and
task, which is what the exercise asks the learner to do anyway.

Feedback: a wrong choice gets a hint that does not name the answer; the reasoning is shown once both
choices are right. Every message cites the seed.

Nothing here imports ipywidgets: :class:`radcourse.widgets.pathway_mapper.PathwayMapper` calls
these functions, and the unit tests check them without a browser.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass

from radcourse.course import answer_hash

RADIOTHERAPY = "radiotherapy"
DIAGNOSTIC = "diagnostic"
SETTINGS = (DIAGNOSTIC, RADIOTHERAPY)
RIGHT, WRONG = "✓", "✗"

#: Short citations for the seed files the vignettes cite (SYLLABUS.md §0.1).
SEED_CITATIONS: dict[str, str] = {
    "000_3e6d27baae46dbf4.txt": "Stogiannos et al., J Med Imaging Radiat Sci 2025",
    "002_467d0b2b8d0164ab.txt": "Fazakarley et al., BMJ Open 2023",
    "004_ff6d0e1391025a40.txt": "Strohm et al., Eur Radiol 2020",
}


@dataclass(frozen=True)
class Stage:
    """One stage of the imaging and radiotherapy pathway."""

    key: str
    label: str
    description: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Task:
    """One machine-learning task (the same words as the course glossary)."""

    key: str
    label: str
    description: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vignette:
    """One application to place.

    The accepted stages and tasks are stored only as hashes (``stage_sha256``, ``task_sha256``)
    and the rationale only sealed (``rationale_sealed``): ask :func:`is_accepted` and
    :func:`rationale_for`.
    """

    id: str
    title: str
    text: str
    setting: str
    source: str
    stage_hint: str
    task_hint: str
    _: KW_ONLY
    stage_sha256: tuple[str, ...]  # sha256 of "<id>:stage:<stage key>", one per accepted stage
    task_sha256: tuple[str, ...]  # sha256 of "<id>:task:<task key>", one per accepted task
    rationale_sealed: tuple[str, ...]  # seal(rationale, "<id>:<stage key>:<task key>") per pair
    graded: bool = True

    @property
    def radiotherapy(self) -> bool:
        return self.setting == RADIOTHERAPY

    @property
    def citation(self) -> str:
        """``source`` followed by the paper it comes from, e.g. ``"000_… L185 (Stogiannos …)"``."""
        papers = [c for f, c in SEED_CITATIONS.items() if f in self.source]
        return f"{self.source} ({'; '.join(papers)})" if papers else self.source


@dataclass(frozen=True)
class Feedback:
    """The result of :func:`check_placement` for one vignette.

    ``stage_correct``, ``task_correct`` and ``setting_correct`` are ``True``/``False``, or
    ``None`` when that part was not answered (or could not be read). ``lines`` are the feedback
    sentences, each starting with ✓ or ✗ and words, never colour alone; ``message`` joins them.
    ``rationale`` is the vignette's reasoning, unsealed only when stage and task are both right
    (``None`` otherwise); it is also the ``"Why: …"`` line.
    """

    vignette_id: str
    stage_correct: bool | None
    task_correct: bool | None
    setting_correct: bool | None
    lines: tuple[str, ...]
    source: str = ""
    known: bool = True
    rationale: str | None = None

    @property
    def answered(self) -> bool:
        return self.stage_correct is not None and self.task_correct is not None

    @property
    def correct(self) -> bool:
        """Both stage and task accepted (the radiotherapy tick is scored separately)."""
        return bool(self.stage_correct and self.task_correct)

    @property
    def message(self) -> str:
        return " ".join(self.lines)


# --------------------------------------------------------------------------------------------
# Stages and tasks

_STAGES: tuple[Stage, ...] = (
    Stage("booking", "Booking",
          "Inviting and scheduling patients before they are imaged or treated, for example "
          "predicting who may not attend.",
          ("scheduling", "appointments", "appointment booking")),
    Stage("acquisition/positioning", "Acquisition/positioning",
          "Getting the image: positioning the patient, running the protocol, checking the image "
          "at the console, and guiding image-guided procedures.",
          ("acquisition", "positioning", "image acquisition", "acquisition and positioning")),
    Stage("reconstruction/dose", "Reconstruction/dose",
          "Turning the scanner's raw data into images, and keeping the radiation dose of imaging "
          "low, for example by reconstructing a clear image from a lower-dose scan.",
          ("reconstruction", "dose", "image reconstruction", "dose reduction",
           "reconstruction and dose")),
    Stage("triage/detection", "Triage/detection",
          "Spotting possible findings and prioritising the worklist so that urgent cases are "
          "looked at first.",
          ("triage", "detection", "prioritisation", "triage and detection")),
    Stage("reporting", "Reporting",
          "Interpreting the images and writing the report: measurements, second reads, "
          "structured reports and the time it takes to report.",
          ("report", "interpretation", "image interpretation", "reading")),
    Stage("rt contouring/planning", "RT contouring/planning",
          "Before radiotherapy starts: outlining the target and organs at risk, and making the "
          "treatment plan.",
          ("rt contouring", "rt planning", "contouring", "planning", "radiotherapy planning",
           "contouring/planning", "treatment planning", "rt contouring and planning")),
    Stage("adaptive treatment", "Adaptive treatment",
          "During a course of radiotherapy: re-outlining and re-planning as the patient's "
          "anatomy changes from day to day.",
          ("adaptive", "adaptive radiotherapy", "adaptive rt", "treatment delivery")),
    Stage("service management", "Service management",
          "Running the service: capacity, workflow, staffing, equipment and keeping watch on "
          "performance.",
          ("management", "service", "operations", "workflow", "service delivery")),
)

_TASKS: tuple[Task, ...] = (
    Task("classification", "Classification",
         "Puts a whole case or image into one of a set of categories, such as normal or "
         "abnormal.",
         ("classify", "classifier")),
    Task("detection", "Detection",
         "Finds and locates findings within an image, for example by marking each nodule.",
         ("detect", "localisation", "localization", "object detection")),
    Task("segmentation", "Segmentation",
         "Outlines structures pixel by pixel (or voxel by voxel), such as auto-contouring "
         "organs at risk.",
         ("segment", "auto-contouring", "contouring")),
    Task("prediction/regression", "Prediction/regression",
         "Estimates a number or a future outcome, such as a bone age in years or the chance "
         "that a patient attends.",
         ("prediction", "regression", "predict", "prediction and regression")),
    Task("optimisation/generation", "Optimisation/generation",
         "Produces something new rather than a label: an optimised treatment plan "
         "(auto-planning) or a generated image.",
         ("optimisation", "optimization", "generation", "auto-planning", "optimisation and "
          "generation", "optimization/generation")),
)

# --------------------------------------------------------------------------------------------
# Vignettes. Each paraphrases one application in the seeds; the source line was checked with
# ``sed -n 'Np' file`` (see the Module A report). Order: roughly along the pathway.
# The accepted sets are kept only as hashes and the rationale only sealed (module docstring). To
# change a vignette's answers, recompute its three tuples with stage_sha256(), task_sha256() and
# seal(text, rationale_key(...)) for every accepted stage, task and pair: never write the plain
# sets here, in a comment or in a test (tests find them with is_accepted).

S000, S002, S004 = ("000_3e6d27baae46dbf4.txt", "002_467d0b2b8d0164ab.txt",
                    "004_ff6d0e1391025a40.txt")
_TASK_HINT = ("Ask what the tool hands back: a category for the whole case, a location, an "
              "outline, a number or forecast, or a new plan or image?")

_VIGNETTES: tuple[Vignette, ...] = (
    Vignette(
        "probability-booking", "Probability booking in breast screening",
        "A head of breast screening describes AI-supported “probability booking”: estimating how "
        "likely each invited woman is to attend, so that appointments are booked to maximise "
        "attendance.",
        DIAGNOSTIC, f"{S000} L175, L177",
        "Ask when the tool acts: before, during or after the woman is imaged?",
        _TASK_HINT,
        stage_sha256=("a531a0754d82a3d322421dcbab898a3d72df36fba1a080e2fa9007f548b3fae2",
                      "d59434b13a8fb180cddb4b651f760de92cd1e5f8a9ad840623c7cfe235cf714a"),
        task_sha256=("71b28a0ea525160d421d08cea079d132c391a796709549146e49e3960cb9e48c",),
        rationale_sealed=(
            "K+ZxK5NAQFCmn8i/8hOqX+3SkSq8pazpSBIp2MgsGWnNKVu3m+Jy/QaiTcaheLHCCcWr27oxm2I9"
            "lp040wdz/7VqVksVdqpzmTUlGhTZSjIoMNBDvicX0+EckYRNj4zkdYFRelgSPzStEp9eemv7XU+y"
            "umyGAL8SZFfDMFI2/bImBEn342Egd5WfHK/yjn8QN4LE7xA+GxsG0DFwe9AjZhbxDO+Mra8OQGJj"
            "QF6w/eg9jgeHeW2OjysGgQFeklQ6h66dOBGYXw==",
            "dwWmuuIDxMWhE6znm7639Q2gFbpc3mlLKdA2l3qSQJB3zKfyt04hy5HvwN9HOdD7rV9Dtbf9EIkb"
            "ocRRuhQ1IGgkyUuWRYOrEpMEqKClzOnJyazMc5hm3f3bUP9RixAxUTzRKvSIkRaFOuSq/njGGm63"
            "7bNNsVE4bzjST7zUq8431q8o0nmAvmqG0D5S0ljBSXOEFEmcHzIOnWTVjYjYpAaF+9dJP33VQcnJ"
            "fBmb/5y/Oocowou5w9I8XfLtqWou2gbZk0yH5g==",
        ),
    ),
    Vignette(
        "positioning", "Help with positioning",
        "A head of breast screening expects AI to help radiographers get the positioning right, "
        "which means fewer repeat images.",
        DIAGNOSTIC, f"{S000} L185",
        "Ask at which moment a repeat image is decided: while the patient is still in the room?",
        "The seed does not say how the tool works. What would it need to output to tell you "
        "that positioning is wrong?",
        stage_sha256=("560dfeefe296a80d71f0daa9882d7c64649a20ee19f839aa23774293131e8039",),
        task_sha256=("a58630f253c96bf0e8a6fcc92c6a1fe74131525bb1e190c1af19cdb48e5de15b",
                     "d8aaca127bfa65be3fb826d5555019d6c210c96c4471f66647db006554f5023c"),
        rationale_sealed=(
            "5RYJmO5O/KdQOQI1o0OFqC8GOBkZxAs3Q7qPCisyYFceSncRepHsx9qfO3riZW5nyAkeI/HHW2p6"
            "0qfw/dfyvRc08S+JUgHlJ0WyJgbxg2CQuv0Xri7f8BvuERiCcuByvc3fQ0BpXtwh8DrgnHQmoHQT"
            "uoBS/B9cGKjw0qlctHzPggMSUCBbbtUfqK1xz3uEMHcqWoMvbjOA56l0LK+Yly1FBKiqCRfnSfAx"
            "kA+KI0SKZMjuRMMYXA/JIfDnJEMzeRxy15gewixuDiBxnl4oBm7Ipjw4v/2esbFCzOx8BdETPkWy"
            "Zrbjz2FuZ/3TZV8=",
            "ctUwziMzzAHGKBTeb4fhjWy4YAA3zaDAzNo7q/fepqL1HDlHxeN2DaiOS3Rb8njGWt59TVMfBfw4"
            "UyCT9i2UG0nv8Rf78bxmZOWvSoJuzWLetdGYi11Wo2/RnGeXsXzJE/l0nwOC20uIrLIW4yG4qtfq"
            "KKMnKPGRZxpPY4dtmMju/O1sAMxYwb2Qr58ECGChLT3e2nq9Voiae50wJH6SKC6ZxSnMjX0kB2ol"
            "egv2HKvDLREYvJyPud3ffDn4gbaRZ5LUljVH5h/wDuogBDH2g5WNvNVZNqO6QHDjyx6xhkQjZ1K+"
            "ufUQG5WllFB0SDI=",
        ),
    ),
    Vignette(
        "image-quality-dose", "Better images at lower dose",
        "The authors of a UK study list better image quality and lower radiation dose among AI's "
        "promises in medical imaging. Picture a tool that turns a lower-dose CT acquisition into "
        "a diagnostic-quality image.",
        DIAGNOSTIC, f"{S000} L89",
        "Ask at which step raw scanner data become the image the reporter sees.",
        _TASK_HINT,
        stage_sha256=("d722e4e32ceaf0787021671cc440acb3c443f798f7b60b62ad36ef61ad4f5495",),
        task_sha256=("d3bb06730ca688e8e06b6fcca1b8a0ec3a469aa07823a5585da9b17c10f83bfa",),
        rationale_sealed=(
            "6cHf+p1KQ6UDa/7+zvWa4P31qNQTsYWU4NwWvOwFoQWpoTQ8x42ltC1HFryUDzF3MrjTAi0Y3W4s"
            "HOj4GMVY6F7UlzvwxarMDisnZxHDcLps9F3fyJgWK3eJEKaODdNis2AG49bEjgMj+Z4+DXifTzqD"
            "KstGC/qbPJ6Ow1UuD9nO3rHmR5R+GUnDUENvHOj0EygiY1YzlFwCPQN1rCnRtc23Arfv2VhgRgK9"
            "Wg+/cuJS1bo=",
        ),
    ),
    Vignette(
        "reporting-time", "Shorter reporting time in screening",
        "A head of breast screening says AI “will certainly help with the time of the image "
        "reporting”.",
        DIAGNOSTIC, f"{S000} L175, L183",
        "The benefit is named in the quotation: whose task does it speed up?",
        "The seed does not say how the tool helps. What could it output to make a reader "
        "faster?",
        stage_sha256=("b548819bc97ae08c7733e69d634239e870fb38ff525440f2d2a5dd10388dfb1f",),
        task_sha256=("3fcb4ac46a0314d304b17a53adea201b6b74124f4e1898bbf5f49a6e4ab4b5e9",
                     "e800105081cd5032a0704c1adfa97960739386bd4b872460068f4748f9364f2f"),
        rationale_sealed=(
            "CjNHtxj6Lc6KWcsCYkSYL+DNwuI2n4U0PBbe3oGUIbaYD4Whty3JvHZojc8b0KSJsVev2fmNZQgl"
            "gxRUef97CHtyioOtNrSHxT+eYHGG4fV+9HMRcfb/Ff+4vvKWXEuDwetMhj5WK1/LbjuE9xp/svfr"
            "dB4KsC1Yjixn1Mb5/aaP1fVzRl52W9Ir1OhdetZXK8hkh4iRJEIWJoBHT2s2Yr/8MHN3IaqE3+hX"
            "U5ZeEcITXp7tFnKTC/qMaUth54VqNs+Syx1t4TDFElScFqsBc02QGiPOqnxSYGJVviaAZxSiJC1X"
            "R/KU2yL8DO8Ls0sVIIL6QqXp/9f+sdwIk6/VPw==",
            "ru/76s9BJA+PVyqgEQupwc6uTOGZO7azv8HnWEeycOoAa7hf7avWuNkWVyyTlnYHS3oa0j2aPHbP"
            "8vs4ed/W8VFZGv+uupHy9jAaOwYQMWIZaE4paUOSPu8XPJSCKsRNC4ys7hBNdTsH8hhisGUbeiXR"
            "aMALFxMQnuv7T4wlmCqfekMAY+0cEZtbeB8xUoy4OMHrCBJeUsnB+tCKmBajdvHkTUTMtebFiDhA"
            "pjfWv4sU2LSAvLR6ODxE/Gdza1y5NiW3dgHwJKXTWS9zzUWxIRjEmbKotKvml3MN4Gex2EmURqT1"
            "Kfr458VC9Z0rcfSzfpZTdClatHDJaPYjlAaY3w==",
        ),
    ),
    Vignette(
        "oar-contouring", "Auto-contouring of organs at risk",
        "Practitioners report AI cutting the time needed to contour organs at risk for "
        "radiotherapy; a consultant radiotherapy physicist adds that it means less risk of "
        "repetitive strain from hours of contouring.",
        RADIOTHERAPY, f"{S000} L175, L181",
        "Ask whether the outlines are drawn before treatment starts or during the course.",
        _TASK_HINT,
        stage_sha256=("a81e428353568fb65c7c38220494df72d2ff7b16b31f3ee495519c63913f6191",),
        task_sha256=("ec524c014b3b86e972ddc79b14d7ed349de364901fbb1d91c82649736acbbde5",),
        rationale_sealed=(
            "zULO+uqg7tPc4etjRCTxZg+nyBxKp3IjhFhEEbFdUSvKd+xdF5+tc+LAAtrKn8hpJPuQ99Z8L3f0"
            "FFc6q2vJaBvN7OJeA9P5KUMvtFU3HNhSFgQVSlTMqnUVvI49mzTIfjk0qvh9BcxUA1Xj2uN/5Td2"
            "JMrU5b93W19f/S5h1gExyOpC86LAw5Om8MPORP8110yZXYs=",
        ),
    ),
    Vignette(
        "adaptive-rt", "Adaptive radiotherapy",
        "A head of radiotherapy physics expects to “achieve adaptive radiotherapy using "
        "auto-contouring and auto-planning, while saving time”.",
        RADIOTHERAPY, f"{S000} L175, L187",
        "The word “adaptive” is the clue: when does adapting happen?",
        "The quotation names two AI steps. What does each produce?",
        stage_sha256=("229c6b5f1fc5e82b8be42bdfbfb98a2ba3176396df84a70827f928d09b983264",),
        task_sha256=("759224495fbcf18ec1d1b6ce3798ee4248dd11afa8bb5f7840f51769e4890993",
                     "d84c8c55ba959a4bad8ab41a25be941ddca665ae97b1b71ceb26339e4c1e0dbc"),
        rationale_sealed=(
            "M6+Fnx/ENllG6JH4JHDNxMgJGQeG60Z9a6HWNBVMtth4JgdPplfqoFStTx0f8+2lV8ORLUHq21Jj"
            "L2RNdR0A2cnBb8ZgJ9OO2MY59VNeCRr1BYPoD55SpOTH12rNdq6OyZRy7Iz4HCyoySVfW135KK9Q"
            "f/+GoYFmPJ0Ft1Fhv8U38atWfcW/IxF2lDqEoRoW7qqVtW5dz7se0ovdonCTdx+mtr588BU32vcP"
            "DcM8Nqw0lzuZ8g+C2p0+XoYK1E06SSbpAmEgwVZVR5SyMuhgly+X6e6OEoSyBi2Etz5NOdk=",
            "Q7eLGJ3mLA8BE9J4sbbvLdeVAwRKgnW5CcjNP3kflMabNibzW5cR+1K/hecg/uO0oEfUVIttOuyl"
            "YBKVkII8qzYDLis9VW9ns7S3xgl0CPwS1U7aqKmpRWUT0VkHCBBFlrk8/ISav8dpoqa82KuhVtcT"
            "eG7shLGq6V37ZJsRPkPdIewpFvTi06i/LniF7PHBcOg0WD2UnXHwyxl0hsDOUm0p+AdwJpDo2eNZ"
            "oK552Vuwfj+gMgGYqJJ6xTFR5HWLKg/3LLOSYaeG26iqD3lfwcEcVktdVmZZgYYkFvQDq2g=",
        ),
    ),
    Vignette(
        "biopsy-support", "Support for taking biopsies",
        "A head of screening hopes AI will support staff in taking biopsies, so that enough "
        "tissue is sampled the first time and repeat biopsies are avoided.",
        DIAGNOSTIC, f"{S000} L193",
        "Ask whether the tool acts while the patient is on the table.",
        "What would the tool need to output to avoid a repeat biopsy?",
        graded=False,
        stage_sha256=("01f9c48d411441613a3e8993f9a51ccb63ab9e608f91d4f9f21e3a8fb1e14e4f",
                      "f5c5ee90e2e1502d0378b33c8af5c185f6991d533146ad28876f30003afc7fb5"),
        task_sha256=("905ad17e0ba01ecb4fbcb4973de3141a579c5a8c4039f2f0ff9eb062ac5694dd",
                     "cc21009aa08bcca995257788668c435d57edd1747afb2157dea41d40f675873f"),
        rationale_sealed=(
            "6czcKlVb5e3D/jr6xe5aOv9vH6lguV+7yKeZto4kjML9nAEon1DPcAKaMuMRE3QoMciZJK4zT3eg"
            "bUp8huTJSgPAz7HdrRia894HmBjObL2UUO3/8MYjzjN7MloD+jpMOkRdEZtqt5MbQChfpyAu4GUh"
            "1zEUd7odXQyprtMyhGckjOQmzKMOxPILRpULlq5fqlro0laFrBDOsWnIAc8NA2ptTgRh0IngtbIG"
            "zbcqyhowq2KmFbRo5nfMOfFKhF0A3XBcIWGq33qfcEjOZ/0pOMYQITIQpP1nCznxa2rQ1/qfETAu"
            "SIkVRMa0FeF8r0jNdogZIpnUpZkSGBzrUNQWVWsZFHY9ixYkd4eSdKFLhh7lqLN5BTDKiJEEKCZP"
            "Yf03WoYyAEEYshe9eykEGULPKAj3dqpJgNR51VqHVBTXY9WhqPz+",
            "9e7y4BJsOVsqCRrii1Uvk5IxpKpUy1ZjoBA5ib1iRgON8Da0sFuAAVBcOYN+Io/HucI00d/1nYNU"
            "rRvppQUp7eUhY579ZV3pl9uFQpAXAiHaYDEVAdCHcoy3DUztoJE4ERfeZe4AKQsaIP3LgGLnJVtP"
            "chcwUayuC4QbslEhdJaXwbg0rIPXfq7BG0AkbdgHBGzJn3zdA+bob/+u9JKHO48NvupbGCV6BI0+"
            "zq7lkyZVXwh3xLL7KXm2z0OSbRbAvBPc0y0t2TiXgzIKA+37RP1xBSzAjzS3K/016ktMYLdK/Sxm"
            "dHGoPk8tFoE03ZbH3kqFwvD4rL/xdKdsMEcsXS0t/2fPgZcuvxD/ibA5BANqp4z4BrXcD4F/58Aa"
            "iCSaH8IlXAnCaEtJkRIoWEg9rxnTs0fko4rbJZaq7vtUbsWZUnpM",
            "ApCpyu3LuaQOLQM3ljRjPno1wJOjr0zzlS/loGh5CpNCCKsRDWoMahaThYTRiwNhC5sXXzCBSLyJ"
            "wwSD1hOuiQi+X8qBtijv2r2kGmCtpBHV1Nk7678HUzI+lyd3JBXa6Spj98ELFiCC17me2G58H97i"
            "wta7K7W51BP8mbAXONYfMXlDEpc5Wu/ktCtQFybIZ/Bzj3/3Wi3S/zvVwEEdQgqWpZXKkCMTjb76"
            "fHgGGxwvln0cK3rf5myFZlbZePTKQm02U72QlFRfK1jODi6M3co7GKXs00JyKCkypF7Nqxd9Sohc"
            "78onJZCwi/IwSV/m8RJVgjDChwFvp4O4lNbp1cSh8xnrXYFwyfW3QIvGZ/UT92WxJ2Jj1Mlqa2Xe"
            "2RTHe8NIsKu+UwdmheSFKFcZvK4nbNLuj2sYMO8rY5g/r2Fi6J5V",
            "oShgQa3gKdbhGeoTAKFCglh1ln6DSvwfLyb4zFYjDfKbsxfT48G5lOemJwuEnVY5luiFXJpUwyrR"
            "1mT1mqX3xmJzwseSsqsleoiDgz08/tgef3uDU2gz4zMbl0a071dHFTzT3Cx7FKpryYmZ5Zz0qEHl"
            "ZqJsRowTYDN7bWkvRGLGbdYu/M2FS/1ik0pkS83iTk6oTvOiJEMoQsYEgLsLZOotsRGB6AYVdssH"
            "e63qoi31pTSHe/Ej5TPJrC/UFB6LMYFHPu3F4cHr5Z0dSfW6xntSnBZxJ/q2Q7UVuL4N+hP2SONM"
            "tlkSduZXGVU518MmvnOtj8NYetupPHpKLgH9RlqWtOKgQpeguPdhcKf1jcEMdh/VdVrXYheLTEg4"
            "Jaxi4bU+2WOWCc5qRPH9g9V04gIAd90eotazzYqZ8Gl9vnz9UKm+",
        ),
    ),
    Vignette(
        "reproducible-contours", "Reproducible contours and organ doses",
        "A head of radiotherapy physics values AI contours for being reproducible, which gives "
        "more certainty about the doses particular organs receive, and sees a use in a "
        "population-wide dose reduction strategy.",
        RADIOTHERAPY, f"{S000} L199–201",
        "Careful with the word “dose”: is it the dose of an imaging scan or of radiotherapy "
        "treatment, and when is it decided?",
        _TASK_HINT,
        stage_sha256=("3ccf996c958e45b1d2cbbdd92e19600bf7cca11a2e2c5f200fd6aded388c5854",),
        task_sha256=("151061411b349563d8cfe07dfc71eb6f4e243155767fa149c08293e9fcfd0792",),
        rationale_sealed=(
            "9+MXzdwVmmBz957xnFIaNZw0k5YoEcSK45DDk++MWrn+ulTdCRq/r+uRs3gSr2jLQAl2LvnTjJK5"
            "B5QsrPHIYBUNsghg49wvermiIznIm/XVmQ+yd3q+XM7OChKqiHbbJRnxEmmR+1aVH6MbtIRnz0bR"
            "ZzmX2hQVto6W3MoCxYn6ytnWkvDADsKfZuLuysXuDmJnrukxsuM8TryENFdlgxbW+B6R/wlVETxm"
            "DIHTNLUOiwxtps7rUlWTi4exR8nu7nklO8fOECt1C0WF",
        ),
    ),
    Vignette(
        "lung-nodules", "Lung nodules on CT",
        "Dutch radiology departments use AI for the detection and quantification (measuring) of "
        "lung nodules on CT scans.",
        DIAGNOSTIC, f"{S004} L101–102",
        "Ask whether the tool is finding things, or something else in the patient's journey.",
        "The seed names two jobs, finding nodules and measuring them. What does each produce?",
        stage_sha256=("b417707a6a9a10e701075cf4701b0e434070bc049073f35f1bb9657d77f63760",
                      "db792fe604798d880c675d128b8fe5912ee330dae534a3619b2c1ef1bc4f2275"),
        task_sha256=("896578073c7baa5830fa738332f3ddef489de6326c3101fac7dd22e7ae1ad367",
                     "ed87176903e75331cca060f4e62e62cc507448653eee7e3036edd08202b7f97e"),
        rationale_sealed=(
            "+14o2wZLvm2NqJDb9i+80/EYC1MYpme5f44XbP5KGsnoCPe3zBDif50IIVZVwuKiDqXN+49OAd/v"
            "7QgVdiu4blppvHelipi2Col5LppU75BF9n/OZ4c0JBJamFcpMbKCzh+MbWFbp6GHsSfqAj7IhT97"
            "syWTi4eeE4vVPZ7wilq0oNlMwTaXXYtOygatDbN0eX00wK+SZSpjC/Y4h5KhnQorxQdEJnv4jRhg"
            "+Mqnp+SBM1MynHZJJY3JGnAAJ/wUvoiH93kIBvMZcmF3PRnyTIlNERO8uwRC+WL1NvKlYM5jvbGH"
            "lMw/2A==",
            "/T8os2PdkC8qxLFsbVJf1evYE/xd3qWiM8pPKV6HIvS3gJfZF4oilhE7lVb8XF51xY2Xd0/Nz2pB"
            "xIR+bpdl82wgATQbGVSagmk/szkVSKoKLIvJY7af2h4PQSbfTHrhmvSDIkp3ZPcdOGa+Je0cSZta"
            "CHPxnWFlXu+w5xtGZfdmozwTa8fOHf8vh8I58jaeHrL3k0sPHyjuWv3kmT4RETJzoyXiib4f4IJd"
            "7Ebw5g7uaxECKLGyuE9tS4MsH3WGalJsUjsWzBsBQ/9FbxtDvJwM2d1a9fOuG56+Jniu0C5lzSGL"
            "uqviaQ==",
            "fa+ZZbivzxycy21NcXVcGolPoc3MHlsl3yvrL09vB5pEdVeKCP4AthCZspNWwU4G78L+IgsSJzGB"
            "+Z+YCmX+oBNeXfzdc7Gc1z7pOvHkHbsXEZxSc82CORJSFTIgo3TFUfIi4kYkmOgCj9Mg9WOisFM5"
            "3xyekNKSpHo4mDws4T0pXeHIghcgzPHnsvRtzv9r48WR4lE8Pr5OR+XXAfumFaTVLsmCuiy6eNlA"
            "xfEq3k46pAhAPCmW87T9B1R9sZDEwaTMUG87iofO9zVmHrxddVRZ1ABJMZkBAcIb0G4cTd8C25R+"
            "6YCZEg==",
            "kQLYrFZhCNzd3OgRbfIbZHLC5niATbd8N4IhsNTQ3S5S9aTP5pm2YxgOH7axjL4OdvjKEKg9n1DB"
            "MXv28k973L6g+W9is0mZwrNvTLSM+sILiUqe5vi/q/EtcK0Ut844xht94IHuK8tpPx05OHyAS0SK"
            "DX0r+Tnh6mVtt28XoEd8RppkD35gbPqPg1bxfZUlZQ039/DhxAjSrOYx+q15QFZr8s7WIm9B+Xmh"
            "vHc2PemnMc0AlCtxlPdzV47yPhAtxq4ywyHrnbYbl0530bufoAx02TJzDN9Mk4GQTQZABlz02Mjc"
            "os/vMA==",
        ),
    ),
    Vignette(
        "mammography-cad", "Mammography CAD",
        "Computer-aided detection (CAD) systems for mammography, in use in Dutch radiology "
        "departments, mark suspicious areas on the images for the reader.",
        DIAGNOSTIC, f"{S004} L23, L102",
        "Ask what the reader is doing when the marks appear.",
        "The D in CAD is a clue. Does the tool label the whole case or point to places on the "
        "image?",
        stage_sha256=("01b380d07eddeb63daf50541d74ef8b85565e79f51cb264a51065d4fcc40eeef",
                      "0e5b45f6b1a5d59cc6a5f9315592cd4435ecca85571f2d82cd289fb4633b25f2"),
        task_sha256=("bb3b713d6177a943ad9c6aa6ad044772ed4c89cfa6f00bc153a21909d769de73",),
        rationale_sealed=(
            "vk6iqwjGmNO0OlU4ZMICW6slFV/ReFyERMX4A04mwBwq65gRIYHfBOls4Ka8fF2tM9wBUySi0tAy"
            "nSFpL1mCYT3wt7KuepprDG/Tdmd3jZmTP9rYC+wTJYXhySp0O6H2+yjBiFrIXEHDob78oQkzTyW5"
            "mEJRAYgS2vvQNAYtBNltaa26IwFItraHQ5Kout8fPkZzGdSxsg==",
            "ziyCBlZaWTBV9ak1TzRKbSPxpOV1cxEXdx9ksy7L5GIqzf75RQN7G8noJgWjXyHxGNASUbHuvjcG"
            "9hAlRYb8PZf33a2GEAgmTawoB+4UuzzC7vxJv/vPivWdWFpQ+Y0l2V0QERlLC47RPyx86lYCMg5Y"
            "3jpg5g6b5MsEW7G/xWmtjtQ3bhVICrPser5RHE/aB2kcXVztvw==",
        ),
    ),
    Vignette(
        "stroke-detection", "Stroke detection",
        "Stroke detection is among the AI applications in Dutch radiology departments: software "
        "that looks for signs of stroke on the brain scans of patients with suspected stroke.",
        DIAGNOSTIC, f"{S004} L102–103",
        "In a suspected stroke, what matters most is speed. Which stage is about who is seen "
        "first?",
        _TASK_HINT,
        stage_sha256=("20987177bfd88c80bf48109aae98f515b536bdcc0b0084e2b615605a3b2a538a",),
        task_sha256=("b08f78212605a22c81c79b49aa3f57960513b51cfafcce4c1f392af1d7c94e16",
                     "c337f27822c11736f688442e9d83329350ab775c62e5038ddd011385997bc00d"),
        rationale_sealed=(
            "5Fb4aDlr/dk9+ZYguKaChQIbbnbg4jsJ+w99CQYBWBk9GVLXDFXBK4/1L9qi3gXwCdkib7IWWb5h"
            "23cP+4HGqivwBiXJE/axOfPEPqpibQ5Oe72+kFhLN2o1qJdHBYpg7eExJ55mxWjXqh26uiACXAcJ"
            "bxld291hP/lSWYmZxWVlwJMTvWznqSie7jpdaoYOwLoL15rjYZNzMb9kRLD7n9rcGrZnlJfr2YaZ"
            "EFgvNJyfZc1QfiI/ioQSSKVaSD8TWKM=",
            "WTlgfvweMIEaZK/iweI6rRG3MftYfS2IK1MmI+50m2hc5sj2eIKw9MMzdyl9+IA0It71lQ+KScMM"
            "8QnUbHlnIoN5y0xo1hu3s9QwqbGn5V26OMrbgFXtDuM3ekrbgXrpnVYXeL7FguEA0Pmf2M+lBcTe"
            "mk2uBjsLxWQZBE1XtxTBU2aonCAw1Uqx6jPO2hz8LPSNRErfZDEE4cLiEJyC3O05hHjDbf8GgxkO"
            "Sk419nZyGUJgtrMTVwgPBZVM+da4MTo=",
        ),
    ),
    Vignette(
        "bone-age", "Automated bone age (BoneXpert)",
        "BoneXpert, a software-only medical device distributed since 2009, automatically "
        "assesses bone maturity (bone age) from X-rays of children's hands.",
        DIAGNOSTIC, f"{S004} L103–107",
        "Is the tool finding an abnormality to prioritise, or supplying a measurement for the "
        "report?",
        "What kind of answer is a bone age: a category, a location, an outline or a number?",
        stage_sha256=("726e8eb7a060ab5c80ea707de3204feeda8af14e6bcf8a43d56256108e23e696",),
        task_sha256=("768c9aa75ddd489f1ee2ba12a8250a1ca8147e61fca06c6d1b85d4101d12ecb3",),
        rationale_sealed=(
            "xgEYWj/Rj6YYMw6j4LFTTX4FsQibYDZKjN3niJ7Y0RJv8tjjsnDpyCmjYQCShe2RVeL3F2KmXxXL"
            "mQrnCm6XSrwsDqJWO9sz+6S5sHr2WaBl/rgvJlfxcsrHi3u0VjmTtlBI0e8eM4hpv0SMepvJe0Cc"
            "C4RS3LtiZ3sh9IF16Y9o6/2v6DKfO6nYU6/giRu3D8nDgQZ/",
        ),
    ),
    Vignette(
        "echogo-pro", "AI in stress echocardiography (EchoGo Pro)",
        "In the PROTEUS trial across 20 NHS sites in England, the AI tool EchoGo Pro analyses "
        "stress echocardiograms to help clinicians diagnose coronary artery disease.",
        DIAGNOSTIC, f"{S002} L70",
        "Ask what the clinician is doing with the images when the tool helps.",
        "Does the tool point to a place on the image, or give a verdict about the whole "
        "patient?",
        stage_sha256=("d5b4b0b014260751d0bc6d91f4f261e9154b23e283b47daa78a2bccbaf277b03",
                      "e05b32a4dc320b07c3cda3bd69ba402f83496f904969dd1103b0585a9b3133a0"),
        task_sha256=("3ce3a8503507b535a9c274b98993e3fcb624c1c2b911f20ba5304be83b53e3d6",),
        rationale_sealed=(
            "5t3ABMnO5ljU4igpVZ82YvyfqBIKoCS3Zg/OVF2W9nX2LOiEY8u5Jqu21EXZVQwL/KvISFC6bplg"
            "btWLmH0LyiWxWbhyq24NbdvOUezeblK+UcSnPws3jGFE1X+Ny3TZKSnfm3uwECs/hf9IDhQvioY5"
            "IPi4SawSvactJCzIrZlTctFvqNJiG/pJhKwuaDIsv3b6Ui28VMjhXGlDgNpm+S4csCkQpMUcGRKZ"
            "svdGPukUZcXzsaHagomyH6GNnvwryZk1KhSL7e2xKAg3zkDvSbybqy4vkYTdjFMHZvtT4fGOMfXR"
            "bbiGKxA9+rfFfwU5mXOFwI30HY9TT/s=",
            "SAivagvfB1uEEJHB6rjYZIqsA51CXw10SwSWWz867MrqBvrz5h6gftLYeXiUfL1GB+UsfM7ehJ3K"
            "zux7FU1A3w9PvHXZF7P0HoJCJg3NV2ezyJ1RTVpRzi9BII/UfRWrn8/hm2GKDH/FCxgwxq7wKzsq"
            "bnAN4j+YvNB4YHectsT0PG/l5h+MSQmEEdmE/uPoPiknbcwn8Ex0im7+O2h+BvmccpweNS1/PVA7"
            "4U0t2slnHJAgb1PghRhubNToW4x5fYY6wzr8DX361V3VfZ+YN+gqS7c5umzhq8eFtH3ssL1DD5wB"
            "kK+KgWOISJ+HdtQQ62nLkp7Gy9+C4ks=",
        ),
    ),
    Vignette(
        "ct-head-ed", "Faster CT head pathway",
        "A doctor describes patients with head injuries who wait two hours for a CT scan and two "
        "more for its report, in a department that often holds over a hundred people, and hopes "
        "AI could halve their time there.",
        DIAGNOSTIC, f"{S002} L141",
        "The doctor names two waits. Which one could an AI reading the scan shorten?",
        _TASK_HINT,
        stage_sha256=("b0c37734598bad2091175a764ef5bc02a975e3b4f530b1debc05cefefcfaccd7",
                      "ba28b4c7b90e5a3db022377bff1837f89a5be73e915c3965b27adffd087561be"),
        task_sha256=("5d2aafee68d3e825f4ca6af1dd8cc006620faaea0ea577c6b58c8871b5cf47e0",
                     "f94c0c1f623ac4e10c26b873efd00d36bf7f0876f1eda3b80ee8baeb1072dfca"),
        rationale_sealed=(
            "Bmi3EHVs4YaJ2ZHfA9bh8PzVV1d0DAaMD7ewiK74I188RUaes8Cnp/IIdv6Ij2ydpQhlB9ZuQSyZ"
            "6SLkffM1gZoUpL+OIBuFBW4u0+lp9QkaYF22SrguX4WjgJFs1VClNq0L/3lOReB1T4N3QhjfWrLO"
            "6exLfQN08YUtkWgGfPFIU6mY/ORBF96z3K06LIfzur4K3hkXbecXUxaQvAySeHjZPCDyhIDhZPDz"
            "14Z7rLTgccHOo/c9EdCUfMGg3QuG6OYfcLpflTF67IadHWizvrnus/Kif0Ai2j7uWdfqgdPW6REj"
            "uOiyBERoc0Ov",
            "O76dyPHQ1+c60mT/pQ3uRc/y0rJzG6/sM54nnbMI+Qqjj7O/Leb8Aa/JhYE8g6dOg82awEVE6EVd"
            "YpzVxSR1AX5hVdVYfEFZHd34h0y/LBUpYbqt61NjXfhGROKQOxWm/7lgTbxTg0fN+rMk3KCSZ/GS"
            "s9aoow3uF5D3oMZMPMOlmDoniUTE7qgDx4/YzZC0VlxFDIzxX7eMd951Zj5dodJdtdMiAmudBnsF"
            "0Wa/Yi9uBVE3lyVtY9whobNr7dQNnLWqXv0YG76y626ljNouZ25EIIvKQqQDvPuh+p0BF/Npks8M"
            "wch5itVIN4Mm",
            "g2FxmLoe0NMQoCdkJWVUNeCDHmURZ9gVpyjuYZn+wi5neUkFQsGm/Ws+z/fKzCllLNaJE10LiHDI"
            "/06T9WdM0ZRbdGw5l9zKVBqO4xSOIGQlr2JTH4yFDW82U9o4WDOQPhwELynCsslR9hEE9WQN1phD"
            "w/7TGC/tA87qLsz0x8bJ+oM+dP0mhv/G912ZytvbImgTNaZWvlXTwLDl1sNXd9ViiXtxoao8Pqm4"
            "W1ooG1uzHS/O/oTQyQYV6CBlMEurtasarQ6vmOy/kKtEJuRfFlH1IYTdnGp4g3ZozQMZeZ3rXk9X"
            "TgoVffQ7j4md",
            "oJgK81MBVV4X3vGaYnJ/Uf5xvLXtH6WvapL9+qY8sj5JY+tQJ8inthGo85MffkGJg6zBitd3mIr8"
            "pSgHDNAtKdsQ3MWdvECZS81domt9V/k5w0XcBOneT6z+DmT+xo55ljKIgbUus3MmLeIVQa8KCn2Y"
            "4rdhf387yysFHSdz3BR4GRHw8ajI1TxMU1znLi2JKHUJSXSsC0IOXPxWJliCZFkZTIen6IhdefFv"
            "UmlTsQ2LSieWueZiR0IxXzCVmXCTMTmlIOco1bnyFswaFgeV/eS3r8hby2lbpMgLGIDv+XRtjjjZ"
            "Zzn3vV9M0Oyk",
        ),
    ),
    Vignette(
        "round-the-clock", "Round-the-clock monitoring",
        "An IT technician interviewed in the study nested in the PROTEUS trial suggests AI could "
        "provide the 24-hour monitoring that people with long-term illness need, which staff "
        "alone cannot.",
        DIAGNOSTIC, f"{S002} L133–137",
        "Which stage is about deciding who needs attention first, or about what the service can "
        "cover?",
        "Is the tool outlining, locating, labelling, or forecasting?",
        graded=False,
        stage_sha256=("517acdd721ba457ea1062c811ddafcf0d05744b15a1843630cfd4bc4d517aabf",
                      "caab17b69a1b5f81e7208f135173e968ab5eb763be8fada392d4002a6107dfee"),
        task_sha256=("7d167d95f2f699a59402dda3c5e045d5529801faa6d5775436744b533a426fa7",
                     "866e159a386be597f969f97ceb3ac4608d8d4b6a3bc036dd6c423619287743c0"),
        rationale_sealed=(
            "127LY6NTje/r1iF3wA2uHRuX01fCLFk9sRO3wNs8JpuHpPn7Xk8in+0PwbrCFxod7C3aN0mUUv5Y"
            "UebVCYCTWD6V+lrCyvcYVl7ECpq9BInw5vy02GiKNBwO91laZwm38o1UO+FY4PRTrbAJPtA0rHBd"
            "UcEpQkVg1NVEMWOewQuhYoIiaMeAAtsoNtB4NQMWkcYQ8zZehaMBLc2nsz7qJeFV/otZyFhiPwUR"
            "c+rAj+wK5p56RzM2u3+ni9mrI2/fu/CcV+/6hohCgg1iX81WsD5LSXugen5IGcYR1Ii9HUqQOB7u"
            "Y0vL4lQEVy5tfF8dOPYY79Wvn5jIy23ZHtNuRNJ/XMhEr6szu08ILY/szzhnEOU7q9lJhIICjdBP"
            "cDj4fKTalNz5O8Hd1oPK3U0TiHoiKk7B+yxJsv/d+8waXkvwX9UUJMhgAWqnYqwjtAsW3Pop6g==",
            "3pd6y5cKvrClrjf/e7ouxHClhAXdflPcjjhJ4MLw5wSKErXWbvkl5F4uS4K6tgXdSl81swcD0e8v"
            "mMqniCqd9SNO3Gw6X3djnkSxI3qEBCB5xztFksqc1ASv9Ero9Mq/5QNNYuVhfk2dGikZaDKtvslZ"
            "LRWVdx/2ngeXyjdnmPg/MadMEC9eMeqC32QCRrYwnCvurUJt0UyfoHyTHD3WDPCNuJAKSk4EplX7"
            "pUTLREfM0XL1gaNnYNt0pgsWYs55yZGNlkJKD2SkSkAyx4IKRHoXVZWrGxZlzt+TF4tgiCQ6U6mV"
            "U85yQ6O7B9U9dZwfwKsek5+7xJ3Qu4pJch5rzg3Fb5NH4Ews9Cf3/Bb+njoabWj3CGK49Ud20CxW"
            "h4X26JgAK6gHZzKFYROjCEy9UAngc1KTmOjTEAYzvu17JfKO6404v6/ghcNs8+rOWdN6Zp1N5w==",
            "DsIv9v33IcpowGrwVHRx3okN8VW6BlLI8lM2LdBX1AyqQqP94s7fG0aB8azeUk9g2zZ772OXHHag"
            "xEbTeZG3H9h3lH3A+4ogbiKtsk3uS6Owa1bMxfKauRH5V8EXlwuZH2iRkJBuEeyc1r5tZ8y2eY2W"
            "4YNe2L44L/65fhwC+s/C9hfnsUs4TcwncbrRbaJ1ytmYM0GwFDOegHO9hfjca/ppuI+OEkxarsIM"
            "gwqZIS11s5W0OsqtwGlo+C4Kg4ZUElgUL3TkBTRVe8DH0HGwjcnAGBA0u85K3Js+5U6+fJVD0mtw"
            "1jRaNbzmKAx5OHEZ5ft1/P6DRLqkfq9q7NQqz/ZMrFzs5Ew7DNkJ+Dz6whEHKPV3K6Id2se1Ey0/"
            "MFKCda0nfyWMmdRI/Gv9ldqwTX+OSSBmZJ9Ad1zhJPmTNPQZLlviJhLYV4XlLZ4fgIPEJHPimg==",
            "wk9oic5GZOtgdsn7pBhBE5+8OtFru66UYSqVR6d6VjT2+Y0snBP2iw28uOgpLT5K3nnmAoSJwi1W"
            "SqzulDaX6l7SGw7p9dAQ9YpvjUP0xuRPMP8tqNZGB6MCD2/QbONX5XtKftK8HONAY1mydngjGNXe"
            "NzveyioUUxpIS1/2A9wMiILDU3yclo7wv0TE/vUA0dKppWnYE9dJYORCB+ynXPio2ATUtQO2Wapg"
            "xmEmHX1i8J4QKu1Y0rIB6cJ2IT3NYMx/OwPyyT3bwyCxPorVuIe3I1rk+vXAI5zw/w+/7fqx5NoL"
            "7yyP7xwCYD7b1dcbVbEeb54oxNYuM3AyFJHwP5ZXl1sWSPB37LbubkvGQMBbeQQHGBhV2VOZMWYW"
            "SYfBcoQsdrpK2huMvHlARbH9aBGBCd056glqQtpFj+24NSfmQnGQiqEWfrdlUDn+mWrldfwt4g==",
        ),
    ),
    Vignette(
        "many-reading-tools", "Many tools for many examinations",
        "A reporting radiographer points to the many AI tools available, for brain MRI, chest "
        "X-ray, chest CT and knee X-ray, each of which needs its own evaluation.",
        DIAGNOSTIC, f"{S000} L285",
        "These tools read images that have already been taken. Which stages involve reading?",
        _TASK_HINT,
        graded=False,
        stage_sha256=("1bc7eaf26968ceec4e66d62ae8e5f1e2db8b44786c80b051e14dc12bdba534cc",
                      "a87b31911b5f1b491973f11bef8c72a59013a3d3aa6584496f3cd2068403dccc"),
        task_sha256=("b6f56cb431cb2ed106d510232f99c103aa08a8593ac420f8c70544cf41ed4d08",
                     "bb57165a3588a6a797b30247c8e1d6bc99fbe583e839fd0fdb355bf5209a4473"),
        rationale_sealed=(
            "0FFArft6v3+MfC2EOnA93rOjwW2FYn42L1MVEz5wCZcW+dOY/yKHIr5Ii/BaJxrzzm3qSpcaDoSX"
            "31mKIETA0bToElGCxkXlDq18z53mYwUmceQ+FhgnxYos5bp2Ojz+0zNSHVbYJWcGZRKxk8Whj3No"
            "G44g4M5ewivUxuoaSYBY7ySlSMbDnpAKa5U1pU/rzp2U55G4/Pct3Bz46rLh0crqKcq4AP6ovK+S"
            "NjPsgkm2n4w41jrOSMq3BrfYjDw6tc4R+xgJiM2eHatuNulQWU7ca25u+GSD29CbFMY/INpmawEZ"
            "jSgkPaYN3V43/4uP7gdcF1lUBhjNMMMdCdy/ThBznI+VMjtTfb6FkwH0jJ22lRqB2LqWXcIxS6h4"
            "NBB8",
            "1RqY7ImCNhiKvPKidryz0CDaJGoDcaBUhiNHX64TuPEvwaX6Lsk05xbDnG42tgiUjEvIUBagk/O9"
            "5XtEkrcJi1cq2Hibw3SIuar+tVOhDKB/Ki8KH68GejrvJL+r2wTXE4w4gQNqXeRuTMC4kIXtXF5F"
            "jLva7ISRgjnkDPDSnaM83AjChlRCyaZv7BZEdWOu8Qnv184+bhyhN3e3sX2cLt9F2N1/eW58sx+S"
            "sSa0LJ3X6wvVGXdQ9qDxaooqr3vizq2pFa6go9bNI4dL3jLq1Cf7yTsWT8JdqchfmqRSeob1UaYg"
            "/vzTtliXRF2HIqce/Z28py7KlijBuDmzIXHD0JAf+F+o6vGM40o+SPIT8QCJN8GERQZSQcF/d8EG"
            "4fET",
            "Zm0j9aWy2q+/mGW72KHZBeSj95Zl5ojmzWdrmCvQcCn2n8JJQ7fGdGgMuo4i7mM9EgmgIRFKGz4j"
            "EZbVwiqjpzRtqYqlQSXBdph/5a8S1q75kaL9ylghKBTPkuMuJEd3OKgx39hotWhavEHHWerF9rOW"
            "beVURMREAzNkuff4PiGqcAwfPO1Y3I/VdOWJxXuvFt3+Xy5+nC3OxEzmZN4tdrQ+KNUT4obJhJGX"
            "Zp7LKWagaOr6yljHhEqezdPQ2Yvo+wPSZCxdKcZbtGv/qDhN/DztQkFllkSkoQhwOC8dTOmHVmTI"
            "kLffg8klXqAQgzPP9GVm3TwZvRynvz9w34Ns/AFarWsIuLXbv12ocrixK1rcQg7t/Ew/lyW+megG"
            "H6ni",
            "fEiKIXnBFEgjoD4Oitc1Ubv9MP8Rg+BABa+UU2kPc1CI4rbak0B13F+Irx7V3iqC5lGwAVt4GMs/"
            "UcdFKjK6+Eecr7ZKPBeZdoaNY0izei7/e5ku4jOE2o9rOXh0W5pXLo9lDwn1PuVKsbHp+XKGQF+C"
            "YC265zPjxb5BMYwm1dhFZY9OBN7/1GfaUbP79f0m1IEgIosnRBk8F+dqYw9GD38dNLdR/9VjTMyw"
            "IUf/wEMJpiZHX/FQMwzlflVTJccHNVRrDr0P/7f9NCld3CUYG5qXtkl+7q+AcnOg1QWhsW2RfQeJ"
            "3Rc0dCdGVByVojxyVyDY/YjI1xrALdofe4/sEnUnPzbXKX0W1TuRL5pd9rZZbZWb1fKfHj/Rg2mF"
            "BwRV",
        ),
    ),
)

_BY_ID = {v.id: v for v in _VIGNETTES}
_PLACEHOLDERS = {"", "choose", "choose…", "choose...", "...", "…", "none"}


# --------------------------------------------------------------------------------------------
# Accessors


def stages() -> list[Stage]:
    """The pathway stages, in pathway order."""
    return list(_STAGES)


def tasks() -> list[Task]:
    """The machine-learning tasks."""
    return list(_TASKS)


def vignettes(setting: str | None = None, graded: bool | None = None) -> list[Vignette]:
    """The vignettes, optionally only one ``setting`` ("diagnostic" or "radiotherapy") or only
    those with ``graded`` True/False."""
    return [
        v for v in _VIGNETTES
        if (setting is None or v.setting == setting) and (graded is None or v.graded == graded)
    ]


def vignette_ids() -> list[str]:
    return [v.id for v in _VIGNETTES]


def get_vignette(vignette_id: str) -> Vignette:
    """The vignette with this id; KeyError (with close matches) if there is none."""
    found = _BY_ID.get(str(vignette_id).strip().lower()) if isinstance(vignette_id, str) else None
    if found is None:
        raise KeyError(_unknown_vignette(vignette_id))
    return found


def _key(text) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("&", "and")
    text = re.sub(r"\s*/\s*", "/", text)
    return re.sub(r"\s+", " ", text).strip(" .,;:!?'\"")


def _resolve(value, items) -> tuple[str | None, str]:
    """(key, status): status is "ok", "blank" (placeholder or None) or "unknown"."""
    if value is None or value is Ellipsis:
        return None, "blank"
    if not isinstance(value, str):
        return None, "unknown"
    key = _key(str.__str__(value))  # a str subclass is read by its characters, not its methods
    if key in _PLACEHOLDERS:
        return None, "blank"
    for item in items:
        if key == item.key or key == _key(item.label) or key in (_key(a) for a in item.aliases):
            return item.key, "ok"
    return None, "unknown"


def normalise_stage(value) -> str | None:
    """The stage key for ``value`` (key, label or alias, any case), or None if not recognised."""
    return _resolve(value, _STAGES)[0]


def normalise_task(value) -> str | None:
    """The task key for ``value`` (key, label or alias, any case), or None if not recognised."""
    return _resolve(value, _TASKS)[0]


def _unknown_vignette(vignette_id) -> str:
    shown = repr(vignette_id)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    near = difflib.get_close_matches(str(vignette_id).strip().lower(), list(_BY_ID), n=3)
    hint = f"Did you mean {', '.join(near)}? " if near else ""
    return f"There is no vignette called {shown}. {hint}Known vignettes: {', '.join(_BY_ID)}."


# --------------------------------------------------------------------------------------------
# Hashes and sealed rationales

_SEAL_TAG = 8  # bytes of the check that a sealed text was opened with the right key


def stage_sha256(vignette_id: str, stage_key: str) -> str:
    """sha256 of ``"<vignette id>:stage:<stage key>"``: what ``Vignette.stage_sha256`` holds."""
    return answer_hash(f"{vignette_id}:stage", stage_key)


def task_sha256(vignette_id: str, task_key: str) -> str:
    """sha256 of ``"<vignette id>:task:<task key>"``: what ``Vignette.task_sha256`` holds."""
    return answer_hash(f"{vignette_id}:task", task_key)


def rationale_key(vignette_id: str, stage_key: str, task_key: str) -> str:
    """The key a rationale is sealed under for one (stage, task) pair."""
    return f"{vignette_id}:{stage_key}:{task_key}"


def _keystream(key: bytes, length: int) -> bytes:
    """sha256 in counter mode: sha256(key + counter) for counter 0, 1, 2 …, cut to ``length``."""
    blocks = (hashlib.sha256(key + i.to_bytes(8, "big")).digest()
              for i in range(-(-length // 32)))
    return b"".join(blocks)[:length]


def _tag(key: bytes, data: bytes) -> bytes:
    return hashlib.sha256(b"radcourse-seal:" + key + b"\0" + data).digest()[:_SEAL_TAG]


def seal(text: str, key: str) -> str:
    """``text`` XOR a keystream made from ``key``, with a short check, as base64. Deterministic.

    Not encryption for secrets (the keys here are a vignette id and two words from short lists):
    it keeps a text out of plain sight until the learner has earned it. :func:`unseal` reverses it.
    """
    k, data = key.encode(), text.encode()
    body = bytes(a ^ b for a, b in zip(data, _keystream(k, len(data)), strict=True))
    return base64.b64encode(_tag(k, data) + body).decode("ascii")


def unseal(token: str, key: str) -> str:
    """The text :func:`seal` sealed under ``key``; ``ValueError`` if ``key`` is not that key."""
    try:
        raw = base64.b64decode(token.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as error:
        raise ValueError("not a sealed text") from error
    k, tag, body = key.encode(), raw[:_SEAL_TAG], raw[_SEAL_TAG:]
    data = bytes(a ^ b for a, b in zip(body, _keystream(k, len(body)), strict=True))
    if len(tag) != _SEAL_TAG or not hmac.compare_digest(tag, _tag(k, data)):
        raise ValueError("wrong key for this sealed text")
    return data.decode()


def _known(vignette_id) -> Vignette | None:
    """The vignette for a (trimmed, any-case) plain-string id, else None."""
    if not isinstance(vignette_id, str):
        return None
    return _BY_ID.get(str.lower(str.strip(vignette_id)))  # the characters, not a subclass's methods


def _rationale(v: Vignette, stage_key: str, task_key: str) -> str | None:
    key = rationale_key(v.id, stage_key, task_key)
    for token in v.rationale_sealed:
        try:
            return unseal(token, key)
        except ValueError:
            continue
    return None


def is_accepted(vignette_id, *, stage=None, task=None) -> bool:
    """Whether ``stage`` and/or ``task`` is accepted for ``vignette_id``. Never raises.

    Give ``stage``, ``task`` or both (keys, labels or aliases, any case); a part left as ``None``
    is not judged. True only when every part given is a recognised word whose hash the vignette
    holds; False for an unknown vignette, an unrecognised or placeholder word, or nothing given.
    Only plain strings are read (a ``str`` subclass is read by its characters), so an object
    that claims to equal anything earns nothing.
    """
    try:
        v = _known(vignette_id)
        if v is None or (stage is None and task is None):
            return False
        if stage is not None:
            key, status = _resolve(stage, _STAGES)
            if status != "ok" or stage_sha256(v.id, key) not in v.stage_sha256:
                return False
        if task is not None:
            key, status = _resolve(task, _TASKS)
            if status != "ok" or task_sha256(v.id, key) not in v.task_sha256:
                return False
        return True
    except Exception:  # a check must never stop a notebook or a grading cell
        return False


def rationale_for(vignette_id, stage, task) -> str | None:
    """The vignette's reasoning if ``stage`` and ``task`` are both accepted, else ``None``.

    This is how the "Why:" feedback (and a lecturer marking A-Q6) reads a rationale: it is stored
    only sealed under each accepted (stage, task) pair. Never raises.
    """
    try:
        v = _known(vignette_id)
        stage_key, task_key = normalise_stage(stage), normalise_task(task)
        if v is None or stage_key is None or task_key is None:
            return None
        return _rationale(v, stage_key, task_key)
    except Exception:
        return None


# --------------------------------------------------------------------------------------------
# Checking and scoring


def check_placement(vignette_id, stage, task, radiotherapy=None) -> Feedback:
    """Feedback on placing ``vignette_id`` at ``stage`` with ``task``. Never raises.

    ``stage`` and ``task`` are keys, labels or aliases (any case), e.g. ``"booking"`` or
    ``"Prediction/regression"``; ``None``, ``...`` or ``"Choose…"`` mean "not answered yet".
    ``radiotherapy`` (True/False) is the learner's "this is radiotherapy" tick; ``None`` skips it.
    A wrong choice gets a hint that does not give the answer away; when stage and task are both
    right, the reasoning is shown. Every message ends with the seed location.
    """
    try:
        return _check(vignette_id, stage, task, radiotherapy)
    except Exception:  # a self-check must never stop the notebook
        return Feedback(str(vignette_id)[:40], None, None, None,
                        ("Sorry, that answer could not be read. Choose a stage and a task from "
                         "the lists, for example \"reporting\" and \"detection\".",), known=False)


def _check(vignette_id, stage, task, radiotherapy) -> Feedback:
    v = _known(vignette_id)
    if v is None:
        return Feedback(str(vignette_id)[:40], None, None, None,
                        (_unknown_vignette(vignette_id),), known=False)
    stage_key, stage_status = _resolve(stage, _STAGES)
    task_key, task_status = _resolve(task, _TASKS)
    source = f"Source: {v.citation}."
    if stage_status == "blank" and task_status == "blank":
        return Feedback(v.id, None, None, None,
                        ("Not answered yet: choose a pathway stage and an ML task.", source))
    lines: list[str] = []
    stage_ok = task_ok = None
    if stage_status == "blank":
        lines.append("Stage not answered yet: choose a pathway stage.")
    elif stage_status == "unknown":
        lines.append(f"{_shown(stage)} is not one of the pathway stages "
                     f"({', '.join(s.label for s in _STAGES)}).")
    else:
        stage_ok = stage_sha256(v.id, stage_key) in v.stage_sha256
        label = next(s.label for s in _STAGES if s.key == stage_key)
        lines.append(f"{RIGHT} Stage: right, {label} is accepted." if stage_ok
                     else f"{WRONG} Stage: {label} is not accepted here. Hint: {v.stage_hint}")
    if task_status == "blank":
        lines.append("Task not answered yet: choose an ML task.")
    elif task_status == "unknown":
        lines.append(f"{_shown(task)} is not one of the ML tasks "
                     f"({', '.join(t.label for t in _TASKS)}).")
    else:
        task_ok = task_sha256(v.id, task_key) in v.task_sha256
        label = next(t.label for t in _TASKS if t.key == task_key)
        lines.append(f"{RIGHT} Task: right, {label} is accepted." if task_ok
                     else f"{WRONG} Task: {label} is not accepted here. Hint: {v.task_hint}")
    setting_ok = None
    if isinstance(radiotherapy, bool):
        setting_ok = radiotherapy == v.radiotherapy
        if setting_ok:
            where = "is radiotherapy" if v.radiotherapy else "is not radiotherapy"
            lines.append(f"{RIGHT} Setting: right, this {where}.")
        else:
            lines.append(f"{WRONG} Setting: look again at whether this happens in a "
                         "radiotherapy department.")
    rationale = _rationale(v, stage_key, task_key) if stage_ok and task_ok else None
    if rationale:
        lines.append(f"Why: {rationale}")
    lines.append(source)
    return Feedback(v.id, stage_ok, task_ok, setting_ok, tuple(lines), source=v.citation,
                    rationale=rationale)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _unpack(answer) -> tuple[object, object, object]:
    """(stage, task, radiotherapy) from a tuple/list or a dict; anything else is unanswered."""
    if isinstance(answer, Mapping):
        return answer.get("stage"), answer.get("task"), answer.get("radiotherapy")
    if isinstance(answer, (tuple, list)) and len(answer) in (2, 3):
        return answer[0], answer[1], (answer[2] if len(answer) == 3 else None)
    return None, None, None


def score(answers) -> dict:
    """Score a dict ``{vignette_id: (stage, task)}`` (or ``(stage, task, radiotherapy)``, or a
    dict with those keys). Never raises.

    Returns ``{"items": {id: {...}}, "total": points, "out_of": n, ...}``. An item earns 1 point
    when both stage and task are accepted (as in assessment A-Q1); ``"stage"``, ``"task"`` and
    ``"radiotherapy"`` give each part (``None`` if not answered). ``out_of`` counts the known
    vignette ids in ``answers``; unknown ids are listed under ``"unknown_ids"`` and score nothing.
    """
    if not isinstance(answers, Mapping):
        return {"items": {}, "total": 0, "out_of": 0, "answered": 0, "stages_correct": 0,
                "tasks_correct": 0, "settings_correct": 0, "settings_answered": 0,
                "unknown_ids": [],
                "summary": "answers must be a dict such as {\"<vignette id>\": (\"<stage>\", "
                           "\"<task>\")}."}
    items: dict[str, dict] = {}
    unknown: list[str] = []
    for vid, answer in answers.items():
        key = vid.strip().lower() if isinstance(vid, str) else None
        if key not in _BY_ID:
            unknown.append(str(vid)[:40])
            continue
        fb = check_placement(key, *_unpack(answer))
        items[key] = {
            "stage": fb.stage_correct, "task": fb.task_correct, "radiotherapy": fb.setting_correct,
            "points": 1 if fb.correct else 0, "answered": fb.answered, "message": fb.message,
        }
    total = sum(i["points"] for i in items.values())
    answered = sum(i["answered"] for i in items.values())
    settings = [i["radiotherapy"] for i in items.values() if i["radiotherapy"] is not None]
    result = {
        "items": items, "total": total, "out_of": len(items), "answered": answered,
        "stages_correct": sum(i["stage"] is True for i in items.values()),
        "tasks_correct": sum(i["task"] is True for i in items.values()),
        "settings_correct": sum(settings), "settings_answered": len(settings),
        "unknown_ids": unknown,
    }
    result["summary"] = summarise_score(result)
    return result


def summarise_score(result: Mapping) -> str:
    """One sentence for a :func:`score` result, e.g. "7 of 10 placed correctly (stage and task);
    2 not answered yet; radiotherapy marked correctly for 9 of 10."."""
    n, total, answered = result["out_of"], result["total"], result["answered"]
    parts = [f"{total} of {n} placed correctly (stage and task)"]
    if answered < n:
        parts.append(f"{n - answered} not answered yet")
    if result.get("settings_answered"):
        parts.append(f"radiotherapy marked correctly for {result['settings_correct']} of "
                     f"{result['settings_answered']}")
    if result.get("unknown_ids"):
        parts.append(f"unknown vignette ids ignored: {', '.join(result['unknown_ids'])}")
    return "; ".join(parts) + "."
