"""radcourse.fairness against fairlearn's MetricFrame, scikit-learn and hand-worked answers.

fairlearn is a test-only dependency (the dev extras): it validates the course's own code here and
must never be imported by ``radcourse``.
"""

from __future__ import annotations

import doctest
import functools
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, count, selection_rate, true_negative_rate
from fairlearn.metrics import demographic_parity_difference as fl_demographic_parity_difference
from fairlearn.metrics import equal_opportunity_difference as fl_equal_opportunity_difference
from fairlearn.metrics import equalized_odds_difference as fl_equalized_odds_difference
from scipy.stats import binomtest
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    brier_score_loss,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

import radcourse.fairness as fairness
from radcourse.fairness import (
    COLUMNS,
    GroupedOperatingTables,
    calibration_by_group,
    demographic_parity_difference,
    equal_opportunity_difference,
    equalised_odds_difference,
    flag_gaps,
    per_group_thresholds,
    subgroup_metrics,
    threshold_trade_offs,
)
from radcourse.metrics import wilson_interval

GROUPINGS = ("site", "vendor", "sex", "age_band", "imd_quintile")
THRESHOLDS = (0.5, 0.2, 0.35, 0.65, 0.8)
TOL = 1e-12


@pytest.fixture(scope="module")
def cxr() -> pd.DataFrame:
    from radcourse.data import load_cxr_triage

    return load_cxr_triage()


def hand_frame() -> pd.DataFrame:
    """Eight studies in three observed groups (category "d" has none), worked by hand at 0.5:

    * a: labels 1 1 0 0, scores 0.9 0.4 0.6 0.1 -> tp 1, fn 1, fp 1, tn 1;
    * b: labels 1 0 0, scores 0.7 0.2 0.3 -> tp 1, tn 2;
    * c: label 0, score 0.8 -> no positives (sensitivity undefined), one false positive.
    """
    return pd.DataFrame({
        "group": pd.Categorical(list("aaaabbbc"), categories=["c", "a", "b", "d"]),
        "label": [1, 1, 0, 0, 1, 0, 0, 0],
        "ai_score": [0.9, 0.4, 0.6, 0.1, 0.7, 0.2, 0.3, 0.8],
    })  # fmt: skip


def metric_frame(frame: pd.DataFrame, group_col: str, threshold: float) -> pd.DataFrame:
    y_pred = (frame["ai_score"] >= threshold).astype(int)
    return MetricFrame(
        metrics={
            "sensitivity": recall_score,
            "specificity": true_negative_rate,
            "specificity_by_recall": functools.partial(recall_score, pos_label=0),
            "ppv": functools.partial(precision_score, zero_division=np.nan),
            "selection_rate": selection_rate,
            "n": count,
        },
        y_true=frame["label"],
        y_pred=y_pred,
        sensitive_features=frame[group_col],
    ).by_group


# ---------------------------------------------------------------------------------------------
def test_doctests_pass():
    result = doctest.testmod(fairness)
    assert result.attempted >= 1 and result.failed == 0


