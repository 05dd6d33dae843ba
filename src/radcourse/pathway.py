"""Pathway mapper (exercise A-Ex1): where AI acts in the imaging and radiotherapy pathway, and how.

Each vignette paraphrases one AI application named in the seed documents and cites its location.
The learner places it at a pathway stage (syllabus A-LO2: booking → acquisition/positioning →
reconstruction/dose → triage/detection → reporting → RT contouring/planning → adaptive treatment →
service management) and names its machine-learning task (classification, detection,
segmentation, prediction/regression, or optimisation/generation for tools whose output is a new
plan or image, which the adaptive radiotherapy and dose examples need).

Some applications are honestly ambiguous (the seeds rarely say how a tool works), so each vignette
accepts a *set* of stages and a set of tasks, and says why in ``rationale``. ``graded`` marks the
vignettes whose accepted sets are clear-cut enough for an auto-graded question; the others are
good for discussion.

Feedback follows the course's self-check rule: a wrong choice gets a hint that does not name the
answer; the reasoning is shown once both choices are right. Every message cites the seed.

Nothing here imports ipywidgets: :class:`radcourse.widgets.pathway_mapper.PathwayMapper` calls
these functions, and the unit tests check them without a browser.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

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
    """One application to place. ``stages`` and ``tasks`` are the accepted keys."""

    id: str
    title: str
    text: str
    setting: str
    stages: frozenset[str]
    tasks: frozenset[str]
    source: str
    rationale: str
    stage_hint: str
    task_hint: str
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
    """

    vignette_id: str
    stage_correct: bool | None
    task_correct: bool | None
    setting_correct: bool | None
    lines: tuple[str, ...]
    source: str = ""
    known: bool = True

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
        DIAGNOSTIC, frozenset({"booking", "service management"}),
        frozenset({"prediction/regression"}), f"{S000} L175, L177",
        "The tool estimates a probability of attending (prediction) before anyone is imaged, so "
        "it acts at booking; because its aim is to fill the service's slots, service management "
        "is also accepted.",
        "Ask when the tool acts: before, during or after the woman is imaged?",
        _TASK_HINT,
    ),
    Vignette(
        "positioning", "Help with positioning",
        "A head of breast screening expects AI to help radiographers get the positioning right, "
        "which means fewer repeat images.",
        DIAGNOSTIC, frozenset({"acquisition/positioning"}),
        frozenset({"classification", "detection"}), f"{S000} L185",
        "Positioning happens while the image is taken. A positioning check either labels an "
        "image as adequately positioned or not (classification) or finds anatomical landmarks "
        "(detection); the seed does not say which, so both are accepted.",
        "Ask at which moment a repeat image is decided: while the patient is still in the room?",
        "The seed does not say how the tool works. What would it need to output to tell you "
        "that positioning is wrong?",
    ),
    Vignette(
        "image-quality-dose", "Better images at lower dose",
        "The authors of a UK study list better image quality and lower radiation dose among AI's "
        "promises in medical imaging. Picture a tool that turns a lower-dose CT acquisition into "
        "a diagnostic-quality image.",
        DIAGNOSTIC, frozenset({"reconstruction/dose"}),
        frozenset({"optimisation/generation"}), f"{S000} L89",
        "Making a usable image from raw data acquired at lower dose happens at reconstruction; "
        "the tool's output is a new image, which is generation rather than a label or outline.",
        "Ask at which step raw scanner data become the image the reporter sees.",
        _TASK_HINT,
    ),
    Vignette(
        "reporting-time", "Shorter reporting time in screening",
        "A head of breast screening says AI “will certainly help with the time of the image "
        "reporting”.",
        DIAGNOSTIC, frozenset({"reporting"}), frozenset({"classification", "detection"}),
        f"{S000} L175, L183",
        "The benefit named is time to report. Reading support in screening either sorts "
        "examinations (for example likely normal or needs a closer look: classification) or marks "
        "suspicious areas (detection); the seed does not say which, so both are accepted.",
        "The benefit is named in the quotation: whose task does it speed up?",
        "The seed does not say how the tool helps. What could it output to make a reader "
        "faster?",
    ),
    Vignette(
        "oar-contouring", "Auto-contouring of organs at risk",
        "Practitioners report AI cutting the time needed to contour organs at risk for "
        "radiotherapy; a consultant radiotherapy physicist adds that it means less risk of "
        "repetitive strain from hours of contouring.",
        RADIOTHERAPY, frozenset({"rt contouring/planning"}), frozenset({"segmentation"}),
        f"{S000} L175, L181",
        "Outlining organs at risk is done before treatment, at the contouring and planning "
        "stage, and an outline drawn pixel by pixel is segmentation.",
        "Ask whether the outlines are drawn before treatment starts or during the course.",
        _TASK_HINT,
    ),
    Vignette(
        "adaptive-rt", "Adaptive radiotherapy",
        "A head of radiotherapy physics expects to “achieve adaptive radiotherapy using "
        "auto-contouring and auto-planning, while saving time”.",
        RADIOTHERAPY, frozenset({"adaptive treatment"}),
        frozenset({"segmentation", "optimisation/generation"}), f"{S000} L175, L187",
        "Adaptive radiotherapy adjusts the plan during the course of treatment, so it is the "
        "adaptive treatment stage. It needs both auto-contouring (segmentation) and "
        "auto-planning (optimisation), so either task is accepted.",
        "The word “adaptive” is the clue: when does adapting happen?",
        "The quotation names two AI steps. What does each produce?",
    ),
    Vignette(
        "biopsy-support", "Support for taking biopsies",
        "A head of screening hopes AI will support staff in taking biopsies, so that enough "
        "tissue is sampled the first time and repeat biopsies are avoided.",
        DIAGNOSTIC, frozenset({"acquisition/positioning", "triage/detection"}),
        frozenset({"detection", "classification"}), f"{S000} L193",
        "A biopsy is an image-guided procedure, so guidance during imaging "
        "(acquisition/positioning) fits; locating the target (triage/detection) is also "
        "defensible. The tool could locate the target (detection) or judge whether a sample is "
        "adequate (classification). The seed says neither, so this vignette is for discussion.",
        "Ask whether the tool acts while the patient is on the table.",
        "What would the tool need to output to avoid a repeat biopsy?",
        graded=False,
    ),
    Vignette(
        "reproducible-contours", "Reproducible contours and organ doses",
        "A head of radiotherapy physics values AI contours for being reproducible, which gives "
        "more certainty about the doses particular organs receive, and sees a use in a "
        "population-wide dose reduction strategy.",
        RADIOTHERAPY, frozenset({"rt contouring/planning"}), frozenset({"segmentation"}),
        f"{S000} L199–201",
        "The dose here is the radiotherapy dose to organs, which depends on how they are "
        "outlined for planning, so this is contouring and planning, not imaging dose; the tool "
        "draws outlines (segmentation).",
        "Careful with the word “dose”: is it the dose of an imaging scan or of radiotherapy "
        "treatment, and when is it decided?",
        _TASK_HINT,
    ),
    Vignette(
        "lung-nodules", "Lung nodules on CT",
        "Dutch radiology departments use AI for the detection and quantification (measuring) of "
        "lung nodules on CT scans.",
        DIAGNOSTIC, frozenset({"triage/detection", "reporting"}),
        frozenset({"detection", "segmentation"}), f"{S004} L101–102",
        "Finding nodules is detection and fits triage/detection; measuring them feeds the "
        "report, so reporting is also accepted. Measuring a nodule's size or volume needs its "
        "outline, so segmentation is accepted as well as detection.",
        "Ask whether the tool is finding things, or something else in the patient's journey.",
        "The seed names two jobs, finding nodules and measuring them. What does each produce?",
    ),
    Vignette(
        "mammography-cad", "Mammography CAD",
        "Computer-aided detection (CAD) systems for mammography, in use in Dutch radiology "
        "departments, mark suspicious areas on the images for the reader.",
        DIAGNOSTIC, frozenset({"triage/detection", "reporting"}), frozenset({"detection"}),
        f"{S004} L23, L102",
        "CAD marks where suspicious areas are, which is detection; it is used when images are "
        "read, so triage/detection and reporting are both accepted.",
        "Ask what the reader is doing when the marks appear.",
        "The D in CAD is a clue. Does the tool label the whole case or point to places on the "
        "image?",
    ),
    Vignette(
        "stroke-detection", "Stroke detection",
        "Stroke detection is among the AI applications in Dutch radiology departments: software "
        "that looks for signs of stroke on the brain scans of patients with suspected stroke.",
        DIAGNOSTIC, frozenset({"triage/detection"}), frozenset({"detection", "classification"}),
        f"{S004} L102–103",
        "Flagging likely strokes so they are seen first is triage/detection. Tools may mark the "
        "abnormal region (detection) or flag the whole scan as positive (classification); both "
        "are accepted.",
        "In a suspected stroke, what matters most is speed. Which stage is about who is seen "
        "first?",
        _TASK_HINT,
    ),
    Vignette(
        "bone-age", "Automated bone age (BoneXpert)",
        "BoneXpert, a software-only medical device distributed since 2009, automatically "
        "assesses bone maturity (bone age) from X-rays of children's hands.",
        DIAGNOSTIC, frozenset({"reporting"}), frozenset({"prediction/regression"}),
        f"{S004} L103–107",
        "Bone age is a measurement that goes into the report, so the stage is reporting; the "
        "output is a number (an age in years), which is regression.",
        "Is the tool finding an abnormality to prioritise, or supplying a measurement for the "
        "report?",
        "What kind of answer is a bone age: a category, a location, an outline or a number?",
    ),
    Vignette(
        "echogo-pro", "AI in stress echocardiography (EchoGo Pro)",
        "In the PROTEUS trial across 20 NHS sites in England, the AI tool EchoGo Pro analyses "
        "stress echocardiograms to help clinicians diagnose coronary artery disease.",
        DIAGNOSTIC, frozenset({"triage/detection", "reporting"}),
        frozenset({"classification"}), f"{S002} L70",
        "Helping to diagnose disease from the images is part of reading them, so triage/detection "
        "and reporting are both accepted. The output is a judgement about the whole study "
        "(disease likely or not), which is classification, not locating a finding.",
        "Ask what the clinician is doing with the images when the tool helps.",
        "Does the tool point to a place on the image, or give a verdict about the whole "
        "patient?",
    ),
    Vignette(
        "ct-head-ed", "Faster CT head pathway",
        "A doctor describes patients with head injuries who wait two hours for a CT scan and two "
        "more for its report, in a department that often holds over a hundred people, and hopes "
        "AI could halve their time there.",
        DIAGNOSTIC, frozenset({"triage/detection", "reporting"}),
        frozenset({"detection", "classification"}), f"{S002} L141",
        "The delay named is waiting for the report, so AI that flags urgent scans "
        "(triage/detection) or speeds reporting fits. It would find bleeds or fractures "
        "(detection) or flag the scan as abnormal (classification); both are accepted.",
        "The doctor names two waits. Which one could an AI reading the scan shorten?",
        _TASK_HINT,
    ),
    Vignette(
        "round-the-clock", "Round-the-clock monitoring",
        "An IT technician interviewed in the study nested in the PROTEUS trial suggests AI could "
        "provide the 24-hour monitoring that people with long-term illness need, which staff "
        "alone cannot.",
        DIAGNOSTIC, frozenset({"triage/detection", "service management"}),
        frozenset({"prediction/regression", "classification"}), f"{S002} L133–137",
        "This is wider healthcare rather than an imaging pathway. Monitoring flags patients who "
        "need attention (triage/detection) and extends what the service can cover (service "
        "management). It would forecast deterioration (prediction) or label readings as "
        "abnormal (classification). For discussion: it shows the stages do not fit every use.",
        "Which stage is about deciding who needs attention first, or about what the service can "
        "cover?",
        "Is the tool outlining, locating, labelling, or forecasting?",
        graded=False,
    ),
    Vignette(
        "many-reading-tools", "Many tools for many examinations",
        "A reporting radiographer points to the many AI tools available, for brain MRI, chest "
        "X-ray, chest CT and knee X-ray, each of which needs its own evaluation.",
        DIAGNOSTIC, frozenset({"triage/detection", "reporting"}),
        frozenset({"detection", "classification"}), f"{S000} L285",
        "Tools that read brain MRI, chest and knee images support finding abnormalities and "
        "reporting them, and work by locating findings (detection) or labelling examinations "
        "(classification). The quotation is about the evaluation burden, not one tool, so this "
        "vignette is for discussion.",
        "These tools read images that have already been taken. Which stages involve reading?",
        _TASK_HINT,
        graded=False,
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
    key = _key(value)
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
    vid = vignette_id.strip().lower() if isinstance(vignette_id, str) else None
    v = _BY_ID.get(vid) if vid else None
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
        stage_ok = stage_key in v.stages
        label = next(s.label for s in _STAGES if s.key == stage_key)
        lines.append(f"{RIGHT} Stage: right, {label} is accepted." if stage_ok
                     else f"{WRONG} Stage: {label} is not accepted here. Hint: {v.stage_hint}")
    if task_status == "blank":
        lines.append("Task not answered yet: choose an ML task.")
    elif task_status == "unknown":
        lines.append(f"{_shown(task)} is not one of the ML tasks "
                     f"({', '.join(t.label for t in _TASKS)}).")
    else:
        task_ok = task_key in v.tasks
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
    if stage_ok and task_ok:
        lines.append(f"Why: {v.rationale}")
    lines.append(source)
    return Feedback(v.id, stage_ok, task_ok, setting_ok, tuple(lines), source=v.citation)


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
                "summary": "answers must be a dict such as {\"bone-age\": (\"reporting\", "
                           "\"prediction/regression\")}."}
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
