"""ipywidgets components of Platform Liability Lab. They ask and show; the engine in :mod:`casebook` decides.

What they may import: ipywidgets, traitlets and :mod:`casebook`; never the engine's internals (its ``analyze``,
``sensitivity`` and the like are the interface) and no server code beyond reading the page's request
(:mod:`widgets.query`).
"""
