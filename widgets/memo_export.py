"""MemoExport: the memo of :mod:`casebook.memo` for the current facts, regime and language, as two downloads.

The memo is built only when asked for ("Prepare memo"), so that changing a fact stays cheap; when the facts,
regime, notes or language change afterwards, the links are withdrawn until the memo is prepared again.
"""

from __future__ import annotations

import json

from ipywidgets import Layout
from traitlets import Dict, Unicode

from .base import esc, tr
from .words import table
from ._view import FONT, MUTED, FixedButton, download_link
from .controls import Display, FixedHBox, View

MD_NAME, HTML_NAME = "liability-memo.md", "liability-memo.html"

UI = table("memo_export")


class MemoExport(View):
    """Markdown and HTML downloads of the memo, built on request.

    Constructor: ``MemoExport(analysis=None, lang="zh", assumptions=None)``. Traits in: ``analysis`` (its
    ``scenario`` and ``regime`` are used), ``assumptions`` (field -> note, flagged in the memo), ``lang``.
    :meth:`prepare` builds the memo (what the button does); ``markdown`` and ``html`` hold the last memo built for
    the current inputs ("" otherwise).
    """

    assumptions = Dict()
    markdown = Unicode("")
    html = Unicode("")
    _inputs = ("analysis", "assumptions", "lang")

    def __init__(self, analysis=None, lang="zh", assumptions=None, **kwargs):
        self._built_for = None
        self._note = None  # ("stale" | "failed", detail)
        self._title = Display()
        self._button = FixedButton(icon="file-text-o", layout=Layout(width="auto"))
        self._button.add_class("ll-memo-prepare")
        self._button.on_click(lambda _button: self.prepare())
        self._links = Display()
        self._links.add_class("ll-memo-links")
        super().__init__(analysis, lang, children=[self._title, FixedHBox([self._button]), self._links],
                         assumptions=assumptions or {}, **kwargs)
        self.add_class("ll-memo")

    def _memo_inputs(self):
        scenario = self.analysis.get("scenario")
        if not isinstance(scenario, dict):
            return None
        regime = self.analysis.get("regime") or "statute"
        notes = dict(self.assumptions)
        return scenario, regime, self.lang, notes, json.dumps([scenario, regime, self.lang, notes],
                                                              sort_keys=True, ensure_ascii=False, default=str)

    def prepare(self) -> bool:
        """Build the memo for the current inputs and show the download links. False (with a message) on failure."""
        from casebook.memo import memo_html, memo_markdown
        from casebook.scenario import ScenarioError

        inputs = self._memo_inputs()
        if inputs is None:
            self._render()
            return False
        scenario, regime, lang, notes, key = inputs
        if key == self._built_for:  # a second click (or a replayed one) costs nothing
            return True
        try:
            md = memo_markdown(scenario, lang, regime, notes)
            page = memo_html(scenario, lang, regime, notes)
        except ScenarioError as exc:
            self._note = ("failed", str(exc)[:200])
            self.markdown = self.html = ""
            self._built_for = None
            self._render()
            return False
        self._note = None
        self._built_for = key
        self.markdown, self.html = md, page
        self._render()
        return True

    def render(self):
        """A change of inputs makes a memo already built stale."""
        inputs = self._memo_inputs()
        if self._built_for is not None and (inputs is None or inputs[-1] != self._built_for):
            self._built_for = None
            self.markdown = self.html = ""
            self._note = ("stale", "")
        self._render()

    def _render(self):
        lang = self.lang
        self._title.value = (f'<p style="{FONT}font-weight:bold;font-size:17px;margin:4px 0;">'
                             f'{esc(tr(UI, "title", lang))}</p>'
                             f'<p style="{FONT}color:{MUTED};margin:0 0 4px;">{esc(tr(UI, "intro", lang))}</p>')
        self._button.description = tr(UI, "prepare", lang)
        self._button.tooltip = tr(UI, "prepare_tip", lang)
        self._button.disabled = self._memo_inputs() is None
        if self._built_for is not None:
            self._links.value = (
                f'<p style="{FONT}margin:4px 0 0;" role="status">{esc(tr(UI, "ready", lang))}</p><p style="margin:0;">'
                + download_link(self.markdown, "text/markdown", MD_NAME, tr(UI, "markdown", lang), "ll-memo-md")
                + download_link(self.html, "text/html", HTML_NAME, tr(UI, "html", lang), "ll-memo-html")
                + "</p>"
            )
        elif self._memo_inputs() is None:
            self._links.value = f'<p style="{FONT}">{esc(tr(UI, "empty", lang))}</p>'
        elif self._note is not None:
            key, detail = self._note
            self._links.value = (f'<p style="{FONT}color:{"#8a1c1c" if key == "failed" else MUTED};" '
                                 f'role="{"alert" if key == "failed" else "status"}">'
                                 f'{esc(tr(UI, key, lang).format(detail=detail))}</p>')
        else:
            self._links.value = ""
