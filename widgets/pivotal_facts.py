"""PivotalFacts: one button per single-fact change that would change the outcome ("change this and the result
becomes ...").

The changes are the engine's ``pivotal_facts``. A browser can fire any button's click at any time, including a
button from an earlier set of facts, so every click is checked against the pivotal facts of the current analysis
before anything is emitted.
"""

from __future__ import annotations

from collections import OrderedDict

from traitlets import Dict

from casebook.scenario import FIELD_BY_NAME
from casebook.texts import FORM_NAMES

from .base import esc, tr
from .words import table
from ._view import FONT, MUTED, FixedButton, in_lang, shared_layout
from .controls import Display, FixedHBox, FixedVBox, View

UI = table("pivotal_facts")


def _key(field, value) -> tuple:
    # The type is part of the key: True == 1, and a bool change must never reuse an int change's button.
    return (field, type(value).__name__, repr(value))


def _close(widget) -> None:
    # A widget's Layout and Style are widgets of their own: close them too, or each dropped row leaves them alive
    # in the kernel and in the page's widget manager.
    # A shared one (widgets._view.shared) belongs to every other widget too: leave it open.
    for part in (getattr(widget, "layout", None), getattr(widget, "style", None), widget):
        if part is not None and not getattr(part, "_ll_sealed", False):
            part.close()


# Rows of changes that are no longer pivotal are kept (hidden) for when they are again: in the analyzer a change of
# facts usually swaps a few pivots, and a new row is three new widgets for the kernel to open and the page to build
# (measured: 20 models opened and 32 closed per change of the platform's knowledge). At most this many hidden rows are
# kept; the least recently shown beyond it are closed. (The engine's variants are finite: a few dozen at most.)
SPARE_ROWS = 24


def _same(a, b) -> bool:
    # True == 1 in Python; a forged click must not pass an int for a bool, or a bool for a choice.
    return type(a) is type(b) and a == b


