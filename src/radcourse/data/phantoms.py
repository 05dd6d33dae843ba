"""Simple synthetic phantoms (numpy only) for the teaching DICOM studies.

Each function draws a recognisable, anatomy-like picture from ellipses and discs, adds a little
seeded noise and returns unsigned 16-bit stored values within the given bit depth.
"""

from __future__ import annotations

import numpy as np


def ellipse(shape: tuple[int, int], centre: tuple[float, float], axes: tuple[float, float],
            angle_deg: float = 0.0) -> np.ndarray:
    """Boolean mask of an ellipse; centre and semi-axes are fractions of (rows, cols)."""
    rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]]
    y = rows / shape[0] - centre[0]
    x = cols / shape[1] - centre[1]
    theta = np.deg2rad(angle_deg)
    u = x * np.cos(theta) + y * np.sin(theta)
    v = -x * np.sin(theta) + y * np.cos(theta)
    return (u / axes[1]) ** 2 + (v / axes[0]) ** 2 <= 1.0


def _finish(image: np.ndarray, rng: np.random.Generator, noise_sd: float, bits: int) -> np.ndarray:
    noisy = image + rng.normal(0.0, noise_sd, image.shape)
    return np.clip(np.rint(noisy), 0, 2**bits - 1).astype(np.uint16)


def chest_pa(rng: np.random.Generator, size: int = 256, bits: int = 12) -> np.ndarray:
    """PA chest radiograph: body, two lungs, heart, spine, clavicles and a right-lung nodule."""
    shape = (size, size)
    img = np.full(shape, 150.0)
    body = ellipse(shape, (0.55, 0.5), (0.50, 0.42))
    img[body] = 2300.0
    for centre in ((0.48, 0.30), (0.48, 0.70)):
        img[ellipse(shape, centre, (0.30, 0.15))] = 900.0
    img[ellipse(shape, (0.62, 0.57), (0.14, 0.15))] = 2500.0  # heart, to the patient's left
    spine = np.zeros(shape, dtype=bool)
    spine[:, int(size * 0.47) : int(size * 0.53)] = True
    img[spine & body] += 600.0
    for side in (-1, 1):
        img[ellipse(shape, (0.20, 0.5 + side * 0.17), (0.015, 0.16), side * 12.0)] = 3100.0
    img[ellipse(shape, (0.40, 0.27), (0.025, 0.025))] = 1900.0  # nodule, patient's right lung
    return _finish(img, rng, 40.0, bits)


def head_ct(rng: np.random.Generator, size: int = 128, bits: int = 12) -> np.ndarray:
    """Axial head CT in stored values (HU + 1024): skull, brain, ventricles and a small lesion."""
    shape = (size, size)
    hu = np.full(shape, -1000.0)
    hu[ellipse(shape, (0.5, 0.5), (0.42, 0.34))] = 1000.0  # skull
    hu[ellipse(shape, (0.5, 0.5), (0.38, 0.30))] = 40.0  # brain
    for centre in ((0.47, 0.44), (0.47, 0.56)):
        hu[ellipse(shape, centre, (0.12, 0.035))] = 8.0  # lateral ventricles
    hu[ellipse(shape, (0.35, 0.62), (0.04, 0.04))] = 70.0  # hyperdense lesion
    return _finish(hu + 1024.0, rng, 4.0, bits)


def breast_cc(rng: np.random.Generator, size: int = 256, bits: int = 12) -> np.ndarray:
    """Left craniocaudal mammogram: chest wall on the left, nipple to the right, a mass and calcs."""
    shape = (size, size)
    img = np.full(shape, 80.0)
    breast = ellipse(shape, (0.5, 0.0), (0.42, 0.75))
    img[breast] = 1500.0
    img[breast & ellipse(shape, (0.5, 0.25), (0.25, 0.35))] = 2000.0  # fibroglandular tissue
    img[ellipse(shape, (0.40, 0.45), (0.035, 0.035))] = 2700.0  # mass
    for r, c in ((0.58, 0.52), (0.60, 0.54), (0.57, 0.55), (0.61, 0.51)):
        img[ellipse(shape, (r, c), (0.006, 0.006))] = 3600.0  # microcalcifications
    return _finish(img, rng, 30.0, bits)


def brain_mr(rng: np.random.Generator, size: int = 160, bits: int = 16) -> np.ndarray:
    """Axial T1-weighted brain MR: scalp, dark skull, grey and white matter, dark ventricles."""
    shape = (size, size)
    img = np.full(shape, 20.0)
    img[ellipse(shape, (0.5, 0.5), (0.44, 0.36))] = 9000.0  # scalp fat
    img[ellipse(shape, (0.5, 0.5), (0.41, 0.33))] = 800.0  # skull (little signal)
    img[ellipse(shape, (0.5, 0.5), (0.38, 0.30))] = 14000.0  # grey matter
    img[ellipse(shape, (0.5, 0.5), (0.30, 0.23))] = 20000.0  # white matter
    for centre in ((0.47, 0.44), (0.47, 0.56)):
        img[ellipse(shape, centre, (0.12, 0.035))] = 3000.0  # CSF in the ventricles
    return _finish(img, rng, 250.0, bits)
