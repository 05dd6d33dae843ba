"""Diagnostic-accuracy arithmetic: confusion counts, summary measures, Bayes and intervals.

Layer 1 of the course's three-layer widgets (STYLE.md): pure functions, arrays in and numbers out,
no ipywidgets. Every function here is validated against scikit-learn or scipy in
``tests/unit/test_metrics.py``. The public names are fixed: assessments and lecturer materials
import them.

Conventions used throughout
---------------------------
* **Positive call.** A score *greater than or equal to* the threshold is a positive call (the
  exam is flagged / the client is recalled). Labels are 1 (has the condition) or 0 (does not).
* **Undefined values.** A quantity whose formula is 0/0 (for example sensitivity when there are no
  cases with the condition) is ``float('nan')``; functions never raise for a zero denominator.
* **Infinite ratios.** For the ratios that can have a positive numerator over a zero denominator --
  the likelihood ratios and false positives per cancer found -- the result is ``float('inf')``:
  LR+ is infinite when specificity is exactly 1 and sensitivity is above 0 (a positive result
  happens *only* with the condition). The single rule is: ``x / 0`` is ``inf`` for ``x > 0`` and
  ``nan`` for ``x == 0``; anything computed from a ``nan`` is ``nan``.
* **Screening "recall".** In UK breast screening *recall* means calling a client back for further
  assessment. It is **not** the machine-learning "recall" (which is sensitivity).
  :func:`recalls_per_1000` uses the screening meaning.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

# scipy.special's ndtr/ndtri are the standard normal CDF and its inverse (scipy.stats.norm.cdf and
# .ppf) without importing scipy.stats, which costs a notebook about 0.3 s at start-up.
from scipy.special import ndtr, ndtri

__all__ = [
    "OperatingTable",
    "binormal_auc",
    "binormal_rates",
    "binormal_roc",
    "confusion_counts",
    "diagnostic_summary",
    "false_positives_per_cancer_found",
    "likelihood_ratios",
    "natural_frequencies",
    "predictive_values",
    "recalls_per_1000",
    "wilson_interval",
]

SUMMARY_KEYS = (
    "sensitivity",
    "specificity",
    "ppv",
    "npv",
    "accuracy",
    "prevalence",
    "lr_positive",
    "lr_negative",
)


# --------------------------------------------------------------------------------------------
# Input checking
# --------------------------------------------------------------------------------------------
def _is_missing(value) -> bool:
    return value is None or value is not value or type(value).__name__ == "NAType" or (
        isinstance(value, float) and math.isnan(value)
    )


def _as_labels(y_true, name: str = "y_true") -> np.ndarray:
    """1-D array of 0/1 labels (bool array), or ValueError explaining what is wrong."""
    arr = np.asarray(y_true)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (one label per case), got shape "
                         f"{arr.shape}")
    if arr.dtype == bool:
        return arr
    if arr.dtype.kind in "US":
        raise ValueError(f"{name} must hold the numbers 0 and 1 (or True and False), not text")
    if arr.dtype.kind == "O":
        try:
            # None, float NaN and pandas' NA all count as missing
            arr = np.array([math.nan if _is_missing(v) else v for v in arr], dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} must hold the labels 0 and 1 (or True and False); some values are "
                "not numbers"
            ) from None
    elif arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must hold the labels 0 and 1 (or True and False)")
    if arr.dtype.kind == "f":
        n_nan = int(np.count_nonzero(np.isnan(arr)))
        if n_nan:
            raise ValueError(
                f"{name} contains {n_nan} NaN value{'s' if n_nan != 1 else ''} (missing "
                "labels); every case needs a label of 0 or 1"
            )
    bad = arr[(arr != 0) & (arr != 1)]
    if bad.size:
        shown = ", ".join(repr(v.item()) for v in np.unique(bad)[:5])
        raise ValueError(f"{name} must hold only 0 and 1 (or True and False); found {shown}")
    return arr == 1


def _as_scores(scores, name: str = "scores") -> np.ndarray:
    """1-D float64 array of scores with no NaN (infinite scores are allowed)."""
    arr = np.asarray(scores)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (one score per case), got shape "
                         f"{arr.shape}")
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be numbers") from None
    arr = arr.astype(np.float64, copy=False)
    n_nan = int(np.count_nonzero(np.isnan(arr)))
    if n_nan:
        raise ValueError(
            f"{name} contains {n_nan} NaN value{'s' if n_nan != 1 else ''} (missing scores); "
            "remove those cases or give them a score before computing accuracy"
        )
    return arr


def _as_pair(y_true, scores) -> tuple[np.ndarray, np.ndarray]:
    y = _as_labels(y_true)
    s = _as_scores(scores)
    if y.shape[0] != s.shape[0]:
        raise ValueError(
            f"y_true and scores must have the same length, got {y.shape[0]} labels and "
            f"{s.shape[0]} scores"
        )
    if y.shape[0] == 0:
        raise ValueError("y_true and scores are empty: there are no cases to count")
    return y, s


def _as_threshold(threshold) -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, Real | np.number):
        raise ValueError(f"threshold must be a number, not {threshold!r}")
    t = float(threshold)
    if math.isnan(t):
        raise ValueError("threshold is NaN; choose a number")
    return t


def _as_count(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real | np.number):
        raise ValueError(f"{name} must be a number of people, not {value!r}")
    v = float(value)
    if math.isnan(v) or math.isinf(v):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    if v < 0:
        raise ValueError(f"{name} cannot be negative (got {value!r})")
    return v


def _as_rates(**named):
    """Broadcast rates to arrays, check each is in [0, 1] (NaN passes through as undefined)."""
    arrays = {}
    for name, value in named.items():
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number between 0 and 1, not {value!r}") from None
        outside = (arr < 0) | (arr > 1)
        if np.any(outside):
            shown = arr[outside].ravel()[0]
            raise ValueError(f"{name} must be between 0 and 1 (a proportion), got {shown!r}")
        arrays[name] = arr
    scalar = all(a.ndim == 0 for a in arrays.values())
    return scalar, np.broadcast_arrays(*arrays.values())


def _ratio(num, den):
    """num / den with the module's rule: x/0 is inf for x > 0, 0/0 is nan (arrays or scalars)."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    out = np.where((den == 0) & (num > 0), np.inf, out)
    out = np.where((den == 0) & (num == 0), np.nan, out)
    return out


