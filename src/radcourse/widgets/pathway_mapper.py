"""``PathwayMapper`` (exercise A-Ex1): place AI applications from the seeds on the pathway.

Three layers (STYLE.md): checking and scoring are :func:`radcourse.pathway.check_placement` and
:func:`radcourse.pathway.score`; this class only builds one card per vignette (two labelled
dropdowns and a radiotherapy tick box), a "Check my answers" button and a score line, and keeps the
last state as plain attributes (``answers``, ``feedback``, ``score``, ``html``), so a test can set
``.value`` on a dropdown, call ``check_button.click()`` and assert on the state without a browser.

Feedback is text with a ✓ or ✗ and words, never colour alone, and cites the seed location. A wrong
choice gets the vignette's hint, which does not name the answer; only when stage and task are both
right does the card show the reasoning ("Why: …"), which :mod:`radcourse.pathway` stores sealed
and opens with the learner's own right answer. Nothing in this widget holds an answer.

The notebook cell is one line: ``PathwayMapper()``.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from radcourse.pathway import Feedback, Vignette, check_placement, get_vignette, score
from radcourse.pathway import stages as pathway_stages
from radcourse.pathway import tasks as pathway_tasks
from radcourse.pathway import vignettes as all_vignettes

PLACEHOLDER = "Choose…"
NOT_ANSWERED = "Not answered yet"


class PathwayMapper(widgets.VBox):
    """One card per vignette: choose a pathway stage and an ML task, tick if it is radiotherapy,
    then press "Check my answers".

    Attributes for tests and for the curious: ``cards``, ``stage_dropdowns``,
    ``task_dropdowns`` and ``radiotherapy_boxes`` (dicts keyed by vignette id), ``feedback_outputs``
    (one HTML widget per card), ``check_button``, ``score_output``; and the state:
    ``answers`` (``{id: (stage or None, task or None, radiotherapy)}``, always current),
    ``feedback`` (``{id: Feedback}`` from the last check; a card's entry is dropped when its answer
    changes), ``score`` (the :func:`radcourse.pathway.score` result of the last check, or ``None``)
    and ``html`` (the score line).
    """

    def __init__(self, vignette_ids=None, **kwargs):
        if vignette_ids is None:
            chosen: list[Vignette] = all_vignettes()
        else:
            try:
                chosen = [get_vignette(v) for v in vignette_ids]
            except KeyError as error:
                raise ValueError(error.args[0]) from None
        if not chosen:
            raise ValueError("choose at least one vignette")
        self.vignettes: list[Vignette] = chosen
        stage_options = [(PLACEHOLDER, None), *((s.label, s.key) for s in pathway_stages())]
        task_options = [(PLACEHOLDER, None), *((t.label, t.key) for t in pathway_tasks())]
        wide = {"description_width": "8em"}

        self.cards: dict[str, widgets.VBox] = {}
        self.stage_dropdowns: dict[str, widgets.Dropdown] = {}
        self.task_dropdowns: dict[str, widgets.Dropdown] = {}
        self.radiotherapy_boxes: dict[str, widgets.Checkbox] = {}
        self.feedback_outputs: dict[str, widgets.HTML] = {}
        for number, v in enumerate(chosen, start=1):
            heading = widgets.HTML(
                f'<h4 style="margin:0.2em 0">{number}. {escape(v.title)}</h4>'
                f"<p>{escape(v.text)}</p>"
                f'<p><small>Source: {escape(v.citation)}</small></p>'
            )
            stage = widgets.Dropdown(options=stage_options, value=None,
                                     description="Pathway stage:", style=wide)
            task = widgets.Dropdown(options=task_options, value=None,
                                    description="ML task:", style=wide)
            rt = widgets.Checkbox(value=False, description="This is radiotherapy", indent=False)
            out = widgets.HTML()
            stage.add_class("radcourse-pathway-stage")
            task.add_class("radcourse-pathway-task")
            rt.add_class("radcourse-pathway-radiotherapy")
            out.add_class("radcourse-pathway-feedback")
            card = widgets.VBox(
                [heading, stage, task, rt, out],
                layout=widgets.Layout(border="1px solid #999", padding="0.5em", margin="0.4em 0"),
            )
            card.add_class("radcourse-pathway-card")
            self.cards[v.id], self.stage_dropdowns[v.id] = card, stage
            self.task_dropdowns[v.id], self.radiotherapy_boxes[v.id] = task, rt
            self.feedback_outputs[v.id] = out
            for control in (stage, task, rt):
                control.observe(lambda change, vid=v.id: self._changed(vid), names="value")

        self.check_button = widgets.Button(
            description="Check my answers", button_style="primary",
            tooltip="Check every card's stage, task and radiotherapy tick",
        )
        self.score_output = widgets.HTML()
        self.check_button.add_class("radcourse-pathway-check")
        self.score_output.add_class("radcourse-pathway-score")
        self.add_class("radcourse-pathway-mapper")

        self.answers: dict[str, tuple[str | None, str | None, bool]] = {}
        self.feedback: dict[str, Feedback] = {}
        self.score: dict | None = None
        self.html: str = ""

        intro = widgets.HTML(
            "<p>For each application, choose the <strong>pathway stage</strong> where the AI "
            "acts and the <strong>ML task</strong> it performs, and tick the box if it is used in "
            "radiotherapy. Some have more than one defensible answer. Then press "
            "<em>Check my answers</em>.</p>"
        )
        super().__init__(
            children=[intro, *self.cards.values(), self.check_button, self.score_output],
            **kwargs,
        )
        self.check_button.on_click(lambda _button: self.check())
        self._read_answers()
        self._show_score_line()

    # ---------------------------------------------------------------------------------------
    def _read_answers(self) -> None:
        self.answers = {
            vid: (self.stage_dropdowns[vid].value, self.task_dropdowns[vid].value,
                  bool(self.radiotherapy_boxes[vid].value))
            for vid in self.cards
        }

    def _changed(self, vid: str) -> None:
        self._read_answers()
        if vid in self.feedback:
            del self.feedback[vid]
            self.feedback_outputs[vid].value = ""
            self._show_score_line(changed=True)

    def check(self) -> dict:
        """Check every card (what the button does); returns the score."""
        self._read_answers()
        # the tick box has no "unanswered" state, so it is judged only on cards with an answer
        judged = {vid: (stage, task, rt if stage is not None or task is not None else None)
                  for vid, (stage, task, rt) in self.answers.items()}
        self.feedback = {}
        for vid, answer in judged.items():
            fb = check_placement(vid, *answer)
            self.feedback[vid] = fb
            self.feedback_outputs[vid].value = feedback_html(fb)
        self.score = score(judged)
        self._show_score_line()
        return self.score

    def _show_score_line(self, changed: bool = False) -> None:
        if self.score is None:
            text = (f"{len(self.cards)} applications to place. Nothing checked yet: choose a "
                    "stage and a task on each card, then press Check my answers.")
        else:
            text = f"Score: {self.score['summary']}"
            if changed:
                text += " Some answers changed since: press Check my answers again."
        self.html = (f'<p class="radcourse-pathway-score-line" role="status" aria-live="polite">'
                     f"<strong>{escape(text)}</strong></p>")
        self.score_output.value = self.html


def feedback_html(fb: Feedback) -> str:
    """One card's feedback: a heading line in words (with ✓/✗), then each sentence."""
    if fb.stage_correct is None and fb.task_correct is None:
        head = NOT_ANSWERED if fb.known else "Could not check"
    elif not fb.answered:
        head = "Not fully answered yet: choose both a stage and a task"
    elif fb.correct:
        head = "✓ Correct: stage and task both accepted"
    elif fb.stage_correct or fb.task_correct:
        head = "✗ Partly right: one of your two choices is accepted"
    else:
        head = "✗ Not yet: neither choice is accepted; read the hints"
    items = "".join(f"<li>{escape(line)}</li>" for line in fb.lines)
    return (f'<div role="status" aria-live="polite"><p><strong>{escape(head)}</strong></p>'
            f"<ul>{items}</ul></div>")
