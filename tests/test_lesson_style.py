"""Every chapter widget carries the lesson style sheet once, as its own first child, and never inside the HTML it
updates: a style sheet in a view's value was sent again with every change, and the browser restyled the whole page
on each before it painted the change (widgets/lessons/common.py, style_widget)."""

from __future__ import annotations

import importlib
import inspect
import re

import ipywidgets as W
import pytest

from widgets.controls import FixedVBox
from widgets.lessons import common

MODULES = ["case_replay", "controls_tour", "crpl44_readings", "decision_path", "duty_theories", "evidence_checker",
           "exercise_deck", "instance_comparison", "instruments_table", "readings_compare", "safety_duty_checklist",
           "set_upload", "status_theories", "teacher_view", "tier_ladder", "unification_table"]


def _lesson_classes():
    for name in MODULES:
        module = importlib.import_module(f"widgets.lessons.{name}")
        for cls in vars(module).values():
            if inspect.isclass(cls) and cls.__module__ == module.__name__ and issubclass(cls, FixedVBox):
                yield cls


def _build(cls, lang="zh"):
    if cls.__name__ == "TeacherView":
        from widgets.lessons.exercise_deck import ExerciseDeck

        return cls(ExerciseDeck(lang=lang), lang=lang)
    return cls(lang=lang)


def _html_values(widget):
    """Every HTML value under ``widget`` but its lesson style sheet."""
    out = []
    stack = [widget]
    while stack:
        w = stack.pop()
        if isinstance(w, W.HTML) and "ll-lesson-style" not in w._dom_classes:
            out.append(w.value)
        stack.extend(getattr(w, "children", ()) or ())
    return out


CLASSES = list(_lesson_classes())


def test_every_chapter_widget_is_found() -> None:
    assert len(CLASSES) == len(MODULES)


@pytest.mark.parametrize("cls", CLASSES, ids=[c.__name__ for c in CLASSES])
def test_the_style_sheet_is_the_first_child_once_and_not_in_the_views(cls) -> None:
    widget = _build(cls)
    first = widget.children[0]
    assert "ll-lesson-style" in first._dom_classes
    assert ".ll-lesson {" in first.value  # the chapters' common style
    wants_b = cls.__module__.rsplit(".", 1)[1] not in ("controls_tour", "crpl44_readings", "decision_path",
                                                        "duty_theories", "instruments_table", "readings_compare",
                                                        "status_theories")
    assert (".ll-large-controls " in first.value) == wants_b  # the projector sizing of chapters 05-09's widgets
    assert sum("ll-lesson-style" in c._dom_classes for c in widget.children) == 1
    widget.lang = "en"  # a change re-renders every view
    values = _html_values(widget)
    assert values and any('class="ll-lesson"' in v for v in values)
    assert not [v[:80] for v in values if re.search(r"<style[\s>]", v) and 'class="ll-lesson"' in v]
    assert widget.children[0] is first  # the sheet is not rebuilt or sent again


def test_section_wraps_the_body_without_a_style_sheet() -> None:
    assert common.section("<p>x</p>") == '<div class="ll-lesson"><p>x</p></div>'
    assert common.large_controls_style().value == common.CSS + common.LARGE_CONTROLS_CSS
