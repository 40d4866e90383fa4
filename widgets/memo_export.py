"""MemoExport: the memo of :mod:`casebook.memo` for the current facts, regime and language, as downloads
(Markdown, HTML, and Word where python-docx is installed: not in the static edition, which says so).

The user may give the memo a title and notes (shown at its top; untrusted text, escaped in every rendering and
limited in length with a message). The memo is built only when asked for ("Prepare memo"), so that changing a fact
stays cheap; when the facts, regime, title, notes or language change afterwards, the links are withdrawn until the
memo is prepared again.
"""

from __future__ import annotations

import base64
import json

import ipywidgets as W
from ipywidgets import Layout
from traitlets import Bytes, Dict, Unicode

from casebook.memo import NOTES_LIMIT, TITLE_LIMIT

from .base import esc, tr
from .words import table
from ._view import FONT, MUTED, FixedButton, download_link
from .controls import Display, FixedHBox, View, _Guarded

MD_NAME, HTML_NAME, DOCX_NAME = "liability-memo.md", "liability-memo.html", "liability-memo.docx"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

UI = table("memo_export")


class UserText:
    """Mixin for the memo's free-text fields: the page may change only ``value``, to text of at most four times
    ``limit`` characters (longer is refused outright: no person types that much; up to it the panel keeps the
    text and says it is too long, so that nothing the user typed is lost)."""

    limit = 0

    def _check(self, value):
        if not isinstance(value, str):
            raise ValueError("not text")
        if len(value) > 4 * self.limit:
            raise ValueError(f"more than {4 * self.limit} characters")
        return value


class TitleText(UserText, _Guarded, W.Text):
    limit = TITLE_LIMIT


class NotesText(UserText, _Guarded, W.Textarea):
    limit = NOTES_LIMIT


