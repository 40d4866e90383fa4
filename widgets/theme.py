"""The analyzer's small style sheet: large type for a projector at 1280x720, no sideways scrolling.

Components carry ``ll-*`` classes; this sheet, placed once on the page by :func:`style_widget`, styles them.
Without it they still read as plain HTML. :data:`SHARED_CSS` (static/shared.css) is the part every page needs, the
chapters too (widgets/page.py puts it in their page shell): the print reset and the burden-of-proof matrix's phone
cards.
"""

from __future__ import annotations

from pathlib import Path

from .controls import Display

# The sheet is a static file the package ships (pyproject.toml: widgets/static/*), read once.
_STATIC = Path(__file__).resolve().parent / "static"
CSS = (_STATIC / "theme.css").read_text(encoding="utf-8")
# The style every page shares (the analyzer here, each chapter through widgets/page.py): the print reset, the
# burden-of-proof matrix on a phone. Written once.
SHARED_CSS = (_STATIC / "shared.css").read_text(encoding="utf-8")


def style_widget() -> Display:
    """An HTML widget holding the style sheet; put it once on the page."""
    html = Display(value=f"<style>{CSS}{SHARED_CSS}</style>")
    html.add_class("ll-style")
    return html
