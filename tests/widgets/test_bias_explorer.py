"""BiasExplorer driven headless: set ``.value`` on controls, assert on Python state.

The state must equal what :mod:`radcourse.fairness` computes from scratch (``subgroup_metrics``,
``flag_gaps``, ``per_group_thresholds``, ``threshold_trade_offs``); never pixels or
``Output.outputs``.
"""

from __future__ import annotations

import html
import math
import re

import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest

import radcourse.fairness as fairness
from radcourse.data import CXR_OPERATING_THRESHOLD
from radcourse.fairness import (
    flag_gaps,
    per_group_thresholds,
    subgroup_metrics,
    threshold_trade_offs,
)
from radcourse.widgets.bias import MEASURES, PER_GROUP, SINGLE, BiasExplorer

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
GROUPINGS = ("site", "vendor", "sex", "age_band", "imd_quintile")
ROW = re.compile(r'<tr data-group="([^"]*)" data-metric="([^"]*)" data-value="([^"]*)" '
                 r'data-low="([^"]*)" data-high="([^"]*)" data-gap="([^"]*)" '
                 r'data-flagged="(true|false)" data-n="(\d+)" data-threshold="([^"]*)">')


@pytest.fixture(scope="module")
def cxr() -> pd.DataFrame:
    from radcourse.data import load_cxr_triage

    return load_cxr_triage()


@pytest.fixture(scope="module")
def explorer() -> BiasExplorer:
    return BiasExplorer.from_dataset("cxr_triage")


def small_frame(seed: int = 0) -> pd.DataFrame:
    """Two big groups with the same accuracy and a tiny one (6 positives) that looks worse."""
    rng = np.random.default_rng(seed)
    n = 1500
    group = np.repeat(["big 1", "big 2", "tiny"], [n, n, 30])
    label = np.r_[rng.random(2 * n) < 0.3, np.r_[np.ones(6), np.zeros(24)]].astype(int)
    score = np.clip(rng.normal(0.35 + 0.3 * label, 0.15), 0, 1)
    score[2 * n:2 * n + 6] = [0.9, 0.8, 0.7, 0.6, 0.2, 0.1]  # tiny: sensitivity 4/6 at 0.5
    return pd.DataFrame({"group": group, "label": label, "ai_score": score})


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def expected(w: BiasExplorer, frame: pd.DataFrame):
    """What radcourse.fairness computes from scratch for the explorer's current controls."""
    col, t = w.group_by.value, w.threshold.value
    single = subgroup_metrics(frame, col, t)
    if w.mode.value == PER_GROUP:
        tuned = per_group_thresholds(frame, col, w.target_sensitivity.value)
        table = subgroup_metrics(frame, col, tuned.fillna(t))
    else:
        tuned, table = None, single
    flags = flag_gaps(table, w.metric.value, w.tolerance.value / 100)
    return single, tuned, table, flags


def assert_state_matches_fairness(w: BiasExplorer, frame: pd.DataFrame) -> None:
    single, tuned, table, flags = expected(w, frame)
    pd.testing.assert_frame_equal(w.table, table)
    pd.testing.assert_frame_equal(w.single_table, single)
    pd.testing.assert_frame_equal(w.flags, flags)
    if tuned is None:
        assert w.tuned_thresholds is None and w.costs is None
        assert (w.thresholds == w.threshold.value).all()
    else:
        pd.testing.assert_series_equal(w.tuned_thresholds, tuned)
        pd.testing.assert_series_equal(w.thresholds, tuned.fillna(w.threshold.value))
        pd.testing.assert_frame_equal(w.costs, threshold_trade_offs(single, table))
    assert list(w.thresholds.index) == list(table.index)
    # what the browser reads agrees with the state
    assert w.numbers.value == w.html
    rows = ROW.findall(w.html)
    assert [r[0] for r in rows] == [html.escape(str(g)) for g in table.index]
    for (_group, metric, value, low, high, gap, flagged, n, th), g in zip(rows, table.index,
                                                                           strict=True):
        assert metric == w.metric.value
        assert float(value) == pytest.approx(flags.loc[g, "value"], abs=0, nan_ok=True)
        assert float(low) == pytest.approx(flags.loc[g, "low"], abs=0, nan_ok=True)
        assert float(high) == pytest.approx(flags.loc[g, "high"], abs=0, nan_ok=True)
        assert float(gap) == pytest.approx(flags.loc[g, "gap"], abs=0, nan_ok=True)
        assert (flagged == "true") == bool(flags.loc[g, "flagged"])
        assert int(n) == table.loc[g, "n"]
        assert float(th) == w.thresholds[g]


