"""DiagnosticAccuracyExplorer driven headless: set ``.value`` on controls, assert on Python state.

Never on ``Output.outputs`` or pixels: the state must equal what ``radcourse.metrics`` computes.
"""

from __future__ import annotations

import math
import re

import ipywidgets as widgets
import numpy as np
import pytest

from radcourse.metrics import (
    OperatingTable,
    binormal_auc,
    binormal_rates,
    confusion_counts,
    false_positives_per_cancer_found,
    likelihood_ratios,
    natural_frequencies,
    predictive_values,
    recalls_per_1000,
    wilson_interval,
)
from radcourse.widgets.accuracy import PRESETS, DiagnosticAccuracyExplorer, ExplorerState

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def reference_cohort():
    """100 with cancer and 1,000 without: at threshold 0.5, sensitivity 0.90 and specificity
    0.95 exactly -- the syllabus's worked example."""
    y = np.r_[np.ones(100, int), np.zeros(1000, int)]
    s = np.r_[np.full(90, 0.8), np.full(10, 0.2), np.full(50, 0.8), np.full(950, 0.2)]
    return y, s


def random_cohort(seed=0, n=3000):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.05).astype(int)
    s = np.round(1 / (1 + np.exp(-rng.normal(2 * y - 2, 1))), 2)  # in [0, 1], with ties
    return y, s


@pytest.fixture(scope="module")
def screening():
    from radcourse.data import load_screening

    return load_screening()


def assert_state_matches_metrics(w: DiagnosticAccuracyExplorer, y=None, s=None) -> None:
    st = w.state
    assert isinstance(st, ExplorerState)
    t, prev, pop = w.threshold.value, w.prevalence.value, w.population.value
    assert (st.threshold, st.prevalence, st.population) == (t, prev, pop)
    if y is not None:
        tp, fp, fn, tn = confusion_counts(y, s, t)
        assert (st.tp, st.fp, st.fn, st.tn) == (tp, fp, fn, tn)
        assert st.sensitivity == tp / (tp + fn) and st.specificity == tn / (tn + fp)
        assert st.sensitivity_ci == wilson_interval(tp, tp + fn)
        assert st.specificity_ci == wilson_interval(tn, tn + fp)
    else:
        assert (st.sensitivity, st.specificity) == binormal_rates(t, w.d_prime)
        assert st.tp is None and st.sensitivity_ci is None
    sens, spec = st.sensitivity, st.specificity
    ppv, npv = predictive_values(sens, spec, prev)
    assert st.ppv == pytest.approx(ppv, nan_ok=True) and st.npv == pytest.approx(npv, nan_ok=True)
    assert (st.lr_positive, st.lr_negative) == pytest.approx(likelihood_ratios(sens, spec),
                                                             nan_ok=True)
    assert st.recalls_per_1000 == pytest.approx(recalls_per_1000(sens, spec, prev))
    assert st.false_positives_per_cancer_found == pytest.approx(
        false_positives_per_cancer_found(sens, spec, prev), nan_ok=True)
    assert st.natural == natural_frequencies(sens, spec, prev, pop)
    assert st.icon == natural_frequencies(sens, spec, prev, 1000)
    # what the browser reads agrees with the state
    assert w.numbers.value == w.html
    for key in ("tp", "fp", "fn", "tn"):
        assert f'data-cell="{key}" data-value="{st.natural[key]}">' in w.html
    assert f'class="radcourse-ppv" data-value="{st.ppv!r}"' in w.html


# ---------------------------------------------------------------------------------------------
def test_from_dataset_screening_agrees_with_metrics(screening):
    w = DiagnosticAccuracyExplorer.from_dataset("screening")
    y, s = screening["cancer"].to_numpy(), screening["ai_score"].to_numpy()
    assert isinstance(w, widgets.VBox)
    assert "radcourse-accuracy-explorer" in w._dom_classes
    assert (w.threshold.min, w.threshold.max, w.threshold.step) == (0.0, 1.0, 0.01)
    assert w.table.n == len(screening)
    assert w.state.auc == pytest.approx(OperatingTable(y, s).auc)
    assert w.prevalence.value == pytest.approx(y.mean())  # starts at the dataset's prevalence
    assert w.preset.value == "data"
    assert_state_matches_metrics(w, y, s)
    for t in (0.0, 0.05, 0.2, 0.37, 0.5, 0.73, 0.99, 1.0, float(s[0])):
        w.threshold.value = t
        assert_state_matches_metrics(w, y, s)
    assert "the screening dataset" in w.html and f"{len(screening):,} cases" in w.html


