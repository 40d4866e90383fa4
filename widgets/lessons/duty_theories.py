"""DutyTheories (chapter 02, paper §2.4 and §4.1.1): why a platform owes duties, and which liability form each
theory is used to justify.

The reader sets the strength of causation, the platform's tier and the risk level; the engine's ``proposal`` regime
(the paper's §4.1.1) gives the form and names the theory behind it. The cards of the theories whose ``supports`` in
``duty_theories.yaml`` match the engine's answer are highlighted; nothing here decides a form.
"""

from __future__ import annotations

from casebook import lessons
from casebook.engine import analyze
from casebook.texts import FORM_NAMES

from ..base import Lang, esc, safe_lang, tr
from ..controls import Display, FixedVBox
from ..words import table
from . import common as R
from .fact_subset import FactsDriven, FactSubset
from .common import style_widget as lesson_style

FIXED = {"platform_mode": "marketplace", "life_health_goods": True, "safety_duty": "failed", "harm": "personal_injury",
         "seller_identity_disclosed": True, "platform_knowledge": "none", "causation": "decisive",
         "platform_tier": "large", "risk_level": "ordinary"}

UI = table("lessons/duty_theories")


def _proposal_step(analysis: dict) -> dict | None:
    return next((s for s in analysis["trace"] if s["rule"] == "proposal_4_1_1"), None)


class DutyTheories(FactsDriven, FixedVBox):
    """Traits: ``lang``. ``analysis`` / ``ladder_analysis``: the engine's latest answers (proposal, ladder first)."""

    lang = Lang()

    def __init__(self, lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self.add_class("ll-duty-theories")
        self._data = lessons.load("duty_theories")
        self._setup = Display()
        self._facts = FactSubset(["causation", "platform_tier", "risk_level"], fixed=FIXED, lang=self.lang)
        self._facts.observe(self._render, "facts")
        self._result = Display()
        self._result.add_class("ll-duty-result")
        self._cards = Display()
        self.children = [lesson_style(), self._setup, self._facts, self._result, self._cards]
        self.analysis: dict = {}
        self.ladder_analysis: dict = {}
        self.set_trait("lang", safe_lang(lang))
        self._render()

    def states(self) -> dict:
        """theory id -> ("supports" | "conflicts" | "idle", form or None), from the engine's current answers."""
        step, ladder = _proposal_step(self.analysis), _proposal_step(self.ladder_analysis)
        out = {}
        for t in self._data["theories"]:
            state, form = "idle", None
            for s in t["supports"]:
                if step and s["by"] == "causation" and step["decided_by"] == "causation" and s["form"] == step["form"]:
                    state, form = "supports", s["form"]
                if ladder and s["by"] == "ladder" and ladder["decided_by"] == "ladder" and s["form"] == ladder["form"]:
                    agrees = step is not None and step["form"] == ladder["form"]
                    state, form = ("supports" if agrees else "conflicts"), s["form"]
            out[t["id"]] = (state, form)
        return out

    def _render(self, change=None) -> None:
        lang = self.lang
        c = R.colon(lang)
        facts = self._facts.facts
        self.analysis = analyze(facts, "proposal", lang, pivotal=False)  # no pivots shown here
        self.ladder_analysis = analyze(facts, "proposal_ladder", lang, pivotal=False)
        a, b = self.analysis, self.ladder_analysis
        self._setup.value = R.section(f'<p>{esc(tr(UI, "setup", lang))}</p>')

        step = _proposal_step(a)
        reason = step["reason"] if step else next(s["reason"] for s in a["trace"] if s["rule"] == "ecl_38_2")
        other = ""
        if b["liability_form"] != a["liability_form"]:
            choices = " ".join(ch["text"] for ch in b["engine_choices"] if ch["id"].startswith("choice_ladder"))
            other = (f'<p><strong>{esc(tr(UI, "ladder_first", lang))}{c}</strong><span class="ll-form">'
                     f'{esc(b["form_name"])}</span></p><p class="ll-src" style="white-space:normal">{esc(choices)}</p>')
        elif step is not None:
            other = f'<p class="ll-src" style="white-space:normal">{esc(tr(UI, "ladder_first", lang))}{c}{esc(tr(UI, "same", lang))}</p>'
        opens = "".join(f'<p class="ll-open">{R.badge("open", lang)} {esc(o)}</p>' for o in a["open_points"])
        self._result.value = R.section(
            f'<div class="ll-card ll-card-on ll-outcome" data-liability-form="{esc(a["liability_form"])}" aria-live="polite">'
            f'<p><strong>{esc(tr(UI, "result", lang))}{c}</strong><span class="ll-form">{esc(a["form_name"])}</span></p>'
            f'<p><strong>{esc(tr(UI, "engine_says", lang))}{c}</strong>{esc(reason)}</p>{other}{opens}</div>')

        states = self.states()
        cards = []
        for t in self._data["theories"]:
            state, form = states[t["id"]]
            mark = {"supports": tr(UI, "supports", lang),
                    "conflicts": tr(UI, "conflicts", lang).format(form=FORM_NAMES[form][lang] if form else ""),
                    "idle": tr(UI, "idle", lang)}[state]
            css = {"supports": "ll-card ll-card-on", "conflicts": "ll-card ll-card-conflict", "idle": "ll-card ll-card-off"}[state]
            forms = ("、" if lang == "zh" else ", ").join(dict.fromkeys(FORM_NAMES[s["form"]][lang] for s in t["supports"]))
            why = "".join(R.statement_html(s["paper"], lang) for s in t["supports"])
            if t.get("scope"):
                why = R.statement_html(t["scope"], lang) + why
            cards.append(
                f'<div class="{css}" data-theory="{esc(t["id"])}" data-state="{state}">'
                f'<h4>{esc(lessons.label(t["name"], lang))} <span class="ll-src">§{esc(t["section"])} · {esc(mark)}</span></h4>'
                f'{R.statement_html(t["paper"][0], lang)}'
                f'<p><strong>{esc(tr(UI, "to_form", lang))}{c}</strong><span class="ll-form">{esc(forms)}</span></p>'
                f'<details><summary>{esc(tr(UI, "why_411", lang))}</summary>{why}</details></div>')
        crit = "".join(R.statement_html(s, lang) for s in self._data["criterion"][1:])
        opens = "".join(R.statement_html(s, lang, tag="div") for s in self._data["open"])
        self._cards.value = R.section(f'<div class="ll-grid2">{"".join(cards)}</div>'
                                      f'<h4>{esc(tr(UI, "criterion", lang))}</h4>{crit}{opens}')
