"""The top of every page: title, language switch, navigation, and the style that shows one language at a time.

Narrative cells in the notebooks hold both languages, each inside ``<div class="ll-zh">`` or ``<div class="ll-en">``;
the page shell hides the one not chosen, so the switch changes every text on the page at once. Widgets follow the
shell's ``lang`` through :meth:`PageShell.follow`.
"""

from __future__ import annotations

import os

from traitlets import dlink

from .base import Lang, esc, safe_lang, tr
from .controls import Display, FixedHBox, FixedVBox
from .nav import ANALYZER, CHAPTERS, neighbours, title
from ._view import shared_layout
from .words import table

UI = table("page")

# Projector-friendly defaults: large type, wide enough for 1280x720 without sideways scrolling.
BASE_CSS = """
body, .jp-Notebook, .jp-RenderedHTMLCommon { font-size: 17px; line-height: 1.6; }
.jp-Notebook, #rendered_cells { max-width: 1180px; margin: 0 auto; }
.jp-RenderedHTMLCommon blockquote { border-left: 4px solid #3b5b92; background: #f4f6fa; padding: .4em 1em; }
.ll-shell-nav a { margin-right: 1.2em; font-weight: 600; color: #1a4480; }
.ll-credit { color: #444; font-size: 14px; }
.widget-label, .widget-inline-hbox .widget-label { font-size: 15px; }
.ll-field-message .ll-message { color: #8a1c1c; font-weight: 600; margin: 2px 0 6px; }
"""


SITE = {"zh": "平台责任实验室", "en": "Platform Liability Lab"}


def page_mark(lang: str, page_title: str = "") -> str:
    """The mark that tells the page which language it is in and what its tab is called: the template's script
    (index.html.j2; deploy/static/page_setup.js in the static edition) sets <html lang>, the tab title and the URL's
    ``?lang=`` from it, so that a reload keeps the language."""
    lang = safe_lang(lang)
    full = f"{page_title} · {SITE[lang]}" if page_title and SITE[lang] not in page_title else (page_title or SITE[lang])
    return f'<span data-ll-page-lang="{lang}" data-ll-page-title="{esc(full)}" hidden></span>'


def lang_css(lang: str, page_title: str = "") -> str:
    hide = "en" if safe_lang(lang) == "zh" else "zh"
    mark = page_mark(lang, page_title)
    return f"<style>.ll-{hide}{{display:none !important}}{BASE_CSS}</style>{mark}"


def _link(page_id: str, label: str, lang: str) -> str:
    from .query import page_extension

    return f'<a href="{esc(page_id)}{page_extension()}?lang={esc(lang)}">{esc(label)}</a>'


def contents_link(lang: str) -> str:
    """A navigation bar with one link: back to the contents (the first chapter), for pages without a shell."""
    lang = safe_lang(lang)
    back = "← " + tr(UI, "contents", lang) + ("：" if lang == "zh" else ": ") + CHAPTERS[0][1][lang]
    return (f"<nav class='ll-shell-nav ll-contents-nav' aria-label='{esc(tr(UI, 'nav', lang))}'>"
            f"{_link(CHAPTERS[0][0], back, lang)}</nav>")


class PageShell(FixedVBox):
    """Title, language switch and navigation of one page; ``lang`` is the page's language."""

    lang = Lang()

    def __init__(self, page_id: str, lang: str = "zh", messages=(), **kwargs):
        from .language_switch import LanguageSwitch

        super().__init__(**kwargs)
        self.page_id = page_id
        self._style = Display()
        self._title = Display()
        self._nav = Display()
        self._messages = list(messages)
        self._notice = Display()
        self._switch = LanguageSwitch(lang=safe_lang(lang))
        self._switch.observe(self._on_switch, "lang")
        self.children = [self._style, FixedHBox([self._title, self._switch],
                                             layout=shared_layout(justify_content="space-between", flex_flow="row wrap",
                                                             align_items="center", width="100%")),
                         self._nav, self._notice]
        self.add_class("ll-shell")
        self.observe(self._render, "lang")
        self.lang = safe_lang(lang)
        self._render()

    @classmethod
    def from_environment(cls, page_id: str) -> "PageShell":
        """A shell in the language the URL asks for (?lang=zh|en); a bad value is reported, not fatal."""
        from casebook.share import parse_query

        from .query import query_string

        from ._kernel import settle

        q = parse_query(query_string())
        shell = cls(page_id, lang=q.get("lang") or "zh", messages=q.get("errors") or ())
        settle()
        return shell

    def follow(self, *widgets):
        """Make each widget follow the page's language; returns the first, for use as a cell's last line."""
        from ._kernel import settle

        for w in widgets:
            dlink((self, "lang"), (w, "lang"))
        settle()  # the cell's widgets are built: see widgets/_kernel.py
        return widgets[0] if widgets else None

    def _on_switch(self, change):
        self.lang = safe_lang(change["new"])

    def _render(self, change=None):
        lang = safe_lang(self.lang)
        if self._switch.lang != lang:
            self._switch.lang = lang
        self._style.value = lang_css(lang, title(self.page_id, lang))
        self._title.value = f"<h1 style='margin:.2em 0'>{esc(title(self.page_id, lang))}</h1>"
        prev, nxt = neighbours(self.page_id)
        links = []
        if prev:
            links.append(_link(prev[0], tr(UI, "prev", lang).format(title=prev[1][lang]), lang))
        links.append(_link(CHAPTERS[0][0], tr(UI, "contents", lang), lang))
        if nxt:
            links.append(_link(nxt[0], tr(UI, "next", lang).format(title=nxt[1][lang]), lang))
        if self.page_id != ANALYZER[0]:
            links.append(_link(ANALYZER[0], tr(UI, "analyzer", lang), lang))
        self._nav.value = (f"<nav class='ll-shell-nav' aria-label='{esc(tr(UI, 'nav', lang))}'>"
                           + "".join(links) + "</nav>")
        notes = "".join(f"<div role='alert' style='color:#8a1c1c'>⚠ {esc(m.get(lang, m.get('zh', '')) if isinstance(m, dict) else m)}</div>"
                        for m in self._messages)
        self._notice.value = notes


def credit(lang: str = "zh") -> str:
    return f"<p class='ll-credit'>{esc(tr(UI, 'credit', lang))}</p>"


def in_voila() -> bool:
    return "VOILA_KERNEL_ID" in os.environ or "VOILA_PREHEAT" in os.environ
