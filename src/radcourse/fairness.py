"""Subgroup performance and fairness: metrics by group, gaps, flags, thresholds and calibration.

Layer 1 of the course's three-layer widgets (STYLE.md): pure functions, a data frame in and numbers
out, no ipywidgets. Module C (bias, fairness and generalisability) uses them in the bias explorer
(C-Ex1) and the calibration exercise (C-Ex4). Every figure is validated against fairlearn's
``MetricFrame`` and scikit-learn in ``tests/unit/test_fairness.py``; fairlearn itself is a test-only
dependency and is never imported here. The public names are fixed: assessments and lecturer
materials import them.

* :func:`subgroup_metrics` — n, positives, sensitivity, specificity, PPV and selection rate per
  group, each with a Wilson interval.
* :func:`flag_gaps` — which groups fall short of the best group by more than a tolerance *and*
  whose interval does not overlap the best group's: the rule that stops small groups being
  over-read.
* :func:`equal_opportunity_difference`, :func:`equalised_odds_difference`,
  :func:`demographic_parity_difference` — one-number summaries of the gaps.
* :func:`per_group_thresholds` — each group's highest threshold that reaches a target sensitivity;
  :func:`threshold_trade_offs` — what those thresholds cost in specificity and recalls.
* :func:`calibration_by_group` — calibration curves, Brier score, mean score against observed
  prevalence and the calibration intercept, per group.
* :class:`GroupedOperatingTables` — one :class:`~radcourse.metrics.OperatingTable` per group,
  built once, so that a new threshold costs one binary search per group (the widgets use it).

Conventions are those of :mod:`radcourse.metrics`: a score *greater than or equal to* the threshold
is a positive call (the study is flagged, or "recalled"); labels are 1 (has the condition) or 0; a
quantity whose formula is 0/0 (sensitivity in a group with no positives) is ``nan``, never an
error. Bad input raises ``ValueError`` with a message that names the problem.

Groups are listed in category order when the group column is categorical (observed groups only),
otherwise in sorted order. Rows whose group is missing are an error: say which group they belong
to, or drop them, before comparing groups.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from radcourse._frames import group_order as _group_order
from radcourse.metrics import OperatingTable, confusion_counts, wilson_interval

__all__ = [
    "COLUMNS",
    "METRICS",
    "CalibrationByGroup",
    "GroupedOperatingTables",
    "calibration_by_group",
    "demographic_parity_difference",
    "equal_opportunity_difference",
    "equalised_odds_difference",
    "flag_gaps",
    "per_group_thresholds",
    "subgroup_metrics",
    "threshold_trade_offs",
]

#: The rates that :func:`subgroup_metrics` reports with a Wilson interval: name -> (numerator,
#: denominator) in terms of the confusion counts and ``n``.
METRICS: dict[str, tuple[str, str]] = {
    "sensitivity": ("tp", "n_positive"),
    "specificity": ("tn", "n_negative"),
    "ppv": ("tp", "called"),
    "selection_rate": ("called", "n"),
}

COLUMNS = (
    "threshold", "n", "n_positive", "n_negative", "prevalence", "tp", "fp", "fn", "tn",
    *(f"{m}{suffix}" for m in METRICS for suffix in ("", "_low", "_high")),
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Input checking
# --------------------------------------------------------------------------------------------
def _check_frame(frame, group_col: str, label_col: str, score_col: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"frame must be a pandas DataFrame, not {type(frame).__name__}")
    missing = [c for c in dict.fromkeys((group_col, label_col, score_col)) if c not in frame]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        raise ValueError(
            f"column{'s' if len(missing) > 1 else ''} {names} not in the frame; it has: "
            f"{', '.join(map(str, frame.columns))}"
        )
    if len(frame) == 0:
        raise ValueError("the frame is empty: there are no cases to compare across groups")
    n_missing = int(frame[group_col].isna().sum())
    if n_missing:
        raise ValueError(
            f"group column {group_col!r} has {n_missing} missing value"
            f"{'s' if n_missing != 1 else ''}; give every case a group (or drop those rows) "
            "before comparing groups"
        )


def _validate_pair(frame, label_col: str, score_col: str, *, table: bool = False):
    """``(labels, scores, overall)``: arrays checked by radcourse.metrics (0/1 labels, no NaN
    scores), and the whole frame's OperatingTable when ``table`` is true (else None)."""
    y, s = frame[label_col].to_numpy(), frame[score_col].to_numpy()
    try:
        overall = OperatingTable(y, s) if table else None
        if not table:
            confusion_counts(y, s, 0.0)  # the metrics core's checks, in one pass without a sort
    except ValueError as exc:
        raise ValueError(f"{exc} (columns {label_col!r} and {score_col!r})") from None
    return y, s, overall





