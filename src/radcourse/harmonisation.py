"""Training mix, harmonisation and recalibration by scanner vendor (Module C: C-Ex2 and C-Ex4).

Layer 1 of the course's three-layer widgets (STYLE.md): pure functions, data frames in and models
or tables out, no ipywidgets. The data are ``radcourse.data.load_cxr_train_features()`` (labelled
development studies plus each vendor's *unlabelled* reference scans) and
``radcourse.data.load_cxr_eval_features()`` (a held-out set with equal numbers per vendor). Both
have a ``vendor`` column, four features ``f0`` … ``f3`` and a 0/1 ``label``; a reference scan is a
row whose ``label`` is missing.

* :func:`train_vendor_model` — a ``LogisticRegression`` pipeline, optionally on a different
  vendor mix (:func:`resample_training_mix`, :func:`shares_with`) and optionally with per-vendor
  harmonisation (:class:`VendorHarmoniser`, fitted by :func:`reference_stats` on the unlabelled
  reference scans only).
* :func:`evaluate_by_vendor` — n, AUC, sensitivity and specificity per vendor at a threshold;
  :func:`score_frame` adds the model's ``ai_score`` so that any function of
  :mod:`radcourse.fairness` can be used on it.
* :func:`recalibrate` — sigmoid recalibration on local labelled data with
  ``CalibratedClassifierCV(FrozenEstimator(model))`` (scikit-learn 1.9 removed ``cv="prefit"``).
* :func:`calibration_table`, :func:`expected_calibration_error` — calibration curves per vendor
  (``sklearn.calibration.calibration_curve``) and one error figure per vendor.

Conventions are those of :mod:`radcourse.metrics`: a score *greater than or equal to* the threshold
is a positive call; labels are 1 (nodule needing follow-up) or 0. Everything is seeded; every call
takes well under a second on the shipped data. Bad input raises ``ValueError`` saying what is
wrong.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV, calibration_curve
from sklearn.compose import ColumnTransformer
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from radcourse._frames import group_order as _group_order
from radcourse._frames import require_columns as _require_columns
from radcourse.fairness import subgroup_metrics

__all__ = [
    "BASELINE_MIX",
    "FEATURES",
    "VENDOR_COL",
    "VendorHarmoniser",
    "calibration_table",
    "evaluate_by_vendor",
    "expected_calibration_error",
    "recalibrate",
    "reference_stats",
    "resample_training_mix",
    "score_frame",
    "shares_with",
    "train_vendor_model",
]

FEATURES = ("f0", "f1", "f2", "f3")
VENDOR_COL = "vendor"
LABEL_COL = "label"
SCORE_COL = "ai_score"
#: The vendor mix of the shipped development data: mostly vendor A, hardly any vendor C.
BASELINE_MIX = {"A": 0.80, "B": 0.18, "C": 0.02}
_SHARE_TOLERANCE = 1e-6


# --------------------------------------------------------------------------------------------
# Input checking
# --------------------------------------------------------------------------------------------



def _check_features(frame: pd.DataFrame, what: str) -> None:
    _require_columns(frame, [VENDOR_COL, *FEATURES], what)
    n_vendor = int(frame[VENDOR_COL].isna().sum())
    if n_vendor:
        raise ValueError(f"{what} has {n_vendor} rows with no {VENDOR_COL!r}")
    values = frame[list(FEATURES)]
    if not all(pd.api.types.is_numeric_dtype(t) for t in values.dtypes):
        raise ValueError(f"the features {', '.join(FEATURES)} must be numbers")
    n_missing = int(values.isna().any(axis=1).sum())
    if n_missing:
        raise ValueError(f"{what} has {n_missing} rows with missing (NaN) features")


def _labels(frame: pd.DataFrame, what: str) -> np.ndarray:
    """The 0/1 labels of a frame in which every row must be labelled."""
    _require_columns(frame, [LABEL_COL], what)
    labels = frame[LABEL_COL]
    n_missing = int(labels.isna().sum())
    if n_missing:
        raise ValueError(
            f"{what} has {n_missing} rows without a label (unlabelled reference scans?); use "
            f"labelled rows only, e.g. frame[frame[{LABEL_COL!r}].notna()]"
        )
    if not labels.isin([0, 1]).all():
        raise ValueError(f"{LABEL_COL!r} must hold only the labels 0 and 1")
    return labels.to_numpy(dtype=np.int64)


def _both_classes(y: np.ndarray, what: str) -> None:
    n_pos = int(y.sum())
    if n_pos in (0, y.size):
        raise ValueError(
            f"{what} must contain both positives (1) and negatives (0); got {n_pos} positives "
            f"and {y.size - n_pos} negatives"
        )


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame[LABEL_COL].notna()]


def _unlabelled(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame[LABEL_COL].isna()]


def _seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError(f"seed must be a whole number of at least 0, not {seed!r}")
    return int(seed)


def _threshold(value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"threshold must be a number from 0 to 1, not {value!r}")
    return float(value)


def _check_model(model) -> None:
    if not hasattr(model, "predict_proba"):
        raise ValueError(
            f"model must be a fitted classifier with predict_proba (from train_vendor_model or "
            f"recalibrate), not {type(model).__name__}"
        )


# --------------------------------------------------------------------------------------------
# Harmonisation
# --------------------------------------------------------------------------------------------
def reference_stats(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean and SD of each feature per vendor, over the *unlabelled* reference scans only.

    The reference scans are the rows of ``frame`` whose ``label`` is missing (``split`` is
    ``"reference"`` in the shipped file): routine local images that nobody has reported. Labelled
    rows are ignored, so harmonisation never sees a label. Every vendor needs at least two
    reference scans.

    Returns a DataFrame indexed by vendor with columns ``n`` and ``<feature>_mean``,
    ``<feature>_sd`` (sample SD, ``ddof=1``) for ``f0`` … ``f3``.
    """
    _require_columns(frame, [LABEL_COL])
    reference = _unlabelled(frame)
    if reference.empty:
        raise ValueError(
            "frame has no unlabelled reference scans (rows whose label is missing); per-vendor "
            "harmonisation needs them, e.g. load_cxr_train_features() includes 200 per vendor"
        )
    _check_features(reference, "the reference scans")
    grouped = reference.groupby(VENDOR_COL, observed=True, sort=True)
    stats = pd.DataFrame({"n": grouped.size()})
    for feature in FEATURES:
        stats[f"{feature}_mean"] = grouped[feature].mean()
        stats[f"{feature}_sd"] = grouped[feature].std(ddof=1)
    too_few = stats.index[stats["n"] < 2].tolist()
    if too_few:
        raise ValueError(f"vendor(s) {too_few} have fewer than 2 reference scans")
    if (stats[[f"{f}_sd" for f in FEATURES]] <= 0).any().any():
        raise ValueError("a feature is constant in some vendor's reference scans (SD 0)")
    stats.index.name = VENDOR_COL
    return stats


