"""The chapters' widgets (chapters 00-09): each shows lesson data (:mod:`casebook.lessons`) or the engine's answers;
none decides anything. Their shared pieces (style sheets, HTML of a statement or an article) are in
:mod:`widgets.lessons.common`, their words in ``widgets/words/lessons/``.

One widget per module; import the module you need (``from widgets.lessons.decision_path import DecisionPath``), so
that a page loads only what it shows (pandas and matplotlib only where a chapter draws a table or a chart). Like the
rest of :mod:`widgets`, it must not import :mod:`server` or the engine's internals.
"""
