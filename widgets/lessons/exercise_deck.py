"""ExerciseDeck: "predict, then reveal" questions from a scenario set, graded by the engine.

A question shows its facts; the student picks a liability form; "Reveal" shows the engine's answer, the rule that
decided it (:func:`casebook.scenario_sets.check_answer`), and, for a wrong answer, the single facts under which the
answer would have been right (:func:`casebook.replay.missed_facts`). Sets: the casebook's questions on the four
cases, the packaged classroom set, and any set a teacher uploads (see :class:`TeacherView`). Everything a set says
is the teacher's text and is escaped.
"""

from __future__ import annotations

import ipywidgets as W
from traitlets import Int, Unicode, observe

from casebook import replay
from casebook.engine import FORMS, analyze
from casebook.scenario_sets import ScenarioSetError, check_answer, example_set_path, load_set_file

from ..base import Lang, LangGuard, esc, quietly, safe_lang, tr
from ..controls import Display, Dropdown, FixedHBox, FixedVBox, ToggleButtons
from .._view import FixedButton
from ..regime_comparison import regime_name
from .common import (field_label, follow_choice, form_html, form_name, keeping_choice, section, text_of,
                     value_label)
from .._view import shared_layout
from .common import large_controls_style as lesson_style
from ..words import table

UI = table("lessons/exercise_deck")


def _builtin_sets() -> dict:
    sets = {"cases": {"label": UI["cases"], "set": replay.case_exercise_set()}}
    try:
        basics = load_set_file(example_set_path("classroom-basics"))
    except ScenarioSetError:
        basics = None  # the packaged set is optional; the casebook's questions always load
    if basics is not None:
        sets["classroom-basics"] = {"label": basics["title"], "set": basics}
    return sets