def _out(scalar: bool, arr):
    return float(arr) if scalar else arr


# --------------------------------------------------------------------------------------------
# Counts and summaries
# --------------------------------------------------------------------------------------------
def confusion_counts(y_true, scores, threshold) -> tuple[int, int, int, int]:
    """Count true positives, false positives, false negatives and true negatives.

    A score ``>= threshold`` is a positive call. ``y_true`` holds 0/1 (or True/False); scores are
    compared as float64. Returns plain Python ints ``(tp, fp, fn, tn)``.

    Raises ValueError for unequal lengths, empty input, labels other than 0/1, NaN labels or NaN
    scores (the message says how many), and a NaN threshold.

    >>> confusion_counts([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.4)
    (1, 1, 1, 1)
    """
    y, s = _as_pair(y_true, scores)
    t = _as_threshold(threshold)
    called = s >= t
    tp = int(np.count_nonzero(called & y))
    fp = int(np.count_nonzero(called & ~y))
    n_pos = int(np.count_nonzero(y))
    return tp, fp, n_pos - tp, (y.shape[0] - n_pos) - fp


def likelihood_ratios(sensitivity, specificity):
    """``(LR+, LR−)`` from sensitivity and specificity; scalars or numpy arrays.

    LR+ = sensitivity / (1 − specificity); LR− = (1 − sensitivity) / specificity. Following the
    module rule, a positive number over zero is ``inf`` (LR+ when specificity is 1 and
    sensitivity > 0; LR− when specificity is 0 and sensitivity < 1) and 0/0 is ``nan``. NaN inputs
    give NaN; values outside [0, 1] raise ValueError.
    """
    scalar, (sens, spec) = _as_rates(sensitivity=sensitivity, specificity=specificity)
    return _out(scalar, _ratio(sens, 1 - spec)), _out(scalar, _ratio(1 - sens, spec))


