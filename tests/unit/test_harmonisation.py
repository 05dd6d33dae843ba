"""radcourse.harmonisation: the training-mix and harmonisation lab (C-Ex2) and calibration (C-Ex4).

Contracts and input checks of every function, the lab's story on the shipped data (baseline gap,
rebalanced still gapped, harmonised closed), and recalibration with FrozenEstimator.
"""

import time

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import CalibratedClassifierCV, calibration_curve
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline

from radcourse import fairness
from radcourse.data import load_cxr_eval_features, load_cxr_train_features
from radcourse.harmonisation import (
    BASELINE_MIX,
    FEATURES,
    VendorHarmoniser,
    calibration_table,
    evaluate_by_vendor,
    expected_calibration_error,
    recalibrate,
    reference_stats,
    resample_training_mix,
    score_frame,
    shares_with,
    train_vendor_model,
)

FEATURE_LIST = list(FEATURES)


@pytest.fixture(scope="module")
def train() -> pd.DataFrame:
    return load_cxr_train_features()


@pytest.fixture(scope="module")
def evaluation() -> pd.DataFrame:
    return load_cxr_eval_features()


@pytest.fixture(scope="module")
def baseline(train):
    return train_vendor_model(train)


@pytest.fixture(scope="module")
def harmonised(train):
    return train_vendor_model(train, harmonise=True)


@pytest.fixture(scope="module")
def rebalanced(train):
    return train_vendor_model(train, vendor_mix=shares_with(0.25))


@pytest.fixture(scope="module")
def vendor_c_halves(evaluation):
    vendor_c = evaluation[evaluation["vendor"] == "C"].sort_values("study_id")
    return vendor_c.iloc[::2], vendor_c.iloc[1::2]


def _gap(column: pd.Series) -> float:
    return float(column.max() - column.min())


def _tiny() -> pd.DataFrame:
    """Two vendors, labelled rows and two unlabelled reference scans each."""
    return pd.DataFrame({
        "vendor": ["A", "A", "A", "A", "B", "B", "B", "B", "A", "A", "B", "B"],
        "f0": [0.0, 1.0, 2.0, 3.0, 0.0, 2.0, 4.0, 6.0, 1.0, 3.0, 2.0, 6.0],
        "f1": [1.0, 0.0, 1.0, 2.0, 3.0, 1.0, 2.0, 5.0, 0.0, 2.0, 1.0, 5.0],
        "f2": [0.5, 1.5, 2.5, 3.5, 1.0, 3.0, 5.0, 7.0, 1.0, 2.0, 2.0, 4.0],
        "f3": [2.0, 2.0, 3.0, 1.0, 4.0, 2.0, 6.0, 3.0, 1.0, 4.0, 3.0, 7.0],
        "label": pd.array([0, 0, 1, 1, 0, 0, 1, 1, None, None, None, None], dtype="Int64"),
    })  # fmt: skip


# --- the lab's story on the shipped data ---------------------------------------------------------


def test_baseline_equal_aucs_hide_a_sensitivity_collapse(baseline, evaluation):
    table = evaluate_by_vendor(baseline, evaluation)
    assert _gap(table["auc"]) < 0.05, table
    assert _gap(table["sensitivity"]) > 0.20, table
    assert table["sensitivity"].idxmin() == "C"


def test_rebalanced_mix_still_leaves_vendor_c_behind(baseline, rebalanced, evaluation):
    before = evaluate_by_vendor(baseline, evaluation)
    after = evaluate_by_vendor(rebalanced, evaluation)
    assert _gap(after["sensitivity"]) > 0.20, after
    assert after.loc["C", "sensitivity"] - before.loc["C", "sensitivity"] < 0.15
    assert rebalanced.training_mix_["C"] == pytest.approx(0.25, abs=1e-3)


def test_harmonisation_closes_the_gap_with_similar_specificity(harmonised, evaluation):
    table = evaluate_by_vendor(harmonised, evaluation)
    assert _gap(table["sensitivity"]) < 0.10, table
    assert _gap(table["specificity"]) < 0.05 and (table["specificity"] > 0.90).all(), table
    assert _gap(table["auc"]) < 0.05


def test_even_half_vendor_c_training_does_not_match_harmonisation(train, harmonised, evaluation):
    half = evaluate_by_vendor(train_vendor_model(train, vendor_mix=shares_with(0.5)), evaluation)
    fixed = evaluate_by_vendor(harmonised, evaluation)
    assert half.loc["C", "sensitivity"] < fixed.loc["C", "sensitivity"] - 0.2


