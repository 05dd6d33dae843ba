"""Pathway mapper, pure layer: vignettes, hashed accepted sets, sealed rationales, feedback that
never raises, scoring, and a scan proving that ``pathway.py`` holds no answer in plain text.

Whether each ``source`` line says what the vignette paraphrases cannot be checked here (the seeds
are not in the repository); it was checked with ``sed -n 'Np'`` when the vignettes were written.

No accepted stage, task or rationale is written in this file: the tests find them by trying every
word of ``stages()`` and ``tasks()`` against ``is_accepted``, as ``test_course.py`` does for choice
questions.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import io
import itertools
import re
import tokenize
from pathlib import Path

import pytest

import radcourse.pathway as pathway
from radcourse.glossary import SEED_FILES, lookup
from radcourse.pathway import (
    DIAGNOSTIC,
    RADIOTHERAPY,
    RIGHT,
    WRONG,
    Feedback,
    check_placement,
    get_vignette,
    is_accepted,
    normalise_stage,
    normalise_task,
    rationale_for,
    rationale_key,
    score,
    seal,
    stage_sha256,
    stages,
    task_sha256,
    tasks,
    unseal,
    vignette_ids,
    vignettes,
)

STAGE_ORDER = ["booking", "acquisition/positioning", "reconstruction/dose", "triage/detection",
               "reporting", "rt contouring/planning", "adaptive treatment", "service management"]
TASKS = ["classification", "detection", "segmentation", "prediction/regression",
         "optimisation/generation"]
SOURCE = re.compile(r"(\d{3}_[0-9a-f]{16}\.txt) L\d+(?:–\d+)?(?:, L\d+(?:–\d+)?)*")
ALL = vignettes()
PATHWAY_PY = Path(pathway.__file__)


def accepted_stages(vid: str) -> list[str]:
    return [s for s in STAGE_ORDER if is_accepted(vid, stage=s)]


def accepted_tasks(vid: str) -> list[str]:
    return [t for t in TASKS if is_accepted(vid, task=t)]


def accepted_pairs(vid: str) -> list[tuple[str, str]]:
    return list(itertools.product(accepted_stages(vid), accepted_tasks(vid)))


def right_pair(vid: str) -> tuple[str, str]:
    return accepted_pairs(vid)[0]


def rationale_of(vid: str) -> str:
    return rationale_for(vid, *right_pair(vid))


def _wrong_stage(v):
    return next(s for s in STAGE_ORDER if not is_accepted(v.id, stage=s))


def _wrong_task(v):
    return next(t for t in TASKS if not is_accepted(v.id, task=t))


# --- the data --------------------------------------------------------------------------------


def test_stages_follow_the_syllabus_pathway_and_tasks_are_the_glossary_terms():
    assert [s.key for s in stages()] == STAGE_ORDER
    assert [t.key for t in tasks()] == TASKS
    for item in [*stages(), *tasks()]:
        assert item.description.endswith(".") and item.label
    for t in tasks():
        assert lookup(t.key).term == t.key  # one vocabulary with the course glossary


def test_at_least_fourteen_vignettes_with_unique_ids():
    assert len(ALL) >= 14
    assert len(set(vignette_ids())) == len(ALL)
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", vid) for vid in vignette_ids())


@pytest.mark.parametrize("v", ALL, ids=lambda v: v.id)
def test_each_vignette_is_complete(v):
    assert v.setting in (DIAGNOSTIC, RADIOTHERAPY)
    assert accepted_stages(v.id) and accepted_tasks(v.id)
    match = SOURCE.fullmatch(v.source)
    assert match and match.group(1) in SEED_FILES
    for text in (v.title, v.text, v.stage_hint, v.task_hint):
        assert text.strip()
    assert v.citation.startswith(v.source) and "et al." in v.citation


@pytest.mark.parametrize("v", ALL, ids=lambda v: v.id)
def test_every_stored_hash_is_an_accepted_word_and_every_pair_has_a_sealed_rationale(v):
    # no stale hash (e.g. of a misspelt key, which could never match) and no missing one
    assert sorted(v.stage_sha256) == sorted(stage_sha256(v.id, s) for s in accepted_stages(v.id))
    assert sorted(v.task_sha256) == sorted(task_sha256(v.id, t) for t in accepted_tasks(v.id))
    pairs = accepted_pairs(v.id)
    assert len(v.rationale_sealed) == len(pairs) == len(set(v.rationale_sealed))
    opened = {unseal(token, rationale_key(v.id, *pair))
              for token, pair in itertools.product(v.rationale_sealed, pairs)
              if _opens(token, rationale_key(v.id, *pair))}
    assert len(opened) == 1  # one rationale per vignette, sealed once for each accepted pair
    rationale = opened.pop()
    assert len(rationale) > 80 and rationale.endswith(".")
    for stage, task in pairs:
        assert rationale_for(v.id, stage, task) == rationale
    for stage, task in itertools.product(STAGE_ORDER, TASKS):
        if (stage, task) not in pairs:
            assert rationale_for(v.id, stage, task) is None, (stage, task)


def _opens(token: str, key: str) -> bool:
    try:
        unseal(token, key)
    except ValueError:
        return False
    return True


#: sha256 of "<id>|<accepted stages, sorted, comma-joined>|<accepted tasks, likewise>" for the
#: accepted sets as reviewed against the syllabus (A-LO2) and the seeds. Changing a vignette's
#: answers must change its line here too, on purpose.
REVIEWED = {
    "probability-booking": "631994294263459bae7c911ce9fb5402a234d3d3a279082f0812783458024a67",
    "positioning": "b4c378a091e25a9266d417e9356ba9cfd0e8987d6b80839f82a2ca91c31a6176",
    "image-quality-dose": "321715e79ce1539f1cf2f5906a78e4a3ad5254ce14349a074f9cabee1e986819",
    "reporting-time": "7f504d019d432321c2bb0a252b551eb3e167929e7d26ee3af5a148e57f74ff2a",
    "oar-contouring": "c8056475a4b547790cce1567ab892c7cfa69a4ea9970e434878d76a92167cb6c",
    "adaptive-rt": "c61be3402aac7bd9ddd31139e9e7d99d850f601b2c8d8ebd6b04c63d41cfe35f",
    "biopsy-support": "58cf0df5e3235e116047e8cf70b5b66b844bca829f9a30dea2d88f4517f62209",
    "reproducible-contours": "0edddcf15d8906218a5aac298092b1b5ebfd1a3f1d3ad4f646d98fc2a8317647",
    "lung-nodules": "500229123d792284302b3d81e055b7b36ac2b8eec2b700f40508233727c54372",
    "mammography-cad": "f0a70395d3536df902720c0909b1c2df038401f48b2c87f4c0e262fe7ff0fda7",
    "stroke-detection": "56a69c369ce8656db37153f7e42f4e4f49287e4469cf614e8721dd44e6889c55",
    "bone-age": "585f32bf3db5d54d8879972adbff164f5abe7f2a1913bdaf3fbb88a558163191",
    "echogo-pro": "2b1d15b5048db3c4af3fe1f64b61567e10434481f864241f01181a3f74ba9240",
    "ct-head-ed": "2220be96fe24ede3a1a12a43c32e9c66d3dfe5cb03ae1ff53d1348d8ca0fa408",
    "round-the-clock": "1a6435081e0f464cca118673d75bc6dd5645d2d82640b9e022d18303b43b2944",
    "many-reading-tools": "12571abd36fbf908145773a047921508a0cc1010482a8e956c04c2b4763447f4",
}


def test_accepted_sets_are_the_reviewed_ones():
    found = {
        v.id: hashlib.sha256(f"{v.id}|{','.join(sorted(accepted_stages(v.id)))}|"
                             f"{','.join(sorted(accepted_tasks(v.id)))}".encode()).hexdigest()
        for v in ALL
    }
    assert found == REVIEWED


@pytest.mark.parametrize("v", ALL, ids=lambda v: v.id)
def test_hints_do_not_name_an_accepted_answer(v):
    for keys, items, hint in ((accepted_stages(v.id), stages(), v.stage_hint),
                              (accepted_tasks(v.id), tasks(), v.task_hint)):
        for item in items:
            if item.key in keys:
                for word in {item.label.lower(), *item.key.split("/")}:
                    assert not re.search(rf"\b{re.escape(word)}\b", hint.lower()), (v.id, word)


def test_both_settings_every_stage_and_every_task_are_used():
    assert {v.setting for v in ALL} == {DIAGNOSTIC, RADIOTHERAPY}
    assert len(vignettes(setting=RADIOTHERAPY)) >= 3
    assert set().union(*(accepted_stages(v.id) for v in ALL)) == set(STAGE_ORDER)
    assert set().union(*(accepted_tasks(v.id) for v in ALL)) == set(TASKS)


def test_enough_clear_cut_vignettes_for_the_graded_question():
    graded = vignettes(graded=True)
    assert len(graded) >= 10
    assert len(graded) + len(vignettes(graded=False)) == len(ALL)


def test_the_radiotherapy_vignettes():
    assert {v.id for v in vignettes(setting=RADIOTHERAPY)} == {
        "oar-contouring", "adaptive-rt", "reproducible-contours"}


def test_get_vignette_is_forgiving_about_case_and_explains_unknown_ids():
    assert get_vignette(" Bone-Age ").id == "bone-age"
    with pytest.raises(KeyError, match="Did you mean bone-age"):
        get_vignette("bone-agee")


# --- no answer in plain text -----------------------------------------------------------------

# Vignette arguments a learner sees anyway (shown on the cards and in A-Q1): id, title, text,
# setting, source, stage_hint, task_hint; and the graded flag.
PUBLIC_ARGS = 7


def _vignette_records() -> dict[str, tuple[ast.Call, str]]:
    source = PATHWAY_PY.read_text(encoding="utf-8")
    records = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Vignette":
            records[ast.literal_eval(node.args[0])] = (node, source)
    return records


def _private_text(call: ast.Call, source: str) -> str:
    """The record's source with its public arguments cut out: what only the answer key needs."""
    text = ast.get_source_segment(source, call)
    public = [*call.args[:PUBLIC_ARGS], *(k.value for k in call.keywords if k.arg == "graded")]
    for node in public:
        text = text.replace(ast.get_source_segment(source, node), "", 1)
    return text


