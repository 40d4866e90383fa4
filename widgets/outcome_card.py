"""OutcomeCard: the platform's liability in plain words, its legal basis and who pays the consumer what.

Everything shown is the engine's analysis; the card adds only headings. Its HTML carries the page hook
``<div class="ll-outcome" data-liability-form="<form>">``.
"""

from __future__ import annotations

from casebook.texts import fmt_money

from .base import esc, tr
from .words import WORDS
from .controls import HtmlView
from .regime_comparison import regime_name

UI = {
    "kicker": {"zh": "结论", "en": "Outcome"},
    "under": {"zh": "适用方案：", "en": "Under: "},
    "basis": {"zh": "法律依据", "en": "Legal basis"},
    "none_basis": {"zh": "（无）", "en": "(none)"},
    "money": {"zh": "赔付（消费者先向销售者求偿，销售者能付多少付多少）",
              "en": "Payments (the consumer collects from the seller first, as far as it can pay)"},
    "damages": {"zh": "损失", "en": "Damages"},
    "seller": {"zh": "销售者向消费者支付", "en": "The seller pays the consumer"},
    "platform": {"zh": "平台向消费者支付", "en": "The platform pays the consumer"},
    "unrecovered": {"zh": "消费者得不到赔偿", "en": "The consumer does not recover"},
    "recourse": WORDS["platform_recourse"],
    "exposure": WORDS["most_from_platform"],
    "capped": {"zh": "若依《民法典》第一千一百九十八条将补充责任限于平台过错份额（本教程补充，非论文观点）：平台支付 {platform}，消费者得不到赔偿 {unrecovered}。",
               "en": "If supplementary liability were capped at the platform's share of fault as under Civil Code art. "
                     "1198 (the tutorial's addition, not the paper's): the platform pays {platform}, the consumer does "
                     "not recover {unrecovered}."},
    "punitive": {"zh": "价款十倍或损失三倍的赔偿金（《食品安全法》第一百四十八条第二款）",
                 "en": "Ten-fold price or three-fold loss (FSL art. 148 para. 2)"},
    "hint": {"zh": "法律没有规定是哪一种责任：请看下方“同一事实，不同规则”，四种解释各自的结果并列在那里。",
             "en": "The law does not say which kind: see \"Same facts, different rules\" below for what each of the "
                   "four readings gives."},
    "empty": WORDS["no_analysis"],
}


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