def test_recalibration_reduces_vendor_c_calibration_error(baseline, vendor_c_halves):
    local, check = vendor_c_halves
    calibrated = recalibrate(baseline, local)
    before = expected_calibration_error(calibration_table(baseline, check))["C"]
    after = expected_calibration_error(calibration_table(calibrated, check))["C"]
    assert before > 0.08 and after < before / 2, (before, after)


def test_recalibration_keeps_the_ranking(baseline, vendor_c_halves):
    local, check = vendor_c_halves
    calibrated = recalibrate(baseline, local)
    y = check["label"].to_numpy(dtype=int)
    auc_before = roc_auc_score(y, score_frame(baseline, check)["ai_score"])
    auc_after = roc_auc_score(y, score_frame(calibrated, check)["ai_score"])
    assert auc_after == pytest.approx(auc_before, abs=1e-12)
    assert (evaluate_by_vendor(calibrated, check)["sensitivity"] > 0.4).all()


# --- train_vendor_model --------------------------------------------------------------------------


def test_train_vendor_model_pipeline(baseline, harmonised, evaluation):
    assert isinstance(baseline, Pipeline)
    assert list(baseline.named_steps) == ["harmonise", "scale", "logreg"]
    assert baseline.named_steps["harmonise"] == "passthrough"
    assert isinstance(harmonised.named_steps["harmonise"], VendorHarmoniser)
    proba = baseline.predict_proba(evaluation)
    assert proba.shape == (3_000, 2) and np.allclose(proba.sum(axis=1), 1)
    assert baseline.training_mix_ == pytest.approx(BASELINE_MIX)


def test_harmoniser_is_fitted_on_reference_scans_only(train, harmonised):
    step = harmonised.named_steps["harmonise"]
    pd.testing.assert_frame_equal(step.stats_, reference_stats(train)[step.stats_.columns])
    relabelled = train.copy()
    labelled = relabelled["label"].notna()
    relabelled.loc[labelled, "label"] = 1 - relabelled.loc[labelled, "label"]
    pd.testing.assert_frame_equal(reference_stats(relabelled), reference_stats(train))


def test_train_vendor_model_is_deterministic(train, evaluation):
    mix = shares_with(0.3)
    first = train_vendor_model(train, vendor_mix=mix, harmonise=True, seed=3)
    second = train_vendor_model(train, vendor_mix=mix, harmonise=True, seed=3)
    assert np.array_equal(first.predict_proba(evaluation), second.predict_proba(evaluation))
    other = train_vendor_model(train, vendor_mix=mix, harmonise=True, seed=4)
    assert not np.array_equal(first.predict_proba(evaluation), other.predict_proba(evaluation))


