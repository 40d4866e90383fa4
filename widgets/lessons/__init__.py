"""Chapter widgets for chapters 00-04: each shows lesson data or the engine's answers; none decides anything.

One widget per module; import the module you need (``from widgets.lessons.decision_path import DecisionPath``), so
that a page loads only what it shows.
"""
