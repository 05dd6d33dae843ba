"""radcourse.booking: probability booking, selection by deprivation and the harm proxy (C-Ex3).

Contracts and input checks of every function, hand-worked answers, the shipped data's story
(double-booking rises with deprivation; demographic parity difference above 0) and a cross-check
of the parity difference against fairlearn (a test-only dependency).
"""

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import demographic_parity_difference as fl_demographic_parity_difference
from sklearn.pipeline import Pipeline

from radcourse.booking import (
    DEFAULT_MINUTES_PER_OVERBOOK,
    FEATURES,
    FEATURES_WITHOUT_IMD,
    demographic_parity_difference,
    double_booking_policy,
    extra_wait_for_attenders,
    selection_by_group,
    train_dna_model,
)
from radcourse.data import load_dna_booking


@pytest.fixture(scope="module")
def invites() -> pd.DataFrame:
    return load_dna_booking()


@pytest.fixture(scope="module")
def model(invites):
    return train_dna_model(invites)


@pytest.fixture(scope="module")
def booked(model, invites) -> pd.DataFrame:
    return double_booking_policy(model, invites, top_share=0.10)


@pytest.fixture(scope="module")
def booked_without_imd(invites) -> pd.DataFrame:
    return double_booking_policy(train_dna_model(invites, include_imd=False), invites, 0.10)


class _FixedRisk:
    """A stand-in model whose predicted DNA risk is the frame's ``risk`` column."""

    feature_names_in_ = np.array(["risk"])

    def predict_proba(self, x):
        risk = np.asarray(x["risk"], dtype=float)
        return np.column_stack([1 - risk, risk])


def _hand_frame() -> pd.DataFrame:
    """Two groups of four; three double-booked, two of whom attend."""
    return pd.DataFrame({
        "imd_quintile": [1, 1, 1, 1, 5, 5, 5, 5],
        "attended": [1, 0, 1, 1, 1, 1, 0, 1],
        "double_booked": [True, True, False, False, True, False, False, False],
    })  # fmt: skip


# --- the story on the shipped data ---------------------------------------------------------------


def test_selection_rate_rises_with_deprivation(booked):
    table = selection_by_group(booked)
    assert list(table.index) == [1, 2, 3, 4, 5]
    assert table["selection_rate"].is_monotonic_decreasing, table  # quintile 1 = most deprived
    assert table.loc[1, "selection_rate"] > 3 * table.loc[5, "selection_rate"]


def test_demographic_parity_difference_is_positive(booked, booked_without_imd):
    with_imd = demographic_parity_difference(booked)
    without_imd = demographic_parity_difference(booked_without_imd)
    assert with_imd > 0.15 and 0 < without_imd < with_imd
    rates = selection_by_group(booked)["selection_rate"]
    assert with_imd == pytest.approx(rates.max() - rates.min())


def test_leaving_imd_out_still_double_books_the_deprived_more(booked_without_imd):
    rates = selection_by_group(booked_without_imd)["selection_rate"]
    assert rates[1] > rates[5]


def test_demographic_parity_difference_matches_fairlearn(booked):
    expected = fl_demographic_parity_difference(
        1 - booked["attended"], booked["double_booked"].astype(int),
        sensitive_features=booked["imd_quintile"])
    assert demographic_parity_difference(booked) == pytest.approx(expected, abs=1e-12)


def test_extra_wait_falls_most_on_deprived_attenders(booked):
    wait = extra_wait_for_attenders(booked)
    per_100 = wait["extra_wait_per_100_attenders_min"]
    assert per_100.is_monotonic_decreasing and per_100[1] > 5 * per_100[5]
    assert wait["extra_wait_per_double_booked_attender_min"].nunique() == 1


# --- train_dna_model -----------------------------------------------------------------------------


def test_train_dna_model_inputs_and_signs(model, invites):
    assert isinstance(model, Pipeline) and list(model.feature_names_in_) == list(FEATURES)
    travel, prior, age, imd = model.named_steps["logreg"].coef_[0]
    assert travel > 0 and prior > 0 and age < 0 and imd < 0  # quintile 1 = most deprived
    without = train_dna_model(invites, include_imd=False)
    assert list(without.feature_names_in_) == list(FEATURES_WITHOUT_IMD)


