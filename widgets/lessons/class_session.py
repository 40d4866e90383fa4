"""Chapter 09 in a class: hand a set to the students, keep its key from them, count their predictions live.

:func:`class_page` reads the page's link and returns the deck and the panel below it, in one of four modes:

- ``free`` (no class in the link; also ``?set=``): the deck, a teacher's upload, and "hand this set to your class":
  a set link (``?set=``, the questions only) and, with the server, a class (``?class=`` for the students, and a
  separate teacher's link ``?class=..&teacher=..``). No answers are listed on this page.
- ``student`` (``?class=CODE``): the deck shows the class's set only; each prediction is counted anonymously in the
  class's tally (one per question per page; a change replaces it); an answer shows once the teacher reveals it.
- ``teacher`` (``?class=CODE&teacher=SECRET``, checked by the store with :func:`hmac.compare_digest`): the live
  tally (:class:`LiveTally`) with the reveal button, and every answer (:class:`TeacherView`).
- ``static`` (the static edition: no server): ``?set=`` works; a class cannot, and the page says so.

Nothing of the key (stored answers, explanations, the engine's answers) or of the teacher's secret is in a
student's page or its widgets' state before the teacher reveals a question.
"""

from __future__ import annotations

import json

import ipywidgets as W
from traitlets import Unicode

from casebook.scenario_sets import ScenarioSetError, load_set
from classroom.codes import new_page_id
from classroom.links import SetLinkError, class_urls, parse_class_query, set_url
from classroom.store import ClassError, open_store

from ..base import Lang, LangGuard, esc, safe_lang, tr
from ..controls import Display, FixedHBox, FixedVBox
from .._view import FixedButton, ReadOnlyText, shared_layout
from ..words import table
from .common import section, text_of
from .common import large_controls_style as lesson_style
from .exercise_deck import ExerciseDeck
from .live_tally import LiveTally
from .set_upload import SetUpload
from .teacher_view import TeacherView

CLASS_KEY = "class"
LINK_KEY = "link"
MAX_CHANGES_PER_ITEM = 20  # predictions one page may send for one question (a hostile page cannot flood the store)
MAX_CLASSES_PER_PAGE = 5

UI = table("lessons/class_session")


def _page_url() -> str:
    from ..query import page_extension, request_url

    return request_url() or f"09_exercises{page_extension()}"


class ClassPanel(LangGuard, FixedVBox):
    """The panel under the deck. Traits: ``lang`` (in), ``mode`` (out: free, student, teacher or static),
    ``message`` (out: the last message, plain text, in ``lang``)."""

    lang = Lang()
    mode = Unicode("free")
    message = Unicode("")

    def __init__(self, deck: ExerciseDeck, mode: str = "free", lang: str = "zh", code: str | None = None,
                 secret: str | None = None, store=None, notices=(), **kwargs):
        super().__init__(**kwargs)
        self._built = False
        self.add_class("ll-class-panel")
        self.add_class("ll-controls")
        self.add_class("ll-large-controls")
        self.set_trait("lang", safe_lang(lang))
        self.set_trait("mode", mode)
        self._deck, self._code, self._store = deck, code, store
        self._notices = list(notices)
        self._last: tuple | None = None  # (key, params) of the last message
        self._classes_made = 0
        self._links: dict = {}
        self._status = Display()
        self._status.add_class("ll-class-status")
        children = [lesson_style(), self._status]
        self.teacher_view = self.live = self.upload = None
        if mode == "teacher":
            self.live = LiveTally(deck, store, code, secret, lang=self.lang)
            self.teacher_view = TeacherView(deck, lang=self.lang, upload=False)
            self.teacher_view.show()
            children += [self.live, self.teacher_view]
        elif mode in ("free", "static"):
            self.upload = SetUpload(lang=self.lang)
            self.upload.on_load(lambda key, loaded: deck.add_set(key, loaded))
            self._head = Display()
            self._set_link = FixedButton(layout=shared_layout(width="auto"))
            self._set_link.add_class("ll-class-set-link")
            self._set_link.on_click(lambda _b: self.make_set_link())
            self._start = FixedButton(button_style="primary", layout=W.Layout(width="auto"))
            self._start.add_class("ll-class-start")
            self._start.on_click(lambda _b: self.start_class())
            if mode == "static":
                self._start.layout.display = "none"
            self._link_boxes = {k: ReadOnlyText(layout=W.Layout(width="100%", flex_flow="row wrap"),
                                             style={"description_width": "initial"})
                                for k in ("set", "student", "teacher")}
            for k, box in self._link_boxes.items():
                box.add_class(f"ll-class-{k}-url")
                box.layout.display = "none"
            row = FixedHBox([self._set_link, self._start], layout=shared_layout(flex_flow="row wrap"))
            row.add_class("ll-row-wide")
            children = [children[0], self.upload, self._head, row, *self._link_boxes.values(), self._status]
        self.children = children
        self._built = True
        self._relabel()

    # --- public -------------------------------------------------------------------------------------------------

    @property
    def links(self) -> dict:
        """The links made on this page: ``set``, ``student``, ``teacher`` (whichever were made)."""
        return dict(self._links)

    def make_set_link(self) -> str | None:
        """A ``?set=`` link for the deck's current set (questions only); None (with a message) if it is too large."""
        try:
            url = set_url(_page_url(), self._deck.current_set(), self.lang)
        except SetLinkError as exc:
            self._say("error", {"messages": exc.messages})
            return None
        self._links = {**self._links, "set": url}
        self._say("set_link_note", {})
        return url

    def start_class(self) -> dict | None:
        """Keep the deck's current set as a class; ``{"code", "student", "teacher"}`` (the links), or None."""
        if self.mode != "free":
            return None
        if self._classes_made >= MAX_CLASSES_PER_PAGE:
            self._say("too_many", {"n": MAX_CLASSES_PER_PAGE})
            return None
        loaded = self._deck.current_set()
        try:
            store = self._store or open_store()
            made = store.create_class(json.dumps(loaded, ensure_ascii=False),
                                      [item["id"] for item in loaded["scenarios"]])
        except ClassError as exc:
            self._say("error", {"messages": exc.messages})
            return None
        self._classes_made += 1
        urls = class_urls(_page_url(), made.code, made.teacher_secret, self.lang)
        self._links = {**self._links, **urls}
        self._say("class_made", {"code": made.code})
        return {"code": made.code, **urls}

    # --- rendering ----------------------------------------------------------------------------------------------

    def _say(self, key: str, params: dict) -> None:
        self._last = (key, params)
        self._render_status()

    def _apply_lang(self, lang: str) -> None:
        for child in (self.upload, self.live, self.teacher_view):
            if child is not None:
                child.lang = lang
        self._relabel()

    def _relabel(self) -> None:
        lang = self.lang
        if self.mode in ("free", "static"):
            note = tr(UI, "static" if self.mode == "static" else "hand_note", lang)
            self._head.value = section(f"<h3>{esc(tr(UI, 'hand_title', lang))}</h3><p class='ll-note"
                                       f"{' ll-static-note' if self.mode == 'static' else ''}'>{esc(note)}</p>")
            self._set_link.description = tr(UI, "set_link", lang)
            self._start.description = tr(UI, "start", lang)
            for k, label in (("set", "set_link_label"), ("student", "student_link"), ("teacher", "teacher_link")):
                box = self._link_boxes[k]
                box.description = tr(UI, label, lang)
                box.value = self._links.get(k, "")
                box.layout.display = None if k in self._links else "none"
        self._render_status()

    def _render_status(self) -> None:
        lang = self.lang
        alerts = [text_of(m, lang) for m in self._notices]  # what went wrong: shown as an alert
        info = []
        if self.mode == "student":
            info.append(tr(UI, "student", lang).format(code=self._code))
        elif self.mode == "teacher":
            info.append(tr(UI, "teacher", lang).format(code=self._code))
        if self._last is not None:
            key, params = self._last
            if key == "error":
                alerts.append(text_of(params["messages"], lang))
            else:
                info.append(tr(UI, key, lang).format(**params))
        parts = alerts + info
        if self.mode in ("free", "static") and self._built:
            for k in ("set", "student", "teacher"):
                self._link_boxes[k].value = self._links.get(k, "")
                self._link_boxes[k].layout.display = None if k in self._links else "none"
        self.message = " ".join(parts)
        self._status.value = section(
            "".join(f"<p role='alert' class='ll-msg'>{esc(p)}</p>" for p in alerts)
            + "".join(f"<p role='status' class='ll-class-info' style='font-weight:600'>{esc(p)}</p>" for p in info))


