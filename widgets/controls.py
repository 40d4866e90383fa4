"""Every widget of the kit that takes state from the browser, in one module: guarded controls, widgets that accept
nothing (displays, boxes, a button only the kernel labels, a read-only text), the shared layouts and styles, and the
render-once view base of the analyzer's components.

A browser can send any comm message, so every control here accepts from the browser only the one trait a user can
change (a Dropdown's ``index``, a Checkbox's ``value`` ...), checks its type and range before ipywidgets sees it,
and otherwise calls ``on_reject(control, message)`` and re-sends the kernel's value so the page shows it again.
Display widgets (HTML, boxes) accept nothing from the browser at all.
"""

from __future__ import annotations

import math
from typing import Mapping

import ipywidgets as W
from traitlets import Dict, TraitError

from .base import Lang


# --- shared layouts and styles ----------------------------------------------------------------------------------
# Every ipywidgets widget gets its own Layout and Style model unless it is given one, and each model is one more
# comm for the kernel to describe and the page to build: the analyzer had 473 models, 179 of them identical empty
# Layouts and 80 identical HTMLStyles, and the page asks for all of them at once when it loads (ipywidgets gives the
# kernel 4 s to answer, then falls back to one request per model: under a class's burst, pages stayed on "Loading
# widget..."). The kit's widgets therefore share one model per distinct default layout or style. A shared model is
# sealed: Python code that would change one widget's shared layout (and with it every other widget's) fails loudly;
# such a widget asks for its own (``layout=W.Layout(...)``).

class _Sealed:
    def __setattr__(self, name, value):
        if getattr(self, "_ll_sealed", False) and not name.startswith("_") and name in self.keys:
            raise AttributeError(f"this {type(self).__name__} is shared by many widgets: give the widget its own "
                                 f"(layout=W.Layout(...) / style={{...}}) instead of changing {name!r}")
        super().__setattr__(name, value)


_SHARED: dict = {}
_SEALED_CLASSES: dict = {}


def shared(cls, **traits):
    """The one sealed instance of ``cls`` (a Layout or Style class) with these trait values, for this kernel.

    A closed one (e.g. after ``Widget.close_all()``) is replaced, so it never hands out a dead model."""
    key = (cls, tuple(sorted(traits.items())))
    inst = _SHARED.get(key)
    if inst is None or inst.comm is None:
        sealed = _SEALED_CLASSES.get(cls)
        if sealed is None:
            sealed = _SEALED_CLASSES[cls] = type(cls.__name__, (_Sealed, cls), {"__module__": cls.__module__})
        inst = sealed(**traits)
        inst._ll_sealed = True
        _SHARED[key] = inst
    return inst


def share_defaults(widget_cls, kwargs: dict) -> dict:
    """``kwargs`` with a shared layout and style for a ``widget_cls`` that is given none (or a style as a plain
    mapping of simple values)."""
    traits = widget_cls.class_traits()
    if "layout" in traits and kwargs.get("layout") is None:
        kwargs["layout"] = shared(W.Layout)
    style_trait = traits.get("style")
    if style_trait is not None:
        style = kwargs.get("style")
        klass = style_trait.klass
        if style is None:
            kwargs["style"] = shared(klass)
        elif isinstance(style, Mapping) and all(isinstance(v, (str, int, float, bool)) for v in style.values()):
            kwargs["style"] = shared(klass, **dict(style))
    return kwargs


class SharedDefaults:
    """Mixin for a kit widget: unless told otherwise, it uses the shared layout and style (see :func:`shared`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **share_defaults(type(self), kwargs))


# --- widgets whose state only the kernel sets ---------------------------------------------------------------------
# A browser can send any comm message. These accept no state from it: whatever it tries to change is sent back.

def resend(widget, sync_data) -> None:
    """Put back on the page whatever state the page tried to change."""
    keys = [k for k in sync_data if k in widget.keys] if isinstance(sync_data, dict) else []
    if keys:
        widget.send_state(keys)


class FixedButton(SharedDefaults, W.Button):
    """A button whose label, style and ``disabled`` only the kernel sets. Clicks still arrive: check them."""

    def set_state(self, sync_data):
        resend(self, sync_data)


class ReadOnlyText(SharedDefaults, W.Text):
    """A text field the user can select and copy from, but not change (edits are undone at once)."""

    def set_state(self, sync_data):
        resend(self, sync_data)


def shared_layout(**traits):
    """A layout for a kit widget, shared with every other widget of the same layout (see :func:`shared`). A widget
    whose layout the code changes later needs its own ``W.Layout(...)``."""
    return shared(W.Layout, **traits)


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
