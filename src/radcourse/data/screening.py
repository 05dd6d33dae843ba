"""Synthetic breast-screening cohort: one AI score per exam, binormal on a latent scale.

Each client has a latent "difficulty" shared by all her exams (so exams of one client are
correlated, which is what makes exam-level splits leak) plus independent exam-level noise. The
latent is N(0, 1) for exams without cancer and N(D_PRIME, 1) for exams with cancer; the AI score is
its logistic transform, so the scores are binormal up to a monotone map and the ROC AUC is about
Phi(D_PRIME / sqrt(2)) = 0.921.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

SEED = 20260101
N_EXAMS = 20_000
N_REPEAT_CLIENTS = 4_000  # screened twice, three years apart
REPEAT_INTERVAL_YEARS = 3
AGE_MIN, AGE_MAX = 50, 70
D_PRIME = 2.0
CLIENT_SD = 0.6  # share of the latent variance that belongs to the client, not the exam
SCORE_SLOPE, SCORE_OFFSET = 1.6, -2.4  # ai_score = expit(SLOPE * latent + OFFSET)
SITES = ("Site 1", "Site 2", "Site 3", "Site 4")
SITE_SHARES = (0.35, 0.30, 0.20, 0.15)
VENDOR_B_SHARE_BY_SITE = (0.0, 0.1, 1.0, 0.5)  # the rest is vendor A
BASE_RISK = 0.0125  # per-exam cancer risk at age 60 (illustrative)
RISK_PER_YEAR = 0.04  # log-risk increase per year of age


def make_screening(seed: int = SEED) -> pd.DataFrame:
    """Return the screening cohort (columns exam_id, client_id, age, site, vendor, ai_score, cancer)."""
    rng = np.random.default_rng(seed)
    clients = _clients(rng)
    exams = _exams(clients)
    exams["cancer"] = _cancer(rng, exams)
    exams["ai_score"] = _scores(rng, exams)
    exams = exams.sample(frac=1.0, random_state=rng).reset_index(drop=True)
    exams["exam_id"] = [f"EX{i:06d}" for i in range(1, len(exams) + 1)]
    columns = ["exam_id", "client_id", "age", "site", "vendor", "ai_score", "cancer"]
    return exams[columns]


def _clients(rng: np.random.Generator) -> pd.DataFrame:
    n_clients = N_EXAMS - N_REPEAT_CLIENTS
    repeat = np.zeros(n_clients, dtype=bool)
    repeat[rng.choice(n_clients, N_REPEAT_CLIENTS, replace=False)] = True
    last_first_age = np.where(repeat, AGE_MAX - REPEAT_INTERVAL_YEARS, AGE_MAX)
    site_idx = rng.choice(len(SITES), n_clients, p=SITE_SHARES)
    vendor_b = rng.random(n_clients) < np.take(VENDOR_B_SHARE_BY_SITE, site_idx)
    return pd.DataFrame(
        {
            "client_id": [f"CL{i:05d}" for i in range(1, n_clients + 1)],
            "first_age": rng.integers(AGE_MIN, last_first_age + 1),
            "repeat": repeat,
            "site": np.take(SITES, site_idx),
            "vendor": np.where(vendor_b, "B", "A"),
            "client_effect": rng.normal(0.0, CLIENT_SD, n_clients),
        }
    )


def _exams(clients: pd.DataFrame) -> pd.DataFrame:
    first = clients.assign(age=clients["first_age"], screening_round=1)
    second = clients[clients["repeat"]].assign(
        age=lambda c: c["first_age"] + REPEAT_INTERVAL_YEARS, screening_round=2
    )
    return pd.concat([first, second], ignore_index=True)


def _cancer(rng: np.random.Generator, exams: pd.DataFrame) -> np.ndarray:
    """Cancer at each exam; a client screened again had no cancer found at her first exam."""
    risk = BASE_RISK * np.exp(RISK_PER_YEAR * (exams["age"].to_numpy() - 60))
    cancer = rng.random(len(exams)) < risk
    returned_later = exams["repeat"].to_numpy() & (exams["screening_round"].to_numpy() == 1)
    return (cancer & ~returned_later).astype(np.int64)


def _scores(rng: np.random.Generator, exams: pd.DataFrame) -> np.ndarray:
    exam_sd = np.sqrt(1.0 - CLIENT_SD**2)
    latent = (
        D_PRIME * exams["cancer"].to_numpy()
        + exams["client_effect"].to_numpy()
        + rng.normal(0.0, exam_sd, len(exams))
    )
    return expit(SCORE_SLOPE * latent + SCORE_OFFSET)
