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

from ..base import LangGuard, esc, quietly, safe_lang, tr
from ..burden_matrix import BurdenMatrix
from ..controls import Checkbox, Display, Dropdown, FixedVBox
from .common import decision_label, follow_choice, form_html, keeping_choice, section, text_of, WORDS
from .._view import shared_layout
from .common import large_controls_style as lesson_style

UI = {
    "select": {"zh": "选择案例（事实取自案例库）", "en": "Choose a case (facts from the casebook)"},
    "ticks_title": {"zh": "你手里有哪些证据？", "en": "What can you prove?"},
    "ticks_lead": {"zh": "勾选你能拿出证据的事实。“例”后的证据种类是本教程的建议，不是论文或法条的要求。",
                   "en": "Tick the facts you hold evidence for. The kinds of evidence after \"e.g.\" are the tutorial's "
                         "suggestions, not the paper's or the statutes'."},
    "eg": {"zh": "例：", "en": "e.g. "},
    "help_title": {"zh": "法律给消费者的帮助", "en": "What the law gives the consumer"},
    "ecl62": {"zh": "请求平台提供原始合同和交易记录（《电子商务法》第六十二条）",
              "en": "Ask the platform to produce the original contract and transaction records (ECL art. 62)"},
    "art95": {"zh": "平台控制证据却拒不提交，法院认定不利于平台的主张成立（《民事诉讼证据规定》第九十五条：“可以”，由法院裁量）",
              "en": "The platform withholds evidence it controls, and the court finds against it (Evidence Rules art. 95: "
                    "the court \"may\"; its discretion)"},
    "now": {"zh": "现行：谁主张谁举证（论文§3.3.2）", "en": "Now: who asserts proves (paper §3.3.2)"},
    "proposal": {"zh": "论文建议（§4.2.3）", "en": "The paper's proposal (§4.2.3)"},
    "proven": {"zh": "✓ 你已证明", "en": "✓ proven by you"},
    "records": {"zh": "✓ 平台的交易记录证明（《电子商务法》第六十二条）", "en": "✓ shown by the platform's records (ECL art. 62)"},
    "inferred": {"zh": "✓ 法院作不利于平台的认定（证据规定第九十五条）", "en": "✓ the court infers it against the platform (art. 95)"},
    "unproven": {"zh": "✗ 你须证明，但没有证据：法院按平台一方认定", "en": "✗ yours to prove, no evidence: the court finds for the platform"},
    "platform_fails": {"zh": "✓ 由平台证明，平台证明不了：按你一方认定", "en": "✓ the platform's to prove, and it cannot: found your way"},
    "platform_proves": {"zh": "— 由平台证明，平台能够证明", "en": "— the platform's to prove, and it can"},
    "count": {"zh": "你须证明的事实：已覆盖 {k} / {n} 项（这是计数，不是胜诉概率）",
              "en": "Facts you must prove: {k} of {n} covered (a count, not a chance of winning)"},
    "succeeds": {"zh": "对平台的请求成立：", "en": "The claim against the platform succeeds: "},
    "fails": {"zh": "对平台的请求不成立：平台不承担责任。", "en": "The claim against the platform fails: the platform owes nothing."},
    "truth": {"zh": "若一切事实都能证明（案例库的事实）：", "en": "Were every fact proven (the casebook's facts): "},
    "truth_none": {"zh": "在案例库的事实下平台本就不承担责任：证据多少都不改变这一点。",
                   "en": "On the casebook's facts the platform owes nothing anyway: no evidence changes that."},
    "one_more": {"zh": "再证明“{fact}”，结论就变为：", "en": "Prove \"{fact}\" as well and the outcome becomes: "},
    "bears": {"zh": "由{who}证明", "en": "{who} to prove"},
    "consumer": WORDS["consumer_label"],
    "platform": WORDS["platform_label"],
}


# Words carry the meaning; colour only repeats it.
STATUS_CSS = {"proven": "ll-held", "records": "ll-held", "inferred": "ll-held", "platform_fails": "ll-held",
              "unproven": "ll-not", "platform_proves": "ll-off", "not_in_issue": "ll-off"}


class EvidenceChecker(LangGuard, FixedVBox):
    """Traits: ``lang`` (in), ``decision`` (in/out: a casebook decision id), ``evidence`` (out: ticked facts, comma-separated)."""

    lang = Unicode("zh")
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
