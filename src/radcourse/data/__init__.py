"""The course's shared synthetic datasets: loaders that notebooks use instead of file paths.

    from radcourse.data import CXR_OPERATING_THRESHOLD, load_cxr_triage
    cxr = load_cxr_triage()

Every loader checks the file's sha256 against ``datasets/manifest.json`` first and raises
:class:`DatasetError` (with the command to regenerate) if it is missing or corrupted. The data are
synthetic; see ``datasets/DATASHEET.md``. Regenerate with ``python -m radcourse.data.build``.
"""

from radcourse.data.loaders import (
    CXR_OPERATING_THRESHOLD,
    READERS_OPERATING_THRESHOLD,
    DatasetError,
    datasets_dir,
    list_dicom_studies,
    load_cxr_eval_features,
    load_cxr_train_features,
    load_cxr_triage,
    load_dicom_study,
    load_dna_booking,
    load_leakage_demo,
    load_readers,
    load_screening,
    load_sor_priorities,
    verify_datasets,
)

__all__ = [
    "CXR_OPERATING_THRESHOLD",
    "READERS_OPERATING_THRESHOLD",
    "DatasetError",
    "datasets_dir",
    "list_dicom_studies",
    "load_cxr_eval_features",
    "load_cxr_train_features",
    "load_cxr_triage",
    "load_dicom_study",
    "load_dna_booking",
    "load_leakage_demo",
    "load_readers",
    "load_screening",
    "load_sor_priorities",
    "verify_datasets",
]
