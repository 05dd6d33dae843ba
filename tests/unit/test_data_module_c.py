"""Module C's shared datasets: harmonisation-lab features and booking invitations.

The regenerate-and-compare test for every manifest entry (these files included) is in
``test_data.py``; this file checks what the new files are *for*, measured independently of
``radcourse.harmonisation`` and ``radcourse.booking`` with numpy and scikit-learn directly.
"""

import shutil

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import recall_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from radcourse.data import (
    DatasetError,
    load_cxr_eval_features,
    load_cxr_train_features,
    load_dna_booking,
    loaders,
)
from radcourse.data.booking import make_dna_booking
from radcourse.data.cxr_features import make_cxr_eval_features, make_cxr_train_features
from radcourse.data.manifest import read_manifest
from tests.conftest import REPO

COMMITTED = REPO / "datasets"
REGENERATE = "python -m radcourse.data.build"
FEATURES = ["f0", "f1", "f2", "f3"]
FEATURE_COLUMNS = ["study_id", "site", "vendor", *FEATURES, "label", "split"]
BOOKING_COLUMNS = ["invite_id", "imd_quintile", "travel_min", "prior_dna", "age", "attended"]
NEW_FILES = ["cxr_train_features.csv", "cxr_eval_features.csv", "dna_booking.csv"]
LOADERS = [load_cxr_train_features, load_cxr_eval_features, load_dna_booking]