class PivotalFacts(View):
    """Buttons for the engine's pivotal facts of ``analysis``.

    ``analysis`` (in), ``lang`` (in). A valid click sets ``applied`` to ``{"field": ..., "value": ...}`` and calls
    every callback registered with :meth:`on_apply` as ``callback(field, value)``. When the same change is emitted
    twice in a row, ``applied`` passes through ``{}`` first so that observers see every click; ignore ``{}``.
    """

    applied = Dict()

    def __init__(self, analysis=None, lang="zh", **kwargs):
        self._title = Display()
        self._list = FixedVBox()
        self._list.add_class("ll-pivotal-list")
        self._status = Display()
        self._status.add_class("ll-pivotal-status")
        self._callbacks: list = []
        self._pivots: list[dict] = []
        self._buttons: list[FixedButton] = []
        self._rows: dict[tuple, tuple] = {}  # change key -> (button, info, row), reused while the change is pivotal
        self._spare: OrderedDict[tuple, tuple] = OrderedDict()  # rows not shown now, least recently shown first
        self._note = Display()  # "no analysis" / "no single change": one widget, kept
        self._refocus = None  # (field, value) of the last valid click, until the next render
        super().__init__(analysis, lang, children=[self._title, self._list, self._status], **kwargs)
        self.add_class("ll-pivotal")

    @property
    def buttons(self) -> tuple:
        """The current buttons, one per pivotal fact, in the engine's order."""
        return tuple(self._buttons)

    @property
    def pivots(self) -> tuple:
        """The pivotal facts the buttons stand for, in the same order (``{"field", "value", ...}`` each)."""
        return tuple(dict(p) for p in self._pivots)

    @property
    def status_html(self) -> str:
        """The panel's status line (a refused click says so here; empty otherwise)."""
        return self._status.value

    @property
    def spare_rows(self) -> tuple:
        """Rows off the page, kept for a change that becomes pivotal again (least recently shown first)."""
        return tuple(entry[2] for entry in self._spare.values())

    def on_apply(self, callback, remove: bool = False) -> None:
        """Register ``callback(field, value)`` for valid clicks (``remove=True`` unregisters it)."""
        if remove:
            self._callbacks = [c for c in self._callbacks if c is not callback]
        else:
            self._callbacks.append(callback)

    def is_pivotal(self, field, value) -> bool:
        return any(p["field"] == field and _same(p["value"], value) for p in self._pivots)

    def apply(self, field, value) -> bool:
        """Emit the change if it is one of the current pivotal facts; otherwise refuse it (False) and say so."""
        match = next((p for p in self._pivots if p["field"] == field and _same(p["value"], value)), None)
        if match is None:
            self._status.value = (f'<p role="status" style="{FONT}color:#8a1c1c;">'
                                  f'{esc(tr(UI, "refused", self.lang))}</p>')
            return False
        self._status.value = ""
        change = {"field": match["field"], "value": match["value"]}
        self._refocus = (match["field"], match["value"])
        if self.applied == change:
            self.applied = {}
        self.applied = change
        for callback in list(self._callbacks):
            callback(change["field"], change["value"])
        return True

    def render(self):
        lang = self.lang
        self._title.value = (f'<p style="{FONT}font-weight:bold;font-size:17px;margin:4px 0;">'
                             f'{esc(tr(UI, "title", lang))}</p>')
        self._status.value = ""
        analysis = in_lang(self.analysis, lang)
        self._pivots = [p for p in (analysis or {}).get("pivotal_facts", [])
                        if isinstance(p, dict) and p.get("field") in FIELD_BY_NAME]
        # A row stands for one change (field, value): when the same change is still (or again) pivotal it keeps its
        # button, relabelled in place, so a change of facts costs a few state updates instead of new widgets. A row
        # whose change is no longer pivotal leaves the page and waits among the spare rows; a stale click on its
        # button still names its own change, and apply() refuses it unless that change is pivotal now.
        rows, buttons = {}, []
        for p in self._pivots:
            key = _key(p["field"], p["value"])
            while key in rows:  # the same change listed twice: give each its own row
                key = (*key, "again")
            entry = self._rows.get(key) or self._spare.pop(key, None) or self._new_row(p["field"], p["value"])
            self._fill_row(entry, p, lang)
            rows[key] = entry
            buttons.append(entry[0])
        for key, entry in self._rows.items():
            if key not in rows:
                self._spare[key] = entry
        self._rows, self._buttons = rows, buttons
        if analysis is None or not self._pivots:
            self._note.value = f'<p style="{FONT}">{esc(tr(UI, "empty" if analysis is None else "none", lang))}</p>'
            children = (self._note,)
        else:
            children = tuple(entry[2] for entry in rows.values())
        if tuple(self._list.children) != children:
            self._list.children = children
        self._keep_focus(analysis)
        while len(self._spare) > SPARE_ROWS:
            for widget in self._spare.popitem(last=False)[1]:
                _close(widget)

    def _keep_focus(self, analysis) -> None:
        """After a click that changed the facts (the analyzer applies it), the clicked button has left the page and
        the browser's focus with it (to the page's body): a keyboard user lands on the button of the same fact (it
        now offers the way back), else on the first button (issue 16 point 7)."""
        clicked, self._refocus = self._refocus, None
        if clicked is None or not self._buttons:
            return
        field, value = clicked
        if not _same(((analysis or {}).get("scenario") or {}).get(field), value):
            return  # the facts did not take the change (a chapter shows it as a hypothesis): focus never moved
        same = [b for b, p in zip(self._buttons, self._pivots) if p["field"] == field]
        (same or self._buttons)[0].focus()

    def close(self):
        for entry in [*self._rows.values(), *self._spare.values()]:
            for widget in entry:
                _close(widget)
        self._rows, self._spare, self._buttons = {}, OrderedDict(), []
        super().close()

    def _new_row(self, field, value) -> tuple:
        button = FixedButton(layout=shared_layout(width="auto", max_width="100%", min_width="0"))
        button.add_class(f"ll-pivot-{field}")
        button.on_click(self._clicked(field, value))
        info = Display()
        row = FixedHBox([button, info], layout=shared_layout(align_items="center", flex_flow="row wrap"))
        return button, info, row

    @staticmethod
    def _fill_row(entry: tuple, p: dict, lang: str) -> None:
        button, info, _row = entry
        spec = FIELD_BY_NAME[p["field"]]
        form = FORM_NAMES.get(p.get("liability_form"), {}).get(lang, p.get("liability_form", ""))
        with button.hold_sync():
            button.description = f"{spec.label[lang]} → {spec.label_of(p['value'], lang)}"
            button.tooltip = p.get("text", "")
        colon = "：" if lang == "zh" else ": "
        now = f"{tr(UI, 'now', lang)}{colon}{spec.label_of(p.get('from'), lang)}"
        now = f"（{now}）" if lang == "zh" else f"({now})"
        info.value = (
            f'<span style="{FONT}"><span style="color:{MUTED};">{esc(now)}</span> {esc(tr(UI, "result", lang))}'
            f"{colon}<strong>{esc(form)}</strong></span>"
        )

    def _clicked(self, field, value):
        def handler(_button):
            self.apply(field, value)

        return handler