def test_threshold_change_is_a_table_lookup_not_a_pass_over_the_data(monkeypatch):
    y, s = random_cohort()
    w = DiagnosticAccuracyExplorer(y, s)
    calls = []
    original = w.table.counts_at
    monkeypatch.setattr(w.table, "counts_at", lambda t: calls.append(t) or original(t))
    monkeypatch.setattr("radcourse.metrics.confusion_counts", lambda *a: pytest.fail("pass"))
    w.threshold.value = 0.3
    w.threshold.value = 0.6
    assert calls == [0.3, 0.6]


def test_numbers_are_sent_before_the_figure_and_unchanged_figures_are_skipped():
    y, s = random_cohort()
    w = DiagnosticAccuracyExplorer(y, s)
    order = []
    w.numbers.observe(lambda c: order.append("numbers"), names="value")
    w.image.observe(lambda c: order.append("figure"), names="value")
    w.threshold.value = 0.421
    assert order == ["numbers", "figure"]
    order.clear()
    png = w.figure_png
    w.population.value = 10000  # the icon array is always per 1,000: no redraw
    assert order == ["numbers"] and w.figure_png == png
    order.clear()
    w.threshold.value = 0.425  # scores have 2 decimals: same counts, same picture
    assert w.state.threshold == 0.425 and "figure" not in order


def test_from_binormal_closed_form():
    w = DiagnosticAccuracyExplorer.from_binormal(d_prime=2.0)
    assert w.table is None and w.d_prime == 2.0
    assert (w.threshold.min, w.threshold.max) == (-2.0, 4.0)
    assert w.threshold.value == 1.0
    assert round(w.state.sensitivity, 4) == round(w.state.specificity, 4) == 0.8413
    assert w.state.auc == binormal_auc(2.0)
    assert_state_matches_metrics(w)
    assert "No confidence intervals" in w.text_summary
    assert "not available (exact model)" in w.html
    assert w.roc_text == (
        "ROC curve (binormal model, d′ = 2): area under the curve 0.92; operating point at "
        "threshold 1.00: sensitivity 0.84, false-positive rate 0.16."
    )
    for t in (-2.0, -0.5, 0.0, 2.5, 4.0):
        w.threshold.value = t
        assert_state_matches_metrics(w)
    other = DiagnosticAccuracyExplorer.from_binormal(d_prime=1.0, threshold=0.5)
    assert other.state.auc == pytest.approx(binormal_auc(1.0))
    assert other.state.sensitivity == pytest.approx(0.6915, abs=1e-4)


def test_syllabus_worked_example_reproduced():
    y, s = reference_cohort()
    w = DiagnosticAccuracyExplorer(y, s, threshold=0.5, prevalence=0.008)
    assert (w.state.sensitivity, w.state.specificity) == (0.9, 0.95)
    assert round(w.state.ppv, 4) == 0.1268
    assert w.icon_text == (
        "Icon array: of 1,000 people, 8 have cancer: 7 found, 1 missed; 50 false alarms; "
        "942 correctly reassured."
    )
    assert re.search(r'class="radcourse-ppv"[^>]*>12\.7%<', w.html)
    assert "56.8 recalls per 1,000" in w.text_summary
    assert "6.9 false positives per cancer found" in w.text_summary
    w.population.value = 10000
    assert (w.state.natural["tp"], w.state.natural["fp"], w.state.natural["fn"]) == (72, 496, 8)
    assert "What happens to 10,000 people" in w.html
    for prev, ppv in ((0.01, 0.1538), (0.05, 0.4865), (0.30, 0.8852)):
        w.prevalence.value = prev
        assert round(w.state.ppv, 4) == ppv
        assert_state_matches_metrics(w, y, s)


