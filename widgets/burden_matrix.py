"""BurdenMatrix: who must prove what, under "who asserts proves" today and under the paper's proposal (§4.2.3).

Every bearer, note and citation comes from the engine's ``burden_of_proof`` rows: the widget only lays them side by
side. Facts that matter on the current facts come first; the others are greyed and marked in words, not colour alone.
"""

from __future__ import annotations

from traitlets import Dict

from .base import esc, tr
from .words import table
from ._view import BORDER, FONT, MUTED, in_lang
from .controls import HtmlView

UI = table("burden_matrix")


class BurdenMatrix(HtmlView):
    """The burden of proof now and under the proposal, for the facts of ``analysis``.

    ``analysis`` (in): an engine analysis of the current facts, any regime. ``proposal_analysis`` (optional in): the
    analysis of the same facts under ``proposal``, when the app has one already; otherwise the widget runs the engine
    for the regime it lacks. ``lang`` (in): ``zh`` or ``en``.
    """

    proposal_analysis = Dict()
    _inputs = ("analysis", "proposal_analysis", "lang")
    _html_class = "ll-burden-table"
    _view_class = "ll-burden"

    def __init__(self, analysis=None, lang="zh", proposal_analysis=None, **kwargs):
        super().__init__(analysis, lang, proposal_analysis=proposal_analysis or {}, **kwargs)

    def rows(self) -> list[dict]:
        """One entry per fact, in display order: ``fact``, ``label``, ``current``, ``proposal`` (the bearers),
        ``relevant``, ``open``, ``current_note``, ``proposal_note``, ``citations``."""
        lang = self.lang
        now = in_lang(self.analysis, lang, "statute")
        prop = self.proposal_analysis
        scenario = self.analysis.get("scenario")
        if not (prop and prop.get("scenario") == scenario and prop.get("regime") == "proposal"
                and prop.get("lang") == lang):
            prop = in_lang(self.analysis, lang, "proposal")
        if now is None or prop is None:
            return []
        now_rows = {r.get("fact"): r for r in now.get("burden_of_proof", [])}
        out = []
        for row in prop.get("burden_of_proof", []):
            before = now_rows.get(row.get("fact"), row)
            citations = list(before.get("citations", []))
            citations += [c for c in row.get("citations", []) if c not in citations]
            out.append({
                "fact": row.get("fact"),
                "label": row.get("label", ""),
                "current": before.get("bears", row.get("current")),
                "proposal": row.get("bears"),
                "relevant": bool(row.get("relevant")),
                "open": bool(row.get("open")),
                "current_note": before.get("note", ""),
                "proposal_note": row.get("note", ""),
                "citations": citations,
            })
        # Stable: within each group the engine's order stays.
        return sorted(out, key=lambda r: not r["relevant"])

    def render(self):
        lang = self.lang
        rows = self.rows()
        if not rows:
            self._html.value = f'<p style="{FONT}">{esc(tr(UI, "empty", lang))}</p>'
            return
        cell = f"border:1px solid {BORDER};padding:6px 8px;vertical-align:top;text-align:left;"
        head = "".join(
            f'<th scope="col" style="{cell}background:#eef2f7;">{esc(tr(UI, key, lang))}</th>'
            for key in ("fact", "current", "proposal", "notes")
        )
        body = []
        for r in rows:
            style = "" if r["relevant"] else f"color:{MUTED};background:#f3f3f3;"
            fact = f"<strong>{esc(r['label'])}</strong>" if r["relevant"] else esc(r["label"])
            if not r["relevant"]:
                fact += f'<br><em class="ll-irrelevant-note">{esc(tr(UI, "irrelevant", lang))}</em>'
            current = esc(tr(UI, r["current"], lang))
            proposal = esc(tr(UI, r["proposal"], lang))
            if r["proposal"] != r["current"]:
                proposal = f"<strong>{proposal}</strong> {esc(tr(UI, 'shifted', lang))}"
            if r["open"]:
                proposal += (f' <span class="ll-open" style="border:1px solid {MUTED};border-radius:3px;'
                             f'padding:0 4px;white-space:nowrap;">{esc(tr(UI, "open", lang))}</span>')
            if r["proposal_note"] != r["current_note"]:
                notes = (f"{esc(tr(UI, 'now_note', lang))}{esc(r['current_note'])}<br>"
                         f"{esc(tr(UI, 'proposal_note', lang))}{esc(r['proposal_note'])}")
            else:
                notes = esc(r["current_note"])
            if r["citations"]:
                sep = "；" if lang == "zh" else "; "
                notes += (f'<br><span class="ll-citations">{esc(tr(UI, "sources", lang))}'
                          f'{esc(sep.join(r["citations"]))}</span>')
            body.append(
                f'<tr class="{"ll-relevant" if r["relevant"] else "ll-irrelevant"}" data-fact="{esc(r["fact"])}" '
                f'data-current="{esc(r["current"])}" data-proposal="{esc(r["proposal"])}" '
                f'data-open="{"true" if r["open"] else "false"}" style="{style}">'
                f'<th scope="row" style="{cell}font-weight:normal;">{fact}</th>'
                # data-label: a phone shows each row as a card, every cell under its column's name (static/shared.css)
                f'<td style="{cell}" data-label="{esc(tr(UI, "current", lang))}">{current}</td>'
                f'<td style="{cell}" data-label="{esc(tr(UI, "proposal", lang))}">{proposal}</td>'
                f'<td style="{cell}" data-label="{esc(tr(UI, "notes", lang))}">{notes}</td>'
                "</tr>"
            )
        self._html.value = (
            f'<table class="ll-burden-table" style="border-collapse:collapse;width:100%;{FONT}">'
            f'<caption style="text-align:left;font-weight:bold;font-size:17px;padding:4px 0;">'
            f"{esc(tr(UI, 'caption', lang))}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f'<p style="{FONT}color:{MUTED};margin:4px 0;">{esc(tr(UI, "legend", lang))}</p>'
        )
