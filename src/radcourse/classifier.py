"""Pure helpers for notebook A2, *Anatomy of a classifier* (exercise A-Ex2).

The data are scikit-learn's bundled copy of the Breast Cancer Wisconsin (Diagnostic) data set:
569 cases, each described by 30 numbers computed from a digitised image of a **fine-needle
aspirate (FNA)** of a breast mass, that is, measurements of the *cell nuclei* seen down a
microscope (radius, texture, smoothness and so on). They are cytology features, **not** medical
images such as mammograms, and the model below never sees a picture. Nothing is downloaded: the
file ships inside scikit-learn.

The label-coding trap
---------------------
The data come coded **0 = malignant, 1 = benign** (``target_names == ["malignant", "benign"]``).
scikit-learn treats the class coded 1 as the *positive* class: ``predict_proba(X)[:, 1]`` is the
probability of class 1 and ``recall_score`` reports recall for class 1. Fit on the labels as
shipped and every "sensitivity" you compute is sensitivity for *benign*, which is the
specificity for malignancy. :func:`load_fna_data` therefore builds an explicit
``y_malignant = (target == 0)`` so that the positive class is cancer, and keeps the shipped
``target`` beside it so that notebook A2 can show the trap and the way out
(:func:`positive_class_comparison`).

Every number a notebook shows is computed here from the data, never typed in. Sensitivity and
specificity come from :mod:`radcourse.metrics` (a score ``>=`` the threshold is a positive call);
``tests/unit/test_classifier.py`` checks them against scikit-learn.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from radcourse.metrics import OperatingTable, confusion_counts, diagnostic_summary

__all__ = [
    "COMPLEXITY_CS",
    "FNA_NOTE",
    "FNAData",
    "RANDOM_STATE",
    "Split",
    "TEST_SIZE",
    "THRESHOLDS",
    "auc",
    "coefficient_table",
    "complexity_table",
    "counts_at",
    "fit_classifier",
    "label_counts",
    "load_fna_data",
    "positive_class_comparison",
    "positive_scores",
    "sensitivity_at",
    "specificity_at",
    "split_data",
    "threshold_figure",
    "threshold_table",
]

TEST_SIZE = 0.25
RANDOM_STATE = 42
#: Thresholds shown in A2's threshold table.
THRESHOLDS: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
#: Values of the hyperparameter C in A2's overfitting table (small C = simpler model).
COMPLEXITY_CS: tuple[float, ...] = (0.01, 0.1, 1.0, 100.0, 10_000.0)

FNA_NOTE = (
    "These are fine-needle aspirate (FNA) cytology features: 30 measurements of the cell nuclei "
    "in a digitised microscope image of a sample drawn from a breast mass. They are not medical "
    "images, and the model never sees a picture. As shipped, target 0 = malignant and "
    "1 = benign; y_malignant = (target == 0) makes cancer the positive class."
)


@dataclass(frozen=True)
class FNAData:
    """The breast-cancer FNA data with both label codings side by side.

    ``X``: 569 × 30 features (a DataFrame). ``target``: the labels as shipped (0 = malignant,
    1 = benign). ``y_malignant``: boolean, True for malignant (cancer is the positive class).
    ``target_names``: ``("malignant", "benign")``, the name of code 0 then code 1.
    """

    X: pd.DataFrame
    target: np.ndarray
    y_malignant: np.ndarray
    target_names: tuple[str, ...]
    note: str = FNA_NOTE

    @property
    def feature_names(self) -> list[str]:
        return list(self.X.columns)

    @property
    def n_cases(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_malignant(self) -> int:
        return int(self.y_malignant.sum())

    @property
    def n_benign(self) -> int:
        return self.n_cases - self.n_malignant


@dataclass(frozen=True)
class Split:
    """One train/test split of :class:`FNAData`, with both label codings for the same rows.

    ``y_train``/``y_test``: True = malignant. ``target_train``/``target_test``: as shipped
    (0 = malignant, 1 = benign).
    """

    X_train: pd.DataFrame
    X_test: pd.DataFrame
    y_train: np.ndarray
    y_test: np.ndarray
    target_train: np.ndarray
    target_test: np.ndarray

    @property
    def n_test(self) -> int:
        return int(self.X_test.shape[0])

    @property
    def n_malignant_test(self) -> int:
        return int(self.y_test.sum())


def load_fna_data() -> FNAData:
    """Load scikit-learn's bundled breast-cancer data (no download) and add ``y_malignant``.

    ``y_malignant = (target == 0)``: scikit-learn codes malignant as 0, so without this explicit
    flip the "positive" class would be benign.
    """
    bunch = load_breast_cancer(as_frame=True)
    target = bunch.target.to_numpy().astype(int)
    names = tuple(str(n) for n in bunch.target_names)
    if names[0] != "malignant":  # guard the note above against a change in scikit-learn
        raise RuntimeError(f"expected code 0 to be 'malignant', got target_names={names}")
    return FNAData(X=bunch.data, target=target, y_malignant=(target == 0), target_names=names)


def label_counts(data: FNAData) -> pd.DataFrame:
    """Cases per shipped code: the code, what it means, how many, and the class each coding makes
    positive."""
    rows = []
    for code, name in enumerate(data.target_names):
        rows.append(
            {
                "target code (as shipped)": code,
                "means": name,
                "cases": int(np.count_nonzero(data.target == code)),
                "scikit-learn's positive class if used as shipped?": "yes" if code == 1 else "no",
                "positive in y_malignant?": "yes" if name == "malignant" else "no",
            }
        )
    return pd.DataFrame(rows)


def split_data(
    data: FNAData, test_size: float = TEST_SIZE, random_state: int = RANDOM_STATE
) -> Split:
    """``train_test_split(test_size=0.25, stratify=y_malignant, random_state=42)``.

    Stratifying keeps the same share of malignant cases in the training and test sets. The same
    rows carry both codings, so a model fitted on ``target_train`` sees exactly the cases a model
    fitted on ``y_train`` sees: only the labels' coding differs.
    """
    idx = np.arange(data.n_cases)
    train, test = train_test_split(
        idx, test_size=test_size, stratify=data.y_malignant, random_state=random_state
    )
    return Split(
        X_train=data.X.iloc[train],
        X_test=data.X.iloc[test],
        y_train=data.y_malignant[train],
        y_test=data.y_malignant[test],
        target_train=data.target[train],
        target_test=data.target[test],
    )


def fit_classifier(X_train, y_train, C: float = 1.0) -> Pipeline:
    """Fit ``make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=1000))``.

    ``C`` is a hyperparameter (chosen by people before training; smaller C = a simpler model).
    The learned parameters end up in ``pipeline[-1].coef_`` and ``intercept_``. Whatever label is
    coded 1 (or True) in ``y_train`` becomes the positive class.
    """
    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=1000))
    return model.fit(X_train, y_train)


def positive_scores(model, X) -> np.ndarray:
    """The model's probability for the class coded 1 (True): ``predict_proba(X)[:, 1]``.

    That is inference: running the trained model on cases. Which disease state "class 1" means
    depends entirely on how the training labels were coded.
    """
    return np.asarray(model.predict_proba(X)[:, 1], dtype=float)


def counts_at(model, X, y_pos, threshold: float = 0.5) -> dict[str, int]:
    """``{"tp", "fp", "fn", "tn"}`` at ``threshold`` (score ``>=`` threshold is positive), with
    ``y_pos`` coded like the model's training labels (1/True = the model's positive class)."""
    tp, fp, fn, tn = confusion_counts(np.asarray(y_pos), positive_scores(model, X), threshold)
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn}


def sensitivity_at(model, X, y_pos, threshold: float = 0.5) -> float:
    """Sensitivity TP / (TP + FN) for the model's positive class, from :mod:`radcourse.metrics`.

    It is sensitivity *for whatever class is coded 1 in* ``y_pos``: pass ``y_malignant`` labels
    to get sensitivity for cancer.
    """
    c = counts_at(model, X, y_pos, threshold)
    return diagnostic_summary(c["tp"], c["fp"], c["fn"], c["tn"])["sensitivity"]


def specificity_at(model, X, y_pos, threshold: float = 0.5) -> float:
    """Specificity TN / (TN + FP) for the model's positive class, from :mod:`radcourse.metrics`."""
    c = counts_at(model, X, y_pos, threshold)
    return diagnostic_summary(c["tp"], c["fp"], c["fn"], c["tn"])["specificity"]