def test_every_vignette_has_a_record_in_pathway_py():
    assert set(_vignette_records()) == set(vignette_ids())


@pytest.mark.parametrize("vid", vignette_ids())
def test_pathway_py_does_not_name_a_vignettes_answer_next_to_it(vid):
    call, source = _vignette_records()[vid]
    assert len(call.args) == PUBLIC_ARGS
    assert {k.arg for k in call.keywords} <= {
        "stage_sha256", "task_sha256", "rationale_sealed", "graded"}
    private = _private_text(call, source)
    words = [*accepted_stages(vid), *accepted_tasks(vid)]
    items = [i for i in [*stages(), *tasks()] if i.key in words]
    for word in {*words, *(i.label for i in items)}:
        assert word.lower() not in private.lower(), (vid, word)
    # what is left is only hex hashes and base64 tokens: no word of the vocabulary can hide there
    fields = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg != "graded"}
    for name in ("stage_sha256", "task_sha256"):
        assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in fields[name]), name
    for token in fields["rationale_sealed"]:
        assert base64.b64decode(token, validate=True)
    # and no comment inside the record
    comments = [t.string for t in tokenize.generate_tokens(
        io.StringIO(ast.get_source_segment(source, call)).readline) if t.type == tokenize.COMMENT]
    assert comments == []