def _group_positions(column: pd.Series, groups: list) -> list[np.ndarray]:
    """Row positions of each group, in the order of ``groups`` (one pass over the column)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        values, labels = column.cat.codes.to_numpy(), column.cat.categories
    else:
        values, labels = pd.factorize(column)
    codes = pd.Index(groups).get_indexer(labels)[values]
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(groups) + 1))
    return [order[bounds[i] : bounds[i + 1]] for i in range(len(groups))]


def _as_threshold_value(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real | np.number):
        raise ValueError(f"{what} must be a number, not {value!r}")
    t = float(value)
    if math.isnan(t):
        raise ValueError(f"{what} is NaN; choose a number")
    return t


def _thresholds_for(groups: pd.Index, threshold) -> np.ndarray:
    """One threshold per group: a single number for everyone, or a mapping group -> threshold."""
    if isinstance(threshold, pd.Series | Mapping):
        lookup = threshold.to_dict() if isinstance(threshold, pd.Series) else threshold
        missing = [g for g in groups if g not in lookup]
        if missing:
            raise ValueError(
                f"threshold has no value for group{'s' if len(missing) > 1 else ''} "
                f"{', '.join(map(repr, missing))}"
            )
        return np.array([_as_threshold_value(lookup[g], f"threshold for group {g!r}")
                         for g in groups], dtype=np.float64)
    t = _as_threshold_value(threshold, "threshold")
    return np.full(len(groups), t)


def _as_proportion(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real | np.number) or not (
        0.0 <= float(value) <= 1.0
    ):
        raise ValueError(f"{what} must be a proportion from 0 to 1, not {value!r}")
    return float(value)


# --------------------------------------------------------------------------------------------
# Metrics by group
# --------------------------------------------------------------------------------------------
def _metrics_frame(groups: pd.Index, thresholds, tp, fp, fn, tn, confidence: float):
    """The table of :func:`subgroup_metrics` from per-group counts (arrays in group order)."""
    tp, fp, fn, tn = (np.asarray(a, dtype=np.int64) for a in (tp, fp, fn, tn))
    n_pos, n_neg = tp + fn, fp + tn
    counts = {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "n_positive": n_pos, "n_negative": n_neg,
              "called": tp + fp, "n": n_pos + n_neg}
    data: dict[str, object] = {
        "threshold": np.asarray(thresholds, dtype=np.float64),
        "n": counts["n"],
        "n_positive": n_pos,
        "n_negative": n_neg,
        "prevalence": n_pos / counts["n"],
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
    }  # fmt: skip
    for metric, (num, den) in METRICS.items():
        k, m = counts[num].tolist(), counts[den].tolist()
        # the point estimate k/m (0/0 is nan, the convention of radcourse.metrics) and its
        # Wilson interval (which is (nan, nan) when m is 0)
        intervals = [wilson_interval(ki, mi, confidence) for ki, mi in zip(k, m, strict=True)]
        data[metric] = np.array([ki / mi if mi else math.nan for ki, mi in zip(k, m, strict=True)],
                                dtype=np.float64)
        data[f"{metric}_low"] = np.array([lo for lo, _ in intervals], dtype=np.float64)
        data[f"{metric}_high"] = np.array([hi for _, hi in intervals], dtype=np.float64)
    return pd.DataFrame(data, index=groups, columns=list(COLUMNS))


def subgroup_metrics(
    frame: pd.DataFrame,
    group_col: str,
    threshold,
    *,
    label_col: str = "label",
    score_col: str = "ai_score",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Accuracy of the AI in each group at ``threshold``, with Wilson intervals.

    ``threshold`` is one number for everyone, or a mapping (dict or Series) from each group to its
    own threshold (see :func:`per_group_thresholds`). Returns a DataFrame indexed by group (index
    name ``group_col``; observed groups, in category order for a categorical column, else sorted)
    with the columns:

    * ``threshold``; ``n`` cases, ``n_positive`` with the condition, ``n_negative`` without,
      ``prevalence``; the confusion counts ``tp, fp, fn, tn``;
    * ``sensitivity`` (tp / n_positive), ``specificity`` (tn / n_negative), ``ppv``
      (tp / positive calls) and ``selection_rate`` (positive calls / n: the share flagged), each
      with ``<metric>_low`` and ``<metric>_high``, the Wilson interval at ``confidence``
      (:func:`radcourse.metrics.wilson_interval`).

    A group with no positives has ``nan`` sensitivity (and interval): it is undefined, not an error;
    likewise specificity with no negatives and PPV with no positive calls.

    Computed from scratch, one :func:`radcourse.metrics.confusion_counts` per group. For many
    thresholds on the same data use :class:`GroupedOperatingTables`, which gives the same table.
    Raises ValueError for an empty frame, a missing column (named), missing groups, labels other
    than 0/1, NaN labels or scores, or a NaN threshold.
    """
    _check_frame(frame, group_col, label_col, score_col)
    y, s, _ = _validate_pair(frame, label_col, score_col)
    groups = _group_order(frame[group_col])
    index = pd.Index(groups, name=group_col)
    thresholds = _thresholds_for(index, threshold)
    counts = [confusion_counts(y[rows], s[rows], t)
              for rows, t in zip(_group_positions(frame[group_col], groups), thresholds,
                                 strict=True)]
    tp, fp, fn, tn = (np.array(c, dtype=np.int64) for c in zip(*counts, strict=True))
    return _metrics_frame(index, thresholds, tp, fp, fn, tn, confidence)


