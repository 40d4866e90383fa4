"""InstrumentsTable (chapter 01, paper §2.1): five instruments, five names for the platform, as a pandas table.

pandas is imported only when the table is drawn, so no other page pays for it. The cells come from
``casebook/data/lessons/platform_terms.yaml``; pandas escapes them.
"""

from __future__ import annotations

import ipywidgets as W
from traitlets import Unicode

from casebook import lessons

from ..base import LangGuard, esc, safe_lang
from ..controls import Checkbox, Display, FixedVBox
from . import _render as R

UI = {
    "show_words": {"zh": "显示论文对各规范的表述", "en": "Show the paper's account of each instrument"},
    "caption": {"zh": "五部规范，五种称谓（论文§2.1）", "en": "Five instruments, five names for the platform (paper §2.1)"},
    "articles": {"zh": "两部法律的条文原文（点开）", "en": "The two statutes' own words (open)"},
    "en_titles": {"zh": "", "en": "English titles and renderings are unofficial."},
}


class InstrumentsTable(LangGuard, FixedVBox):
    """Trait ``lang``. ``frame()`` returns the table as a pandas DataFrame (for tests and for readers who code)."""

    lang = Unicode("zh")

    def __init__(self, lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self.add_class("ll-instruments")
        self._data = lessons.load("platform_terms")
        self._words = Checkbox(value=True, indent=False, layout=W.Layout(width="auto"))
        self._words.add_class("ll-show-words")
        self.add_class("ll-controls")
        self._words.observe(self._render, "value")
        self._table = Display()
        self._after = Display()
        self.children = [self._words, self._table, self._after]
        self.set_trait("lang", safe_lang(lang))
        self._render()

    def _apply_lang(self, lang: str) -> None:
        self._render()

    def frame(self, lang: str | None = None, words: bool | None = None):
        import pandas as pd  # only this chapter's table needs pandas

        lang = safe_lang(lang or self.lang)
        words = self._words.value if words is None else words
        cols = self._data["columns"]
        rows = []
        for item in self._data["instruments"]:
            term = item["term"]["zh"] if lang == "zh" else f'{item["term"]["en"]} ({item["term"]["zh"]})'
            row = {
                lessons.label(cols["instrument"], lang): lessons.label(item["instrument"], lang),
                lessons.label(cols["term"], lang): term,
                lessons.label(cols["kind"], lang): lessons.text(item["kind"], lang),
            }
            if words:
                row[lessons.label(cols["paper"], lang)] = lessons.text(item["paper"], lang)
            rows.append(row)
        return pd.DataFrame(rows)

    def _render(self, change=None) -> None:
        lang = self.lang
        self._words.description = R.t(UI, "show_words", lang)
        table = self.frame(lang).to_html(index=False, escape=True, border=0, classes="ll-tbl")
        caption = f'<h4>{esc(R.t(UI, "caption", lang))}</h4>'
        note = f'<p class="ll-unofficial">{esc(R.t(UI, "en_titles", lang))}</p>' if lang == "en" else ""
        self._table.value = R.section(caption + table + note)
        refs = [item["statute"] for item in self._data["instruments"] if item.get("statute")]
        notes = "".join(R.statement_html(n, lang) for n in self._data["notes"])
        arts = "".join(R.article_html(ref, lang) for ref in refs)
        self._after.value = R.section(f'{notes}<details><summary>{esc(R.t(UI, "articles", lang))}</summary>{arts}</details>')
