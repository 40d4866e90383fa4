"""DecisionPath (chapter 03, paper §3.1): the legal bases as a path the reader walks one rule at a time.

The reader sets the facts; the engine (regime ``statute``, the law as written) runs every rule in order and says for
each whether it holds and why. The widget shows one step at a time: the question it asks (lesson data), the engine's
answer and reason, whether the rule goes beyond the paper's §3.1 (the engine's flag), what the paper says about it
and the articles' own words. At the end, the kit's OutcomeCard shows the result.
"""

from __future__ import annotations

from traitlets import Int, observe

from casebook import lessons
from casebook.engine import analyze

from ..base import Lang, esc, safe_lang, tr
from ..words import table
from ..controls import Display, FixedButton, FixedHBox, FixedVBox
from ..outcome_card import OutcomeCard
from ..theme import style_widget
from . import common as R

from .fact_subset import FactsDriven, FactSubset
from .._view import shared_layout
from .common import style_widget as lesson_style

UI = table("lessons/decision_path")


class DecisionPath(FactsDriven, FixedVBox):
    """Traits: ``lang``, ``step`` (0-based index into the engine's trace; the result is shown after the last)."""

    lang = Lang()
    step = Int(0)

    def __init__(self, facts=None, lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self.add_class("ll-decision-path")
        self._data = lessons.load("decision_path")
        self._facts_title = Display()
        # The controls fill their grid cell: width 100% plus the widgets' margins would scroll sideways.
        self._facts = FactSubset(self._data["facts"], fixed=facts or {}, lang="zh",
                                 control_layout={"width": "auto", "max_width": "860px"},
                                 layout=shared_layout(display="grid",
                                                      grid_template_columns="minmax(0, 1fr) minmax(0, 1fr)",
                                                      grid_gap="0 1.5em", width="100%"))
        self._facts.observe(self._on_facts, "facts")
        self._path_title = Display()
        self._list = Display()
        self._list.add_class("ll-path-list")
        self._prev, self._next, self._first, self._last = (FixedButton(layout=shared_layout(width="auto")) for _ in range(4))
        for button, name in ((self._prev, "prev"), (self._next, "next"), (self._first, "first"), (self._last, "last")):
            button.add_class(f"ll-path-{name}")
        for b, delta in ((self._prev, -1), (self._next, 1)):
            b.on_click(lambda _b, d=delta: self._move(d))
        self._first.on_click(lambda _b: self._goto(0))
        self._last.on_click(lambda _b: self._goto(len(self.analysis["trace"])))
        self._counter = Display()
        nav = FixedHBox([self._first, self._prev, self._counter, self._next, self._last],
                        layout=shared_layout(flex_flow="row wrap", align_items="center"))
        nav.add_class("ll-path-nav")
        nav.add_class("ll-buttons")
        self._detail = Display()
        self._detail.add_class("ll-path-step")
        self._outcome = OutcomeCard()
        self._outcome_box = FixedVBox([])
        self._outcome_box.add_class("ll-path-outcome")
        # The step list beside the current step, so that both fit on one projected screen.
        left = FixedVBox([self._list], layout=shared_layout(flex="1 1 300px", max_width="400px", min_width="260px"))
        right = FixedVBox([nav, self._detail, self._outcome_box], layout=shared_layout(flex="3 1 520px", min_width="320px"))
        columns = FixedHBox([left, right], layout=shared_layout(flex_flow="row wrap", align_items="flex-start",
                                                           width="100%"))
        columns.add_class("ll-path-columns")
        # The kit's style sheet, for the OutcomeCard at the end of the path.
        self.children = [lesson_style(), style_widget(), self._facts_title, self._facts, self._path_title, columns]
        self.analysis: dict = {}
        self.set_trait("lang", safe_lang(lang))
        self._facts.lang = self.lang
        self._analyse()

    @property
    def steps(self) -> list:
        return self.analysis.get("trace", [])

    # --- reacting ----------------------------------------------------------------------------------------------

    def _redraw(self) -> None:
        self._analyse()

    @observe("step")
    def _on_step(self, change) -> None:
        n = len(self.steps)
        if not 0 <= change["new"] <= n:
            self.step = min(max(change["new"], 0), n)
            return
        self._render()

    def _on_facts(self, change) -> None:
        self._analyse()

    def _move(self, delta: int) -> None:
        self._goto(self.step + delta)

    def _goto(self, index: int) -> None:
        self.step = min(max(int(index), 0), len(self.steps))

    def _analyse(self) -> None:
        self.analysis = analyze(self._facts.facts, "statute", self.lang, pivotal=False)  # no pivots shown here
        self._outcome.lang = self.lang
        self._outcome.analysis = self.analysis
        if self.step > len(self.steps):
            self.step = len(self.steps)  # renders
        else:
            self._render()

    # --- drawing -----------------------------------------------------------------------------------------------

    def _status(self, s: dict, lang: str, short: bool = False) -> str:
        def word(key):
            text = tr(UI, key, lang)
            return text.split(" ", 1)[0] if short else text  # the symbol alone in the narrow list
        if s.get("displaced_by"):
            return f'<span class="ll-off" title="{esc(tr(UI, "displaced", lang))}">{esc(word("displaced"))}</span>'
        if s["held"]:
            out = f'<span class="ll-held" title="{esc(tr(UI, "held", lang))}">{esc(word("held"))}</span>'
        else:
            out = f'<span class="ll-not" title="{esc(tr(UI, "not_held", lang))}">{esc(word("not_held"))}</span>'
        if s.get("decisive"):
            out += f' <span class="ll-held" title="{esc(tr(UI, "decisive", lang))}">{esc(word("decisive"))}</span>'
        return out

    def _render(self) -> None:
        lang, steps, k = self.lang, self.steps, self.step
        n = len(steps)
        c = R.colon(lang)
        self._facts_title.value = R.section(f'<h3>{esc(tr(UI, "facts", lang))}</h3>')
        self._path_title.value = R.section(f'<h3>{esc(tr(UI, "path", lang))}</h3>')
        rows = []
        for i, s in enumerate(steps):
            style = ' style="background:#e8f0fe;font-weight:600"' if i == k else ""
            extra = R.badge("addition", lang) if s.get("addition") else ""
            rows.append(f'<tr{style} data-rule="{esc(s["rule"])}"><td class="ll-num">{i + 1}</td>'
                        f'<td>{esc(s.get("name", s["rule"]))}{extra}</td>'
                        f'<td>{self._status(s, lang, short=True)}</td></tr>')
        # Where the harm gate failed, the rules below it are not reached (a later step, such as the ten-fold
        # claim that needs no harm, may still follow): say so right after the gate.
        gate = next((i for i, s in enumerate(steps) if s["rule"] == "harm_required" and not s["held"]), None)
        if gate is not None:
            rows.insert(gate + 1, f'<tr><td></td><td colspan="2"><em>{esc(tr(UI, "not_reached", lang))}</em></td></tr>')
        tail = ""
        end_style = ' style="background:#e8f0fe;font-weight:600"' if k == n else ""
        rows.append(f'<tr{end_style}><td class="ll-num">→</td><td colspan="2">{esc(tr(UI, "result", lang))}{c}'
                    f'<span class="ll-form">{esc(self.analysis.get("form_name", ""))}</span></td></tr>')
        self._list.value = R.section(f'<table class="ll-tbl">{"".join(rows[:-1])}{tail}{rows[-1]}</table>'
                                     f'<p class="ll-src" style="white-space:normal">{esc(tr(UI, "key", lang))}</p>')

        self._prev.description = tr(UI, "prev", lang)
        self._next.description = tr(UI, "next", lang)
        self._first.description = tr(UI, "first", lang)
        self._last.description = tr(UI, "last", lang)
        self._prev.disabled = k == 0
        self._first.disabled = k == 0
        self._next.disabled = self._last.disabled = k >= n
        shown = tr(UI, "counter", lang).format(k=min(k + 1, n + 1), n=n + 1)
        self._counter.value = R.section(f'<strong aria-live="polite">{esc(shown)}</strong>')

        if k >= n:
            self._detail.value = R.section(self._result_html(lang))
            self._outcome_box.children = [self._outcome]
            return
        self._outcome_box.children = []
        s = steps[k]
        info = self._data["steps"].get(s["rule"], {})
        question = lessons.label(info.get("question"), lang) or s.get("name", s["rule"])
        beyond = (f'<p class="ll-note">{R.badge("addition", lang)} {esc(tr(UI, "beyond", lang))}</p>'
                  if s.get("addition") else "")
        paper = "".join(R.statement_html(x, lang) for x in info.get("paper", []))
        paper = f'<h4>{esc(tr(UI, "paper", lang))}</h4>{paper}' if paper else ""
        notes = "".join(R.statement_html(x, lang) for x in info.get("notes", []))
        shown_refs = info.get("show") or [[r["law"], r["article"], r["paragraph"]] for r in s.get("refs", [])]
        arts = "".join(R.article_html(ref, lang) for ref in shown_refs)
        self._detail.value = R.section(
            f'<div class="ll-card ll-card-on" data-rule="{esc(s["rule"])}" data-held="{str(bool(s["held"])).lower()}">'
            f'<h3>{k + 1}. {esc(s.get("name", s["rule"]))}</h3><p class="ll-src">{esc(s["citation"])}</p>{beyond}'
            f'<p><strong>{esc(tr(UI, "question", lang))}{c}</strong>{esc(question)}</p>'
            f'<p><strong>{esc(tr(UI, "answer", lang))}{c}</strong>{self._status(s, lang)} — {esc(s["reason"])}</p>'
            f'{paper}{notes}<h4>{esc(tr(UI, "articles", lang))}</h4>{arts}</div>')

    def _result_html(self, lang: str) -> str:
        a = self.analysis
        parts = [f'<h3>{esc(tr(UI, "result", lang))}</h3>']
        if a.get("alternatives"):
            items = "".join(f'<li><span class="ll-form">{esc(x["name"])}</span> — “{esc(x["reading"])}”</li>'
                            if lang == "zh" else
                            f'<li><span class="ll-form">{esc(x["name"])}</span> — {esc(x["reading"])}</li>'
                            for x in a["alternatives"])
            parts.append(f'<p>{esc(tr(UI, "alternatives", lang))}</p><ul>{items}</ul>')
        if a.get("engine_choices"):
            parts.append(f'<h4>{esc(tr(UI, "choices", lang))}</h4>'
                         + "".join(f'<p class="ll-note">{R.badge("addition", lang)} {esc(ch["text"])}</p>'
                                   for ch in a["engine_choices"]))
        if a.get("open_points"):
            parts.append(f'<h4>{esc(tr(UI, "open", lang))}</h4>'
                         + "".join(f'<p class="ll-open">{R.badge("open", lang)} {esc(o)}</p>' for o in a["open_points"]))
        return "".join(parts)
