"""Synthetic single-image DICOM studies (CR, CT, MG, MR) with fictional identifying headers.

The headers deliberately carry the kind of identifying data a real export would (names, IDs,
dates, addresses, staff names, device serial numbers, a private block copying the patient's name)
so that the governance modules can teach de-identification. All of it is fictional: names are
``TEST^...``, telephone numbers come from Ofcom's range reserved for drama (07700 900xxx).

Every UID is derived from fixed text with ``generate_uid(entropy_srcs=...)`` under pydicom's
default prefix, so the files are byte-identical on every build. The CT study's Study Instance UID
embeds its study date and time on purpose: real UIDs often do, and de-identification must replace
them as well as the date elements.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import (
    PYDICOM_ROOT_UID,
    UID,
    ComputedRadiographyImageStorage,
    CTImageStorage,
    DigitalMammographyXRayImageStorageForPresentation,
    ExplicitVRLittleEndian,
    MRImageStorage,
    generate_uid,
)

from radcourse.data import phantoms

SEED = 20260103
PRIVATE_GROUP = 0x0011
PRIVATE_CREATOR = "RADCOURSE SYNTHETIC"
IMPLEMENTATION_VERSION_NAME = "RADCOURSE_1"
INSTITUTION = "Radcourse Teaching Hospital"
INSTITUTION_ADDRESS = "1 Example Road, Testville, TE1 1ST"


@dataclass(frozen=True)
class StudySpec:
    """What varies between the synthetic studies."""

    name: str
    modality: str
    sop_class_uid: str
    patient_name: str
    patient_id: str
    birth_date: str
    sex: str
    study_date: str
    study_time: str
    accession: str
    description: str
    body_part: str
    station: str
    pixels: Callable[[np.random.Generator], np.ndarray]
    bits_stored: int
    modality_headers: dict[str, object] = field(default_factory=dict)
    uid_embeds_date: bool = False


STUDIES: tuple[StudySpec, ...] = (
    StudySpec(
        name="CR_chest", modality="CR", sop_class_uid=ComputedRadiographyImageStorage,
        patient_name="TEST^ALEX", patient_id="RC100001", birth_date="19580214", sex="M",
        study_date="20250314", study_time="093015", accession="RCA000101",
        description="XR CHEST PA", body_part="CHEST", station="RC-CR-01",
        pixels=phantoms.chest_pa, bits_stored=12,
        modality_headers={
            "ViewPosition": "PA", "ImagerPixelSpacing": [1.4, 1.4], "KVP": 120,
            "DistanceSourceToDetector": 1800, "ExposureTime": 12, "XRayTubeCurrent": 250,
        },
    ),
    StudySpec(
        name="CT_head", modality="CT", sop_class_uid=CTImageStorage,
        patient_name="TEST^MORGAN", patient_id="RC100002", birth_date="19710830", sex="F",
        study_date="20250203", study_time="141207", accession="RCA000102",
        description="CT HEAD WITHOUT CONTRAST", body_part="HEAD", station="RC-CT-02",
        pixels=phantoms.head_ct, bits_stored=12,
        modality_headers={
            "RescaleIntercept": -1024, "RescaleSlope": 1, "RescaleType": "HU",
            "WindowCenter": 40, "WindowWidth": 80, "KVP": 120, "SliceThickness": 5,
            "PixelSpacing": [1.8, 1.8], "ImagePositionPatient": [-115.2, -115.2, 40.0],
            "ImageOrientationPatient": [1, 0, 0, 0, 1, 0], "ConvolutionKernel": "SOFT",
        },
        uid_embeds_date=True,
    ),
    StudySpec(
        name="MG_screening", modality="MG",
        sop_class_uid=DigitalMammographyXRayImageStorageForPresentation,
        patient_name="TEST^JO", patient_id="RC100003", birth_date="19690305", sex="F",
        study_date="20250521", study_time="104501", accession="RCA000103",
        description="MAMMOGRAPHY SCREENING", body_part="BREAST", station="RC-MG-03",
        pixels=phantoms.breast_cc, bits_stored=12,
        modality_headers={
            "ImageLaterality": "L", "ViewPosition": "CC",
            "PresentationIntentType": "FOR PRESENTATION", "ImagerPixelSpacing": [0.8, 0.8],
            "KVP": 29, "BreastImplantPresent": "NO", "CompressionForce": 110,
            "BodyPartThickness": 52,
        },
    ),
    StudySpec(
        name="MR_brain", modality="MR", sop_class_uid=MRImageStorage,
        patient_name="TEST^SAM", patient_id="RC100004", birth_date="19850719", sex="M",
        study_date="20250916", study_time="161822", accession="RCA000104",
        description="MRI HEAD", body_part="BRAIN", station="RC-MR-04",
        pixels=phantoms.brain_mr, bits_stored=16,
        modality_headers={
            "MagneticFieldStrength": 1.5, "RepetitionTime": 500, "EchoTime": 15,
            "ScanningSequence": "SE", "SequenceVariant": "NONE", "MRAcquisitionType": "2D",
            "SliceThickness": 5, "PixelSpacing": [1.5, 1.5],
            "ImagePositionPatient": [-120.0, -120.0, 30.0],
            "ImageOrientationPatient": [1, 0, 0, 0, 1, 0],
        },
    ),
)


def study_uid(spec: StudySpec, role: str) -> UID:
    """Deterministic UID for one role ("study", "series", "instance", ...) of a study."""
    prefix = PYDICOM_ROOT_UID
    if role == "study" and spec.uid_embeds_date:
        prefix = f"{PYDICOM_ROOT_UID}{spec.study_date}{spec.study_time}."
    return generate_uid(prefix=prefix, entropy_srcs=["radcourse", spec.name, role])


def make_study(spec: StudySpec) -> Dataset:
    """Build the complete dataset (file meta, headers, private block and pixels) for one study."""
    ds = Dataset()
    ds.file_meta = _file_meta(spec)
    _add_patient(ds, spec)
    _add_study_and_series(ds, spec)
    _add_equipment(ds, spec)
    for keyword, value in spec.modality_headers.items():
        setattr(ds, keyword, value)
    _add_private_block(ds, spec)
    rng = np.random.default_rng([SEED, STUDIES.index(spec)])
    ds.set_pixel_data(spec.pixels(rng), "MONOCHROME2", spec.bits_stored,
                      generate_instance_uid=False)
    return ds


def write_studies(folder: Path) -> None:
    """Write every study to ``folder/<name>.dcm``."""
    folder.mkdir(parents=True, exist_ok=True)
    for spec in STUDIES:
        make_study(spec).save_as(folder / f"{spec.name}.dcm", enforce_file_format=True)


def _file_meta(spec: StudySpec) -> FileMetaDataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = spec.sop_class_uid
    meta.MediaStorageSOPInstanceUID = study_uid(spec, "instance")
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = generate_uid(entropy_srcs=["radcourse implementation"])
    meta.ImplementationVersionName = IMPLEMENTATION_VERSION_NAME
    return meta


def _add_patient(ds: Dataset, spec: StudySpec) -> None:
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.PatientName = spec.patient_name
    ds.PatientID = spec.patient_id
    ds.PatientBirthDate = spec.birth_date
    ds.PatientSex = spec.sex
    ds.PatientAge = f"{_age_in_years(spec.birth_date, spec.study_date):03d}Y"
    ds.PatientAddress = "12 Sample Street, Testville, TE1 2AB"
    ds.PatientTelephoneNumbers = "07700 900" + spec.patient_id[-3:]


def _age_in_years(birth_date: str, on_date: str) -> int:
    """Completed years between two DICOM dates (YYYYMMDD)."""
    had_birthday = on_date[4:] >= birth_date[4:]
    return int(on_date[:4]) - int(birth_date[:4]) - (0 if had_birthday else 1)


def _add_study_and_series(ds: Dataset, spec: StudySpec) -> None:
    ds.SOPClassUID = spec.sop_class_uid
    ds.SOPInstanceUID = study_uid(spec, "instance")
    ds.StudyInstanceUID = study_uid(spec, "study")
    ds.SeriesInstanceUID = study_uid(spec, "series")
    if spec.modality in ("CT", "MR"):
        ds.FrameOfReferenceUID = study_uid(spec, "frame of reference")
    for prefix in ("Study", "Series", "Acquisition", "Content"):
        setattr(ds, f"{prefix}Date", spec.study_date)
        setattr(ds, f"{prefix}Time", spec.study_time)
    ds.AccessionNumber = spec.accession
    ds.StudyID = spec.accession[-4:]
    ds.StudyDescription = spec.description
    ds.SeriesDescription = spec.description
    ds.Modality = spec.modality
    ds.BodyPartExamined = spec.body_part
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.BurnedInAnnotation = "NO"
    ds.ReferringPhysicianName = "REFERRER^TEST^^DR"
    ds.OperatorsName = "RADIOGRAPHER^TEST"


def _add_equipment(ds: Dataset, spec: StudySpec) -> None:
    ds.InstitutionName = INSTITUTION
    ds.InstitutionAddress = INSTITUTION_ADDRESS
    ds.StationName = spec.station
    ds.Manufacturer = "Radcourse Synthetic Imaging"
    ds.ManufacturerModelName = f"Phantom {spec.modality}"
    ds.DeviceSerialNumber = f"SN-{spec.station}"
    ds.SoftwareVersions = "1.0"


def _add_private_block(ds: Dataset, spec: StudySpec) -> None:
    """A vendor-style private block that copies identifying text outside the standard tags."""
    block = ds.private_block(PRIVATE_GROUP, PRIVATE_CREATOR, create=True)
    block.add_new(0x01, "PN", spec.patient_name)
    block.add_new(0x02, "LO", f"{spec.patient_id} {spec.birth_date}")
    block.add_new(0x03, "LT", f"Booked by phone 07700 900{spec.patient_id[-3:]}; "
                              f"referred by Dr Test, Testville Medical Centre")
