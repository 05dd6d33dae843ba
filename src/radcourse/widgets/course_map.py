"""``CourseMap``: plan a route through modules A–G by role and hours a week.

Three layers (STYLE.md): the arithmetic is :func:`radcourse.course.study_plan` and
:func:`radcourse.course.summarise_plan`; this class only builds labelled controls, wires them with
``observe`` and keeps the last result as plain attributes (``plan``, ``summary_text``, ``html``),
so a test can set ``.value`` on a control and assert on the state without a browser.

The notebook cell is one line: ``CourseMap()``.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets
import pandas as pd

from radcourse.course import (
    HOURS_LABELS,
    LETTERS,
    PLAN_COLUMNS,
    ROLES,
    catalogue,
    normalise_role,
    study_plan,
    summarise_plan,
)
from radcourse.palette import OKABE_ITO, category_colour, text_colour_on

ROLE_OPTIONS = (("Student", "student"), ("Lecturer", "lecturer"), ("CPD learner", "cpd"))
ROLE_TOOLTIPS = (
    "Pre-registration or postgraduate student: notebooks, exercises and the released assessment",
    "Lecturer: time to work through the material yourself before you release it",
    "CPD learner: self-study hours to record in your CPD portfolio",
)
MIN_HOURS, MAX_HOURS = 1, 20
_CELL = "padding:2px 8px;text-align:left;border-bottom:1px solid #ccc"


def plan_table_html(plan: pd.DataFrame) -> str:
    """The plan as an accessible HTML table: a caption, column headers and row headers."""
    role_label = plan.attrs.get("role_label", "learner")
    hours_label = plan.attrs.get("hours_label", "hours")
    per_week = plan.attrs.get("hours_per_week", 0)
    caption = (
        f"Study plan for a {escape(role_label)} at {per_week:g} hours a week: {escape(hours_label)}"
        " per module, weeks at that pace, and the week in which each module is finished."
    )
    head = "".join(
        f'<th scope="col" style="{_CELL}">{h}</th>'
        for h in ("Module", "Title", "Hours", "Weeks", "Finished in week", "Assessment")
    )
    rows = []
    for _, r in plan.iterrows():
        rows.append(
            "<tr>"
            f'<th scope="row" style="{_CELL}">{escape(r["Module"])}</th>'
            f'<td style="{_CELL}">{escape(r["Title"])}</td>'
            f'<td style="{_CELL}">{r["Hours"]:g}</td>'
            f'<td style="{_CELL}">{r["Weeks"]:.1f}</td>'
            f'<td style="{_CELL}">{int(r["Finish in week"])}</td>'
            f'<td style="{_CELL}"><code>{escape(r["Assessment"])}</code></td>'
            "</tr>"
        )
    total_weeks = int(plan["Finish in week"].iloc[-1]) if len(plan) else 0
    foot = (
        f'<tr><th scope="row" style="{_CELL}">Total</th><td style="{_CELL}"></td>'
        f'<td style="{_CELL}">{plan["Hours"].sum():g}</td>'
        f'<td style="{_CELL}">{plan["Weeks"].sum():.1f}</td>'
        f'<td style="{_CELL}">{total_weeks}</td><td style="{_CELL}"></td></tr>'
    )
    return (
        '<table class="radcourse-plan-table" style="border-collapse:collapse">'
        f'<caption style="caption-side:top;text-align:left;font-weight:bold">{caption}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
        f"<tfoot>{foot}</tfoot></table>"
    )


def plan_timeline_html(plan: pd.DataFrame) -> str:
    """A bar per module across the weeks. Decorative: hidden from screen readers, because the
    table beside it carries the same numbers. Colours are Okabe–Ito, and each bar is labelled
    with its module letter, so colour is never the only cue."""
    if plan.empty:
        return ""
    end = float(plan["Finish in week"].iloc[-1])  # whole weeks, as the heading says
    bars = []
    for _, r in plan.iterrows():
        start = (r["Cumulative weeks"] - r["Weeks"]) / end * 100
        width = r["Weeks"] / end * 100
        fill = category_colour(LETTERS.index(r["Module"]))
        bars.append(
            '<div style="position:relative;height:1.6em;margin:2px 0">'
            f'<div style="position:absolute;left:{start:.2f}%;width:{width:.2f}%;height:100%;'
            f"background:{fill};color:{text_colour_on(fill)};border:1px solid "
            f'{OKABE_ITO["black"]};box-sizing:border-box;text-align:center;line-height:1.5em">{r["Module"]}</div>'
            "</div>"
        )
    return (
        '<div class="radcourse-plan-timeline" aria-hidden="true" style="max-width:40em">'
        f"<p>Timeline over {int(plan['Finish in week'].iloc[-1])} weeks "
        "(the same numbers as the table):</p>"
        f"{''.join(bars)}</div>"
    )


class CourseMap(widgets.VBox):
    """Plan a route through the course: choose a role, hours a week and modules.

    Attributes for tests and for the curious: ``role`` (ToggleButtons), ``hours_per_week``
    (IntSlider, 1–20), ``modules`` (a dict of one Checkbox per module letter), ``output`` (the HTML
    widget), and the last computed ``plan`` (DataFrame), ``summary_text`` (str) and ``html`` (str).
    """

    def __init__(self, role: str = "student", hours_per_week: int = 3, modules=None, **kwargs):
        role = normalise_role(role)
        if isinstance(hours_per_week, bool) or not isinstance(hours_per_week, int) or not (
            MIN_HOURS <= hours_per_week <= MAX_HOURS
        ):
            raise ValueError(
                f"hours_per_week must be a whole number from {MIN_HOURS} to {MAX_HOURS}, "
                f"not {hours_per_week!r}"
            )
        mods = catalogue()
        initial = {m.letter for m in mods} if modules is None else {
            row for row in study_plan(role, hours_per_week, modules)["Module"]
        }
        wide = {"description_width": "initial"}

        self.role = widgets.ToggleButtons(
            options=list(ROLE_OPTIONS), value=role, description="Your role:",
            tooltips=list(ROLE_TOOLTIPS), style=wide,
        )
        self.hours_per_week = widgets.IntSlider(
            value=hours_per_week, min=MIN_HOURS, max=MAX_HOURS, step=1,
            description="Hours a week:", style=wide,
            layout=widgets.Layout(width="28em"),
        )
        self.modules_label = widgets.Label(
            "Modules to include (Tab to move between them, Space to tick or untick):"
        )
        self.modules: dict[str, widgets.Checkbox] = {
            m.letter: widgets.Checkbox(
                value=m.letter in initial,
                description=f"{m.letter} · {m.title} ({m.card_keyword}, {m.hours.total:g} h)",
                indent=False, layout=widgets.Layout(width="auto"),
            )
            for m in mods
        }
        self.output = widgets.HTML()

        self.add_class("radcourse-course-map")
        self.role.add_class("radcourse-role")
        self.hours_per_week.add_class("radcourse-hours-per-week")
        for letter, box in self.modules.items():
            box.add_class(f"radcourse-module-{letter}")
        self.output.add_class("radcourse-plan")

        self.plan: pd.DataFrame = pd.DataFrame(columns=list(PLAN_COLUMNS))
        self.summary_text: str = ""
        self.html: str = ""
        self._paused = False

        children = [
            self.role,
            self.hours_per_week,
            self.modules_label,
            widgets.VBox(list(self.modules.values()), layout=widgets.Layout(margin="0 0 0 1em")),
            self.output,
        ]
        super().__init__(children=children, **kwargs)

        for control in (self.role, self.hours_per_week, *self.modules.values()):
            control.observe(self._update, names="value")
        self._update()

    # ---------------------------------------------------------------------------------------
    @property
    def selected_modules(self) -> tuple[str, ...]:
        """Letters of the ticked modules, in course order."""
        return tuple(letter for letter, box in self.modules.items() if box.value)

    def select_modules(self, letters) -> None:
        """Tick exactly ``letters`` (e.g. ``"A-C"`` or ``["A", "E"]``), recomputing once."""
        wanted = set() if not letters else set(study_plan("student", 1, letters)["Module"])
        self._paused = True
        try:
            for letter, box in self.modules.items():
                box.value = letter in wanted
        finally:
            self._paused = False
        self._update()

    def _update(self, change=None) -> None:
        if self._paused:
            return
        role, per_week, letters = self.role.value, self.hours_per_week.value, self.selected_modules
        if letters:
            plan = study_plan(role, per_week, letters)
            summary = summarise_plan(plan)
            body = plan_table_html(plan) + plan_timeline_html(plan)
        else:
            plan = pd.DataFrame(columns=list(PLAN_COLUMNS))
            plan.attrs.update(role=role, role_label=ROLES[role], hours_per_week=float(per_week),
                              hours_label=HOURS_LABELS[role])
            summary = summarise_plan(plan)
            body = ""
        self.plan, self.summary_text = plan, summary
        self.html = (
            '<div class="radcourse-plan-summary" role="status" aria-live="polite">'
            f"<p>{escape(summary)}</p></div>{body}"
        )
        self.output.value = self.html
