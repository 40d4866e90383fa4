"""Guarded ipywidgets controls and the render-once view base shared by the analyzer's components.

A browser can send any comm message, so every control here accepts from the browser only the one trait a user can
change (a Dropdown's ``index``, a Checkbox's ``value`` ...), checks its type and range before ipywidgets sees it,
and otherwise calls ``on_reject(control, message)`` and re-sends the kernel's value so the page shows it again.
Display widgets (HTML, boxes) accept nothing from the browser at all.
"""

from __future__ import annotations

import math

import ipywidgets as W
from traitlets import Dict, TraitError

from ._view import SharedDefaults, resend
from .base import Lang


# The page never edits these widgets; put back whatever it tried to change (one mechanism for the whole kit).
_reject_all = resend


class Display(SharedDefaults, W.HTML):
    """An HTML widget whose value only the kernel sets."""

    def set_state(self, sync_data):
        _reject_all(self, sync_data)


class Text(SharedDefaults, W.Label):
    """A plain-text label whose value only the kernel sets."""

    def set_state(self, sync_data):
        _reject_all(self, sync_data)


class FixedBox(SharedDefaults, W.Box):
    """A box whose children and layout only the kernel sets."""

    def set_state(self, sync_data):
        _reject_all(self, sync_data)


class FixedVBox(SharedDefaults, W.VBox):
    def set_state(self, sync_data):
        _reject_all(self, sync_data)


class FixedHBox(SharedDefaults, W.HBox):
    def set_state(self, sync_data):
        _reject_all(self, sync_data)


class _Guarded(SharedDefaults):
    """Mixin: the browser may change only ``_browser_key``, and only to a value ``_check`` accepts."""

    _browser_key = "value"

    def __init__(self, *args, on_reject=None, **kwargs):
        self.on_reject = on_reject
        super().__init__(*args, **kwargs)

    def _check(self, value):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def set_state(self, sync_data):
        if not isinstance(sync_data, dict):
            return
        bad = [k for k in sync_data if k != self._browser_key]
        if bad:
            self._refuse(sync_data, f"the page may not change {', '.join(sorted(map(str, bad)))[:80]}")
            return
        if self._browser_key not in sync_data:
            return
        try:
            value = self._check(sync_data[self._browser_key])
        except (TypeError, ValueError) as exc:
            self._refuse(sync_data, str(exc))
            return
        try:
            super().set_state({self._browser_key: value})
        except TraitError as exc:
            self._refuse(sync_data, str(exc))

    def _refuse(self, sync_data, message: str) -> None:
        _reject_all(self, {**sync_data, self._browser_key: None})
        if self.on_reject is not None:
            self.on_reject(self, message)


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Dropdown(_Guarded, W.Dropdown):
    _browser_key = "index"

    def _check(self, value):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(self._options_labels):
            raise ValueError(f"choice {_show(value)} is not one of the {len(self._options_labels)} options")
        return value


class ToggleButtons(_Guarded, W.ToggleButtons):
    _browser_key = "index"

    def _check(self, value):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(self._options_labels):
            raise ValueError(f"choice {_show(value)} is not one of the {len(self._options_labels)} options")
        return value


class Checkbox(_Guarded, W.Checkbox):
    def _check(self, value):
        if not isinstance(value, bool):
            raise ValueError(f"{_show(value)} is not true or false")
        if self.disabled:
            raise ValueError("this box cannot be changed now")
        return value


class FloatText(_Guarded, W.BoundedFloatText):
    """A number field that refuses NaN, infinities, non-numbers and values outside [min, max] instead of clamping."""

    def _check(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{_show(value)} is not a number")
        if self.disabled:
            raise ValueError("this field cannot be changed now")
        if not self.min <= value <= self.max:
            raise ValueError(f"{value:g} is outside {self.min:g} to {self.max:g}")
        return float(value)


class Accordion(_Guarded, W.Accordion):
    _browser_key = "selected_index"

    def _check(self, value):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(self.children):
            raise ValueError(f"section {_show(value)} does not exist")
        return value


class View(FixedVBox):
    """Base of the read-only views: ``analysis`` and ``lang`` in (and any other traits a view names in
    ``_inputs``), HTML out, rendered once per distinct set of inputs.

    Setting several inputs inside ``hold_trait_notifications()`` renders once: the later notifications find the same
    inputs and do nothing. A mapping counts as the same input only if it is the same object.
    """

    analysis = Dict()
    lang = Lang()
    _inputs: tuple = ("analysis", "lang")

    def __init__(self, analysis=None, lang="zh", **kwargs):
        self._rendered_for = None
        super().__init__(**kwargs)
        self.lang = lang
        if analysis:
            self.analysis = analysis
        self.observe(self._on_inputs, names=list(self._inputs))
        self._maybe_render()

    def _on_inputs(self, change):
        self._maybe_render()

    def _maybe_render(self) -> None:
        key = tuple(getattr(self, name) for name in self._inputs)
        done = self._rendered_for
        if done is not None and all(a is b or (not isinstance(a, (dict, list)) and a == b) for a, b in zip(key, done)):
            return
        self._rendered_for = key
        self.render()

    def render(self) -> None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError


class HtmlView(View):
    """A :class:`View` that shows one HTML display (``_html``): the display carries the CSS class ``_html_class``,
    the view ``_view_class``; :attr:`html` is what is shown."""

    _html_class = ""
    _view_class = ""

    def __init__(self, analysis=None, lang: str = "zh", **kwargs):
        self._html = Display()
        self._html.add_class(self._html_class)
        super().__init__(analysis=analysis, lang=lang, **kwargs)
        self.add_class(self._view_class)
        self.children = [self._html]

    @property
    def html(self) -> str:
        return self._html.value
