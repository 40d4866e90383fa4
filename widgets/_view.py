"""Small helpers shared by the view widgets (burden matrix, pivotal facts, case browser, share, evidence, memo).

Nothing here decides anything: it fetches the engine's analysis in the page's language and formats what others
produced. The widgets that accept no state from the browser, and the shared layouts, are in :mod:`widgets.controls`
(re-exported here for the modules that import them from this one).
"""

from __future__ import annotations

import base64
from typing import Any, Mapping

from .base import esc, safe_lang
from .controls import (FixedButton, ReadOnlyText, SharedDefaults, resend, share_defaults,  # noqa: F401
                       shared, shared_layout)

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