class VendorHarmoniser(TransformerMixin, BaseEstimator):
    """Standardise each vendor's features with that vendor's own reference-scan mean and SD.

    ``reference_stats`` is the table from :func:`reference_stats`, computed once from unlabelled
    reference scans. ``fit`` learns nothing from the data it is given (only checks the table), so
    putting the harmoniser in a pipeline never lets the labelled training rows change it.
    ``transform`` returns a copy of the frame in which ``f0`` … ``f3`` are z-scores on the vendor's
    own scale: (value − vendor mean) / vendor SD. A vendor without reference scans is an error: it
    cannot be harmonised.
    """

    def __init__(self, reference_stats: pd.DataFrame | None = None):
        self.reference_stats = reference_stats

    def fit(self, X, y=None):
        stats = self.reference_stats
        columns = [f"{f}_{s}" for f in FEATURES for s in ("mean", "sd")]
        if not isinstance(stats, pd.DataFrame) or not set(columns) <= set(stats.columns):
            raise ValueError("reference_stats must be the table returned by reference_stats()")
        self.stats_ = stats[columns].copy()
        self.vendors_ = list(stats.index)
        return self

    def transform(self, X):
        _check_features(X, "frame")
        unknown = sorted(set(X[VENDOR_COL].unique()) - set(self.vendors_), key=str)
        if unknown:
            raise ValueError(
                f"no reference scans for vendor(s) {unknown}: they cannot be harmonised "
                f"(reference scans exist for {self.vendors_})"
            )
        out = X.copy()
        vendor = X[VENDOR_COL].to_numpy()
        for feature in FEATURES:
            mean = self.stats_[f"{feature}_mean"].reindex(vendor).to_numpy()
            sd = self.stats_[f"{feature}_sd"].reindex(vendor).to_numpy()
            out[feature] = (X[feature].to_numpy(dtype=np.float64) - mean) / sd
        return out


