"""Synthetic screening invitations with did-not-attend (DNA) outcomes: probability booking, C-Ex3.

One row per invitation to a routine screening appointment (think breast screening: women aged 50
to 70). The chance of *not* attending is a logistic model with four drivers:

* **deprivation** — ``imd_quintile`` 1 (most deprived) … 5 (least); the log-odds of a DNA rise by
  IMD_LOG_ODDS per quintile step towards 1;
* **travel time** — ``travel_min`` to the screening unit (lognormal, median TRAVEL_MEDIAN_MIN
  minutes); TRAVEL_LOG_ODDS per 10 minutes;
* **previous non-attendance** — ``prior_dna`` = 1 if the client missed her previous invitation;
  PRIOR_DNA_LOG_ODDS added;
* **age** — slightly lower risk with age, AGE_LOG_ODDS per year.

Each client also has an unobserved propensity (N(0, PROPENSITY_SD) on the log-odds), shared by her
previous and current invitations. ``prior_dna`` is drawn from the same model (without its own
term), so it carries that propensity and is itself more common in deprived areas: a model that
leaves ``imd_quintile`` out still picks deprivation up through ``prior_dna``.

Deprivation and travel time are drawn independently, so their effects can be told apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

SEED = 20260107
N_INVITES = 10_000
AGE_MIN, AGE_MAX = 50, 70
TRAVEL_MEDIAN_MIN = 20.0
TRAVEL_LOG_SD = 0.55
TRAVEL_MIN, TRAVEL_MAX = 3, 120
BASE_LOG_ODDS = -1.45  # a client of quintile 3, age 60, 20 minutes away, no previous DNA
IMD_LOG_ODDS = 0.30  # per quintile step towards 1 (most deprived)
TRAVEL_LOG_ODDS = 0.25  # per 10 minutes of travel
PRIOR_DNA_LOG_ODDS = 1.3
AGE_LOG_ODDS = -0.02  # per year of age
PROPENSITY_SD = 0.6
COLUMNS = ("invite_id", "imd_quintile", "travel_min", "prior_dna", "age", "attended")


def make_dna_booking(seed: int = SEED, n_invites: int = N_INVITES) -> pd.DataFrame:
    """Return the invitations (invite_id, imd_quintile, travel_min, prior_dna, age, attended).

    ``attended`` is 1 if the client came, 0 for a DNA. All columns are integers.
    """
    rng = np.random.default_rng(seed)
    quintile = rng.integers(1, 6, n_invites)
    age = rng.integers(AGE_MIN, AGE_MAX + 1, n_invites)
    travel = np.clip(
        np.rint(TRAVEL_MEDIAN_MIN * np.exp(rng.normal(0.0, TRAVEL_LOG_SD, n_invites))),
        TRAVEL_MIN, TRAVEL_MAX,
    ).astype(np.int64)
    log_odds = (
        BASE_LOG_ODDS
        + IMD_LOG_ODDS * (3 - quintile)
        + TRAVEL_LOG_ODDS * (travel - TRAVEL_MEDIAN_MIN) / 10
        + AGE_LOG_ODDS * (age - 60)
        + rng.normal(0.0, PROPENSITY_SD, n_invites)
    )
    prior_dna = (rng.random(n_invites) < expit(log_odds)).astype(np.int64)
    dna = rng.random(n_invites) < expit(log_odds + PRIOR_DNA_LOG_ODDS * prior_dna)
    return pd.DataFrame(
        {
            "invite_id": [f"INV{i:05d}" for i in range(1, n_invites + 1)],
            "imd_quintile": quintile.astype(np.int64),
            "travel_min": travel,
            "prior_dna": prior_dna,
            "age": age.astype(np.int64),
            "attended": (~dna).astype(np.int64),
        }
    )[list(COLUMNS)]
