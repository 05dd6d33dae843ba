"""Synthetic "leakage demo": four images per patient, a strong patient fingerprint, a weak disease.

Each row is one image described by ten image-derived measurements ``f0`` … ``f9`` (think of
texture and intensity features). Every patient carries a *fingerprint*: a random offset on all ten
features, N(0, FINGERPRINT_SD) per feature, shared by all four of their images. It stands for
anatomy, body habitus and the positioning habit of the room where the patient is usually imaged.
Each image adds its own noise, N(0, IMAGE_SD) per feature, much smaller than the fingerprint. The
disease is a patient-level label that shifts only ``f0``, ``f1`` and ``f2``, and only by
DISEASE_SHIFT: a weak signal.

So a flexible model (a random forest) can recognise *the patient* far more easily than *the
disease*. With an image-level split the other images of a test patient sit in the training folds
and the model simply looks their label up; with a patient-level split it has to rely on the weak
disease signal. The difference between the two cross-validated AUCs is the optimism that leakage
adds (see :func:`radcourse.validation.leakage_comparison`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20260103
N_PATIENTS = 400
IMAGES_PER_PATIENT = 4
N_FEATURES = 10
FEATURES = tuple(f"f{i}" for i in range(N_FEATURES))
PREVALENCE = 0.5  # patient level; an enriched development set, as many are
FINGERPRINT_SD = 1.0  # per-patient offset on every feature, shared by all their images
IMAGE_SD = 0.3  # per-image noise
DISEASE_FEATURES = ("f0", "f1", "f2")
DISEASE_SHIFT = 0.4  # mean shift of the disease features in patients with the disease


def make_leakage_demo(seed: int = SEED, n_patients: int = N_PATIENTS) -> pd.DataFrame:
    """Return the leakage demo (patient_id, image_id, f0 … f9, label), one row per image.

    Rows are ordered by patient, then image. ``label`` belongs to the patient, so it is the same
    on all of a patient's images. A different ``seed`` gives an independent set of patients drawn
    from the same model (for example a second site for external validation).
    """
    rng = np.random.default_rng(seed)
    label = (rng.random(n_patients) < PREVALENCE).astype(np.int64)
    fingerprint = rng.normal(0.0, FINGERPRINT_SD, (n_patients, N_FEATURES))
    shift = np.array([DISEASE_SHIFT if f in DISEASE_FEATURES else 0.0 for f in FEATURES])
    patient_mean = fingerprint + label[:, None] * shift
    n_images = n_patients * IMAGES_PER_PATIENT
    features = np.repeat(patient_mean, IMAGES_PER_PATIENT, axis=0) + rng.normal(
        0.0, IMAGE_SD, (n_images, N_FEATURES)
    )
    patient_ids = [f"PT{i:04d}" for i in range(1, n_patients + 1)]
    frame = pd.DataFrame(features, columns=list(FEATURES))
    frame.insert(0, "patient_id", np.repeat(patient_ids, IMAGES_PER_PATIENT))
    frame.insert(1, "image_id", [f"IMG{i:05d}" for i in range(1, n_images + 1)])
    frame["label"] = np.repeat(label, IMAGES_PER_PATIENT)
    return frame
