"""InstrumentsTable (chapter 01, paper §2.1): five instruments, five names for the platform, as a pandas table.

The cells come from ``casebook/data/lessons/platform_terms.yaml``. The table on the page is pandas' own rendering
(``DataFrame.to_html(escape=True)``), but the kernel does not import pandas to show it: pandas adds about 45 MB to
a kernel (the benchmark's memory goal is 1.6x a floor page's), and the table depends on nothing but the committed
data. ``tools/render_tables.py`` renders the four variants (zh/en, with or without the paper's words) with pandas
into ``platform_terms.rendered.json``, keyed by the SHA-256 of the rows they were rendered from. A page computes
its rows (pure Python), and uses the stored rendering only when the key matches; otherwise (the data changed and
the file was not re-rendered, or a test changed a cell) it imports pandas and renders live. So what the page shows
is always pandas' rendering of the current data. ``frame()`` returns the DataFrame, for readers who code.
"""

from __future__ import annotations

import functools
import hashlib
import json

from casebook import lessons

from ..base import Lang, LangGuard, esc, safe_lang, tr
from ..controls import Checkbox, Display, FixedVBox
from ..words import table
from . import common as R
from .._view import shared_layout
from .common import style_widget as lesson_style

UI = table("lessons/instruments_table")

RENDERED = lessons.LESSONS_DIR / "platform_terms.rendered.json"
TO_HTML = {"index": False, "escape": True, "border": 0, "classes": "ll-tbl"}


def rows(data: dict, lang: str, words: bool) -> list[dict]:
    """The table's rows (column label -> cell text, in column order) in ``lang``: pure Python, no pandas."""
    cols = data["columns"]
    out = []
    for item in data["instruments"]:
        term = item["term"]["zh"] if lang == "zh" else f'{item["term"]["en"]} ({item["term"]["zh"]})'
        row = {
            lessons.label(cols["instrument"], lang): lessons.label(item["instrument"], lang),
            lessons.label(cols["term"], lang): term,
            lessons.label(cols["kind"], lang): lessons.text(item["kind"], lang),
        }
        if words:
            row[lessons.label(cols["paper"], lang)] = lessons.text(item["paper"], lang)
        out.append(row)
    return out


def rows_key(table_rows: list[dict]) -> str:
    """SHA-256 of the rows (column order included): what a stored rendering was made from."""
    blob = json.dumps([list(r.items()) for r in table_rows], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def render_with_pandas(table_rows: list[dict]) -> str:
    import pandas as pd  # only when the stored rendering does not match the data

    return pd.DataFrame(table_rows).to_html(**TO_HTML)


@functools.lru_cache(maxsize=1)
def stored_renderings() -> dict[str, str]:
    """rows_key -> HTML, from ``platform_terms.rendered.json`` ({} if the file is missing or unreadable)."""
    try:
        data = json.loads(RENDERED.read_text(encoding="utf-8"))
        tables = data["tables"]
        return {k: v for k, v in tables.items() if isinstance(k, str) and isinstance(v, str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def table_html(table_rows: list[dict]) -> str:
    """pandas' rendering of ``table_rows``: the stored one when it was made from these very rows, else live."""
    stored = stored_renderings().get(rows_key(table_rows))
    return stored if stored is not None else render_with_pandas(table_rows)


class InstrumentsTable(LangGuard, FixedVBox):
    """Trait ``lang``. ``frame()`` returns the table as a pandas DataFrame (for tests and for readers who code)."""

    lang = Lang()

    def __init__(self, lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self.add_class("ll-instruments")
        self._data = lessons.load("platform_terms")
        self._words = Checkbox(value=True, indent=False, layout=shared_layout(width="auto"))
        self._words.add_class("ll-show-words")
        self.add_class("ll-controls")
        self._words.observe(self._render, "value")
        self._table = Display()
        self._table.add_class("ll-instruments-table")
        self._after = Display()
        self._after.add_class("ll-instruments-after")
        self.children = [lesson_style(), self._words, self._table, self._after]
        self.set_trait("lang", safe_lang(lang))
        self._render()

    def _apply_lang(self, lang: str) -> None:
        self._render()

    def rows(self, lang: str | None = None, words: bool | None = None) -> list[dict]:
        lang = safe_lang(lang or self.lang)
        words = bool(self._words.value) if words is None else words
        return rows(self._data, lang, words)

    def frame(self, lang: str | None = None, words: bool | None = None):
        import pandas as pd  # a reader who codes asks for the DataFrame itself

        return pd.DataFrame(self.rows(lang, words))

    def _render(self, change=None) -> None:
        lang = self.lang
        self._words.description = tr(UI, "show_words", lang)
        table = table_html(self.rows(lang))
        caption = f'<h4>{esc(tr(UI, "caption", lang))}</h4>'
        note = f'<p class="ll-unofficial">{esc(tr(UI, "en_titles", lang))}</p>' if lang == "en" else ""
        self._table.value = R.section(caption + table + note)
        refs = [item["statute"] for item in self._data["instruments"] if item.get("statute")]
        notes = "".join(R.statement_html(n, lang) for n in self._data["notes"])
        arts = "".join(R.article_html(ref, lang) for ref in refs)
        self._after.value = R.section(f'{notes}<details><summary>{esc(tr(UI, "articles", lang))}</summary>{arts}</details>')
