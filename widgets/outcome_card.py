"""OutcomeCard: the platform's liability in plain words, its legal basis and who pays the consumer what.

Everything shown is the engine's analysis; the card adds only headings. Its HTML carries the page hook
``<div class="ll-outcome" data-liability-form="<form>">``.
"""

from __future__ import annotations

from casebook.texts import fmt_money

from .base import esc, tr
from .words import table
from .controls import HtmlView
from .regime_comparison import regime_name

UI = table("outcome_card")


class OutcomeCard(HtmlView):
    """The outcome of the current analysis. Traits: ``analysis``, ``lang``. Page hook: ``.ll-outcome``."""

    _html_class = "ll-outcome-html"
    _view_class = "ll-outcome-card"

    def render(self) -> None:
        a, lang = self.analysis, self.lang
        if not a or "liability_form" not in a:
            self._html.value = (f'<div class="ll-outcome" data-liability-form="" aria-live="polite">'
                                f'<p class="ll-empty">{esc(tr(UI, "empty", lang))}</p></div>')
            return
        form = a["liability_form"]
        money = lambda x: esc(fmt_money(float(x or 0.0), lang))  # noqa: E731
        citations = "；".join(a.get("citations") or ()) if lang == "zh" else "; ".join(a.get("citations") or ())
        pay = a.get("payments") or {}
        rows = [
            ("damages", a.get("damages")),
            ("seller", pay.get("seller")),
            ("platform", pay.get("platform")),
            ("unrecovered", pay.get("consumer_unrecovered")),
            ("recourse", a.get("recourse")),
            ("exposure", a.get("platform_exposure")),
        ]
        items = "".join(
            f'<tr class="ll-money-{key}"><th scope="row">{esc(tr(UI, key, lang))}</th>'
            f'<td class="ll-num">{money(value)}</td></tr>'
            for key, value in rows)
        extra = []
        if a.get("payments_basis_note"):
            extra.append(f'<p class="ll-note-line">{esc(a["payments_basis_note"])}</p>')
        capped = a.get("capped_payments")
        if capped:
            extra.append(f'<p class="ll-note-line">{esc(tr(UI, "capped", lang).format(platform=fmt_money(capped["platform"], lang), unrecovered=fmt_money(capped["consumer_unrecovered"], lang)))}</p>')
        punitive = a.get("punitive_damages")
        if punitive:
            extra.append(f'<p class="ll-note-line ll-punitive">{esc(tr(UI, "punitive", lang))}'
                         f'{"：" if lang == "zh" else ": "}{esc(punitive.get("text", ""))}</p>')
        hint = (f'<p class="ll-hint" role="note">→ {esc(tr(UI, "hint", lang))}</p>' if form == "undetermined" else "")
        self._html.value = (
            f'<div class="ll-outcome ll-form-{esc(form)}" data-liability-form="{esc(form)}" '
            f'data-regime="{esc(a.get("regime", ""))}" aria-live="polite">'
            f'<div class="ll-kicker">{esc(tr(UI, "kicker", lang))} · {esc(tr(UI, "under", lang))}'
            f'{esc(regime_name(a.get("regime", ""), lang))}</div>'
            f'<div class="ll-form-name">{esc(a.get("form_name", form))}</div>'
            f'<p class="ll-summary">{esc(a.get("summary", ""))}</p>{hint}'
            f'<p class="ll-basis"><span class="ll-label">{esc(tr(UI, "basis", lang))}{"：" if lang == "zh" else ": "}</span>'
            f'{esc(citations) if citations else esc(tr(UI, "none_basis", lang))}</p>'
            f'<table class="ll-money"><caption class="ll-label">{esc(tr(UI, "money", lang))}</caption>'
            f'<tbody>{items}</tbody></table>'
            f'{"".join(extra)}</div>')
