"""TierLadder: where a platform's tier changes the outcome, and where the paper leaves the answer open.

For a chosen tier, a grid of the causal link (rows) by the field of risk (columns): in each cell the engine's form
under the paper's proposal (causation decides, §4.1.1's closing criterion) and under its ladder-first variant (the
large-platform ladder prevails). Where the two differ the cell says the paper does not decide between them.
"""

from __future__ import annotations

from traitlets import Unicode, observe

from casebook.engine import form_grid
from casebook.scenario import FIELD_BY_NAME

from ..base import Lang, LangGuard, esc, quietly, safe_lang, tr
from ..controls import Display, Dropdown, FixedVBox
from ..words import table
from . import common as _render
from .common import follow_choice, form_html, keeping_choice, section
from .._view import shared_layout
from .common import large_controls_style as lesson_style

UI = table("lessons/tier_ladder")

BASE = {"platform_mode": "marketplace", "life_health_goods": True, "harm": "personal_injury", "safety_duty": "failed"}
CAUSES = ("decisive", "risk_increasing")
RISKS = ("major_public_safety", "ordinary", "label_defect")


class TierLadder(LangGuard, FixedVBox):
    """Traits: ``lang`` (in), ``tier`` (in/out: large, medium or small)."""

    lang = Lang()
    tier = Unicode("large")

    def __init__(self, lang: str = "zh", tier: str = "large", **kwargs):
        super().__init__(**kwargs)
        self.add_class("ll-tier-ladder")
        self.add_class("ll-controls")
        self.add_class("ll-large-controls")
        self._quiet = False
        self._built = False
        self.set_trait("lang", safe_lang(lang))
        options = FIELD_BY_NAME["platform_tier"].options
        self.set_trait("tier", tier if tier in options else "large")
        self._pick = Dropdown(options=[(v, v) for v in options], value=self.tier,
                              style={"description_width": "initial"}, layout=shared_layout(width="auto"))
        self._pick.add_class("ll-ladder-tier")
        self._pick.observe(self._on_pick, "value")
        self._grid = Display()
        self._grid.add_class("ll-ladder-grid")
        self.children = [lesson_style(), self._pick, self._grid]
        self._built = True
        self._relabel()

    def cells(self) -> dict:
        """(causation, risk_level) -> {"proposal": form, "proposal_ladder": form} for the current tier."""
        return form_grid({**BASE, "platform_tier": self.tier}, {"causation": CAUSES, "risk_level": RISKS},
                         ("proposal", "proposal_ladder"))

    @observe("tier")
    def _on_tier(self, change):
        if follow_choice(self, change, FIELD_BY_NAME["platform_tier"].options, "_pick"):
            self._render()

    def _on_pick(self, change):
        if not self._quiet:
            self.tier = change["new"]

    def _relabel(self):
        lang = self.lang
        spec = FIELD_BY_NAME["platform_tier"]
        with quietly(self):
            self._pick.description = tr(UI, "tier", lang)
            with keeping_choice(self._pick):
                self._pick.options = [(spec.label_of(v, lang), v) for v in spec.options]
        self._render()

    def _render(self):
        lang = self.lang
        cells = self.cells()
        cause_spec, risk_spec = FIELD_BY_NAME["causation"], FIELD_BY_NAME["risk_level"]
        head = f"<th scope='col'>{esc(tr(UI, 'corner', lang))}</th>" + "".join(
            f"<th scope='col'>{esc(risk_spec.label_of(r, lang))}</th>" for r in RISKS)
        rows, conflicts = [], 0
        for cause in CAUSES:
            tds = []
            for risk in RISKS:
                c = cells[(cause, risk)]
                differ = c["proposal"] != c["proposal_ladder"]
                conflicts += differ
                if differ:
                    cell = (f"{esc(tr(UI, 'by_cause', lang))}{form_html(c['proposal'], lang)}<br>"
                            f"{esc(tr(UI, 'by_ladder', lang))}{form_html(c['proposal_ladder'], lang)}<br>"
                            f"{_render.badge('open', lang)} {esc(tr(UI, 'conflict', lang))}")
                else:
                    cell = form_html(c["proposal"], lang)
                tds.append(f"<td data-conflict='{'true' if differ else 'false'}'>{cell}</td>")
            rows.append(f"<tr><th scope='row'>{esc(cause_spec.label_of(cause, lang))}</th>{''.join(tds)}</tr>")
        lead = tr(UI, "lead", lang)
        note = (tr(UI, "conflicts", lang).format(n=conflicts) if self.tier == "large" else tr(UI, "not_large", lang))
        self._grid.value = section(
            f"<h3>{esc(tr(UI, 'title', lang))}</h3><p class='ll-note'>{esc(lead)}</p>"
            f"<table class='ll-tbl'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<p>{esc(note)}</p>")
