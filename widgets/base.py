"""Small shared pieces of the widget kit: translation lookup and escaping of untrusted text."""

from __future__ import annotations

import html
from contextlib import contextmanager

from traitlets import HasTraits, Unicode, observe

from casebook.languages import LANGS  # noqa: F401 (re-exported)


def esc(text) -> str:
    """Escape any text that did not come from this project's own templates (scenarios, cases, uploads)."""
    return html.escape("" if text is None else str(text), quote=True)


def tr(table: dict, key: str, lang: str) -> str:
    """A UI string in the page's language; falls back to Chinese, then to the key itself."""
    entry = table.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry.get("zh") or key


def safe_lang(value) -> str:
    """Any language value from the browser or the URL becomes zh or en."""
    return value if value in LANGS else "zh"


class Lang(Unicode):
    """The page's language as a trait: ``zh`` or ``en``. Any other value (from the browser, the URL or a caller)
    becomes ``zh`` as it is set, so that observers only ever see a language the pages have."""

    default_value = "zh"
    info_text = "zh or en (anything else becomes zh)"

    def validate(self, obj, value):
        return safe_lang(value)


def part(widget, css_class: str):
    """The first widget in ``widget``'s tree (itself, then its children, depth first) that carries the CSS class
    ``css_class``: the page hook a browser test selects, for code and tests in Python. None if there is none."""
    stack = [widget]
    while stack:
        w = stack.pop()
        if css_class in getattr(w, "_dom_classes", ()):
            return w
        stack.extend(reversed(getattr(w, "children", ()) or ()))
    return None


def relabel_fact(ctrl, spec, lang: str, tooltip: str) -> None:
    """A scenario field's control (``spec``: its :class:`casebook.scenario.Field`) relabelled in ``lang``: its
    description, tooltip and, for a choice, the options' labels, keeping the value chosen; a percent field's label
    says "%" and its messages follow the language."""
    from .controls import PERCENT_SUFFIX, PercentText  # controls imports this module

    percent = isinstance(ctrl, PercentText)
    with ctrl.hold_sync():
        ctrl.description = spec.label[lang] + (PERCENT_SUFFIX[lang] if percent else "")
        ctrl.tooltip = tooltip
        if percent:
            ctrl.lang = lang
        if spec.kind == "choice":
            value = ctrl.value
            ctrl.options = [(spec.label_of(v, lang), v) for v in spec.options]
            ctrl.value = value


@contextmanager
def quietly(widget):
    """Inside this block ``widget._quiet`` is True: the widget's own control handlers ignore the changes it makes."""
    widget._quiet = True
    try:
        yield
    finally:
        widget._quiet = False


class LangGuard(HasTraits):
    """Mixin for a widget with a ``lang`` trait (:class:`Lang`): a change calls :meth:`_apply_lang` (by default
    ``self._relabel()``).

    A widget that keeps a ``_built`` flag is not relabelled while the flag is False.
    """

    lang = Lang()

    @observe("lang")
    def _on_lang(self, change) -> None:
        if not getattr(self, "_built", True):
            return
        self._apply_lang(change["new"])

    def _apply_lang(self, lang: str) -> None:
        self._relabel()