class GroupedOperatingTables:
    """One :class:`~radcourse.metrics.OperatingTable` per group, built once from a frame.

    Each group's scores are sorted once and its cumulative counts of positives stored, so that the
    metrics at any threshold cost one binary search per group -- never a pass over the data. This
    is what the bias explorer keeps (one instance per grouping column) while a learner moves a
    slider.

    Attributes: ``group_col``, ``label_col``, ``score_col``; ``groups`` (a ``pandas.Index`` named
    ``group_col``, in the order of :func:`subgroup_metrics`); ``tables`` (group -> OperatingTable);
    ``overall`` (the OperatingTable of the whole frame); ``n`` and ``n_positive`` (int arrays in
    group order).

    >>> frame = pd.DataFrame({"site": list("aabb"), "label": [0, 1, 0, 1],
    ...                       "ai_score": [0.2, 0.7, 0.6, 0.4]})
    >>> tables = GroupedOperatingTables(frame, "site")
    >>> tables.metrics_at(0.5)["sensitivity"].tolist()
    [1.0, 0.0]
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        group_col: str,
        *,
        label_col: str = "label",
        score_col: str = "ai_score",
    ):
        _check_frame(frame, group_col, label_col, score_col)
        y, s, overall = _validate_pair(frame, label_col, score_col, table=True)
        groups = _group_order(frame[group_col])
        self.group_col, self.label_col, self.score_col = group_col, label_col, score_col
        self.groups = pd.Index(groups, name=group_col)
        self.tables: dict = {
            g: OperatingTable(y[rows], s[rows])
            for g, rows in zip(groups, _group_positions(frame[group_col], groups), strict=True)
        }
        self._tables = list(self.tables.values())
        self.overall = overall
        self.n = np.array([t.n for t in self._tables], dtype=np.int64)
        self.n_positive = np.array([t.n_positive for t in self._tables], dtype=np.int64)

    def __repr__(self) -> str:
        return (f"GroupedOperatingTables({self.group_col!r}: {len(self.groups)} groups, "
                f"n={self.overall.n})")

    def counts_at(self, threshold) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(tp, fp, fn, tn)`` as int64 arrays in group order; ``threshold`` as in
        :func:`subgroup_metrics` (one number, or a mapping group -> threshold)."""
        thresholds = _thresholds_for(self.groups, threshold)
        counts = [table.counts_at(t) for table, t in zip(self._tables, thresholds, strict=True)]
        return tuple(np.array(c, dtype=np.int64) for c in zip(*counts, strict=True))

    def metrics_at(self, threshold, confidence: float = 0.95) -> pd.DataFrame:
        """The table of :func:`subgroup_metrics` at ``threshold`` (identical, from the tables)."""
        thresholds = _thresholds_for(self.groups, threshold)
        counts = [table.counts_at(t) for table, t in zip(self._tables, thresholds, strict=True)]
        tp, fp, fn, tn = zip(*counts, strict=True)
        return _metrics_frame(self.groups, thresholds, tp, fp, fn, tn, confidence)

    def thresholds_for_sensitivity(self, target_sensitivity) -> pd.Series:
        """:func:`per_group_thresholds` from the tables (each group's ROC points, computed once
        and cached, then one binary search per group)."""
        target = _as_proportion(target_sensitivity, "target_sensitivity")
        out = np.full(len(self.groups), np.nan)
        for i, table in enumerate(self._tables):
            if table.n_positive == 0:
                continue  # sensitivity is undefined: no threshold can reach a target
            _, tpr, thresholds = table.roc_curve()  # thresholds descending, tpr non-decreasing
            # first (highest) threshold whose sensitivity reaches the target; index 0 is +inf
            k = max(int(np.searchsorted(tpr, target, side="left")), 1)
            out[i] = thresholds[k]
        return pd.Series(out, index=self.groups.copy(), name="threshold")


