"""Small helpers shared by the view widgets (burden matrix, pivotal facts, case browser, share, evidence, memo).

Nothing here decides anything: it fetches the engine's analysis in the page's language, formats what others
produced, and provides widgets that accept no state from the browser.
"""

from __future__ import annotations

import base64
from typing import Any, Mapping

import ipywidgets as _W

from .base import esc, safe_lang

# Readable on a projector at 1280x720: body text no smaller than 15px, muted text still at 7:1 contrast on white.
FONT = "font-size:15px;line-height:1.5;"
MUTED = "#4a4a4a"
BORDER = "#8a8a8a"


def text_in(value: Any, lang: str) -> str:
    """A {zh, en} mapping or plain text, in the page's language (falling back to Chinese)."""
    if isinstance(value, Mapping):
        chosen = value.get(safe_lang(lang)) or value.get("zh") or ""
        return chosen if isinstance(chosen, str) else str(chosen)
    return "" if value is None else str(value)


def in_lang(analysis: Mapping | None, lang: str, regime: str | None = None) -> dict | None:
    """The engine's analysis of the same facts in ``lang`` (and ``regime``, when given).

    Reuses ``analysis`` when it already is that; otherwise re-runs the engine on ``analysis["scenario"]``.
    None when there is nothing (valid) to analyse.
    """
    if not isinstance(analysis, Mapping) or not isinstance(analysis.get("scenario"), Mapping):
        return None
    lang = safe_lang(lang)
    regime = regime or analysis.get("regime") or "statute"
    if analysis.get("lang") == lang and analysis.get("regime") == regime:
        return dict(analysis)
    from casebook.engine import analyze
    from casebook.scenario import ScenarioError

    try:
        return analyze(analysis["scenario"], regime, lang)
    except ScenarioError:
        return None


def data_uri(text: str, mime: str) -> str:
    """A base64 data: URI, so that nothing in the payload can break out of the href attribute."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"data:{mime};charset=utf-8;base64,{payload}"


def download_link(text: str, mime: str, filename: str, label: str, css: str) -> str:
    """An anchor that downloads ``text`` as ``filename``; ``label`` is its visible (and accessible) name."""
    return (
        f'<a class="{esc(css)}" href="{data_uri(text, mime)}" download="{esc(filename)}" '
        f'style="display:inline-block;margin:4px 12px 4px 0;padding:6px 12px;border:1px solid #1a56a6;'
        f'border-radius:4px;color:#1a56a6;text-decoration:none;{FONT}">{esc(label)}</a>'
    )


def decode_data_uri(uri: str) -> str:
    """The text inside a data URI made by :func:`data_uri` (for tests and for checking what a link holds)."""
    head, _, payload = uri.partition(",")
    if not head.endswith(";base64"):
        raise ValueError("not a base64 data URI")
    return base64.b64decode(payload).decode("utf-8")


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
        kwargs["layout"] = shared(_W.Layout)
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


class FixedButton(SharedDefaults, _W.Button):
    """A button whose label, style and ``disabled`` only the kernel sets. Clicks still arrive: check them."""

    def set_state(self, sync_data):
        resend(self, sync_data)


class ReadOnlyText(SharedDefaults, _W.Text):
    """A text field the user can select and copy from, but not change (edits are undone at once)."""

    def set_state(self, sync_data):
        resend(self, sync_data)


def shared_layout(**traits):
    """A layout for a kit widget, shared with every other widget of the same layout (see :func:`shared`). A widget
    whose layout the code changes later needs its own ``W.Layout(...)``."""
    return shared(_W.Layout, **traits)
