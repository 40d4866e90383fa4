"""ipywidgets components of Platform Liability Lab. They ask and show; the engine in :mod:`casebook` decides.

What it holds: the analyzer (:mod:`widgets.app`) and its views, one module each, on one view base
(:class:`widgets.controls.View`); every widget that takes state from the browser, guarded, in :mod:`widgets.controls`;
the language trait, ``tr`` and escaping (:mod:`widgets.base`); the views' words as data (``words/``, read by
:func:`widgets.words.table`); the style sheet (``static/``); the chapters' widgets (:mod:`widgets.lessons`).

What it may import: ipywidgets, traitlets and :mod:`casebook`; never the engine's internals (its ``analyze``,
``sensitivity`` and the like are the interface) and never :mod:`server` or the server's libraries (voila, tornado,
jupyter_server) beyond reading the page's request (:mod:`widgets.query`).
"""