def auc(model, X, y_pos) -> float:
    """Area under the ROC curve of the positive-class scores (:class:`OperatingTable`)."""
    return OperatingTable(np.asarray(y_pos), positive_scores(model, X)).auc


def positive_class_comparison(split: Split, threshold: float = 0.5, C: float = 1.0) -> pd.DataFrame:
    """The "which class is positive?" trap, side by side.

    Fits the same pipeline on the same training rows twice: once on the labels as shipped
    (1 = benign, so benign is "positive") and once on ``y_malignant``. Returns one row per figure
    with its value, the counts behind it and what it really measures.
    """
    as_shipped = fit_classifier(split.X_train, split.target_train, C=C)
    malignant = fit_classifier(split.X_train, split.y_train, C=C)
    trap = counts_at(as_shipped, split.X_test, split.target_test, threshold)
    right = counts_at(malignant, split.X_test, split.y_test, threshold)

    def row(labels, figure, num, den, meaning):
        return {
            "labels used": labels,
            "figure reported": figure,
            "value": num / den if den else float("nan"),
            "counts": f"{num}/{den}",
            "what it really measures": meaning,
        }

    return pd.DataFrame(
        [
            row("as shipped (1 = benign)", "'sensitivity'", trap["tp"], trap["tp"] + trap["fn"],
                "benign cases correctly called benign: specificity for malignancy"),
            row("y_malignant (True = cancer)", "sensitivity", right["tp"],
                right["tp"] + right["fn"], "malignant cases the model found"),
            row("y_malignant (True = cancer)", "specificity", right["tn"],
                right["tn"] + right["fp"], "benign cases correctly called benign"),
        ]
    )


