"""What the chapter widgets share: the lesson style sheets, HTML pieces (a statement with its source, an article's
verbatim text, badges, a liability form), the words they have in common (:data:`WORDS`), and relabelling a choice
without losing it.

Nothing here decides anything. Everything that reaches the page goes through :func:`widgets.base.esc`, whether it
came from the lesson files, the statute files or the engine.
"""

from __future__ import annotations

from casebook import lessons
import re
from contextlib import contextmanager

from casebook.scenario import FIELD_BY_NAME
from casebook.texts import FORM_NAMES, fmt_share

from ..base import esc, safe_lang, tr
from ..words import WORDS, table

# Sized for a projector at 1280x720: body 16px, nothing below 14px, muted text dark enough for 7:1 on white.
CSS = """<style>
.ll-lesson { font-size: 16px; line-height: 1.55; color: #1b1b1b; }
.ll-lesson, .ll-lesson * { box-sizing: border-box; }
.ll-lesson .ll-card { width: auto; max-width: 100%; overflow-wrap: anywhere; }
.ll-lesson h3 { font-size: 20px; margin: .3em 0 .35em; }
.ll-lesson h4 { font-size: 17px; margin: .3em 0 .25em; }
.ll-lesson p { margin: .3em 0; }
.ll-lesson .ll-src { display: inline-block; font-size: 14px; color: #3a3a3a; margin-left: .4em; white-space: nowrap; }
.ll-lesson .ll-quote { border-left: 4px solid #3b5b92; background: #f4f6fa; padding: .35em .8em; margin: .35em 0; }
.ll-lesson .ll-quote-orig { display: block; font-size: 14px; color: #3a3a3a; margin-top: .2em; }
.ll-lesson .ll-article { border-left: 4px solid #6b4e16; background: #fbf7ee; padding: .35em .8em; margin: .35em 0; }
.ll-lesson .ll-article-cite { font-weight: 600; font-size: 15px; }
.ll-lesson .ll-article-en { display: block; margin-top: .25em; }
.ll-lesson .ll-unofficial { font-size: 14px; color: #3a3a3a; }
.ll-lesson .ll-badge { display: inline-block; font-size: 13px; font-weight: 600; padding: 0 .45em; border-radius: 3px;
  margin: 0 .3em; vertical-align: 1px; white-space: nowrap; }
.ll-lesson .ll-badge-addition { background: #fff1c2; color: #5c4400; border: 1px solid #b38600; }
.ll-lesson .ll-badge-open { background: #fde2e2; color: #7a1010; border: 1px solid #b42318; }
.ll-lesson .ll-badge-paper { background: #e3ecfa; color: #13376b; border: 1px solid #3b5b92; }
.ll-lesson .ll-note { background: #fffaf0; border: 1px dashed #b38600; padding: .3em .7em; margin: .35em 0; }
.ll-lesson .ll-open { background: #fff5f5; border: 1px dashed #b42318; padding: .3em .7em; margin: .35em 0; }
.ll-lesson .ll-card { border: 1px solid #8a8a8a; border-radius: 6px; padding: .5em .8em; margin: .3em 0; background: #fff; }
.ll-lesson .ll-card-on { border: 3px solid #1a4480; background: #f1f6ff; }
.ll-lesson .ll-card-off { opacity: .8; }
.ll-lesson .ll-card-conflict { border: 2px dashed #b42318; background: #fff5f5; }
.ll-lesson .ll-grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: .6em; }
.ll-lesson .ll-grid4 { display: grid; grid-template-columns: repeat(4, 1fr); gap: .5em; }
.ll-lesson .ll-form { font-weight: 700; color: #1a4480; }
.ll-lesson table.ll-tbl { border-collapse: collapse; width: 100%; font-size: 15px; }
.ll-lesson table.ll-tbl th, .ll-lesson table.ll-tbl td { border: 1px solid #8a8a8a; padding: .25em .45em; vertical-align: top; text-align: left; }
.ll-lesson table.ll-tbl th { background: #eef1f6; }
.ll-lesson table.ll-tbl td.ll-num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ll-lesson .ll-held { color: #0d5c2e; font-weight: 700; }
.ll-lesson .ll-not { color: #7a1010; font-weight: 700; }
.ll-lesson .ll-off { color: #4a4a4a; font-weight: 700; }
.ll-lesson .ll-msg { color: #7a1010; font-weight: 600; }
.ll-lesson details > summary { cursor: pointer; color: #1a4480; font-weight: 600; }
.ll-controls .widget-label, .ll-controls label, .ll-controls .widget-label-basic { font-size: 16px !important; }
.ll-controls select, .ll-controls input, .ll-controls .widget-readout { font-size: 16px !important; }
.ll-controls select { height: 32px; }
.ll-controls .widget-inline-hbox { height: auto; min-height: 32px; align-items: center; }
.ll-controls .widget-inline-hbox > .widget-label { max-width: 55%; white-space: normal; line-height: 1.25; height: auto; }
.ll-controls .widget-checkbox label { white-space: normal; line-height: 1.25; height: auto; }
.ll-buttons button, .ll-buttons .widget-toggle-button { font-size: 16px !important; height: auto !important;
  min-height: 34px; padding: 4px 12px !important; }
.ll-buttons .widget-label { font-size: 16px !important; font-weight: 600; }
.ll-buttons .widget-toggle-button.mod-active { background: #1a4480 !important; color: #fff !important; }
.ll-path-nav { gap: 4px .6em; }
.ll-path-columns { gap: 0 1.2em; }
/* Markdown tables in the chapters: the notebook default (13px) is too small on a projector. */
.jp-RenderedHTMLCommon table { font-size: 16px; }
/* Links inside running text must not rely on colour alone (axe: link-in-text-block). */
.jp-RenderedHTMLCommon p a, .jp-RenderedHTMLCommon li a, .ll-lesson p a { text-decoration: underline !important; }
@media (max-width: 900px) { .ll-lesson .ll-grid2, .ll-lesson .ll-grid4 { grid-template-columns: 1fr; } }
/* Phones (issue 16 point 5): chapter 06's what-if result stays in view, at the bottom of the screen, while its
   buttons are (position sticky needs every box up to the page's scroller to let it overflow). */
@media (max-width: 600px) {
  .jp-OutputArea:has(.ll-whatif-box), .jp-OutputArea:has(.ll-whatif-box) .jp-OutputArea-child,
  .jp-OutputArea:has(.ll-whatif-box) .jp-OutputArea-output, .ll-case-replay, .ll-whatif-box { overflow: visible !important; }
  .ll-whatif-box > .ll-whatif-result { position: sticky; bottom: 0; z-index: 5; background: #fff;
    box-shadow: 0 -3px 8px rgba(0, 0, 0, .2); }
  .ll-whatif-card { max-height: 40vh; overflow-y: auto; margin: 0 !important; }
  .ll-lesson .ll-grid2, .ll-lesson .ll-grid4 { grid-template-columns: 1fr; }
}
</style>"""

