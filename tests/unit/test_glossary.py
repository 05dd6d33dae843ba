"""The course glossary: the shipped file validates, and lookup/search behave as documented."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from radcourse import glossary as g
from radcourse.glossary import (
    GLOSSARY_PATH,
    SEED_FILES,
    GlossaryError,
    Term,
    glossary_frame,
    load_glossary,
    lookup,
    read_glossary_file,
    search,
    source_problems,
    terms_for_module,
    validate_glossary,
)

# Terms the brief and Module A's outcomes require (looked up by term or alias).
REQUIRED = [
    "AI", "machine learning", "deep learning", "algorithm", "model", "feature", "label",
    "ground truth", "reference standard", "positive class", "training set", "validation set",
    "test set", "parameter", "hyperparameter", "inference", "threshold", "operating point",
    "overfitting", "sensitivity", "specificity", "PPV", "NPV", "prevalence", "ROC curve", "AUC",
    "confusion matrix", "calibration", "internal validation", "external validation",
    "data leakage", "algorithmic bias", "generalisability", "dataset shift", "harmonisation",
    "human oversight", "automation bias", "intended purpose", "post-market surveillance",
    "de-identification", "DICOM", "PACS", "CPD", "MHRA", "NICE", "NHSX", "HEE", "BSI",
    "classification", "detection", "segmentation", "prediction/regression",
]
US_SPELLINGS = re.compile(
    r"\b\w*(?:iz(?:e|es|ed|ing|ation|ations)|yze|yzed|color|behavior|center|favor|program)\b",
    re.IGNORECASE,
)


def _entry(term="example", **overrides):
    base = {"term": term, "definition": "A thing.", "source": "course definition",
            "module": "A", "aliases": [], "see_also": []}
    base.update(overrides)
    return base


@pytest.fixture(scope="module")
def terms() -> list[Term]:
    return load_glossary()


# --- the shipped file ------------------------------------------------------------------------


def test_shipped_glossary_validates(terms):
    assert validate_glossary(terms) == []
    raw = json.loads(GLOSSARY_PATH.read_text(encoding="utf-8"))
    assert validate_glossary(raw["terms"]) == []
    assert len(terms) >= 40


@pytest.mark.parametrize("name", REQUIRED)
def test_required_terms_are_present(name):
    assert lookup(name).definition


def test_every_module_introduces_terms(terms):
    counts = pd.Series([t.module for t in terms]).value_counts()
    assert set(counts.index) == set("ABCDEFG")
    assert counts["A"] >= 20
    assert [t.module for t in terms_for_module("B")] == ["B"] * counts["B"]
    with pytest.raises(ValueError, match="A–G"):
        terms_for_module("Z")


def test_definitions_are_one_or_two_sentences_in_uk_spelling(terms):
    for t in terms:
        text = re.sub(r"“[^”]*”", "“…”", t.definition)  # quotations keep their own spelling
        text = text.replace("World Health Organization", "WHO")  # a proper name
        sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9“])", text) if s]
        assert 1 <= len(sentences) <= 2, t.term
        assert not US_SPELLINGS.search(text), (t.term, US_SPELLINGS.search(text).group(0))
        assert t.definition.endswith((".", "”.")), t.term


def test_seed_definitions_cite_their_lines():
    ai = lookup("artificial intelligence")
    assert ai.source == "000_3e6d27baae46dbf4.txt L89"
    assert "simulate human intelligence and critical thinking" in ai.definition
    assert "“machine-based systems that infer, from the input they receive, how to generate " \
           "outputs which influence physical or virtual environments”" in ai.definition
    for name in ("machine learning", "deep learning"):
        assert lookup(name).source.startswith("003_95c6dcd93f166210.txt L166–169")
    assert lookup("internal validation").source == \
        "001_1c713b2c15ce7b4d.txt L59; 003_95c6dcd93f166210.txt L584–586"
    assert "“do methods work?”" in lookup("internal validation").definition
    assert "“do they work on unseen data?”" in lookup("external validation").definition
    assert lookup("MHRA").source.startswith("003_95c6dcd93f166210.txt L98")


def test_sensitivity_carries_the_warning_about_the_dutch_paper():
    note = lookup("sensitivity").note
    assert "004_ff6d0e1391025a40.txt L295–296" in note and "wrong way round" in note
    assert "TP / (TP + FN)" in lookup("sensitivity").definition


def test_every_source_names_a_seed_a_public_source_or_the_course(terms):
    kinds = {"seed": 0, "course": 0, "public": 0}
    for t in terms:
        assert source_problems(t.source) == [], t.term
        for part in re.split(r";\s+", t.source):
            if part.split(" ")[0] in SEED_FILES:
                kinds["seed"] += 1
            elif part == "course definition":
                kinds["course"] += 1
            else:
                kinds["public"] += 1
    assert all(kinds.values()), kinds


def test_glossary_file_is_sorted_and_utf8_json():
    raw = json.loads(GLOSSARY_PATH.read_text(encoding="utf-8"))
    names = [e["term"].lower() for e in raw["terms"]]
    assert names == sorted(names)
    assert GLOSSARY_PATH.read_bytes().endswith(b"\n")


# --- lookup ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "term"),
    [
        ("sensitivity", "sensitivity"),
        ("  SENSITIVITY ", "sensitivity"),
        ("ppv", "positive predictive value"),
        ("Recall", "sensitivity"),
        ("QA/QC", "quality assurance and quality control"),
        ("generalizability", "generalisability"),
        ("British Standards Institution", "BSI"),
        ("cohen’s kappa", "Cohen's kappa"),
        ("ai", "artificial intelligence"),
    ],
)
def test_lookup_ignores_case_spacing_and_finds_aliases(query, term):
    assert lookup(query).term == term


def test_unknown_term_is_a_key_error_with_close_matches():
    with pytest.raises(KeyError, match="Did you mean: sensitivity"):
        lookup("sensitivty")
    with pytest.raises(KeyError, match="not in the course glossary"):
        lookup("quantum entanglement")


# --- search ----------------------------------------------------------------------------------


def test_search_puts_the_exact_term_first():
    assert search("validation")[0].term != "validation"  # no such term: partial names come first
    assert search("calibration")[0].term == "calibration"
    assert search("AUC")[0].term == "AUC"
    assert search("bias")[0].term == "algorithmic bias"  # "bias" is its alias
    assert [t.term for t in search("bias")][:2] == ["algorithmic bias", "automation bias"]


def test_search_ranks_names_before_definitions():
    found = [t.term for t in search("false positive")]
    assert found[0] == "false positive"
    assert {"specificity", "confusion matrix"} <= set(found)
    assert found.index("false positive") < found.index("specificity")


def test_search_matches_definitions_and_all_words():
    assert "segmentation" in [t.term for t in search("organs at risk")]
    assert "positive predictive value" in [t.term for t in search("prevalence falls")]
    assert "sensitivity" in [t.term for t in search("tp fn")]  # every word, any order


def test_search_empty_gives_everything_and_filters_by_module(terms):
    assert [t.term for t in search("")] == [t.term for t in terms]
    assert all(t.module == "C" for t in search("", module="c"))
    assert search("zzzz-not-a-term") == []


# --- the table -------------------------------------------------------------------------------


def test_glossary_frame_has_one_row_per_term(terms):
    frame = glossary_frame()
    assert list(frame.columns) == ["term", "definition", "source", "module", "aliases",
                                   "see_also", "note"]
    assert len(frame) == len(terms) and frame["term"].is_unique
    row = frame.set_index("term").loc["positive predictive value"]
    assert row["aliases"] == "PPV; precision"


def test_load_glossary_returns_a_fresh_list_each_time():
    first = load_glossary()
    first.clear()
    assert len(load_glossary()) >= 40


# --- validation catches mistakes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([_entry(), _entry()], "already used"),
        ([_entry("a", aliases=["x"]), _entry("b", aliases=["X "])], "already used"),
        ([_entry(definition="  ")], "empty 'definition'"),
        ([_entry(source="")], "empty 'source'"),
        ([_entry(module="H")], "module 'H'"),
        ([_entry(see_also=["nothing"])], "not in the glossary"),
        ([_entry(see_also=["example"])], "itself"),
        ([_entry(source="000_3e6d27baae46dbf4.txt line 89")], "cites a seed"),
        ([_entry(source="999_0000000000000000.txt L1")], "unknown seed file"),
        ([_entry(source="my lecture notes")], "neither a seed location"),
        ([_entry(colour="red")], "unknown field"),
        (["just a string"], "must be an object"),
    ],
)
def test_validate_glossary_reports_problems(entries, message):
    problems = validate_glossary(entries)
    assert any(message in p for p in problems), problems


def test_valid_sources_of_each_kind():
    assert source_problems("003_95c6dcd93f166210.txt L166–169, L171") == []
    assert source_problems("course definition") == []
    assert source_problems("Altman DG, Bland JM. Diagnostic tests 1. BMJ 1994;308:1552") == []
    assert source_problems("DICOM Standard, https://www.dicomstandard.org") == []
    assert source_problems("000_3e6d27baae46dbf4.txt L89; course definition") == []


def test_reading_a_broken_file_explains_the_problem(tmp_path):
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"terms": [{"term": "a",}]}', encoding="utf-8")
    with pytest.raises(GlossaryError, match="not valid JSON .*line 1"):
        read_glossary_file(bad_json)
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps({"terms": [_entry(), _entry()]}), encoding="utf-8")
    with pytest.raises(GlossaryError, match="1 problem"):
        read_glossary_file(invalid)
    with pytest.raises(GlossaryError, match="missing"):
        read_glossary_file(tmp_path / "nope.json")


def test_a_learner_can_add_a_term_in_their_own_copy(tmp_path):
    raw = json.loads(GLOSSARY_PATH.read_text(encoding="utf-8"))
    raw["terms"].append(_entry("worklist", definition="The list of examinations waiting to be "
                               "reported.", module="A", see_also=["PACS"]))
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert lookup("Worklist", path=path).see_also == ("PACS",)
    assert [t.term for t in search("worklist", path=path)][0] == "worklist"
    g.clear_cache()
    with pytest.raises(KeyError):
        lookup("worklist")  # the shipped glossary is untouched