def test_presets_move_the_prevalence_and_the_slider_moves_the_preset():
    y, s = random_cohort()
    w = DiagnosticAccuracyExplorer(y, s)
    for key, label, value in PRESETS:
        assert "illustrative" in label
        w.preset.value = key
        assert w.prevalence.value == value
        assert w.state.prevalence == value
        assert w.prevalence_percent.value == pytest.approx(100 * value)
        assert_state_matches_metrics(w, y, s)
    w.prevalence.value = 0.123
    assert w.preset.value == "custom"
    w.preset.value = "data"
    assert w.prevalence.value == pytest.approx(y.mean())
    w.preset.value = "custom"  # choosing Custom leaves the prevalence where it is
    assert w.prevalence.value == pytest.approx(y.mean())
    w.prevalence.value = 0.05
    assert w.preset.value == "symptomatic"


def test_typing_a_percentage_sets_the_prevalence():
    y, s = random_cohort()
    w = DiagnosticAccuracyExplorer(y, s)
    w.prevalence_percent.value = 0.8
    assert w.prevalence.value == pytest.approx(0.008)
    assert w.state.prevalence == pytest.approx(0.008)
    assert "prevalence 0.8%" in w.text_summary
    w.prevalence.value = 0.2
    assert w.prevalence_percent.value == pytest.approx(20.0)
    assert w.preset.value == "high-risk"


def test_population_toggle_changes_the_natural_frequencies():
    y, s = reference_cohort()
    w = DiagnosticAccuracyExplorer(y, s, prevalence=0.05)
    assert w.state.natural["population"] == 1000
    assert (w.state.natural["tp"], w.state.natural["fp"]) == (45, 48)  # 47.5 rounds half up
    w.population.value = 10000
    assert w.state.natural["population"] == 10000
    assert (w.state.natural["tp"], w.state.natural["fp"]) == (450, 475)
    assert 'data-cell="population" data-value="10000">10,000<' in w.html
    assert w.state.icon["population"] == 1000  # the icon array stays per 1,000


def test_text_equivalents_mention_the_current_values():
    y, s = random_cohort(3)
    w = DiagnosticAccuracyExplorer(y, s)
    for t, prev in ((0.25, 0.01), (0.5, 0.2), (0.8, 0.002)):
        w.threshold.value, w.prevalence.value = t, prev
        st = w.state
        fpr = st.fp / (st.fp + st.tn)
        assert f"threshold {t:.2f}" in w.roc_text and f"threshold {t:.2f}" in w.text_summary
        assert f"sensitivity {st.sensitivity:.2f}" in w.roc_text
        assert f"false-positive rate {fpr:.2f}" in w.roc_text
        assert f"area under the curve {st.auc:.2f}" in w.roc_text
        ic = st.icon
        assert f"{ic['with_condition']:,} ha" in w.icon_text
        assert f"{ic['tp']:,} found, {ic['fn']:,} missed" in w.icon_text
        assert f"{ic['tn']:,} correctly reassured" in w.icon_text
        assert f"specificity {st.specificity:.2f}" in w.text_summary
        assert f"PPV {100 * st.ppv:.1f}%" in w.text_summary
        assert f"{st.recalls_per_1000:.1f} recalls per 1,000" in w.text_summary
        assert w.roc_text in w.figure_text.value and w.icon_text in w.figure_text.value
        assert not w.image.tooltip  # a tooltip breaks the Image view (ipywidgets #3860)


def test_figure_shows_the_state():
    y, s = random_cohort(5)
    w = DiagnosticAccuracyExplorer(y, s, threshold=0.3, prevalence=0.05)
    assert w.figure_png.startswith(PNG_SIGNATURE) and w.image.value == w.figure_png
    x, yy = w._point.get_data()
    assert (x[0], yy[0]) == (w.state.false_positive_rate, w.state.sensitivity)
    for key in ("tp", "fn", "fp", "tn"):
        assert len(w._icons[key].get_offsets()) == w.state.icon[key]
    before = w.figure_png
    w.threshold.value = 0.7
    assert w.figure_png != before
    x, yy = w._point.get_data()
    assert (x[0], yy[0]) == (w.state.false_positive_rate, w.state.sensitivity)