def test_pathway_py_has_no_answer_table_and_no_rationale_in_plain_text():
    source = PATHWAY_PY.read_text(encoding="utf-8")
    tree = ast.parse(source)
    ids = set(vignette_ids())
    vocabulary = {pathway._key(w) for i in [*stages(), *tasks()]
                  for w in (i.key, i.label, *i.aliases)}
    public_nodes = {id(n) for node in tree.body if isinstance(node, ast.AnnAssign)
                        and getattr(node.target, "id", "") in ("_STAGES", "_TASKS")
                        for n in ast.walk(node)}
    # a vignette's public arguments are shown to learners anyway ("positioning" is an id, and
    # "Adaptive radiotherapy" a title as well as an alias)
    public_nodes |= {id(n) for node in ast.walk(tree)
                         if isinstance(node, ast.Call) and getattr(node.func, "id", None) ==
                         "Vignette" for arg in node.args[:PUBLIC_ARGS] for n in ast.walk(arg)}
    for node in ast.walk(tree):
        # no dict, set, list or tuple that pairs a vignette id with anything (the vocabulary's
        # aliases include "positioning", which is also an id)
        if isinstance(node, (ast.Dict, ast.Set, ast.List, ast.Tuple)) and \
                id(node) not in public_nodes:
            elements = node.keys if isinstance(node, ast.Dict) else node.elts
            assert not any(isinstance(e, ast.Constant) and e.value in ids for e in elements), (
                ast.get_source_segment(source, node)[:80])
        # a stage or task word as a string of its own only in the public vocabulary
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                id(node) not in public_nodes:
            assert pathway._key(node.value) not in vocabulary, node.value
    # no rationale, in strings, docstrings or comments, in any file that ships or tests it
    shipped = [PATHWAY_PY, Path(pathway.__file__).parent / "widgets" / "pathway_mapper.py",
               Path(__file__), Path(__file__).parents[1] / "widgets" / "test_pathway_mapper.py"]
    texts = {p.name: " ".join(p.read_text(encoding="utf-8").split()) for p in shipped}
    for v in ALL:
        words = rationale_of(v.id).split()
        for i in range(0, max(1, len(words) - 5)):
            phrase = " ".join(words[i:i + 6])  # six words running
            for name, text in texts.items():
                assert phrase not in text, (name, v.id, phrase)