def per_group_thresholds(
    frame: pd.DataFrame,
    group_col: str,
    target_sensitivity: float,
    *,
    label_col: str = "label",
    score_col: str = "ai_score",
) -> pd.Series:
    """For each group, the highest threshold at which its sensitivity is at least the target.

    The threshold is always a score that occurs in that group: lowering it any further adds
    positive calls (and false positives) without being needed to reach the target; the next higher
    score in the group gives a sensitivity below the target. ``target_sensitivity`` is a
    proportion from 0 to 1 (0.9, not 90).

    Returns a ``pandas.Series`` (index: the groups, as in :func:`subgroup_metrics`; name
    ``"threshold"``); use ``dict(result)`` for a plain dict. A group with **no positives** gets
    ``nan``: its sensitivity is undefined at every threshold, so no threshold can be tuned for it
    (the bias explorer then keeps the single threshold for that group and says so).

    Uses :class:`GroupedOperatingTables`: each group's scores are sorted once and the sensitivity
    at every distinct score is read from cumulative counts; the search is a binary search, not a
    loop over candidate thresholds.
    """
    tables = GroupedOperatingTables(frame, group_col, label_col=label_col, score_col=score_col)
    return tables.thresholds_for_sensitivity(target_sensitivity)


def threshold_trade_offs(single: pd.DataFrame, tuned: pd.DataFrame) -> pd.DataFrame:
    """What moving from one threshold for everyone to per-group thresholds costs, per group.

    ``single`` and ``tuned`` are tables from :func:`subgroup_metrics` (or
    :meth:`GroupedOperatingTables.metrics_at`) for the same groups: at the single threshold and at
    the per-group thresholds. Returns a DataFrame indexed by group with, for each of ``single`` and
    ``tuned``: ``threshold``, ``sensitivity``, ``specificity``, ``recalls_per_1000`` (positive
    calls -- studies flagged or recalled -- per 1,000 cases in the group) and
    ``false_positives_per_1000``; then ``extra_recalls_per_1000`` and
    ``extra_false_positives_per_1000`` (tuned minus single; negative means fewer).
    """
    for name, table in (("single", single), ("tuned", tuned)):
        if not isinstance(table, pd.DataFrame) or not {"threshold", "n", "tp", "fp"} <= set(
            table.columns
        ):
            raise ValueError(f"{name} must be a table from subgroup_metrics")
    if not single.index.equals(tuned.index):
        raise ValueError("single and tuned must list the same groups in the same order")
    out = {}
    for name, table in (("single", single), ("tuned", tuned)):
        n = table["n"].to_numpy(dtype=np.float64)
        out[f"threshold_{name}"] = table["threshold"].to_numpy()
        out[f"sensitivity_{name}"] = table["sensitivity"].to_numpy()
        out[f"specificity_{name}"] = table["specificity"].to_numpy()
        out[f"recalls_per_1000_{name}"] = 1000.0 * (table["tp"] + table["fp"]).to_numpy() / n
        out[f"false_positives_per_1000_{name}"] = 1000.0 * table["fp"].to_numpy() / n
    out["extra_recalls_per_1000"] = out["recalls_per_1000_tuned"] - out["recalls_per_1000_single"]
    out["extra_false_positives_per_1000"] = (
        out["false_positives_per_1000_tuned"] - out["false_positives_per_1000_single"]
    )
    return pd.DataFrame(out, index=single.index.copy())