# ---------------------------------------------------------------------------------------------
def test_from_dataset_defaults_and_structure(explorer, cxr):
    w = explorer
    assert isinstance(w, widgets.VBox)
    assert "radcourse-bias-explorer" in w._dom_classes
    assert (w.threshold.min, w.threshold.max, w.threshold.step) == (0.0, 1.0, 0.01)
    assert w.threshold.value == CXR_OPERATING_THRESHOLD
    assert [v for _, v in w.group_by.options] == list(GROUPINGS)
    assert [label for label, _ in w.group_by.options] == [
        "Site (UK nation)", "Vendor (X-ray system)", "Sex", "Age band",
        "Deprivation quintile (IMD)"]  # fmt: skip
    assert [v for _, v in w.metric.options] == list(MEASURES)
    assert [label for label, _ in w.mode.options] == ["One threshold for everyone",
                                                      "Per-group thresholds"]
    assert w.mode.value == SINGLE and w.tolerance.value == 5.0
    assert w.target_sensitivity.disabled  # used only in per-group mode
    assert_state_matches_fairness(w, cxr)
    assert w.figure_png.startswith(PNG_SIGNATURE) and w.image.value == w.figure_png
    assert "the chest radiograph triage dataset" in w.html and "12,000 studies" in w.html


def test_every_control_is_labelled_and_no_tooltip_lacks_a_description(explorer):
    for control in explorer.controls:
        assert control.description, type(control).__name__
    broken = [type(x).__name__ for x in walk(explorer)
              if getattr(x, "tooltip", None) and not getattr(x, "description", None)]
    assert broken == []
    assert explorer.image.tooltip is None


@pytest.mark.parametrize("group_col", GROUPINGS)
def test_each_grouping_and_threshold_matches_fairness(cxr, group_col):
    w = BiasExplorer.from_dataset("cxr_triage")
    w.group_by.value = group_col
    assert_state_matches_fairness(w, cxr)
    for t in (0.0, 0.21, 0.37, 0.5, 0.63, 0.99, 1.0):
        w.threshold.value = t
        assert_state_matches_fairness(w, cxr)


def test_metric_and_tolerance_controls(cxr):
    w = BiasExplorer.from_dataset("cxr_triage", group_by="vendor")
    for metric in MEASURES:
        w.metric.value = metric
        assert_state_matches_fairness(w, cxr)
        assert MEASURES[metric] in w.text_summary
        for tol in (0.0, 2.5, 10.0, 20.0):
            w.tolerance.value = tol
            assert_state_matches_fairness(w, cxr)
            assert f"flag tolerance {tol:.1f} percentage points" in w.html


def test_vendor_c_flagged_at_the_operating_threshold(cxr):
    w = BiasExplorer.from_dataset("cxr_triage")
    w.group_by.value = "vendor"
    assert w.flags.index[w.flags["flagged"]].tolist() == ["C"]
    assert "Flagged (gap above 5.0 points and 95% intervals that do not overlap): C." in (
        w.text_summary)
    assert 'data-group="C" data-metric="sensitivity"' in w.html
    assert re.search(r'data-group="C"[^>]*data-flagged="true"', w.html)
    # words and symbols, not colour alone
    assert "⚠ Flagged" in w.html and "★ Highest" in w.html
    assert "C 0.44 (95% CI 0.32 to 0.58), flagged" in w.chart_text


def test_per_group_mode_equalises_sensitivity_and_shows_the_cost(cxr):
    w = BiasExplorer.from_dataset("cxr_triage", group_by="vendor")
    w.mode.value = PER_GROUP
    assert not w.target_sensitivity.disabled
    for target in (0.85, 0.9, 0.95, 0.8):
        w.target_sensitivity.value = target
        assert_state_matches_fairness(w, cxr)
        assert (w.table["sensitivity"] >= target).all()
        assert w.table["sensitivity"].max() - w.table["sensitivity"].min() < 0.03
        assert not w.flags["flagged"].any()
        for g in w.table.index:  # each threshold is the highest that reaches the target
            assert w.thresholds[g] == per_group_thresholds(cxr, "vendor", target)[g]
    # vendor C needs a much lower threshold: more recalls and false positives there
    assert w.costs.loc["C", "extra_recalls_per_1000"] > 100
    assert w.costs.loc["C", "specificity_tuned"] < w.costs.loc["C", "specificity_single"]
    assert "What per-group thresholds cost" in w.html and "radcourse-bias-costs" in w.html
    assert "Across all 12,000 studies they give" in w.text_summary
    w.threshold.value = 0.4  # the comparison threshold moves; the tuned ones do not
    assert_state_matches_fairness(w, cxr)
    w.metric.value = "specificity"  # per-group thresholds move specificity apart
    assert_state_matches_fairness(w, cxr)
    assert w.flags["flagged"].any()
    w.mode.value = SINGLE
    assert w.target_sensitivity.disabled and w.costs is None
    assert "What per-group thresholds cost" not in w.html
    assert_state_matches_fairness(w, cxr)


def test_switching_grouping_rebuilds_and_caches_the_tables(cxr, monkeypatch):
    built = []
    original = fairness.GroupedOperatingTables.__init__

    def counting(self, frame, group_col, **kw):
        built.append(group_col)
        original(self, frame, group_col, **kw)

    monkeypatch.setattr(fairness.GroupedOperatingTables, "__init__", counting)
    w = BiasExplorer.from_dataset("cxr_triage")
    for col in (*GROUPINGS, "vendor", "site", "age_band"):
        w.group_by.value = col
        assert_state_matches_fairness(w, cxr)
        assert len(w._bars.patches) == len(w.table.index)  # the chart has one bar per group
        ticks = [t.get_text() for t in w._ax.get_xticklabels()]
        assert len(ticks) == len(w.table.index)
    assert sorted(built) == sorted(GROUPINGS)  # built once per grouping, then reused
    w.group_by.value = "imd_quintile"
    ticks = [t.get_text() for t in w._ax.get_xticklabels()]
    assert ticks[0] == "1 (most deprived)" and ticks[-1] == "5 (least deprived)"
    assert 'data-group="1"' in w.html and "1 (most deprived)</th>" in w.html