def test_fairness_is_pure_no_ipywidgets_or_fairlearn_import():
    code = ("import sys, radcourse.fairness; "
            "print(sorted(m for m in ('ipywidgets', 'fairlearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------------
# Hand-built frame: known answers
# ---------------------------------------------------------------------------------------------
def test_subgroup_metrics_hand_built_known_answers():
    m = subgroup_metrics(hand_frame(), "group", 0.5)
    assert list(m.index) == ["c", "a", "b"]  # category order, observed groups only
    assert m.index.name == "group"
    assert list(m.columns) == list(COLUMNS)
    assert m["n"].tolist() == [1, 4, 3]
    assert m["n_positive"].tolist() == [0, 2, 1]
    assert m[["tp", "fp", "fn", "tn"]].to_numpy().tolist() == [[0, 1, 0, 0], [1, 1, 1, 1],
                                                                [1, 0, 0, 2]]
    assert math.isnan(m.loc["c", "sensitivity"])  # no positives: undefined, not an error
    assert math.isnan(m.loc["c", "sensitivity_low"]) and math.isnan(m.loc["c", "sensitivity_high"])
    assert m.loc["a", "sensitivity"] == 0.5 and m.loc["b", "sensitivity"] == 1.0
    assert m["specificity"].tolist() == [0.0, 0.5, 1.0]
    assert m["ppv"].tolist() == [0.0, 0.5, 1.0]
    assert m["selection_rate"].tolist() == [1.0, 0.5, 1 / 3]
    assert m["prevalence"].tolist() == [0.0, 0.5, 1 / 3]
    assert (m["threshold"] == 0.5).all()
    for g, row in m.iterrows():
        for metric, (num, den) in {"sensitivity": ("tp", "n_positive"),
                                   "specificity": ("tn", "n_negative")}.items():
            want = wilson_interval(int(row[num]), int(row[den]))
            got = (row[f"{metric}_low"], row[f"{metric}_high"])
            assert got == pytest.approx(want, nan_ok=True), (g, metric)
    # one Wilson interval cross-checked against scipy
    ci = binomtest(1, 2).proportion_ci(method="wilson")
    assert (m.loc["a", "sensitivity_low"], m.loc["a", "sensitivity_high"]) == pytest.approx(
        (ci.low, ci.high)
    )


def test_differences_hand_built():
    f = hand_frame()
    # sensitivities a 0.5, b 1.0; c (no positives) is left out
    assert equal_opportunity_difference(f, "group", 0.5) == 0.5
    # false-positive rates c 1.0, a 0.5, b 0.0: FPR gap 1.0 beats the TPR gap 0.5
    assert equalised_odds_difference(f, "group", 0.5) == 1.0
    # selection rates c 1, a 1/2, b 1/3
    assert demographic_parity_difference(f, "group", 0.5) == pytest.approx(2 / 3)


def test_per_group_thresholds_hand_built():
    f = hand_frame()
    th = per_group_thresholds(f, "group", 0.5)
    assert isinstance(th, pd.Series) and th.name == "threshold" and th.index.name == "group"
    assert math.isnan(th["c"])  # no positives: nothing to tune
    assert th["a"] == 0.9 and th["b"] == 0.7
    th = per_group_thresholds(f, "group", 1.0)
    assert th["a"] == 0.4 and th["b"] == 0.7
    assert per_group_thresholds(f, "group", 0.0)["a"] == 0.9  # the group's highest score


def test_flag_gaps_tiny_groups_with_overlapping_intervals_are_not_flagged():
    m = subgroup_metrics(hand_frame(), "group", 0.5)
    fl = flag_gaps(m, "sensitivity", 0.10)
    assert fl["reference"].tolist() == [False, False, True]  # b is highest
    assert math.isnan(fl.loc["c", "gap"]) and not fl.loc["c", "flagged"]
    assert fl.loc["a", "gap"] == 0.5 and fl.loc["a", "exceeds_tolerance"]
    # a 50-point gap, but with 2 and 1 positives the intervals overlap widely: not flagged
    assert fl.loc["a", "intervals_overlap"] and not fl["flagged"].any()


def test_flag_gaps_flags_a_large_precise_gap_and_needs_both_conditions():
    rng = np.random.default_rng(1)
    n = 2000
    frame = pd.DataFrame({
        "g": np.repeat(["big", "other", "tiny"], [n, n, 10]),
        "label": 1,
        "ai_score": np.r_[rng.random(n) < 0.9, rng.random(n) < 0.7, np.zeros(10)].astype(float),
    })  # fmt: skip
    m = subgroup_metrics(frame, "g", 0.5)
    fl = flag_gaps(m, "sensitivity", 0.05)
    assert fl.loc["big", "reference"]
    assert fl.loc["other", "flagged"] and fl.loc["tiny", "flagged"]
    # the same 20-point gap within a 25-point tolerance is not flagged
    assert not flag_gaps(m, "sensitivity", 0.25).loc["other", "flagged"]
    assert list(fl.columns) == ["value", "low", "high", "reference", "gap", "exceeds_tolerance",
                                "intervals_overlap", "flagged"]
    # without interval columns only the tolerance applies
    no_ci = m[["sensitivity"]]
    assert flag_gaps(no_ci, "sensitivity", 0.05)["flagged"].tolist() == [False, True, True]


def test_threshold_trade_offs_hand_built():
    f = hand_frame()
    single = subgroup_metrics(f, "group", 0.5)
    tuned = subgroup_metrics(f, "group", {"c": 0.5, "a": 0.4, "b": 0.7})
    out = threshold_trade_offs(single, tuned)
    assert list(out.index) == ["c", "a", "b"]
    assert out.loc["a", "recalls_per_1000_single"] == 500.0  # 2 of 4 flagged
    assert out.loc["a", "recalls_per_1000_tuned"] == 750.0  # 0.9, 0.4, 0.6 flagged
    assert out.loc["a", "extra_recalls_per_1000"] == 250.0
    assert out.loc["a", "false_positives_per_1000_tuned"] == 250.0
    assert out.loc["a", "sensitivity_tuned"] == 1.0 and out.loc["a", "threshold_tuned"] == 0.4
    assert out.loc["c", "extra_false_positives_per_1000"] == 0.0
    with pytest.raises(ValueError, match="same groups"):
        threshold_trade_offs(single, tuned.iloc[::-1])


# ---------------------------------------------------------------------------------------------
# Edge cases and errors
# ---------------------------------------------------------------------------------------------
def test_errors_name_the_problem():
    f = hand_frame()
    with pytest.raises(ValueError, match="empty"):
        subgroup_metrics(f.iloc[:0], "group", 0.5)
    with pytest.raises(ValueError, match="'ward'"):
        subgroup_metrics(f, "ward", 0.5)
    with pytest.raises(ValueError, match="'score'"):
        subgroup_metrics(f, "group", 0.5, score_col="score")
    nan_scores = f.assign(ai_score=[0.9, np.nan, 0.6, 0.1, 0.7, 0.2, np.nan, 0.8])
    with pytest.raises(ValueError, match="2 NaN values.*'ai_score'"):
        subgroup_metrics(nan_scores, "group", 0.5)
    with pytest.raises(ValueError, match="NaN"):
        GroupedOperatingTables(nan_scores, "group")
    with pytest.raises(ValueError, match="only 0 and 1"):
        subgroup_metrics(f.assign(label=[1, 2, 0, 0, 1, 0, 0, 0]), "group", 0.5)
    with pytest.raises(ValueError, match="missing value"):
        subgroup_metrics(f.assign(group=["a", None, "a", "a", "b", "b", "b", "c"]), "group", 0.5)
    with pytest.raises(ValueError, match="NaN"):
        subgroup_metrics(f, "group", float("nan"))
    with pytest.raises(ValueError, match="no value for group 'b'"):
        subgroup_metrics(f, "group", {"a": 0.5, "c": 0.5})
    with pytest.raises(ValueError, match="proportion"):
        per_group_thresholds(f, "group", 90)
    with pytest.raises(ValueError, match="not a column"):
        flag_gaps(subgroup_metrics(f, "group", 0.5), "recall", 0.05)
    with pytest.raises(ValueError, match="at least 0"):
        flag_gaps(subgroup_metrics(f, "group", 0.5), "sensitivity", -0.01)
    with pytest.raises(ValueError, match="DataFrame"):
        subgroup_metrics(f.to_dict(), "group", 0.5)


def test_all_negative_labels_and_all_positive_groups():
    f = pd.DataFrame({"g": ["x", "x", "y", "y"], "label": [0, 0, 1, 1],
                      "ai_score": [0.1, 0.6, 0.7, 0.2]})
    m = subgroup_metrics(f, "g", 0.5)
    assert math.isnan(m.loc["x", "sensitivity"]) and m.loc["x", "specificity"] == 0.5
    assert math.isnan(m.loc["y", "specificity"]) and m.loc["y", "sensitivity"] == 0.5
    assert equal_opportunity_difference(f, "g", 0.5) == 0.0  # one group with positives
    none = f.assign(label=0)
    assert math.isnan(equal_opportunity_difference(none, "g", 0.5))
    assert per_group_thresholds(none, "g", 0.8).isna().all()
    cal = calibration_by_group(none, "g", n_bins=2)
    assert cal.summary["calibration_intercept"].isna().all()


def test_plain_and_integer_group_columns_are_sorted():
    f = hand_frame().assign(group=[3, 3, 3, 3, 1, 1, 1, 2])
    assert list(subgroup_metrics(f, "group", 0.5).index) == [1, 2, 3]
    f = hand_frame().assign(group=list("zzzzxxxy"))
    assert list(subgroup_metrics(f, "group", 0.5).index) == ["x", "y", "z"]


# ---------------------------------------------------------------------------------------------
# The shipped cohort against fairlearn, for every grouping column
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("group_col", GROUPINGS)
def test_subgroup_metrics_agree_with_fairlearn_metricframe(cxr, group_col):
    for t in THRESHOLDS:
        ours = subgroup_metrics(cxr, group_col, t)
        theirs = metric_frame(cxr, group_col, t)
        assert set(ours.index) == set(theirs.index)
        if isinstance(cxr[group_col].dtype, pd.CategoricalDtype):
            assert list(ours.index) == list(cxr[group_col].cat.categories)
        theirs = theirs.loc[list(ours.index)]
        for col in ("sensitivity", "specificity", "ppv", "selection_rate"):
            np.testing.assert_allclose(ours[col].to_numpy(), theirs[col].to_numpy(dtype=float),
                                       rtol=0, atol=TOL, err_msg=f"{group_col} {col} at {t}")
        np.testing.assert_allclose(ours["specificity"].to_numpy(),
                                   theirs["specificity_by_recall"].to_numpy(dtype=float),
                                   rtol=0, atol=TOL)
        assert ours["n"].tolist() == theirs["n"].astype(int).tolist()
        assert ours["n_positive"].tolist() == cxr.groupby(group_col, observed=True)[
            "label"].sum().loc[list(ours.index)].tolist()


@pytest.mark.parametrize("group_col", GROUPINGS)
def test_difference_functions_agree_with_fairlearn(cxr, group_col):
    for t in THRESHOLDS:
        y_pred = (cxr["ai_score"] >= t).astype(int)
        kw = {"sensitive_features": cxr[group_col]}
        assert equalised_odds_difference(cxr, group_col, t) == pytest.approx(
            fl_equalized_odds_difference(cxr["label"], y_pred, **kw), abs=TOL)
        assert demographic_parity_difference(cxr, group_col, t) == pytest.approx(
            fl_demographic_parity_difference(cxr["label"], y_pred, **kw), abs=TOL)
        assert equal_opportunity_difference(cxr, group_col, t) == pytest.approx(
            fl_equal_opportunity_difference(cxr["label"], y_pred, **kw), abs=TOL)


@pytest.mark.parametrize("group_col", GROUPINGS)
def test_grouped_tables_equal_subgroup_metrics_at_every_kind_of_threshold(cxr, group_col):
    tables = GroupedOperatingTables(cxr, group_col)
    scores = cxr["ai_score"].to_numpy()
    for t in (*THRESHOLDS, 0.0, 1.0, -np.inf, np.inf, float(scores[0]), float(scores[17])):
        pd.testing.assert_frame_equal(tables.metrics_at(t), subgroup_metrics(cxr, group_col, t))
    per_group = {g: float(v) for g, v in zip(tables.groups, np.linspace(0.3, 0.6,
                                                                          len(tables.groups)),
                                               strict=True)}
    pd.testing.assert_frame_equal(tables.metrics_at(per_group),
                                  subgroup_metrics(cxr, group_col, per_group))
    tp, fp, fn, tn = tables.counts_at(0.5)
    m = subgroup_metrics(cxr, group_col, 0.5)
    assert (tp.tolist(), fp.tolist(), fn.tolist(), tn.tolist()) == tuple(
        m[c].tolist() for c in ("tp", "fp", "fn", "tn"))
    assert tables.overall.n == len(cxr) and set(tables.tables) == set(tables.groups)


@pytest.mark.parametrize("group_col", GROUPINGS)
def test_per_group_thresholds_checked_against_roc_curve(cxr, group_col):
    for target in (0.5, 0.8, 0.85, 0.9, 0.95, 1.0):
        th = per_group_thresholds(cxr, group_col, target)
        for g, t in th.items():
            rows = cxr[cxr[group_col] == g]
            y, s = rows["label"].to_numpy(), rows["ai_score"].to_numpy()
            _, tpr, thresholds = roc_curve(y, s, drop_intermediate=False)
            k = int(np.flatnonzero(thresholds == t)[0])  # t is a score in the group
            assert t in set(s)
            assert tpr[k] >= target, (g, target)
            if np.isfinite(thresholds[k - 1]):  # the next higher score in the group
                assert tpr[k - 1] < target, (g, target)
            # and the tables agree: sensitivity at t reaches the target
            assert subgroup_metrics(rows, group_col, t).loc[g, "sensitivity"] >= target


def test_per_group_thresholds_equalise_sensitivity_on_vendor(cxr):
    th = per_group_thresholds(cxr, "vendor", 0.85)
    m = subgroup_metrics(cxr, "vendor", th)
    assert (m["sensitivity"] >= 0.85).all()
    assert m["sensitivity"].max() - m["sensitivity"].min() < 0.02
    assert th["C"] < th["A"] and th["C"] < th["B"]  # vendor C's scores are shifted down
    assert dict(th).keys() == {"A", "B", "C"}


# ---------------------------------------------------------------------------------------------
# Design facts of the shipped data (datasets/DATASHEET.md, SYLLABUS C-Q4)
# ---------------------------------------------------------------------------------------------
def test_vendor_auc_hides_a_sensitivity_gap(cxr):
    aucs = {v: roc_auc_score(g["label"], g["ai_score"])
            for v, g in cxr.groupby("vendor", observed=True)}
    assert max(aucs.values()) - min(aucs.values()) < 0.05
    assert equal_opportunity_difference(cxr, "vendor", 0.5) > 0.20
    m = subgroup_metrics(cxr, "vendor", 0.5)
    assert m["sensitivity"].idxmin() == "C"
    assert m.loc["C", "sensitivity"] == pytest.approx(0.444, abs=0.001)


def test_vendor_c_flagged_while_a_small_gap_with_overlapping_intervals_is_not(cxr):
    fl = flag_gaps(subgroup_metrics(cxr, "vendor", 0.5), "sensitivity", 0.05)
    assert fl.index[fl["flagged"]].tolist() == ["C"]
    assert not fl.loc["B", "flagged"] and fl.loc["B", "gap"] < 0.05
    sex = flag_gaps(subgroup_metrics(cxr, "sex", 0.5), "sensitivity", 0.0)
    gap = sex["gap"].max()
    assert 0 < gap < 0.05  # F and M differ a little ...
    assert sex["exceeds_tolerance"].any() and sex["intervals_overlap"].all()
    assert not sex["flagged"].any()  # ... but within chance: not flagged even at tolerance 0


def test_calibration_by_vendor_matches_sklearn_and_shows_vendor_c_under_calibrated(cxr):
    cal = calibration_by_group(cxr, "vendor")
    s = cal.summary
    assert list(s.index) == ["A", "B", "C"] and s.index.name == "vendor"
    for v, rows in cxr.groupby("vendor", observed=True):
        y, p = rows["label"].to_numpy(), rows["ai_score"].to_numpy()
        prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="quantile")
        x, frac = cal.curve(v)
        np.testing.assert_allclose(x, prob_pred, rtol=0, atol=TOL)
        np.testing.assert_allclose(frac, prob_true, rtol=0, atol=TOL)
        assert s.loc[v, "brier_score"] == pytest.approx(brier_score_loss(y, p), abs=TOL)
        assert s.loc[v, "mean_score"] == pytest.approx(p.mean(), abs=TOL)
        assert s.loc[v, "observed_prevalence"] == pytest.approx(y.mean(), abs=TOL)
        # the intercept does what it says: shifting the log-odds matches the prevalence
        a = s.loc[v, "calibration_intercept"]
        shifted = 1 / (1 + np.exp(-(a + np.log(p / (1 - p)))))
        assert shifted.mean() == pytest.approx(y.mean(), abs=1e-9)
    # Vendor C's scores under-state its risk relative to A and B: the highest observed/expected
    # ratio and a calibration intercept about one log-odds unit above A's (the built-in shift).
    assert s["observed_to_expected"].idxmax() == "C"
    assert s.loc["C", "calibration_intercept"] - s.loc["A", "calibration_intercept"] > 0.8
    # and at the same score, more of C's studies have a nodule than A's
    x_a, f_a = cal.curve("A")
    x_c, f_c = cal.curve("C")
    common = np.linspace(max(x_a.min(), x_c.min()), min(x_a.max(), x_c.max()), 9)
    assert (np.interp(common, x_c, f_c) >= np.interp(common, x_a, f_a)).mean() >= 0.75
    assert list(cal.curves.columns) == ["vendor", "bin", "mean_predicted", "fraction_positive"]


def test_calibration_checks_its_arguments(cxr):
    with pytest.raises(ValueError, match="strategy"):
        calibration_by_group(cxr, "vendor", strategy="kmeans")
    with pytest.raises(ValueError, match="n_bins"):
        calibration_by_group(cxr, "vendor", n_bins=0)
    with pytest.raises(ValueError, match="from 0 to 1"):
        calibration_by_group(cxr.assign(ai_score=cxr["ai_score"] * 2), "vendor")
    with pytest.raises(ValueError, match="no calibration curve"):
        calibration_by_group(cxr, "vendor").curve("D")
