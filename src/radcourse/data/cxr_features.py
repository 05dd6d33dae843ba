"""Synthetic chest-radiograph *features* for the training-mix and harmonisation lab (C-Ex2, C-Ex4).

Each row is one chest radiograph summarised by four image-derived measurements ``f0`` … ``f3`` of
the most suspicious region (think mean intensity, local contrast, edge strength and texture), in
the scanner's own intensity units. Two files are made from one model:

* ``cxr_train_features.csv`` — what a developer has: 4,400 labelled studies (``split`` =
  ``"train"``) in the typical mix of a development set, 80% vendor A, 18% vendor B and 2% vendor C;
  plus 200 **unlabelled reference scans** per vendor (``split`` = ``"reference"``, ``label``
  empty): routine local images nobody has reported, which is all per-vendor harmonisation may use.
* ``cxr_eval_features.csv`` — a held-out evaluation set with balanced vendors, 1,000 labelled
  studies each (``split`` = ``"eval"``).

**Mechanism.** A study's measurements on vendor A's scale are ``BASELINE + SPREAD * z``, with ``z``
four independent N(0, 1) values; a nodule needing follow-up (``label`` = 1) adds ``DISEASE_SHIFT``
(in SD units) to ``z``. Each vendor then maps intensities to its own scale: every measurement is
multiplied by ``VENDOR_GAIN[vendor]``. Vendor C's processing gives lower intensities (gain 0.8), so
all four of its measurements are both smaller and less spread out. Because the baselines are
proportional to the disease effect (``BASELINE / SPREAD = BASELINE_RATIO * DISEASE_SHIFT``), the
vendor-C shift points straight down the disease direction: a vendor-C study with a nodule looks
like a vendor-A study without one.

**What that does (asserted in ``tests/unit/test_data_module_c.py``).** A logistic regression trained
on the baseline mix ranks studies equally well on every vendor (AUC gap < 0.05; within a vendor the
gain is a monotone change of scale), but at the threshold 0.5 vendor C's sensitivity collapses.
Rebalancing the training mix barely helps: a model that cannot tell the vendors apart cannot undo a
shift that looks like disease. Standardising each vendor's features with the mean and SD of its
own unlabelled reference scans puts every vendor back on one scale, and the sensitivities come
together. The reference scans have the same case mix as the other rows (prevalence PREVALENCE):
per-vendor standardisation assumes each vendor's reference population is similar.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20260105
EVAL_SEED = 20260106
FEATURES = ("f0", "f1", "f2", "f3")
VENDORS = ("A", "B", "C")
SITES = ("England", "Scotland", "Wales", "Northern Ireland")
SPLITS = ("train", "reference", "eval")
TRAIN_COUNTS = {"A": 3_520, "B": 792, "C": 88}  # 80% / 18% / 2% of 4,400
REFERENCE_PER_VENDOR = 200
EVAL_PER_VENDOR = 1_000
PREVALENCE = 0.20  # the same in every vendor, split and file
DISEASE_SHIFT = (1.10, 0.95, 0.80, 0.60)  # in SD units; |shift| = 1.76, so AUC about 0.89
SPREAD = (12.0, 8.0, 5.0, 3.0)  # SD of each measurement on vendor A's scale
BASELINE_RATIO = 2.5
BASELINE = tuple(BASELINE_RATIO * d * s for d, s in zip(DISEASE_SHIFT, SPREAD, strict=True))
VENDOR_GAIN = {"A": 1.0, "B": 1.02, "C": 0.8}
SITE_SHARES_BY_VENDOR = {  # where each vendor's rooms are
    "A": (0.55, 0.25, 0.15, 0.05),
    "B": (0.40, 0.35, 0.15, 0.10),
    "C": (0.00, 0.00, 0.20, 0.80),
}
COLUMNS = ("study_id", "site", "vendor", *FEATURES, "label", "split")


def make_cxr_train_features(seed: int = SEED) -> pd.DataFrame:
    """Return the development data: labelled ``train`` rows (80/18/2% A/B/C) and unlabelled
    ``reference`` rows (REFERENCE_PER_VENDOR per vendor, ``label`` missing), in shuffled order.

    Columns: study_id (``CXF00001`` …), site, vendor, f0 … f3, label (nullable ``Int64``), split.
    """
    rng = np.random.default_rng(seed)
    counts = [(v, "train", n) for v, n in TRAIN_COUNTS.items()]
    counts += [(v, "reference", REFERENCE_PER_VENDOR) for v in VENDORS]
    frame = _studies(rng, counts)
    frame.loc[frame["split"] == "reference", "label"] = pd.NA
    return _finish(rng, frame, "CXF")


def make_cxr_eval_features(seed: int = EVAL_SEED) -> pd.DataFrame:
    """Return the held-out evaluation set: EVAL_PER_VENDOR labelled studies per vendor, shuffled.

    Same columns as :func:`make_cxr_train_features`; study_id ``CXE00001`` …, split ``"eval"``.
    """
    rng = np.random.default_rng(seed)
    return _finish(rng, _studies(rng, [(v, "eval", EVAL_PER_VENDOR) for v in VENDORS]), "CXE")


def _studies(rng: np.random.Generator, counts: list[tuple[str, str, int]]) -> pd.DataFrame:
    shift, spread, baseline = (np.array(a) for a in (DISEASE_SHIFT, SPREAD, BASELINE))
    parts = []
    for vendor, split, n in counts:
        label = (rng.random(n) < PREVALENCE).astype(np.int64)
        z = rng.normal(0.0, 1.0, (n, len(FEATURES))) + label[:, None] * shift
        values = VENDOR_GAIN[vendor] * (baseline + spread * z)
        part = pd.DataFrame(values, columns=list(FEATURES))
        part.insert(0, "site", rng.choice(SITES, n, p=SITE_SHARES_BY_VENDOR[vendor]))
        part.insert(1, "vendor", vendor)
        part["label"] = pd.array(label, dtype="Int64")
        part["split"] = split
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _finish(rng: np.random.Generator, frame: pd.DataFrame, prefix: str) -> pd.DataFrame:
    frame = frame.sample(frac=1.0, random_state=rng).reset_index(drop=True)
    frame.insert(0, "study_id", [f"{prefix}{i:05d}" for i in range(1, len(frame) + 1)])
    return frame[list(COLUMNS)]
