"""InstanceComparison: the instances of one case side by side, each replayed under the reading its court adopted.

For Sankuai v. Xiaotiaowa: the first instance's joint liability next to the second instance's 50/30/20 shares. Each
column shows the court, holding and reasoning as the paper reports them and the engine's payments under that
court's reading (amounts are the casebook's illustrative assumptions); the last row runs both instances' facts under
the paper's proposal, to show what one rule would have made of them.
"""

from __future__ import annotations

from traitlets import Unicode, observe

from casebook import replay
from casebook.cases import decisions
from casebook.engine import analyze

from ..base import Lang, esc, safe_lang, tr
from ..controls import Display, FixedVBox
from ..regime_comparison import amount, regime_name
from ..words import WORDS, table
from .common import form_html, section, shares_text, text_of
from .common import large_controls_style as lesson_style

UI = table("lessons/instance_comparison")


class InstanceComparison(FixedVBox):
    """Traits: ``lang`` (in), ``case`` (in: a casebook case id with more than one decision)."""

    lang = Lang()
    case = Unicode("sankuai-v-xiaotiaowa")

    def __init__(self, case: str = "sankuai-v-xiaotiaowa", lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self._built = False
        self.add_class("ll-instance-comparison")
        self.add_class("ll-large-controls")
        self.set_trait("lang", safe_lang(lang))
        self.set_trait("case", case if len(self._decisions_of(case)) > 1 else "sankuai-v-xiaotiaowa")
        self._html = Display()
        self._html.add_class("ll-instances")
        self.children = [lesson_style(), self._html]
        self._built = True
        self._render()

    @staticmethod
    def _decisions_of(case: str) -> list:
        return [d for d in decisions() if d["case_id"] == case]

    def columns(self) -> list[dict]:
        """One entry per instance: the decision and the engine's analyses under its court's reading and the proposal."""
        out = []
        for dec in self._decisions_of(self.case):
            regime = replay.holding_regime(dec)
            out.append({"decision": dec, "regime": regime,
                        "held": analyze(dec["scenario"], regime, self.lang),
                        "proposal": analyze(dec["scenario"], "proposal", self.lang)})
        return out

    @observe("lang", "case")
    def _on_change(self, change):
        if not self._built:
            return
        if change["name"] == "case" and len(self._decisions_of(change["new"])) < 2:
            self.case = change["old"]
            return
        self._render()

    def _render(self):
        lang = self.lang
        cols = self.columns()
        colon = "：" if lang == "zh" else ": "
        cards = []
        for col in cols:
            dec, a = col["decision"], col["held"]
            pays = a["payments"]
            held = form_html(dec["liability_form"], lang)
            if dec["shares"]:
                held += f"<br>{esc(tr(UI, 'shares', lang))}{colon}{esc(shares_text(dec['shares'], lang))}"
            rows = [("seller", pays["seller"]), ("platform", pays["platform"]),
                    ("unrecovered", pays["consumer_unrecovered"]), ("exposure", a["platform_exposure"]),
                    ("recourse", a["recourse"])]
            table = "".join(f"<tr><th scope='row'>{esc(tr(UI, k, lang))}</th><td class='ll-num'>{esc(amount(v, lang))}</td></tr>"
                            for k, v in rows)
            court = text_of(dec["court"], lang) if dec["court"] else tr(WORDS, "not_given", lang)
            cards.append(
                f"<div class='ll-card' data-decision='{esc(dec['id'])}' data-liability-form='{esc(a['liability_form'])}'>"
                f"<h4>{esc(tr(UI, dec['instance'], lang))}</h4>"
                f"<p><strong>{esc(tr(UI, 'court', lang))}</strong>{colon}{esc(court)}<br>"
                f"<strong>{esc(tr(UI, 'number', lang))}</strong>{colon}{esc(dec['case_number'] or tr(WORDS, 'not_given', lang))}</p>"
                f"<p><strong>{esc(tr(UI, 'holding', lang))}</strong>{colon}{esc(text_of(dec['holding'], lang))}</p>"
                f"<p>{held}</p>"
                f"<p><strong>{esc(tr(UI, 'reasoning', lang))}</strong>{colon}{esc(text_of(dec['reasoning'], lang))}</p>"
                f"<p><strong>{esc(tr(UI, 'reading', lang))}</strong>{colon}{esc(regime_name(col['regime'], lang))}</p>"
                f"<table class='ll-tbl'><caption>{esc(tr(UI, 'money', lang).format(damages=amount(a['damages'], lang)))}"
                f"</caption><tbody>{table}</tbody></table></div>")
        proposal = "".join(
            f"<li>{esc(tr(UI, col['decision']['instance'], lang))}{colon}{form_html(col['proposal']['liability_form'], lang)}</li>"
            for col in cols)
        alike = len({col["proposal"]["liability_form"] for col in cols}) == 1
        self._html.value = section(
            f"<h3>{esc(tr(UI, 'title', lang))}</h3><div class='ll-grid2'>{''.join(cards)}</div>"
            f"<h4>{esc(tr(UI, 'proposal', lang))}</h4><ul>{proposal}</ul>"
            f"<p><strong>{esc(tr(UI, 'alike' if alike else 'unlike', lang))}</strong></p>"
            f"<p class='ll-note'>{esc(tr(UI, 'assumption', lang))}</p>")
