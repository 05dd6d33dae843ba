"""Find the shared datasets folder, check files against the manifest, and load them."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pandas as pd
import pydicom

import radcourse
from radcourse.data.manifest import MANIFEST_NAME, file_sha256, read_manifest
from radcourse.data.priorities import SOR_PRIORITIES_FILE, read_priorities_csv

ENV_VAR = "RADCOURSE_DATASETS"
# src/radcourse/__init__.py -> the repository (or student edition) root -> datasets/
PACKAGE_DATASETS = Path(radcourse.__file__).resolve().parents[2] / "datasets"
DICOM_FOLDER = "dicom"
SCREENING_FILE = "screening_scores.csv"
CXR_FILE = "cxr_multisite.csv"
CXR_OPERATING_THRESHOLD = 0.5
LEAKAGE_FILE = "leakage_demo.csv"
READERS_FILE = "readers_labels.csv"
READERS_OPERATING_THRESHOLD = 0.5

SCREENING_DTYPES = {
    "exam_id": "str",
    "client_id": "str",
    "age": "int64",
    "site": "category",
    "vendor": "category",
    "ai_score": "float64",
    "cancer": "int64",
}
CXR_DTYPES = {
    "study_id": "str",
    "patient_id": "str",
    "site": pd.CategoricalDtype(["England", "Scotland", "Wales", "Northern Ireland"]),
    "vendor": pd.CategoricalDtype(["A", "B", "C"]),
    "sex": pd.CategoricalDtype(["F", "M"]),
    "age_band": pd.CategoricalDtype(["18-39", "40-59", "60-79", "80+"], ordered=True),
    "imd_quintile": "int64",
    "label": "int64",
    "ai_score": "float64",
}
LEAKAGE_DTYPES = {
    "patient_id": "str",
    "image_id": "str",
    **{f"f{i}": "float64" for i in range(10)},
    "label": "int64",
}
READERS_DTYPES = {
    "case_id": "str",
    "truth": "int64",
    "reader1": "int64",
    "reader2": "int64",
    "ai_score": "float64",
}
CXR_TRAIN_FEATURES_FILE = "cxr_train_features.csv"
CXR_EVAL_FEATURES_FILE = "cxr_eval_features.csv"
CXR_FEATURES_DTYPES = {
    "study_id": "str",
    "site": pd.CategoricalDtype(["England", "Scotland", "Wales", "Northern Ireland"]),
    "vendor": pd.CategoricalDtype(["A", "B", "C"]),
    **{f"f{i}": "float64" for i in range(4)},
    "label": "Int64",  # nullable: empty for the unlabelled reference scans
    "split": pd.CategoricalDtype(["train", "reference", "eval"]),
}
DNA_BOOKING_FILE = "dna_booking.csv"
DNA_BOOKING_DTYPES = {
    "invite_id": "str",
    "imd_quintile": "int64",
    "travel_min": "int64",
    "prior_dna": "int64",
    "age": "int64",
    "attended": "int64",
}

_verified: set[tuple[str, int, int, str]] = set()


class DatasetError(Exception):
    """A shared dataset is missing, corrupted or cannot be found."""


def datasets_dir() -> Path:
    """The folder holding the shared datasets and their ``manifest.json``.

    Looked up in this order: the ``RADCOURSE_DATASETS`` environment variable; the ``datasets``
    folder beside ``src/`` of this installation; a ``datasets`` folder in the current directory
    or any parent.
    """
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser().resolve()
    if (PACKAGE_DATASETS / MANIFEST_NAME).is_file():
        return PACKAGE_DATASETS
    for folder in [Path.cwd(), *Path.cwd().parents]:
        if (folder / "datasets" / MANIFEST_NAME).is_file():
            return folder / "datasets"
    raise DatasetError(
        "Cannot find the course datasets (a `datasets` folder holding manifest.json). "
        f"Run from inside the course folder, or set the {ENV_VAR} environment variable to the "
        f"folder's path, e.g. `export {ENV_VAR}=/path/to/radcourse/datasets`."
    )


def verified_path(relative: str) -> Path:
    """Absolute path of a manifest entry after checking its sha256 (cached per process)."""
    root = datasets_dir()
    problem = _problem(root, relative, _manifest(root).get(relative))
    if problem:
        raise DatasetError(f"{problem} {_regenerate_hint(root)}")
    return root / relative


def verify_datasets() -> None:
    """Check every file listed in the manifest; raise DatasetError naming all that fail."""
    root = datasets_dir()
    problems = [_problem(root, path, entry) for path, entry in _manifest(root).items()]
    if any(problems):
        raise DatasetError("\n".join([*filter(None, problems), _regenerate_hint(root)]))


def load_screening() -> pd.DataFrame:
    """Breast-screening cohort: one row per exam, ``cancer`` 0/1, ``ai_score`` in [0, 1]."""
    return pd.read_csv(verified_path(SCREENING_FILE), dtype=SCREENING_DTYPES)


def load_cxr_triage() -> pd.DataFrame:
    """Chest-radiograph triage cohort from four UK sites: ``label`` 0/1, ``ai_score`` in [0, 1]."""
    return pd.read_csv(verified_path(CXR_FILE), dtype=CXR_DTYPES)


def load_leakage_demo() -> pd.DataFrame:
    """Leakage demo: 400 patients x 4 images, features ``f0`` … ``f9``, patient-level ``label``."""
    return pd.read_csv(verified_path(LEAKAGE_FILE), dtype=LEAKAGE_DTYPES)


def load_readers() -> pd.DataFrame:
    """Reader study: 500 chest radiographs with ``truth``, ``reader1``, ``reader2`` and ``ai_score``."""
    return pd.read_csv(verified_path(READERS_FILE), dtype=READERS_DTYPES)


def load_cxr_train_features() -> pd.DataFrame:
    """Development data for the harmonisation lab: features ``f0`` … ``f3`` per chest radiograph.

    ``split`` is ``"train"`` for the 4,400 labelled studies (80% vendor A, 18% B, 2% C) and
    ``"reference"`` for 200 unlabelled reference scans per vendor, whose ``label`` is missing
    (``<NA>``). Use with :mod:`radcourse.harmonisation`.
    """
    return pd.read_csv(verified_path(CXR_TRAIN_FEATURES_FILE), dtype=CXR_FEATURES_DTYPES)


def load_cxr_eval_features() -> pd.DataFrame:
    """Held-out evaluation set for the harmonisation lab: 1,000 labelled studies per vendor.

    Same columns as :func:`load_cxr_train_features`; ``split`` is ``"eval"`` throughout.
    """
    return pd.read_csv(verified_path(CXR_EVAL_FEATURES_FILE), dtype=CXR_FEATURES_DTYPES)


def load_dna_booking() -> pd.DataFrame:
    """Screening invitations: ``imd_quintile``, ``travel_min``, ``prior_dna``, ``age`` and
    ``attended`` (1 came, 0 did not attend). Use with :mod:`radcourse.booking`."""
    return pd.read_csv(verified_path(DNA_BOOKING_FILE), dtype=DNA_BOOKING_DTYPES)


def load_sor_priorities() -> pd.DataFrame:
    """The 31 priorities of the SoR AI guidance (2021): one row each, cell text quoted verbatim.

    Columns and provenance: :mod:`radcourse.data.priorities`. Empty ``notes`` are empty strings.
    """
    return read_priorities_csv(verified_path(SOR_PRIORITIES_FILE))


def list_dicom_studies() -> list[str]:
    """Names of the synthetic DICOM studies, for :func:`load_dicom_study`."""
    prefix = f"{DICOM_FOLDER}/"
    entries = _manifest(datasets_dir())
    return sorted(Path(p).stem for p in entries if p.startswith(prefix) and p.endswith(".dcm"))


def load_dicom_study(name: str) -> pydicom.Dataset:
    """Read one synthetic DICOM study by name (see :func:`list_dicom_studies`)."""
    names = list_dicom_studies()
    if name not in names:
        raise DatasetError(f"No DICOM study called {name!r}. Valid names: {', '.join(names)}.")
    return pydicom.dcmread(verified_path(f"{DICOM_FOLDER}/{name}.dcm"))


def _problem(root: Path, relative: str, entry: dict[str, object] | None) -> str | None:
    """What is wrong with one manifest entry's file, or None if its checksum matches."""
    if entry is None:
        return f"{relative} is not listed in {root / MANIFEST_NAME}."
    path = root / relative
    if not path.is_file():
        return f"Dataset file {path} is missing, so its checksum cannot be verified."
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size, str(entry["sha256"]))
    if key not in _verified:
        if file_sha256(path) != entry["sha256"]:
            return (f"Dataset file {path} failed its sha256 checksum against {MANIFEST_NAME}: "
                    "it is corrupted or was edited.")
        _verified.add(key)
    return None


def _regenerate_hint(root: Path) -> str:
    if root.resolve() == PACKAGE_DATASETS:
        command = "`python -m radcourse.data.build` (or `make datasets`)"
    else:
        command = f"`python -m radcourse.data.build --out {shlex.quote(str(root))}`"
    return f"Regenerate the shared datasets with {command}."


def _manifest(root: Path) -> dict[str, dict[str, object]]:
    try:
        return read_manifest(root)
    except FileNotFoundError:
        raise DatasetError(f"{root / MANIFEST_NAME} is missing. {_regenerate_hint(root)}") from None
    except (ValueError, KeyError) as error:
        raise DatasetError(
            f"{root / MANIFEST_NAME} is unreadable ({error}). {_regenerate_hint(root)}"
        ) from None