def test_seal_and_unseal():
    text = "Outlines “drawn” pixel by pixel – segmentation? Ünïcode and\nnew lines."
    token = seal(text, "k:1")
    assert token == seal(text, "k:1")  # deterministic
    assert token != seal(text, "k:2") and token != seal(text + " ", "k:1")
    assert base64.b64decode(token, validate=True)
    assert "pixel" not in token and text not in base64.b64decode(token).decode("latin-1")
    assert unseal(token, "k:1") == text
    for wrong_key in ("k:2", "", "K:1", "k:1 "):
        with pytest.raises(ValueError, match="wrong key"):
            unseal(token, wrong_key)
    for garbage in ("", "not base64!", "YWJj", "é"):
        with pytest.raises(ValueError):
            unseal(garbage, "k:1")
    assert unseal(seal("", "k"), "k") == ""
    long = "x" * 1000  # more than one sha256 block of keystream
    assert unseal(seal(long, "k"), "k") == long


def test_hashes_are_the_course_answer_hashes():
    assert stage_sha256("x", "booking") == hashlib.sha256(b"x:stage:booking").hexdigest()
    assert task_sha256("x", "detection") == hashlib.sha256(b"x:task:detection").hexdigest()
    assert rationale_key("x", "booking", "detection") == "x:booking:detection"


# --- is_accepted ------------------------------------------------------------------------------


@pytest.mark.parametrize("v", ALL, ids=lambda v: v.id)
def test_is_accepted_reads_labels_and_aliases_and_judges_each_part(v):
    stage, task = right_pair(v.id)
    wrong_stage, wrong_task = _wrong_stage(v), _wrong_task(v)
    label = next(s.label for s in stages() if s.key == stage)
    assert is_accepted(v.id, stage=stage) and is_accepted(v.id, task=task)
    assert is_accepted(v.id, stage=stage, task=task)
    assert is_accepted(f" {v.id.upper()} ", stage=f"  {label.upper()} ")
    assert not is_accepted(v.id, stage=wrong_stage) and not is_accepted(v.id, task=wrong_task)
    assert not is_accepted(v.id, stage=stage, task=wrong_task)
    assert not is_accepted(v.id, stage=wrong_stage, task=task)
    assert not is_accepted(v.id)  # nothing to judge


@pytest.mark.parametrize(
    ("vid", "stage", "task"),
    [("nope", "booking", None), (None, "booking", None), (3, None, "detection"),
     (["bone-age"], "booking", None), ("bone-age", "", None), ("bone-age", "Choose…", None),
     ("bone-age", ..., None), ("bone-age", 3, None), ("bone-age", None, ["detection"]),
     ("bone-age", None, b"detection"), ("bone-age", object(), object()),
     ("bone-age", "x" * 10_000, None)],
)
def test_is_accepted_is_false_for_what_it_cannot_read_and_never_raises(vid, stage, task):
    assert is_accepted(vid, stage=stage, task=task) is False


