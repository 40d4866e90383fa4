"""EvidenceChecker: tick the facts you hold evidence for; see, now and under the proposal, whether the claim holds.

The reader picks a case; the burden of proof for its facts is laid out now and under the proposal (the project's
:class:`widgets.burden_matrix.BurdenMatrix`); the reader ticks the facts they could prove. :func:`casebook.proving.assess` applies the engine's
burden-of-proof rows to that evidence under the statute ("who asserts proves") and under the paper's proposal
(§4.2.3), and the engine decides the facts as proven. Two switches stand for what the law gives the consumer: the
platform's duty to produce the transaction records (ECL art. 62) and the court's power to infer against a party that
withholds evidence (Evidence Rules art. 95). The only number shown is a count of facts, labelled as such.
"""

from __future__ import annotations

from traitlets import Unicode, observe

from casebook import lessons
from casebook.cases import decisions
from casebook.engine import analyze
from casebook.proving import assess

from ..base import Lang, LangGuard, esc, quietly, safe_lang, tr
from ..burden_matrix import BurdenMatrix
from ..controls import Checkbox, Display, Dropdown, FixedVBox
from ..words import table
from .common import decision_label, follow_choice, form_html, keeping_choice, section, text_of
from .._view import shared_layout
from .common import large_controls_style as lesson_style

UI = table("lessons/evidence_checker")


# Words carry the meaning; colour only repeats it.
STATUS_CSS = {"proven": "ll-held", "records": "ll-held", "inferred": "ll-held", "platform_fails": "ll-held",
              "unproven": "ll-not", "platform_proves": "ll-off", "not_in_issue": "ll-off"}