def coefficient_table(model, feature_names: Sequence[str], top: int | None = 8) -> pd.DataFrame:
    """The learned parameters: one logistic-regression weight (``coef_``) per feature.

    Sorted by size, largest first. Features were standardised, so weights are per standard
    deviation of the feature; a positive weight pushes a case towards the positive class.
    """
    weights = np.asarray(model[-1].coef_).ravel()
    names = list(feature_names)
    if len(names) != weights.size:
        raise ValueError(f"{len(names)} feature names for {weights.size} weights")
    table = pd.DataFrame({"feature": names, "weight (coef_)": weights})
    table["pushes towards"] = np.where(weights > 0, "positive class", "negative class")
    table = table.reindex(table["weight (coef_)"].abs().sort_values(ascending=False).index)
    table = table.reset_index(drop=True)
    return table if top is None else table.head(int(top))


def threshold_table(
    model, X, y_pos, thresholds: Iterable[float] = THRESHOLDS
) -> pd.DataFrame:
    """Counts, sensitivity and specificity at each threshold: the text equivalent of
    :func:`threshold_figure`."""
    rows = []
    for t in thresholds:
        c = counts_at(model, X, y_pos, float(t))
        s = diagnostic_summary(c["tp"], c["fp"], c["fn"], c["tn"])
        rows.append(
            {
                "threshold": float(t),
                "found (TP)": c["tp"],
                "missed (FN)": c["fn"],
                "false alarms (FP)": c["fp"],
                "correctly reassured (TN)": c["tn"],
                "sensitivity": s["sensitivity"],
                "specificity": s["specificity"],
            }
        )
    return pd.DataFrame(rows)


def threshold_figure(table: pd.DataFrame, ax=None):
    """Sensitivity and specificity against threshold, from :func:`threshold_table`.

    Draws on ``ax`` if given (in a notebook: ``fig, ax = plt.subplots()``, then ``plt.show()``);
    otherwise on a new, headless matplotlib Figure. Returns the figure, whose ``alt_text``
    attribute describes it in words; print the table beside it as the text equivalent.
    """
    from matplotlib.figure import Figure

    from radcourse.palette import colour

    if ax is None:
        fig = Figure(figsize=(6, 3.4), dpi=100)
        ax = fig.subplots()
    else:
        fig = ax.figure
    t = table["threshold"]
    ax.plot(t, table["sensitivity"], marker="o", color=colour("vermillion"),
            label="sensitivity (malignant cases found)")
    ax.plot(t, table["specificity"], marker="s", linestyle="--", color=colour("blue"),
            label="specificity (benign cases reassured)")
    ax.set_xlabel("threshold on the model's probability of malignancy")
    ax.set_ylabel("proportion")
    ax.set_ylim(0, 1.05)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.alt_text = (
        "Line chart: as the threshold rises from "
        f"{t.iloc[0]:g} to {t.iloc[-1]:g}, sensitivity falls from "
        f"{table['sensitivity'].iloc[0]:.3f} to {table['sensitivity'].iloc[-1]:.3f} and "
        f"specificity rises from {table['specificity'].iloc[0]:.3f} to "
        f"{table['specificity'].iloc[-1]:.3f}."
    )
    return fig


def complexity_table(split: Split, Cs: Iterable[float] = COMPLEXITY_CS) -> pd.DataFrame:
    """Training versus test performance as the hyperparameter C changes (overfitting).

    Large C lets the weights grow until the model fits the training cases almost perfectly; the
    gap between training and test accuracy is the sign of overfitting. For teaching only: choosing
    C by looking at the test set would itself leak the test set into the model. In practice C is
    chosen on a separate validation set or by cross-validation.
    """
    rows = []
    for C in Cs:
        model = fit_classifier(split.X_train, split.y_train, C=float(C))
        train_acc = float(np.mean(model.predict(split.X_train) == split.y_train))
        test_acc = float(np.mean(model.predict(split.X_test) == split.y_test))
        rows.append(
            {
                "C": float(C),
                "training accuracy": train_acc,
                "test accuracy": test_acc,
                "gap (training − test)": train_acc - test_acc,
                "test sensitivity at 0.5": sensitivity_at(model, split.X_test, split.y_test, 0.5),
            }
        )
    return pd.DataFrame(rows)