def test_is_accepted_takes_only_keyword_parts():
    with pytest.raises(TypeError):
        is_accepted("bone-age", STAGE_ORDER[0])  # type: ignore[misc]


def test_is_accepted_reads_a_str_subclass_by_its_characters():
    vid = "bone-age"
    stage = right_pair(vid)[0]
    wrong = _wrong_stage(get_vignette(vid))

    class Liar(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

        def lower(self):
            return stage

        def strip(self, *args):
            return stage

    assert is_accepted(vid, stage=Liar(stage)) is True
    assert is_accepted(vid, stage=Liar(wrong)) is False


# --- normalising answers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [("Booking", "booking"), ("RT contouring/planning", "rt contouring/planning"),
     ("rt planning", "rt contouring/planning"), ("Adaptive radiotherapy", "adaptive treatment"),
     ("triage / detection", "triage/detection"), ("  REPORTING ", "reporting"),
     ("Service management.", "service management"), ("nonsense", None), (None, None), (3, None)],
)
def test_normalise_stage(text, key):
    assert normalise_stage(text) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [("Regression", "prediction/regression"), ("prediction", "prediction/regression"),
     ("Optimization", "optimisation/generation"), ("auto-contouring", "segmentation"),
     ("Detection", "detection"), ("Prediction / regression", "prediction/regression"),
     ("magic", None), (["detection"], None)],
)
def test_normalise_task(text, key):
    assert normalise_task(text) == key


# --- feedback --------------------------------------------------------------------------------


@pytest.mark.parametrize("v", ALL, ids=lambda v: v.id)
def test_every_accepted_pair_is_correct_and_explained(v):
    rationale = rationale_of(v.id)
    for stage, task in accepted_pairs(v.id):
        fb = check_placement(v.id, stage, task)
        assert isinstance(fb, Feedback)
        assert (fb.stage_correct, fb.task_correct, fb.correct, fb.answered) == (
            True, True, True, True)
        assert fb.rationale == rationale
        assert f"Why: {rationale}" in fb.lines
        assert fb.lines[-1] == f"Source: {v.citation}."
        assert fb.lines[0].startswith(RIGHT)


@pytest.mark.parametrize("v", ALL, ids=lambda v: v.id)
def test_wrong_choices_get_hints_not_the_answer(v):
    fb = check_placement(v.id, _wrong_stage(v), _wrong_task(v))
    assert (fb.stage_correct, fb.task_correct, fb.correct) == (False, False, False)
    assert fb.lines[0].startswith(f"{WRONG} Stage:") and "not accepted" in fb.lines[0]
    assert v.stage_hint in fb.message and v.task_hint in fb.message
    assert fb.rationale is None and rationale_of(v.id) not in fb.message
    assert "Why:" not in fb.message
    assert v.source in fb.message


@pytest.mark.parametrize("v", ALL, ids=lambda v: v.id)
def test_half_right_shows_no_reasoning(v):
    stage, task = right_pair(v.id)
    for fb in (check_placement(v.id, stage, _wrong_task(v)),
               check_placement(v.id, _wrong_stage(v), task),
               check_placement(v.id, stage, None)):
        assert not fb.correct and fb.rationale is None and "Why:" not in fb.message


def test_stage_and_task_are_judged_separately():
    v = get_vignette("bone-age")
    stage, wrong_task = right_pair(v.id)[0], _wrong_task(v)
    fb = check_placement(v.id, stage, wrong_task)
    assert (fb.stage_correct, fb.task_correct, fb.correct) == (True, False, False)
    stage_label = next(s.label for s in stages() if s.key == stage)
    task_label = next(t.label for t in tasks() if t.key == wrong_task)
    assert fb.lines[0] == f"{RIGHT} Stage: right, {stage_label} is accepted."
    assert fb.lines[1].startswith(f"{WRONG} Task: {task_label} is not accepted here.")


def test_the_radiotherapy_tick_is_checked_when_given():
    rt_stage, rt_task = right_pair("adaptive-rt")
    assert check_placement("adaptive-rt", rt_stage, rt_task, True).setting_correct
    fb = check_placement("adaptive-rt", rt_stage, rt_task, False)
    assert fb.setting_correct is False and fb.correct  # stage and task still right
    assert any(line.startswith(f"{WRONG} Setting") for line in fb.lines)
    stage, task = right_pair("bone-age")
    assert check_placement("bone-age", stage, task, False).setting_correct
    assert check_placement("bone-age", stage, task).setting_correct is None
    assert check_placement("bone-age", stage, task, "yes").setting_correct is None