@pytest.fixture(autouse=True)
def _no_env_override(monkeypatch):
    monkeypatch.delenv(loaders.ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def train() -> pd.DataFrame:
    return load_cxr_train_features()


@pytest.fixture(scope="module")
def evaluation() -> pd.DataFrame:
    return load_cxr_eval_features()


@pytest.fixture(scope="module")
def invites() -> pd.DataFrame:
    return load_dna_booking()


@pytest.fixture
def copied(tmp_path, monkeypatch):
    folder = tmp_path / "datasets"
    shutil.copytree(COMMITTED, folder)
    monkeypatch.setenv(loaders.ENV_VAR, str(folder))
    return folder


def _datasheet() -> str:
    """DATASHEET.md with line breaks folded into spaces (prose paragraphs are re-wrapped)."""
    return " ".join((COMMITTED / "DATASHEET.md").read_text(encoding="utf-8").split())


# --- independent reference implementation of the lab ---------------------------------------------


def _fit(rows: pd.DataFrame, x: np.ndarray):
    return make_pipeline(StandardScaler(), LogisticRegression()).fit(x, rows["label"].astype(int))


def _by_vendor(model, evaluation: pd.DataFrame, x: np.ndarray) -> pd.DataFrame:
    scores = model.predict_proba(x)[:, 1]
    out = {}
    for vendor in ("A", "B", "C"):
        rows = (evaluation["vendor"] == vendor).to_numpy()
        y, s = evaluation["label"].to_numpy(dtype=int)[rows], scores[rows]
        out[vendor] = {"auc": roc_auc_score(y, s), "sens": recall_score(y, s >= 0.5),
                       "spec": recall_score(1 - y, s < 0.5)}
    return pd.DataFrame.from_dict(out, orient="index")


def _standardise(frame: pd.DataFrame, reference: pd.DataFrame) -> np.ndarray:
    """Each vendor's features as z-scores of its own reference scans' mean and SD."""
    stats = reference.groupby("vendor", observed=True)[FEATURES].agg(["mean", "std"])
    out = np.empty((len(frame), len(FEATURES)))
    for i, feature in enumerate(FEATURES):
        mean = stats[(feature, "mean")].reindex(frame["vendor"]).to_numpy()
        sd = stats[(feature, "std")].reindex(frame["vendor"]).to_numpy()
        out[:, i] = (frame[feature].to_numpy() - mean) / sd
    return out


@pytest.fixture(scope="module")
def scenarios(train, evaluation) -> dict[str, pd.DataFrame]:
    labelled = train[train["label"].notna()]
    reference = train[train["label"].isna()]
    baseline = _by_vendor(_fit(labelled, labelled[FEATURES].to_numpy()), evaluation,
                          evaluation[FEATURES].to_numpy())
    rng = np.random.default_rng(1)
    shares = {"A": 0.56, "B": 0.19, "C": 0.25}
    drawn = [labelled[labelled["vendor"] == v].sample(round(s * len(labelled)), replace=True,
                                                      random_state=rng)
             for v, s in shares.items()]
    mixed = pd.concat(drawn)
    rebalanced = _by_vendor(_fit(mixed, mixed[FEATURES].to_numpy()), evaluation,
                            evaluation[FEATURES].to_numpy())
    harmonised = _by_vendor(_fit(labelled, _standardise(labelled, reference)), evaluation,
                            _standardise(evaluation, reference))
    return {"baseline": baseline, "rebalanced": rebalanced, "harmonised": harmonised}


def _gap(column: pd.Series) -> float:
    return float(column.max() - column.min())


# --- harmonisation-lab features ------------------------------------------------------------------


def test_new_files_are_in_the_manifest():
    assert set(NEW_FILES) <= set(read_manifest(COMMITTED))


def test_feature_files_columns_and_types(train, evaluation):
    for frame in (train, evaluation):
        assert list(frame.columns) == FEATURE_COLUMNS
        assert frame["study_id"].is_unique
        assert (frame[FEATURES].dtypes == "float64").all() and frame["label"].dtype == "Int64"
        assert not frame[FEATURES].isna().any().any()
        assert list(frame["vendor"].cat.categories) == ["A", "B", "C"]
    assert not set(train["study_id"]) & set(evaluation["study_id"])


def test_training_file_mix_is_80_18_2_with_reference_scans(train):
    assert len(train) == 5_000
    labelled = train[train["split"] == "train"]
    assert labelled["label"].notna().all() and set(labelled["label"]) == {0, 1}
    shares = labelled["vendor"].value_counts(normalize=True)
    assert shares.to_dict() == pytest.approx({"A": 0.80, "B": 0.18, "C": 0.02})
    reference = train[train["split"] == "reference"]
    assert reference["label"].isna().all()
    assert reference["vendor"].value_counts().to_dict() == {"A": 200, "B": 200, "C": 200}
    assert set(train["split"]) == {"train", "reference"}


def test_evaluation_file_is_balanced_and_labelled(evaluation):
    assert evaluation["vendor"].value_counts().to_dict() == {"A": 1_000, "B": 1_000, "C": 1_000}
    assert evaluation["label"].notna().all() and set(evaluation["split"]) == {"eval"}
    prevalence = evaluation.groupby("vendor", observed=True)["label"].mean()
    assert prevalence.between(0.15, 0.25).all()


def test_vendor_c_is_on_a_lower_intensity_scale(train, evaluation):
    rows = pd.concat([train, evaluation])
    means = rows.groupby("vendor", observed=True)[FEATURES].mean()
    sds = rows.groupby("vendor", observed=True)[FEATURES].std()
    assert (means.loc["C"] < 0.85 * means.loc["A"]).all()
    assert (sds.loc["C"] < 0.9 * sds.loc["A"]).all()
    assert ((means.loc["B"] / means.loc["A"]).between(0.96, 1.08)).all()


def test_vendor_c_is_confounded_with_site(train):
    sites = set(train.loc[train["vendor"] == "C", "site"])
    assert sites <= {"Wales", "Northern Ireland"}


def test_design_target_baseline_equal_aucs_but_vendor_c_sensitivity_collapses(scenarios):
    baseline = scenarios["baseline"]
    assert _gap(baseline["auc"]) < 0.05, baseline
    assert baseline["auc"].between(0.85, 0.93).all(), baseline
    assert _gap(baseline["sens"]) > 0.20, baseline
    assert baseline["sens"].idxmin() == "C" and baseline.loc["C", "sens"] < 0.15


def test_design_target_rebalancing_does_not_fix_vendor_c(scenarios):
    baseline, rebalanced = scenarios["baseline"], scenarios["rebalanced"]
    assert _gap(rebalanced["sens"]) > 0.20, rebalanced
    assert rebalanced.loc["C", "sens"] - baseline.loc["C", "sens"] < 0.15


def test_design_target_harmonisation_closes_the_gap(scenarios):
    harmonised = scenarios["harmonised"]
    assert _gap(harmonised["sens"]) < 0.10, harmonised
    assert _gap(harmonised["spec"]) < 0.05 and (harmonised["spec"] > 0.90).all(), harmonised
    assert _gap(harmonised["auc"]) < 0.05


def test_datasheet_reports_the_measured_harmonisation_figures(scenarios):
    text = _datasheet()
    assert "## `cxr_train_features.csv` and `cxr_eval_features.csv`" in text
    assert "Synthetic: no patient data." in text
    for name, row_name in (("baseline", "Baseline mix"),
                           ("harmonised", "Baseline mix + harmonisation")):
        for vendor, r in scenarios[name].iterrows():
            assert f"| {row_name} | {vendor} | {r.auc:.3f} | {r.sens:.3f} | {r.spec:.3f} |" in text


def test_feature_generators_are_deterministic_and_seeded():
    pd.testing.assert_frame_equal(make_cxr_train_features(), make_cxr_train_features())
    pd.testing.assert_frame_equal(make_cxr_eval_features(), make_cxr_eval_features())
    assert not np.allclose(make_cxr_train_features(seed=1)["f0"], make_cxr_train_features()["f0"])


# --- booking invitations -------------------------------------------------------------------------


def test_booking_columns_and_ranges(invites):
    assert list(invites.columns) == BOOKING_COLUMNS
    assert len(invites) == 10_000 and invites["invite_id"].is_unique
    assert (invites[BOOKING_COLUMNS[1:]].dtypes == "int64").all()
    assert set(invites["imd_quintile"]) == {1, 2, 3, 4, 5}
    assert set(invites["prior_dna"]) == {0, 1} and set(invites["attended"]) == {0, 1}
    assert invites["age"].between(50, 70).all() and invites["travel_min"].between(3, 120).all()
    assert not invites.isna().any().any()
    assert 0.20 <= 1 - invites["attended"].mean() <= 0.40


def test_booking_dna_risk_rises_with_deprivation(invites):
    dna = 1 - invites["attended"]
    by_quintile = dna.groupby(invites["imd_quintile"]).mean()
    assert by_quintile.is_monotonic_decreasing, by_quintile  # quintile 1 = most deprived
    assert by_quintile[1] - by_quintile[5] > 0.15


def test_booking_dna_risk_rises_with_travel_and_prior_dna(invites):
    dna = 1 - invites["attended"]
    bands = pd.cut(invites["travel_min"], [0, 10, 20, 30, 45, 200])
    assert dna.groupby(bands, observed=True).mean().is_monotonic_increasing
    by_prior = dna.groupby(invites["prior_dna"]).mean()
    assert by_prior[1] - by_prior[0] > 0.25


def test_booking_logistic_coefficients_have_the_designed_signs(invites):
    x = invites[["imd_quintile", "travel_min", "prior_dna", "age"]]
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(x, 1 - invites["attended"])
    imd, travel, prior, age = model[-1].coef_[0]
    assert imd < 0 and travel > 0 and prior > 0 and age < 0


def test_booking_prior_dna_is_more_common_in_deprived_areas(invites):
    by_quintile = invites.groupby("imd_quintile")["prior_dna"].mean()
    assert by_quintile[1] > by_quintile[5] + 0.1


def test_datasheet_reports_the_measured_booking_figures(invites):
    text = _datasheet()
    assert "## `dna_booking.csv`" in text and "Synthetic: no patient data." in text
    dna = 1 - invites["attended"]
    for quintile, rate in dna.groupby(invites["imd_quintile"]).mean().items():
        assert f"| {quintile} | {(invites['imd_quintile'] == quintile).sum()} | " \
               f"{100 * rate:.1f}% |" in text


def test_booking_generator_is_deterministic():
    pd.testing.assert_frame_equal(make_dna_booking(), make_dna_booking())
    assert len(make_dna_booking(seed=1, n_invites=100)) == 100
    assert not make_dna_booking(seed=1).equals(make_dna_booking())


# --- loaders -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("loader", "name"), list(zip(LOADERS, NEW_FILES, strict=True)))
def test_corrupted_new_csv_is_refused(copied, loader, name):
    data = bytearray((copied / name).read_bytes())
    data[len(data) // 2] ^= 0x01
    (copied / name).write_bytes(bytes(data))
    with pytest.raises(DatasetError) as error:
        loader()
    message = str(error.value)
    assert name in message and "checksum" in message and REGENERATE in message


@pytest.mark.parametrize(("loader", "name"), list(zip(LOADERS, NEW_FILES, strict=True)))
def test_missing_new_csv_is_refused(copied, loader, name):
    (copied / name).unlink()
    with pytest.raises(DatasetError) as error:
        loader()
    message = str(error.value)
    assert name in message and "missing" in message and REGENERATE in message


def test_loaders_read_the_private_copy(copied):
    assert len(load_cxr_train_features()) == 5_000 and len(load_cxr_eval_features()) == 3_000
    assert len(load_dna_booking()) == 10_000
