"""GlossaryBrowser driven headless: set ``.value``, assert on ``results`` and ``html``."""

from __future__ import annotations

import ipywidgets as widgets

from radcourse.glossary import load_glossary, search
from radcourse.widgets.glossary import GlossaryBrowser


def test_starts_with_every_term_in_an_accessible_table():
    w = GlossaryBrowser()
    assert isinstance(w, widgets.VBox)
    assert "radcourse-glossary" in w._dom_classes
    assert w.results == [t.term for t in load_glossary()]
    assert w.count_text == f"Showing all {len(w.results)} terms (of {len(w.results)})."
    assert w.output.value == w.html
    assert "<caption" in w.html and '<th scope="col"' in w.html and '<th scope="row"' in w.html
    assert 'role="status"' in w.html


def test_search_box_is_labelled_and_updates_as_you_type():
    w = GlossaryBrowser()
    assert w.search_box.description == "Search the glossary:"
    assert w.search_box.continuous_update is True
    w.search_box.value = "sens"
    assert w.results[0] == "sensitivity"
    w.search_box.value = "Sensitivity"
    assert w.results == [t.term for t in search("Sensitivity")]
    assert w.results[0] == "sensitivity"
    assert "TP / (TP + FN)" in w.html
    assert "Altman DG, Bland JM" in w.html  # the source is shown
    assert "wrong way round" in w.html  # and the teaching note


def test_count_message_and_aliases():
    w = GlossaryBrowser("PPV")
    assert w.results[0] == "positive predictive value"
    assert w.count_text.startswith(f"{len(w.results)} term")
    assert "“PPV”" in w.count_text
    assert "also: PPV, precision" in w.html


def test_no_matches_gives_a_clear_message_and_suggestions():
    w = GlossaryBrowser()
    w.search_box.value = "sensitivty"
    assert w.results == []
    assert w.count_text.startswith("No terms match “sensitivty”.")
    assert "Did you mean: sensitivity?" in w.count_text
    assert "<table" not in w.html
    w.search_box.value = "qqqqqqqq"
    assert "Try a shorter word" in w.count_text


def test_module_filter():
    w = GlossaryBrowser(module="C")
    assert w.results and all(t.module == "C" for t in load_glossary() if t.term in w.results)
    assert "introduced in Module C" in w.count_text
    w.module.value = "all"
    assert len(w.results) == len(load_glossary())


def test_user_text_is_escaped():
    w = GlossaryBrowser("<script>alert(1)</script>")
    assert "<script>" not in w.html and "&lt;script&gt;" in w.html
