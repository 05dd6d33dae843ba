"""Synthetic "who decides the truth?" data: two reporters, one AI and the known truth on 500 CXRs.

Every case has a true disease status (``truth``, as if settled later by CT and follow-up) and an
*appearance*: how abnormal the radiograph looks, N(0, 1) without disease and N(D_PRIME, 1) with
it. Subtle disease looks normal and some normal films look abnormal (mimics), whoever reads them.

* Each reporter sees the appearance plus their own perceptual noise, N(0, READER_NOISE_SD), and
  calls the film positive above their own cut-off: reader 1 is cautious and calls more films
  positive (READER_CUTS[0]); reader 2 is stricter and calls only the clearer ones (READER_CUTS[1]).
* The AI sees the same appearance plus its own noise, N(0, AI_NOISE_SD); its score is the logistic
  transform, equal to 0.5 (the operating threshold) where the noisy appearance is AI_CUT.

Because readers and AI share the appearance, they tend to miss the same subtle cases and to flag
the same mimics. So the AI's "measured" sensitivity depends on the reference standard: it looks
best against the strict reader (whose positives are the obvious cases), worse against the cautious
reader (whose positives include mimics the AI scores low) and different again against the truth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

SEED = 20260104
N_CASES = 500
PREVALENCE = 0.30
D_PRIME = 2.0  # separation of appearance with and without disease
READER_NOISE_SD = 0.5
READER_CUTS = (0.8, 1.3)  # reader 1 cautious, reader 2 strict
AI_NOISE_SD = 0.6
AI_CUT = 1.0  # appearance at which the AI score is 0.5
SCORE_SLOPE = 1.5


def make_readers(seed: int = SEED) -> pd.DataFrame:
    """Return the reader study (case_id, truth, reader1, reader2, ai_score), one row per film."""
    rng = np.random.default_rng(seed)
    truth = (rng.random(N_CASES) < PREVALENCE).astype(np.int64)
    appearance = D_PRIME * truth + rng.normal(0.0, 1.0, N_CASES)
    readers = {
        f"reader{i}": (appearance + rng.normal(0.0, READER_NOISE_SD, N_CASES) >= cut).astype(
            np.int64
        )
        for i, cut in enumerate(READER_CUTS, start=1)
    }
    ai_latent = appearance + rng.normal(0.0, AI_NOISE_SD, N_CASES)
    return pd.DataFrame(
        {
            "case_id": [f"CASE{i:04d}" for i in range(1, N_CASES + 1)],
            "truth": truth,
            **readers,
            "ai_score": expit(SCORE_SLOPE * (ai_latent - AI_CUT)),
        }
    )
