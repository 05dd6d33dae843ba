"""The shared synthetic datasets: regenerate-and-compare, design targets, and the loaders' errors."""

import os
import shutil

import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix, roc_auc_score

from radcourse.data import (
    CXR_OPERATING_THRESHOLD,
    DatasetError,
    datasets_dir,
    list_dicom_studies,
    load_cxr_triage,
    load_dicom_study,
    load_screening,
    loaders,
    verify_datasets,
)
from radcourse.data.build import main as build_main
from radcourse.data.manifest import MANIFEST_NAME, content_sha256, file_sha256, read_manifest
from tests.conftest import REPO

COMMITTED = REPO / "datasets"
UNLISTED = {MANIFEST_NAME, ".gitattributes"}
REGENERATE = "python -m radcourse.data.build"
FOUR_NATIONS = ["England", "Scotland", "Wales", "Northern Ireland"]


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    out = tmp_path_factory.mktemp("rebuilt")
    build_main(["--out", str(out)])
    return out


@pytest.fixture(autouse=True)
def _no_env_override(monkeypatch):
    monkeypatch.delenv(loaders.ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def cxr() -> pd.DataFrame:
    return load_cxr_triage()


@pytest.fixture(scope="module")
def screening() -> pd.DataFrame:
    return load_screening()


@pytest.fixture
def copied(tmp_path, monkeypatch):
    """A private copy of the datasets that the loaders use instead of the committed ones."""
    folder = tmp_path / "datasets"
    shutil.copytree(COMMITTED, folder)
    monkeypatch.setenv(loaders.ENV_VAR, str(folder))
    return folder


def _files_under(root):
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _flip_byte(path, offset=None):
    data = bytearray(path.read_bytes())
    offset = len(data) // 2 if offset is None else offset
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _sensitivity(frame: pd.DataFrame) -> float:
    flagged = frame["ai_score"] >= CXR_OPERATING_THRESHOLD
    _, _, fn, tp = confusion_matrix(frame["label"], flagged, labels=[0, 1]).ravel()
    return tp / (tp + fn)


def _vendor_aucs(cxr: pd.DataFrame) -> pd.Series:
    return cxr.groupby("vendor").apply(lambda g: roc_auc_score(g["label"], g["ai_score"]))


def _vendor_sensitivities(cxr: pd.DataFrame) -> pd.Series:
    return cxr.groupby("vendor").apply(_sensitivity)


# --- regenerate and compare ---------------------------------------------------------------------


def test_regenerated_manifest_matches_the_committed_one(rebuilt):
    committed, fresh = read_manifest(COMMITTED), read_manifest(rebuilt)
    assert fresh.keys() == committed.keys()
    for path, entry in committed.items():
        assert fresh[path]["sha256"] == entry["sha256"], f"{path}: bytes differ"
        assert fresh[path]["content_sha256"] == entry["content_sha256"], f"{path}: content differs"
    assert (rebuilt / MANIFEST_NAME).read_bytes() == (COMMITTED / MANIFEST_NAME).read_bytes()


def test_regenerated_folder_holds_the_same_files(rebuilt):
    assert _files_under(rebuilt) == _files_under(COMMITTED)
    assert _files_under(COMMITTED) == set(read_manifest(COMMITTED)) | UNLISTED


def test_committed_files_match_their_manifest_entries():
    for path, entry in read_manifest(COMMITTED).items():
        assert (COMMITTED / path).stat().st_size == entry["bytes"], path
        assert file_sha256(COMMITTED / path) == entry["sha256"], path
        assert content_sha256(COMMITTED / path) == entry["content_sha256"], path


def test_datasets_stay_small():
    total = sum((COMMITTED / p).stat().st_size for p in _files_under(COMMITTED))
    assert total < 20e6


# --- screening cohort ---------------------------------------------------------------------------


def test_screening_columns_and_ranges(screening):
    expected = ["exam_id", "client_id", "age", "site", "vendor", "ai_score", "cancer"]
    assert list(screening.columns) == expected
    assert len(screening) == 20_000 and screening["exam_id"].is_unique
    assert screening["age"].between(50, 70).all()
    assert screening["ai_score"].between(0, 1).all()
    assert set(screening["cancer"]) == {0, 1} and screening["cancer"].dtype == "int64"
    assert screening["vendor"].nunique() == 2 and screening["site"].nunique() >= 3


def test_screening_has_clients_screened_again_three_years_later(screening):
    ages = screening.groupby("client_id")["age"].agg(["min", "max", "size"])
    repeated = ages[ages["size"] > 1]
    assert len(repeated) >= 1_000
    assert (repeated["size"] == 2).all() and (repeated["max"] - repeated["min"] == 3).all()


def test_screening_prevalence_and_auc(screening):
    assert 0.008 <= screening["cancer"].mean() <= 0.010
    assert 0.90 <= roc_auc_score(screening["cancer"], screening["ai_score"]) <= 0.93


# --- chest radiograph triage cohort -------------------------------------------------------------


def test_cxr_columns_and_values(cxr):
    expected = ["study_id", "patient_id", "site", "vendor", "sex", "age_band", "imd_quintile",
                "label", "ai_score"]
    assert list(cxr.columns) == expected
    assert 11_000 <= len(cxr) <= 13_000 and cxr["study_id"].is_unique
    assert list(cxr["site"].cat.categories) == FOUR_NATIONS
    assert set(cxr["site"]) == set(FOUR_NATIONS) and set(cxr["vendor"]) == {"A", "B", "C"}
    assert set(cxr["imd_quintile"]) == {1, 2, 3, 4, 5}
    assert set(cxr["label"]) == {0, 1} and cxr["label"].dtype == "int64"
    assert cxr["ai_score"].between(0, 1).all() and not cxr.isna().any().any()
    assert 0.10 <= cxr["label"].mean() <= 0.20


def test_cxr_vendor_aucs_are_within_005(cxr):
    aucs = _vendor_aucs(cxr)
    assert aucs.max() - aucs.min() < 0.05, aucs.to_dict()


def test_cxr_overall_sensitivity_at_operating_threshold(cxr):
    assert CXR_OPERATING_THRESHOLD == 0.5
    assert 0.80 <= _sensitivity(cxr) <= 0.95


def test_cxr_vendor_sensitivity_gap_exceeds_020(cxr):
    sens = _vendor_sensitivities(cxr)
    assert sens.max() - sens.min() > 0.20, sens.to_dict()
    assert sens.idxmin() == "C"


def test_cxr_has_a_subgroup_under_5_percent(cxr):
    columns = ["site", "vendor", "sex", "age_band", "imd_quintile"]
    smallest = min(cxr[c].value_counts(normalize=True).min() for c in columns)
    assert smallest < 0.05


def test_datasheet_reports_the_measured_vendor_figures(cxr):
    text = (COMMITTED / "DATASHEET.md").read_text(encoding="utf-8")
    assert "Synthetic. No patient data." in text and "CC BY 4.0" in text
    for vendor, auc in _vendor_aucs(cxr).items():
        sens = _sensitivity(cxr[cxr["vendor"] == vendor])
        assert f"| {vendor} |" in text and f"| {auc:.3f} | {sens:.3f} |" in text


# --- loaders ------------------------------------------------------------------------------------


def test_datasets_dir_defaults_to_the_repository_folder():
    assert datasets_dir() == COMMITTED.resolve()
    verify_datasets()


def test_datasets_dir_honours_the_environment_variable(copied):
    assert datasets_dir() == copied.resolve()


def test_datasets_dir_searches_upward_from_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(loaders, "PACKAGE_DATASETS", tmp_path / "nowhere")
    (tmp_path / "course" / "datasets").mkdir(parents=True)
    (tmp_path / "course" / "datasets" / MANIFEST_NAME).write_text("{}")
    (tmp_path / "course" / "modules").mkdir()
    monkeypatch.chdir(tmp_path / "course" / "modules")
    assert datasets_dir() == tmp_path / "course" / "datasets"


def test_datasets_dir_explains_how_to_point_at_the_data(tmp_path, monkeypatch):
    monkeypatch.setattr(loaders, "PACKAGE_DATASETS", tmp_path / "nowhere")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatasetError, match=loaders.ENV_VAR):
        datasets_dir()


