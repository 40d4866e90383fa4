"""SafetyDutyChecklist: the measures paper §4.1.2 asks of a platform, the tiers, the factors, and what a finding means.

The reader picks a tier, ticks the measures a platform took, reads the factors the paper names for judging a breach,
then states a judgment (duty fulfilled or failed) and a causal link; the engine shows what that judgment leads to
under the statute and under the paper's proposal. The widget counts ticks and never turns them into a finding: the
paper sets no threshold, and the page says so.
"""

from __future__ import annotations

from traitlets import Unicode

from casebook import lessons
from casebook.engine import analyze
from casebook.scenario import FIELD_BY_NAME

from ..base import Lang, LangGuard, esc, quietly, safe_lang, tr
from ..controls import Checkbox, Display, Dropdown, FixedVBox, ToggleButtons
from ..regime_comparison import regime_name
from . import common as _render
from ..words import table
from .common import field_label, form_html, keeping_choice, section, text_of, value_label
from .._kernel import cancel, later
from .._view import shared_layout
from .common import large_controls_style as lesson_style

UI = table("lessons/safety_duty_checklist")

# The facts of the illustration beneath the judgment; every value is the tutorial's, not the paper's.
BASE = {"platform_mode": "marketplace", "life_health_goods": True, "harm": "personal_injury",
        "qualification_review": "fulfilled", "risk_level": "ordinary"}


