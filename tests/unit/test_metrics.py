"""radcourse.metrics against scikit-learn, scipy and the syllabus's reference numbers."""

from __future__ import annotations

import doctest
import math
import subprocess
import sys

import numpy as np
import pytest
from scipy.stats import binomtest
from sklearn.metrics import (
    accuracy_score,
    class_likelihood_ratios,
    confusion_matrix,
    confusion_matrix_at_thresholds,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

import radcourse.metrics as metrics
from radcourse.metrics import (
    OperatingTable,
    binormal_auc,
    binormal_rates,
    binormal_roc,
    confusion_counts,
    diagnostic_summary,
    false_positives_per_cancer_found,
    likelihood_ratios,
    natural_frequencies,
    predictive_values,
    recalls_per_1000,
    wilson_interval,
)

SUMMARY_KEYS = {"sensitivity", "specificity", "ppv", "npv", "accuracy", "prevalence",
                "lr_positive", "lr_negative"}


def random_data(seed: int, n: int = 400, decimals: int | None = 2, prevalence: float = 0.3):
    """Labels and binormal-ish scores; rounding the scores makes plenty of ties."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prevalence).astype(int)
    s = rng.normal(1.2 * y, 1.0)
    if decimals is not None:
        s = np.round(s, decimals)
    return y, s


def sklearn_counts(y, s, t):
    tn, fp, fn, tp = confusion_matrix(y, (s >= t).astype(int), labels=[0, 1]).ravel()
    return int(tp), int(fp), int(fn), int(tn)


def test_doctests_pass():
    result = doctest.testmod(metrics)
    assert result.attempted > 5 and result.failed == 0


def test_metrics_is_pure_no_ipywidgets_import():
    code = "import sys, radcourse.metrics; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------------------------
# confusion_counts
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_confusion_counts_match_sklearn_confusion_matrix(seed):
    y, s = random_data(seed)
    for t in [-np.inf, s.min() - 1, *np.quantile(s, [0.1, 0.5, 0.9]), s[0], s[1], s.max(),
              s.max() + 1, np.inf]:
        counts = confusion_counts(y, s, t)
        assert counts == sklearn_counts(y, s, t)
        assert all(type(c) is int for c in counts)
        assert sum(counts) == len(y)


def test_score_equal_to_threshold_is_a_positive_call():
    assert confusion_counts([1, 0], [0.5, 0.5], 0.5) == (1, 1, 0, 0)
    assert confusion_counts([1, 0], [0.5, 0.5], 0.5000001) == (0, 0, 1, 1)


def test_confusion_counts_accepts_bool_lists_and_pandas():
    pd = pytest.importorskip("pandas")
    y = pd.Series([True, False, True, False])
    s = pd.Series([0.9, 0.8, 0.1, 0.2])
    assert confusion_counts(y, s, 0.5) == (1, 1, 1, 1)
    assert confusion_counts([1, 0, 1, 0], [9, 8, 1, 2], 5) == (1, 1, 1, 1)
    with pytest.raises(ValueError, match="1 NaN value"):
        confusion_counts(pd.array([True, None, False], dtype="boolean"), [0.1, 0.2, 0.3], 0.2)
    with pytest.raises(ValueError, match="2 NaN values"):
        confusion_counts(pd.Series([1, None, None], dtype="Int64"), [0.1, 0.2, 0.3], 0.2)
    assert confusion_counts(np.array([1.0, 0.0]), np.array([0.3, 0.1], dtype=np.float32),
                            np.float32(0.3)) == (1, 0, 0, 1)


@pytest.mark.parametrize(
    ("y", "s", "t", "message"),
    [
        ([0, 1, 1], [0.1, np.nan, np.nan], 0.5, "2 NaN values"),
        ([0, 1, 1], [0.1, np.nan, 0.2], 0.5, "1 NaN value"),
        ([0, np.nan, 1], [0.1, 0.2, 0.3], 0.5, "1 NaN value"),
        ([0, None, 1], [0.1, 0.2, 0.3], 0.5, "NaN"),
        ([0, 1], [0.1, 0.2, 0.3], 0.5, "same length"),
        ([], [], 0.5, "empty"),
        ([0, 2, 1], [0.1, 0.2, 0.3], 0.5, "only 0 and 1"),
        ([0, -1], [0.1, 0.2], 0.5, "only 0 and 1"),
        (["0", "1"], [0.1, 0.2], 0.5, "not text"),
        ([[0, 1]], [[0.1, 0.2]], 0.5, "one-dimensional"),
        ([0, 1], ["a", "b"], 0.5, "numbers"),
        ([0, 1], [0.1, 0.2], float("nan"), "threshold"),
        ([0, 1], [0.1, 0.2], "0.5", "threshold"),
    ],
)
def test_confusion_counts_rejects_bad_input(y, s, t, message):
    with pytest.raises(ValueError, match=message):
        confusion_counts(y, s, t)


# ---------------------------------------------------------------------------------------------
# diagnostic_summary
# ---------------------------------------------------------------------------------------------
def test_reference_confusion_from_syllabus():
    out = diagnostic_summary(72, 496, 8, 9424)
    assert set(out) == SUMMARY_KEYS
    assert all(type(v) is float for v in out.values())
    assert out["sensitivity"] == pytest.approx(0.90)
    assert out["specificity"] == pytest.approx(0.95)
    assert round(out["ppv"], 5) == 0.12676
    assert round(out["npv"], 5) == 0.99915
    assert out["accuracy"] == pytest.approx(0.9496)
    assert out["prevalence"] == pytest.approx(0.008)
    assert out["lr_positive"] == pytest.approx(18.0)
    assert out["lr_negative"] == pytest.approx(0.1 / 0.95)


@pytest.mark.parametrize("seed", range(5))
def test_summary_matches_sklearn_scores(seed):
    y, s = random_data(seed)
    t = float(np.median(s))
    pred = (s >= t).astype(int)
    out = diagnostic_summary(*confusion_counts(y, s, t))
    assert out["sensitivity"] == pytest.approx(recall_score(y, pred))
    assert out["specificity"] == pytest.approx(recall_score(y, pred, pos_label=0))
    assert out["ppv"] == pytest.approx(precision_score(y, pred))
    assert out["npv"] == pytest.approx(precision_score(y, pred, pos_label=0))
    assert out["accuracy"] == pytest.approx(accuracy_score(y, pred))
    assert out["prevalence"] == pytest.approx(y.mean())
    lr_pos, lr_neg = class_likelihood_ratios(y, pred)
    assert out["lr_positive"] == pytest.approx(lr_pos)
    assert out["lr_negative"] == pytest.approx(lr_neg)


def test_zero_denominators_give_nan_never_raise():
    empty = diagnostic_summary(0, 0, 0, 0)
    assert all(math.isnan(v) for v in empty.values())

    no_positives = diagnostic_summary(0, 3, 0, 7)  # nobody has the condition
    assert math.isnan(no_positives["sensitivity"])
    assert no_positives["specificity"] == pytest.approx(0.7)
    assert no_positives["ppv"] == 0.0 and no_positives["prevalence"] == 0.0
    assert math.isnan(no_positives["lr_positive"]) and math.isnan(no_positives["lr_negative"])

    no_negatives = diagnostic_summary(6, 0, 4, 0)  # everybody has it
    assert no_negatives["sensitivity"] == pytest.approx(0.6)
    assert math.isnan(no_negatives["specificity"])
    assert no_negatives["ppv"] == 1.0 and no_negatives["npv"] == 0.0
    assert no_negatives["prevalence"] == 1.0

    no_positive_calls = diagnostic_summary(0, 0, 5, 95)
    assert math.isnan(no_positive_calls["ppv"]) and no_positive_calls["sensitivity"] == 0.0

    no_negative_calls = diagnostic_summary(5, 95, 0, 0)
    assert math.isnan(no_negative_calls["npv"])


def test_likelihood_ratio_rule_inf_for_positive_over_zero_nan_for_zero_over_zero():
    perfect_spec = diagnostic_summary(5, 0, 5, 10)  # no false positives
    assert perfect_spec["lr_positive"] == math.inf
    assert perfect_spec["lr_negative"] == pytest.approx(0.5)
    nothing_called = diagnostic_summary(0, 0, 5, 10)  # sens 0 and spec 1: 0/0
    assert math.isnan(nothing_called["lr_positive"])
    assert nothing_called["lr_negative"] == 1.0
    everyone_called = diagnostic_summary(5, 10, 0, 0)  # sens 1 and spec 0
    assert everyone_called["lr_positive"] == 1.0
    assert math.isnan(everyone_called["lr_negative"])
    zero_spec = diagnostic_summary(3, 10, 2, 0)  # spec 0 and sens < 1: LR− infinite
    assert zero_spec["lr_negative"] == math.inf

    assert likelihood_ratios(0.9, 1.0) == (math.inf, pytest.approx(0.1))
    assert math.isnan(likelihood_ratios(0.0, 1.0)[0])
    assert all(math.isnan(v) for v in likelihood_ratios(float("nan"), 0.9))
    lr_pos, lr_neg = likelihood_ratios(np.array([0.9, 0.8]), np.array([0.95, 1.0]))
    np.testing.assert_allclose(lr_pos, [18.0, np.inf])
    np.testing.assert_allclose(lr_neg, [0.1 / 0.95, 0.2])


def test_expected_fractional_counts_are_accepted():
    out = diagnostic_summary(7.2, 49.6, 0.8, 942.4)
    assert out["sensitivity"] == pytest.approx(0.9)
    assert out["specificity"] == pytest.approx(0.95)


@pytest.mark.parametrize(
    "counts", [(-1, 0, 0, 0), (0, 0, -5, 1), (1, float("nan"), 1, 1), (1, 1, math.inf, 1),
               (True, 1, 1, 1), ("3", 1, 1, 1)]
)
def test_bad_counts_raise(counts):
    with pytest.raises(ValueError):
        diagnostic_summary(*counts)


# ---------------------------------------------------------------------------------------------
# Bayes, natural frequencies and the per-10,000 table
# ---------------------------------------------------------------------------------------------
REFERENCE_ROWS = [
    # prevalence, PPV (4 dp), TP / FP / FN per 10,000, recalls per 1,000, FP per cancer found
    (0.008, 0.1268, (72, 496, 8), 56.8, 6.9),
    (0.01, 0.1538, (90, 495, 10), 58.5, 5.5),
    (0.05, 0.4865, (450, 475, 50), 92.5, 1.06),
    (0.30, 0.8852, (2700, 350, 300), 305.0, 0.13),
]


@pytest.mark.parametrize(("prev", "ppv", "per_10000", "recalls", "fp_per_cancer"),
                         REFERENCE_ROWS)
def test_syllabus_reference_table(prev, ppv, per_10000, recalls, fp_per_cancer):
    got_ppv, got_npv = predictive_values(0.9, 0.95, prev)
    assert round(got_ppv, 4) == ppv
    people = natural_frequencies(0.9, 0.95, prev, population=10_000)
    assert (people["tp"], people["fp"], people["fn"]) == per_10000
    assert sum(people[k] for k in ("tp", "fp", "fn", "tn")) == 10_000
    # the counts agree with the Bayes PPV (these rows need no rounding)
    assert people["tp"] / (people["tp"] + people["fp"]) == pytest.approx(got_ppv)
    assert diagnostic_summary(*(people[k] for k in ("tp", "fp", "fn", "tn")))["npv"] == \
        pytest.approx(got_npv)
    assert recalls_per_1000(0.9, 0.95, prev) == pytest.approx(recalls)
    digits = 1 if fp_per_cancer > 2 else 2
    assert round(false_positives_per_cancer_found(0.9, 0.95, prev), digits) == fp_per_cancer
    assert false_positives_per_cancer_found(0.9, 0.95, prev) == pytest.approx(1 / got_ppv - 1)


def test_other_operating_points_from_syllabus():
    ppv, _ = predictive_values(0.85, 0.97, 0.008)
    assert round(100 * ppv, 1) == 18.6
    assert round(recalls_per_1000(0.85, 0.97, 0.008), 1) == 36.6
    assert natural_frequencies(0.85, 0.97, 0.008, 10_000)["fn"] == 12
    ppv, _ = predictive_values(0.95, 0.90, 0.008)
    assert round(100 * ppv, 1) == 7.1
    assert round(recalls_per_1000(0.95, 0.90, 0.008), 1) == 106.8
    assert round(false_positives_per_cancer_found(0.95, 0.90, 0.008)) == 13
    assert natural_frequencies(0.95, 0.90, 0.008, 10_000)["fn"] == 4


def test_natural_frequencies_per_1000_reference():
    people = natural_frequencies(0.90, 0.95, 0.008)
    assert people == {"population": 1000, "with_condition": 8, "without_condition": 992,
                      "tp": 7, "fn": 1, "fp": 50, "tn": 942}
    assert all(type(v) is int for v in people.values())


def test_natural_frequencies_round_half_up_and_keep_totals():
    assert natural_frequencies(0.5, 0.5, 0.0025, 1000)["with_condition"] == 3  # 2.5 -> 3
    assert natural_frequencies(0.5, 0.5, 0.5, 5)["with_condition"] == 3  # 2.5 -> 3
    assert natural_frequencies(0.5, 1.0, 0.006, 1000)["tp"] == 3  # 6 x 0.5 = 3
    assert natural_frequencies(0.5, 1.0, 0.005, 1000)["tp"] == 3  # 5 x 0.5 = 2.5 -> 3
    rng = np.random.default_rng(7)
    for _ in range(500):
        sens, spec, prev = rng.random(3)
        population = int(rng.choice([1, 7, 100, 1000, 10_000]))
        p = natural_frequencies(sens, spec, prev, population)
        assert p["tp"] + p["fn"] + p["fp"] + p["tn"] == population
        assert p["tp"] + p["fn"] == p["with_condition"] == math.floor(prev * population + 0.5)
        assert min(p.values()) >= 0
        assert abs(p["tp"] - sens * p["with_condition"]) <= 0.5 + 1e-9
        assert abs(p["fp"] - (1 - spec) * p["without_condition"]) <= 0.5 + 1e-9


@pytest.mark.parametrize(
    "args", [(1.1, 0.9, 0.01), (0.9, -0.1, 0.01), (0.9, 0.9, 2), (float("nan"), 0.9, 0.01),
             (0.9, 0.9, 0.01, 0), (0.9, 0.9, 0.01, 10.5), (0.9, 0.9, 0.01, True),
             (np.array([0.9]), 0.9, 0.01)]
)
def test_natural_frequencies_rejects_bad_input(args):
    with pytest.raises(ValueError):
        natural_frequencies(*args)


def test_predictive_values_prevalence_zero_and_one():
    assert predictive_values(0.9, 0.95, 0.0) == (0.0, 1.0)
    assert predictive_values(0.9, 0.95, 1.0) == (1.0, 0.0)
    ppv, npv = predictive_values(0.9, 1.0, 0.0)  # nobody positive and nobody called positive
    assert math.isnan(ppv) and npv == 1.0
    ppv, npv = predictive_values(0.0, 0.95, 1.0)  # nobody without, nobody called positive
    assert math.isnan(ppv) and npv == 0.0
    ppv, npv = predictive_values(1.0, 0.0, 0.5)
    assert ppv == 0.5 and math.isnan(npv)
    assert all(math.isnan(v) for v in predictive_values(float("nan"), 0.9, 0.1))
    assert all(type(v) is float for v in predictive_values(0.9, 0.95, 0.01))


def test_predictive_values_vectorised_and_monotone():
    grid = np.linspace(0, 1, 50)
    ppv, npv = predictive_values(0.9, 0.95, grid)
    assert ppv.shape == npv.shape == (50,)
    assert np.all(np.diff(ppv) >= 0) and np.all(np.diff(npv) <= 0)
    for i in (0, 13, 49):
        assert ppv[i] == pytest.approx(predictive_values(0.9, 0.95, grid[i])[0])
    sens = np.array([0.8, 0.9])[:, None]
    ppv2, _ = predictive_values(sens, 0.95, np.array([0.01, 0.1, 0.5]))
    assert ppv2.shape == (2, 3)


@pytest.mark.parametrize("args", [(1.5, 0.9, 0.1), (0.9, 0.9, -0.01), (0.9, [0.5, 1.2], 0.1),
                                  ("high", 0.9, 0.1)])
def test_rates_outside_zero_one_raise(args):
    for fn in (predictive_values, recalls_per_1000, false_positives_per_cancer_found):
        with pytest.raises(ValueError):
            fn(*args)


def test_false_positives_per_cancer_found_edges():
    assert false_positives_per_cancer_found(0.9, 0.95, 0.0) == math.inf
    assert false_positives_per_cancer_found(0.0, 0.95, 0.1) == math.inf
    assert math.isnan(false_positives_per_cancer_found(0.0, 1.0, 0.1))
    assert false_positives_per_cancer_found(0.9, 1.0, 0.1) == 0.0
    assert recalls_per_1000(1.0, 0.0, 0.3) == pytest.approx(1000.0)


# ---------------------------------------------------------------------------------------------
# Wilson interval
# ---------------------------------------------------------------------------------------------
def test_wilson_reference_45_of_50():
    low, high = wilson_interval(45, 50)
    assert low == pytest.approx(0.7864, abs=1e-4) and high == pytest.approx(0.9565, abs=1e-4)


@pytest.mark.parametrize("n", [1, 2, 7, 50, 139, 1000])
@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
def test_wilson_matches_scipy_binomtest(n, confidence):
    for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
        expected = binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
        low, high = wilson_interval(k, n, confidence)
        assert low == pytest.approx(expected.low, abs=1e-12)
        assert high == pytest.approx(expected.high, abs=1e-12)
        assert 0.0 <= low <= k / n <= high <= 1.0


def test_wilson_edges():
    assert wilson_interval(0, 20)[0] == 0.0
    assert wilson_interval(20, 20)[1] == 1.0
    assert all(math.isnan(v) for v in wilson_interval(0, 0))
    assert wilson_interval(np.int64(45), 50.0) == wilson_interval(45, 50)
    narrow, wide = wilson_interval(45, 50, 0.8), wilson_interval(45, 50, 0.99)
    assert wide[0] < narrow[0] and narrow[1] < wide[1]


@pytest.mark.parametrize(
    "args", [(-1, 10), (11, 10), (5, -1), (4.5, 10), (5, 10, 0.0), (5, 10, 1.0), (5, 10, 95),
             (float("nan"), 10), (True, 10)]
)
def test_wilson_rejects_bad_input(args):
    with pytest.raises(ValueError):
        wilson_interval(*args)


# ---------------------------------------------------------------------------------------------
# Binormal model
# ---------------------------------------------------------------------------------------------
def test_binormal_reference_numbers():
    assert round(binormal_auc(2.0), 4) == 0.9214
    sens, spec = binormal_rates(1.0, 2.0)
    assert round(sens, 4) == round(spec, 4) == 0.8413
    assert binormal_auc(0.0) == pytest.approx(0.5)


def test_binormal_roc_area_and_sampled_check():
    fpr, tpr, thresholds = binormal_roc(2.0, n_points=2001)
    assert np.all(np.diff(thresholds) < 0)
    assert np.trapezoid(tpr, fpr) == pytest.approx(binormal_auc(2.0), abs=1e-5)
    assert fpr[0] < 1e-8 and tpr[-1] > 1 - 1e-8
    rng = np.random.default_rng(3)
    y = np.repeat([0, 1], 200_000)
    s = rng.normal(2.0 * y, 1.0)
    assert roc_auc_score(y, s) == pytest.approx(binormal_auc(2.0), abs=0.003)
    sens, spec = binormal_rates(np.array([0.0, 1.0, 2.5]), 2.0)
    tp, fp, fn, tn = OperatingTable(y, s).counts_at_thresholds([0.0, 1.0, 2.5])
    np.testing.assert_allclose(tp / (tp + fn), sens, atol=0.004)
    np.testing.assert_allclose(tn / (tn + fp), spec, atol=0.004)


@pytest.mark.parametrize("bad", [float("nan"), math.inf, "2", None])
def test_binormal_rejects_bad_d_prime(bad):
    with pytest.raises(ValueError):
        binormal_auc(bad)
    with pytest.raises(ValueError):
        binormal_rates(1.0, bad)


# ---------------------------------------------------------------------------------------------
# OperatingTable
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("decimals", [0, 1, 2, None])
def test_operating_table_equals_confusion_counts_everywhere(seed, decimals):
    y, s = random_data(seed, n=300, decimals=decimals)
    table = OperatingTable(y, s)
    rng = np.random.default_rng(seed + 100)
    unique = np.unique(s)
    mids = (unique[:-1] + unique[1:]) / 2
    candidates = [*unique, *mids, *rng.uniform(s.min() - 1, s.max() + 1, 50),
                  s.min() - 1e-9, s.max() + 1e-9, -np.inf, np.inf, np.nextafter(s.max(), np.inf)]
    for t in candidates:
        got = table.counts_at(t)
        assert got == confusion_counts(y, s, t)
        assert all(type(c) is int for c in got)
    vec = table.counts_at_thresholds(np.array(candidates))
    scalar = np.array([table.counts_at(t) for t in candidates]).T
    np.testing.assert_array_equal(np.array(vec), scalar)


def test_operating_table_agrees_with_sklearn_confusion_matrix_at_thresholds():
    y, s = random_data(11, n=500)
    tns, fps, fns, tps, thresholds = confusion_matrix_at_thresholds(y, s)
    tp, fp, fn, tn = OperatingTable(y, s).counts_at_thresholds(thresholds)
    for ours, theirs in ((tp, tps), (fp, fps), (fn, fns), (tn, tns)):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("seed", range(4))
def test_roc_curve_and_auc_match_sklearn(seed):
    y, s = random_data(seed, n=500, decimals=1)
    table = OperatingTable(y, s)
    fpr, tpr, thresholds = table.roc_curve()
    sk_fpr, sk_tpr, sk_thresholds = roc_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(fpr, sk_fpr)
    np.testing.assert_allclose(tpr, sk_tpr)
    np.testing.assert_array_equal(thresholds, sk_thresholds)
    assert table.auc == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    with pytest.raises(ValueError):
        fpr[0] = 0.5  # cached arrays are read-only


def test_operating_table_attributes_and_summary():
    y, s = random_data(1, n=200)
    table = OperatingTable(y, s)
    assert table.n == 200 and table.n_positive == int(y.sum())
    assert table.n_negative == 200 - int(y.sum()) and table.prevalence == pytest.approx(y.mean())
    assert table.min_score == s.min() and table.max_score == s.max()
    assert table.summary_at(0.5) == diagnostic_summary(*confusion_counts(y, s, 0.5))
    assert "n=200" in repr(table)


def test_all_scores_equal():
    y = [0, 1, 0, 1, 1]
    s = [0.3] * 5
    table = OperatingTable(y, s)
    for t in (0.2, 0.3, 0.4):
        assert table.counts_at(t) == confusion_counts(y, s, t)
    assert table.counts_at(0.3) == (3, 2, 0, 0)
    assert table.counts_at(0.31) == (0, 0, 3, 2)
    fpr, tpr, _ = table.roc_curve()
    np.testing.assert_array_equal(fpr, [0, 1])
    np.testing.assert_array_equal(tpr, [0, 1])
    assert table.auc == pytest.approx(0.5) == roc_auc_score(y, s)


def test_operating_table_without_positives_or_negatives():
    none_positive = OperatingTable([0, 0, 0], [0.1, 0.5, 0.9])
    assert none_positive.counts_at(0.5) == (0, 2, 0, 1)
    assert math.isnan(none_positive.auc)
    assert np.all(np.isnan(none_positive.roc_curve()[1]))
    assert math.isnan(none_positive.summary_at(0.5)["sensitivity"])
    none_negative = OperatingTable([True, True], [0.1, 0.9])
    assert none_negative.counts_at(0.5) == (1, 0, 1, 0)
    assert math.isnan(none_negative.auc)
    assert np.all(np.isnan(none_negative.roc_curve()[0]))


def test_operating_table_validates_like_confusion_counts():
    with pytest.raises(ValueError, match="3 NaN values"):
        OperatingTable([0, 1, 0, 1], [np.nan, np.nan, np.nan, 0.2])
    with pytest.raises(ValueError, match="empty"):
        OperatingTable([], [])
    table = OperatingTable([0, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="NaN"):
        table.counts_at(float("nan"))
    with pytest.raises(ValueError, match="NaN"):
        table.counts_at_thresholds([0.1, np.nan])


def test_infinite_scores_are_allowed():
    y, s = [0, 1, 1], [-np.inf, 0.0, np.inf]
    table = OperatingTable(y, s)
    for t in (-np.inf, 0.0, 1.0, np.inf):
        assert table.counts_at(t) == confusion_counts(y, s, t)