def test_every_control_is_labelled_and_keyboard_operable():
    w = DiagnosticAccuracyExplorer.from_binormal()
    assert len(w.controls) == 5
    for control in w.controls:
        assert control.description.strip(), control
        assert not control.disabled
        assert control.tabbable is not False
        assert isinstance(control, widgets.DOMWidget) and control in _descendants(w)
    assert w.prevalence.base == 10
    assert w.prevalence.min == pytest.approx(-3) and 10 ** w.prevalence.max == pytest.approx(0.5)
    labels = [label for label, _ in w.preset.options]
    assert sum("illustrative" in label for label in labels) == 3
    assert [v for _, v in w.population.options] == [1000, 10000]


def _descendants(widget):
    found = []
    for child in getattr(widget, "children", ()):
        found.append(child)
        found.extend(_descendants(child))
    return found


@pytest.mark.parametrize("prev", [0.001, 0.5])
def test_prevalence_extremes(prev):
    y, s = random_cohort()
    w = DiagnosticAccuracyExplorer(y, s)
    w.prevalence.value = prev
    assert w.state.prevalence == prev
    assert_state_matches_metrics(w, y, s)
    assert w.state.icon["with_condition"] == round(prev * 1000)
    b = DiagnosticAccuracyExplorer.from_binormal(prevalence=prev)
    assert_state_matches_metrics(b)


def test_thresholds_beyond_the_scores_say_not_defined_instead_of_crashing():
    y, s = random_cohort()
    w = DiagnosticAccuracyExplorer(y, s)
    w.threshold.value = 1.0  # above every score: nobody recalled
    assert w.state.tp == w.state.fp == 0 and math.isnan(w.state.ppv)
    assert "PPV not defined" in w.text_summary
    w.threshold.value = 0.0  # everybody recalled
    assert w.state.sensitivity == 1.0 and math.isnan(w.state.npv)
    assert "NPV not defined" in w.text_summary and "LR− not defined" in w.text_summary


def test_all_equal_scores_do_not_crash():
    y, s = [0, 1, 0, 1, 0], [0.5] * 5
    w = DiagnosticAccuracyExplorer(y, s)
    for t in (0.0, 0.49, 0.5, 0.51, 1.0):
        w.threshold.value = t
        assert_state_matches_metrics(w, y, s)
    assert w.state.auc == 0.5
    odd = DiagnosticAccuracyExplorer([0, 1], [3.0, 3.0])  # outside [0, 1]: range widened
    assert odd.threshold.min <= 3.0 <= odd.threshold.max and odd.threshold.min < odd.threshold.max


def test_scores_outside_zero_one_get_a_matching_slider():
    rng = np.random.default_rng(2)
    y = (rng.random(500) < 0.2).astype(int)
    s = rng.normal(2 * y, 1) * 10
    w = DiagnosticAccuracyExplorer(y, s)
    assert w.threshold.min <= s.min() and w.threshold.max >= s.max()
    w.threshold.value = float(np.median(s))
    assert_state_matches_metrics(w, y, s)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([0, 0, 0], [0.1, 0.2, 0.3]), {}, "at least one case"),
        (([1, 1], [0.1, 0.2]), {}, "at least one case"),
        (([0, 1], [0.1, np.nan]), {}, "1 NaN value"),
        (([0, 1], [0.1, 0.2]), {"prevalence": 0.9}, "prevalence"),
        (([0, 1], [0.1, 0.2]), {"prevalence": 0.0}, "prevalence"),
        (([0, 1], [0.1, 0.2]), {"threshold": 2.0}, "threshold"),
        (([0, 1], [0.1, 0.2]), {"population": 500}, "population"),
    ],
)
def test_bad_input_is_rejected_clearly(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        DiagnosticAccuracyExplorer(*args, **kwargs)


def test_unknown_dataset_and_bad_d_prime():
    with pytest.raises(ValueError, match="screening"):
        DiagnosticAccuracyExplorer.from_dataset("mammography")
    with pytest.raises(ValueError, match="d_prime"):
        DiagnosticAccuracyExplorer.from_binormal(d_prime=float("nan"))
