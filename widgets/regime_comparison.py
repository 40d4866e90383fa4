"""RegimeComparison: the same facts under the statute, the four readings of "相应的责任" and the paper's proposal.

Each row is the engine's own analysis under that regime; the widget only lays them side by side. Where the statute
leaves the form open, the readings a court could choose are listed under it with their payments.
"""

from __future__ import annotations

from casebook.engine import REGIMES, analyze

from .base import esc, tr
from .words import table
from .controls import HtmlView

# The regimes' names as the page shows them (the regime ids are the contract's).
REGIME_NAMES = table("regime_names")

UI = table("regime_comparison")


def regime_name(regime: str, lang: str) -> str:
    entry = REGIME_NAMES.get(regime)
    return entry[lang] if entry else str(regime)


def amount(x, lang: str) -> str:
    """An amount of yuan for a table cell: thousands separated, cents only when there are any."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return "—"
    return f"{x:,.0f}" if abs(x - round(x)) < 0.005 else f"{x:,.2f}"


class RegimeComparison(HtmlView):
    """The current facts under every regime, one table row each; the current regime is marked.

    Traits: ``analysis`` (the current analysis: its ``scenario`` and ``regime`` are used), ``lang``.
    """

    _html_class = "ll-comparison-html"
    _view_class = "ll-regime-comparison"

    def __init__(self, analysis=None, lang: str = "zh", **kwargs):
        self.by_regime: dict = {}  # regime -> analysis, as last rendered
        super().__init__(analysis=analysis, lang=lang, **kwargs)

    def analyses(self) -> dict:
        """regime -> the engine's analysis of the current facts (the current regime's is reused)."""
        a = self.analysis
        if not a or "scenario" not in a:
            return {}
        lang = a.get("lang", self.lang)
        return {r: a if r == a.get("regime") else analyze(a["scenario"], r, lang) for r in REGIMES}

    def render(self) -> None:
        lang = self.lang
        rows = self.by_regime = self.analyses()
        if not rows:
            self._html.value = f'<p class="ll-empty">{esc(tr(UI, "empty", lang))}</p>'
            return
        current = self.analysis.get("regime")
        head = "".join(f'<th scope="col">{esc(tr(UI, k, lang))}</th>' for k in
                       ("regime", "form", "seller", "platform", "unrecovered", "recourse", "exposure"))
        body = []
        for regime, a in rows.items():
            mark = (f' <span class="ll-badge ll-badge-current">◀ {esc(tr(UI, "current", lang))}</span>'
                    if regime == current else "")
            cls = ' class="ll-current"' if regime == current else ""
            body.append(
                f'<tr{cls} data-regime="{esc(regime)}" data-liability-form="{esc(a["liability_form"])}">'
                f'<th scope="row">{esc(regime_name(regime, lang))}{mark}</th>'
                f'<td class="ll-form-cell">{esc(a["form_name"])}</td>' + self._money_cells(a, lang) + "</tr>")
            for alt in a.get("alternatives") or ():
                body.append(
                    f'<tr class="ll-alt" data-regime="{esc(regime)}" data-reading="{esc(alt["form"])}">'
                    f'<th scope="row" class="ll-alt-head">↳ {esc(tr(UI, "if_reading", lang))}{esc(alt["name"])}</th>'
                    f'<td class="ll-reading">{esc(alt.get("reading", ""))}</td>' + self._money_cells(alt, lang) + "</tr>")
        self._html.value = (
            f'<div class="ll-section"><h3 class="ll-h3">{esc(tr(UI, "title", lang))}</h3>'
            f'<p class="ll-lead">{esc(tr(UI, "lead", lang))}</p>'
            f'<p class="ll-scroll-hint" aria-hidden="true">↔ {esc(tr(UI, "scroll", lang))}</p>'
            # focusable: a box that scrolls must be reachable by keyboard (axe: scrollable-region-focusable)
            f'<div class="ll-table-wrap" tabindex="0" role="region" aria-label="{esc(tr(UI, "caption", lang))}">'
            f'<table class="ll-table ll-compare-table">'
            f'<caption class="ll-sr-only">{esc(tr(UI, "caption", lang))}</caption>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div></div>')

    @staticmethod
    def _money_cells(a: dict, lang: str) -> str:
        pay = a.get("payments") or {}
        cells = (pay.get("seller"), pay.get("platform"), pay.get("consumer_unrecovered"),
                 a.get("recourse"), a.get("platform_exposure"))
        return "".join(f'<td class="ll-num">{amount(x, lang)}</td>' for x in cells)
