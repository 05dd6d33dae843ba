"""Synthetic multi-site chest-radiograph triage cohort with a vendor calibration shift built in.

Every study has a latent "AI evidence" value: N(0, 1) without a nodule needing follow-up and
N(d', 1) with one, where d' is the same for all vendors (slightly lower for the 80+ age band, whose
films are harder). The AI score is the logistic transform of the latent minus a vendor offset.
Vendor C's images come out of its processing with lower contrast, so its scores are shifted down by
VENDOR_SHIFT["C"]: ranks within the vendor (and so its AUC) are untouched, but at the fixed
operating threshold its sensitivity collapses. Vendor B carries a small, realistic shift.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

SEED = 20260102
N_PATIENTS = 11_000
N_REPEAT_PATIENTS = 1_000  # a second, independent study of the same patient
SITES = ("England", "Scotland", "Wales", "Northern Ireland")
SITE_SHARES = (0.46, 0.24, 0.20, 0.10)
VENDORS = ("A", "B", "C")
VENDOR_SHARES_BY_SITE = {
    "England": (0.70, 0.30, 0.00),
    "Scotland": (0.45, 0.55, 0.00),
    "Wales": (0.60, 0.36, 0.04),
    "Northern Ireland": (0.40, 0.30, 0.30),
}
AGE_BANDS = ("18-39", "40-59", "60-79", "80+")
AGE_BAND_SHARES = (0.15, 0.30, 0.40, 0.15)
PREVALENCE_BY_AGE_BAND = (0.05, 0.10, 0.17, 0.21)
PREVALENCE_RATIO_BY_IMD = (1.3, 1.15, 1.0, 0.9, 0.8)  # quintile 1 (most deprived) ... 5
FEMALE_SHARE = 0.52
D_PRIME = 1.85
D_PRIME_80_PLUS = 1.6
LATENT_CUT = 0.675  # latent value that maps to a score of 0.5 on an unshifted vendor
SCORE_SLOPE = 1.5
VENDOR_SHIFT = {"A": 0.0, "B": 0.15, "C": 1.05}


def make_cxr_multisite(seed: int = SEED) -> pd.DataFrame:
    """Return the triage cohort (study_id, patient_id, site, vendor, sex, age_band, imd_quintile,
    label, ai_score)."""
    rng = np.random.default_rng(seed)
    patients = _patients(rng)
    repeats = patients.iloc[rng.choice(N_PATIENTS, N_REPEAT_PATIENTS, replace=False)]
    studies = pd.concat([patients, repeats], ignore_index=True)
    studies["vendor"] = _vendors(rng, studies["site"])
    studies["label"] = _labels(rng, studies)
    studies["ai_score"] = _scores(rng, studies)
    studies = studies.sample(frac=1.0, random_state=rng).reset_index(drop=True)
    studies["study_id"] = [f"CXR{i:06d}" for i in range(1, len(studies) + 1)]
    columns = ["study_id", "patient_id", "site", "vendor", "sex", "age_band", "imd_quintile"]
    return studies[[*columns, "label", "ai_score"]]


def _patients(rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "patient_id": [f"P{i:06d}" for i in range(1, N_PATIENTS + 1)],
            "site": rng.choice(SITES, N_PATIENTS, p=SITE_SHARES),
            "sex": np.where(rng.random(N_PATIENTS) < FEMALE_SHARE, "F", "M"),
            "age_band": rng.choice(AGE_BANDS, N_PATIENTS, p=AGE_BAND_SHARES),
            "imd_quintile": rng.integers(1, 6, N_PATIENTS),
        }
    )


def _vendors(rng: np.random.Generator, sites: pd.Series) -> np.ndarray:
    """Vendor of the room each study was taken in, drawn from its site's equipment mix."""
    vendors = np.empty(len(sites), dtype=object)
    for site, shares in VENDOR_SHARES_BY_SITE.items():
        at_site = (sites == site).to_numpy()
        vendors[at_site] = rng.choice(VENDORS, at_site.sum(), p=shares)
    return vendors.astype(str)


def _labels(rng: np.random.Generator, studies: pd.DataFrame) -> np.ndarray:
    by_age = dict(zip(AGE_BANDS, PREVALENCE_BY_AGE_BAND, strict=True))
    prevalence = studies["age_band"].map(by_age).to_numpy() * np.take(
        PREVALENCE_RATIO_BY_IMD, studies["imd_quintile"].to_numpy() - 1
    )
    return (rng.random(len(studies)) < prevalence).astype(np.int64)


def _scores(rng: np.random.Generator, studies: pd.DataFrame) -> np.ndarray:
    d_prime = np.where(studies["age_band"] == "80+", D_PRIME_80_PLUS, D_PRIME)
    latent = d_prime * studies["label"].to_numpy() + rng.normal(0.0, 1.0, len(studies))
    shift = studies["vendor"].map(VENDOR_SHIFT).to_numpy()
    return expit(SCORE_SLOPE * (latent - LATENT_CUT - shift))
