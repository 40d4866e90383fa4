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
import re
import unicodedata
from typing import Mapping

import ipywidgets as W
from traitlets import Dict, Float, TraitError, Unicode, observe

from .base import Lang, esc, safe_lang, tr
from .words import table


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
    mapping of simple values), and an empty tooltip for one given none (ipywidgets writes an unset tooltip into the
    label's title as the word "null")."""
    traits = widget_cls.class_traits()
    if "tooltip" in traits and kwargs.get("tooltip") is None:
        kwargs["tooltip"] = ""
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


class ShownMarker(Display):
    """An empty display whose page reports when it is shown, and nothing else.

    ipywidgets' page counts the views of a widget whose ``_view_count`` is a number and sends the count back when a
    view is shown; this widget accepts exactly that (a whole number from 0 to 1,000) and calls ``on_shown()`` the
    first time the count is above 0. Everything else the page sends is put back, like any display's."""

    def __init__(self, on_shown=None, **kwargs):
        super().__init__(**kwargs)
        self._on_shown = on_shown
        self._reported = False
        self._view_count = 0

    def set_state(self, sync_data):
        count = sync_data.get("_view_count") if isinstance(sync_data, dict) else None
        if type(count) is int and 0 <= count <= 1000:  # noqa: E721 - exactly an int: not a bool, not a float
            self.set_trait("_view_count", count)
            if count > 0 and not self._reported:
                self._reported = True
                if self._on_shown is not None:
                    self._on_shown()
        rest = {k: v for k, v in sync_data.items() if k != "_view_count"} if isinstance(sync_data, dict) else {}
        if rest:
            _reject_all(self, rest)


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


# --- percent fields -------------------------------------------------------------------------------------------
# The scenario keeps shares as fractions 0-1 (the contract); people think and type in percent. A PercentText holds
# the fraction in ``value`` (kernel side: every panel and test reads and sets 0-1) and shows and takes it on the page
# as a percentage ("30%"). What the page sends is text: "30", "30%", "３０％" and "12.5" are taken; a non-number or a
# value outside the range is refused with a message beside the field (``feedback``), never clamped, and the page
# shows the last good value again.

PERCENT_UI = table("percent_field")  # the messages beside a percent field, and its label's suffix

PERCENT_SUFFIX = PERCENT_UI["suffix"]  # after a percent field's label
_NUMBER = re.compile(r"^([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+))\s*%?$")


def percent_text(fraction) -> str:
    """A fraction 0-1 as the page shows it: ``0.3`` -> ``"30%"``, ``0.125`` -> ``"12.5%"``; None -> ``""``."""
    if fraction is None:
        return ""
    return f"{round(float(fraction) * 100, 4):g}%"


def parse_percent(text) -> float:
    """What a person typed as a percentage, as that number of percent (not a fraction); ValueError otherwise.

    Full-width digits and signs (a Chinese input method's) count; a decimal comma is read as a point."""
    if not isinstance(text, str) or len(text) > 40:
        raise ValueError("not text")
    match = _NUMBER.match(unicodedata.normalize("NFKC", text).strip())
    if not match:
        raise ValueError("not a number")
    number = float(match.group(1).replace(",", "."))
    if not math.isfinite(number):
        raise ValueError("not a number")
    return number


class PercentText(_Guarded, W.Text):
    """A share of 0-1 shown and typed as a percentage. ``value`` is the fraction (None shows an empty field);
    ``min``/``max`` bound it (fractions). ``feedback`` is the message display to place beside the field;
    ``error`` is its text ("" when the last entry was taken). ``lang`` chooses the message's language."""

    value = Float(None, allow_none=True).tag(sync=True, to_json=lambda v, _w: percent_text(v), echo_update=False)
    min = Float(0.0)
    max = Float(1.0)
    lang = Unicode("zh")
    error = Unicode("")

    def __init__(self, *args, lang: str = "zh", **kwargs):
        kwargs.setdefault("continuous_update", False)  # one value per entry (Enter or leaving the field)
        self._error_parts = None
        self.feedback = Display(layout=W.Layout(display="none"))
        self.feedback.add_class("ll-field-message")
        super().__init__(*args, **kwargs)
        self.lang = safe_lang(lang)
        self.placeholder = tr(PERCENT_UI, "placeholder", self.lang)
        self.add_class("ll-percent")

    def _check(self, value):
        if self.disabled:
            self._refused("locked", "")
        shown = str(value)[:24] if isinstance(value, str) else repr(value)[:24]
        try:
            number = parse_percent(value)
        except ValueError:
            self._refused("not_number", shown)
        fraction = number / 100.0
        if not self.min - 1e-12 <= fraction <= self.max + 1e-12:
            self._refused("out_of_range", f"{number:g}")
        return min(max(fraction, self.min), self.max)  # only rounding noise is trimmed here

    def _refused(self, key: str, text: str):
        self.show_error(key, text)
        raise ValueError(self.error)

    def set_state(self, sync_data):
        super().set_state(sync_data)
        if isinstance(sync_data, dict) and isinstance(sync_data.get("value"), str) \
                and sync_data["value"] != percent_text(self.value):
            self.send_state(["value"])  # "30" typed over "30%": show it the page's way

    def _message(self, key: str, text: str) -> str:
        return tr(PERCENT_UI, key, self.lang).format(text=text, lo=f"{self.min * 100:g}", hi=f"{self.max * 100:g}")

    def show_error(self, key_or_text: str, text: str = "") -> None:
        """Show a refusal beside the field: a key of :data:`PERCENT_UI` (with the typed ``text``) or a message."""
        self._error_parts = (key_or_text, text)
        self._render_error()

    def show_model_refusal(self, exc, facts: dict) -> None:
        """Show why the scenario model refused a share (``exc``: its ScenarioError; ``facts``: the candidate)."""
        share, fault = facts.get("platform_fault_share"), facts.get("consumer_fault")
        if isinstance(share, (int, float)) and isinstance(fault, (int, float)) and share + fault > 1.0 + 1e-9:
            self.show_error("sum", f"{round((share + fault) * 100, 4):g}")
        else:
            self.show_error(getattr(exc, "message", None) or str(exc))

    def clear_error(self) -> None:
        self._error_parts = None
        self._render_error()

    def _render_error(self) -> None:
        if self._error_parts is None:
            self.error = ""
            self.feedback.value = ""
            self.feedback.layout.display = "none"
            return
        key, text = self._error_parts
        self.error = self._message(key, text) if key in PERCENT_UI else key
        self.feedback.value = f'<div class="ll-message" role="alert">⚠ {esc(self.error)}</div>'
        self.feedback.layout.display = None

    @observe("lang")
    def _on_percent_lang(self, change) -> None:
        if change["new"] != safe_lang(change["new"]):
            self.lang = safe_lang(change["new"])
            return
        self.placeholder = tr(PERCENT_UI, "placeholder", self.lang)
        self._render_error()

    @observe("value")
    def _on_percent_value(self, change) -> None:
        self.clear_error()


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