class ExerciseDeck(LangGuard, FixedVBox):
    """Traits: ``lang`` (in), ``current`` (in/out: the key of the set shown), ``index`` (in/out: the question, 0-based).

    :meth:`add_set` adds (or replaces) a set and shows it; :attr:`answers` holds what was revealed this session:
    ``{(set key, item id): {"answer", "correct", "engine_form"}}``.
    """

    lang = Lang()
    current = Unicode("cases")
    index = Int(0)

    def __init__(self, lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self._built = False
        self._quiet = False
        self.add_class("ll-exercise-deck")
        self.add_class("ll-controls")
        self.add_class("ll-large-controls")
        self.set_trait("lang", safe_lang(lang))
        self._sets = _builtin_sets()
        self.answers: dict = {}
        self._revealed: dict | None = None
        self._listeners: list = []
        self._predict_listeners: list = []
        self._notice: dict | None = None  # {zh, en}: a message from the class (widgets/lessons/class_session.py)
        self.reveal_gate = None  # in a class: callable(set key, item id) -> None, or {zh, en} why not yet
        wide = {"style": {"description_width": "initial"}, "layout": shared_layout(width="auto")}
        self._pick = Dropdown(options=[(k, k) for k in self._sets], value="cases", **wide)
        self._pick.add_class("ll-exercise-set")
        self._pick.observe(self._on_pick, "value")
        self._prev = FixedButton(layout=shared_layout(width="auto"))
        self._next = FixedButton(layout=shared_layout(width="auto"))
        self._prev.add_class("ll-exercise-prev")
        self._next.add_class("ll-exercise-next")
        self._prev.on_click(lambda _b: self._move(-1))
        self._next.on_click(lambda _b: self._move(1))
        self._counter = Display()
        self._question = Display()
        self._question.add_class("ll-exercise-question")
        self._answer = ToggleButtons(options=[(f, f) for f in FORMS], value=None,
                                     style={"description_width": "initial", "button_width": "auto"},
                                     layout=shared_layout(width="100%", flex_flow="row wrap"))
        self._answer.add_class("ll-exercise-answer")
        self._answer.observe(self._on_answer, "value")
        self._reveal = FixedButton(button_style="primary", layout=shared_layout(width="auto"))
        self._reveal.add_class("ll-exercise-reveal")
        self._reveal.on_click(lambda _b: self.reveal())
        self._again = FixedButton(layout=W.Layout(width="auto"))
        self._again.add_class("ll-exercise-again")
        self._again.on_click(lambda _b: self.reset_item())
        self._again.layout.display = "none"  # shown once an answer is revealed
        self._feedback = Display()
        self._feedback.add_class("ll-exercise-feedback")
        self._score = Display()
        self._score.add_class("ll-exercise-score")
        nav = FixedHBox([self._prev, self._counter, self._next], layout=shared_layout(align_items="center"))
        actions = FixedHBox([self._reveal, self._again])
        nav.add_class("ll-row-wide")
        actions.add_class("ll-row-wide")
        self.children = [lesson_style(), self._pick, nav, self._question, self._answer, actions, self._feedback, self._score]
        self._built = True
        self._relabel()

    # --- public -------------------------------------------------------------------------------------------------

    @property
    def question_html(self) -> str:
        """The current question as shown (HTML)."""
        return self._question.value

    @property
    def feedback_html(self) -> str:
        """The feedback line under the answer (HTML; empty before an answer)."""
        return self._feedback.value

    @property
    def sets(self) -> dict:
        """key -> {"label": {zh, en}, "set": loaded set} (read-only view)."""
        return dict(self._sets)

    def current_set(self) -> dict:
        return self._sets[self.current]["set"]

    def item(self) -> dict:
        return self.current_set()["scenarios"][self.index]

    def add_set(self, key: str, loaded: dict, label: dict | None = None) -> None:
        """Add or replace a set (already validated by :func:`casebook.scenario_sets.load_set`) and show it."""
        self._sets[key] = {"label": label or loaded["title"], "set": loaded}
        self.answers = {k: v for k, v in self.answers.items() if k[0] != key}
        self._relabel_sets()
        if self.current == key:
            self.index = 0
            self._show_item()
            self._notify()
        else:
            self.current = key

    def only_set(self, key: str, loaded: dict) -> None:
        """Show one set and no other (a class's): the picker offers only it."""
        self.add_set(key, loaded)
        self._sets = {key: self._sets[key]}
        self._relabel_sets()

    def on_predict(self, callback) -> None:
        """``callback(set key, item id, form)`` when a prediction is chosen; a {zh, en} it returns is shown."""
        self._predict_listeners.append(callback)

    def on_change(self, callback) -> None:
        """``callback()`` after the set, the question or an answer changes (the teacher's view listens)."""
        self._listeners.append(callback)

    def predict(self, form: str) -> None:
        """Choose a prediction, as a click would."""
        self._answer.value = form

    def reveal(self) -> dict | None:
        """Grade the chosen prediction and show the feedback; None (with a prompt) when nothing is chosen."""
        lang = self.lang
        answer = self._answer.value
        if answer is None:
            self._feedback.value = section(f"<p class='ll-msg' role='status'>{esc(tr(UI, 'pick_first', lang))}</p>")
            return None
        item = self.item()
        if self.reveal_gate is not None:
            notice = self.reveal_gate(self.current, item["id"])
            if notice:
                self._say(notice)
                return None
        graded = check_answer(item, answer)
        self._revealed = {"answer": answer, "graded": graded}
        self.answers[(self.current, item["id"])] = {"answer": answer, "correct": graded["correct"],
                                                    "engine_form": graded["engine_form"]}
        self._answer.disabled = True
        self._reveal.disabled = True
        self._again.layout.display = None
        self._render_feedback()
        self._render_score()
        self._notify()
        return graded

    def reset_item(self) -> None:
        """Clear the prediction and the feedback of the current question (the score keeps the first reveal)."""
        self._revealed = None
        self._notice = None
        with quietly(self):
            self._answer.disabled = False
            self._answer.value = None
        self._reveal.disabled = False
        self._again.layout.display = "none"
        self._feedback.value = ""

    # --- events -------------------------------------------------------------------------------------------------

    @observe("current")
    def _on_current(self, change):
        if not follow_choice(self, change, self._sets, "_pick"):
            return
        if self.index != 0:
            self.index = 0
        else:
            self._show_item()
        self._notify()

    @observe("index")
    def _on_index(self, change):
        if not self._built:
            return
        n = len(self.current_set()["scenarios"])
        if not 0 <= change["new"] < n:
            self.index = min(max(change["new"], 0), n - 1)
            return
        self._show_item()

    def _on_pick(self, change):
        if not self._quiet:
            self.current = change["new"]

    def _on_answer(self, change):
        if not self._quiet and change["new"] is not None and self._revealed is None:
            self._notice = None
            self._feedback.value = ""
            for callback in list(self._predict_listeners):
                notice = callback(self.current, self.item()["id"], change["new"])
                if notice:
                    self._say(notice)

    def _say(self, notice: dict) -> None:
        self._notice = notice
        self._feedback.value = section(
            f"<p class='ll-class-notice' role='status' style='font-weight:600'>{esc(text_of(notice, self.lang))}</p>")

    def _move(self, step: int) -> None:
        n = len(self.current_set()["scenarios"])
        self.index = min(max(self.index + step, 0), n - 1)

    def _notify(self) -> None:
        for callback in list(self._listeners):
            callback()

    # --- rendering ----------------------------------------------------------------------------------------------

    def _relabel_sets(self) -> None:
        lang = self.lang
        with quietly(self):
            self._pick.description = tr(UI, "set", lang)
            with keeping_choice(self._pick):
                self._pick.options = [(text_of(v["label"], lang), k) for k, v in self._sets.items()]

    def _relabel(self) -> None:
        lang = self.lang
        self._relabel_sets()
        with quietly(self):
            self._prev.description = tr(UI, "prev", lang)
            self._next.description = tr(UI, "next", lang)
            self._reveal.description = tr(UI, "reveal", lang)
            self._reveal.tooltip = tr(UI, "reveal_tip", lang)
            self._again.description = tr(UI, "again", lang)
            self._answer.description = tr(UI, "predict", lang)
            with keeping_choice(self._answer):
                self._answer.options = [(form_name(f, lang), f) for f in FORMS]
        self._render_item()
        if self._revealed is not None:
            self._render_feedback()
        elif self._notice is not None:
            self._say(self._notice)
        self._render_score()

    def _show_item(self) -> None:
        self.reset_item()
        self._render_item()
        self._render_score()
        self._notify()

    def _render_item(self) -> None:
        lang = self.lang
        items = self.current_set()["scenarios"]
        item = items[self.index]
        self._counter.value = section(
            f"<p style='margin:0;padding:0 8px'><strong>{esc(tr(UI, 'counter', lang).format(i=self.index + 1, n=len(items)))}"
            "</strong></p>")
        self._prev.disabled = self.index == 0
        self._next.disabled = self.index == len(items) - 1
        scenario = item["scenario"]
        notes = scenario.get("assumptions") or {}
        colon = "：" if lang == "zh" else ": "
        facts = "".join(
            f"<li><strong>{esc(field_label(f, lang))}</strong>{colon}{esc(value_label(f, v, lang))}"
            + (f" — <span class='ll-src'>{esc(text_of(notes[f], lang))}</span>" if f in notes else "") + "</li>"
            for f, v in scenario.items() if f != "assumptions")
        self._question.value = section(
            f"<div class='ll-card' data-item='{esc(item['id'])}'><h3>{esc(text_of(item['title'], lang))}</h3>"
            f"<p style='font-size:18px'>{esc(text_of(item['question'], lang))}</p>"
            f"<p><strong>{esc(tr(UI, 'regime', lang))}</strong>{esc(regime_name(item['regime'], lang))}</p>"
            f"<details><summary>{esc(tr(UI, 'facts', lang))}</summary><ul>{facts}</ul></details></div>")

    def _render_feedback(self) -> None:
        lang = self.lang
        r = self._revealed
        graded, answer = r["graded"], r["answer"]
        item = self.item()
        missed = replay.missed_facts(analyze(item["scenario"], item["regime"], lang), answer)
        head = (f"<p class='ll-held' style='font-size:20px'>{esc(tr(UI, 'correct', lang))}</p>" if graded["correct"] else
                f"<p class='ll-not' style='font-size:20px'>{esc(tr(UI, 'wrong', lang))}</p>")
        body = head + f"<p><strong>{esc(tr(UI, 'engine', lang))}</strong>{form_html(graded['engine_form'], lang)}</p>"
        if not graded["correct"]:
            if missed:
                items = "".join(f"<li>{esc(p['text'])}</li>" for p in missed)
                body += f"<p>{esc(tr(UI, 'missed', lang).format(answer=form_name(answer, lang)))}</p><ul>{items}</ul>"
            else:
                body += f"<p>{esc(tr(UI, 'no_single', lang).format(answer=form_name(answer, lang)))}</p>"
        body += f"<h4>{esc(tr(UI, 'why', lang))}</h4><p>{esc(graded['feedback'][lang])}</p>"
        if item.get("explanation"):
            body += f"<h4>{esc(tr(UI, 'explanation', lang))}</h4><p>{esc(text_of(item['explanation'], lang))}</p>"
        self._feedback.value = section(
            f"<div class='ll-card' role='status' data-correct='{'true' if graded['correct'] else 'false'}' "
            f"data-liability-form='{esc(graded['engine_form'])}'>{body}</div>")

    def _render_score(self) -> None:
        done = [v for k, v in self.answers.items() if k[0] == self.current]
        self._score.value = section(
            f"<p>{esc(tr(UI, 'score', self.lang).format(done=len(done), right=sum(v['correct'] for v in done)))}</p>")
