"""SimilarCasesView: the casebook decisions nearest to the current facts, how the courts decided them, and which
facts differ.

The ranking, the distances and the differences come from :func:`casebook.similar.similar_decisions`; a difference
whose decision value is the tutorial's assumption (not a fact the paper gives) is marked so, with its note.
"""

from __future__ import annotations

from traitlets import Int, validate

from casebook.texts import fmt_share

from .base import esc, tr
from .words import table
from ._view import BORDER, FONT, MUTED, text_in
from .controls import HtmlView

MAX_K = 5

UI = table("similar_view")


def _paren(text: str, lang: str) -> str:
    return f"（{text}）" if lang == "zh" else f"({text})"


class SimilarCasesView(HtmlView):
    """The ``k`` decisions of the casebook closest to the facts of ``analysis``.

    Constructor: ``SimilarCasesView(analysis=None, lang="zh", k=3)``. Traits in: ``analysis`` (its ``scenario`` is
    used), ``lang``, ``k`` (1 to 5). No events.
    """

    k = Int(3)
    _inputs = ("analysis", "lang", "k")

    _html_class = "ll-similar-list"
    _view_class = "ll-similar"

    def __init__(self, analysis=None, lang="zh", k=3, **kwargs):
        super().__init__(analysis, lang, k=k, **kwargs)

    @validate("k")
    def _valid_k(self, proposal):
        return min(max(int(proposal["value"]), 1), MAX_K)

    def decisions(self) -> list[dict]:
        """The decisions shown, nearest first ([] without a valid analysis)."""
        from casebook.scenario import ScenarioError
        from casebook.similar import similar_decisions

        scenario = self.analysis.get("scenario")
        if not isinstance(scenario, dict):
            return []
        try:
            return similar_decisions(scenario, self.k)
        except ScenarioError:
            return []

    def render(self):
        lang = self.lang
        found = self.decisions()
        if not found:
            self._html.value = f'<p style="{FONT}">{esc(tr(UI, "empty", lang))}</p>'
            return
        cards = "".join(self._card(d, lang) for d in found)
        self._html.value = (
            f'<div style="{FONT}"><p style="font-weight:bold;font-size:17px;margin:4px 0;">{esc(tr(UI, "title", lang))}'
            f'</p><p style="color:{MUTED};margin:0 0 6px;">{esc(tr(UI, "intro", lang))}</p>'
            f'<ol style="margin:0;padding-left:24px;">{cards}</ol></div>'
        )

    def _card(self, d: dict, lang: str) -> str:
        not_given = f'<em class="ll-not-given">{esc(tr(UI, "not_given", lang))}</em>'
        court = esc(text_in(d.get("court"), lang)) if d.get("court") else not_given
        number = esc(d["case_number"]) if d.get("case_number") else not_given
        colon = "：" if lang == "zh" else ": "
        held = f"<strong>{esc(text_in(d.get('form_name'), lang))}</strong>"
        shares = d.get("shares")
        if isinstance(shares, dict) and shares:
            sep = "、" if lang == "zh" else ", "
            held += " " + esc(_paren(sep.join(f"{tr(UI, p, lang)} {fmt_share(float(v), lang)}"
                                             for p, v in shares.items()), lang))
        source = d.get("source") or {}
        diffs = d.get("differences") or []
        if diffs:
            items = "".join(
                f'<li data-field="{esc(x["field"])}">{esc(text_in(x["label"], lang))}{colon}'
                f'{esc(text_in(x["value_label"], lang))} → {esc(text_in(x["decision_value_label"], lang))}'
                + (f' <span class="ll-assumed" style="border:1px solid {MUTED};border-radius:3px;padding:0 4px;" '
                   f'title="{esc(text_in(x.get("note"), lang))}">{esc(tr(UI, "assumed", lang))}</span>'
                   if x.get("assumed") else "")
                + "</li>"
                for x in diffs
            )
            differences = (f'<details><summary style="cursor:pointer;">{esc(tr(UI, "differs", lang))} {len(diffs)}'
                           f'</summary><ul style="margin:0;padding-left:20px;">{items}</ul></details>')
        else:
            differences = f"<p style=\"margin:0;\">{esc(tr(UI, 'same', lang))}</p>"
        sep = "；" if lang == "zh" else "; "
        where = tr(UI, "source", lang).format(section=source.get("section", ""), footnote=source.get("footnote", ""))
        return (
            f'<li class="ll-similar-case" data-decision="{esc(d["id"])}" '
            f'style="margin:0 0 8px;padding:6px 10px;border:1px solid {BORDER};border-radius:6px;">'
            f"<strong>{esc(text_in(d.get('short_name'), lang))}</strong> · {esc(tr(UI, d.get('instance', ''), lang))}"
            f' <span style="color:{MUTED};">{esc(_paren(where, lang))}</span>'
            f"<br>{esc(tr(UI, 'court', lang))}{colon}{court}{sep}{esc(tr(UI, 'case_number', lang))}{colon}{number}"
            f"<br>{esc(tr(UI, 'held', lang))}{colon}{held} — {esc(text_in(d.get('holding'), lang))}"
            f"<br>{esc(tr(UI, 'distance', lang))}{colon}{fmt_share(max(0.0, 1.0 - float(d.get('distance', 0))), lang)}"
            f"{esc(tr(UI, 'distance_note', lang))}"
            f"{differences}</li>"
        )


# The name an earlier draft of the app imported.
SimilarDecisions = SimilarCasesView