def diagnostic_summary(tp, fp, fn, tn) -> dict[str, float]:
    """Sensitivity, specificity, PPV, NPV, accuracy, prevalence and likelihood ratios.

    Keys: ``sensitivity, specificity, ppv, npv, accuracy, prevalence, lr_positive, lr_negative``;
    values are Python floats. A value whose denominator is zero is ``nan`` (never an exception):
    sensitivity with no cases with the condition, PPV with no positive calls, and so on. The
    likelihood ratios follow :func:`likelihood_ratios` (``inf`` for a positive number over zero,
    for example LR+ when there are no false positives but some true positives; ``nan`` when the
    sensitivity or specificity they need is undefined).

    Counts are usually whole numbers; expected (fractional) counts are accepted too. Negative or
    NaN counts raise ValueError.

    PPV, NPV and accuracy here are at the prevalence *in these counts*; for another prevalence use
    :func:`predictive_values`.
    """
    tp, fp, fn, tn = (_as_count(v, k) for v, k in ((tp, "tp"), (fp, "fp"), (fn, "fn"),
                                                    (tn, "tn")))
    n = tp + fp + fn + tn
    sens = float(_ratio(tp, tp + fn))
    spec = float(_ratio(tn, tn + fp))
    if math.isnan(sens) or math.isnan(spec):
        lr_pos = lr_neg = math.nan
    else:
        # from the counts, so that "no false positives" gives exactly 1 − spec == 0
        lr_pos = float(_ratio(sens, fp / (fp + tn)))
        lr_neg = float(_ratio(fn / (tp + fn), spec))
    return {
        "sensitivity": sens,
        "specificity": spec,
        "ppv": float(_ratio(tp, tp + fp)),
        "npv": float(_ratio(tn, tn + fn)),
        "accuracy": float(_ratio(tp + tn, n)),
        "prevalence": float(_ratio(tp + fn, n)),
        "lr_positive": lr_pos,
        "lr_negative": lr_neg,
    }


# --------------------------------------------------------------------------------------------
# Bayes: from sensitivity and specificity to what a result means at a given prevalence
# --------------------------------------------------------------------------------------------
def predictive_values(sensitivity, specificity, prevalence):
    """``(PPV, NPV)`` at ``prevalence`` by Bayes' theorem; scalars or numpy arrays.

    PPV = sens·prev / (sens·prev + (1 − spec)·(1 − prev));
    NPV = spec·(1 − prev) / (spec·(1 − prev) + (1 − sens)·prev).

    Edge cases follow from the formulas, with 0/0 as ``nan``:

    * prevalence 0: PPV is 0 (every positive call is a false alarm) when specificity < 1, and
      ``nan`` when specificity is 1 (no one is called positive at all); NPV is 1 when
      specificity > 0.
    * prevalence 1: PPV is 1 when sensitivity > 0 (``nan`` when it is 0); NPV is 0 when
      sensitivity < 1.

    Inputs outside [0, 1] raise ValueError; NaN inputs (an undefined sensitivity, say) give NaN.
    Scalar inputs give Python floats; array inputs broadcast and give arrays.

    >>> round(predictive_values(0.9, 0.95, 0.01)[0], 4)
    0.1538
    """
    scalar, (sens, spec, prev) = _as_rates(
        sensitivity=sensitivity, specificity=specificity, prevalence=prevalence
    )
    true_pos = sens * prev
    false_pos = (1 - spec) * (1 - prev)
    true_neg = spec * (1 - prev)
    false_neg = (1 - sens) * prev
    return (_out(scalar, _ratio(true_pos, true_pos + false_pos)),
            _out(scalar, _ratio(true_neg, true_neg + false_neg)))


