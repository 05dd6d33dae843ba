"""``BiasExplorer``: subgroup performance, fairness gaps and what per-group thresholds cost.

Three layers (STYLE.md): all arithmetic is in :mod:`radcourse.fairness` (``GroupedOperatingTables``
for the per-group counts and Wilson intervals, ``flag_gaps`` for the flagging rule,
``threshold_trade_offs`` for the cost of per-group thresholds). This class only builds labelled,
keyboard-operable controls, wires them with ``observe`` and keeps the last result as plain
attributes -- ``table`` (the metrics by group, a DataFrame), ``flags`` (from ``flag_gaps``),
``thresholds`` (the threshold each group is using), ``costs`` (per-group mode only),
``text_summary``, ``chart_text``, ``html`` and ``figure_png`` -- so a test can set ``.value`` on a
control and assert on the state without a browser.

Speed: the per-group tables are built once per grouping column and cached, so a threshold, target,
tolerance or mode change costs one binary search per group, never a pass over the data. The
numbers (an HTML widget) are sent first; the chart is then redrawn by moving the existing
matplotlib artists (bar heights, whiskers, labels) over a cached background and encoding a PNG
for an ``ipywidgets.Image``. The figure is rebuilt from scratch only when the grouping or the
measure changes, and skipped when nothing drawn in it has changed.

The notebook cell is one line: ``BiasExplorer.from_dataset("cxr_triage")``.
"""

from __future__ import annotations

import io
import math
from html import escape
from numbers import Real

import ipywidgets as widgets
import numpy as np
import pandas as pd
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from radcourse.fairness import (
    GroupedOperatingTables,
    flag_gaps,
    threshold_trade_offs,
)
from radcourse.palette import colour

__all__ = ["DATASETS", "MEASURES", "MODES", "BiasExplorer"]

SINGLE, PER_GROUP = "single", "per_group"
MODES: tuple[tuple[str, str], ...] = (
    ("One threshold for everyone", SINGLE),
    ("Per-group thresholds", PER_GROUP),
)
#: Measures the learner can compare: key (a column of subgroup_metrics) -> label.
MEASURES: dict[str, str] = {
    "sensitivity": "Sensitivity",
    "specificity": "Specificity",
    "ppv": "PPV",
    "selection_rate": "Selection rate",
}
_MEASURE_MEANING = {
    "sensitivity": "share of studies with {cond} that the AI flags",
    "specificity": "share of studies without {cond} that the AI does not flag",
    "ppv": "share of flagged studies that have {cond}",
    "selection_rate": "share of all studies that the AI flags",
}
CONFIDENCE = 0.95

#: ``from_dataset`` names: loader (in radcourse.data), label column, score column, groupings
#: (column -> label in the menu), labels for group values, what label 1 means, and the name.
DATASETS: dict[str, dict] = {
    "cxr_triage": {
        "loader": "load_cxr_triage",
        "label_col": "label",
        "score_col": "ai_score",
        "groupings": {
            "site": "Site (UK nation)",
            "vendor": "Vendor (X-ray system)",
            "sex": "Sex",
            "age_band": "Age band",
            "imd_quintile": "Deprivation quintile (IMD)",
        },
        "group_labels": {
            "imd_quintile": {1: "1 (most deprived)", 5: "5 (least deprived)"},
            "sex": {"F": "F (female)", "M": "M (male)"},
        },
        "condition": "a nodule",
        "name": "the chest radiograph triage dataset",
    },
}

_COLOURS = {
    "reference": colour("bluish green"),
    "flagged": colour("vermillion"),
    "other": colour("sky blue"),
    "undefined": "#DDDDDD",
}
_HATCH = {"reference": "", "flagged": "///", "other": "", "undefined": ""}
_CELL = "padding:2px 8px;text-align:left;border-bottom:1px solid #ccc"


