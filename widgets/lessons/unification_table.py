"""UnificationTable: the four cases (five decisions) under the law as written and under the paper's one rule.

Rows are the casebook's decisions; columns the court's holding, the statute, the paper's proposal (causation
decides) and its ladder-first variant. A summary counts, for each column, how many outcomes are settled, how many
distinct forms appear, how many agree with their court and whether the two instances of one case come out alike.
Two choices let the reader change, for every case at once, the facts the paper never reports (the strength of
causation, the field of risk) and watch the proposal's outcomes move. All forms come from the engine
(:func:`casebook.replay.unification`).
"""

from __future__ import annotations

from traitlets import Unicode, observe

from casebook import replay
from casebook.scenario import FIELD_BY_NAME

from ..base import Lang, LangGuard, esc, quietly, safe_lang, tr
from ..controls import Display, Dropdown, FixedHBox, FixedVBox
from ..regime_comparison import regime_name
from . import common as _render
from ..words import WORDS, table
from .common import decision_label, follow_choice, form_html, keeping_choice, section, shares_text
from .._view import shared_layout
from .common import large_controls_style as lesson_style

UI = table("lessons/unification_table")


class UnificationTable(LangGuard, FixedVBox):
    """Traits: ``lang`` (in), ``causation`` and ``risk_level`` (in/out: "" for the casebook's own assumptions, or a
    value applied to every case)."""

    lang = Lang()
    causation = Unicode("")
    risk_level = Unicode("")

    def __init__(self, lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self._built = False
        self._quiet = False
        self.add_class("ll-unification")
        self.add_class("ll-controls")
        self.add_class("ll-large-controls")
        self.set_trait("lang", safe_lang(lang))
        wide = {"style": {"description_width": "initial"}, "layout": shared_layout(width="auto")}
        self._cause = Dropdown(options=[("", "")], value="", **wide)
        self._cause.add_class("ll-unify-causation")
        self._risk = Dropdown(options=[("", "")], value="", **wide)
        self._risk.add_class("ll-unify-risk")
        self._cause.observe(lambda c: self._picked("causation", c), "value")
        self._risk.observe(lambda c: self._picked("risk_level", c), "value")
        self._table = Display()
        self._table.add_class("ll-unify-table")
        controls = FixedHBox([self._cause, self._risk], layout=shared_layout(flex_flow="row wrap"))
        controls.add_class("ll-row-wide")
        self.children = [lesson_style(), controls, self._table]
        self._built = True
        self._relabel()

    def result(self) -> dict:
        """:func:`casebook.replay.unification` for the current choices."""
        overrides = {k: v for k, v in (("causation", self.causation), ("risk_level", self.risk_level)) if v}
        return replay.unification(overrides)

    @observe("causation", "risk_level")
    def _on_override(self, change):
        known = ("", *FIELD_BY_NAME[change["name"]].options)  # "": the casebook's own assumptions
        control = "_cause" if change["name"] == "causation" else "_risk"
        if follow_choice(self, change, known, control):
            self._render()

    def _picked(self, name: str, change) -> None:
        if not self._quiet:
            setattr(self, name, change["new"])

    def _relabel(self):
        lang = self.lang
        with quietly(self):
            for control, name, key in ((self._cause, "causation", "causation"), (self._risk, "risk_level", "risk")):
                spec = FIELD_BY_NAME[name]
                control.description = tr(UI, key, lang)
                with keeping_choice(control):
                    control.options = [(tr(UI, "as_assumed", lang), "")] + [(spec.label_of(v, lang), v)
                                                                           for v in spec.options]
        self._render()

    def _render(self):
        lang = self.lang
        result = self.result()
        regimes = replay.UNIFY_REGIMES
        head = (f"<th scope='col'>{esc(tr(UI, 'decision', lang))}</th><th scope='col'>{esc(tr(UI, 'held', lang))}</th>"
                + "".join(f"<th scope='col'>{esc(regime_name(r, lang))}</th>" for r in regimes))
        body, conflicts = [], 0
        for row in result["rows"]:
            held = form_html(row["held"], lang)
            if row["shares"]:
                held += f"<br><span class='ll-src'>{esc(shares_text(row['shares'], lang))}</span>"
            cells = []
            for r in regimes:
                form = row["forms"][r]
                if form == row["held"]:
                    mark = f"<span class='ll-held'>{esc(tr(UI, 'agree', lang))}</span>"
                elif row["agrees"][r]:
                    mark = f"<span class='ll-off'>{esc(tr(UI, 'allows', lang))}</span>"
                else:
                    mark = f"<span class='ll-not'>{esc(tr(UI, 'differ', lang))}</span>"
                cells.append(f"<td data-regime='{esc(r)}' data-liability-form='{esc(form)}'>"
                             f"{form_html(form, lang)}<br>{mark}</td>")
            conflicts += row["forms"]["proposal"] != row["forms"]["proposal_ladder"]
            name = decision_label({"short_name": row["short_name"], "instance": row["instance"]}, lang)
            number = row["case_number"] or tr(WORDS, "not_given", lang)
            body.append(f"<tr data-decision='{esc(row['id'])}'><th scope='row'>{esc(name)}<br>"
                        f"<span class='ll-src'>{esc(number)}</span></th><td>{held}</td>{''.join(cells)}</tr>")
        s = result["summary"]
        n = len(result["rows"])

        def frac(k):
            return esc(tr(UI, "of5", lang).format(k=k, n=n))

        def yn(b):
            return esc(tr(UI, "yes" if b else "no", lang))

        summary_rows = [
            ("settled", [frac(s["held"]["settled"])] + [frac(s[r]["settled"]) for r in regimes]),
            ("distinct", [esc(s["held"]["distinct"])] + [esc(s[r]["distinct"]) for r in regimes]),
            ("agree_n", ["—"] + [frac(s[r]["agree_exactly"]) for r in regimes]),
            ("alike", [yn(s["held"]["instances_alike"])] + [yn(s[r]["instances_alike"]) for r in regimes]),
        ]
        foot = "".join(f"<tr class='ll-summary' data-key='{esc(k)}'><th scope='row'>{esc(tr(UI, k, lang))}</th>"
                       + "".join(f"<td>{v}</td>" for v in vals) + "</tr>" for k, vals in summary_rows)
        notes = f"<p class='ll-note'>{esc(tr(UI, 'open_note', lang))}</p>"
        if conflicts:
            notes += (f"<p class='ll-open'>{_render.badge('open', lang)} "
                      f"{esc(tr(UI, 'conflict', lang).format(n=conflicts))}</p>")
        self._table.value = section(
            f"<h3>{esc(tr(UI, 'title', lang))}</h3><table class='ll-tbl'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody><tbody><tr><th colspan='{len(regimes) + 2}' scope='colgroup'>"
            f"{esc(tr(UI, 'summary', lang))}</th></tr>{foot}</tbody></table>{notes}")
