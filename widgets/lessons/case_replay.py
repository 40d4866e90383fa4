"""CaseReplay: one decision as the paper reports it, replayed by the engine, then changed one fact at a time.

The facts, holding and reasoning are the casebook's (the paper's own words, with the casebook's marked assumptions
listed as such). "Replay" runs the engine on the decision's scenario under the statute (the holding must be its form
or among the readings it leaves open) and under the regime named after the holding. "What if" lists the engine's
pivotal facts under a regime the reader picks; choosing one shows the changed outcome and the rule that decides it.
"""

from __future__ import annotations

from traitlets import Bool, Unicode, observe

from casebook import replay
from casebook.cases import decisions
from casebook.engine import analyze

from ..base import Lang, LangGuard, esc, quietly, safe_lang, tr
from ..controls import Display, Dropdown, FixedHBox, FixedVBox
from .._view import FixedButton
from .._kernel import cancel, later
from ..pivotal_facts import PivotalFacts
from ..regime_comparison import amount, regime_name
from ..words import WORDS, table
from .common import (decision_label, field_label, follow_choice, form_html, keeping_choice, section,
                     shares_text, text_of, value_label)
from .common import decisive_step
from .._view import shared_layout
from .common import large_controls_style as lesson_style

UI = table("lessons/case_replay")


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