def test_train_dna_model_predicts_dna_not_attendance(model, invites):
    risk = model.predict_proba(invites[list(FEATURES)])[:, 1]
    dna = invites["attended"] == 0
    assert risk[dna].mean() > risk[~dna].mean()
    assert risk.mean() == pytest.approx(dna.mean(), abs=0.01)


def test_train_dna_model_is_deterministic(invites):
    first, second = train_dna_model(invites, seed=1), train_dna_model(invites, seed=1)
    assert np.array_equal(first.named_steps["logreg"].coef_, second.named_steps["logreg"].coef_)


def test_train_dna_model_rejects_bad_input(invites):
    with pytest.raises(ValueError, match="'travel_min'"):
        train_dna_model(invites.drop(columns="travel_min"))
    with pytest.raises(ValueError, match="'imd_quintile'"):
        train_dna_model(invites.drop(columns="imd_quintile"))
    train_dna_model(invites.drop(columns="imd_quintile"), include_imd=False)  # not needed then
    with pytest.raises(ValueError, match="include_imd must be True or False"):
        train_dna_model(invites, include_imd="no")
    with pytest.raises(ValueError, match="seed"):
        train_dna_model(invites, seed=-2)
    with pytest.raises(ValueError, match="both attenders and non-attenders"):
        train_dna_model(invites[invites["attended"] == 1])
    with pytest.raises(ValueError, match="only 0 and 1"):
        train_dna_model(invites.assign(attended=invites["attended"] * 2))
    with pytest.raises(ValueError, match="'age' has 1 missing"):
        train_dna_model(invites.assign(age=invites["age"].where(invites.index != 0)))
    with pytest.raises(ValueError, match="'age' must hold numbers"):
        train_dna_model(invites.assign(age=invites["age"].astype(str)))
    with pytest.raises(ValueError, match="DataFrame"):
        train_dna_model([1, 2, 3])


# --- double_booking_policy -----------------------------------------------------------------------


def test_policy_books_exactly_the_top_share(booked, invites):
    assert booked["double_booked"].dtype == bool and booked["double_booked"].sum() == 1_000
    assert booked["dna_risk"][booked["double_booked"]].min() >= booked["dna_risk"][
        ~booked["double_booked"]].max()
    assert "dna_risk" not in invites.columns  # a copy; the input is untouched
    assert list(booked.columns) == [*invites.columns, "dna_risk", "double_booked"]


def test_policy_rounding_and_ties_by_hand():
    frame = pd.DataFrame({"risk": [0.2, 0.9, 0.5, 0.9, 0.1]})
    assert double_booking_policy(_FixedRisk(), frame, 0.1)["double_booked"].tolist() == [
        False, True, False, False, False]  # 0.5 of a booking rounds up; first of the tie
    assert double_booking_policy(_FixedRisk(), frame, 0.4)["double_booked"].tolist() == [
        False, True, False, True, False]
    assert not double_booking_policy(_FixedRisk(), frame, 0.0)["double_booked"].any()
    assert double_booking_policy(_FixedRisk(), frame, 1.0)["double_booked"].all()


@pytest.mark.parametrize("share", [-0.1, 1.5, 10, "10%", True, float("nan")])
def test_policy_rejects_bad_top_share(model, invites, share):
    with pytest.raises(ValueError, match="top_share"):
        double_booking_policy(model, invites, share)


def test_policy_rejects_bad_models_and_frames(model, invites):
    with pytest.raises(ValueError, match="train_dna_model"):
        double_booking_policy(object(), invites)
    with pytest.raises(ValueError, match="'prior_dna'"):
        double_booking_policy(model, invites.drop(columns="prior_dna"))


# --- selection_by_group, demographic_parity_difference ------------------------------------------


def test_selection_by_group_by_hand():
    table = selection_by_group(_hand_frame())
    assert table["n"].tolist() == [4, 4] and table["n_double_booked"].tolist() == [2, 1]
    assert table["selection_rate"].tolist() == [0.5, 0.25]
    assert table["dna_rate"].tolist() == [0.25, 0.25]
    assert table["dna_caught"].tolist() == [1.0, 0.0]
    assert table["double_booked_dna_rate"].tolist() == [0.5, 0.0]
    assert (table["selection_rate_low"] <= table["selection_rate"]).all()
    assert demographic_parity_difference(_hand_frame()) == 0.25