def test_loaders_return_proper_dtypes(cxr, screening):
    assert isinstance(cxr["vendor"].dtype, pd.CategoricalDtype)
    assert cxr["age_band"].cat.ordered
    assert screening["age"].dtype == "int64" and screening["ai_score"].dtype == "float64"


def test_corrupted_csv_is_refused(copied):
    _flip_byte(copied / "cxr_multisite.csv")
    with pytest.raises(DatasetError) as error:
        load_cxr_triage()
    message = str(error.value)
    assert "cxr_multisite.csv" in message and "checksum" in message and REGENERATE in message


def test_missing_csv_is_refused(copied):
    (copied / "screening_scores.csv").unlink()
    with pytest.raises(DatasetError) as error:
        load_screening()
    message = str(error.value)
    assert "screening_scores.csv" in message and "checksum" in message and REGENERATE in message


def test_corrupted_dicom_is_refused(copied):
    _flip_byte(copied / "dicom" / "CT_head.dcm", offset=-10)
    with pytest.raises(DatasetError, match="CT_head.dcm.*checksum"):
        load_dicom_study("CT_head")


def test_verify_datasets_names_every_failing_file(copied):
    _flip_byte(copied / "DATASHEET.md")
    (copied / "dicom" / "MR_brain.dcm").unlink()
    with pytest.raises(DatasetError) as error:
        verify_datasets()
    message = str(error.value)
    assert "DATASHEET.md" in message and "MR_brain.dcm" in message and REGENERATE in message


def test_missing_manifest_is_explained(copied):
    (copied / MANIFEST_NAME).unlink()
    with pytest.raises(DatasetError, match=f"{MANIFEST_NAME} is missing.*{REGENERATE}"):
        load_screening()


def test_verification_is_cached_until_the_file_changes(copied, monkeypatch):
    calls = []
    monkeypatch.setattr(loaders, "file_sha256", lambda p: calls.append(p) or file_sha256(p))
    load_screening()
    load_screening()
    assert len(calls) == 1
    path = copied / "screening_scores.csv"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    load_screening()
    assert len(calls) == 2


def test_unknown_dicom_study_lists_the_valid_names():
    with pytest.raises(DatasetError) as error:
        load_dicom_study("chest")
    assert "'chest'" in str(error.value)
    for name in list_dicom_studies():
        assert name in str(error.value)
