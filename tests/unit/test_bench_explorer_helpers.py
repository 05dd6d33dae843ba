"""Pure helpers of ``benchmarks/explorer.py`` (no timing assertions here: the machine is noisy)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from benchmarks.common import REGISTRY
from benchmarks.explorer import (
    counts_from_confusion_matrix,
    grid_thresholds,
    latency_rows,
    percentile,
    sig,
)
from radcourse.metrics import confusion_counts


@pytest.mark.parametrize("q", [0, 10, 50, 90, 100, 37.5])
def test_percentile_matches_numpy(q):
    values = [12.0, 3.5, 40.0, 7.25, 7.25, 19.0, 88.0]
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_percentile_edges():
    assert percentile([5.0], 90) == 5.0
    assert percentile([1, 2, 3, 4], 50) == 2.5
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_sig_rounds_to_significant_figures():
    assert sig(1864.2) == 1860
    assert sig(7.1149) == 7.11
    assert sig(0.0012345) == 0.00123
    assert sig(-42.66, 2) == -43
    assert sig(0.0) == 0.0


def test_counts_from_confusion_matrix_agrees_with_confusion_counts():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    scores = rng.random(300)
    for t in (0.0, 0.3, 0.5, 0.99, 1.5):
        cm = confusion_matrix(y, scores >= t, labels=[0, 1])
        assert counts_from_confusion_matrix(cm) == confusion_counts(y, scores, t)


def test_grid_thresholds_are_on_the_grid_in_range_and_always_change():
    values = grid_thresholds(np.random.default_rng(0), 500, 0.01, 0.0, 1.0)
    assert len(values) == 500
    assert all(0.0 <= v <= 1.0 for v in values)
    assert all(abs(v * 100 - round(v * 100)) < 1e-9 for v in values)
    assert all(a != b for a, b in zip(values, values[1:], strict=False))
    with pytest.raises(ValueError):
        grid_thresholds(np.random.default_rng(0), 3, 1.0, 0.0, 0.5)


def test_latency_rows_budget_and_echo_ratios():
    samples = {
        "explorer": [40.0, 50.0, 60.0],
        "explorer_dom": [30.0, 40.0, 50.0],
        "echo": [20.0, 25.0, 30.0],
    }
    budget, vs_echo, p90 = latency_rows(samples)
    assert budget.value == 50.0 and budget.baseline == 150.0 and budget.target == 1.0
    assert budget.status == "PASS"
    assert vs_echo.ratio == pytest.approx(2.0) and vs_echo.target is None
    assert p90.value == pytest.approx(58.0) and p90.baseline == pytest.approx(29.0)


def test_registered():
    assert "explorer" in REGISTRY
