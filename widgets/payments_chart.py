"""PaymentsChart: who pays the consumer how much as the seller's ability to pay, or the consumer's own fault, varies.

Each bar is :func:`casebook.engine.payments` for the current facts with one number changed; the form is the one the
engine decides under the current regime, or a reading the viewer picks. Plain HTML bars (no plotting library:
kernel start-up and per-click cost matter), each with a text label, and a data table as the text alternative.
"""

from __future__ import annotations

from casebook.engine import READINGS, sensitivity

from casebook.texts import FORM_NAMES


from .base import esc, tr
from .words import table
from .controls import Display, Dropdown, View
from .regime_comparison import amount, regime_name
from ._view import shared_layout

UI = table("payments_chart")

SELLER_STEPS = tuple(i / 10 for i in range(11))
FAULT_STEPS = tuple(i / 10 for i in range(10))


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x * 100:.1f}%"


class PaymentsChart(View):
    """Two small stacked-bar charts of the payments. Traits: ``analysis``, ``lang``, ``shown`` ("current" or a reading)."""

    def __init__(self, analysis=None, lang: str = "zh", **kwargs):
        self._pick = Dropdown(options=[("current", "current")] + [(r, r) for r in READINGS], value="current",
                              style={"description_width": "initial"}, layout=shared_layout(width="auto", max_width="100%"))
        self._pick.add_class("ll-payments-form")
        self._relabelling = False
        self._title = Display()
        self._html = Display()
        self._html.add_class("ll-payments-html")
        super().__init__(analysis=analysis, lang=lang, **kwargs)
        self.add_class("ll-payments-chart")
        self._pick.observe(self._on_pick, "value")
        self.children = [self._title, self._pick, self._html]

    @property
    def shown(self) -> str:
        return self._pick.value

    @shown.setter
    def shown(self, value: str) -> None:
        self._pick.value = value

    @property
    def html(self) -> str:
        return self._html.value

    def _on_pick(self, change) -> None:
        if self._relabelling:
            return
        self._rendered_for = (None, None)
        self._maybe_render()

    def series(self, field: str) -> list[dict]:
        """The rows of one chart: ``{"value", "form", "payments" or None (impossible), "current"}``, from the
        engine's sweep."""
        a = self.analysis
        now = a["scenario"].get(field)
        steps = sorted(set((SELLER_STEPS if field == "seller_can_pay" else FAULT_STEPS) + (now,)))
        form = None if self.shown == "current" else self.shown
        return [{"value": p["value"], "form": (form or p["liability_form"]) if p["payments"] is not None else None,
                 "payments": p["payments"], "current": p["value"] == now}
                for p in sensitivity(a["scenario"], field, steps, a.get("regime", "statute"), form)]

    def render(self) -> None:
        lang = self.lang
        a = self.analysis
        self._relabel_pick(lang)
        self._title.value = (f'<h3 class="ll-h3">{esc(tr(UI, "title", lang))}</h3>'
                             f'<p class="ll-lead">{esc(tr(UI, "lead", lang))}</p>')
        if not a or "scenario" not in a:
            self._html.value = f'<p class="ll-empty">{esc(tr(UI, "empty", lang))}</p>'
            return
        note = ""
        if self.shown == "current" and a.get("liability_form") == "undetermined":
            note = f'<p class="ll-hint">{esc(tr(UI, "undetermined", lang))}</p>'
        legend = "".join(f'<span class="ll-key"><span class="ll-swatch ll-seg-{k}"></span>{esc(tr(UI, k, lang))}</span>'
                         for k in ("seller", "platform", "unrecovered"))
        damages = float(a.get("damages") or 0.0)
        charts = "".join(self._chart(field, lang, damages) for field in ("seller_can_pay", "consumer_fault"))
        self._html.value = f'{note}<div class="ll-legend">{legend}</div>{charts}'

    def _relabel_pick(self, lang: str) -> None:
        regime = self.analysis.get("regime", "statute") if self.analysis else "statute"
        options = [(tr(UI, "current", lang).format(regime=regime_name(regime, lang)), "current")]
        options += [(tr(UI, "reading", lang).format(form=FORM_NAMES[r][lang]), r) for r in READINGS]
        if [o[0] for o in options] != list(self._pick._options_labels):
            value = self._pick.value
            self._relabelling = True
            try:
                with self._pick.hold_sync():
                    self._pick.options = options
                    self._pick.value = value
            finally:
                self._relabelling = False
        self._pick.description = tr(UI, "show", lang)

    def _chart(self, field: str, lang: str, damages: float) -> str:
        rows = self.series(field)
        title = tr(UI, "by_seller" if field == "seller_can_pay" else "by_fault", lang)
        bars, table = [], []
        for row in rows:
            now = f' <span class="ll-now">◀ {esc(tr(UI, "now", lang))}</span>' if row["current"] else ""
            label = f'<span class="ll-bar-label">{_pct(row["value"])}{now}</span>'
            if row["payments"] is None:
                text = tr(UI, "invalid", lang)
                bars.append(f'<div class="ll-bar-row ll-invalid">{label}<span class="ll-bar-text">{esc(text)}</span></div>')
                table.append(f'<tr><th scope="row">{_pct(row["value"])}</th><td colspan="4">{esc(text)}</td></tr>')
                continue
            p = row["payments"]
            parts = (("seller", p["seller"]), ("platform", p["platform"]), ("unrecovered", p["consumer_unrecovered"]))
            spoken = "；".join if lang == "zh" else "; ".join
            aria = spoken(f"{tr(UI, k, lang)} {amount(v, lang)}" for k, v in parts)
            segs = "".join(
                f'<span class="ll-seg ll-seg-{k}" style="width:{(v / damages * 100) if damages else 0:.2f}%"></span>'
                for k, v in parts if v > 0)
            cls = "ll-bar-row ll-bar-current" if row["current"] else "ll-bar-row"
            bars.append(f'<div class="{cls}">{label}<span class="ll-bar" role="img" aria-label="{esc(_pct(row["value"]))}: '
                        f'{esc(aria)}">{segs}</span><span class="ll-bar-text">{esc(amount(p["platform"], lang))}</span></div>')
            table.append(f'<tr><th scope="row">{_pct(row["value"])}</th><td>{esc(FORM_NAMES[row["form"]][lang])}</td>'
                         + "".join(f'<td class="ll-num">{amount(v, lang)}</td>' for _, v in parts) + "</tr>")
        head = "".join(f'<th scope="col">{esc(tr(UI, k, lang))}</th>' for k in ("value", "form", "seller", "platform", "unrecovered"))
        return (f'<figure class="ll-chart" data-field="{field}"><figcaption class="ll-h4">{esc(title)}</figcaption>'
                f'<div class="ll-bar-head"><span></span><span></span><span class="ll-bar-text">{esc(tr(UI, "platform", lang))}</span></div>'
                f'{"".join(bars)}'
                f'<details class="ll-data-table"><summary>{esc(tr(UI, "table", lang))}</summary>'
                f'<table class="ll-table"><thead><tr>{head}</tr></thead><tbody>{"".join(table)}</tbody></table></details>'
                f'</figure>')
