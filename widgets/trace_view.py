"""TraceView: the engine's reasoning step by step, each cited article expandable to its verbatim text.

The steps, reasons, citations, declared choices and open points are the engine's; the statute texts come from
:mod:`casebook.statutes` (Chinese verbatim and authoritative, with its source line; the English rendering is the
project's own and unofficial).
"""

from __future__ import annotations

import functools

from casebook import statutes

from .base import esc, tr
from .words import table
from .controls import HtmlView

UI = table("trace_view")


@functools.lru_cache(maxsize=256)
def statute_html(law: str, article: int, paragraph, lang: str) -> str:
    """One cited article as a <details> element: Chinese verbatim with its source line, English below for en."""
    try:
        title = statutes.cite(law, article, paragraph, lang)
        zh = statutes.paragraph_text(law, article, paragraph, "zh")
        source = statutes.source_line(law)
    except (KeyError, ValueError):
        return (f'<details class="ll-article"><summary>{esc(law)} {esc(article)}</summary>'
                f'<p>{esc(tr(UI, "missing", lang))}</p></details>')
    body = (f'<div class="ll-verbatim-label">{esc(tr(UI, "verbatim", lang))}</div>'
            f'<blockquote class="ll-verbatim" lang="zh">{esc(zh)}</blockquote>'
            f'<p class="ll-source">{esc(tr(UI, "source", lang))}{esc(source)}</p>')
    if lang == "en":
        try:
            en = statutes.paragraph_text(law, article, paragraph, "en")
        except (KeyError, ValueError):
            en = ""
        if en:
            body += (f'<div class="ll-verbatim-label">{esc(tr(UI, "english", lang))}</div>'
                     f'<blockquote class="ll-english" lang="en">{esc(en)}</blockquote>'
                     f'<p class="ll-source">{esc(getattr(statutes, "EN_NOTE", ""))}</p>')
    return (f'<details class="ll-article" data-law="{esc(law)}" data-article="{esc(article)}">'
            f'<summary>{esc(title)} · {esc(tr(UI, "show_text", lang))}</summary>{body}</details>')


class TraceView(HtmlView):
    """The trace of the current analysis. Traits: ``analysis``, ``lang``."""

    _html_class = "ll-trace-html"
    _view_class = "ll-trace-view"

    def render(self) -> None:
        a, lang = self.analysis, self.lang
        if not a or "trace" not in a:
            self._html.value = f'<p class="ll-empty">{esc(tr(UI, "empty", lang))}</p>'
            return
        steps = [self._step(step, lang) for step in a["trace"]]
        choices = [c.get("text", "") if isinstance(c, dict) else str(c) for c in a.get("engine_choices") or ()]
        open_points = [str(p) for p in a.get("open_points") or ()]
        self._html.value = (
            f'<div class="ll-section"><h3 class="ll-h3">{esc(tr(UI, "title", lang))}</h3>'
            f'<p class="ll-lead">{esc(tr(UI, "lead", lang))}</p>'
            f'<ol class="ll-trace">{"".join(steps)}</ol>'
            + self._list("choices", choices, lang) + self._list("open", open_points, lang) + "</div>")

    @staticmethod
    def _list(key: str, items, lang: str) -> str:
        inner = "".join(f"<li>{esc(x)}</li>" for x in items) or f'<li>{esc(tr(UI, "none", lang))}</li>'
        return f'<h4 class="ll-h4">{esc(tr(UI, key, lang))}</h4><ul class="ll-list ll-{key}">{inner}</ul>'

    @staticmethod
    def _step(step: dict, lang: str) -> str:
        held = bool(step.get("held"))
        badges = []
        if step.get("decisive"):
            badges.append(f'<span class="ll-badge ll-badge-decisive">★ {esc(tr(UI, "decisive", lang))}</span>')
        if step.get("displaced_by"):
            badges.append(f'<span class="ll-badge ll-badge-displaced">{esc(tr(UI, "displaced", lang))}</span>')
        if step.get("addition"):
            badges.append(f'<span class="ll-badge ll-badge-addition" title="{esc(tr(UI, "addition_title", lang))}">'
                          f'{esc(tr(UI, "addition", lang))}</span>')
        articles = "".join(
            statute_html(r.get("law"), r.get("article"), r.get("paragraph"), lang)
            for r in step.get("refs") or () if isinstance(r, dict))
        # With articles to open, their summaries are the citation; otherwise (the paper's proposal) the text is.
        basis = (f'<div class="ll-cite"><span class="ll-sr-only">{esc(step.get("citation", ""))}</span>'
                 f'{esc(tr(UI, "basis", lang))}</div>{articles}' if articles else
                 f'<div class="ll-cite">{esc(tr(UI, "basis", lang))}{esc(step.get("citation", ""))}</div>')
        cls = "ll-step " + ("ll-held" if held else "ll-not-held") + (" ll-decisive" if step.get("decisive") else "")
        return (
            f'<li class="{cls}" data-rule="{esc(step.get("rule", ""))}" data-held="{str(held).lower()}">'
            f'<div class="ll-step-head"><span class="ll-mark">{esc(tr(UI, "held" if held else "not_held", lang))}</span> '
            f'<strong class="ll-rule-name">{esc(step.get("name", step.get("rule", "")))}</strong> {"".join(badges)}</div>'
            f'<div class="ll-reason">{esc(step.get("reason", ""))}</div>'
            f'{basis}</li>')