def recalls_per_1000(sensitivity, specificity, prevalence):
    """Positive calls (screening recalls) per 1,000 people screened at ``prevalence``.

    1000 × (sens·prev + (1 − spec)·(1 − prev)): cancers found plus false alarms. "Recall" is the
    screening sense (called back for assessment), not machine-learning recall. Scalars or arrays.

    >>> round(recalls_per_1000(0.9, 0.95, 0.008), 1)
    56.8
    """
    scalar, (sens, spec, prev) = _as_rates(
        sensitivity=sensitivity, specificity=specificity, prevalence=prevalence
    )
    return _out(scalar, 1000.0 * (sens * prev + (1 - spec) * (1 - prev)))


def false_positives_per_cancer_found(sensitivity, specificity, prevalence):
    """False alarms per cancer found: (1 − spec)·(1 − prev) / (sens·prev) = 1/PPV − 1.

    ``inf`` when no cancers are found but there are false alarms (sensitivity or prevalence 0);
    ``nan`` when there are neither. Scalars or arrays.

    >>> round(false_positives_per_cancer_found(0.9, 0.95, 0.008), 1)
    6.9
    """
    scalar, (sens, spec, prev) = _as_rates(
        sensitivity=sensitivity, specificity=specificity, prevalence=prevalence
    )
    return _out(scalar, _ratio((1 - spec) * (1 - prev), sens * prev))


def _round_half_up(x: float) -> int:
    # Round to 9 decimals first so that float noise (0.05 * 9920 = 496.00000000000006, or
    # 2.4999999999999996 for an exact 2.5) does not decide the rounding.
    return int(math.floor(round(x, 9) + 0.5))


def natural_frequencies(sensitivity, specificity, prevalence, population: int = 1000) -> dict:
    """Whole numbers of people in each cell of the 2×2 table for a population of ``population``.

    Rounding rule (it keeps every total exact):

    1. people with the condition = prevalence × population, rounded half up; the rest do not
       have it;
    2. true positives = sensitivity × (people with the condition), rounded half up; false
       negatives are the remainder of that group;
    3. false positives = (1 − specificity) × (people without), rounded half up; true negatives
       are the remainder.

    "Half up" means 2.5 → 3, unlike Python's ``round`` (2.5 → 2). So tp + fn + fp + tn always
    equals ``population``, and tp + fn is the rounded number with the condition.

    Returns a dict with ``population, with_condition, without_condition, tp, fn, fp, tn`` (ints).
    Raises ValueError for rates outside [0, 1], NaN rates (an undefined rate cannot split
    people) or a population that is not a positive whole number.

    >>> people = natural_frequencies(0.90, 0.95, 0.008)
    >>> [people[k] for k in ("with_condition", "tp", "fn", "fp", "tn")]
    [8, 7, 1, 50, 942]
    """
    if isinstance(population, bool) or not isinstance(population, Integral) or population < 1:
        raise ValueError(f"population must be a positive whole number, not {population!r}")
    scalar, (sens, spec, prev) = _as_rates(
        sensitivity=sensitivity, specificity=specificity, prevalence=prevalence
    )
    if not scalar:
        raise ValueError("natural_frequencies takes single numbers, not arrays")
    sens, spec, prev = float(sens), float(spec), float(prev)
    for name, value in (("sensitivity", sens), ("specificity", spec), ("prevalence", prev)):
        if math.isnan(value):
            raise ValueError(f"{name} is undefined (NaN), so the population cannot be split")
    population = int(population)
    with_condition = min(_round_half_up(prev * population), population)
    without = population - with_condition
    tp = min(_round_half_up(sens * with_condition), with_condition)
    fp = min(_round_half_up((1 - spec) * without), without)
    return {
        "population": population,
        "with_condition": with_condition,
        "without_condition": without,
        "tp": tp,
        "fn": with_condition - tp,
        "fp": fp,
        "tn": without - fp,
    }


