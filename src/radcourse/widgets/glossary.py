"""``GlossaryBrowser``: search the course glossary as you type.

Three layers (STYLE.md): searching and ranking are :func:`radcourse.glossary.search`; this class
only builds labelled controls, wires them with ``observe`` and keeps the last result as plain
attributes (``results``, ``count_text``, ``html``), so a test can set ``search_box.value`` and
assert on the state without a browser.

The notebook cell is one line: ``GlossaryBrowser()`` (or ``GlossaryBrowser("bias")``).
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from radcourse.glossary import MODULES, Term, close_matches, load_glossary, search

ALL_MODULES = "all"
MODULE_OPTIONS = (("All modules", ALL_MODULES), *((f"Module {m}", m) for m in MODULES))
_CELL = "padding:4px 8px;text-align:left;vertical-align:top;border-bottom:1px solid #ccc"


def results_table_html(terms: list[Term], caption: str) -> str:
    """Terms as an accessible HTML table: a caption, column headers, and the term as row header.

    Aliases appear under the term; a teaching note, if any, under the definition.
    """
    head = "".join(f'<th scope="col" style="{_CELL}">{h}</th>'
                   for h in ("Term", "Definition", "Source", "Module"))
    rows = []
    for t in terms:
        aka = (f'<br><small>also: {escape(", ".join(t.aliases))}</small>' if t.aliases else "")
        note = f'<br><small><strong>Note:</strong> {escape(t.note)}</small>' if t.note else ""
        see = (f'<br><small>See also: {escape(", ".join(t.see_also))}</small>'
               if t.see_also else "")
        rows.append(
            "<tr>"
            f'<th scope="row" style="{_CELL}"><dfn>{escape(t.term)}</dfn>{aka}</th>'
            f'<td style="{_CELL}">{escape(t.definition)}{note}{see}</td>'
            f'<td style="{_CELL}"><small>{escape(t.source)}</small></td>'
            f'<td style="{_CELL}">{escape(t.module)}</td>'
            "</tr>"
        )
    return (
        '<table class="radcourse-glossary-table" style="border-collapse:collapse;max-width:60em">'
        f'<caption style="caption-side:top;text-align:left;font-weight:bold">{escape(caption)}'
        f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


class GlossaryBrowser(widgets.VBox):
    """Search the course glossary by term, alias or words in the definition.

    Attributes for tests and for the curious: ``search_box`` (Text, updates as you type),
    ``module`` (Dropdown: all modules or one of A–G), ``output`` (the HTML widget), and the last
    computed ``results`` (list of term names, best match first), ``count_text`` and ``html``.
    """

    def __init__(self, query: str = "", module: str = ALL_MODULES, **kwargs):
        wide = {"description_width": "initial"}
        self.search_box = widgets.Text(
            value=str(query), placeholder="Type a term, an acronym or any word, e.g. bias",
            description="Search the glossary:", continuous_update=True, style=wide,
            layout=widgets.Layout(width="36em"),
        )
        self.module = widgets.Dropdown(
            options=list(MODULE_OPTIONS), value=module if module in MODULES else ALL_MODULES,
            description="Introduced in:", style=wide,
        )
        self.output = widgets.HTML()

        self.add_class("radcourse-glossary")
        self.search_box.add_class("radcourse-glossary-search")
        self.module.add_class("radcourse-glossary-module")
        self.output.add_class("radcourse-glossary-results")

        self.results: list[str] = []
        self.count_text: str = ""
        self.html: str = ""
        self._total = len(load_glossary())

        super().__init__(children=[self.search_box, self.module, self.output], **kwargs)
        self.search_box.observe(self._update, names="value")
        self.module.observe(self._update, names="value")
        self._update()

    def _update(self, change=None) -> None:
        query = self.search_box.value.strip()
        module = None if self.module.value == ALL_MODULES else self.module.value
        found = search(query, module=module)
        self.results = [t.term for t in found]
        where = "" if module is None else f" introduced in Module {module}"
        if not query:
            self.count_text = f"Showing all {len(found)} terms{where} (of {self._total})."
        elif found:
            noun = "term matches" if len(found) == 1 else "terms match"
            self.count_text = f"{len(found)} {noun} “{query}”{where}."
        else:
            near = close_matches(query)
            hint = (f" Did you mean: {', '.join(near)}?" if near
                    else " Try a shorter word, an acronym, or choose All modules.")
            self.count_text = f"No terms match “{query}”{where}.{hint}"
        status = (f'<p class="radcourse-glossary-count" role="status" aria-live="polite">'
                  f"{escape(self.count_text)}</p>")
        table = results_table_html(found, f"Course glossary: {self.count_text}") if found else ""
        self.html = status + table
        self.output.value = self.html
