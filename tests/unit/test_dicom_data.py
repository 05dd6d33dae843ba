"""The synthetic DICOM studies: readable, realistic identifying headers, fixed UIDs and dates."""

import numpy as np
import pydicom
import pytest
from pydicom.pixels import apply_modality_lut
from pydicom.uid import PYDICOM_ROOT_UID, UID, ExplicitVRLittleEndian

from radcourse.data import list_dicom_studies, load_dicom_study
from radcourse.data.dicom_studies import PRIVATE_CREATOR, PRIVATE_GROUP, STUDIES, study_uid
from tests.conftest import REPO

DICOM = REPO / "datasets" / "dicom"
EXPECTED = {  # name: (modality, rows, columns, bits stored)
    "CR_chest": ("CR", 256, 256, 12),
    "CT_head": ("CT", 128, 128, 12),
    "MG_screening": ("MG", 256, 256, 12),
    "MR_brain": ("MR", 160, 160, 16),
}
IDENTIFYING = ["PatientName", "PatientID", "PatientBirthDate", "PatientSex", "PatientAddress",
               "AccessionNumber", "InstitutionName", "ReferringPhysicianName", "OperatorsName",
               "StationName", "DeviceSerialNumber"]
DATES = ["StudyDate", "SeriesDate", "AcquisitionDate", "ContentDate"]
TIMES = ["StudyTime", "SeriesTime", "AcquisitionTime", "ContentTime"]
UID_ROLES = {"StudyInstanceUID": "study", "SeriesInstanceUID": "series",
             "SOPInstanceUID": "instance"}

specs = pytest.mark.parametrize("spec", STUDIES, ids=[s.name for s in STUDIES])


def _read(spec):
    return pydicom.dcmread(DICOM / f"{spec.name}.dcm")


def test_the_expected_studies_are_shipped():
    assert list_dicom_studies() == sorted(EXPECTED)
    assert sorted(s.name for s in STUDIES) == sorted(EXPECTED)


@specs
def test_study_is_a_valid_explicit_little_endian_file(spec):
    raw = (DICOM / f"{spec.name}.dcm").read_bytes()
    assert raw[128:132] == b"DICM"
    ds = _read(spec)
    assert ds.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
    assert ds.file_meta.MediaStorageSOPClassUID == ds.SOPClassUID
    assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID


@specs
def test_study_carries_fictional_identifying_data(spec):
    ds = _read(spec)
    for keyword in IDENTIFYING:
        assert str(ds.get(keyword, "")).strip(), f"{spec.name} lacks {keyword}"
    assert str(ds.PatientName).startswith("TEST^")
    block = ds.private_block(PRIVATE_GROUP, PRIVATE_CREATOR)
    assert block[0x01].value == ds.PatientName
    assert ds.PatientID in block[0x02].value


@specs
def test_uids_are_valid_and_deterministic(spec):
    ds = _read(spec)
    for keyword, role in UID_ROLES.items():
        uid = UID(ds[keyword].value)
        assert uid.is_valid and uid.startswith(PYDICOM_ROOT_UID), keyword
        assert uid == study_uid(spec, role), keyword


def test_uids_differ_between_studies():
    uids = [_read(s)[k].value for s in STUDIES for k in UID_ROLES]
    assert len(set(uids)) == len(uids)


def test_ct_study_uid_leaks_its_date_on_purpose():
    ds = load_dicom_study("CT_head")
    assert f"{ds.StudyDate}{ds.StudyTime}" in ds.StudyInstanceUID
    others = [_read(s) for s in STUDIES if s.name != "CT_head"]
    assert not any(o.StudyDate in o.StudyInstanceUID for o in others)


@specs
def test_dates_and_times_are_fixed(spec):
    ds = _read(spec)
    assert [ds[k].value for k in DATES] == [spec.study_date] * len(DATES)
    assert [ds[k].value for k in TIMES] == [spec.study_time] * len(TIMES)
    assert ds.PatientBirthDate < ds.StudyDate


@specs
def test_pixel_data_decodes_to_a_phantom(spec):
    ds = load_dicom_study(spec.name)
    modality, rows, columns, bits = EXPECTED[spec.name]
    assert ds.Modality == modality and ds.BitsStored == bits
    assert ds.PhotometricInterpretation == "MONOCHROME2"
    pixels = ds.pixel_array
    assert pixels.shape == (rows, columns) and pixels.dtype == np.uint16
    assert int(pixels.max()) < 2**bits
    assert int(pixels.max()) - int(pixels.min()) > 1000  # structure, not just noise


def test_ct_rescales_to_hounsfield_units():
    ds = load_dicom_study("CT_head")
    hu = apply_modality_lut(ds.pixel_array, ds)
    assert hu[0, 0] < -900  # air outside the head
    assert 20 < np.median(hu[54:74, 30:40]) < 60  # brain parenchyma