# --------------------------------------------------------------------------------------------
# Training mix
# --------------------------------------------------------------------------------------------
def shares_with(share: float, vendor: str = "C", base: Mapping[str, float] | None = None) -> dict:
    """A vendor mix in which ``vendor`` has ``share`` and the others keep their relative sizes.

    ``base`` defaults to :data:`BASELINE_MIX`. ``shares_with(0.25)`` gives about A 61%, B 14%,
    C 25%: the slider of the training-mix lab.
    """
    base = dict(BASELINE_MIX if base is None else base)
    if vendor not in base:
        raise ValueError(f"vendor {vendor!r} is not in the mix {sorted(base)}")
    if isinstance(share, bool) or not isinstance(share, Real) or not 0.0 <= float(share) <= 1.0:
        raise ValueError(f"share must be a proportion from 0 to 1, not {share!r}")
    others = {v: s for v, s in base.items() if v != vendor}
    total = sum(others.values())
    if total <= 0 and share < 1:
        raise ValueError("the other vendors have no share to scale")
    mix = {v: (1.0 - float(share)) * s / total if total > 0 else 0.0 for v, s in others.items()}
    mix[vendor] = float(share)
    return {v: mix[v] for v in base}


def _check_shares(shares, vendors: set) -> dict:
    if not isinstance(shares, Mapping) or not shares:
        raise ValueError("shares must be a mapping from vendor to share, e.g. {'A': 0.5, ...}")
    unknown = sorted(set(shares) - vendors, key=str)
    if unknown:
        raise ValueError(f"shares name vendor(s) {unknown} with no labelled studies "
                         f"(vendors present: {sorted(vendors, key=str)})")
    for vendor, share in shares.items():
        if isinstance(share, bool) or not isinstance(share, Real) or not (
            math.isfinite(float(share)) and float(share) >= 0
        ):
            raise ValueError(f"the share of vendor {vendor!r} must be a number of at least 0, "
                             f"not {share!r}")
    total = sum(float(s) for s in shares.values())
    if abs(total - 1.0) > _SHARE_TOLERANCE:
        raise ValueError(f"shares must add up to 1, not {total:g}")
    return {v: float(s) for v, s in shares.items()}


def _counts(shares: dict, n: int) -> dict:
    """Whole numbers of studies per vendor that add up to n (largest remainders)."""
    exact = {v: s * n for v, s in shares.items()}
    counts = {v: math.floor(x) for v, x in exact.items()}
    by_remainder = sorted(exact, key=lambda v: (-(exact[v] - counts[v]), str(v)))
    for vendor in by_remainder[: n - sum(counts.values())]:
        counts[vendor] += 1
    return counts


def resample_training_mix(
    frame: pd.DataFrame, shares: Mapping[str, float], seed: int = 0, n: int | None = None
) -> pd.DataFrame:
    """The labelled studies of ``frame`` redrawn to a chosen vendor mix.

    ``shares`` maps vendor to its share of the training set (they add up to 1; a vendor left out
    gets none). ``n`` labelled studies are drawn (default: as many as ``frame`` has), each vendor's
    number rounded so that the total is exactly ``n``. Each vendor's studies are drawn **with
    replacement** (``numpy.random.default_rng(seed)``): to give vendor C 25% of the training set
    from its 88 studies, each is used several times on average. That is *oversampling*, the same as
    giving vendor C's studies more weight, not new data. The unlabelled reference scans are kept,
    unchanged, after the labelled rows, so the result can go straight into
    :func:`train_vendor_model` with ``harmonise=True``.
    """
    _require_columns(frame, [VENDOR_COL, LABEL_COL])
    labelled = _labelled(frame)
    if labelled.empty:
        raise ValueError("frame has no labelled studies to resample")
    vendors = set(labelled[VENDOR_COL].unique())
    mix = _check_shares(shares, vendors)
    if n is None:
        n = len(labelled)
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
        raise ValueError(f"n must be a whole number of at least 1, not {n!r}")
    rng = np.random.default_rng(_seed(seed))
    parts = []
    for vendor, count in _counts(mix, int(n)).items():
        rows = np.flatnonzero((labelled[VENDOR_COL] == vendor).to_numpy())
        parts.append(labelled.iloc[rng.choice(rows, count, replace=True)])
    return pd.concat([*parts, _unlabelled(frame)], ignore_index=True)


