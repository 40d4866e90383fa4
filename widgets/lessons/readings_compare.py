"""ReadingsCompare (chapter 04, paper §3.2.1): the four readings of "相应的责任" side by side on the same facts.

Each column is the engine's analysis under one reading (regimes ``joint``, ``supplementary``, ``proportional``,
``non_genuine_joint``) with the paper's words for it. The table and the chart show who pays how much as the
seller's ability to pay varies, at the consumer's share of fault set above; every number is
:func:`casebook.engine.payments`. The supplementary reading capped as under Civil Code art. 1198 is the tutorial's
addition and is marked so. Choosing whom a judge favours highlights the reading the paper says that judge applies.
"""

from __future__ import annotations

from traitlets import Unicode, observe

from casebook import lessons
from casebook.engine import READINGS, analyze, readings_sweep
from casebook.scenario import ScenarioError, validate
from casebook.texts import FORM_NAMES, fmt_money

from ..base import Lang, esc, safe_lang, tr
from ..words import table
from ..base import quietly
from ..controls import PERCENT_SUFFIX, Checkbox, Display, FixedVBox, PercentText, ToggleButtons
from . import common as R
from .fact_subset import FactsDriven, FactSubset
from .._kernel import cancel, later
from .._view import shared_layout
from .common import style_widget as lesson_style

UI = table("lessons/readings_compare")

COLOURS = {"seller": "#3b5b92", "platform": "#c0701c", "unrecovered": "#8f8f8f"}
GRID = tuple(i / 10 for i in range(11))
TABLE_ROWS = (0.0, 0.25, 0.5, 0.75, 1.0)


def _n(x: float) -> str:
    return f"{x:,.0f}"