class EvidenceChecker(LangGuard, FixedVBox):
    """Traits: ``lang`` (in), ``decision`` (in/out: a casebook decision id), ``evidence`` (out: ticked facts, comma-separated)."""

    lang = Lang()
    decision = Unicode("")
    evidence = Unicode("")

    def __init__(self, decision: str = "wang-v-huolala", lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self._built = False
        self._quiet = False
        self.add_class("ll-evidence-checker")
        self.add_class("ll-controls")
        self.add_class("ll-large-controls")
        self._decisions = {d["id"]: d for d in decisions()}
        self._examples = {e["fact"]: e["example"] for e in lessons.burden_of_proof()["evidence"]}
        self._to_prove: dict[str, list] = {}  # decision -> its facts to prove (a decision's facts never change)
        self.set_trait("lang", safe_lang(lang))
        first = decision if decision in self._decisions else next(iter(self._decisions))
        self.set_trait("decision", first)
        wide = {"style": {"description_width": "initial"}, "layout": shared_layout(width="auto")}
        self._select = Dropdown(options=[(i, i) for i in self._decisions], value=first, **wide)
        self._select.add_class("ll-evidence-case")
        self._select.observe(self._on_select, "value")
        self._matrix = BurdenMatrix(lang=self.lang)
        self._ticks_head = Display()
        self._boxes: dict[str, Checkbox] = {}
        for fact in self._examples:
            box = Checkbox(value=False, indent=False, layout=shared_layout(width="auto", max_width="100%"))
            box.add_class(f"ll-evidence-{fact}")
            box.observe(self._on_tick, "value")
            self._boxes[fact] = box
        self._ticks = FixedVBox()
        self._help_head = Display()
        self._ecl62 = Checkbox(value=False, indent=False, layout=shared_layout(width="auto", max_width="100%"))
        self._ecl62.add_class("ll-evidence-ecl62")
        self._art95 = Checkbox(value=False, indent=False, layout=shared_layout(width="auto", max_width="100%"))
        self._art95.add_class("ll-evidence-art95")
        for box in (self._ecl62, self._art95):
            box.observe(self._on_tick, "value")
        self._out = Display()
        self._out.add_class("ll-evidence-result")
        self.children = [lesson_style(), self._select, self._matrix, self._ticks_head, self._ticks, self._help_head, self._ecl62,
                         self._art95, self._out]
        self._built = True
        self._relabel()

    # --- public -------------------------------------------------------------------------------------------------

    def facts_to_prove(self) -> list:
        """The facts the consumer must prove for this case under the statute or the proposal (the boxes shown)."""
        if self.decision not in self._to_prove:
            scenario = self._decisions[self.decision]["scenario"]
            needed = [f for regime in ("statute", "proposal") for f in assess(scenario, regime, pivotal=False)["needed"]]
            self._to_prove[self.decision] = [f for f in self._examples if f in needed]
        return list(self._to_prove[self.decision])

    def tick(self, *facts: str, ecl_62: bool | None = None, art_95: bool | None = None) -> None:
        """Tick exactly ``facts`` (and set the two switches when given), as a reader would."""
        with quietly(self):
            for fact, box in self._boxes.items():
                box.value = fact in facts
            if ecl_62 is not None:
                self._ecl62.value = ecl_62
            if art_95 is not None:
                self._art95.value = art_95
        self._on_tick()

    def results(self) -> dict:
        """regime -> :func:`casebook.proving.assess` for the current ticks (``statute`` and ``proposal``)."""
        scenario = self._decisions[self.decision]["scenario"]
        held = [f for f in self.facts_to_prove() if self._boxes[f].value]
        return {regime: assess(scenario, regime, held, self._ecl62.value, self._art95.value, self.lang, pivotal=False)
                for regime in ("statute", "proposal")}

    # --- events -------------------------------------------------------------------------------------------------

    @observe("decision")
    def _on_decision(self, change):
        if not follow_choice(self, change, self._decisions, "_select"):
            return
        with quietly(self):  # a new case starts with nothing ticked; _relabel renders (once)
            for box in self._boxes.values():
                box.value = False
        self._relabel()

    def _on_select(self, change):
        if not self._quiet:
            self.decision = change["new"]

    def _on_tick(self, change=None):
        if self._quiet or not self._built:
            return
        self.evidence = ",".join(f for f in self.facts_to_prove() if self._boxes[f].value)
        self._render()

    # --- rendering ----------------------------------------------------------------------------------------------

    def _relabel(self):
        lang = self.lang
        with quietly(self):
            self._select.description = tr(UI, "select", lang)
            with keeping_choice(self._select):
                self._select.options = [(decision_label(d, lang), i) for i, d in self._decisions.items()]
            rows = assess(self._decisions[self.decision]["scenario"], "statute", lang=lang, pivotal=False)["rows"]
            labels = {r["fact"]: r["label"] for r in rows}
            for fact, box in self._boxes.items():
                box.description = f"{labels[fact]} — {tr(UI, 'eg', lang)}{text_of(self._examples[fact], lang)}"
            self._ticks.children = [self._boxes[f] for f in self.facts_to_prove()]
            self._ecl62.description = tr(UI, "ecl62", lang)
            self._art95.description = tr(UI, "art95", lang)
            self._ticks_head.value = section(
                f"<h3>{esc(tr(UI, 'ticks_title', lang))}</h3><p>{esc(tr(UI, 'ticks_lead', lang))}</p>")
            self._help_head.value = section(f"<h4>{esc(tr(UI, 'help_title', lang))}</h4>")
        with self._matrix.hold_trait_notifications():
            self._matrix.lang = lang
            self._matrix.analysis = analyze(self._decisions[self.decision]["scenario"], "statute", lang, pivotal=False)
        self._on_tick()

    def _column(self, regime: str, r: dict) -> str:
        lang = self.lang
        labels = {row["fact"]: row["label"] for row in r["rows"]}
        items = []
        for row in r["rows"]:
            if row["status"] == "not_in_issue":
                continue
            who = tr(UI, "bears", lang).format(who=tr(UI, row["bears"], lang))
            items.append(f"<li data-fact='{esc(row['fact'])}' data-status='{esc(row['status'])}'>"
                         f"<strong>{esc(row['label'])}</strong> <span class='ll-src'>{esc(who)}</span><br>"
                         f"<span class='{STATUS_CSS[row['status']]}'>{esc(tr(UI, row['status'], lang))}</span></li>")
        count = tr(UI, "count", lang).format(k=len(r["covered"]), n=len(r["needed"]))
        if r["true_form"] == "none":
            verdict = f"<p class='ll-off'>{esc(tr(UI, 'truth_none', lang))}</p>"
        elif r["succeeds"]:
            verdict = f"<p class='ll-held'>{esc(tr(UI, 'succeeds', lang))}{form_html(r['proven_form'], lang)}</p>"
        else:
            verdict = f"<p class='ll-not'>{esc(tr(UI, 'fails', lang))}</p>"
        hints = "".join(
            f"<li>{esc(tr(UI, 'one_more', lang).format(fact=labels[row['fact']]))}{form_html(row['alone'], lang)}</li>"
            for row in r["rows"] if row["status"] == "unproven" and row["alone"])
        truth = (f"<p>{esc(tr(UI, 'truth', lang))}{form_html(r['true_form'], lang)}</p>"
                 if r["true_form"] != "none" else "")
        title = tr(UI, "now" if regime == "statute" else "proposal", lang)
        return (f"<div class='ll-card' data-regime='{esc(regime)}' data-succeeds='{'true' if r['succeeds'] else 'false'}' "
                f"data-liability-form='{esc(r['proven_form'])}'><h4>{esc(title)}</h4>{verdict}"
                f"<p><strong>{esc(count)}</strong></p><ul>{''.join(items)}</ul>"
                + (f"<ul>{hints}</ul>" if hints else "") + f"{truth}</div>")

    def _render(self):
        results = self.results()
        self._out.value = section(
            f"<div class='ll-grid2'>{self._column('statute', results['statute'])}"
            f"{self._column('proposal', results['proposal'])}</div>")
