"""Module B's shared datasets: leakage demo and reader study design targets, datasheet, loaders.

The regenerate-and-compare test for every manifest entry (these files included) is in
``test_data.py``; this file checks what the two new files are *for*, measured independently of
``radcourse.validation`` with scikit-learn directly.
"""

import shutil

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import cohen_kappa_score, recall_score, roc_auc_score
from sklearn.model_selection import GroupKFold, KFold, cross_val_predict

from radcourse.data import (
    READERS_OPERATING_THRESHOLD,
    DatasetError,
    load_leakage_demo,
    load_readers,
    loaders,
)
from radcourse.data.leakage import FEATURES, make_leakage_demo
from radcourse.data.manifest import read_manifest
from radcourse.data.readers import make_readers
from tests.conftest import REPO

COMMITTED = REPO / "datasets"
REGENERATE = "python -m radcourse.data.build"
FEATURE_COLUMNS = [f"f{i}" for i in range(10)]


@pytest.fixture(autouse=True)
def _no_env_override(monkeypatch):
    monkeypatch.delenv(loaders.ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def leak() -> pd.DataFrame:
    return load_leakage_demo()


@pytest.fixture(scope="module")
def readers() -> pd.DataFrame:
    return load_readers()


@pytest.fixture(scope="module")
def leak_aucs(leak) -> tuple[float, float]:
    """Image-split and patient-split pooled out-of-fold AUCs, RandomForest(200), 5 folds, seed 0."""
    x, y, groups = leak[FEATURE_COLUMNS].to_numpy(), leak["label"].to_numpy(), leak["patient_id"]
    model = RandomForestClassifier(n_estimators=200, random_state=0, n_jobs=1)
    image = cross_val_predict(model, x, y, cv=KFold(5, shuffle=True, random_state=0),
                              method="predict_proba")[:, 1]
    patient = cross_val_predict(model, x, y, cv=GroupKFold(5, shuffle=True, random_state=0),
                                groups=groups, method="predict_proba")[:, 1]
    return roc_auc_score(y, image), roc_auc_score(y, patient)


@pytest.fixture
def copied(tmp_path, monkeypatch):
    folder = tmp_path / "datasets"
    shutil.copytree(COMMITTED, folder)
    monkeypatch.setenv(loaders.ENV_VAR, str(folder))
    return folder


def _datasheet() -> str:
    """DATASHEET.md with line breaks folded into spaces (prose paragraphs are re-wrapped)."""
    return " ".join((COMMITTED / "DATASHEET.md").read_text(encoding="utf-8").split())


def _ai_sensitivity(readers: pd.DataFrame, reference: pd.Series) -> float:
    flagged = (readers["ai_score"] >= READERS_OPERATING_THRESHOLD).astype(int)
    return recall_score(reference, flagged)


def _references(readers: pd.DataFrame) -> dict[str, pd.Series]:
    return {"reader1": readers["reader1"], "reader2": readers["reader2"],
            "consensus": readers["reader1"] & readers["reader2"], "truth": readers["truth"]}


# --- leakage demo -------------------------------------------------------------------------------


def test_new_files_are_in_the_manifest():
    entries = read_manifest(COMMITTED)
    assert {"leakage_demo.csv", "readers_labels.csv"} <= set(entries)


def test_leakage_demo_shape_and_columns(leak):
    assert list(leak.columns) == ["patient_id", "image_id", *FEATURE_COLUMNS, "label"]
    assert list(FEATURES) == FEATURE_COLUMNS
    assert len(leak) == 1_600 and leak["image_id"].is_unique
    assert (leak.groupby("patient_id").size() == 4).all() and leak["patient_id"].nunique() == 400
    assert (leak[FEATURE_COLUMNS].dtypes == "float64").all() and leak["label"].dtype == "int64"
    assert set(leak["label"]) == {0, 1} and not leak.isna().any().any()


def test_leakage_label_is_constant_within_a_patient(leak):
    assert (leak.groupby("patient_id")["label"].nunique() == 1).all()
    assert 0.4 <= leak.groupby("patient_id")["label"].first().mean() <= 0.6


def test_leakage_images_of_a_patient_resemble_each_other(leak):
    """The fingerprint: most feature variance lies between patients, not within them."""
    within = leak.groupby("patient_id")[FEATURE_COLUMNS].var().mean().mean()
    total = leak[FEATURE_COLUMNS].var().mean()
    assert within / total < 0.15


def test_leakage_disease_signal_is_weak_per_feature(leak):
    patients = leak.groupby("patient_id")[[*FEATURE_COLUMNS, "label"]].mean()
    aucs = [roc_auc_score(patients["label"], patients[f]) for f in FEATURE_COLUMNS]
    assert max(aucs) < 0.70


def test_leakage_design_target_image_split_beats_patient_split_by_015(leak_aucs):
    image, patient = leak_aucs
    assert image - patient > 0.15, (image, patient)
    assert image > 0.85 and patient < 0.75


def test_datasheet_reports_the_measured_leakage_aucs(leak_aucs):
    image, patient = leak_aucs
    text = _datasheet()
    assert "## `leakage_demo.csv`" in text
    assert f"| {image:.3f} |" in text and f"| {patient:.3f} |" in text
    assert f"**{image - patient:.3f}**" in text


def test_leakage_generator_is_deterministic_and_seeded():
    pd.testing.assert_frame_equal(make_leakage_demo(), make_leakage_demo())
    other = make_leakage_demo(seed=1, n_patients=50)
    assert len(other) == 200 and not np.allclose(other["f0"], make_leakage_demo()["f0"][:200])


# --- reader study -------------------------------------------------------------------------------


def test_readers_shape_and_columns(readers):
    assert list(readers.columns) == ["case_id", "truth", "reader1", "reader2", "ai_score"]
    assert len(readers) == 500 and readers["case_id"].is_unique
    for column in ("truth", "reader1", "reader2"):
        assert set(readers[column]) == {0, 1} and readers[column].dtype == "int64"
    assert readers["ai_score"].between(0, 1).all() and not readers.isna().any().any()
    assert 0.2 <= readers["truth"].mean() <= 0.4


def test_readers_design_target_kappa(readers):
    kappa = cohen_kappa_score(readers["reader1"], readers["reader2"])
    assert 0.55 <= kappa <= 0.75, kappa


def test_readers_are_imperfect_against_the_truth(readers):
    for reader in ("reader1", "reader2"):
        assert 0.6 < recall_score(readers["truth"], readers[reader]) < 0.95
    assert readers["reader1"].sum() > readers["reader2"].sum()  # reader 1 is the cautious one


def test_ai_sensitivity_depends_on_the_reference(readers):
    sens = {name: _ai_sensitivity(readers, ref) for name, ref in _references(readers).items()}
    assert max(sens.values()) - min(sens.values()) > 0.05, sens
    assert roc_auc_score(readers["truth"], readers["ai_score"]) > 0.8


def test_datasheet_reports_the_measured_reader_figures(readers):
    text = _datasheet()
    assert "## `readers_labels.csv`" in text and "Synthetic: no patient data." in text
    kappa = cohen_kappa_score(readers["reader1"], readers["reader2"])
    assert f"Cohen's kappa **{kappa:.3f}**" in text
    for name, ref in _references(readers).items():
        assert f"| {int(ref.sum())} | {_ai_sensitivity(readers, ref):.3f} |" in text, name


def test_readers_generator_is_deterministic():
    pd.testing.assert_frame_equal(make_readers(), make_readers())
    assert not make_readers(seed=1).equals(make_readers())


# --- loaders ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("loader", "name"), [(load_leakage_demo, "leakage_demo.csv"),
                                              (load_readers, "readers_labels.csv")])
def test_corrupted_new_csv_is_refused(copied, loader, name):
    data = bytearray((copied / name).read_bytes())
    data[len(data) // 2] ^= 0x01
    (copied / name).write_bytes(bytes(data))
    with pytest.raises(DatasetError) as error:
        loader()
    message = str(error.value)
    assert name in message and "checksum" in message and REGENERATE in message


@pytest.mark.parametrize(("loader", "name"), [(load_leakage_demo, "leakage_demo.csv"),
                                              (load_readers, "readers_labels.csv")])
def test_missing_new_csv_is_refused(copied, loader, name):
    (copied / name).unlink()
    with pytest.raises(DatasetError) as error:
        loader()
    message = str(error.value)
    assert name in message and "missing" in message and REGENERATE in message


def test_loaders_read_the_private_copy(copied):
    assert len(load_leakage_demo()) == 1_600 and len(load_readers()) == 500