class ReadingsCompare(FactsDriven, FixedVBox):
    """Traits: ``lang``, ``judge`` ("", "consumers" or "platforms"). ``analyses``: reading -> engine analysis."""

    lang = Lang()
    judge = Unicode("")

    def __init__(self, lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self.add_class("ll-readings-compare")
        self._data = lessons.load("corresponding_liability")
        self._setup = Display()
        self._facts = FactSubset(["seller_can_pay", "consumer_fault", "damages"], fixed=self._data["facts"], lang="zh")
        self._facts.observe(self._on_facts, "facts")
        # The platform's share of fault, as the analyzer's fact panel asks for it: typed in percent (a PercentText,
        # refused beside the field), or "automatic" (ticked: none given, Civil Code art. 177's equal split, shown
        # greyed in the field).
        self._quiet = False
        self._share = PercentText(value=self._auto_share(), min=0.0, max=1.0, disabled=True,
                                  on_reject=self._on_share_reject, style={"description_width": "initial"},
                                  layout=shared_layout(width="100%", max_width="860px"))
        self._share.add_class("ll-fact-platform_fault_share")
        self._share.add_class("ll-control")
        self._share.observe(self._on_share, "value")
        self._auto = Checkbox(value=True, indent=False, layout=shared_layout(width="100%", max_width="860px"))
        self._auto.add_class("ll-fact-platform_fault_share-auto")
        self._auto.observe(self._on_auto, "value")
        share_box = FixedVBox([self._share, self._share.feedback, self._auto])
        share_box.add_class("ll-controls")
        self._share_help = Display()
        self._judge = ToggleButtons(options=[("", ""), ("consumers", "consumers"), ("platforms", "platforms")],
                                    value="", style={"description_width": "initial", "button_width": "auto"},
                                    layout=shared_layout(flex_flow="row wrap"))
        self._judge.add_class("ll-judge")
        self._judge.add_class("ll-buttons")
        self._judge.observe(self._on_judge, "value")
        self._cols = Display()
        self._cols.add_class("ll-readings-cols")
        self._table = Display()
        self._table.add_class("ll-readings-table")
        self._chart = Display()
        self._chart.add_class("ll-readings-chart")
        self._words = Display()
        self.children = [lesson_style(), self._setup, self._facts, share_box, self._share_help, self._judge, self._cols, self._table, self._chart,
                         self._words]
        self.analyses: dict = {}
        self.scenario: dict = {}
        self.set_trait("lang", safe_lang(lang))
        self._facts.lang = self.lang
        self._relabel()

    def _redraw(self) -> None:
        self._relabel()

    # --- the platform's share of fault ------------------------------------------------------------------------

    @property
    def share(self) -> float | None:
        """The platform's share of fault the readings are applied to: a fraction 0-1, or None (automatic)."""
        return None if self._auto.value else self._share.value

    def _auto_share(self) -> float:
        return validate({**self._facts.facts, "platform_fault_share": None}).platform_share

    def _on_facts(self, change) -> None:
        if self._auto.value:  # the automatic share follows the consumer's own fault
            with quietly(self):
                self._share.value = self._auto_share()
        self._render()

    def _on_auto(self, change) -> None:
        with quietly(self):
            self._share.disabled = change["new"]
            if change["new"]:
                self._share.value = self._auto_share()
            self._share.clear_error()
        self._render()

    def _on_share(self, change) -> None:
        if self._quiet or self._auto.value:
            return
        try:
            validate({**self._facts.facts, "platform_fault_share": change["new"]})
        except ScenarioError as exc:  # more than the consumer's own fault leaves: refused beside the field
            with quietly(self):
                self._share.value = change["old"]
            self._share.send_state(["value"])
            self._share.show_model_refusal(exc, {**self._facts.facts, "platform_fault_share": change["new"]})
            return
        self._render()

    def _on_share_reject(self, control, detail: str) -> None:
        if detail != control.error:  # anything else the page tried: said beside the field too
            control.show_error(detail)

    @observe("judge")
    def _on_judge_trait(self, change) -> None:
        if change["new"] not in ("", "consumers", "platforms"):
            self.judge = change["old"] if change["old"] in ("", "consumers", "platforms") else ""
            return
        if self._judge.value != change["new"]:
            self._judge.value = change["new"]
        self._render()

    def _on_judge(self, change) -> None:
        if not getattr(self, "_relabelling", False):
            self.judge = change["new"]

    def picked(self) -> str | None:
        """The reading the paper says the chosen judge applies (lesson data), or None."""
        return self._data["judge"]["picks"].get(self.judge) if self.judge else None

    def _relabel(self) -> None:
        lang = self.lang
        with quietly(self):
            self._share.description = tr(UI, "share", lang) + PERCENT_SUFFIX[lang]
            self._share.lang = lang
            self._auto.description = tr(UI, "auto", lang)
        for ctrl, options, key in (
            (self._judge, [(tr(UI, k, lang), v) for k, v in (("j_none", ""), ("j_consumers", "consumers"),
                                                               ("j_platforms", "platforms"))], "judge"),
        ):
            value = ctrl.value
            self._relabelling = True
            try:
                with ctrl.hold_sync():
                    ctrl.description = tr(UI, key, lang)
                    ctrl.options = options
                    ctrl.value = value
            finally:
                self._relabelling = False
        self._render()

    def scenario_for(self, seller_can_pay: float | None = None) -> dict:
        facts = {**self._facts.facts, "platform_fault_share": self.share}
        if seller_can_pay is not None:
            facts["seller_can_pay"] = seller_can_pay
        return validate(facts).to_dict()

    def _render(self, change=None) -> None:
        if not hasattr(self, "_words") or getattr(self, "_relabelling", False) or self._quiet:
            return
        cancel(self)
        lang = self.lang
        self._share_help.value = R.section(f'<p class="ll-src" style="white-space:normal">{esc(tr(UI, "share_help", lang))}</p>')
        self._setup.value = R.section(f'<p>{esc(tr(UI, "setup", lang))}</p>'
                                      f'{R.statement_html(self._data["facts_note"], lang)}')
        try:
            self.scenario = self.scenario_for()
        except ScenarioError as exc:
            self.analyses = {}
            msg = tr(UI, "bad", lang).format(m=exc.message)
            self._cols.value = R.section(f'<p class="ll-msg" role="alert">⚠ {esc(msg)}</p>')
            self._table.value = self._chart.value = ""
            self._render_words(lang)
            return
        self.analyses = {r: analyze(self.scenario, r, lang, pivotal=False) for r in READINGS}
        self._render_columns(lang)
        # The four readings' results first; the table and the chart (dozens of payments) follow a moment later
        # when the change came from the browser (widgets/_kernel.py), so the browser shows the results at once.
        later(self, self._render_rest)

    def _render_rest(self) -> None:
        if not self.scenario or not self.analyses:
            return
        lang = self.lang
        self._render_table(lang)
        self._render_chart(lang)
        self._render_words(lang)

    def _render_columns(self, lang: str) -> None:
        picked = self.picked()
        cols = []
        for item in self._data["readings"]:
            r = item["id"]
            a = self.analyses[r]
            p = a["payments"]
            rows = (("seller", p["seller"]), ("platform", p["platform"]), ("unrecovered", p["consumer_unrecovered"]),
                    ("exposure", a["platform_exposure"]), ("recourse", a["recourse"]))
            table = "".join(f'<tr><th scope="row">{esc(tr(UI, k, lang))}</th>'
                            f'<td class="ll-num">{esc(_n(v))}</td></tr>' for k, v in rows)
            capped = ""
            if a.get("capped_payments"):
                cp = a["capped_payments"]
                capped = (f'<p class="ll-note">{R.badge("addition", lang)} '
                          f'{esc(tr(UI, "capped", lang).format(p=fmt_money(cp["platform"], lang), u=fmt_money(cp["consumer_unrecovered"], lang)))}</p>')
            law = ""
            if item.get("law"):
                note = R.statement_html(item["law_note"], lang) if item.get("law_note") else ""
                law = (f'<details><summary>{esc(tr(UI, "law", lang))}</summary>'
                       f'{R.article_html(item["law"], lang)}{note}</details>')
            on = r == picked
            mark = f'<p class="ll-held">⚖ {esc(tr(UI, "picked", lang))}</p>' if on else ""
            cols.append(
                f'<div class="ll-card {"ll-card-on" if on else ""}" data-reading="{esc(r)}" '
                f'data-liability-form="{esc(a["liability_form"])}">'
                f'<h4>{esc(FORM_NAMES[r][lang])}</h4>{mark}{R.statement_html(item["statement"], lang)}'
                f'<table class="ll-tbl">{table}</table>{capped}{law}</div>')
        self._cols.value = R.section(f'<div class="ll-grid4">{"".join(cols)}</div>')

    def series(self, xs=GRID) -> dict:
        """column -> [(seller_can_pay, payments dict)], from the engine's sweep; column ``supplementary_capped`` is
        the Civil Code art. 1198 cap (the tutorial's addition)."""
        return readings_sweep(self.scenario_for(), "seller_can_pay", xs)

    def _columns(self, lang: str):
        names = {r: FORM_NAMES[r][lang] for r in READINGS}
        names["supplementary_capped"] = tr(UI, "capped_col", lang)
        return ("joint", "supplementary", "supplementary_capped", "proportional", "non_genuine_joint"), names

    def _render_table(self, lang: str) -> None:
        order, names = self._columns(lang)
        rows = tuple(sorted(set(TABLE_ROWS) | {self.scenario["seller_can_pay"]}))
        data = self.series(rows)
        f = self.scenario["consumer_fault"]
        cap = tr(UI, "table", lang).format(f=f"{f:.0%}", d=fmt_money(self.scenario["damages"], lang))
        head = "".join(f'<th scope="col">{esc(names[c])}{R.badge("addition", lang) if c == "supplementary_capped" else ""}</th>'
                       for c in order)
        body = []
        for i, x in enumerate(rows):
            now = "\u00a0◀" if abs(x - self.scenario["seller_can_pay"]) < 1e-9 else ""
            cells = "".join(f'<td class="ll-num">{_n(data[c][i][1]["platform"])} / {_n(data[c][i][1]["consumer_unrecovered"])}</td>'
                            for c in order)
            body.append(f'<tr><th scope="row">{x:.0%}{now}</th>{cells}</tr>')
        self._table.value = R.section(
            f'<h4>{esc(cap)}</h4><table class="ll-tbl ll-payments-table"><thead><tr>'
            f'<th scope="col">{esc(tr(UI, "can_pay", lang))}</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')

    def _render_chart(self, lang: str) -> None:
        order, names = self._columns(lang)
        now = self.scenario["seller_can_pay"]
        xs = tuple(sorted(set(GRID) | {now}))
        data = self.series(xs)
        damages = self.scenario["damages"] or 1.0
        w, h, pad = 210, 150, 22
        bar = (w - 12) / len(xs) - 4
        panels = []
        for c in order:
            bars = []
            for i, (x, p) in enumerate(data[c]):
                if abs(x - now) < 1e-9:  # the current facts: a marker under the bar
                    bars.append(f'<text x="{6 + i * (bar + 4) + bar / 2 - 5:.1f}" y="{h + 14}" font-size="12">▲</text>')
                y = h
                for k in ("seller", "platform", "unrecovered"):
                    v = p["consumer_unrecovered"] if k == "unrecovered" else p[k]
                    hh = (h - pad) * (v / damages) if damages else 0
                    if hh > 0:
                        y -= hh
                        bars.append(f'<rect x="{6 + i * (bar + 4):.1f}" y="{y:.1f}" width="{bar:.1f}" height="{hh:.1f}" '
                                    f'fill="{COLOURS[k]}"><title>{x:.0%}: {esc(tr(UI, k, lang))} {_n(v)}</title></rect>')
            title = esc(names[c])
            mark = " *" if c == "supplementary_capped" else ""
            panels.append(
                f'<figure style="margin:0;display:inline-block;vertical-align:top;width:{w}px" data-reading="{esc(c)}">'
                f'<figcaption style="font-size:14px;font-weight:600;height:2.6em">{title}{mark}</figcaption>'
                f'<svg width="{w}" height="{h + 32}" role="img" aria-label="{title}">'
                f'<line x1="4" y1="{h}" x2="{w - 4}" y2="{h}" stroke="#444"/>{"".join(bars)}'
                f'<text x="4" y="{h + 28}" font-size="12">0%</text>'
                f'<text x="{w - 34}" y="{h + 28}" font-size="12">100%</text></svg></figure>')
        legend = "".join(f'<span style="margin-right:1.2em;white-space:nowrap"><span style="display:inline-block;width:14px;height:14px;'
                         f'background:{COLOURS[k]};vertical-align:-2px;margin-right:.3em"></span>{esc(tr(UI, k, lang))}</span>'
                         for k in ("seller", "platform", "unrecovered"))
        note = f'<p class="ll-src" style="white-space:normal">* {R.badge("addition", lang)}</p>'
        self._chart.value = R.section(f'<p>{esc(tr(UI, "chart", lang))}</p><p>{legend}</p>'
                                      f'<div style="display:flex;flex-wrap:wrap;gap:10px">{"".join(panels)}</div>{note}')

    def _render_words(self, lang: str) -> None:
        j = self._data["judge"]
        notes = "".join(R.statement_html(n, lang) for n in self._data["notes"])
        self._words.value = R.section(
            R.statement_html(j["statement"], lang) + R.statement_html(j["follow"], lang)
            + R.statement_html(j["consequence"], lang) + notes)