_TBL = re.compile(r"<table class=(['\"])ll-tbl")

UI = table("lessons/common")


def colon(lang: str) -> str:
    return "：" if safe_lang(lang) == "zh" else ": "


def badge(kind: str, lang: str) -> str:
    """A small label for a statement's kind: the paper's words, the tutorial's addition, a point left open."""
    words = {"addition": lessons.SOURCE_LABEL["addition"],
             "open": {"zh": "论文未明言", "en": "left open by the paper"},
             "paper": {"zh": "论文", "en": "the paper"}}[kind]
    return f'<span class="ll-badge ll-badge-{esc(kind)}">{esc(words[safe_lang(lang)])}</span>'


def inner(quote: str) -> str:
    """A quotation placed inside “…”: its own double quotation marks become single ones, as Chinese typesetting
    nests them (the data keeps the paper's exact characters)."""
    return quote.replace("“", "‘").replace("”", "’")


def statement_html(statement: dict, lang: str, tag: str = "p", css: str = "") -> str:
    """A statement with its source: the paper's words as a quotation, an addition or an open point with a badge."""
    lang = safe_lang(lang)
    kind = lessons.kind(statement)
    body = esc(inner(statement["quote"]) if kind == "paper" and lang == "zh" else lessons.text(statement, lang))
    src = f'<span class="ll-src">— {esc(lessons.source(statement, lang))}</span>'
    if kind == "paper":
        if lang == "zh":
            return f'<div class="ll-quote {esc(css)}" lang="zh">“{body}”{src}</div>'
        return (f'<div class="ll-quote {esc(css)}"><span lang="en">"{body}"</span>'
                f' <span class="ll-unofficial">({esc(tr(UI, "unofficial", lang))})</span>{src}'
                f'<span class="ll-quote-orig" lang="zh">{esc(tr(UI, "original", lang))}{colon(lang)}“{esc(inner(statement["quote"]))}”'
                f'</span></div>')
    if kind == "addition":
        return f'<{tag} class="ll-note {esc(css)}">{badge("addition", lang)} {body}</{tag}>'
    if kind == "open":
        return f'<{tag} class="ll-open {esc(css)}">{badge("open", lang)} {body}{src}</{tag}>'
    return f'<{tag} class="{esc(css)}">{body}{src}</{tag}>'