# --------------------------------------------------------------------------------------------
# Confidence interval
# --------------------------------------------------------------------------------------------
def wilson_interval(successes, n, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``successes / n``.

    With z = ``scipy.stats.norm.ppf(1 − (1 − confidence)/2)`` and p = successes/n::

        centre = (p + z²/2n) / (1 + z²/n)
        half   = z / (1 + z²/n) · sqrt(p(1 − p)/n + z²/4n²)

    Unlike the simple p ± z·SE interval it stays inside [0, 1] and is sensible for p near 0 or 1
    and small n (it equals ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``).
    ``n == 0`` gives ``(nan, nan)``. Raises ValueError unless 0 ≤ successes ≤ n are whole numbers
    and 0 < confidence < 1.

    >>> tuple(round(x, 4) for x in wilson_interval(45, 50))
    (0.7864, 0.9565)
    """
    for name, value in (("successes", successes), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, Real | np.number) or not (
            math.isfinite(float(value)) and float(value) == int(value)
        ):
            raise ValueError(f"{name} must be a whole number, not {value!r}")
    k, n = int(successes), int(n)
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= successes <= n, got successes={k}, n={n}")
    if isinstance(confidence, bool) or not isinstance(confidence, Real | np.number) or not (
        0 < float(confidence) < 1
    ):
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    if n == 0:
        return math.nan, math.nan
    z = float(ndtri(1 - (1 - float(confidence)) / 2))
    p = k / n
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / n + z2n / (4 * n))
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


# --------------------------------------------------------------------------------------------
# Closed-form binormal model
# --------------------------------------------------------------------------------------------
def _as_d_prime(d_prime) -> float:
    if isinstance(d_prime, bool) or not isinstance(d_prime, Real | np.number) or not math.isfinite(
        float(d_prime)
    ):
        raise ValueError(f"d_prime must be a finite number, not {d_prime!r}")
    return float(d_prime)


def binormal_rates(threshold, d_prime):
    """``(sensitivity, specificity)`` of the binormal model at ``threshold``.

    Scores without the condition ~ N(0, 1), with the condition ~ N(d′, 1); a score ≥ threshold is
    positive. Sensitivity = 1 − Φ(threshold − d′) = Φ(d′ − threshold); specificity =
    Φ(threshold). Scalars or arrays of thresholds.

    >>> [round(x, 4) for x in binormal_rates(1.0, 2.0)]
    [0.8413, 0.8413]
    """
    d = _as_d_prime(d_prime)
    t = np.asarray(threshold, dtype=np.float64)
    if np.any(np.isnan(t)):
        raise ValueError("threshold is NaN; choose a number")
    sens, spec = ndtr(d - t), ndtr(t)
    return (float(sens), float(spec)) if t.ndim == 0 else (sens, spec)


def binormal_auc(d_prime) -> float:
    """Area under the binormal ROC curve: Φ(d′/√2). d′ = 2 gives 0.9214."""
    return float(ndtr(_as_d_prime(d_prime) / math.sqrt(2)))


def binormal_roc(d_prime, n_points: int = 401):
    """ROC curve of the binormal model: ``(fpr, tpr, thresholds)`` with thresholds descending.

    Thresholds run from d′ + 6 down to −6 (so the curve reaches (0, 0) and (1, 1) to within
    1e-9), evenly spaced.
    """
    d = _as_d_prime(d_prime)
    if isinstance(n_points, bool) or not isinstance(n_points, Integral) or n_points < 2:
        raise ValueError(f"n_points must be a whole number of at least 2, not {n_points!r}")
    thresholds = np.linspace(max(d, 0.0) + 6.0, min(d, 0.0) - 6.0, int(n_points))
    sens, spec = binormal_rates(thresholds, d)
    return 1 - spec, sens, thresholds


# --------------------------------------------------------------------------------------------
# Precomputed operating-characteristic table
# --------------------------------------------------------------------------------------------
class OperatingTable:
    """Confusion counts at any threshold in O(log n), from scores sorted once.

    Built once from ``(y_true, scores)`` (validated as in :func:`confusion_counts`): the scores
    are sorted and the number of positives among the lowest *i* scores is stored for every *i*.
    At a threshold, a binary search (``np.searchsorted``) finds how many scores are below it;
    everything else is subtraction. :meth:`counts_at` equals :func:`confusion_counts` exactly for
    every threshold, ties included.

    Attributes: ``n``, ``n_positive``, ``n_negative``, ``prevalence`` (in the data),
    ``min_score`` and ``max_score``.

    >>> table = OperatingTable([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> table.counts_at(0.4)
    (1, 1, 1, 1)
    """

    def __init__(self, y_true, scores):
        y, s = _as_pair(y_true, scores)
        order = np.argsort(s, kind="stable")
        self._sorted = s[order]
        self._positives_below = np.concatenate(([0], np.cumsum(y[order], dtype=np.int64)))
        self.n = int(s.shape[0])
        self.n_positive = int(self._positives_below[-1])
        self.n_negative = self.n - self.n_positive
        self.prevalence = self.n_positive / self.n
        self.min_score = float(self._sorted[0])
        self.max_score = float(self._sorted[-1])
        self._roc = None

    def __repr__(self) -> str:
        return (f"OperatingTable(n={self.n}, n_positive={self.n_positive}, "
                f"n_negative={self.n_negative})")

    def counts_at(self, threshold) -> tuple[int, int, int, int]:
        """``(tp, fp, fn, tn)`` as Python ints for a positive call at score ≥ ``threshold``."""
        t = _as_threshold(threshold)
        below = int(np.searchsorted(self._sorted, t, side="left"))
        tp = self.n_positive - int(self._positives_below[below])
        fp = (self.n - below) - tp
        return tp, fp, self.n_positive - tp, self.n_negative - fp

    def counts_at_thresholds(self, thresholds):
        """Vectorised :meth:`counts_at`: four int64 arrays ``(tp, fp, fn, tn)``."""
        t = np.asarray(thresholds, dtype=np.float64)
        if np.any(np.isnan(t)):
            raise ValueError("thresholds contain NaN; choose numbers")
        below = np.searchsorted(self._sorted, t, side="left")
        tp = self.n_positive - self._positives_below[below]
        fp = (self.n - below) - tp
        return tp, fp, self.n_positive - tp, self.n_negative - fp

    def summary_at(self, threshold) -> dict[str, float]:
        """:func:`diagnostic_summary` of the counts at ``threshold``."""
        return diagnostic_summary(*self.counts_at(threshold))

    def roc_curve(self):
        """``(fpr, tpr, thresholds)``, one point per distinct score plus (0, 0) at threshold inf.

        Thresholds are descending: ``inf`` then every distinct score, as
        ``sklearn.metrics.roc_curve(..., drop_intermediate=False)``. With no positives (or no
        negatives) the tpr (or fpr) is all NaN. Arrays are computed once and cached; treat them
        as read-only.
        """
        if self._roc is None:
            thresholds = np.concatenate(([np.inf], np.unique(self._sorted)[::-1]))
            tp, fp, _, _ = self.counts_at_thresholds(thresholds)
            with np.errstate(divide="ignore", invalid="ignore"):
                tpr = tp / self.n_positive if self.n_positive else np.full(tp.shape, np.nan)
                fpr = fp / self.n_negative if self.n_negative else np.full(fp.shape, np.nan)
            for arr in (fpr, tpr, thresholds):
                arr.flags.writeable = False
            self._roc = (fpr, tpr, thresholds)
        return self._roc

    @property
    def auc(self) -> float:
        """Area under the ROC curve (trapezoids; ties count half, as ``roc_auc_score``).

        NaN when the data have no positives or no negatives.
        """
        if self.n_positive == 0 or self.n_negative == 0:
            return math.nan
        fpr, tpr, _ = self.roc_curve()
        return float(np.trapezoid(tpr, fpr))