def test_threshold_change_is_table_lookups_not_a_pass_over_the_data(monkeypatch):
    w = BiasExplorer(small_frame(), groupings={"group": "Group"})
    tables = w.grouped_tables()
    calls = []
    for table in tables.tables.values():
        original = table.counts_at
        monkeypatch.setattr(table, "counts_at",
                            lambda t, _orig=original: calls.append(t) or _orig(t))
    monkeypatch.setattr("radcourse.metrics.confusion_counts", lambda *a: pytest.fail("pass"))
    monkeypatch.setattr("radcourse.fairness.confusion_counts", lambda *a: pytest.fail("pass"))
    w.threshold.value = 0.3
    w.threshold.value = 0.61
    assert calls == [0.3] * 3 + [0.61] * 3  # one binary search per group per change


def test_tiny_group_with_overlapping_intervals_is_not_flagged():
    frame = small_frame()
    w = BiasExplorer(frame, groupings={"group": "Group"}, tolerance=5.0)
    fl = w.flags
    assert fl.loc["tiny", "value"] == 4 / 6
    assert fl.loc["tiny", "exceeds_tolerance"] and fl.loc["tiny", "intervals_overlap"]
    assert not fl["flagged"].any()
    assert "○ Not flagged: gap above the tolerance, but the intervals overlap" in w.html
    assert "possibly chance: tiny" in w.text_summary
    assert_state_matches_fairness(w, frame)


def test_group_without_positives_keeps_the_single_threshold_in_per_group_mode():
    frame = small_frame()
    frame.loc[frame["group"] == "tiny", "label"] = 0
    w = BiasExplorer(frame, groupings={"group": "Group"}, mode=PER_GROUP)
    assert math.isnan(w.tuned_thresholds["tiny"])
    assert w.thresholds["tiny"] == w.threshold.value
    assert math.isnan(w.table.loc["tiny", "sensitivity"])
    assert "(no positives)" in w.html and "Not defined" in w.html
    assert "tiny not defined" in w.chart_text
    assert_state_matches_fairness(w, frame)


def test_numbers_are_sent_before_the_figure_and_unchanged_figures_are_skipped(cxr):
    w = BiasExplorer.from_dataset("cxr_triage", group_by="vendor")
    order = []
    w.numbers.observe(lambda c: order.append("numbers"), names="value")
    w.image.observe(lambda c: order.append("figure"), names="value")
    w.threshold.value = 0.42
    assert order == ["numbers", "figure"]
    order.clear()
    w.mode.value = PER_GROUP
    order.clear()
    png = w.figure_png
    w.threshold.value = 0.44  # per-group mode: the bars do not depend on the single threshold
    assert order == ["numbers"] and w.figure_png == png


def test_text_equivalents_follow_the_state(cxr):
    w = BiasExplorer.from_dataset("cxr_triage")
    for col in GROUPINGS:
        w.group_by.value = col
        for g in w.table.index:
            assert w._label(g) in w.chart_text
        v = w.flags["value"]
        assert f"from {v.min():.2f}" in w.text_summary and f"to {v.max():.2f}" in w.text_summary
        assert f"a gap of {100 * (v.max() - v.min()):.1f} percentage points" in w.text_summary
        level = v.max() - w.tolerance.value / 100
        assert f"Dashed line at {level:.2f}" in w.chart_text
        assert w.chart_html.value == (f'<p class="radcourse-chart-text">'
                                      f"{html.escape(w.chart_text)}</p>")
    assert '<caption style="caption-side:top' in w.html and 'scope="col"' in w.html


def test_constructor_checks_its_arguments(cxr):
    with pytest.raises(ValueError, match="unknown dataset"):
        BiasExplorer.from_dataset("nope")
    with pytest.raises(ValueError, match="group_by"):
        BiasExplorer.from_dataset("cxr_triage", group_by="ward")
    with pytest.raises(ValueError, match="threshold"):
        BiasExplorer.from_dataset("cxr_triage", threshold=1.5)
    with pytest.raises(ValueError, match="metric"):
        BiasExplorer.from_dataset("cxr_triage", metric="auc")
    with pytest.raises(ValueError, match="not in the frame"):
        BiasExplorer(cxr, groupings={"ward": "Ward"})
    with pytest.raises(ValueError, match="0 to 1"):
        BiasExplorer(cxr.assign(ai_score=cxr["ai_score"] * 3), groupings={"site": "Site"})
    # default groupings: the columns with few distinct values (never the IDs)
    w = BiasExplorer(cxr)
    assert set(w.groupings) == set(GROUPINGS)
