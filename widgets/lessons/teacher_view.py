"""TeacherView: every answer of the set an ExerciseDeck shows, with the rule that decides it; and a teacher's upload.

Only the teacher's page of a class (``?class=..&teacher=..``, :mod:`widgets.lessons.class_session`) builds it; a
checkbox there hides the answers while the screen is projected. For each question: the engine's form, the deciding
rule, whether the set's stored answer agrees with the engine, the set's explanation and, for this session, the answer
revealed. Below it (outside a class) a teacher can load their own set (:class:`SetUpload`), which the deck then
shows. All set text is the teacher's and is escaped.
"""

from __future__ import annotations

from casebook.engine import analyze
from casebook.scenario_sets import verify_set

from ..base import Lang, LangGuard, esc, safe_lang, tr
from ..controls import Checkbox, Display, FixedVBox
from ..regime_comparison import regime_name
from ..words import table
from .common import form_html, form_name, section, text_of
from .common import decisive_step
from .exercise_deck import ExerciseDeck
from .set_upload import SetUpload
from .._view import shared_layout
from .common import large_controls_style as lesson_style

UI = table("lessons/teacher_view")


# Column widths for a 1280px projector: the question and the explanation get the room, short cells stay legible.
COLUMNS = ("<colgroup><col style='width:3%'><col style='width:25%'><col style='width:10%'><col style='width:10%'>"
           "<col style='width:14%'><col style='width:10%'><col style='width:9%'><col style='width:19%'></colgroup>")


class TeacherView(LangGuard, FixedVBox):
    """Traits: ``lang`` (in). Follows ``deck``; loads uploaded sets into it."""

    lang = Lang()

    def __init__(self, deck: ExerciseDeck, lang: str = "zh", upload: bool = True, **kwargs):
        super().__init__(**kwargs)
        self._built = False
        self.add_class("ll-teacher-view")
        self.add_class("ll-controls")
        self.add_class("ll-large-controls")
        self.set_trait("lang", safe_lang(lang))
        self._deck = deck
        self._head = Display()
        self._head.add_class("ll-teacher-head")
        self._toggle = Checkbox(value=False, indent=False, layout=shared_layout(width="auto", max_width="100%"))
        self._toggle.add_class("ll-teacher-toggle")
        self._toggle.observe(lambda _c: self._render(), "value")
        self._table = Display()
        self._table.add_class("ll-teacher-answers")
        self._upload_head = Display()
        self._upload = SetUpload(lang=self.lang)
        self._upload.on_load(lambda key, loaded: deck.add_set(key, loaded))
        deck.on_change(self._render)
        self.children = [lesson_style(), self._head, self._toggle, self._table]
        if upload:  # a class's teacher's view shows the class's set: no upload there
            self.children += (self._upload_head, self._upload)
        self._built = True
        self._relabel()

    @property
    def table_html(self) -> str:
        """The teacher's table of answers as shown (HTML)."""
        return self._table.value

    @property
    def upload(self) -> SetUpload:
        return self._upload

    def show(self, on: bool = True) -> None:
        self._toggle.value = bool(on)

    def rows(self) -> list[dict]:
        """One entry per question of the deck's current set: item, analysis (in ``lang``), stored form, student."""
        lang = self.lang
        key = self._deck.current
        out = []
        for item in self._deck.current_set()["scenarios"]:
            out.append({"item": item, "analysis": analyze(item["scenario"], item["regime"], lang),
                        "stored": item["expected"]["liability_form"],
                        "student": self._deck.answers.get((key, item["id"]))})
        return out

    def _apply_lang(self, lang: str) -> None:
        self._upload.lang = lang
        self._relabel()

    def _relabel(self):
        lang = self.lang
        from ..query import in_browser

        note = (f"<p class='ll-static-note'>{esc(tr(UI, 'in_browser', lang))}</p>" if in_browser() else "")
        self._head.value = section(f"<h3>{esc(tr(UI, 'title', lang))}</h3>{note}")
        self._toggle.description = tr(UI, "toggle", lang)
        self._upload_head.value = section(f"<h4>{esc(tr(UI, 'upload_title', lang))}</h4>")
        self._render()

    def _render(self):
        if not self._toggle.value:
            self._table.value = ""
            return
        lang = self.lang
        loaded = self._deck.current_set()
        problems = verify_set(loaded)
        body = []
        for i, row in enumerate(self.rows(), start=1):
            item, a = row["item"], row["analysis"]
            step = decisive_step(a)
            rule = f"{esc(step['name'])}<br><span class='ll-src'>{esc(step['citation'])}</span>" if step else ""
            stored = (esc(tr(UI, "agrees", lang)) if row["stored"] == a["liability_form"] else
                      f"<span class='ll-not'>{esc(tr(UI, 'differs', lang).format(form=form_name(row['stored'], lang)))}</span>")
            student = row["student"]
            if student is None:
                done = esc(tr(UI, "none", lang))
            else:
                key = "right" if student["correct"] else "wrong"
                done = esc(tr(UI, key, lang).format(form=form_name(student["answer"], lang)))
            explanation = esc(text_of(item.get("explanation"), lang)) if item.get("explanation") else "—"
            body.append(
                f"<tr data-item='{esc(item['id'])}'><td>{i}</td>"
                f"<td><strong>{esc(text_of(item['title'], lang))}</strong><br>{esc(text_of(item['question'], lang))}</td>"
                f"<td>{esc(regime_name(item['regime'], lang))}</td><td>{form_html(a['liability_form'], lang)}</td>"
                f"<td>{rule}</td><td>{stored}</td><td>{done}</td><td>{explanation}</td></tr>")
        head = "".join(f"<th scope='col'>{esc(tr(UI, k, lang))}</th>"
                       for k in ("n", "question", "regime", "answer", "rule", "stored", "student", "explanation"))
        verdict = (tr(UI, "sound", lang) if not problems else tr(UI, "unsound", lang).format(k=len(problems)))
        self._table.value = section(
            f"<p><strong>{esc(tr(UI, 'set', lang))}</strong>{esc(text_of(loaded['title'], lang))}</p>"
            f"<p>{esc(verdict)}</p><div style='overflow-x:auto'><table class='ll-tbl' style='table-layout:fixed;"
            f"min-width:960px'>{COLUMNS}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")