# --------------------------------------------------------------------------------------------
# Gaps and flags
# --------------------------------------------------------------------------------------------
def flag_gaps(metrics_frame: pd.DataFrame, metric: str, tolerance: float) -> pd.DataFrame:
    """Flag the groups whose ``metric`` is clearly below the best group's.

    The *reference* group is the one with the highest value of ``metric`` (the first, if several
    tie). A group is **flagged** only when both hold:

    1. its gap from the reference (reference value − its value) is *more than* ``tolerance``
       (a proportion: 0.05 is 5 percentage points); and
    2. its interval (``<metric>_low`` to ``<metric>_high``) does not overlap the reference group's.

    Rule 2 stops a small group being over-read: a gap that its wide interval can explain is not
    flagged, however large it looks. (Non-overlapping 95% intervals are a conservative screen, not
    a formal test: two groups can differ significantly even when their intervals overlap.) When
    the frame has no interval columns for ``metric``, only rule 1 applies.

    For ``selection_rate`` "best" simply means "highest"; a gap there is a difference in workload
    or access, which may or may not be unfair. Groups whose value is undefined (``nan``) are never
    flagged and have a ``nan`` gap.

    Returns a DataFrame with the same index and the columns ``value``, ``low``, ``high``,
    ``reference`` (bool), ``gap``, ``exceeds_tolerance``, ``intervals_overlap`` and ``flagged``
    (bools). The flagged groups are ``result.index[result["flagged"]]``.
    """
    if not isinstance(metrics_frame, pd.DataFrame):
        raise ValueError("metrics_frame must be a DataFrame from subgroup_metrics")
    if metric not in metrics_frame.columns:
        raise ValueError(f"metric {metric!r} is not a column of the frame; choose one of: "
                         f"{', '.join(c for c in METRICS if c in metrics_frame.columns)}")
    if isinstance(tolerance, bool) or not isinstance(tolerance, Real | np.number) or not (
        math.isfinite(float(tolerance)) and float(tolerance) >= 0
    ):
        raise ValueError(
            f"tolerance must be a number of at least 0 (a proportion: 0.05 is 5 percentage "
            f"points), not {tolerance!r}"
        )
    value = metrics_frame[metric].to_numpy(dtype=np.float64)
    has_ci = f"{metric}_low" in metrics_frame and f"{metric}_high" in metrics_frame
    low = metrics_frame[f"{metric}_low"].to_numpy(dtype=np.float64) if has_ci else value.copy()
    high = metrics_frame[f"{metric}_high"].to_numpy(dtype=np.float64) if has_ci else value.copy()
    defined = ~np.isnan(value)
    reference = np.zeros(len(value), dtype=bool)
    gap = np.full(len(value), np.nan)
    overlap = np.ones(len(value), dtype=bool)
    if defined.any():
        best = int(np.flatnonzero(defined)[np.argmax(value[defined])])
        reference[best] = True
        gap[defined] = value[best] - value[defined]
        if has_ci:
            overlap = (low <= high[best]) & (low[best] <= high)
            overlap |= ~defined | np.isnan(low) | np.isnan(high)
    exceeds = defined & (gap > float(tolerance))
    flagged = exceeds & ~overlap if has_ci else exceeds
    return pd.DataFrame(
        {"value": value, "low": low, "high": high, "reference": reference, "gap": gap,
         "exceeds_tolerance": exceeds, "intervals_overlap": overlap, "flagged": flagged},
        index=metrics_frame.index.copy(),
    )


