"""Crpl44Readings (chapter 03): CRPL art. 44 para. 1 read two ways, side by side, with the engine's numbers.

The paper calls the platform's liability for not disclosing the seller 补充赔偿责任; a common alternative reading is
不真正连带 (advance compensation). For a seller nobody can identify, :func:`casebook.engine.payments` gives the same
money under both; the second row shows, as the tutorial's illustration, what changes if the seller turns up later.
"""

from __future__ import annotations

from casebook import lessons
from casebook.engine import payments
from casebook.scenario import validate
from casebook.texts import FORM_NAMES, fmt_money

from ..base import Lang, esc, safe_lang, tr
from ..words import table
from ..controls import Display, FixedVBox
from . import common as R
from .fact_subset import FactsDriven, FactSubset
from .common import style_widget as lesson_style

FIXED = {"platform_mode": "marketplace", "seller_identity_disclosed": False, "harm": "property"}

UI = table("lessons/crpl44_readings")

ROWS = ("seller", "platform", "unrecovered", "exposure", "recourse")


class Crpl44Readings(FactsDriven, FixedVBox):
    """Trait ``lang``. ``numbers()`` gives the engine's payments for both readings, seller unknown and found."""

    lang = Lang()

    def __init__(self, lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self.add_class("ll-crpl44-readings")
        self._data = lessons.load("decision_path")["crpl_44_readings"]
        self._head = Display()
        self._facts = FactSubset(["seller_can_pay"], fixed=FIXED, lang="zh")
        self._facts.observe(self._render, "facts")
        self._body = Display()
        self._body.add_class("ll-crpl44-body")
        self.children = [lesson_style(), self._head, self._facts, self._body]
        self.set_trait("lang", safe_lang(lang))
        self._facts.lang = self.lang
        self._render()

    def numbers(self) -> dict:
        """{reading key: {"unknown": payments(...), "later": payments(...)}}, straight from the engine."""
        s = validate(self._facts.facts)
        out = {}
        for key in ("paper", "alternative"):
            form = self._data[key]["form"]
            out[key] = {"unknown": payments(s, form, seller_reachable=False),
                        "later": payments(s, form, seller_reachable=True)}
        return out

    def _table(self, money: dict, lang: str) -> str:
        values = {"seller": money["payments"]["seller"], "platform": money["payments"]["platform"],
                  "unrecovered": money["payments"]["consumer_unrecovered"],
                  "exposure": money["platform_exposure"], "recourse": money["recourse"]}
        rows = "".join(f'<tr><th scope="row">{esc(tr(UI, k, lang))}</th>'
                       f'<td class="ll-num">{esc(fmt_money(values[k], lang))}</td></tr>' for k in ROWS)
        return f'<table class="ll-tbl">{rows}</table>'

    def _render(self, change=None) -> None:
        lang = self.lang
        d = self._data
        damages = self._facts.facts["damages"]
        self._head.value = R.section(f'<h3>{esc(tr(UI, "title", lang))}</h3>'
                                     f'<p>{esc(tr(UI, "lead", lang).format(d=fmt_money(damages, lang)))}</p>')
        nums = self.numbers()
        cols = []
        for key in ("paper", "alternative"):
            item = d[key]
            cols.append(
                f'<div class="ll-card" data-reading="{esc(key)}"><h4>{esc(lessons.label(item["label"], lang))}</h4>'
                f'<p class="ll-form">{esc(FORM_NAMES[item["form"]][lang])}</p>'
                f'{R.statement_html(item["statement"], lang)}'
                f'<h4>{esc(tr(UI, "unknown", lang))}</h4>{self._table(nums[key]["unknown"], lang)}'
                f'<h4>{esc(tr(UI, "later", lang))} {R.badge("addition", lang)}</h4>{self._table(nums[key]["later"], lang)}'
                f'</div>')
        self._body.value = R.section(f'<div class="ll-grid2">{"".join(cols)}</div>'
                                     f'{R.statement_html(d["common"], lang)}')