class SafetyDutyChecklist(LangGuard, FixedVBox):
    """Traits: ``lang`` (in), ``ticked`` (out: the ids of the measures ticked, comma-separated)."""

    lang = Lang()
    ticked = Unicode("")

    def __init__(self, lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self.add_class("ll-safety-checklist")
        self.add_class("ll-controls")
        self.add_class("ll-large-controls")
        self._data = lessons.safety_duty()
        self._quiet = False
        self._built = False
        self.set_trait("lang", safe_lang(lang))
        wide = {"style": {"description_width": "initial"}, "layout": shared_layout(width="auto")}
        self._tier = Dropdown(options=[("", v) for v in FIELD_BY_NAME["platform_tier"].options], value="large", **wide)
        self._tier.add_class("ll-safety-tier")
        self._tier_html = Display()
        self._measures_head = Display()
        self._boxes = []
        self._quotes = []
        rows = []
        for m in self._data["measures"]:
            box = Checkbox(value=False, indent=False, layout=shared_layout(width="auto", max_width="100%"))
            box.add_class(f"ll-measure-{m['id']}")
            box.observe(self._on_change, "value")
            quote = Display()
            self._boxes.append(box)
            self._quotes.append(quote)
            rows.append(FixedVBox([box, quote]))
        self._count = Display()
        self._count.add_class("ll-measure-count")
        self._factors = Display()
        self._judge_head = Display()
        self._judgment = ToggleButtons(options=[("", "fulfilled"), ("", "failed")], value="failed",
                                       style={"description_width": "initial", "button_width": "auto"})
        self._judgment.add_class("ll-safety-judgment")
        self._causation = Dropdown(options=[("", v) for v in FIELD_BY_NAME["causation"].options],
                                   value="decisive", **wide)
        self._causation.add_class("ll-safety-causation")
        self._result = Display()
        self._result.add_class("ll-safety-result")
        for control in (self._tier, self._judgment, self._causation):
            control.observe(self._on_change, "value")
        self.children = [lesson_style(), self._tier, self._tier_html, self._measures_head, *rows, self._count, self._factors,
                         self._judge_head, self._judgment, self._causation, self._result]
        self._built = True
        self._relabel()

    # --- reading ------------------------------------------------------------------------------------------------

    @property
    def measures(self) -> tuple:
        """The checkboxes, one per measure in the paper's order (for wiring and tests)."""
        return tuple(self._boxes)

    def scenario(self) -> dict:
        """The illustrative facts the judgment is run on."""
        return {**BASE, "platform_tier": self._tier.value, "safety_duty": self._judgment.value,
                "causation": self._causation.value}

    # --- events -------------------------------------------------------------------------------------------------

    def _on_change(self, change=None):
        if self._quiet:
            return
        self.ticked = ",".join(m["id"] for m, b in zip(self._data["measures"], self._boxes) if b.value)
        self._render()

    def _relabel(self):
        lang = self.lang
        with quietly(self):
            spec_tier, spec_cause = FIELD_BY_NAME["platform_tier"], FIELD_BY_NAME["causation"]
            self._tier.description = tr(UI, "tier", lang)
            with keeping_choice(self._tier):
                self._tier.options = [(spec_tier.label_of(v, lang), v) for v in spec_tier.options]
            self._causation.description = tr(UI, "causation", lang)
            with keeping_choice(self._causation):
                self._causation.options = [(spec_cause.label_of(v, lang), v) for v in spec_cause.options]
            self._judgment.description = tr(UI, "judgment", lang)
            spec_duty = FIELD_BY_NAME["safety_duty"]
            with keeping_choice(self._judgment):
                self._judgment.options = [(spec_duty.label_of(v, lang), v) for v in spec_duty.options]
            for m, box, quote in zip(self._data["measures"], self._boxes, self._quotes):
                box.description = text_of(m["label"], lang)
                quote.value = section(self._measure_quote(m, lang))
            self._judge_head.value = section(
                f"<h3>{esc(tr(UI, 'judge_title', lang))}</h3><p>{esc(tr(UI, 'judge_lead', lang))}</p>")
            self._measures_head.value = section(
                f"<h3>{esc(tr(UI, 'measures_title', lang))}</h3><p>{esc(tr(UI, 'measures_lead', lang))}</p>")
        self._on_change()

    @staticmethod
    def _measure_quote(m: dict, lang: str) -> str:
        src = esc(tr(UI, "paper", lang).format(section=m["section"]))
        if lang == "zh":
            return f"<div class='ll-measure-quote' lang='zh'>“{esc(m['quote'])}” <span class='ll-src'>— {src}</span></div>"
        return (f"<div class='ll-measure-quote'><span lang='en'>\"{esc(m['en'])}\"</span> <span class='ll-src'>— {src}; "
                f"{esc(tr(UI, 'original', lang))}: <span lang='zh'>“{esc(m['quote'])}”</span> "
                f"({esc(tr(UI, 'unofficial', lang))})</span></div>")

    def _render(self):
        cancel(self)
        lang = self.lang
        measures = self._data["measures"]
        missing = [m for m, b in zip(measures, self._boxes) if not b.value]
        k = len(measures) - len(missing)
        body = f"<p><strong>{esc(tr(UI, 'count', lang).format(k=k, n=len(measures)))}</strong></p>"
        if missing:
            items = "".join(f"<li>{esc(text_of(m['label'], lang))}</li>" for m in missing)
            body += f"<p>{esc(tr(UI, 'missing', lang))}</p><ul>{items}</ul>"
        else:
            body += f"<p>{esc(tr(UI, 'all', lang))}</p>"
        body += "".join(_render.statement_html(p, lang) for p in self._data["open_points"]
                        if p["id"] == "how_many_measures")
        self._count.value = section(body)
        self._render_result()
        # The count and the result first; the tier's and the factors' texts (long, mostly the paper's words) a
        # moment later when the change came from the browser (widgets/_kernel.py).
        later(self, self._render_texts)

    def _render_texts(self):
        lang = self.lang
        level = next(lv for lv in self._data["tiers"]["levels"] if lv["id"] == self._tier.value)
        tier = f"<h4>{esc(tr(UI, 'tier_title', lang))}: {esc(text_of(level['label'], lang))}</h4>"
        tier += _render.statement_html(self._data["tiers"]["basis"], lang)
        tier += "".join(_render.statement_html(st, lang) for st in level["paper"])
        tier += _render.statement_html(level["unsaid"], lang)
        self._tier_html.value = section(tier)

        factors = f"<h3>{esc(tr(UI, 'factors_title', lang))}</h3>"
        factors += "".join(f"<h4>{esc(text_of(f['label'], lang))}</h4>{_render.statement_html(f, lang)}"
                           for f in self._data["factors"])
        factors += "".join(_render.statement_html(p, lang) for p in self._data["open_points"]
                           if p["id"] in ("factor_weights", "tier_standards"))
        self._factors.value = section(factors)

    def _render_result(self):
        lang = self.lang
        facts = self.scenario()
        rows = []
        for regime in ("statute", "proposal"):
            a = analyze(facts, regime, lang, pivotal=False)  # no pivots shown here
            step = _render.decisive_step(a)
            why = f"{esc(step['name'])}（{esc(step['citation'])}）" if step and lang == "zh" else (
                f"{esc(step['name'])} ({esc(step['citation'])})" if step else "")
            rows.append(f"<tr data-regime='{esc(regime)}'><th scope='row'>{esc(regime_name(regime, lang))}</th>"
                        f"<td>{form_html(a['liability_form'], lang)}</td><td>{why}</td></tr>")
        head = (f"<tr><th scope='col'>{esc(tr(UI, 'regime', lang))}</th><th scope='col'>{esc(tr(UI, 'form', lang))}</th>"
                f"<th scope='col'>{esc(tr(UI, 'why', lang))}</th></tr>")
        note = ""
        if facts["safety_duty"] == "fulfilled":
            note = f"<p>{esc(tr(UI, 'moot', lang))}</p>"
        colon, sep = ("：", "；") if lang == "zh" else (": ", "; ")
        judged = "<p>" + sep.join(
            f"{esc(field_label(f, lang))}{colon}<strong>{esc(value_label(f, facts[f], lang))}</strong>"
            for f in ("platform_tier", "safety_duty", "causation")) + "</p>"
        self._result.value = section(
            f"<h3>{esc(tr(UI, 'result_title', lang))}</h3><p class='ll-note'>{esc(tr(UI, 'result_lead', lang))}</p>"
            f"{judged}<table class='ll-tbl'><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>{note}")
