"""Small shared pieces of the widget kit: translation lookup and escaping of untrusted text."""

from __future__ import annotations

import html
from contextlib import contextmanager

from traitlets import HasTraits, observe

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


@contextmanager
def quietly(widget):
    """Inside this block ``widget._quiet`` is True: the widget's own control handlers ignore the changes it makes."""
    widget._quiet = True
    try:
        yield
    finally:
        widget._quiet = False


class LangGuard(HasTraits):
    """Mixin for a widget with a ``lang`` trait: a value other than zh or en is replaced by :func:`safe_lang`'s, and
    a real change calls :meth:`_apply_lang` (by default ``self._relabel()``).

    A widget that keeps a ``_built`` flag is left alone (no coercion, no relabelling) while the flag is False.
    """

    @observe("lang")
    def _on_lang(self, change) -> None:
        if not getattr(self, "_built", True):
            return
        lang = safe_lang(change["new"])
        if lang != change["new"]:
            self.lang = lang
            return
        self._apply_lang(lang)

    def _apply_lang(self, lang: str) -> None:
        self._relabel()