# --------------------------------------------------------------------------------------------
# Formatting (UK English; undefined values in words)
# --------------------------------------------------------------------------------------------
def _num(x: float, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "not defined"
    return f"{x:.{digits}f}"


def _points(x: float) -> str:
    """A difference in proportions as percentage points, one decimal."""
    if x is None or math.isnan(x):
        return "not defined"
    return f"{100 * x:.1f}"


def _interval(low: float, high: float, digits: int = 2) -> str:
    if math.isnan(low) or math.isnan(high):
        return ""
    return f"{low:.{digits}f} to {high:.{digits}f}"


def _signed(x: float, digits: int = 1) -> str:
    return f"{x:+,.{digits}f}".replace("-", "−")


def _threshold(t: float) -> str:
    """Slider values have two decimals; a tuned threshold (a score) is shown with three."""
    return f"{t:.2f}" if abs(t * 100 - round(t * 100)) < 1e-9 else f"{t:.3f}"


def _data_number(x: float) -> str:
    return repr(float(x))


# --------------------------------------------------------------------------------------------
class BiasExplorer(widgets.VBox):
    """Compare the AI's accuracy across groups, and see what per-group thresholds would cost.

    Build it with :meth:`from_dataset` (``"cxr_triage"``) or from a DataFrame:
    ``BiasExplorer(frame, groupings={"site": "Site", ...})``.

    Controls (attributes): ``group_by`` (Dropdown of grouping columns), ``metric`` (Dropdown:
    sensitivity, specificity, PPV, selection rate), ``mode`` (ToggleButtons: one threshold for
    everyone, or per-group thresholds tuned to a target sensitivity), ``threshold`` (FloatSlider,
    0–1, the single threshold; in per-group mode the comparison), ``target_sensitivity``
    (FloatSlider, used in per-group mode) and ``tolerance`` (FloatSlider, percentage points).
    Outputs: ``numbers`` (HTML: summary, table and, in per-group mode, the cost table), ``image``
    (the bar chart as PNG) and ``chart_html`` (its text equivalent).

    Last computed state: ``table`` (:func:`radcourse.fairness.subgroup_metrics` at the thresholds
    in use), ``flags`` (:func:`radcourse.fairness.flag_gaps` of ``table``), ``thresholds`` (Series:
    the threshold each group uses), ``tuned_thresholds`` (per-group mode: the result of
    :func:`radcourse.fairness.per_group_thresholds`, ``nan`` for a group without positives, which
    keeps the single threshold), ``single_table`` (metrics at the single threshold), ``costs``
    (:func:`radcourse.fairness.threshold_trade_offs`, or None), ``text_summary``, ``chart_text``,
    ``html`` and ``figure_png``.

    The sliders move in steps (threshold and target 0.01, tolerance 0.5 points); a starting value
    between steps is rounded to the nearest step by the browser, which then sends it back.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        *,
        groupings: dict[str, str] | None = None,
        group_by: str | None = None,
        label_col: str = "label",
        score_col: str = "ai_score",
        threshold: float = 0.5,
        target_sensitivity: float = 0.85,
        tolerance: float = 5.0,
        metric: str = "sensitivity",
        mode: str = SINGLE,
        group_labels: dict[str, dict] | None = None,
        condition: str = "the condition",
        name: str = "this dataset",
        **kwargs,
    ):
        if not isinstance(frame, pd.DataFrame):
            raise ValueError(f"frame must be a pandas DataFrame, not {type(frame).__name__}")
        for col in (label_col, score_col):
            if col not in frame:
                raise ValueError(f"column {col!r} not in the frame")
        if groupings is None:
            groupings = {
                c: str(c) for c in frame.columns
                if c not in (label_col, score_col) and frame[c].nunique(dropna=False) <= 20
            }  # fmt: skip
        if not groupings:
            raise ValueError("no grouping columns: pass groupings={'column': 'Label', ...}")
        missing = [c for c in groupings if c not in frame]
        if missing:
            raise ValueError(
                f"grouping column(s) not in the frame: {', '.join(map(repr, missing))}"
            )
        group_by = next(iter(groupings)) if group_by is None else group_by
        if group_by not in groupings:
            raise ValueError(f"group_by must be one of {', '.join(map(repr, groupings))}")
        if metric not in MEASURES:
            raise ValueError(f"metric must be one of {', '.join(map(repr, MEASURES))}")
        if mode not in (SINGLE, PER_GROUP):
            raise ValueError(f"mode must be {SINGLE!r} or {PER_GROUP!r}, not {mode!r}")
        scores = frame[score_col]
        if scores.notna().all() and (scores.min() < 0 or scores.max() > 1):
            raise ValueError("the explorer's threshold slider runs from 0 to 1: scores must too")
        for value, what, lo, hi in (
            (threshold, "threshold", 0.0, 1.0),
            (target_sensitivity, "target_sensitivity", 0.5, 1.0),
            (tolerance, "tolerance (percentage points)", 0.0, 20.0),
        ):
            if isinstance(value, bool) or not isinstance(value, Real) or not lo <= value <= hi:
                raise ValueError(f"{what} must be a number from {lo:g} to {hi:g}, not {value!r}")

        self.frame = frame
        self.label_col, self.score_col = label_col, score_col
        self.groupings = dict(groupings)
        self.group_labels = {k: dict(v) for k, v in (group_labels or {}).items()}
        self.condition = str(condition)
        self.name = str(name)
        self._grouped_cache: dict[str, GroupedOperatingTables] = {}
        self._tuned_cache: dict[tuple[str, float], pd.Series] = {}
        self._grouped(group_by)  # build (and validate) the first grouping now

        wide = {"description_width": "initial"}
        aligned = {"description_width": "22em"}  # the three sliders start at the same place
        self.group_by = widgets.Dropdown(
            options=[(label, col) for col, label in self.groupings.items()], value=group_by,
            description="Group by:", style=wide, layout=widgets.Layout(width="24em"),
        )
        self.metric = widgets.Dropdown(
            options=[(label, key) for key, label in MEASURES.items()], value=metric,
            description="Measure:", style=wide, layout=widgets.Layout(width="24em"),
        )
        self.mode = widgets.ToggleButtons(
            options=list(MODES), value=mode, description="Thresholds:",
            style={"description_width": "initial", "button_width": "17em"},
            tooltips=["The same AI score threshold for every group",
                      "Each group gets the highest threshold that reaches the target sensitivity"],
        )
        self.threshold = widgets.FloatSlider(
            value=float(threshold), min=0.0, max=1.0, step=0.01,
            description="AI score threshold (one for everyone):", readout_format=".2f",
            continuous_update=True, style=aligned, layout=widgets.Layout(width="48em"),
        )
        self.target_sensitivity = widgets.FloatSlider(
            value=float(target_sensitivity), min=0.5, max=1.0, step=0.01,
            description="Target sensitivity (per-group thresholds):", readout_format=".2f",
            continuous_update=True, style=aligned, layout=widgets.Layout(width="48em"),
            disabled=mode != PER_GROUP,
        )
        self.tolerance = widgets.FloatSlider(
            value=float(tolerance), min=0.0, max=20.0, step=0.5,
            description="Flag tolerance (percentage points):", readout_format=".1f",
            continuous_update=True, style=aligned, layout=widgets.Layout(width="48em"),
        )
        self.intro = widgets.HTML(self._intro_html())
        self.numbers = widgets.HTML()
        # No tooltip on the Image: in ipywidgets 8.1 a tooltip on a widget without a description
        # breaks its view in the browser (ipywidgets issue #3860). Its text equivalent is
        # ``chart_html`` beside it.
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.chart_html = widgets.HTML()
        for control, css in (
            (self.group_by, "radcourse-group-by"),
            (self.metric, "radcourse-metric"),
            (self.mode, "radcourse-mode"),
            (self.threshold, "radcourse-threshold"),
            (self.target_sensitivity, "radcourse-target-sensitivity"),
            (self.tolerance, "radcourse-tolerance"),
            (self.numbers, "radcourse-bias-numbers"),
            (self.image, "radcourse-bias-figure"),
            (self.chart_html, "radcourse-bias-chart-text"),
        ):
            control.add_class(css)

        self.table: pd.DataFrame | None = None
        self.single_table: pd.DataFrame | None = None
        self.flags: pd.DataFrame | None = None
        self.thresholds: pd.Series | None = None
        self.tuned_thresholds: pd.Series | None = None
        self.costs: pd.DataFrame | None = None
        self.text_summary = self.chart_text = self.html = ""
        self.figure_png = b""
        self.figure: Figure | None = None
        self._figure_layout = None  # (group_col, metric) the figure's background was drawn for
        self._figure_key = None

        super().__init__(
            children=[
                self.intro,
                widgets.HBox([self.group_by, self.metric]),
                self.mode,
                self.threshold,
                self.target_sensitivity,
                self.tolerance,
                self.numbers,
                self.image,
                self.chart_html,
            ],
            **kwargs,
        )
        self.add_class("radcourse-bias-explorer")
        self.group_by.observe(self._on_change, names="value")
        self.metric.observe(self._on_change, names="value")
        self.mode.observe(self._on_mode, names="value")
        for slider in (self.threshold, self.target_sensitivity, self.tolerance):
            slider.observe(self._on_change, names="value")
        self.update()

    # ---------------------------------------------------------------------------------------
    @classmethod
    def from_dataset(cls, name: str = "cxr_triage", **kwargs) -> BiasExplorer:
        """Build from a shipped course dataset (``"cxr_triage"``: the chest radiograph triage
        cohort, grouped by site, vendor, sex, age band or deprivation quintile; the threshold
        starts at ``radcourse.data.CXR_OPERATING_THRESHOLD``). Keyword arguments go to the
        constructor."""
        if name not in DATASETS:
            raise ValueError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}")
        import radcourse.data as data

        spec = DATASETS[name]
        frame = getattr(data, spec["loader"])()
        options = {k: v for k, v in spec.items() if k != "loader"}
        if name == "cxr_triage":
            options["threshold"] = data.CXR_OPERATING_THRESHOLD
        options.update(kwargs)
        return cls(frame, **options)

    @property
    def controls(self) -> tuple[widgets.Widget, ...]:
        """Every control a learner can operate."""
        return (self.group_by, self.metric, self.mode, self.threshold, self.target_sensitivity,
                self.tolerance)

    def grouped_tables(self, group_col: str | None = None) -> GroupedOperatingTables:
        """The cached per-group tables for ``group_col`` (default: the current grouping)."""
        return self._grouped(group_col or self.group_by.value)

    def _grouped(self, group_col: str) -> GroupedOperatingTables:
        if group_col not in self._grouped_cache:
            self._grouped_cache[group_col] = GroupedOperatingTables(
                self.frame, group_col, label_col=self.label_col, score_col=self.score_col
            )
        return self._grouped_cache[group_col]

    def _tuned(self, group_col: str, target: float) -> pd.Series:
        key = (group_col, target)
        if key not in self._tuned_cache:
            self._tuned_cache[key] = self._grouped(group_col).thresholds_for_sensitivity(target)
        return self._tuned_cache[key]

    # ---------------------------------------------------------------------------------------
    def _on_change(self, change=None) -> None:
        self.update()

    def _on_mode(self, change=None) -> None:
        self.target_sensitivity.disabled = self.mode.value != PER_GROUP
        self.update()

    def update(self, figure: bool = True) -> None:
        """Recompute the state and the HTML (sent first), then redraw the chart if it changed."""
        self._compute()
        self._render_text()
        self.numbers.value = self.html
        self.chart_html.value = f'<p class="radcourse-chart-text">{escape(self.chart_text)}</p>'
        if figure:
            self._redraw_figure()

    def _compute(self) -> None:
        col = self.group_by.value
        grouped = self._grouped(col)
        t = float(self.threshold.value)
        self.single_table = grouped.metrics_at(t, CONFIDENCE)
        if self.mode.value == PER_GROUP:
            tuned = self._tuned(col, float(self.target_sensitivity.value))
            self.tuned_thresholds = tuned
            self.thresholds = tuned.fillna(t)  # a group with no positives keeps the single one
            self.table = grouped.metrics_at(self.thresholds, CONFIDENCE)
            self.costs = threshold_trade_offs(self.single_table, self.table)
        else:
            self.tuned_thresholds = None
            self.thresholds = pd.Series(t, index=grouped.groups.copy(), name="threshold")
            self.table = self.single_table
            self.costs = None
        self.flags = flag_gaps(self.table, self.metric.value, float(self.tolerance.value) / 100)

    # ---------------------------------------------------------------------------------------
    # Text and HTML
    def _label(self, group) -> str:
        return str(self.group_labels.get(self.group_by.value, {}).get(group, group))

    def _grouping_label(self) -> str:
        label = self.groupings[self.group_by.value]
        return label.split(" (")[0].lower() if label else str(self.group_by.value)

    def _mode_text(self) -> str:
        if self.mode.value == PER_GROUP:
            return (f"per-group thresholds tuned for sensitivity of at least "
                    f"{self.target_sensitivity.value:.2f}")
        return f"one threshold for everyone ({self.threshold.value:.2f})"

    def _intro_html(self) -> str:
        cond = escape(self.condition)
        return (
            f"<p><b>Bias explorer</b> — {escape(self.name)}. Choose how to group the studies and "
            "which measure to compare. A group is <b>flagged</b> only when its gap from the best "
            "group is larger than the tolerance <i>and</i> the 95% confidence intervals do not "
            "overlap, so a small group whose numbers could differ by chance is not over-read. "
            "Switch to per-group thresholds to give each group the highest threshold that "
            f"reaches a target sensitivity for studies with {cond}, and see what that costs in "
            "specificity and recalls.</p><p><small>Keyboard: Tab to a control. Arrow keys move a "
            "slider (Page Up and Page Down for bigger steps). To use a menu, press Space (or "
            "Alt+Down) to open it, then the arrow keys and Enter: on a closed menu JupyterLab "
            "reads the arrow keys as moving between cells.</small></p>"
        )

    def _render_text(self) -> None:
        metric, fl = self.metric.value, self.flags
        label = MEASURES[metric]
        grouping = self._grouping_label()
        tol = float(self.tolerance.value)
        defined = fl[~fl["value"].isna()]
        parts = [f"{label} by {grouping} with {self._mode_text()}:"]
        if defined.empty:
            parts.append(f"{label.lower()} is not defined in any group.")
        else:
            lo_g, hi_g = defined["value"].idxmin(), defined["value"].idxmax()
            parts.append(
                f"from {_num(defined['value'][lo_g])} ({self._label(lo_g)}) to "
                f"{_num(defined['value'][hi_g])} ({self._label(hi_g)}), a gap of "
                f"{_points(defined['value'][hi_g] - defined['value'][lo_g])} percentage points."
            )
        flagged = [self._label(g) for g in fl.index[fl["flagged"]]]
        overlapping = [
            f"{self._label(g)}: gap {_points(fl['gap'][g])} points"
            for g in fl.index[fl["exceeds_tolerance"] & ~fl["flagged"]]
        ]
        if flagged:
            parts.append(
                f"Flagged (gap above {tol:.1f} points and 95% intervals that do not overlap): "
                f"{', '.join(flagged)}."
            )
        else:
            parts.append("No group is flagged.")
        if overlapping:
            parts.append(
                "Above the tolerance but with overlapping intervals, so possibly chance: "
                f"{'; '.join(overlapping)}."
            )
        undefined = [self._label(g) for g in fl.index[fl["value"].isna()]]
        if undefined:
            parts.append(f"Not defined (no cases to divide by): {', '.join(undefined)}.")
        if self.costs is not None:
            parts.append(self._cost_sentence())
        self.text_summary = " ".join(parts)

        items = []
        for g in fl.index:
            v = fl["value"][g]
            if math.isnan(v):
                items.append(f"{self._label(g)} not defined")
                continue
            ci = _interval(fl["low"][g], fl["high"][g])
            state = ("highest" if fl["reference"][g] else "flagged" if fl["flagged"][g]
                     else "not flagged")
            items.append(f"{self._label(g)} {_num(v)}" + (f" (95% CI {ci})" if ci else "")
                         + f", {state}")
        line = ""
        if not defined.empty:
            level = defined["value"].max() - tol / 100
            line = (f" Dashed line at {_num(level)}: the highest value minus the {tol:.1f}-point "
                    "tolerance.")
        self.chart_text = (
            f"Bar chart of {label.lower()} by {grouping}, {self._mode_text()}, with 95% "
            f"confidence interval whiskers; flagged bars are hatched. {'; '.join(items)}.{line}"
        )
        self.html = (
            '<div class="radcourse-bias-summary">'
            f'<p role="status" aria-live="polite">{escape(self.text_summary)}</p>'
            f"{self._table_html()}{self._costs_html()}{self._note_html()}</div>"
        )

    def _cost_sentence(self) -> str:
        single, tuned = self.single_table, self.table
        rec_s = int((single["tp"] + single["fp"]).sum())
        rec_t = int((tuned["tp"] + tuned["fp"]).sum())
        fp_s, fp_t = int(single["fp"].sum()), int(tuned["fp"].sum())
        n = int(single["n"].sum())
        tuned_th = self.tuned_thresholds.dropna()
        spread = ""
        if not tuned_th.empty:
            lo_g, hi_g = tuned_th.idxmin(), tuned_th.idxmax()
            spread = (f"Per-group thresholds run from {_threshold(tuned_th[lo_g])} "
                      f"({self._label(lo_g)}) to {_threshold(tuned_th[hi_g])} "
                      f"({self._label(hi_g)}). ")
        return (
            f"{spread}Across all {n:,} studies they give {rec_t:,} recalls instead of {rec_s:,} "
            f"with one threshold of {self.threshold.value:.2f} ({_signed(rec_t - rec_s, 0)}), of "
            f"which {fp_t:,} are false positives instead of {fp_s:,} ({_signed(fp_t - fp_s, 0)})."
        )

    def _table_html(self) -> str:
        metric, fl, tab = self.metric.value, self.flags, self.table
        label = MEASURES[metric]
        cond = escape(self.condition)
        tol = float(self.tolerance.value)
        per_group = self.mode.value == PER_GROUP
        caption = (
            f"{label} by {escape(self._grouping_label())} with {escape(self._mode_text())}; "
            f"flag tolerance {tol:.1f} percentage points"
        )
        heads = ["Group", "Studies (n)", f"With {cond} (positives)"]
        if per_group:
            heads.append("Threshold used")
        heads += [f"{label} (95% CI)", "Gap from the highest (percentage points)", "Flag"]
        head = "".join(f'<th scope="col" style="{_CELL}">{h}</th>' for h in heads)
        rows = []
        for g in fl.index:
            v, lo, hi = fl["value"][g], fl["low"][g], fl["high"][g]
            flagged = bool(fl["flagged"][g])
            ci = _interval(lo, hi)
            shown = _num(v) + (f" ({ci})" if ci else "")
            if math.isnan(v):
                flag, gap = "— Not defined (no cases to divide by)", "not defined"
            elif fl["reference"][g]:
                flag, gap = "★ Highest (the reference)", "0.0"
            elif flagged:
                flag = (f"⚠ Flagged: gap above {tol:.1f} points and the intervals do not "
                        "overlap")
                gap = _points(fl["gap"][g])
            elif fl["exceeds_tolerance"][g]:
                flag = "○ Not flagged: gap above the tolerance, but the intervals overlap"
                gap = _points(fl["gap"][g])
            else:
                flag, gap = "✓ Not flagged: gap within the tolerance", _points(fl["gap"][g])
            th_cell = ""
            if per_group:
                note = "" if not math.isnan(self.tuned_thresholds[g]) else " (no positives)"
                th_cell = f'<td style="{_CELL}">{_threshold(self.thresholds[g])}{note}</td>'
            attrs = (
                f'data-group="{escape(str(g))}" data-metric="{metric}" '
                f'data-value="{_data_number(v)}" data-low="{_data_number(lo)}" '
                f'data-high="{_data_number(hi)}" data-gap="{_data_number(fl["gap"][g])}" '
                f'data-flagged="{"true" if flagged else "false"}" data-n="{int(tab["n"][g])}" '
                f'data-threshold="{_data_number(self.thresholds[g])}"'
            )
            rows.append(
                f"<tr {attrs}>"
                f'<th scope="row" style="{_CELL}">{escape(self._label(g))}</th>'
                f'<td style="{_CELL}">{int(tab["n"][g]):,}</td>'
                f'<td style="{_CELL}">{int(tab["n_positive"][g]):,}</td>'
                f'{th_cell}<td style="{_CELL};white-space:nowrap">{shown}</td>'
                f'<td style="{_CELL}">{gap}</td><td style="{_CELL}">{flag}</td></tr>'
            )
        return (
            '<table class="radcourse-table radcourse-bias-table" '
            'style="border-collapse:collapse;margin:0.5em 0">'
            f'<caption style="caption-side:top;text-align:left;font-weight:bold">{caption}'
            f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )

    def _costs_html(self) -> str:
        if self.costs is None:
            return ""
        c = self.costs
        caption = (
            "What per-group thresholds cost, compared with one threshold of "
            f"{self.threshold.value:.2f} for everyone (recalls: studies flagged for review; "
            "per 1,000 studies in the group)"
        )
        heads = ("Group", "Threshold: one → per group", "Sensitivity: one → per group",
                 "Specificity: one → per group", "Recalls per 1,000: one → per group (change)",
                 "False positives per 1,000: one → per group (change)")
        head = "".join(f'<th scope="col" style="{_CELL}">{h}</th>' for h in heads)
        rows = []
        for g in c.index:
            r = c.loc[g]
            rows.append(
                f'<tr data-group="{escape(str(g))}" '
                f'data-threshold="{_data_number(r["threshold_tuned"])}" '
                f'data-specificity="{_data_number(r["specificity_tuned"])}" '
                f'data-recalls-per-1000="{_data_number(r["recalls_per_1000_tuned"])}">'
                f'<th scope="row" style="{_CELL}">{escape(self._label(g))}</th>'
                f'<td style="{_CELL}">{_threshold(r["threshold_single"])} → '
                f'{_threshold(r["threshold_tuned"])}</td>'
                f'<td style="{_CELL}">{_num(r["sensitivity_single"])} → '
                f'{_num(r["sensitivity_tuned"])}</td>'
                f'<td style="{_CELL}">{_num(r["specificity_single"])} → '
                f'{_num(r["specificity_tuned"])}</td>'
                f'<td style="{_CELL}">{r["recalls_per_1000_single"]:.0f} → '
                f'{r["recalls_per_1000_tuned"]:.0f} ({_signed(r["extra_recalls_per_1000"], 0)})'
                "</td>"
                f'<td style="{_CELL}">{r["false_positives_per_1000_single"]:.0f} → '
                f'{r["false_positives_per_1000_tuned"]:.0f} '
                f'({_signed(r["extra_false_positives_per_1000"], 0)})</td></tr>'
            )
        return (
            '<table class="radcourse-table radcourse-bias-costs" '
            'style="border-collapse:collapse;margin:0.5em 0">'
            f'<caption style="caption-side:top;text-align:left;font-weight:bold">{caption}'
            f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            "<p><small>Per-group thresholds are tuned on these same studies, so the equal "
            "sensitivities are optimistic; a real service would set them on one sample and check "
            "them on another. Treating groups differently is a policy decision for the governance "
            "group, not only a technical one.</small></p>"
        )

    def _note_html(self) -> str:
        meaning = _MEASURE_MEANING[self.metric.value].format(cond=escape(self.condition))
        grouped = self.grouped_tables()
        return (
            f"<p><small>{MEASURES[self.metric.value]}: the {meaning}. From "
            f"{escape(self.name)}: {grouped.overall.n:,} studies, "
            f"{grouped.overall.n_positive:,} with {escape(self.condition)}. 95% confidence "
            "intervals are Wilson intervals; non-overlapping intervals are a cautious screen, "
            "not a formal test.</small></p>"
        )

    # ---------------------------------------------------------------------------------------
    # Chart: the axes, ticks and legend are drawn once per (grouping, measure) and cached; an
    # update restores that background and redraws only the bars, whiskers, labels and line.
    def _build_figure(self) -> None:
        groups = self.table.index
        k = len(groups)
        fig = Figure(figsize=(8.0, 3.9), dpi=80, layout="constrained")
        canvas = FigureCanvasAgg(fig)
        ax = fig.subplots()
        x = np.arange(k)
        self._bars = ax.bar(x, np.zeros(k), width=0.6, color=_COLOURS["other"],
                            edgecolor=colour("black"), linewidth=1.0, animated=True)
        self._whiskers = LineCollection([], colors=colour("black"), linewidths=1.5,
                                        animated=True)
        ax.add_collection(self._whiskers)
        (self._line,) = ax.plot([-0.5, k - 0.5], [0, 0], linestyle="--", linewidth=1.2,
                                color=colour("black"), animated=True)
        self._labels = [ax.text(i, 0, "", ha="center", va="bottom", fontsize="small",
                                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
                                animated=True) for i in range(k)]
        ax.set_xticks(x, [self._label(g) for g in groups])
        ax.set(xlim=(-0.6, k - 0.4), ylim=(0, 1.12), xlabel=self.groupings[self.group_by.value],
               ylabel=MEASURES[self.metric.value])
        ax.set_yticks(np.linspace(0, 1, 6))
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.8)
        ax.set_axisbelow(True)
        self._title = ax.set_title(" ", loc="left", fontsize="medium")
        self._title.set_animated(True)
        handles = [
            Patch(facecolor=_COLOURS["reference"], edgecolor="black", label="Highest (reference)"),
            Patch(facecolor=_COLOURS["other"], edgecolor="black", label="Not flagged"),
            Patch(facecolor=_COLOURS["flagged"], edgecolor="black", hatch=_HATCH["flagged"],
                  label="Flagged (gap > tolerance, intervals apart)"),
            Patch(facecolor="none", edgecolor="none", label="Whiskers: 95% CI; dashed: "
                  "highest − tolerance"),
        ]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2,
                  fontsize="small", frameon=False)
        canvas.draw()  # lays out (constrained) and draws everything that does not move
        fig.set_layout_engine("none")  # freeze the layout: updates must not move the axes
        self._background = canvas.copy_from_bbox(fig.bbox)
        self._moving = (*self._bars.patches, self._whiskers, self._line, *self._labels,
                        self._title)
        self.figure = fig
        self._ax = ax
        self._figure_layout = (self.group_by.value, self.metric.value, tuple(groups))
        self._figure_key = None

    def _redraw_figure(self) -> None:
        fl = self.flags
        layout = (self.group_by.value, self.metric.value, tuple(fl.index))
        if layout != self._figure_layout:
            self._build_figure()
        title = f"{MEASURES[self.metric.value]} by {self._grouping_label()}, {self._mode_text()}"
        tol = float(self.tolerance.value) / 100
        key = (title, tol, tuple(map(tuple, fl[["value", "low", "high", "flagged",
                                                "reference"]].to_numpy().tolist())))
        if key == self._figure_key:
            return
        segments, cap = [], 0.12
        for i, g in enumerate(fl.index):
            v, lo, hi = fl["value"][g], fl["low"][g], fl["high"][g]
            kind = ("undefined" if math.isnan(v) else "reference" if fl["reference"][g]
                    else "flagged" if fl["flagged"][g] else "other")
            bar = self._bars.patches[i]
            bar.set_height(0.0 if math.isnan(v) else v)
            bar.set_facecolor(_COLOURS[kind])
            bar.set_hatch(_HATCH[kind])
            label = self._labels[i]
            if math.isnan(v):
                label.set_text("not defined")
                label.set_y(0.01)
            else:
                top = hi if not math.isnan(hi) else v
                label.set_text(f"{v:.2f}" + ("\nflagged" if kind == "flagged" else ""))
                label.set_y(min(top + 0.01, 1.0))
            if not (math.isnan(lo) or math.isnan(hi)):
                segments += [[(i, lo), (i, hi)], [(i - cap, lo), (i + cap, lo)],
                             [(i - cap, hi), (i + cap, hi)]]
        self._whiskers.set_segments(segments)
        defined = fl["value"].dropna()
        level = defined.max() - tol if not defined.empty else math.nan
        self._line.set_ydata([level, level])
        self._line.set_visible(not math.isnan(level))
        self._title.set_text(title)
        canvas = self.figure.canvas
        canvas.restore_region(self._background)
        for artist in self._moving:
            self.figure.draw_artist(artist)
        width, height = canvas.get_width_height()
        buffer = io.BytesIO()
        PIL.Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0,
                             1).convert("RGB").save(buffer, format="png", compress_level=1)
        self.figure_png = buffer.getvalue()
        self.image.value = self.figure_png
        self._figure_key = key
