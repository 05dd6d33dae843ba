"""Probability booking and fairness: who gets double-booked, and who pays for it (Module C: C-Ex3).

Layer 1 of the course's three-layer widgets (STYLE.md): pure functions, data frames in and tables
out, no ipywidgets. The data are ``radcourse.data.load_dna_booking()``: one row per screening
invitation with ``imd_quintile`` (1 = most deprived … 5 = least), ``travel_min``, ``prior_dna``
(missed the previous invitation), ``age`` and ``attended`` (1 came, 0 did not attend: a *DNA*).

"Probability booking" predicts each client's risk of not attending and double-books the slots of
the highest-risk clients, so that fewer slots go empty. SoR priority 3 names appointment
prioritisation as a place where AI can widen health inequalities; this module measures how.

* :func:`train_dna_model` — ``LogisticRegression`` for the risk of a DNA, with or without the
  deprivation quintile as an input (compare the two).
* :func:`double_booking_policy` — double-book the top share of predicted risk.
* :func:`selection_by_group`, :func:`demographic_parity_difference` — how often each quintile is
  double-booked (via :mod:`radcourse.fairness`).
* :func:`extra_wait_for_attenders` — a simple harm proxy: the expected extra wait of
  double-booked clients who *do* attend.

Bad input raises ``ValueError`` saying what is wrong.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from radcourse import fairness
from radcourse._frames import require_columns as _require_columns

__all__ = [
    "DEFAULT_MINUTES_PER_OVERBOOK",
    "FEATURES",
    "FEATURES_WITHOUT_IMD",
    "demographic_parity_difference",
    "double_booking_policy",
    "extra_wait_for_attenders",
    "selection_by_group",
    "train_dna_model",
]

FEATURES = ("travel_min", "prior_dna", "age", "imd_quintile")
FEATURES_WITHOUT_IMD = ("travel_min", "prior_dna", "age")
OUTCOME_COL = "attended"
RISK_COL = "dna_risk"
BOOKED_COL = "double_booked"
GROUP_COL = "imd_quintile"
#: Minutes a double-booked client waits when the other client booked into her slot also attends:
#: one appointment slot (illustrative).
DEFAULT_MINUTES_PER_OVERBOOK = 10.0


# --------------------------------------------------------------------------------------------
# Input checking
# --------------------------------------------------------------------------------------------



def _numeric(frame: pd.DataFrame, columns) -> None:
    for column in columns:
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            raise ValueError(f"column {column!r} must hold numbers")
        n_missing = int(values.isna().sum())
        if n_missing:
            raise ValueError(f"column {column!r} has {n_missing} missing values")


def _zero_one(frame: pd.DataFrame, column: str) -> np.ndarray:
    values = frame[column]
    if values.isna().any() or not values.isin([0, 1]).all():
        raise ValueError(f"column {column!r} must hold only 0 and 1 (no missing values)")
    return values.to_numpy(dtype=np.int64)


def _proportion(value, name: str, *, open_low: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a proportion from 0 to 1, not {value!r}")
    x = float(value)
    if not (0.0 < x <= 1.0 if open_low else 0.0 <= x <= 1.0):
        low = "above 0" if open_low else "from 0"
        raise ValueError(f"{name} must be a proportion {low} to 1 (0.10 is 10%), not {value!r}")
    return x


def _dna(frame: pd.DataFrame) -> np.ndarray:
    """1 for a DNA (did not attend), 0 for an attender."""
    return 1 - _zero_one(frame, OUTCOME_COL)


def _booked(frame: pd.DataFrame) -> np.ndarray:
    _require_columns(frame, [BOOKED_COL])
    values = frame[BOOKED_COL]
    if values.isna().any() or not values.isin([0, 1]).all():
        raise ValueError(f"column {BOOKED_COL!r} must be True/False (from double_booking_policy)")
    return values.to_numpy(dtype=np.int64)


# --------------------------------------------------------------------------------------------
# Model and policy
# --------------------------------------------------------------------------------------------
def train_dna_model(frame: pd.DataFrame, *, include_imd: bool = True, seed: int = 0) -> Pipeline:
    """Fit a model of the risk of *not* attending; return the fitted pipeline.

    Inputs: ``travel_min``, ``prior_dna``, ``age`` and, if ``include_imd`` (the default),
    ``imd_quintile`` (as a number, 1 … 5). Target: 1 − ``attended``. The pipeline is a
    ``StandardScaler`` and ``LogisticRegression(random_state=seed)`` (the default solver is
    deterministic; ``seed`` is kept for a uniform interface). ``model.feature_names_in_`` lists
    the inputs used; ``model.predict_proba(frame[list(model.feature_names_in_)])[:, 1]`` is the
    predicted DNA risk.

    Leaving ``imd_quintile`` out does not make the model blind to deprivation: ``prior_dna`` is
    more common in deprived areas and carries some of the same information.
    """
    if not isinstance(include_imd, bool):
        raise ValueError(f"include_imd must be True or False, not {include_imd!r}")
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError(f"seed must be a whole number of at least 0, not {seed!r}")
    features = list(FEATURES if include_imd else FEATURES_WITHOUT_IMD)
    _require_columns(frame, [*features, OUTCOME_COL])
    _numeric(frame, features)
    y = _dna(frame)
    if y.sum() in (0, y.size):
        raise ValueError("the frame needs both attenders and non-attenders to fit a model")
    model = Pipeline([("scale", StandardScaler()),
                      ("logreg", LogisticRegression(random_state=int(seed)))])
    return model.fit(frame[features], y)


def _k_of(share: float, n: int) -> int:
    """round(share * n) with halves rounded up (not Python's round-half-to-even)."""
    return min(n, math.floor(share * n + 0.5))


def double_booking_policy(model, frame: pd.DataFrame, top_share: float = 0.10) -> pd.DataFrame:
    """Double-book the invitations with the highest predicted DNA risk.

    Returns a copy of ``frame`` with ``dna_risk`` (the model's predicted probability of not
    attending) and ``double_booked`` (bool). Exactly round(top_share × n) invitations are
    double-booked (halves rounded up): those with the highest risk; ties are broken by row order.
    ``top_share`` is a proportion (0.10 is the top 10%).
    """
    if not hasattr(model, "predict_proba") or not hasattr(model, "feature_names_in_"):
        raise ValueError("model must be a fitted model from train_dna_model")
    share = _proportion(top_share, "top_share")
    features = [str(f) for f in model.feature_names_in_]
    _require_columns(frame, features)
    _numeric(frame, features)
    out = frame.copy()
    risk = model.predict_proba(frame[features])[:, 1]
    order = np.argsort(-risk, kind="stable")
    booked = np.zeros(len(frame), dtype=bool)
    booked[order[: _k_of(share, len(frame))]] = True
    out[RISK_COL] = risk
    out[BOOKED_COL] = booked
    return out


# --------------------------------------------------------------------------------------------
# Fairness of the policy
# --------------------------------------------------------------------------------------------
def _for_fairness(frame: pd.DataFrame, group_col: str) -> pd.DataFrame:
    """The columns radcourse.fairness expects: ``label`` (1 = DNA) and ``ai_score`` (1 = booked).

    Without an ``attended`` column (future invitations) the label is a placeholder of zeros, so
    only the selection rate means anything.
    """
    _require_columns(frame, [group_col, BOOKED_COL])
    booked = _booked(frame)
    label = _dna(frame) if OUTCOME_COL in frame.columns else np.zeros(len(frame), np.int64)
    return pd.DataFrame({group_col: frame[group_col], "label": label,
                         "ai_score": booked.astype(np.float64)}, index=frame.index)


def selection_by_group(frame: pd.DataFrame, group_col: str = GROUP_COL) -> pd.DataFrame:
    """How often each group is double-booked, from the output of :func:`double_booking_policy`.

    Uses :func:`radcourse.fairness.subgroup_metrics` (a double-booking is the "positive call").
    Returns a DataFrame indexed by group with ``n``, ``n_double_booked``, ``selection_rate`` (the
    share double-booked) with its Wilson 95% interval ``selection_rate_low`` /
    ``selection_rate_high``; and, when the frame has ``attended``:

    * ``dna_rate`` — the share of the group who did not attend;
    * ``dna_caught`` — of the group's non-attenders, the share who were double-booked (the
      policy's sensitivity);
    * ``double_booked_dna_rate`` — of the group's double-booked clients, the share who did not
      attend (the policy's PPV). The rest turned up to a double-booked slot.
    """
    table = fairness.subgroup_metrics(_for_fairness(frame, group_col), group_col, 0.5)
    out = pd.DataFrame(index=table.index)
    out["n"] = table["n"]
    out["n_double_booked"] = table["tp"] + table["fp"]
    for column in ("selection_rate", "selection_rate_low", "selection_rate_high"):
        out[column] = table[column]
    if OUTCOME_COL in frame.columns:
        out["dna_rate"] = table["prevalence"]
        out["dna_caught"] = table["sensitivity"]
        out["double_booked_dna_rate"] = table["ppv"]
    return out


def demographic_parity_difference(frame: pd.DataFrame, group_col: str = GROUP_COL) -> float:
    """Largest minus smallest double-booking rate across groups.

    :func:`radcourse.fairness.demographic_parity_difference` applied to the ``double_booked``
    column of :func:`double_booking_policy`'s output. 0 means every group is double-booked equally
    often. The groups' DNA rates differ, so a gap is expected under a risk policy: whether it is
    *unfair* depends on who bears the cost (see :func:`extra_wait_for_attenders`).
    """
    return fairness.demographic_parity_difference(_for_fairness(frame, group_col), group_col, 0.5)


def extra_wait_for_attenders(
    frame: pd.DataFrame,
    minutes_per_overbook: float = DEFAULT_MINUTES_PER_OVERBOOK,
    *,
    group_col: str = GROUP_COL,
    partner_attendance: float | None = None,
) -> pd.DataFrame:
    """A simple harm proxy: the expected extra wait of double-booked clients who *do* attend.

    **The assumption, plainly.** A double-booked client shares her slot with one other client.
    If she attends *and* the other client also attends, she waits ``minutes_per_overbook`` extra
    minutes (one slot; the default 10 is illustrative). The other client attends with probability
    ``partner_attendance``; by default, the frame's overall attendance rate. Nobody else's wait is
    counted, and a client who does not attend loses nothing in this proxy (though she still missed
    her screening). So every double-booked attender expects the same extra wait,
    ``minutes_per_overbook × partner_attendance``; what differs between groups is how many of
    their attenders were double-booked.

    Needs ``attended`` and ``double_booked`` (from :func:`double_booking_policy`). Returns a
    DataFrame indexed by group with ``n``, ``n_attended``, ``n_double_booked``,
    ``attenders_double_booked``, ``share_of_attenders_double_booked``,
    ``extra_wait_per_double_booked_attender_min``, ``expected_extra_wait_min`` (the group's total)
    and ``extra_wait_per_100_attenders_min``.
    """
    if isinstance(minutes_per_overbook, bool) or not isinstance(minutes_per_overbook, Real) or (
        not math.isfinite(float(minutes_per_overbook)) or float(minutes_per_overbook) < 0
    ):
        raise ValueError(
            f"minutes_per_overbook must be a number of minutes, at least 0, not "
            f"{minutes_per_overbook!r}"
        )
    _require_columns(frame, [group_col, OUTCOME_COL, BOOKED_COL])
    if frame[group_col].isna().any():
        raise ValueError(f"group column {group_col!r} has missing values")
    attended = _zero_one(frame, OUTCOME_COL)
    booked = _booked(frame)
    partner = (float(attended.mean()) if partner_attendance is None
               else _proportion(partner_attendance, "partner_attendance"))
    per_attender = float(minutes_per_overbook) * partner
    counts = pd.DataFrame({"group": frame[group_col], "n": 1, "n_attended": attended,
                           "n_double_booked": booked,
                           "attenders_double_booked": attended * booked}, index=frame.index)
    out = counts.groupby("group", sort=True, observed=True).sum()
    out.index.name = group_col
    out["share_of_attenders_double_booked"] = (
        out["attenders_double_booked"] / out["n_attended"].where(out["n_attended"] > 0)
    )
    out["extra_wait_per_double_booked_attender_min"] = per_attender
    out["expected_extra_wait_min"] = out["attenders_double_booked"] * per_attender
    out["extra_wait_per_100_attenders_min"] = (
        100.0 * out["expected_extra_wait_min"] / out["n_attended"].where(out["n_attended"] > 0)
    )
    return out