# --------------------------------------------------------------------------------------------
# Training and scoring
# --------------------------------------------------------------------------------------------
def train_vendor_model(
    frame: pd.DataFrame,
    *,
    vendor_mix: Mapping[str, float] | None = None,
    harmonise: bool = False,
    seed: int = 0,
) -> Pipeline:
    """Fit ``LogisticRegression`` to the labelled studies of ``frame``; return the fitted pipeline.

    * ``vendor_mix`` — ``None`` trains on the labelled rows as they are (the shipped data: 80% A,
      18% B, 2% C); a mapping such as ``{"A": 0.56, "B": 0.19, "C": 0.25}`` first redraws them with
      :func:`resample_training_mix` (``seed``).
    * ``harmonise`` — if true, the first step is a :class:`VendorHarmoniser` fitted by
      :func:`reference_stats` on the unlabelled reference scans of ``frame``: each vendor's
      features become z-scores on that vendor's own scale, in training and whenever the model
      scores new studies. If false, that step is ``"passthrough"``.

    The pipeline's steps are ``harmonise``, ``scale`` (a ``StandardScaler`` on ``f0`` … ``f3``
    with *one* mean and SD for all vendors, learnt from the training rows: it cannot remove a
    vendor shift) and ``logreg`` (``LogisticRegression(random_state=seed)``). It takes a frame
    with ``vendor`` and ``f0`` … ``f3``: ``model.predict_proba(frame)[:, 1]``, or
    :func:`score_frame`. ``model.training_mix_`` records the vendor shares it was trained on.
    """
    if not isinstance(harmonise, bool):
        raise ValueError(f"harmonise must be True or False, not {harmonise!r}")
    seed = _seed(seed)
    _require_columns(frame, [VENDOR_COL, *FEATURES, LABEL_COL])
    stats = reference_stats(frame) if harmonise else None
    training = frame if vendor_mix is None else resample_training_mix(frame, vendor_mix, seed)
    training = _labelled(training)
    if training.empty:
        raise ValueError("frame has no labelled studies to train on")
    _check_features(training, "the training studies")
    y = _labels(training, "the training studies")
    _both_classes(y, "the training studies")
    model = Pipeline([
        ("harmonise", VendorHarmoniser(stats) if harmonise else "passthrough"),
        ("scale", ColumnTransformer([("features", StandardScaler(), list(FEATURES))])),
        ("logreg", LogisticRegression(random_state=seed)),
    ])  # fmt: skip
    model.fit(training[[VENDOR_COL, *FEATURES]], y)
    model.training_mix_ = training[VENDOR_COL].value_counts(normalize=True).sort_index().to_dict()
    return model


def score_frame(model, frame: pd.DataFrame, score_col: str = SCORE_COL) -> pd.DataFrame:
    """A copy of ``frame`` with the model's predicted probability in ``score_col`` (``ai_score``).

    The result suits every function of :mod:`radcourse.fairness` (whose default score column is
    ``ai_score``), e.g. ``per_group_thresholds(score_frame(model, eval_frame), "vendor", 0.9)``.
    """
    _check_model(model)
    _check_features(frame, "frame")
    out = frame.copy()
    out[score_col] = model.predict_proba(frame[[VENDOR_COL, *FEATURES]])[:, 1]
    return out


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------
def _auc(y: np.ndarray, s: np.ndarray) -> float:
    return float(roc_auc_score(y, s)) if 0 < y.sum() < y.size else math.nan


def evaluate_by_vendor(model, eval_frame: pd.DataFrame, threshold: float = 0.5) -> pd.DataFrame:
    """Accuracy of ``model`` per vendor on labelled studies at ``threshold``.

    Returns a DataFrame indexed by vendor with ``n``, ``n_positive``, ``auc``
    (``sklearn.metrics.roc_auc_score``; ``nan`` for a vendor with one class), ``threshold``,
    ``sensitivity``, ``specificity`` and ``selection_rate`` (the share flagged), the last three
    with ``_low`` and ``_high`` Wilson 95% intervals from
    :func:`radcourse.fairness.subgroup_metrics`. Every row of ``eval_frame`` must be labelled.
    """
    threshold = _threshold(threshold)
    _check_features(eval_frame, "eval_frame")
    y = _labels(eval_frame, "eval_frame")
    scored = score_frame(model, eval_frame)
    scored[LABEL_COL] = y
    table = subgroup_metrics(scored, VENDOR_COL, threshold)
    s = scored[SCORE_COL].to_numpy()
    vendor = scored[VENDOR_COL].to_numpy()
    table.insert(2, "auc", [_auc(y[vendor == v], s[vendor == v]) for v in table.index])
    columns = ["n", "n_positive", "auc", "threshold"]
    for metric in ("sensitivity", "specificity", "selection_rate"):
        columns += [metric, f"{metric}_low", f"{metric}_high"]
    return table[columns]


