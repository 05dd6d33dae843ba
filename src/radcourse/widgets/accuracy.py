"""``DiagnosticAccuracyExplorer``: threshold, prevalence and what the numbers mean for patients.

Three layers (STYLE.md): all arithmetic is in :mod:`radcourse.metrics` (``OperatingTable`` for the
data, the closed-form binormal functions for the model, Bayes for PPV and NPV, natural frequencies,
Wilson intervals). This class only builds labelled controls, wires them with ``observe`` and keeps
the last result as plain attributes -- ``state`` (an :class:`ExplorerState`), ``text_summary``,
``roc_text``, ``icon_text``, ``html`` and ``figure_png`` -- so a test can set ``.value`` on a control
and assert on the state without a browser.

Speed: a threshold change is one binary search in the precomputed ``OperatingTable`` (never a pass
over the data). The numbers (an HTML widget) are updated and sent first; the figure is then
redrawn by moving the existing matplotlib artists (``set_data`` / ``set_offsets``) and encoding a
PNG for an ``ipywidgets.Image``. The figure is skipped when nothing drawn in it has changed.

The notebook cell is one line: ``DiagnosticAccuracyExplorer.from_dataset("screening")``.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from html import escape
from numbers import Real

import ipywidgets as widgets
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from radcourse.metrics import (
    OperatingTable,
    binormal_auc,
    binormal_rates,
    binormal_roc,
    false_positives_per_cancer_found,
    likelihood_ratios,
    natural_frequencies,
    predictive_values,
    recalls_per_1000,
    wilson_interval,
)
from radcourse.palette import colour

__all__ = ["DATASETS", "PRESETS", "DiagnosticAccuracyExplorer", "ExplorerState"]

#: Prevalence presets: key, label, value. Illustrative round numbers, NOT from a cited source
#: (SYLLABUS Appendix E, decision 4): authors who want real rates must cite them beside the value.
PRESETS: tuple[tuple[str, str, float], ...] = (
    ("screening", "Screening (illustrative, ~1%)", 0.01),
    ("symptomatic", "Symptomatic clinic (illustrative, ~5%)", 0.05),
    ("high-risk", "High-risk clinic (illustrative, ~20%)", 0.20),
)
CUSTOM, DATA = "custom", "data"
PREVALENCE_MIN, PREVALENCE_MAX = 0.001, 0.5
POPULATIONS = (("Per 1,000 people", 1000), ("Per 10,000 people", 10000))
ICON_POPULATION, ICON_COLUMNS = 1000, 40
CONFIDENCE = 0.95

#: ``from_dataset`` names: loader (in radcourse.data), label column, score column.
DATASETS: dict[str, tuple[str, str, str]] = {
    "screening": ("load_screening", "cancer", "ai_score"),
}

# Icon categories, in drawing order: key, legend label, colour, marker, filled?
_ICONS = (
    ("tp", "Found (true positive)", colour("blue"), "s", True),
    ("fn", "Missed (false negative)", colour("vermillion"), "X", True),
    ("fp", "False alarm (false positive)", colour("orange"), "^", True),
    ("tn", "Correctly reassured (true negative)", colour("sky blue"), "o", False),
)


@dataclass
class ExplorerState:
    """Everything the explorer last computed (numbers as Python floats/ints).

    ``tp, fp, fn, tn`` are the counts *in the dataset* at the threshold (``None`` for the binormal
    model); ``natural`` holds whole numbers of people per ``population`` at the chosen prevalence
    and ``icon`` the same per 1,000 (see :func:`radcourse.metrics.natural_frequencies`).
    """

    source: str
    threshold: float
    prevalence: float
    population: int
    sensitivity: float
    specificity: float
    false_positive_rate: float
    ppv: float
    npv: float
    lr_positive: float
    lr_negative: float
    recalls_per_1000: float
    false_positives_per_cancer_found: float
    auc: float
    natural: dict
    icon: dict
    tp: int | None = None
    fp: int | None = None
    fn: int | None = None
    tn: int | None = None
    sensitivity_ci: tuple[float, float] | None = None
    specificity_ci: tuple[float, float] | None = None
    data_prevalence: float | None = None
    data_ppv: float | None = None


# --------------------------------------------------------------------------------------------
# Sources: where sensitivity and specificity at a threshold come from
# --------------------------------------------------------------------------------------------
class _DataSource:
    kind = "data"

    def __init__(self, y_true, scores, name: str):
        self.table = OperatingTable(y_true, scores)
        if self.table.n_positive == 0 or self.table.n_negative == 0:
            raise ValueError(
                "the explorer needs at least one case with the condition (label 1) and one "
                f"without (label 0); got {self.table.n_positive} and {self.table.n_negative}"
            )
        self.name = name
        self.auc = self.table.auc
        fpr, tpr, _ = self.table.roc_curve()
        self.roc = (fpr, tpr)
        lo, hi = self.table.min_score, self.table.max_score
        if 0.0 <= lo and hi <= 1.0:
            self.slider = (0.0, 1.0, 0.01)
        else:
            lo = lo if math.isfinite(lo) else -1e6
            hi = hi if math.isfinite(hi) else 1e6
            if hi - lo <= 0:
                lo, hi = lo - 1.0, hi + 1.0
            step = 10.0 ** math.floor(math.log10((hi - lo) / 100))
            self.slider = (math.floor(lo / step) * step, math.ceil(hi / step) * step, step)

    def at(self, threshold: float):
        tp, fp, fn, tn = self.table.counts_at(threshold)
        return tp / (tp + fn), tn / (tn + fp), (tp, fp, fn, tn)


class _BinormalSource:
    kind = "binormal"

    def __init__(self, d_prime: float):
        self.auc = binormal_auc(d_prime)  # validates d_prime
        self.d_prime = float(d_prime)
        fpr, tpr, _ = binormal_roc(self.d_prime)
        self.roc = (fpr, tpr)
        self.slider = (min(0.0, self.d_prime) - 2.0, max(0.0, self.d_prime) + 2.0, 0.01)

    def at(self, threshold: float):
        sens, spec = binormal_rates(threshold, self.d_prime)
        return sens, spec, None


# --------------------------------------------------------------------------------------------
# Formatting (UK English, plain language; undefined values said in words)
# --------------------------------------------------------------------------------------------
def _num(x: float, digits: int = 2) -> str:
    if x is None or math.isnan(x):
        return "not defined"
    if math.isinf(x):
        return "infinite"
    return f"{x:.{digits}f}"


def _pct(x: float, digits: int = 1) -> str:
    if x is None or math.isnan(x):
        return "not defined"
    return f"{100 * x:.{digits}f}%"


def _prev(x: float) -> str:
    """A prevalence as a short percentage: 0.1%, 0.89%, 1%, 5%, 12.5%, 50%."""
    v = 100 * x
    return f"{v:.2g}%" if v < 10 else f"{v:.3g}%"


def _interval(ci) -> str:
    if ci is None or any(math.isnan(v) for v in ci):
        return ""
    return f"{ci[0]:.2f} to {ci[1]:.2f}"


def _ci(ci) -> str:
    return f"95% CI {_interval(ci)}" if _interval(ci) else ""


# --------------------------------------------------------------------------------------------
class DiagnosticAccuracyExplorer(widgets.VBox):
    """Explore how the threshold and the prevalence change what an AI result means.

    Build it with :meth:`from_dataset` (``"screening"``), :meth:`from_binormal` (closed-form
    model, no sampling) or directly from arrays: ``DiagnosticAccuracyExplorer(y_true, scores)``.

    Controls (attributes): ``threshold`` (FloatSlider), ``prevalence`` (FloatLogSlider, 0.1%–50%,
    the value is a proportion), ``prevalence_percent`` (a box to type the prevalence as a
    percentage; it also shows the slider's value), ``preset`` (Dropdown of illustrative settings),
    ``population`` (ToggleButtons, per 1,000 or per 10,000). Outputs: ``numbers`` (HTML),
    ``image`` (the figure as PNG) and ``figure_text`` (HTML text equivalent of the figure).

    Last computed state: ``state`` (:class:`ExplorerState`), ``text_summary``, ``roc_text``,
    ``icon_text``, ``html`` (the numbers' HTML) and ``figure_png`` (bytes).
    """

    def __init__(
        self,
        y_true=None,
        scores=None,
        *,
        threshold: float | None = None,
        prevalence: float | None = None,
        population: int = 1000,
        name: str = "this dataset",
        condition: str = "cancer",
        _source=None,
        **kwargs,
    ):
        source = _source if _source is not None else _DataSource(y_true, scores, name)
        self.source = source
        self.table: OperatingTable | None = getattr(source, "table", None)
        self.d_prime: float | None = getattr(source, "d_prime", None)
        self.condition = str(condition)
        if population not in {value for _, value in POPULATIONS}:
            raise ValueError(f"population must be 1000 or 10000, not {population!r}")

        lo, hi, step = source.slider
        if threshold is None:
            threshold = 1.0 if source.kind == "binormal" else 0.5
            threshold = threshold if lo <= threshold <= hi else (lo + hi) / 2
        if isinstance(threshold, bool) or not isinstance(threshold, Real) or not (
            lo <= threshold <= hi
        ):
            raise ValueError(f"threshold must be a number from {lo:g} to {hi:g}, not {threshold!r}")
        self._digits = max(0, -math.floor(math.log10(step)))

        data_prev = self.table.prevalence if self.table is not None else None
        options = [("Custom (use the slider or type a value)", CUSTOM)]
        self._preset_values: dict[str, float] = {}
        if data_prev is not None:
            clipped = min(max(data_prev, PREVALENCE_MIN), PREVALENCE_MAX)
            options.append((f"This dataset ({_prev(data_prev)})", DATA))
            self._preset_values[DATA] = clipped
        for key, label, value in PRESETS:
            options.append((label, key))
            self._preset_values[key] = value
        if prevalence is None:
            prevalence = self._preset_values[DATA] if data_prev is not None else 0.01
        if isinstance(prevalence, bool) or not isinstance(prevalence, Real) or not (
            PREVALENCE_MIN <= prevalence <= PREVALENCE_MAX
        ):
            raise ValueError(
                f"prevalence must be a proportion from {PREVALENCE_MIN} (0.1%) to "
                f"{PREVALENCE_MAX} (50%), not {prevalence!r}"
            )

        wide = {"description_width": "initial"}
        self.threshold = widgets.FloatSlider(
            value=float(threshold), min=lo, max=hi, step=step, description="AI score threshold:",
            readout_format=f".{self._digits}f", continuous_update=True, style=wide,
            tooltip="Scores at or above the threshold count as positive (recalled)",
            layout=widgets.Layout(width="34em"),
        )
        # The slider's own readout is switched off: typing "5%" into an ipywidgets log-slider
        # readout is parsed as 5 (500%) and clamped to the maximum. The percentage box beside it
        # shows the value and accepts typed percentages instead.
        self.prevalence = widgets.FloatLogSlider(
            value=float(prevalence), base=10, min=math.log10(PREVALENCE_MIN),
            max=math.log10(PREVALENCE_MAX), step=0.01, description="Prevalence:",
            # continuous_update=False: with True, the front end rounds a value set from Python
            # (a preset, a typed percentage) to the slider's log step and sends the rounded value
            # back, so 5% became 5.012% and the preset fell back to "Custom".
            readout=False, continuous_update=False, style=wide,
            tooltip="Share of the people tested who have the condition (log scale, 0.1% to 50%)",
            layout=widgets.Layout(width="26em"),
        )
        self.prevalence_percent = widgets.BoundedFloatText(
            value=round(100 * float(prevalence), 3), min=100 * PREVALENCE_MIN,
            max=100 * PREVALENCE_MAX, step=0.1, description="Prevalence (%):", style=wide,
            tooltip="Type a prevalence in per cent, e.g. 0.8", layout=widgets.Layout(width="14em"),
        )
        self.preset = widgets.Dropdown(
            options=options, value=CUSTOM, description="Setting:", style=wide,
            tooltip="Illustrative prevalences; they are round numbers, not from a cited source",
            layout=widgets.Layout(width="34em"),
        )
        self.population = widgets.ToggleButtons(
            options=list(POPULATIONS), value=int(population), description="Show counts:",
            style=wide, tooltips=["Natural frequencies per 1,000", "Natural frequencies per 10,000"],
        )
        self.intro = widgets.HTML(self._intro_html())
        self.numbers = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.figure_text = widgets.HTML()

        for control, css in (
            (self.threshold, "radcourse-threshold"),
            (self.prevalence, "radcourse-prevalence"),
            (self.prevalence_percent, "radcourse-prevalence-percent"),
            (self.preset, "radcourse-preset"),
            (self.population, "radcourse-population"),
            (self.numbers, "radcourse-accuracy-numbers"),
            (self.image, "radcourse-accuracy-figure"),
            (self.figure_text, "radcourse-figure-text"),
        ):
            control.add_class(css)

        self.state: ExplorerState | None = None
        self.text_summary = self.roc_text = self.icon_text = self.html = ""
        self.figure_png = b""
        self._syncing = False
        self._figure_key = None
        self._build_figure()
        self._sync_preset()

        super().__init__(
            children=[
                self.intro,
                self.threshold,
                widgets.HBox([self.prevalence, self.prevalence_percent]),
                self.preset,
                self.population,
                self.numbers,
                self.image,
                self.figure_text,
            ],
            **kwargs,
        )
        self.add_class("radcourse-accuracy-explorer")
        self.threshold.observe(self._on_threshold, names="value")
        self.prevalence.observe(self._on_prevalence, names="value")
        self.prevalence_percent.observe(self._on_percent, names="value")
        self.preset.observe(self._on_preset, names="value")
        self.population.observe(self._on_population, names="value")
        self.update()

    # ---------------------------------------------------------------------------------------
    @classmethod
    def from_dataset(cls, name: str = "screening", **kwargs) -> DiagnosticAccuracyExplorer:
        """Build from a shipped course dataset (``"screening"``: label ``cancer``, score
        ``ai_score``). Keyword arguments go to the constructor."""
        if name not in DATASETS:
            raise ValueError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}")
        import radcourse.data as data

        loader, label, score = DATASETS[name]
        frame = getattr(data, loader)()
        kwargs.setdefault("name", f"the {name} dataset")
        return cls(frame[label].to_numpy(), frame[score].to_numpy(), **kwargs)

    @classmethod
    def from_binormal(cls, d_prime: float = 2.0, **kwargs) -> DiagnosticAccuracyExplorer:
        """Build from the closed-form binormal model: scores without the condition ~ N(0, 1),
        with it ~ N(d′, 1). Exact; nothing is sampled, so there are no confidence intervals."""
        return cls(_source=_BinormalSource(d_prime), **kwargs)

    @property
    def controls(self) -> tuple[widgets.Widget, ...]:
        """Every control a learner can operate."""
        return (self.threshold, self.prevalence, self.prevalence_percent, self.preset,
                self.population)

    # ---------------------------------------------------------------------------------------
    # Observers
    def _on_threshold(self, change=None) -> None:
        self.update()

    def _on_population(self, change=None) -> None:
        self.update(figure=False)  # the icon array is always per 1,000

    def _on_prevalence(self, change=None) -> None:
        self._syncing = True
        try:
            self.prevalence_percent.value = round(100 * self.prevalence.value, 3)
        finally:
            self._syncing = False
        self._sync_preset()
        self.update()

    def _on_percent(self, change) -> None:
        if self._syncing:
            return
        self.prevalence.value = min(max(change["new"] / 100, PREVALENCE_MIN), PREVALENCE_MAX)

    def _on_preset(self, change) -> None:
        if self._syncing or change["new"] == CUSTOM:
            return
        self.prevalence.value = self._preset_values[change["new"]]

    def _sync_preset(self) -> None:
        """Show the preset matching the prevalence, or Custom."""
        match = next(
            (k for k, v in self._preset_values.items()
             if math.isclose(v, self.prevalence.value, rel_tol=1e-9)),
            CUSTOM,
        )
        if self.preset.value != match:
            self._syncing = True
            try:
                self.preset.value = match
            finally:
                self._syncing = False

    # ---------------------------------------------------------------------------------------
    def update(self, figure: bool = True) -> None:
        """Recompute the numbers and HTML (sent first), then redraw the figure if it changed."""
        self.state = self._compute()
        self._render_text()
        self.numbers.value = self.html
        if figure:
            self._redraw_figure()

    def _compute(self) -> ExplorerState:
        t = float(self.threshold.value)
        prev = float(self.prevalence.value)
        population = int(self.population.value)
        sens, spec, counts = self.source.at(t)
        ppv, npv = predictive_values(sens, spec, prev)
        lr_pos, lr_neg = likelihood_ratios(sens, spec)
        extra = {}
        if counts is not None:
            tp, fp, fn, tn = counts
            extra = dict(
                tp=tp, fp=fp, fn=fn, tn=tn,
                sensitivity_ci=wilson_interval(tp, tp + fn, CONFIDENCE),
                specificity_ci=wilson_interval(tn, tn + fp, CONFIDENCE),
                data_prevalence=self.table.prevalence,
                data_ppv=tp / (tp + fp) if tp + fp else math.nan,
            )
        return ExplorerState(
            source=self.source.kind, threshold=t, prevalence=prev, population=population,
            sensitivity=sens, specificity=spec, false_positive_rate=1 - spec, ppv=ppv, npv=npv,
            lr_positive=lr_pos, lr_negative=lr_neg,
            recalls_per_1000=recalls_per_1000(sens, spec, prev),
            false_positives_per_cancer_found=false_positives_per_cancer_found(sens, spec, prev),
            auc=self.source.auc,
            natural=natural_frequencies(sens, spec, prev, population),
            icon=natural_frequencies(sens, spec, prev, ICON_POPULATION),
            **extra,
        )

    # ---------------------------------------------------------------------------------------
    # Text and HTML
    def _intro_html(self) -> str:
        what = (
            f"the binormal model (d′ = {self.d_prime:g})" if self.d_prime is not None
            else escape(self.source.name)
        )
        return (
            f"<p><b>Diagnostic accuracy explorer</b> — {what}. Move the threshold to change which "
            "AI scores count as positive (recalled); choose a prevalence to see what the same AI "
            "means in a different setting. Keyboard: Tab to a control, then the arrow keys "
            "(Page Up and Page Down for bigger steps).</p>"
            "<p><small>The preset settings use illustrative round numbers for prevalence; they "
            "are not taken from a cited source.</small></p>"
        )

    def _render_text(self) -> None:
        s, cond, d = self.state, escape(self.condition), self._digits
        th = f"{s.threshold:.{d}f}"
        if s.source == "data":
            sens_ci = f" ({_ci(s.sensitivity_ci)})" if _ci(s.sensitivity_ci) else ""
            spec_ci = f" ({_ci(s.specificity_ci)})" if _ci(s.specificity_ci) else ""
            ci_note = ""
        else:
            sens_ci = spec_ci = ""
            ci_note = (" No confidence intervals: the binormal model's numbers are exact, not "
                       "estimates from a sample.")
        self.text_summary = (
            f"At threshold {th} and prevalence {_prev(s.prevalence)}: "
            f"sensitivity {_num(s.sensitivity)}{sens_ci}, "
            f"specificity {_num(s.specificity)}{spec_ci}; at this prevalence PPV "
            f"{_pct(s.ppv)} and NPV {_pct(s.npv, 2)}; LR+ {_num(s.lr_positive, 1)}, LR− "
            f"{_num(s.lr_negative)}; {_num(s.recalls_per_1000, 1)} recalls per 1,000 people; "
            f"{_num(s.false_positives_per_cancer_found, 1)} false positives per {cond} found."
            f"{ci_note}"
        )
        model = f" (binormal model, d′ = {self.d_prime:g})" if self.d_prime is not None else ""
        self.roc_text = (
            f"ROC curve{model}: area under the curve {s.auc:.2f}; operating point at threshold "
            f"{th}: sensitivity {_num(s.sensitivity)}, false-positive rate "
            f"{_num(s.false_positive_rate)}."
        )
        ic = s.icon
        has = "has" if ic["with_condition"] == 1 else "have"
        self.icon_text = (
            f"Icon array: of {ic['population']:,} people, {ic['with_condition']:,} {has} "
            f"{cond}: {ic['tp']:,} found, {ic['fn']:,} missed; "
            f"{ic['fp']:,} false alarm{'s' if ic['fp'] != 1 else ''}; "
            f"{ic['tn']:,} correctly reassured."
        )
        self.html = (
            '<div class="radcourse-accuracy-summary">'
            f'<p role="status" aria-live="polite">PPV at prevalence {_prev(s.prevalence)}: '
            f'<span class="radcourse-ppv" data-value="{s.ppv!r}">{_pct(s.ppv)}</span>; '
            f"{_num(s.recalls_per_1000, 1)} recalls per 1,000 people.</p>"
            f"{self._table_html()}{self._measures_html()}"
            "<p>PPV and NPV depend on prevalence as well as on the AI. Sensitivity and "
            "specificity describe the AI at this threshold; PPV and NPV are worked out from them "
            f"with Bayes' theorem at the prevalence you chose. When {cond} is rarer, false alarms "
            f"from the much larger group without {cond} make up more of the positive results, "
            "so PPV falls even though the AI has not changed.</p>"
            f"{self._source_note_html()}</div>"
        )
        self.figure_text.value = (
            f'<p class="radcourse-roc-text">{escape(self.roc_text)}</p>'
            f'<p class="radcourse-icon-text">{escape(self.icon_text)}</p>'
        )

    def _table_html(self) -> str:
        s, nat, cond = self.state, self.state.natural, escape(self.condition)
        caption = (
            f"What happens to {nat['population']:,} people at prevalence {_prev(s.prevalence)} "
            f"with threshold {s.threshold:.{self._digits}f} (expected numbers, rounded to whole "
            "people)"
        )

        def cell(key: str) -> str:
            return f'<td data-cell="{key}" data-value="{nat[key]}">{nat[key]:,}</td>'

        def total(key: str, value: int) -> str:
            return f'<td data-cell="{key}" data-value="{value}">{value:,}</td>'

        called, cleared = nat["tp"] + nat["fp"], nat["fn"] + nat["tn"]
        return (
            '<table class="radcourse-table" style="border-collapse:collapse;margin:0.5em 0">'
            f'<caption style="caption-side:top;text-align:left;font-weight:bold">{caption}'
            "</caption><thead><tr><td></td>"
            f'<th scope="col">Has {cond}</th><th scope="col">No {cond}</th>'
            '<th scope="col">Total</th></tr></thead><tbody>'
            '<tr><th scope="row">AI positive (recalled)</th>'
            f'{cell("tp")}{cell("fp")}{total("called", called)}</tr>'
            '<tr><th scope="row">AI negative (not recalled)</th>'
            f'{cell("fn")}{cell("tn")}{total("cleared", cleared)}</tr>'
            '<tr><th scope="row">Total</th>'
            f'{total("with_condition", nat["with_condition"])}'
            f'{total("without_condition", nat["without_condition"])}'
            f'{total("population", nat["population"])}</tr></tbody></table>'
            f"<p><small>Top left: {cond}s found (true positives); top right: false alarms (false "
            f"positives); bottom left: {cond}s missed (false negatives); bottom right: correctly "
            "reassured (true negatives).</small></p>"
        )

    def _measures_html(self) -> str:
        s, cond = self.state, escape(self.condition)
        ci_head = "95% confidence interval" if s.source == "data" else "Interval"
        no_ci = "not available (exact model)" if s.source == "binormal" else ""
        rows = (
            ("Sensitivity", _num(s.sensitivity), _interval(s.sensitivity_ci) or no_ci,
             f"share of people with {cond} whom the AI flags"),
            ("Specificity", _num(s.specificity), _interval(s.specificity_ci) or no_ci,
             f"share of people without {cond} whom the AI clears"),
            ("PPV", f'<span class="radcourse-ppv-cell">{_pct(s.ppv)}</span>', "",
             f"chance that a person with a positive result has {cond}, at this prevalence"),
            ("NPV", _pct(s.npv, 2), "", "chance that a person with a negative result does not "
             f"have {cond}, at this prevalence"),
            ("LR+", _num(s.lr_positive, 1), "", "how many times more likely a positive result is "
             f"with {cond} than without"),
            ("LR−", _num(s.lr_negative), "", "the same for a negative result (below 1 lowers the "
             "odds)"),
            ("Recalls per 1,000", _num(s.recalls_per_1000, 1), "",
             "people called back for further tests, per 1,000 tested"),
            (f"False positives per {cond} found", _num(s.false_positives_per_cancer_found, 1),
             "", f"false alarms for every {cond} found"),
        )
        body = "".join(
            f'<tr><th scope="row">{name}</th><td>{value}</td><td>{ci}</td><td>{meaning}</td></tr>'
            for name, value, ci, meaning in rows
        )
        return (
            '<table class="radcourse-measures" style="border-collapse:collapse;margin:0.5em 0">'
            '<caption style="caption-side:top;text-align:left;font-weight:bold">Accuracy at '
            f"threshold {s.threshold:.{self._digits}f} and prevalence {_prev(s.prevalence)}"
            '</caption><thead><tr><th scope="col">Measure</th><th scope="col">Value</th>'
            f'<th scope="col">{ci_head}</th><th scope="col">What it means</th></tr></thead>'
            f"<tbody>{body}</tbody></table>"
        )

    def _source_note_html(self) -> str:
        s, cond = self.state, escape(self.condition)
        if s.source == "binormal":
            return (
                f"<p><small>Binormal model: AI scores of people without {cond} follow a normal "
                f"distribution with mean 0 and SD 1, and of people with {cond} mean "
                f"{self.d_prime:g} and SD 1. Every number is an exact property of the model, so "
                "there are no confidence intervals; a real validation dataset would need them."
                "</small></p>"
            )
        t = self.table
        return (
            f"<p><small>From {escape(self.source.name)}: {t.n:,} cases, {t.n_positive:,} with "
            f"{cond} (prevalence {_prev(t.prevalence)}). At this threshold the dataset has "
            f"{s.tp:,} true positives, {s.fp:,} false positives, {s.fn:,} false negatives and "
            f"{s.tn:,} true negatives, so in the dataset itself {_pct(s.data_ppv)} of positive "
            f"calls had {cond}. The 95% confidence intervals (Wilson) reflect only the "
            f"{t.n_positive:,} cases with {cond} and {t.n_negative:,} without in this dataset."
            "</small></p>"
        )

    # ---------------------------------------------------------------------------------------
    # Figure: drawn in full once; an update restores that background and redraws only the
    # moving artists (operating point, icons, icon-array title), then encodes the PNG.
    def _build_figure(self) -> None:
        fig = Figure(figsize=(9.0, 4.4), dpi=80, layout="constrained")
        canvas = FigureCanvasAgg(fig)
        roc_ax, icon_ax = fig.subplots(1, 2, width_ratios=[1, 1.45])
        fpr, tpr = self.source.roc
        roc_ax.plot([0, 1], [0, 1], linestyle=":", color=colour("black"), linewidth=1,
                    label="Chance (AUC 0.5)")
        roc_ax.plot(fpr, tpr, color=colour("blue"), linewidth=2,
                    label=f"ROC curve (AUC {self.source.auc:.2f})")
        (self._point,) = roc_ax.plot([], [], marker="o", markersize=10, linestyle="none",
                                     markerfacecolor=colour("vermillion"),
                                     markeredgecolor=colour("black"), label="Operating point",
                                     animated=True)
        roc_ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), aspect="equal",
                   xlabel="False-positive rate (1 − specificity)",
                   ylabel="Sensitivity (true-positive rate)", title="ROC curve")
        roc_ax.legend(loc="lower right", fontsize="small")

        n = ICON_POPULATION
        rows = math.ceil(n / ICON_COLUMNS)
        idx = np.arange(n)
        self._icon_xy = np.column_stack((idx % ICON_COLUMNS, rows - 1 - idx // ICON_COLUMNS))
        self._icons = {}
        for key, label, fill, marker, filled in _ICONS:
            self._icons[key] = icon_ax.scatter(
                [], [], s=34 if marker != "o" else 22, marker=marker, label=label,
                facecolors=fill if filled else "none", edgecolors=fill if not filled else "none",
                linewidths=1.0, animated=True,
            )
        icon_ax.set(xlim=(-1, ICON_COLUMNS), ylim=(-1, rows), aspect="equal", xticks=[],
                    yticks=[])
        icon_ax.set_title(f"{n:,} people at prevalence 50%: 500 have {self.condition}")
        icon_ax.title.set_animated(True)
        for spine in icon_ax.spines.values():
            spine.set_visible(False)
        icon_ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=2,
                       fontsize="small", frameon=False)
        self._icon_ax = icon_ax
        canvas.draw()  # lays out (constrained) and draws everything that does not move
        fig.set_layout_engine("none")  # freeze the layout: updates must not move the axes
        self._background = canvas.copy_from_bbox(fig.bbox)
        self._moving = (self._point, *self._icons.values(), icon_ax.title)
        self.figure = fig

    def _redraw_figure(self) -> None:
        s, ic = self.state, self.state.icon
        key = (s.false_positive_rate, s.sensitivity, ic["tp"], ic["fn"], ic["fp"], ic["tn"])
        if key == self._figure_key:
            return
        self._point.set_data([s.false_positive_rate], [s.sensitivity])
        start = 0
        for name, *_ in _ICONS:
            stop = start + ic[name]
            self._icons[name].set_offsets(self._icon_xy[start:stop])
            start = stop
        has = "has" if ic["with_condition"] == 1 else "have"
        self._icon_ax.title.set_text(
            f"{ic['population']:,} people at prevalence {_prev(s.prevalence)}: "
            f"{ic['with_condition']:,} {has} {self.condition}"
        )
        canvas = self.figure.canvas
        canvas.restore_region(self._background)
        for artist in self._moving:
            self.figure.draw_artist(artist)
        width, height = canvas.get_width_height()
        buffer = io.BytesIO()
        # The figure is opaque, so RGB is enough; light compression is the fastest overall.
        PIL.Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0,
                             1).convert("RGB").save(buffer, format="png", compress_level=1)
        self.figure_png = buffer.getvalue()
        self.image.value = self.figure_png
        # No tooltip on the Image: in ipywidgets 8.1 a tooltip on a widget without a description
        # breaks its view in the browser (ipywidgets issue #3860). The text equivalent of the
        # figure is the HTML beside it (``figure_text``).
        self._figure_key = key
