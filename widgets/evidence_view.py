"""EvidenceView: what the consumer should gather, what to demand from the platform, what the platform must prove.

Everything shown comes from :func:`casebook.evidence.checklist` for the current analysis: the facts and who bears
them (the engine's burden rows), the kinds of evidence (marked as the tutorial's suggestions where they are), the
demands with the verbatim text of the articles they rest on, and the checklist's own notes.
"""

from __future__ import annotations

from .base import esc, tr
from .words import table
from ._view import BORDER, FONT, MUTED
from .controls import HtmlView

UI = table("evidence_view")


def _sep(lang: str) -> str:
    return "；" if lang == "zh" else "; "


def _paren(text: str, lang: str) -> str:
    return f"（{text}）" if lang == "zh" else f"({text})"


class EvidenceView(HtmlView):
    """The evidence checklist of ``analysis``.

    Constructor: ``EvidenceView(analysis=None, lang="zh")``. Traits in: ``analysis`` (an engine analysis, any
    regime: the checklist follows its burden of proof), ``lang``. No events.
    """

    _html_class = "ll-evidence-list"
    _view_class = "ll-evidence"

    def checklist(self) -> dict | None:
        """The checklist shown (None without a valid analysis)."""
        from casebook.evidence import checklist
        from casebook.scenario import ScenarioError

        if not self.analysis:
            return None
        try:
            return checklist(self.analysis, self.lang)
        except ScenarioError:
            return None

    def render(self):
        lang = self.lang
        check = self.checklist()
        if check is None:
            self._html.value = f'<p style="{FONT}">{esc(tr(UI, "empty", lang))}</p>'
            return
        h = 'style="font-size:16px;margin:12px 0 4px;"'
        parts = [f'<div style="{FONT}">',
                 f'<p style="font-weight:bold;font-size:17px;margin:4px 0;">{esc(tr(UI, "title", lang))}</p>']

        parts.append(f'<h4 class="ll-evidence-consumer" {h}>{esc(tr(UI, "consumer", lang))}</h4>')
        if check["consumer"]:
            parts.append('<ul style="margin:0;padding-left:20px;">')
            for row in check["consumer"]:
                parts.append(self._fact(row, lang))
                if row.get("evidence"):
                    parts.append('<ul style="padding-left:20px;">')
                    for item in row["evidence"]:
                        sources = _sep(lang).join(item.get("sources", []))
                        shown = (f'<span style="color:{MUTED};">{esc(_paren(sources, lang))}</span>'
                                 if sources else "")
                        parts.append(f'<li data-evidence="{esc(item["id"])}">{esc(item["text"])} {shown}</li>')
                    parts.append("</ul>")
                parts.append("</li>")
            parts.append("</ul>")
        else:
            parts.append(f"<p>{esc(tr(UI, 'none_consumer', lang))}</p>")

        parts.append(f'<h4 class="ll-evidence-demand" {h}>{esc(tr(UI, "demand", lang))}</h4>')
        parts.append('<ul style="margin:0;padding-left:20px;">')
        for item in check["demand_from_platform"]:
            parts.append(f'<li data-demand="{esc(item["id"])}">{esc(item["text"])}'
                         + self._citations(item.get("citations"), lang))
            if item.get("keep"):
                parts.append(f"<br>{esc(tr(UI, 'keep', lang))}{esc(_sep(lang).join(item['keep']))}")
            for quote in item.get("quotes", []):
                parts.append(self._quote(quote, lang))
            parts.append("</li>")
        parts.append("</ul>")

        parts.append(f'<h4 class="ll-evidence-platform" {h}>{esc(tr(UI, "platform", lang))}</h4>')
        if check["platform_must_prove"]:
            parts.append('<ul style="margin:0;padding-left:20px;">')
            for row in check["platform_must_prove"]:
                parts.append(self._fact(row, lang) + "</li>")
            parts.append("</ul>")
        else:
            parts.append(f"<p>{esc(tr(UI, 'none_platform', lang))}</p>")

        for note in check.get("notes", []):
            parts.append(f'<p style="color:{MUTED};margin:10px 0 0;"><em>{esc(note)}</em></p>')
        parts.append("</div>")
        self._html.value = "".join(parts)

    def _fact(self, row: dict, lang: str) -> str:
        """The opening of a fact's list item: its label, whether it is open, the note and the citations."""
        return (f'<li data-fact="{esc(row["fact"])}"><strong>{esc(row["label"])}</strong>' + self._open(row, lang)
                + f'<br><span style="color:{MUTED};">{esc(row["note"])}</span>'
                + self._citations(row.get("citations"), lang))

    @staticmethod
    def _open(row: dict, lang: str) -> str:
        if not row.get("open"):
            return ""
        return (f' <span class="ll-open" style="border:1px solid {MUTED};border-radius:3px;padding:0 4px;">'
                f'{esc(tr(UI, "open", lang))}</span>')

    @staticmethod
    def _citations(citations, lang: str) -> str:
        if not citations:
            return ""
        return (f'<br><span class="ll-citations" style="color:{MUTED};">{esc(tr(UI, "sources", lang))}'
                f"{esc(_sep(lang).join(citations))}</span>")

    @staticmethod
    def _quote(quote: dict, lang: str) -> str:
        body = f'<blockquote lang="zh" style="margin:4px 0;padding:4px 10px;border-left:4px solid {BORDER};">' \
               f'{esc(quote.get("zh", ""))}</blockquote>'
        if lang == "en" and quote.get("en"):
            body += (f'<blockquote lang="en" style="margin:4px 0;padding:4px 10px;border-left:4px solid {BORDER};">'
                     f'{esc(quote["en"])}</blockquote>'
                     f'<p style="color:{MUTED};margin:0;"><em>{esc(quote.get("en_note", ""))}</em></p>')
        if quote.get("source"):
            body += f'<p style="color:{MUTED};margin:0;font-size:14px;">{esc(tr(UI, "source_line", lang))}' \
                    f'{esc(quote["source"])}</p>'
        return (f'<details class="ll-quote"><summary style="cursor:pointer;">'
                f'{esc(tr(UI, "text_of", lang).format(citation=quote.get("citation", "")))}</summary>{body}</details>')