class _StudentGate:
    """A student's page in a class: counts each prediction, and lets an answer show once the teacher revealed it."""

    def __init__(self, store, code: str):
        self.store, self.code = store, code
        self.page = new_page_id()
        self.changes: dict = {}

    def on_predict(self, key: str, item_id: str, form: str):
        if key != CLASS_KEY:
            return None
        n = self.changes.get(item_id, 0)
        if n >= MAX_CHANGES_PER_ITEM:
            return UI["changes"]
        self.changes[item_id] = n + 1
        try:
            self.store.record(self.code, self.page, item_id, form)
        except ClassError as exc:
            return exc.messages
        return UI["counted"]

    def may_reveal(self, key: str, item_id: str):
        if key != CLASS_KEY:
            return None
        try:
            revealed = self.store.revealed(self.code)
        except ClassError as exc:
            return exc.messages
        return None if item_id in revealed else UI["wait"]


def class_page(query: str | None = None, lang: str = "zh", store=None) -> tuple[ExerciseDeck, ClassPanel]:
    """The deck and the panel of chapter 09 for the page's link (``query``: the page's query string)."""
    from ..query import in_browser, query_string

    q = parse_class_query(query_string() if query is None else query)
    notices = list(q["errors"])
    deck = ExerciseDeck(lang=lang)
    if q["set"] is not None:
        deck.add_set(LINK_KEY, q["set"])
    code, secret = q["class"], q["teacher"]
    if code is None:
        return deck, ClassPanel(deck, "static" if in_browser() else "free", lang, notices=notices)
    if in_browser():
        return deck, ClassPanel(deck, "static", lang, notices=notices + [UI["static_class"]])
    try:
        store = store or open_store()
        loaded = load_set(store.class_set(code))
        teacher = secret is not None and store.is_teacher(code, secret)
    except ClassError as exc:
        return deck, ClassPanel(deck, "free", lang, notices=notices + [exc.messages])
    except ScenarioSetError as exc:
        return deck, ClassPanel(deck, "free", lang, notices=notices + [
            {k: v.format(message=exc.message) for k, v in UI["bad_set"].items()}])
    if secret is not None and not teacher:
        notices.append(ClassError("not_teacher").messages)
    deck.only_set(CLASS_KEY, loaded)
    if teacher:
        panel = ClassPanel(deck, "teacher", lang, code=code, secret=secret, store=store, notices=notices)
        panel.live.start()
        return deck, panel
    gate = _StudentGate(store, code)
    deck.on_predict(gate.on_predict)
    deck.reveal_gate = gate.may_reveal
    return deck, ClassPanel(deck, "student", lang, code=code, store=store, notices=notices)
