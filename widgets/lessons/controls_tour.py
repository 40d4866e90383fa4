"""ControlsTour (chapter 00): two facts and the engine's answer, to show how every control in the tutorial works.

The reader changes what the platform knew and whether it acted; the engine (ECL art. 38 para. 1) answers at once.
Below, the badges the chapters use are explained.
"""

from __future__ import annotations

from casebook.engine import analyze

from ..base import Lang, esc, safe_lang, tr
from ..controls import Display, FixedVBox
from ..words import table
from . import common as R
from .fact_subset import FactsDriven, FactSubset
from .common import style_widget as lesson_style

UI = table("lessons/controls_tour")

FIXED = {"platform_mode": "marketplace", "harm": "property"}


class ControlsTour(FactsDriven, FixedVBox):
    """Traits: ``lang``. ``analysis`` is the engine's latest answer (read-only use)."""

    lang = Lang()

    def __init__(self, lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self.add_class("ll-controls-tour")
        self._head = Display()
        self._facts = FactSubset(["platform_knowledge", "necessary_measures"], fixed=FIXED, lang=self.lang)
        self._facts.observe(self._render, "facts")
        self._out = Display()
        self._out.add_class("ll-outcome-html")
        self._legend = Display()
        self.children = [lesson_style(), self._head, self._facts, self._out, self._legend]
        self.analysis: dict = {}
        self.set_trait("lang", safe_lang(lang))
        self._render()

    def _render(self, change=None) -> None:
        lang = self.lang
        a = analyze(self._facts.facts, "statute", lang, pivotal=False)  # no pivots shown here
        self.analysis = a
        deciding = R.decisive_step(a)
        self._head.value = R.section(f'<h3>{esc(tr(UI, "title", lang))}</h3><p>{esc(tr(UI, "lead", lang))}</p>')
        c = R.colon(lang)
        why = (f'<p><strong>{esc(tr(UI, "why", lang))}{c}</strong>{esc(deciding["reason"])}</p>' if deciding else "")
        basis = "；".join(a["citations"]) if lang == "zh" else "; ".join(a["citations"])
        self._out.value = R.section(
            f'<div class="ll-card ll-card-on ll-outcome" data-liability-form="{esc(a["liability_form"])}" aria-live="polite">'
            f'<p><strong>{esc(tr(UI, "result", lang))}{c}</strong><span class="ll-form" style="font-size:20px">'
            f'{esc(a["form_name"])}</span></p><p>{esc(a["summary"])}</p>{why}'
            f'<p><strong>{esc(tr(UI, "basis", lang))}{c}</strong>{esc(basis)}</p></div>')
        legend = "".join([
            f'<li>{R.badge("paper", lang)} {esc(tr(UI, "paper", lang))}</li>',
            f'<li>{R.badge("addition", lang)} {esc(tr(UI, "addition", lang))}</li>',
            f'<li>{R.badge("open", lang)} {esc(tr(UI, "open", lang))}</li>',
            f'<li>{esc(tr(UI, "article", lang))}</li>',
        ])
        self._legend.value = R.section(f'<h4>{esc(tr(UI, "legend", lang))}</h4><ul>{legend}</ul>')
