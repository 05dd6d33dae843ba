"""radcourse.classifier (notebook A2): the data facts, the split, and the positive-class trap.

Every reference is computed here with scikit-learn itself, never typed in, except the counts that
the syllabus fixes for the bundled data (212 malignant / 357 benign; 143 test cases, 53 malignant).
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import recall_score, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from radcourse.classifier import (
    COMPLEXITY_CS,
    FNA_NOTE,
    auc,
    coefficient_table,
    complexity_table,
    counts_at,
    fit_classifier,
    label_counts,
    load_fna_data,
    positive_class_comparison,
    positive_scores,
    sensitivity_at,
    specificity_at,
    split_data,
    threshold_figure,
    threshold_table,
)


@pytest.fixture(scope="module")
def data():
    return load_fna_data()


@pytest.fixture(scope="module")
def split(data):
    return split_data(data)


@pytest.fixture(scope="module")
def model(split):
    return fit_classifier(split.X_train, split.y_train)


@pytest.fixture(scope="module")
def model_as_shipped(split):
    return fit_classifier(split.X_train, split.target_train)


def fit_classifier_c(model):
    return model.get_params()["logisticregression__C"]


# --- the data ---------------------------------------------------------------------------------


def test_counts_and_coding(data):
    assert data.X.shape == (569, 30)
    assert data.target_names == ("malignant", "benign")
    assert data.n_malignant == 212 and data.n_benign == 357
    assert int(np.count_nonzero(data.target == 0)) == 212
    assert data.y_malignant.dtype == bool
    np.testing.assert_array_equal(data.y_malignant, data.target == 0)
    assert "not medical" in FNA_NOTE and "fine-needle aspirate" in FNA_NOTE


def test_label_counts_table(data):
    table = label_counts(data)
    assert list(table["means"]) == ["malignant", "benign"]
    assert list(table["cases"]) == [212, 357]
    assert list(table["scikit-learn's positive class if used as shipped?"]) == ["no", "yes"]
    assert list(table["positive in y_malignant?"]) == ["yes", "no"]


# --- the split --------------------------------------------------------------------------------


def test_split_sizes(split):
    assert split.n_test == 143 and split.n_malignant_test == 53
    assert len(split.X_train) == 426 and int(split.y_train.sum()) == 212 - 53


def test_split_is_the_documented_train_test_split(data, split):
    from sklearn.model_selection import train_test_split

    _, X_test, _, y_test = train_test_split(
        data.X, data.y_malignant, test_size=0.25, stratify=data.y_malignant, random_state=42
    )
    assert list(X_test.index) == list(split.X_test.index)
    np.testing.assert_array_equal(y_test, split.y_test)


def test_both_codings_describe_the_same_rows(split):
    np.testing.assert_array_equal(split.y_test, split.target_test == 0)
    np.testing.assert_array_equal(split.y_train, split.target_train == 0)


# --- the model --------------------------------------------------------------------------------


def test_fit_classifier_is_the_scaled_logistic_pipeline(model):
    assert isinstance(model, Pipeline)
    assert isinstance(model[0], StandardScaler) and isinstance(model[-1], LogisticRegression)
    assert model[-1].max_iter == 1000 and model[-1].C == 1.0
    assert list(model.classes_) == [False, True]
    assert model[-1].coef_.shape == (1, 30)
    assert fit_classifier_c(model) == 1.0


def test_hyperparameter_c_is_passed_through(split):
    assert fit_classifier_c(fit_classifier(split.X_train, split.y_train, C=0.1)) == 0.1


def test_positive_scores_are_predict_proba_column_one(model, split):
    np.testing.assert_allclose(positive_scores(model, split.X_test),
                               model.predict_proba(split.X_test)[:, 1])


def test_sensitivity_matches_sklearn_recall_with_malignant_positive(model, split):
    ours = sensitivity_at(model, split.X_test, split.y_test, 0.5)
    predicted = positive_scores(model, split.X_test) >= 0.5
    assert ours == pytest.approx(recall_score(split.y_test, predicted))
    # the same figure from the shipped coding, telling scikit-learn that 0 (malignant) is positive
    shipped_pred = np.where(predicted, 0, 1)
    assert ours == pytest.approx(recall_score(split.target_test, shipped_pred, pos_label=0))
    assert ours == pytest.approx(49 / 53, abs=0.02)  # the prototype's figure, same sklearn pin


def test_specificity_and_auc(model, split):
    predicted = positive_scores(model, split.X_test) >= 0.5
    spec = specificity_at(model, split.X_test, split.y_test, 0.5)
    assert spec == pytest.approx(recall_score(~split.y_test, ~predicted))
    ref_auc = roc_auc_score(split.y_test, positive_scores(model, split.X_test))
    assert auc(model, split.X_test, split.y_test) == pytest.approx(ref_auc)
    assert ref_auc > 0.98


def test_counts_add_up(model, split):
    c = counts_at(model, split.X_test, split.y_test, 0.5)
    assert c["tp"] + c["fn"] == 53 and c["fp"] + c["tn"] == 90
    assert all(isinstance(v, int) for v in c.values())


# --- the trap ---------------------------------------------------------------------------------


def test_trap_sensitivity_is_specificity_for_malignancy(model, model_as_shipped, split):
    assert list(model_as_shipped.classes_) == [0, 1]  # 1 = benign is "positive"
    trap = counts_at(model_as_shipped, split.X_test, split.target_test, 0.5)
    right = counts_at(model, split.X_test, split.y_test, 0.5)
    # the mirrored model: its "positives" are the benign cases, so its TP/FN are our TN/FP
    assert (trap["tp"], trap["fn"]) == (right["tn"], right["fp"])
    trap_sens = sensitivity_at(model_as_shipped, split.X_test, split.target_test, 0.5)
    assert trap_sens == pytest.approx(specificity_at(model, split.X_test, split.y_test, 0.5))
    shipped_pred = model_as_shipped.predict(split.X_test)
    assert trap_sens == pytest.approx(recall_score(split.target_test, shipped_pred))
    assert trap_sens > sensitivity_at(model, split.X_test, split.y_test, 0.5)


def test_positive_class_comparison_table(split, model):
    table = positive_class_comparison(split)
    assert len(table) == 3
    trap, sens, spec = table["value"]
    assert trap == pytest.approx(spec)
    assert sens == pytest.approx(sensitivity_at(model, split.X_test, split.y_test, 0.5))
    assert table["counts"].iloc[1].endswith("/53") and table["counts"].iloc[2].endswith("/90")
    assert "specificity for malignancy" in table["what it really measures"].iloc[0]


# --- tables and figure ------------------------------------------------------------------------


def test_coefficient_table(model, data):
    table = coefficient_table(model, data.feature_names, top=None)
    assert len(table) == 30 and set(table["feature"]) == set(data.feature_names)
    size = table["weight (coef_)"].abs().to_numpy()
    assert np.all(size[:-1] >= size[1:])
    assert len(coefficient_table(model, data.feature_names)) == 8
    with pytest.raises(ValueError):
        coefficient_table(model, data.feature_names[:5])


def test_threshold_table_is_monotone(model, split):
    table = threshold_table(model, split.X_test, split.y_test)
    assert (table["found (TP)"] + table["missed (FN)"] == 53).all()
    assert table["sensitivity"].is_monotonic_decreasing
    assert table["specificity"].is_monotonic_increasing
    row = table.set_index("threshold").loc[0.5]
    assert row["sensitivity"] == pytest.approx(sensitivity_at(model, split.X_test, split.y_test))


def test_threshold_figure_has_alt_text(model, split):
    fig = threshold_figure(threshold_table(model, split.X_test, split.y_test))
    assert "sensitivity falls" in fig.alt_text and fig.axes


def test_complexity_table_shows_overfitting(split):
    table = complexity_table(split)
    assert list(table["C"]) == list(COMPLEXITY_CS)
    assert isinstance(table, pd.DataFrame)
    largest = table.iloc[-1]
    assert largest["training accuracy"] == pytest.approx(1.0)
    assert table["gap (training − test)"].idxmax() == len(table) - 1
    assert largest["test accuracy"] < table["test accuracy"].max()


def test_threshold_figure_draws_on_a_given_axes(model, split):
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    fig = threshold_figure(threshold_table(model, split.X_test, split.y_test), ax=ax)
    assert fig is ax.figure and len(ax.lines) == 2