class CaseReplay(LangGuard, FixedVBox):
    """Traits: ``lang`` (in), ``decision`` (in/out: a casebook decision id), ``replayed`` (out: the replay is shown)."""

    lang = Lang()
    decision = Unicode("")
    replayed = Bool(False)

    def __init__(self, decision: str = "", lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self.add_class("ll-case-replay")
        self.add_class("ll-controls")
        self.add_class("ll-large-controls")
        self._decisions = {d["id"]: d for d in decisions()}
        self._quiet = False
        self._built = False
        self._whatif_change = None
        self.set_trait("lang", safe_lang(lang))
        first = decision if decision in self._decisions else next(iter(self._decisions))
        self.set_trait("decision", first)
        wide = {"style": {"description_width": "initial"}, "layout": shared_layout(width="auto")}
        self._select = Dropdown(options=[(i, i) for i in self._decisions], value=first, **wide)
        self._select.add_class("ll-replay-select")
        self._select.observe(self._on_select, "value")
        self._card = Display()
        self._card.add_class("ll-replay-card")
        self._button = FixedButton(button_style="primary", layout=shared_layout(width="auto"))
        self._button.add_class("ll-replay-button")
        self._button.on_click(lambda _b: self.replay())
        self._result = Display()
        self._result.add_class("ll-replay-result")
        self._whatif_head = Display()
        self._regime = Dropdown(options=[("statute", "statute")], value="statute", **wide)
        self._regime.add_class("ll-whatif-regime")
        self._regime.observe(self._on_regime, "value")
        self._pivots = PivotalFacts(lang=self.lang)
        self._pivots.on_apply(self._on_pivot)
        self._whatif = Display()
        self._whatif.add_class("ll-whatif-result")
        # The what-if result right under its buttons, in a box of their own: on a phone the result stays in view at
        # the bottom of the screen while the buttons are (common.py: .ll-whatif-box, issue 16 point 5).
        whatif_box = FixedVBox([self._pivots, self._whatif])
        whatif_box.add_class("ll-whatif-box")
        self.children = [lesson_style(), self._select, self._card, FixedHBox([self._button]), self._result, self._whatif_head,
                         self._regime, whatif_box]
        self._built = True
        self._relabel()

    @classmethod
    def from_environment(cls, **kwargs) -> "CaseReplay":
        """A replay opened on the decision the page's URL names (``?case=<decision id>``), if it names a valid one.

        A teacher can share a link to one case this way; a bad value is reported by the page shell, not here.
        """
        from casebook.share import parse_query

        from ..query import query_string

        return cls(decision=parse_query(query_string()).get("case") or "", **kwargs)

    # --- public -------------------------------------------------------------------------------------------------

    def replay(self) -> dict:
        """Show the engine's replay of the current decision; returns :func:`casebook.replay.replay`'s result."""
        result = replay.replay(self.decision, self.lang)
        self._render_replay(result)
        self.replayed = True
        return result

    def what_if(self, field: str, value) -> bool:
        """Apply one pivotal change (as a click on its button would); False when it is not pivotal here."""
        return self._pivots.apply(field, value)

    @property
    def pivotal(self) -> PivotalFacts:
        return self._pivots

    @property
    def whatif_regime(self) -> str:
        return self._regime.value

    @whatif_regime.setter
    def whatif_regime(self, regime: str) -> None:
        if regime in [v for _, v in self._regime.options]:
            self._regime.value = regime

    # --- events -------------------------------------------------------------------------------------------------

    def _apply_lang(self, lang: str) -> None:
        self._pivots.lang = lang
        self._relabel()

    @observe("decision")
    def _on_decision(self, change):
        if not follow_choice(self, change, self._decisions, "_select"):
            return
        self.replayed = False
        self._whatif_change = None
        self._relabel()

    def _on_select(self, change):
        if not self._quiet:
            self.decision = change["new"]

    def _on_regime(self, change):
        if not self._quiet:
            cancel(self)
            self._whatif_change = None
            self._render_whatif()

    def _on_pivot(self, field, value):
        self._whatif_change = (field, value)
        self._render_whatif_result()

    # --- rendering ----------------------------------------------------------------------------------------------

    def _dec(self) -> dict:
        return self._decisions[self.decision]

    def _regimes(self) -> list:
        held_regime = replay.holding_regime(self._dec())
        return list(dict.fromkeys(["statute", held_regime, "proposal"]))

    def _relabel(self):
        cancel(self)
        lang = self.lang
        with quietly(self):
            self._select.description = tr(UI, "select", lang)
            with keeping_choice(self._select):
                self._select.options = [(decision_label(d, lang), i) for i, d in self._decisions.items()]
            self._button.description = tr(UI, "replay", lang)
            self._button.tooltip = tr(UI, "replay_tip", lang)
        self._render_card()
        if self.replayed:
            self._render_replay(replay.replay(self.decision, lang))
        else:
            self._result.value = ""
        # The decision's card first; the what-if section below it (its regimes, and new buttons for a new decision)
        # a moment later when the change came from the browser (widgets/_kernel.py): the browser shows the card at
        # once, not after re-rendering a dropdown it does not need yet.
        later(self, self._render_whatif_section)

    def _render_whatif_section(self):
        self._relabel_regime()
        self._render_whatif()

    def _relabel_regime(self):
        lang, dec = self.lang, self._dec()
        with quietly(self):
            self._regime.description = tr(UI, "whatif_regime", lang)
            held_regime = replay.holding_regime(dec)
            options = []
            for r in self._regimes():
                label = regime_name(r, lang)
                if r == held_regime and r != "statute":
                    label = tr(UI, "court_regime", lang).format(regime=label)
                options.append((label, r))
            previous = self._regime.value
            self._regime.options = options
            self._regime.value = previous if previous in self._regimes() else held_regime

    def _render_card(self):
        lang, dec = self.lang, self._dec()
        c = _colon(lang)
        meta = [
            (tr(UI, "court", lang), text_of(dec["court"], lang) if dec["court"] else tr(WORDS, "not_given", lang)),
            (tr(UI, "number", lang), dec["case_number"] or tr(WORDS, "not_given", lang)),
            (tr(UI, "instance", lang), tr(WORDS, dec["instance"], lang)),
        ]
        held = form_html(dec["liability_form"], lang)
        if dec["shares"]:
            held += f"（{esc(shares_text(dec['shares'], lang))}）" if lang == "zh" else \
                f" ({esc(shares_text(dec['shares'], lang))})"
        case = _case(dec["case_id"])
        body = f"<h3>{esc(text_of(dec['title'], lang))}</h3>"
        body += "<p>" + " ｜ ".join(f"<strong>{esc(k)}</strong>{c}{esc(v)}" for k, v in meta) + "</p>"
        body += f"<p><strong>{esc(tr(UI, 'parties', lang))}</strong>{c}{esc(text_of(case['parties'], lang))}</p>"
        body += f"<h4>{esc(tr(UI, 'facts', lang))}</h4><p>{esc(text_of(dec['facts_text'], lang))}</p>"
        body += f"<h4>{esc(tr(UI, 'holding', lang))}</h4><p>{esc(text_of(dec['holding'], lang))}</p>"
        body += f"<p><strong>{esc(tr(UI, 'held_form', lang))}</strong>{c}{held}</p>"
        body += f"<h4>{esc(tr(UI, 'reasoning', lang))}</h4><p>{esc(text_of(dec['reasoning'], lang))}</p>"
        paper = case["paper"]
        passage = tr(UI, "passage", lang).format(section=paper["section"], footnote=paper["footnote"])
        quote = f"<div class='ll-quote' lang='zh'>{esc(paper['quote_zh'])}<span class='ll-src'>— {esc(paper['footnote_zh'])}</span></div>"
        if lang == "en":
            quote += f"<div class='ll-quote' lang='en'>{esc(paper['quote_en'])}</div>"
        body += f"<details><summary>{esc(passage)}</summary>{quote}</details>"
        given = "".join(f"<li><strong>{esc(field_label(f, lang))}</strong>{c}"
                        f"{esc(value_label(f, dec['scenario'][f], lang))} — “{esc(words)}”</li>"
                        for f, words in dec["given"].items())
        body += f"<details><summary>{esc(tr(UI, 'given', lang))}</summary><ul>{given}</ul></details>"
        notes = dec["scenario"].get("assumptions", {})
        assumed = "".join(f"<li><strong>{esc(field_label(f, lang))}</strong>{c}"
                          f"{esc(value_label(f, dec['scenario'][f], lang))} — {esc(text_of(note, lang))}</li>"
                          for f, note in notes.items())
        body += (f"<details class='ll-assumptions'><summary>{esc(tr(UI, 'assumed', lang).format(n=len(notes)))}"
                 f"</summary><div class='ll-note'><ul>{assumed}</ul></div></details>")
        self._card.value = section(f"<div class='ll-card' data-decision='{esc(dec['id'])}'>{body}</div>")

    def _render_replay(self, r: dict):
        lang = self.lang
        statute, under = r["statute"], r["under_holding"]
        body = f"<h3>{esc(tr(UI, 'replay_title', lang))}</h3>"
        body += f"<p><strong>{esc(tr(UI, 'statute', lang))}</strong>{form_html(statute['liability_form'], lang)}</p>"
        if statute["liability_form"] == "undetermined":
            items = "".join(
                f"<li>{form_html(a['form'], lang)} — {esc(a['reading'])}"
                + (f" <strong class='ll-held'>{esc(tr(UI, 'court_chose', lang))}</strong>" if a["form"] == r["held"]
                   else "") + "</li>"
                for a in statute["alternatives"])
            body += f"<p>{esc(tr(UI, 'open', lang))}</p><ul>{items}</ul>"
        body += (f"<p class='ll-held'>{esc(tr(UI, 'allows', lang))}</p>" if r["statute_allows"] else
                 f"<p class='ll-not'>{esc(tr(UI, 'not_allows', lang))}</p>")
        if r["holding_regime"] == "statute":
            body += f"<p>{esc(tr(UI, 'same_as_statute', lang))}</p>"
        else:
            label = tr(UI, "under", lang).format(regime=regime_name(r["holding_regime"], lang))
            body += f"<p><strong>{esc(label)}</strong>{form_html(under['liability_form'], lang)}</p>"
        body += (f"<p class='ll-held'>{esc(tr(UI, 'match', lang))}</p>" if r["replayed"] else
                 f"<p class='ll-not'>{esc(tr(UI, 'mismatch', lang))}</p>")
        body += _decided_by(under, lang)
        pays = under["payments"]
        body += (f"<h4>{esc(tr(UI, 'money', lang))}</h4><table class='ll-tbl'><thead><tr>"
                 + "".join(f"<th scope='col'>{esc(tr(UI, k, lang))}</th>" for k in ("seller", "platform", "unrecovered"))
                 + "</tr></thead><tbody><tr>"
                 + "".join(f"<td class='ll-num'>{esc(amount(pays[k], lang))}</td>"
                           for k in ("seller", "platform", "consumer_unrecovered"))
                 + "</tr></tbody></table>")
        self._result.value = section(
            f"<div class='ll-card ll-replay' data-replayed='{'true' if r['replayed'] else 'false'}' "
            f"data-liability-form='{esc(under['liability_form'])}'>{body}</div>")

    def _analysis(self, regime: str) -> dict:
        return analyze(self._dec()["scenario"], regime, self.lang)

    def _render_whatif(self):
        lang = self.lang
        self._whatif_head.value = section(f"<h3>{esc(tr(UI, 'whatif_title', lang))}</h3>")
        self._pivots.analysis = self._analysis(self._regime.value)
        self._render_whatif_result()

    def _render_whatif_result(self):
        lang = self.lang
        if self._whatif_change is None:
            self._whatif.value = section(f"<p>{esc(tr(UI, 'whatif_none', lang))}</p>")
            return
        field, value = self._whatif_change
        regime = self._regime.value
        scenario = self._dec()["scenario"]
        before = analyze(scenario, regime, lang)
        after = analyze({**scenario, field: value}, regime, lang)
        line = tr(UI, "whatif_result", lang).format(
            field=field_label(field, lang), value=value_label(field, value, lang),
            old=value_label(field, scenario[field], lang), before="{before}", after="{after}")
        line = esc(line).replace("{before}", form_html(before["liability_form"], lang)).replace(
            "{after}", form_html(after["liability_form"], lang))
        why = _decided_by(after, lang)
        self._whatif.value = section(
            f"<div class='ll-card ll-whatif-card' data-liability-form='{esc(after['liability_form'])}' data-field='{esc(field)}' "
            f"tabindex='0' role='region' aria-label='{esc(tr(UI, 'whatif_title', lang))}'>"
            f"<p><strong>{line}</strong></p>{why}<p class='ll-note'>{esc(tr(UI, 'whatif_note', lang))}</p></div>")


def _decided_by(analysis: dict, lang: str) -> str:
    """The rule that decided ``analysis``: its name, citation and reason ("" when no step is decisive)."""
    step = decisive_step(analysis)
    if not step:
        return ""
    head = f"<p><strong>{esc(tr(UI, 'decided_by', lang))}</strong>{esc(step['name'])}"
    if lang == "zh":
        return f"{head}（{esc(step['citation'])}）：{esc(step['reason'])}</p>"
    return f"{head} ({esc(step['citation'])}). {esc(step['reason'])}</p>"


def _case(case_id: str) -> dict:
    """The case a decision belongs to (parties and the paper's passage)."""
    from casebook.cases import load_cases

    return next(c for c in load_cases() if c["id"] == case_id)