class MemoExport(View):
    """Markdown and HTML downloads of the memo, built on request.

    Constructor: ``MemoExport(analysis=None, lang="zh", assumptions=None)``. Traits in: ``analysis`` (its
    ``scenario`` and ``regime`` are used), ``assumptions`` (field -> note, flagged in the memo), ``lang``.
    :meth:`prepare` builds the memo (what the button does); ``markdown`` and ``html`` hold the last memo built for
    the current inputs ("" otherwise).
    """

    assumptions = Dict()
    markdown = Unicode("")
    html = Unicode("")
    docx = Bytes(b"")  # the Word memo (b"" where python-docx is missing: the static edition)
    memo_title = Unicode("")
    memo_notes = Unicode("")
    _inputs = ("analysis", "assumptions", "lang", "memo_title", "memo_notes")

    def __init__(self, analysis=None, lang="zh", assumptions=None, **kwargs):
        self._built_for = None
        self._note = None  # ("stale" | "failed", detail)
        self._docx_missing = False
        self.title_input = TitleText(layout=Layout(width="100%", max_width="640px"),
                                     style={"description_width": "initial"}, continuous_update=False)
        self.title_input.add_class("ll-memo-title")
        self.notes_input = NotesText(layout=Layout(width="100%", max_width="640px", height="6em"),
                                     style={"description_width": "initial"}, continuous_update=False)
        self.notes_input.add_class("ll-memo-notes")
        self.title_input.observe(lambda c: setattr(self, "memo_title", c["new"]), "value")
        self.notes_input.observe(lambda c: setattr(self, "memo_notes", c["new"]), "value")
        self.length_note = Display()
        self.length_note.add_class("ll-field-message")
        self._title = Display()
        self._button = FixedButton(icon="file-text-o", layout=Layout(width="auto"))
        self._button.add_class("ll-memo-prepare")
        self._button.on_click(lambda _button: self.prepare())
        self._links = Display()
        self._links.add_class("ll-memo-links")
        super().__init__(analysis, lang, children=[self._title, self.title_input, self.notes_input, self.length_note,
                                                   FixedHBox([self._button]), self._links],
                         assumptions=assumptions or {}, **kwargs)
        self.add_class("ll-memo")

    @property
    def links_html(self) -> str:
        """The download links of the prepared memo (HTML; a note when there is nothing to prepare)."""
        return self._links.value

    def _memo_inputs(self):
        scenario = self.analysis.get("scenario")
        if not isinstance(scenario, dict):
            return None
        regime = self.analysis.get("regime") or "statute"
        notes = dict(self.assumptions)
        return scenario, regime, self.lang, notes, json.dumps(
            [scenario, regime, self.lang, notes, self.memo_title, self.memo_notes],
            sort_keys=True, ensure_ascii=False, default=str)

    def _too_long(self) -> str:
        """The message for a title or notes over their limit ("" when both fit)."""
        for text, limit, key in ((self.memo_title, TITLE_LIMIT, "title_label"),
                                 (self.memo_notes, NOTES_LIMIT, "notes_label")):
            if len(text.strip()) > limit:
                return tr(UI, "too_long", self.lang).format(field=tr(UI, key, self.lang), n=len(text.strip()),
                                                            limit=limit)
        return ""

    def prepare(self) -> bool:
        """Build the memo for the current inputs and show the download links. False (with a message) on failure."""
        from casebook.memo import memo_docx, memo_html, memo_markdown
        from casebook.scenario import ScenarioError

        inputs = self._memo_inputs()
        if inputs is None:
            self._render()
            return False
        scenario, regime, lang, notes, key = inputs
        if key == self._built_for:  # a second click (or a replayed one) costs nothing
            return True
        if self._too_long():
            self._note = ("failed", self._too_long())
            self._withdraw()
            self._render()
            return False
        extra = dict(title=self.memo_title.strip() or None, notes=self.memo_notes)
        try:
            md = memo_markdown(scenario, lang, regime, notes, **extra)
            page = memo_html(scenario, lang, regime, notes, **extra)
            try:
                word = memo_docx(scenario, lang, regime, notes, **extra)
                self._docx_missing = False
            except ImportError:  # no python-docx (lxml is compiled): the static edition
                word, self._docx_missing = b"", True
        except ScenarioError as exc:
            self._note = ("failed", str(exc)[:200])
            self._withdraw()
            self._render()
            return False
        self._note = None
        self._built_for = key
        self.markdown, self.html, self.docx = md, page, word
        self._render()
        return True

    def _withdraw(self) -> None:
        self.markdown = self.html = ""
        self.docx = b""
        self._built_for = None

    def render(self):
        """A change of inputs makes a memo already built stale."""
        inputs = self._memo_inputs()
        if self._built_for is not None and (inputs is None or inputs[-1] != self._built_for):
            self._withdraw()
            self._note = ("stale", "")
        self._render()

    def _render(self):
        lang = self.lang
        self._title.value = (f'<p style="{FONT}font-weight:bold;font-size:17px;margin:4px 0;">'
                             f'{esc(tr(UI, "title", lang))}</p>'
                             f'<p style="{FONT}color:{MUTED};margin:0 0 4px;">{esc(tr(UI, "intro", lang))}</p>')
        self._button.description = tr(UI, "prepare", lang)
        self._button.tooltip = tr(UI, "prepare_tip", lang)
        self._button.disabled = self._memo_inputs() is None
        self.title_input.description = tr(UI, "title_label", lang)
        self.title_input.placeholder = tr(UI, "title_hint", lang)
        self.notes_input.description = tr(UI, "notes_label", lang)
        self.notes_input.placeholder = tr(UI, "notes_hint", lang)
        long = self._too_long()
        self.length_note.value = f'<div class="ll-message" role="alert">⚠ {esc(long)}</div>' if long else ""
        if self._built_for is not None:
            if self.docx:
                word = docx_link(self.docx, tr(UI, "docx", lang))
            else:
                word = f'<span class="ll-memo-no-docx" style="{FONT}color:{MUTED};">{esc(tr(UI, "no_docx", lang))}</span>'
            self._links.value = (
                f'<p style="{FONT}margin:4px 0 0;" role="status">{esc(tr(UI, "ready", lang))}</p><p style="margin:0;">'
                + download_link(self.markdown, "text/markdown", MD_NAME, tr(UI, "markdown", lang), "ll-memo-md")
                + download_link(self.html, "text/html", HTML_NAME, tr(UI, "html", lang), "ll-memo-html")
                + word + "</p>"
            )
        elif self._memo_inputs() is None:
            self._links.value = f'<p style="{FONT}">{esc(tr(UI, "empty", lang))}</p>'
        elif self._note is not None:
            key, detail = self._note
            self._links.value = (f'<p style="{FONT}color:{"#8a1c1c" if key == "failed" else MUTED};" '
                                 f'role="{"alert" if key == "failed" else "status"}">'
                                 f'{esc(tr(UI, key, lang).format(detail=detail))}</p>')
        else:
            self._links.value = ""


def docx_link(data: bytes, label: str) -> str:
    """An anchor that downloads the Word memo (a base64 data URI: nothing in it can leave the attribute)."""
    uri = f"data:{DOCX_MIME};base64,{base64.b64encode(data).decode('ascii')}"
    return (f'<a class="ll-memo-docx" href="{uri}" download="{DOCX_NAME}" style="display:inline-block;margin:4px 12px '
            f'4px 0;padding:6px 12px;border:1px solid #1a56a6;border-radius:4px;color:#1a56a6;text-decoration:none;'
            f'{FONT}">{esc(label)}</a>')