# --------------------------------------------------------------------------------------------
# Calibration
# --------------------------------------------------------------------------------------------
def recalibrate(model, frame_local: pd.DataFrame) -> CalibratedClassifierCV:
    """Recalibrate a fitted model on local labelled studies (Platt's sigmoid); return it.

    ``CalibratedClassifierCV(FrozenEstimator(model), method="sigmoid")`` fitted on
    ``frame_local``: the model itself is frozen (its ranking, and so its AUC, is unchanged) and a
    logistic curve maps its scores to the local outcome rate. In scikit-learn 1.9
    ``cv="prefit"`` is gone: ``FrozenEstimator`` is the way to say "do not refit". Use local data
    from the setting where the model will run (for example one vendor's studies), and keep other
    data for checking: the recalibrated model is calibrated *for that setting only*.
    """
    _check_model(model)
    _check_features(frame_local, "frame_local")
    y = _labels(frame_local, "frame_local")
    _both_classes(y, "frame_local")
    calibrated = CalibratedClassifierCV(FrozenEstimator(model), method="sigmoid")
    return calibrated.fit(frame_local[[VENDOR_COL, *FEATURES]], y)





def _bin_counts(prob: np.ndarray, n_bins: int, strategy: str) -> np.ndarray:
    """Cases per non-empty bin, binned exactly as ``sklearn.calibration.calibration_curve``."""
    if strategy == "quantile":
        bins = np.percentile(prob, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        bins = np.linspace(0.0, 1.0, n_bins + 1)
    total = np.bincount(np.searchsorted(bins[1:-1], prob), minlength=n_bins)
    return total[total != 0]


def calibration_table(
    model, frame: pd.DataFrame, by: str = VENDOR_COL, n_bins: int = 10,
    strategy: str = "quantile",
) -> pd.DataFrame:
    """Calibration curve of the model's scores in each group of ``by`` (default ``vendor``).

    For each group, ``sklearn.calibration.calibration_curve(label, score, n_bins=n_bins,
    strategy=strategy)``; ``"quantile"`` bins hold equal numbers of studies, ``"uniform"`` bins
    are equal widths of score. Returns a long DataFrame, one row per non-empty bin, with the
    columns ``<by>``, ``bin`` (0, 1, …), ``n`` (studies in the bin), ``mean_predicted`` (mean
    score), ``fraction_positive`` (observed rate) and ``gap`` (fraction_positive −
    mean_predicted: above 0, the scores under-state the risk). Plot ``fraction_positive`` against
    ``mean_predicted``; a calibrated model lies on the diagonal. Every row must be labelled.
    """
    if isinstance(n_bins, bool) or not isinstance(n_bins, Integral) or n_bins < 1:
        raise ValueError(f"n_bins must be a whole number of at least 1, not {n_bins!r}")
    if strategy not in ("quantile", "uniform"):
        raise ValueError(f"strategy must be 'quantile' or 'uniform', not {strategy!r}")
    _require_columns(frame, [by])
    y = _labels(frame, "frame")
    if frame[by].isna().any():
        raise ValueError(f"group column {by!r} has missing values")
    scores = score_frame(model, frame)[SCORE_COL].to_numpy()
    groups = frame[by].to_numpy()
    parts = []
    for group in _group_order(frame[by]):
        rows = groups == group
        prob_true, prob_pred = calibration_curve(y[rows], scores[rows], n_bins=n_bins,
                                                 strategy=strategy)
        parts.append(pd.DataFrame({
            by: group,
            "bin": np.arange(len(prob_true)),
            "n": _bin_counts(scores[rows], n_bins, strategy),
            "mean_predicted": prob_pred,
            "fraction_positive": prob_true,
            "gap": prob_true - prob_pred,
        }))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def expected_calibration_error(table: pd.DataFrame) -> pd.Series:
    """Expected calibration error per group of a :func:`calibration_table`.

    The bins' absolute gaps |fraction_positive − mean_predicted|, averaged with the bins' numbers
    of studies as weights: how far, on average, a study's score is from the observed rate of
    studies scored like it. 0 is perfect; it is a proportion (0.10 = 10 percentage points).
    Returns a Series indexed by group, named ``"ece"``.
    """
    needed = ["bin", "n", "mean_predicted", "fraction_positive"]
    if not isinstance(table, pd.DataFrame) or not set(needed) <= set(table.columns) or (
        len(table.columns) < 1 or table.columns[0] in needed
    ):
        raise ValueError("table must be a DataFrame from calibration_table")
    by = table.columns[0]
    weighted = (table["fraction_positive"] - table["mean_predicted"]).abs() * table["n"]
    ece = weighted.groupby(table[by], sort=False).sum() / table.groupby(by, sort=False)["n"].sum()
    return ece.rename("ece")