def article_html(ref, lang: str, note: str = "") -> str:
    """The verbatim Chinese text of ``[law, article, paragraph]`` with its citation; for English readers the
    unofficial rendering as well."""
    lang = safe_lang(lang)
    cite = esc(lessons.article_cite(ref, lang))
    zh = esc(lessons.article_text(ref, "zh")).replace("\n", "<br>")
    html = f'<div class="ll-article"><div class="ll-article-cite">{cite}{note}</div><div lang="zh">{zh}</div>'
    if lang == "en":
        en = esc(lessons.article_text(ref, "en")).replace("\n", "<br>")
        html += (f'<span class="ll-article-en" lang="en">{en} '
                 f'<span class="ll-unofficial">({esc(tr(UI, "en_article", lang))})</span></span>')
    return html + "</div>"


def decisive_step(analysis: dict) -> dict | None:
    """The step of the engine's trace that decided the outcome, or None."""
    return next((s for s in analysis["trace"] if s.get("decisive")), None)


def section(body: str) -> str:
    """Wrap a widget's HTML in the lesson style (the style sheet itself is the widget's :func:`style_widget`).

    Every ``ll-tbl`` table is made focusable: on a phone a wide one scrolls sideways in its own box, and a box that
    scrolls must be reachable by keyboard (axe: scrollable-region-focusable; issue 16 point 5)."""
    body = _TBL.sub(r"<table tabindex=\g<1>0\g<1> class=\1ll-tbl", body)
    return f'<div class="ll-lesson">{body}</div>'


def style_widget(extra: str = ""):
    """The lesson style sheet (and ``extra``), as the first child of a lesson widget: put there once, it is never
    sent again. Carried inside every HTML value instead, each change of a view sent the 4-5 KB sheet again and the
    browser, seeing a style sheet replaced, restyled the whole page before it painted the change (measured with
    the websocket frames of a change: chapter 03's went from 12.5 to 6.7 KB, chapter 09's from 21 to 3-5 KB)."""
    from ..controls import Display

    html = Display(value=CSS + extra)
    html.add_class("ll-lesson-style")
    return html