@pytest.mark.parametrize("blank", [None, ..., "", "Choose…", "  choose  "])
def test_placeholders_say_not_answered_yet_rather_than_wrong(blank):
    fb = check_placement("positioning", blank, blank)
    assert (fb.stage_correct, fb.task_correct, fb.answered) == (None, None, False)
    assert fb.lines[0].startswith("Not answered yet")
    assert WRONG not in fb.message
    half = check_placement("positioning", right_pair("positioning")[0], blank)
    assert half.stage_correct is True and half.task_correct is None and not half.answered
    assert "Task not answered yet" in half.message


def test_unrecognised_words_are_explained():
    fb = check_placement("positioning", "the scanner room", right_pair("positioning")[1])
    assert fb.stage_correct is None and fb.task_correct is True
    assert "'the scanner room' is not one of the pathway stages (Booking," in fb.message


@pytest.mark.parametrize(
    "args",
    [(None, None, None), (3, "booking", "detection"), ("nope", "booking", "detection"),
     ("bone-age", object(), {"a": 1}), ("bone-age", [STAGE_ORDER[0]], (TASKS[0],)),
     ("bone-age", "x" * 10_000, b"bytes"), (["bone-age"], 1.5, None)],
)
def test_check_placement_never_raises(args):
    fb = check_placement(*args)
    assert isinstance(fb, Feedback) and fb.message


def test_unknown_vignette_lists_the_known_ids():
    fb = check_placement("bone-agee", STAGE_ORDER[0], TASKS[0])
    assert not fb.known and fb.stage_correct is None
    assert "Did you mean bone-age?" in fb.message and "probability-booking" in fb.message


def test_a_lying_string_does_not_score():
    class Liar(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    v = get_vignette("bone-age")
    fb = check_placement(v.id, Liar(_wrong_stage(v)), Liar(_wrong_task(v)))
    assert (fb.stage_correct, fb.task_correct) == (False, False)


# --- scoring ---------------------------------------------------------------------------------


def test_score_of_the_key_is_full_marks():
    key = {v.id: (*right_pair(v.id), v.radiotherapy) for v in ALL}
    result = score(key)
    assert result["total"] == result["out_of"] == len(ALL)
    assert result["settings_correct"] == result["settings_answered"] == len(ALL)
    assert result["summary"].startswith(f"{len(ALL)} of {len(ALL)} placed correctly")
    assert all(f"Why: {rationale_of(vid)}" in item["message"]
               for vid, item in result["items"].items())


def test_score_per_item_and_total_with_mixed_answers():
    bone, oar, stroke = (get_vignette(vid) for vid in ("bone-age", "oar-contouring",
                                                       "stroke-detection"))
    oar_stage, oar_task = right_pair(oar.id)
    oar_alias = next(s.aliases[0] for s in stages() if s.key == oar_stage)
    result = score({
        bone.id: right_pair(bone.id),
        oar.id: {"stage": oar_alias, "task": oar_task, "radiotherapy": False},
        stroke.id: (_wrong_stage(stroke), right_pair(stroke.id)[1]),
        "positioning": None,
        "no-such-id": ("booking", "prediction"),
        7: ("booking", "prediction"),
    })
    assert result["total"] == 2 and result["out_of"] == 4 and result["answered"] == 3
    assert result["items"][stroke.id] == {
        **result["items"][stroke.id], "stage": False, "task": True, "points": 0}
    assert result["items"]["positioning"]["answered"] is False
    assert result["items"][oar.id]["radiotherapy"] is False
    assert result["stages_correct"] == 2 and result["tasks_correct"] == 3
    assert result["unknown_ids"] == ["no-such-id", "7"]
    assert "1 not answered yet" in result["summary"]


@pytest.mark.parametrize("answers", [None, [("bone-age", STAGE_ORDER[0])], "bone-age", 42])
def test_score_never_raises_on_the_wrong_shape(answers):
    result = score(answers)
    assert result["total"] == 0 and "dict" in result["summary"]