def test_train_vendor_model_ignores_unlabelled_rows(train, baseline, evaluation):
    labelled_only = train_vendor_model(train[train["label"].notna()])
    assert np.allclose(labelled_only.predict_proba(evaluation), baseline.predict_proba(evaluation))


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"harmonise": "yes"}, "harmonise must be True or False"),
    ({"seed": -1}, "seed must be a whole number"),
    ({"seed": 1.5}, "seed must be a whole number"),
    ({"vendor_mix": {"A": 0.5, "B": 0.2}}, "add up to 1"),
    ({"vendor_mix": {"A": 0.5, "Z": 0.5}}, "'Z'"),
])  # fmt: skip
def test_train_vendor_model_rejects_bad_arguments(train, kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_vendor_model(train, **kwargs)


def test_train_vendor_model_rejects_bad_frames(train):
    with pytest.raises(ValueError, match="DataFrame"):
        train_vendor_model(train.to_numpy())
    with pytest.raises(ValueError, match="'f2'"):
        train_vendor_model(train.drop(columns="f2"))
    with pytest.raises(ValueError, match="no labelled studies"):
        train_vendor_model(train[train["label"].isna()])
    with pytest.raises(ValueError, match="no unlabelled reference scans"):
        train_vendor_model(train[train["label"].notna()], harmonise=True)
    one_class = train[train["label"] == 0]
    with pytest.raises(ValueError, match="both positives"):
        train_vendor_model(one_class)
    bad = train.copy()
    bad["label"] = bad["label"].astype("float64")
    bad.loc[bad.index[0], "label"] = 2.0
    with pytest.raises(ValueError, match="only the labels 0 and 1"):
        train_vendor_model(bad)
    holes = train.copy()
    holes.loc[holes.index[:3], "f0"] = np.nan
    with pytest.raises(ValueError, match="3 rows with missing"):
        train_vendor_model(holes)


# --- harmoniser and reference statistics ---------------------------------------------------------


def test_reference_stats_by_hand():
    stats = reference_stats(_tiny())
    assert list(stats.index) == ["A", "B"] and stats["n"].tolist() == [2, 2]
    assert stats.loc["A", "f0_mean"] == 2.0 and stats.loc["B", "f0_mean"] == 4.0
    assert stats.loc["A", "f0_sd"] == pytest.approx(np.sqrt(2.0))
    assert stats.loc["B", "f3_sd"] == pytest.approx(np.sqrt(8.0))


def test_harmoniser_puts_each_vendors_reference_scans_on_one_scale(train):
    stats = reference_stats(train)
    harmoniser = VendorHarmoniser(stats).fit(train)
    reference = train[train["label"].isna()]
    out = harmoniser.transform(reference)
    grouped = out.groupby("vendor", observed=True)[FEATURE_LIST]
    assert np.allclose(grouped.mean(), 0, atol=1e-9) and np.allclose(grouped.std(), 1)
    assert out["label"].isna().all() and list(out.columns) == list(reference.columns)
    assert not out[FEATURE_LIST].equals(reference[FEATURE_LIST])  # a copy; input untouched


def test_harmoniser_rejects_unknown_vendors_and_bad_tables(train):
    harmoniser = VendorHarmoniser(reference_stats(train)).fit(train)
    new_vendor = train.head(3).assign(vendor="D")
    with pytest.raises(ValueError, match="no reference scans for vendor"):
        harmoniser.transform(new_vendor)
    with pytest.raises(ValueError, match="reference_stats"):
        VendorHarmoniser(pd.DataFrame({"x": [1]})).fit(train)
    with pytest.raises(ValueError, match="fewer than 2 reference scans"):
        reference_stats(_tiny().drop(index=[8]))


# --- resample_training_mix and shares_with -------------------------------------------------------


def test_resample_training_mix_exact_counts_and_reference_rows(train):
    out = resample_training_mix(train, {"A": 0.5, "B": 0.25, "C": 0.25}, seed=0, n=1_000)
    labelled = out[out["label"].notna()]
    assert labelled["vendor"].value_counts().to_dict() == {"A": 500, "B": 250, "C": 250}
    assert out["label"].isna().sum() == 600
    assert set(labelled["study_id"]) <= set(train.loc[train["label"].notna(), "study_id"])
    default = resample_training_mix(train, BASELINE_MIX, seed=0)
    assert default["label"].notna().sum() == 4_400


def test_resample_training_mix_rounds_to_exactly_n(train):
    out = resample_training_mix(train, {"A": 1 / 3, "B": 1 / 3, "C": 1 / 3}, seed=0, n=100)
    counts = out.loc[out["label"].notna(), "vendor"].value_counts()
    assert counts.sum() == 100 and set(counts) == {33, 34}


def test_resample_training_mix_is_seeded(train):
    mix = shares_with(0.25)
    first = resample_training_mix(train, mix, seed=7)
    assert first.equals(resample_training_mix(train, mix, seed=7))
    assert not first.equals(resample_training_mix(train, mix, seed=8))


def test_resample_training_mix_leaves_out_unnamed_vendors(train):
    out = resample_training_mix(train, {"A": 1.0}, seed=0, n=50)
    assert set(out.loc[out["label"].notna(), "vendor"]) == {"A"}


@pytest.mark.parametrize(("shares", "n", "match"), [
    ({"A": 0.7, "B": 0.2}, None, "add up to 1"),
    ({"A": 1.2, "B": -0.2}, None, "at least 0"),
    ({"A": "half", "B": 0.5}, None, "must be a number"),
    ([0.8, 0.2], None, "mapping"),
    ({"A": 1.0}, 0, "n must be a whole number"),
    ({"A": 1.0}, 2.5, "n must be a whole number"),
])  # fmt: skip
def test_resample_training_mix_rejects_bad_input(train, shares, n, match):
    with pytest.raises(ValueError, match=match):
        resample_training_mix(train, shares, seed=0, n=n)


def test_shares_with():
    mix = shares_with(0.25)
    assert list(mix) == ["A", "B", "C"] and sum(mix.values()) == pytest.approx(1)
    assert mix["C"] == 0.25 and mix["A"] / mix["B"] == pytest.approx(0.80 / 0.18)
    assert shares_with(0.02) == pytest.approx(BASELINE_MIX)
    assert shares_with(0.0)["C"] == 0.0
    assert shares_with(0.5, vendor="A", base={"A": 0.5, "B": 0.5}) == {"A": 0.5, "B": 0.5}
    with pytest.raises(ValueError, match="proportion"):
        shares_with(25)
    with pytest.raises(ValueError, match="'D'"):
        shares_with(0.2, vendor="D")


# --- evaluation, scoring ------------------------------------------------------------------------


def test_evaluate_by_vendor_contract(baseline, evaluation):
    table = evaluate_by_vendor(baseline, evaluation, threshold=0.3)
    assert list(table.index) == ["A", "B", "C"] and table.index.name == "vendor"
    assert list(table.columns[:4]) == ["n", "n_positive", "auc", "threshold"]
    assert {"sensitivity_low", "specificity_high", "selection_rate"} <= set(table.columns)
    assert (table["threshold"] == 0.3).all() and table["n"].tolist() == [1_000] * 3
    scores = baseline.predict_proba(evaluation)[:, 1]
    for vendor, row in table.iterrows():
        rows = (evaluation["vendor"] == vendor).to_numpy()
        y, s = evaluation["label"].to_numpy(dtype=int)[rows], scores[rows]
        assert row["auc"] == pytest.approx(roc_auc_score(y, s))
        assert row["sensitivity"] == pytest.approx((s[y == 1] >= 0.3).mean())
        assert row["specificity"] == pytest.approx((s[y == 0] < 0.3).mean())
        assert row["sensitivity_low"] <= row["sensitivity"] <= row["sensitivity_high"]


def test_evaluate_by_vendor_lower_threshold_raises_sensitivity(baseline, evaluation):
    high = evaluate_by_vendor(baseline, evaluation, 0.5)
    low = evaluate_by_vendor(baseline, evaluation, 0.1)
    assert (low["sensitivity"] >= high["sensitivity"]).all()
    assert (low["specificity"] <= high["specificity"]).all()


def test_evaluate_by_vendor_single_class_vendor_has_nan_auc(baseline, evaluation):
    part = evaluation[(evaluation["vendor"] != "C") | (evaluation["label"] == 0)]
    table = evaluate_by_vendor(baseline, part)
    assert np.isnan(table.loc["C", "auc"]) and np.isnan(table.loc["C", "sensitivity"])


def test_evaluate_by_vendor_rejects_bad_input(baseline, train, evaluation):
    with pytest.raises(ValueError, match="without a label"):
        evaluate_by_vendor(baseline, train)
    for threshold in (1.5, -0.1, "0.5", True):
        with pytest.raises(ValueError, match="threshold must be a number from 0 to 1"):
            evaluate_by_vendor(baseline, evaluation, threshold)
    with pytest.raises(ValueError, match="predict_proba"):
        evaluate_by_vendor("model", evaluation)
    with pytest.raises(ValueError, match="'vendor'"):
        evaluate_by_vendor(baseline, evaluation.drop(columns="vendor"))


def test_score_frame_feeds_radcourse_fairness(baseline, evaluation):
    scored = score_frame(baseline, evaluation)
    assert "ai_score" not in evaluation.columns and scored["ai_score"].between(0, 1).all()
    frame = scored.assign(label=scored["label"].astype(int))
    thresholds = fairness.per_group_thresholds(frame, "vendor", 0.9)
    assert thresholds["C"] < thresholds["A"]  # vendor C needs a far lower threshold


# --- recalibration and calibration tables --------------------------------------------------------


def test_recalibrate_freezes_the_model(baseline, vendor_c_halves):
    coef = baseline.named_steps["logreg"].coef_.copy()
    calibrated = recalibrate(baseline, vendor_c_halves[0])
    assert isinstance(calibrated, CalibratedClassifierCV)
    assert isinstance(calibrated.estimator, FrozenEstimator)
    assert calibrated.method == "sigmoid"
    assert np.array_equal(baseline.named_steps["logreg"].coef_, coef)


def test_prefit_is_gone_in_this_scikit_learn(baseline, vendor_c_halves):
    """The syllabus's version note: older tutorials' cv="prefit" fails in scikit-learn 1.9."""
    local = vendor_c_halves[0]
    with pytest.raises(ValueError, match="cv"):
        CalibratedClassifierCV(baseline, cv="prefit").fit(local, local["label"].astype(int))


def test_recalibrate_rejects_bad_input(baseline, train, vendor_c_halves):
    with pytest.raises(ValueError, match="without a label"):
        recalibrate(baseline, train)
    only_negatives = vendor_c_halves[0][vendor_c_halves[0]["label"] == 0]
    with pytest.raises(ValueError, match="both positives"):
        recalibrate(baseline, only_negatives)
    with pytest.raises(ValueError, match="predict_proba"):
        recalibrate(object(), vendor_c_halves[0])


@pytest.mark.parametrize("strategy", ["quantile", "uniform"])
def test_calibration_table_matches_calibration_curve(baseline, evaluation, strategy):
    table = calibration_table(baseline, evaluation, n_bins=8, strategy=strategy)
    assert list(table.columns) == ["vendor", "bin", "n", "mean_predicted", "fraction_positive",
                                   "gap"]
    scores = baseline.predict_proba(evaluation)[:, 1]
    for vendor, part in table.groupby("vendor", observed=True):
        rows = (evaluation["vendor"] == vendor).to_numpy()
        y, s = evaluation["label"].to_numpy(dtype=int)[rows], scores[rows]
        prob_true, prob_pred = calibration_curve(y, s, n_bins=8, strategy=strategy)
        assert np.allclose(part["fraction_positive"], prob_true)
        assert np.allclose(part["mean_predicted"], prob_pred)
        assert part["n"].sum() == rows.sum() and (part["n"] > 0).all()
        assert np.average(part["mean_predicted"], weights=part["n"]) == pytest.approx(s.mean())
        assert np.average(part["fraction_positive"], weights=part["n"]) == pytest.approx(y.mean())
        assert part["bin"].tolist() == list(range(len(part)))


def test_calibration_table_by_another_column(baseline, evaluation):
    table = calibration_table(baseline, evaluation, by="site", n_bins=5)
    assert table.columns[0] == "site" and set(table["site"]) == set(evaluation["site"])


def test_expected_calibration_error_by_hand():
    table = pd.DataFrame({"vendor": ["A", "A", "B"], "bin": [0, 1, 0], "n": [10, 30, 5],
                          "mean_predicted": [0.1, 0.5, 0.2], "fraction_positive": [0.2, 0.4, 0.2]})
    ece = expected_calibration_error(table)
    assert ece.name == "ece" and ece["A"] == pytest.approx((10 * 0.1 + 30 * 0.1) / 40)
    assert ece["B"] == 0.0
    with pytest.raises(ValueError, match="calibration_table"):
        expected_calibration_error(table.drop(columns="n"))


def test_calibration_table_rejects_bad_input(baseline, evaluation, train):
    with pytest.raises(ValueError, match="n_bins"):
        calibration_table(baseline, evaluation, n_bins=0)
    with pytest.raises(ValueError, match="strategy"):
        calibration_table(baseline, evaluation, strategy="kmeans")
    with pytest.raises(ValueError, match="'scanner'"):
        calibration_table(baseline, evaluation, by="scanner")
    with pytest.raises(ValueError, match="without a label"):
        calibration_table(baseline, train)


# --- speed ---------------------------------------------------------------------------------------


def test_every_call_is_fast_enough_for_a_slider(train, evaluation, vendor_c_halves):
    """FAST-friendly: each call well under a second on the shipped data (best of two runs)."""
    model = train_vendor_model(train, harmonise=True)
    calls = {
        "train": lambda: train_vendor_model(train, vendor_mix=shares_with(0.4), harmonise=True),
        "evaluate": lambda: evaluate_by_vendor(model, evaluation),
        "recalibrate": lambda: recalibrate(model, vendor_c_halves[0]),
        "calibration_table": lambda: calibration_table(model, evaluation),
    }
    for name, call in calls.items():
        best = min(_seconds(call) for _ in range(2))
        assert best < 1.0, (name, best)


def _seconds(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def test_calibration_table_orders_numeric_and_categorical_groups(baseline, evaluation):
    units = evaluation["vendor"].astype(str).map({"A": 10, "B": 2, "C": 1})
    numbered = evaluation.assign(unit=units)
    assert list(pd.unique(calibration_table(baseline, numbered, by="unit")["unit"])) == [1, 2, 10]
    vendors = evaluation["vendor"].cat.reorder_categories(["C", "B", "A"])
    reordered = evaluation.assign(vendor=vendors)
    assert list(pd.unique(calibration_table(baseline, reordered)["vendor"])) == ["C", "B", "A"]