# Controls sized for a projector at 1280x720, on top of the chapters' common style. Scoped to .ll-large-controls,
# the class the chapter widgets with many controls (chapters 05-09) carry.
LARGE_CONTROLS_CSS = """<style>
.ll-large-controls .widget-label, .ll-large-controls .widget-label-basic, .ll-large-controls .widget-checkbox label { font-size: 16px !important; }
.ll-large-controls .widget-inline-hbox > .widget-label { font-weight: 600; color: #1b1b1b; }
.ll-large-controls .widget-dropdown { max-width: 46em; width: auto; }
.ll-large-controls .widget-dropdown select { font-size: 16px; height: 34px; }
.ll-large-controls .widget-checkbox { height: auto; min-height: 30px; width: auto; }
.ll-large-controls .widget-checkbox input[type="checkbox"] { width: 20px; height: 20px; margin: 3px 10px 0 0; flex: none; }
.ll-large-controls .widget-checkbox label, .ll-large-controls .widget-checkbox .widget-label-basic { white-space: normal; height: auto;
  line-height: 1.4; align-items: flex-start; font-weight: 600; }
.ll-large-controls .widget-toggle-buttons { flex-wrap: wrap; height: auto; }
.ll-large-controls .widget-toggle-buttons > .widget-label { font-weight: 600; color: #1b1b1b; }
.ll-large-controls .widget-toggle-buttons .widget-toggle-button { font-size: 16px; height: 36px; padding: 0 14px; margin: 2px 6px 2px 0;
  border: 1px solid #8a8a8a; }
.ll-large-controls .widget-toggle-buttons .widget-toggle-button.mod-active { background: #1a4480; color: #fff; border-color: #1a4480; }
.ll-large-controls .jupyter-button { font-size: 16px; height: 36px; padding: 0 16px; }
.ll-large-controls .jupyter-button.mod-primary { background: #1a4480; }
.ll-large-controls .widget-upload { align-self: flex-start; }
.ll-large-controls .ll-row-wide { gap: 8px 20px; }
.ll-large-controls .ll-measure-quote { margin: 0 0 12px 30px; font-size: 15px; color: #333; }
.ll-large-controls .ll-measure-quote .ll-src { font-size: 14px; white-space: normal; }  /* the original's words wrap */
</style>"""


def large_controls_style():
    """The chapters' common style sheet plus the projector sizing of many controls: a lesson widget's first child."""
    return style_widget(LARGE_CONTROLS_CSS)




def text_of(value, lang: str) -> str:
    """A {zh, en} mapping (or plain text) in ``lang``."""
    if isinstance(value, dict):
        chosen = value.get(safe_lang(lang)) or value.get("zh") or ""
        return chosen if isinstance(chosen, str) else str(chosen)
    return "" if value is None else str(value)


def form_name(form: str, lang: str) -> str:
    entry = FORM_NAMES.get(form)
    return entry[safe_lang(lang)] if entry else str(form)


def form_html(form: str, lang: str) -> str:
    return f'<span class="ll-form" data-liability-form="{esc(form)}">{esc(form_name(form, lang))}</span>'


def value_label(field: str, value, lang: str) -> str:
    spec = FIELD_BY_NAME.get(field)
    if spec is None:
        return str(value)
    if spec.kind == "number" and spec.maximum == 1.0 and value is not None:
        return fmt_share(float(value), lang)
    return spec.label_of(value, lang)


def field_label(field: str, lang: str) -> str:
    spec = FIELD_BY_NAME.get(field)
    return spec.label[safe_lang(lang)] if spec else str(field)


def decision_label(dec: dict, lang: str) -> str:
    """Short name and instance of a casebook decision, for a choice list."""
    name = text_of(dec.get("short_name"), lang)
    return f"{name}（{tr(WORDS, dec['instance'], lang)}）" if lang == "zh" else f"{name} ({tr(WORDS, dec['instance'], lang)})"


def shares_text(shares: dict | None, lang: str) -> str:
    if not shares:
        return ""
    sep = "、" if lang == "zh" else ", "
    return sep.join(f"{tr(WORDS, party, lang)} {fmt_share(share, lang)}" for party, share in shares.items())


@contextmanager
def keeping_choice(control):
    """Relabel a selection control inside this block; its chosen value survives the new options."""
    value = control.value
    yield
    if value is not None and value in [v for _, v in control.options]:
        control.value = value


def follow_choice(widget, change, known, control: str) -> bool:
    """The guard of a trait whose value is one of ``known`` and is shown by the selection ``widget.<control>``.

    Before the widget is built nothing happens; an unknown value is refused (the trait goes back to the old one); a
    known one is shown by the control. True when the widget should go on to show the new choice.
    """
    if not widget._built:
        return False
    if change["new"] not in known:
        setattr(widget, change["name"], change["old"])
        return False
    control = getattr(widget, control)
    if control.value != change["new"]:
        control.value = change["new"]
    return True