def _gap(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(values.max() - values.min()) if values.size else math.nan


def equal_opportunity_difference(
    frame: pd.DataFrame,
    group_col: str,
    threshold,
    *,
    label_col: str = "label",
    score_col: str = "ai_score",
) -> float:
    """Equal opportunity difference: max − min sensitivity (true-positive rate) across groups.

    Only groups with at least one positive count (sensitivity is undefined without); ``nan`` when
    no group has a positive. 0 means every group's cases with the condition are equally likely to
    be flagged. ``threshold`` as in :func:`subgroup_metrics`.
    """
    table = subgroup_metrics(frame, group_col, threshold, label_col=label_col,
                             score_col=score_col)
    return _gap(table["sensitivity"].to_numpy())


def equalised_odds_difference(
    frame: pd.DataFrame,
    group_col: str,
    threshold,
    *,
    label_col: str = "label",
    score_col: str = "ai_score",
) -> float:
    """Equalised odds difference: the larger of the sensitivity (true-positive rate) gap and the
    false-positive rate gap across groups (max − min of each).

    As ``fairlearn.metrics.equalized_odds_difference`` with its default ``agg="worst_case"``.
    Groups with no positives are left out of the TPR gap, groups with no negatives out of the FPR
    gap. 0 means the AI makes errors at equal rates in every group.
    """
    table = subgroup_metrics(frame, group_col, threshold, label_col=label_col,
                             score_col=score_col)
    tpr_gap = _gap(table["sensitivity"].to_numpy())
    fpr_gap = _gap(1.0 - table["specificity"].to_numpy())
    gaps = [g for g in (tpr_gap, fpr_gap) if not math.isnan(g)]
    return max(gaps) if gaps else math.nan


def demographic_parity_difference(
    frame: pd.DataFrame,
    group_col: str,
    threshold,
    *,
    label_col: str = "label",
    score_col: str = "ai_score",
) -> float:
    """Demographic parity difference: max − min selection rate (share of cases flagged) across
    groups, whatever their labels. As ``fairlearn.metrics.demographic_parity_difference``.

    Groups with different prevalence *should* often have different selection rates, so a gap here
    is a prompt to ask why, not proof of unfairness.
    """
    table = subgroup_metrics(frame, group_col, threshold, label_col=label_col,
                             score_col=score_col)
    return _gap(table["selection_rate"].to_numpy())


# --------------------------------------------------------------------------------------------
# Calibration
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CalibrationByGroup:
    """Result of :func:`calibration_by_group`.

    ``summary``: DataFrame indexed by group with ``n``, ``n_positive``, ``mean_score``,
    ``observed_prevalence``, ``observed_to_expected`` (observed prevalence ÷ mean score),
    ``calibration_intercept`` and ``brier_score``.

    ``curves``: long DataFrame with one row per bin and the columns ``<group_col>``, ``bin``
    (0, 1, … for the non-empty bins), ``mean_predicted`` and ``fraction_positive`` -- the two
    arrays of ``sklearn.calibration.calibration_curve`` for that group.
    """

    summary: pd.DataFrame
    curves: pd.DataFrame

    def curve(self, group) -> tuple[np.ndarray, np.ndarray]:
        """``(mean_predicted, fraction_positive)`` of one group, as calibration_curve returns
        ``(prob_pred, prob_true)`` reversed into plotting order (x, y)."""
        rows = self.curves[self.curves.iloc[:, 0] == group]
        if rows.empty:
            raise ValueError(f"no calibration curve for group {group!r}")
        return rows["mean_predicted"].to_numpy(), rows["fraction_positive"].to_numpy()


def _calibration_intercept(y: np.ndarray, s: np.ndarray) -> float:
    """The shift ``a`` (log-odds) for which mean(expit(a + logit(s))) equals the prevalence."""
    from scipy.optimize import brentq
    from scipy.special import expit, logit

    prevalence = float(np.mean(y))
    if prevalence in (0.0, 1.0):
        return math.nan
    z = logit(np.clip(s, 1e-12, 1 - 1e-12))
    return float(brentq(lambda a: float(np.mean(expit(a + z))) - prevalence, -50.0, 50.0,
                        xtol=1e-12))


def calibration_by_group(
    frame: pd.DataFrame,
    group_col: str,
    n_bins: int = 10,
    strategy: str = "quantile",
    *,
    label_col: str = "label",
    score_col: str = "ai_score",
) -> CalibrationByGroup:
    """Calibration of the score, group by group: does a score of 0.3 mean a 30% risk in each?

    For each group, ``sklearn.calibration.calibration_curve(y, score, n_bins=n_bins,
    strategy=strategy)`` gives the mean score and the observed fraction with the condition in each
    bin (``strategy="quantile"``: bins with equal numbers of cases; ``"uniform"``: equal widths).
    The summary adds, per group:

    * ``mean_score`` against ``observed_prevalence`` (calibration in the large), and their ratio
      ``observed_to_expected`` (above 1: the scores under-state the risk in that group);
    * ``calibration_intercept``: the shift in log-odds that would make the group's mean score equal
      its prevalence (slope fixed at 1) -- positive means the group's scores are too low, the
      amount a local recalibration would add; ``nan`` for a group with only one class;
    * ``brier_score`` (``sklearn.metrics.brier_score_loss``): mean squared error of the score as a
      probability; it also depends on prevalence, so compare it with care across groups.

    Scores must lie in [0, 1]. Returns a :class:`CalibrationByGroup`.
    """
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import brier_score_loss

    if isinstance(n_bins, bool) or not isinstance(n_bins, int | np.integer) or n_bins < 1:
        raise ValueError(f"n_bins must be a whole number of at least 1, not {n_bins!r}")
    if strategy not in ("quantile", "uniform"):
        raise ValueError(f"strategy must be 'quantile' or 'uniform', not {strategy!r}")
    _check_frame(frame, group_col, label_col, score_col)
    y, s, _ = _validate_pair(frame, label_col, score_col)
    s = s.astype(np.float64)
    if s.min() < 0 or s.max() > 1:
        raise ValueError(f"calibration needs scores from 0 to 1 (column {score_col!r} runs from "
                         f"{s.min():g} to {s.max():g})")
    y = y.astype(np.int64)
    groups = _group_order(frame[group_col])
    rows, curves = [], []
    for g, idx in zip(groups, _group_positions(frame[group_col], groups), strict=True):
        yg, sg = y[idx], s[idx]
        prob_true, prob_pred = calibration_curve(yg, sg, n_bins=n_bins, strategy=strategy,
                                                 pos_label=1)
        curves.append(pd.DataFrame({group_col: [g] * len(prob_true),
                                    "bin": np.arange(len(prob_true)),
                                    "mean_predicted": prob_pred, "fraction_positive": prob_true}))
        mean_score, prevalence = float(sg.mean()), float(yg.mean())
        rows.append({
            "n": int(yg.size),
            "n_positive": int(yg.sum()),
            "mean_score": mean_score,
            "observed_prevalence": prevalence,
            "observed_to_expected": prevalence / mean_score if mean_score > 0 else math.nan,
            "calibration_intercept": _calibration_intercept(yg, sg),
            "brier_score": float(brier_score_loss(yg, sg, pos_label=1)),
        })  # fmt: skip
    summary = pd.DataFrame(rows, index=pd.Index(groups, name=group_col))
    return CalibrationByGroup(summary=summary, curves=pd.concat(curves, ignore_index=True))