def test_selection_by_group_without_outcomes():
    future = _hand_frame().drop(columns="attended")
    table = selection_by_group(future)
    assert table["selection_rate"].tolist() == [0.5, 0.25] and "dna_rate" not in table.columns
    assert demographic_parity_difference(future) == 0.25


def test_selection_by_group_matches_pandas(booked):
    table = selection_by_group(booked)
    expected = booked.groupby("imd_quintile")["double_booked"].mean()
    assert np.allclose(table["selection_rate"], expected)
    by_age = selection_by_group(booked.assign(over_60=booked["age"] > 60), group_col="over_60")
    assert list(by_age.index) == [False, True]


def test_selection_by_group_rejects_bad_input(invites):
    with pytest.raises(ValueError, match="'double_booked'"):
        selection_by_group(invites)
    with pytest.raises(ValueError, match="True/False"):
        selection_by_group(_hand_frame().assign(double_booked=0.3))
    with pytest.raises(ValueError, match="'region'"):
        selection_by_group(_hand_frame(), group_col="region")
    gappy = _hand_frame().astype({"imd_quintile": "float"})
    gappy.loc[0, "imd_quintile"] = np.nan
    with pytest.raises(ValueError, match="missing"):
        demographic_parity_difference(gappy)


# --- extra_wait_for_attenders ---------------------------------------------------------------------


def test_extra_wait_by_hand():
    wait = extra_wait_for_attenders(_hand_frame(), minutes_per_overbook=12)
    partner = 6 / 8  # the frame's attendance rate
    assert wait["n_attended"].tolist() == [3, 3]
    assert wait["attenders_double_booked"].tolist() == [1, 1]
    assert wait["extra_wait_per_double_booked_attender_min"].tolist() == [12 * partner] * 2
    assert wait["expected_extra_wait_min"].tolist() == [12 * partner] * 2
    assert wait["share_of_attenders_double_booked"].tolist() == [1 / 3, 1 / 3]
    per_100 = wait["extra_wait_per_100_attenders_min"].tolist()
    assert per_100 == pytest.approx([100 * 12 * partner / 3] * 2)
    fixed = extra_wait_for_attenders(_hand_frame(), 10, partner_attendance=1.0)
    assert fixed["expected_extra_wait_min"].tolist() == [10.0, 10.0]
    assert extra_wait_for_attenders(_hand_frame(), 0)["expected_extra_wait_min"].sum() == 0


def test_extra_wait_default_minutes(booked):
    wait = extra_wait_for_attenders(booked)
    per_attender = DEFAULT_MINUTES_PER_OVERBOOK * booked["attended"].mean()
    assert wait["extra_wait_per_double_booked_attender_min"].iloc[0] == pytest.approx(per_attender)
    attenders_booked = (booked["attended"] == 1) & booked["double_booked"]
    assert wait["attenders_double_booked"].sum() == attenders_booked.sum()


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"minutes_per_overbook": -5}, "minutes_per_overbook"),
    ({"minutes_per_overbook": "10"}, "minutes_per_overbook"),
    ({"partner_attendance": 1.5}, "partner_attendance"),
    ({"group_col": "region"}, "'region'"),
])  # fmt: skip
def test_extra_wait_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        extra_wait_for_attenders(_hand_frame(), **kwargs)


def test_extra_wait_needs_outcomes_and_bookings(invites):
    with pytest.raises(ValueError, match="'double_booked'"):
        extra_wait_for_attenders(invites)
    with pytest.raises(ValueError, match="'attended'"):
        extra_wait_for_attenders(_hand_frame().drop(columns="attended"))


def test_categorical_groups_keep_their_order(booked):
    labels = pd.Categorical(booked["imd_quintile"].map({1: "most", 2: "q2", 3: "q3", 4: "q4",
                                                        5: "least"}),
                            categories=["most", "q2", "q3", "q4", "least"])
    named = booked.assign(deprivation=labels)
    for table in (selection_by_group(named, "deprivation"),
                  extra_wait_for_attenders(named, group_col="deprivation")):
        assert list(table.index) == ["most", "q2", "q3", "q4", "least"]
