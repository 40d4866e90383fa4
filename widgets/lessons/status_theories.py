"""StatusTheories (chapter 01, paper §2.2): the four theories of the platform's legal status, one at a time.

For the chosen theory: the paper's account in its words (with the work it cites), the paper's verdict on it, and,
marked as the tutorial's addition, what liability the theory would imply and the article that echoes it.
"""

from __future__ import annotations

from traitlets import Unicode, observe

from casebook import lessons

from ..base import Lang, LangGuard, esc, safe_lang, tr
from ..controls import Display, FixedVBox, ToggleButtons
from ..words import table
from . import common as R
from .._view import shared_layout
from .common import style_widget as lesson_style

UI = table("lessons/status_theories")


class StatusTheories(LangGuard, FixedVBox):
    """Traits: ``lang``, ``theory`` (the id of the theory shown)."""

    lang = Lang()
    theory = Unicode("seller_or_joint_operator")

    def __init__(self, lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self.add_class("ll-status-theories")
        self._data = lessons.load("status_theories")
        self._ids = [t["id"] for t in self._data["theories"]]
        self._pick = ToggleButtons(options=[(i, i) for i in self._ids], value=self._ids[0],
                                   style={"description_width": "initial", "button_width": "auto"},
                                   layout=shared_layout(width="100%", flex_flow="row wrap"))
        self._pick.add_class("ll-theory-pick")
        self._pick.add_class("ll-buttons")
        self._pick.observe(self._on_pick, "value")
        self._overview = Display()
        self._card = Display()
        self._card.add_class("ll-theory-card")
        self.children = [lesson_style(), self._pick, self._overview, self._card]
        self.set_trait("lang", safe_lang(lang))
        self._relabel()

    @observe("theory")
    def _on_theory(self, change) -> None:
        if change["new"] not in self._ids:
            self.theory = change["old"] if change["old"] in self._ids else self._ids[0]
            return
        if self._pick.value != change["new"]:
            self._pick.value = change["new"]
        self._render()

    def _on_pick(self, change) -> None:
        if change["new"] in self._ids:
            self.theory = change["new"]

    def _relabel(self) -> None:
        lang = self.lang
        value = self._pick.value
        with self._pick.hold_sync():
            self._pick.description = tr(UI, "pick", lang)
            self._pick.options = [(lessons.label(t["name"], lang), t["id"]) for t in self._data["theories"]]
            self._pick.value = value
        self._render()

    def _render(self) -> None:
        lang, d = self.lang, self._data
        c = R.colon(lang)
        cells = []
        for t in d["theories"]:
            on = "ll-card-on" if t["id"] == self.theory else "ll-card-off"
            mark = tr(UI, t["assessment"], lang)
            cells.append(f'<div class="ll-card {on}" data-theory="{esc(t["id"])}"><strong>{esc(lessons.label(t["name"], lang))}</strong>'
                         f'<br><span class="ll-src">{esc(mark)}</span></div>')
        self._overview.value = R.section(f'<h4>{esc(tr(UI, "overview", lang))}</h4><div class="ll-grid4">{"".join(cells)}</div>')

        t = next(x for x in d["theories"] if x["id"] == self.theory)
        ref = d["references"][t["paper_ref"]]
        ref_label = tr(UI, "refs", lang).format(n=t["paper_ref"])
        cites = (f'<p class="ll-src" style="white-space:normal">{esc(tr(UI, "cites", lang))}{c}'
                 f'{esc(lessons.text(ref, lang))} — {esc(ref_label)}</p>')
        verdict = d["critique"] if t["assessment"] == "critique" else d["preference"]
        extra = R.statement_html(d["conclusion"], lang) if t["assessment"] == "preferred" else ""
        implies = R.statement_html(t["implies"], lang, tag="div")
        echo = R.article_html(t["echo"], lang, note=esc(tr(UI, "echo_note", lang)))
        self._card.value = R.section(
            f'<div class="ll-card" data-theory="{esc(t["id"])}"><h3>{esc(lessons.label(t["name"], lang))}</h3>'
            f'<h4>{esc(tr(UI, "account", lang))}</h4>{R.statement_html(t["paper"], lang)}{cites}'
            f'<h4>{esc(tr(UI, "verdict", lang))}</h4>{R.statement_html(verdict, lang)}{extra}'
            f'<h4>{esc(tr(UI, "implies", lang))}</h4>{implies}'
            f'<details><summary>{esc(tr(UI, "echo", lang))}</summary>{echo}</details></div>')
