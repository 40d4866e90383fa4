"""OutcomeBar: the outcome in one line that stays on screen while the user changes facts (issue 16 point 4).

The full outcome card sits beside the facts on a wide screen and below them on a narrow one; this bar keeps its
gist (the form of liability and who pays the consumer what) at the top of the screen wherever the user scrolls
(``position: sticky`` in widgets/static/theme.css), and names the fact that changed last, with a brief highlight.
Everything shown is the engine's analysis. Page hook: ``.ll-outcome-bar[data-liability-form]`` (the card keeps
``.ll-outcome``; the bar has its own class so that a query for the card finds one element).
"""

from __future__ import annotations

from traitlets import List

from casebook.scenario import FIELD_BY_NAME
from casebook.texts import fmt_money, fmt_share

from .base import esc, safe_lang, tr
from .controls import HtmlView
from .regime_comparison import amount, regime_name
from .words import table

UI = table("outcome_bar")


def change_text(change: tuple, lang: str) -> str:
    """``(field, value)`` (a fact) or ``("regime", name)`` as "label → value" in ``lang``."""
    field, value = change
    if field == "regime":
        return f"{tr(UI, 'regime', lang)} → {regime_name(value, lang)}"
    spec = FIELD_BY_NAME.get(field)
    if spec is None:
        return str(field)
    if spec.kind == "number" and spec.maximum == 1.0 and isinstance(value, (int, float)):
        shown = fmt_share(float(value), lang)
    elif spec.kind == "number" and isinstance(value, (int, float)):
        shown = fmt_money(float(value), lang)
    else:
        shown = spec.label_of(value, lang)
    return f"{spec.label[safe_lang(lang)]} → {shown}"


def changed_facts(old: dict, new: dict) -> list:
    """The facts that differ between two scenarios, in the model's order, as ``(field, new value)``."""
    return [(name, new.get(name)) for name in FIELD_BY_NAME if old.get(name) != new.get(name)]


class OutcomeBar(HtmlView):
    """The outcome's gist. Traits: ``analysis``, ``lang``, ``changes`` (what changed last: ``(field, value)`` pairs,
    ``("regime", id)`` for the regime). Setting ``changes`` marks the next render as a change (highlighted)."""

    _html_class = "ll-outcome-bar-html"
    _view_class = "ll-outcome-bar-view"

    changes = List()

    def __init__(self, *args, **kwargs):
        self._flash = False
        super().__init__(*args, **kwargs)

    def mark(self, changes) -> None:
        """Name these changes on the next render and highlight it (the app calls this before the new analysis)."""
        self._flash = bool(changes)
        self.set_trait("changes", [tuple(c) for c in changes])

    def render(self) -> None:
        a, lang = self.analysis, safe_lang(self.lang)
        colon = "：" if lang == "zh" else ": "
        label = esc(tr(UI, "label", lang))
        if not a or "liability_form" not in a:
            self._html.value = (f'<div class="ll-outcome-bar" data-liability-form="" role="region" '
                                f'aria-label="{label}"><span class="ll-bar-empty">{esc(tr(UI, "empty", lang))}'
                                f'</span></div>')
            return
        form = a["liability_form"]
        pay = a.get("payments") or {}
        if form == "undetermined":
            money = f'<span class="ll-bar-pay">{esc(tr(UI, "open", lang))}</span>'
        else:
            parts = [f'{esc(tr(UI, key, lang))} <b>{esc(amount(pay.get(src) or 0.0, lang))}</b>'
                     for key, src in (("seller", "seller"), ("platform", "platform"),
                                      ("unrecovered", "consumer_unrecovered"))]
            money = f'<span class="ll-bar-pay">{" · ".join(parts)}{esc(tr(UI, "unit", lang))}</span>'
        changed = ""
        if self.changes:
            sep = "；" if lang == "zh" else "; "
            what = sep.join(change_text(c, lang) for c in self.changes[:3])
            changed = (f'<span class="ll-bar-change"><span class="ll-bar-change-label">{esc(tr(UI, "changed", lang))}'
                       f'{colon}</span>{esc(what)}</span>')
        flash = " ll-bar-flash" if self._flash else ""
        self._flash = False
        self._html.value = (
            f'<div class="ll-outcome-bar ll-form-{esc(form)}{flash}" data-liability-form="{esc(form)}" '
            f'role="region" aria-label="{label}">'
            f'<span class="ll-bar-kicker">{esc(tr(UI, "kicker", lang))}{colon}</span>'
            f'<strong class="ll-bar-form">{esc(a.get("form_name", form))}</strong> {money} {changed}</div>')
