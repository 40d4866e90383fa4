"""PivotalFacts: one button per single-fact change that would change the outcome ("change this and the result
becomes ...").

The changes are the engine's ``pivotal_facts``. A browser can fire any button's click at any time, including a
button from an earlier set of facts, so every click is checked against the pivotal facts of the current analysis
before anything is emitted.
"""

from __future__ import annotations

from ipywidgets import Layout
from traitlets import Dict, Unicode, observe, validate

from casebook.scenario import FIELD_BY_NAME
from casebook.texts import FORM_NAMES

from .base import esc, safe_lang, tr
from ._view import FONT, MUTED, FixedButton, in_lang
from .controls import Display, FixedHBox, FixedVBox

UI = {
    "title": {"zh": "关键事实：只改一个事实，结果就会改变", "en": "Pivotal facts: change one fact and the result changes"},
    "none": {"zh": "没有哪一个事实单独改变就能改变结果。", "en": "No single change of fact would change the result."},
    "now": {"zh": "现为", "en": "now"},
    "result": {"zh": "结果变为", "en": "result becomes"},
    "refused": {
        "zh": "该修改不是当前事实下的关键事实，已忽略。",
        "en": "That change is not a pivotal fact on the current facts; ignored.",
    },
    "empty": {"zh": "尚无分析：请先设定事实。", "en": "No analysis yet: set the facts first."},
}


def _same(a, b) -> bool:
    # True == 1 in Python; a forged click must not pass an int for a bool, or a bool for a choice.
    return type(a) is type(b) and a == b


class PivotalFacts(FixedVBox):
    """Buttons for the engine's pivotal facts of ``analysis``.

    ``analysis`` (in), ``lang`` (in). A valid click sets ``applied`` to ``{"field": ..., "value": ...}`` and calls
    every callback registered with :meth:`on_apply` as ``callback(field, value)``. When the same change is emitted
    twice in a row, ``applied`` passes through ``{}`` first so that observers see every click; ignore ``{}``.
    """

    analysis = Dict()
    lang = Unicode("zh")
    applied = Dict()

    def __init__(self, analysis=None, lang="zh", **kwargs):
        self._title = Display()
        self._list = FixedVBox()
        self._status = Display()
        self._callbacks: list = []
        self._pivots: list[dict] = []
        self._buttons: list[FixedButton] = []
        self._transient: list = []  # widgets made for the current analysis, closed when it changes
        super().__init__(children=[self._title, self._list, self._status], **kwargs)
        self.add_class("ll-pivotal")
        with self.hold_trait_notifications():
            self.lang = lang
            self.analysis = analysis or {}
        self._render()

    @validate("lang")
    def _valid_lang(self, proposal):
        return safe_lang(proposal["value"])

    @observe("analysis", "lang")
    def _on_change(self, change):
        self._render()

    @property
    def buttons(self) -> tuple:
        """The current buttons, one per pivotal fact, in the engine's order."""
        return tuple(self._buttons)

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
        if self.applied == change:
            self.applied = {}
        self.applied = change
        for callback in list(self._callbacks):
            callback(change["field"], change["value"])
        return True

    def _render(self):
        lang = self.lang
        self._title.value = (f'<p style="{FONT}font-weight:bold;font-size:17px;margin:4px 0;">'
                             f'{esc(tr(UI, "title", lang))}</p>')
        self._status.value = ""
        analysis = in_lang(self.analysis, lang)
        self._pivots = [p for p in (analysis or {}).get("pivotal_facts", [])
                        if isinstance(p, dict) and p.get("field") in FIELD_BY_NAME]
        old, self._transient, self._buttons = self._transient, [], []
        if analysis is None or not self._pivots:
            note = Display(f'<p style="{FONT}">{esc(tr(UI, "empty" if analysis is None else "none", lang))}</p>')
            self._transient = [note]
            self._list.children = [note]
        else:
            self._list.children = [self._row(p, lang) for p in self._pivots]
        # A closed button's comm is gone; a stale click that still arrives is refused by apply().
        for widget in old:
            widget.close()

    def _row(self, p: dict, lang: str) -> FixedHBox:
        spec = FIELD_BY_NAME[p["field"]]
        form = FORM_NAMES.get(p.get("liability_form"), {}).get(lang, p.get("liability_form", ""))
        button = FixedButton(
            description=f"{spec.label[lang]} → {spec.label_of(p['value'], lang)}",
            tooltip=p.get("text", ""),
            layout=Layout(width="auto", max_width="100%", min_width="0"),
        )
        button.add_class(f"ll-pivot-{p['field']}")
        button.on_click(self._clicked(p["field"], p["value"]))
        colon = "：" if lang == "zh" else ": "
        now = f"{tr(UI, 'now', lang)}{colon}{spec.label_of(p.get('from'), lang)}"
        now = f"（{now}）" if lang == "zh" else f"({now})"
        info = Display(
            f'<span style="{FONT}"><span style="color:{MUTED};">{esc(now)}</span> {esc(tr(UI, "result", lang))}'
            f"{colon}<strong>{esc(form)}</strong></span>"
        )
        row = FixedHBox([button, info], layout=Layout(align_items="center", flex_flow="row wrap"))
        self._buttons.append(button)
        self._transient += [button, info, row]
        return row

    def _clicked(self, field, value):
        def handler(_button):
            self.apply(field, value)

        return handler
