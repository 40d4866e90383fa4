"""Small shared pieces of the widget kit: translation lookup and escaping of untrusted text."""

from __future__ import annotations

import html

LANGS = ("zh", "en")


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
