"""radcourse.validation: reference numbers from the syllabus, input checks, determinism, and the
shipped Module B data's teaching effects (leakage gap, reader kappa, sensitivity by reference)."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest, bootstrap, norm, rankdata
from sklearn.metrics import cohen_kappa_score, recall_score, roc_auc_score

from radcourse.data import READERS_OPERATING_THRESHOLD, load_leakage_demo, load_readers
from radcourse.validation import (
    REFERENCES,
    acceptance_decision,
    bootstrap_auc_ci,
    leakage_comparison,
    n_positives_needed,
    reader_agreement,
    screens_needed,
    sensitivity_by_reference,
)


@pytest.fixture(scope="module")
def leak() -> pd.DataFrame:
    return load_leakage_demo()


@pytest.fixture(scope="module")
def readers() -> pd.DataFrame:
    return load_readers()


@pytest.fixture(scope="module")
def small_leak() -> pd.DataFrame:
    """The first 60 patients: enough for fast determinism and validation tests."""
    frame = load_leakage_demo()
    return frame[frame["patient_id"].isin(frame["patient_id"].unique()[:60])].reset_index(drop=True)


# --- n_positives_needed, screens_needed ---------------------------------------------------------


def test_n_positives_needed_reference_value():
    z = norm.ppf(0.975)
    assert z**2 * 0.9 * 0.1 / 0.05**2 == pytest.approx(138.29, abs=0.01)
    assert 1.96**2 * 0.9 * 0.1 / 0.05**2 == pytest.approx(138.3, abs=0.01)
    assert n_positives_needed(0.9, 0.05) == 139
    assert isinstance(n_positives_needed(0.9, 0.05), int)


def test_n_positives_needed_rounds_up_and_scales():
    assert n_positives_needed(0.5, 0.1) == 97  # 96.04 -> 97
    assert n_positives_needed(0.9, 0.05, confidence=0.99) > 139
    assert n_positives_needed(0.9, 0.025) == math.ceil(4 * 138.29)


@pytest.mark.parametrize(("args", "match"), [
    ((0.9, 0), "half_width"), ((0.9, -0.05), "half_width"), ((0.9, 1.5), "half_width"),
    ((0, 0.05), "expected_sensitivity"), ((1, 0.05), "expected_sensitivity"),
    ((float("nan"), 0.05), "expected_sensitivity"), (("0.9", 0.05), "expected_sensitivity"),
])
def test_n_positives_needed_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        n_positives_needed(*args)


def test_n_positives_needed_rejects_bad_confidence():
    with pytest.raises(ValueError, match="confidence"):
        n_positives_needed(0.9, 0.05, confidence=1.0)


def test_screens_needed_reference_value():
    assert screens_needed(139, 0.01) == 13_900
    assert screens_needed(n_positives_needed(0.9, 0.05), 0.01) == 13_900
    assert screens_needed(10, 0.3) == 34  # 33.3 -> 34
    assert screens_needed(1, 0.5) == 2


@pytest.mark.parametrize("prevalence", [0, 1, 1.5, -0.01, float("nan")])
def test_screens_needed_rejects_impossible_prevalence(prevalence):
    with pytest.raises(ValueError, match="prevalence"):
        screens_needed(139, prevalence)


@pytest.mark.parametrize("n", [0, -5, 2.5, True])
def test_screens_needed_rejects_bad_counts(n):
    with pytest.raises(ValueError, match="n_positives"):
        screens_needed(n, 0.01)


# --- acceptance_decision ------------------------------------------------------------------------


def test_acceptance_decision_reference_case():
    result = acceptance_decision(45, 50, 0.85)
    assert result["lower"] == pytest.approx(0.7864, abs=1e-4)
    assert result["upper"] == pytest.approx(0.9565, abs=1e-4)
    assert result["observed"] == pytest.approx(0.9)
    assert result["passed"] is False
    assert "cannot confirm the claim" in result["verdict"]
    assert "0.786" in result["verdict"] and "0.957" in result["verdict"]


def test_acceptance_decision_matches_scipy_wilson():
    for k, n in [(0, 10), (3, 10), (10, 10), (45, 50), (180, 200)]:
        result = acceptance_decision(k, n, 0.5)
        ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert result["lower"] == pytest.approx(ci.low, abs=1e-9)
        assert result["upper"] == pytest.approx(ci.high, abs=1e-9)


def test_acceptance_decision_passes_when_the_lower_bound_clears_the_minimum():
    result = acceptance_decision(190, 200, 0.85)
    assert result["passed"] is True and result["lower"] >= 0.85
    assert result["verdict"].startswith("Passed") and "supports the claim" in result["verdict"]


def test_acceptance_decision_says_when_the_evidence_is_against_the_claim():
    result = acceptance_decision(30, 50, 0.85)
    assert result["passed"] is False and result["upper"] < 0.85
    assert "evidence against the claim" in result["verdict"]
    below = acceptance_decision(41, 50, 0.85)  # 0.82, interval still reaches 0.85
    assert not below["passed"] and "below the agreed minimum" in below["verdict"]
    assert "cannot confirm" in below["verdict"]


def test_acceptance_decision_boundary_is_inclusive():
    lower = acceptance_decision(45, 50, 0.5)["lower"]
    assert acceptance_decision(45, 50, lower)["passed"] is True


@pytest.mark.parametrize(("args", "match"), [
    ((0, 0, 0.85), "n must be at least 1"), ((51, 50, 0.85), "cannot be more than n"),
    ((45, 50, 1.5), "minimum"), ((-1, 50, 0.85), "successes"), ((4.5, 50, 0.85), "successes"),
])
def test_acceptance_decision_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        acceptance_decision(*args)


# --- leakage_comparison -------------------------------------------------------------------------


def test_leakage_gap_on_the_shipped_data(leak):
    result = leakage_comparison(leak)
    assert set(result) == {"auc_image_split", "auc_patient_split", "gap"}
    assert result["gap"] == pytest.approx(result["auc_image_split"] - result["auc_patient_split"])
    assert result["gap"] > 0.15, result
    assert result["auc_image_split"] > 0.85 and 0.5 < result["auc_patient_split"] < 0.75


def test_leakage_fast_mode_is_deterministic_and_shows_the_gap(leak):
    first = leakage_comparison(leak, fast=True)
    assert first == leakage_comparison(leak, fast=True)
    assert first["gap"] > 0.15


def test_leakage_accepts_another_model(small_leak):
    from sklearn.neighbors import KNeighborsClassifier

    result = leakage_comparison(small_leak, model=KNeighborsClassifier(n_neighbors=3))
    assert result["gap"] > 0.15  # the nearest neighbour of an image is the patient's other image


def test_leakage_seed_changes_the_folds(small_leak):
    a = leakage_comparison(small_leak, fast=True, seed=0)
    b = leakage_comparison(small_leak, fast=True, seed=1)
    assert a != b


@pytest.mark.parametrize("column", ["patient_id", "label"])
def test_leakage_names_a_missing_column(small_leak, column):
    with pytest.raises(ValueError, match=column):
        leakage_comparison(small_leak.drop(columns=column))


def test_leakage_needs_feature_columns(small_leak):
    with pytest.raises(ValueError, match="f0"):
        leakage_comparison(small_leak[["patient_id", "label"]])


def test_leakage_rejects_bad_labels_and_splits(small_leak):
    with pytest.raises(ValueError, match="label"):
        leakage_comparison(small_leak.assign(label=2))
    with pytest.raises(ValueError, match="both positives"):
        leakage_comparison(small_leak.assign(label=1))
    with pytest.raises(ValueError, match="n_splits"):
        leakage_comparison(small_leak, n_splits=1)
    with pytest.raises(ValueError, match="number of patients"):
        leakage_comparison(small_leak, n_splits=61)


# --- reader_agreement, sensitivity_by_reference -------------------------------------------------


def test_reader_agreement_on_the_shipped_data(readers):
    result = reader_agreement(readers)
    assert result["kappa"] == pytest.approx(cohen_kappa_score(readers["reader1"],
                                                              readers["reader2"]))
    assert 0.55 <= result["kappa"] <= 0.75
    observed = (readers["reader1"] == readers["reader2"]).mean()
    assert result["observed_agreement"] == pytest.approx(observed)
    assert result["percent_agreement"] == pytest.approx(100 * observed)
    expected = (result["observed_agreement"] - result["chance_agreement"]) / (
        1 - result["chance_agreement"])
    assert result["kappa"] == pytest.approx(expected)
    cells = ("both_positive", "both_negative", "first_only", "second_only")
    assert sum(result[c] for c in cells) == result["n"] == 500


def test_reader_agreement_toy_example():
    frame = pd.DataFrame({"reader1": [1, 1, 0, 0], "reader2": [1, 0, 0, 0]})
    result = reader_agreement(frame)
    assert result["percent_agreement"] == 75.0 and result["kappa"] == pytest.approx(0.5)


def test_reader_agreement_names_a_missing_column(readers):
    with pytest.raises(ValueError, match="reader2"):
        reader_agreement(readers.drop(columns="reader2"))


def test_sensitivity_by_reference_on_the_shipped_data(readers):
    table = sensitivity_by_reference(readers, READERS_OPERATING_THRESHOLD)
    assert tuple(table.index) == REFERENCES
    assert table["sensitivity"].max() - table["sensitivity"].min() > 0.05
    flagged = (readers["ai_score"] >= READERS_OPERATING_THRESHOLD).astype(int)
    consensus = readers["reader1"] & readers["reader2"]
    for name, reference in [("reader1", readers["reader1"]), ("reader2", readers["reader2"]),
                            ("consensus", consensus), ("truth", readers["truth"])]:
        assert table.loc[name, "sensitivity"] == pytest.approx(recall_score(reference, flagged))
        assert table.loc[name, "specificity"] == pytest.approx(
            recall_score(reference, flagged, pos_label=0))
        assert table.loc[name, "positives"] == reference.sum()
    assert (table[["tp", "fp", "fn", "tn"]].sum(axis=1) == 500).all()


def test_sensitivity_by_reference_consensus_rules():
    frame = pd.DataFrame({"truth": [1, 1, 0, 0], "reader1": [1, 1, 1, 0],
                          "reader2": [1, 0, 0, 0], "ai_score": [0.9, 0.2, 0.7, 0.1]})
    both = sensitivity_by_reference(frame, 0.5)
    assert both.loc["consensus", "positives"] == 1 and both.loc["consensus", "sensitivity"] == 1.0
    either = sensitivity_by_reference(frame, 0.5, consensus="either")
    assert either.loc["consensus", "positives"] == 3
    assert either.loc["consensus", "sensitivity"] == pytest.approx(2 / 3)
    assert both.loc["truth", "sensitivity"] == 0.5 and both.loc["truth", "specificity"] == 0.5


def test_sensitivity_by_reference_is_nan_without_reference_positives():
    frame = pd.DataFrame({"truth": [0, 0], "reader1": [0, 0], "reader2": [0, 0],
                          "ai_score": [0.9, 0.1]})
    table = sensitivity_by_reference(frame, 0.5)
    assert table["sensitivity"].isna().all() and (table["specificity"] == 0.5).all()


def test_sensitivity_by_reference_rejects_bad_input(readers):
    with pytest.raises(ValueError, match="ai_score"):
        sensitivity_by_reference(readers.drop(columns="ai_score"), 0.5)
    with pytest.raises(ValueError, match="consensus"):
        sensitivity_by_reference(readers, 0.5, consensus="majority")
    with pytest.raises(ValueError, match="threshold"):
        sensitivity_by_reference(readers, float("nan"))
    with pytest.raises(ValueError, match="truth"):
        sensitivity_by_reference(readers.assign(truth=readers["truth"] * 2), 0.5)


# --- bootstrap_auc_ci ---------------------------------------------------------------------------


def test_bootstrap_auc_ci_on_the_shipped_readers(readers):
    result = bootstrap_auc_ci(readers["truth"], readers["ai_score"])
    assert result["auc"] == pytest.approx(roc_auc_score(readers["truth"], readers["ai_score"]))
    assert 0 <= result["low"] < result["auc"] < result["high"] <= 1
    assert result["n_boot"] == 1000 and result["confidence"] == 0.95


def test_bootstrap_auc_ci_is_deterministic_and_seeded(readers):
    y, s = readers["truth"], readers["ai_score"]
    assert bootstrap_auc_ci(y, s, seed=3) == bootstrap_auc_ci(y, s, seed=3)
    assert bootstrap_auc_ci(y, s, seed=3) != bootstrap_auc_ci(y, s, seed=4)
    wider = bootstrap_auc_ci(y, s, confidence=0.99)
    narrower = bootstrap_auc_ci(y, s, confidence=0.8)
    assert wider["high"] - wider["low"] > narrower["high"] - narrower["low"]


def test_bootstrap_auc_ci_agrees_with_scipy_on_a_large_sample():
    rng = np.random.default_rng(0)
    y = (rng.random(2_000) < 0.3).astype(int)
    s = rng.normal(size=2_000) + 1.2 * y

    def auc(labels, scores, axis=-1):
        ranks = rankdata(scores, axis=axis)
        n_pos = labels.sum(axis=axis)
        n_neg = labels.shape[axis] - n_pos
        return ((ranks * labels).sum(axis=axis) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)

    ours = bootstrap_auc_ci(y, s, n_boot=2_000, seed=0)
    theirs = bootstrap((y, s), auc, paired=True, vectorized=True, n_resamples=2_000,
                       method="percentile", rng=np.random.default_rng(0)).confidence_interval
    assert ours["low"] == pytest.approx(theirs.low, abs=0.01)
    assert ours["high"] == pytest.approx(theirs.high, abs=0.01)


def test_bootstrap_auc_ci_handles_few_positives_and_ties():
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    s = np.array([0.9, 0.5, 0.5, 0.1, 0.2, 0.3, 0.5, 0.6, 0.1, 0.2])
    result = bootstrap_auc_ci(y, s, n_boot=500)
    assert result["auc"] == pytest.approx(roc_auc_score(y, s))
    assert np.isfinite([result["low"], result["high"]]).all()
    assert 0 <= result["low"] <= result["auc"] <= result["high"] <= 1


@pytest.mark.parametrize(("y", "s", "match"), [
    ([1, 1, 1], [0.1, 0.2, 0.3], "both positives"),
    ([0, 1, 2], [0.1, 0.2, 0.3], "0 and 1"),
    ([0, 1, 1], [0.1, 0.2], "one score per label"),
    ([0, 1, 1], [0.1, float("nan"), 0.3], "NaN"),
])
def test_bootstrap_auc_ci_rejects_bad_input(y, s, match):
    with pytest.raises(ValueError, match=match):
        bootstrap_auc_ci(y, s)


def test_bootstrap_auc_ci_rejects_bad_settings():
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap_auc_ci([0, 1], [0.1, 0.9], n_boot=0)
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_auc_ci([0, 1], [0.1, 0.9], confidence=95)
