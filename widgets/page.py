"""The top of every page: title, language switch, navigation, and the style that shows one language at a time.

Narrative cells in the notebooks hold both languages, each inside ``<div class="ll-zh">`` or ``<div class="ll-en">``;
the page shell hides the one not chosen, so the switch changes every text on the page at once. Widgets follow the
shell's ``lang`` through :meth:`PageShell.follow`.
"""

from __future__ import annotations

import os

from traitlets import Bool, dlink

from .base import Lang, esc, safe_lang, tr
from .controls import Display, FixedHBox, FixedVBox
from .nav import ANALYZER, CHAPTERS, neighbours, title
from .theme import SHARED_CSS
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
/* keyboard (issue 16 point 7): a focus ring seen from the back of the room */
#rendered_cells :is(button, select, input, textarea, summary, a[href], [tabindex]):focus-visible
  { outline: 3px solid #0b3d91 !important; outline-offset: 2px !important; box-shadow: 0 0 0 5px #fff, 0 0 0 7px #0b3d91 !important; }
/* what-if buttons (pivotal facts): the whole label, wrapped, never cut to "..." */
.ll-pivotal, .ll-pivotal .widget-box { overflow: visible !important; }  /* room for the focus ring */
.ll-pivotal .widget-hbox { padding: 4px 0 4px 8px; }
.ll-pivotal button.jupyter-button { white-space: normal; height: auto; min-height: 44px; text-align: left;
  line-height: 1.3; padding: 6px 10px; overflow: visible; text-overflow: clip; }
/* phones (issue 16 point 5): wide tables scroll inside their own box, touch targets of at least 44 px */
@media (max-width: 600px) {
  body, .jp-Notebook, .jp-RenderedHTMLCommon { font-size: 16px; }
  .ll-lesson table.ll-tbl { display: block; max-width: 100%; overflow-x: auto;
    background: linear-gradient(to right, #fff 30%, rgba(255, 255, 255, 0)) left / 24px 100% no-repeat local,
      linear-gradient(to left, #fff 30%, rgba(255, 255, 255, 0)) right / 24px 100% no-repeat local,
      radial-gradient(farthest-side at 0 50%, rgba(0, 0, 0, .3), transparent) left / 12px 100% no-repeat scroll,
      radial-gradient(farthest-side at 100% 50%, rgba(0, 0, 0, .3), transparent) right / 12px 100% no-repeat scroll; }
  /* the narrative's tables: one card per row (the column names stay for screen readers) */
  .jp-RenderedHTMLCommon table, .jp-RenderedHTMLCommon tbody, .jp-RenderedHTMLCommon tr,
  .jp-RenderedHTMLCommon td { display: block; width: 100%; text-align: left !important; }
  .jp-RenderedHTMLCommon thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .jp-RenderedHTMLCommon tr { border: 1px solid #8a8a8a; border-radius: 6px; margin: 0 0 8px; padding: 4px 8px; }
  .jp-RenderedHTMLCommon td { border: none !important; padding: 2px 0 !important; }
  .jp-RenderedHTMLCommon td:first-child { font-weight: 700; }
  #rendered_cells .widget-html-content { min-width: 0; }
  .jp-RenderedHTMLCommon blockquote { margin-left: 0; margin-right: 0; }
  #rendered_cells .widget-container > .lm-Widget { margin-left: 0; margin-right: 0; }  /* 100% + 2px margins */
  .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { min-width: 7em; }
  .ll-shell-nav a { display: inline-flex; align-items: center; min-height: 44px; }
  #rendered_cells :is(button, select, .widget-toggle-button, input[type="number"], input[type="text"]) { min-height: 44px; height: auto; }
  #rendered_cells .widget-checkbox label { min-height: 44px; display: flex; align-items: center; }
  #rendered_cells summary { min-height: 44px; display: flex; align-items: center; }
  #rendered_cells .widget-inline-hbox { height: auto; flex-wrap: wrap; row-gap: 10px; }  /* room for the focus ring */
  #rendered_cells .widget-inline-hbox > .widget-label { max-width: 100% !important; width: auto !important; white-space: normal;
    text-align: left; }  /* a label on a line of its own starts where the field does */
  /* a lesson's table scrolls sideways rather than squeezing its columns to a word (or a character) per line */
  .ll-lesson table.ll-tbl th, .ll-lesson table.ll-tbl td { min-width: 5em; }
  #rendered_cells .widget-dropdown { width: 100% !important; max-width: 100% !important; }
  #rendered_cells .widget-dropdown > select { flex: 1 1 auto; min-width: 0; max-width: 100%; }
}
/* print (issue 16 point 6): the controls that only act hidden (the containers' reset and open sections: shared.css) */
@media print {
  #rendered_cells > * { zoom: 1 !important; }
  .ll-lang, .ll-shell-nav, .jupyter-button:not(.ll-keep-print), .widget-upload { display: none !important; }
  .ll-pivotal .jupyter-button { display: inline-block !important; border: none; background: none; padding: 0; font-weight: 700; }
  .jp-RenderedHTMLCommon table, .ll-lesson table.ll-tbl { display: table !important; overflow: visible !important; }
  tr, blockquote, .ll-card, .ll-quote, .ll-article { break-inside: avoid; }
}
"""


# Presenter mode (?present=1): large type for the back row; a chapter's outcome stays at the top of the screen.
PRESENT_CSS = """
#rendered_cells > * { zoom: 1.3; }
.jp-OutputArea, .jp-OutputArea-child, .jp-OutputArea-output, .widget-box, .widget-container { overflow: visible !important; }
.widget-box > .widget-html:has(.ll-outcome) { position: sticky; top: 0; bottom: 0; z-index: 10; background: #fff; }
"""


SITE = {"zh": "平台责任实验室", "en": "Platform Liability Lab"}


def page_mark(lang: str, page_title: str = "") -> str:
    """The mark that tells the page which language it is in and what its tab is called: the template's script
    (index.html.j2; deploy/static/page_setup.js in the static edition) sets <html lang>, the tab title and the URL's
    ``?lang=`` from it, so that a reload keeps the language."""
    lang = safe_lang(lang)
    full = f"{page_title} · {SITE[lang]}" if page_title and SITE[lang] not in page_title else (page_title or SITE[lang])
    return f'<span data-ll-page-lang="{lang}" data-ll-page-title="{esc(full)}" hidden></span>'


def lang_css(lang: str, page_title: str = "", present: bool = False) -> str:
    hide = "en" if safe_lang(lang) == "zh" else "zh"
    mark = page_mark(lang, page_title)
    return (f"<style>.ll-{hide}{{display:none !important}}{BASE_CSS}{SHARED_CSS}{PRESENT_CSS if present else ''}"
            f"</style>{mark}")


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
    present = Bool(False)  # presenter mode (?present=1)

    def __init__(self, page_id: str, lang: str = "zh", messages=(), present: bool = False, **kwargs):
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
        self.present = bool(present)
        self.observe(self._render, ["lang", "present"])
        self.lang = safe_lang(lang)
        self._render()

    @classmethod
    def from_environment(cls, page_id: str) -> "PageShell":
        """A shell in the language the URL asks for (?lang=zh|en); a bad value is reported, not fatal."""
        from casebook.share import parse_query

        from .query import query_string

        from ._kernel import settle

        q = parse_query(query_string())
        shell = cls(page_id, lang=q.get("lang") or "zh", messages=q.get("errors") or (), present=bool(q.get("present")))
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
        self._style.value = lang_css(lang, title(self.page_id, lang), self.present)
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
