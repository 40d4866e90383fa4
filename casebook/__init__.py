"""Platform Liability Lab: the law as data and a pure rules engine.

The package holds the scenario model (:mod:`casebook.scenario`), the rules engine (:mod:`casebook.engine`), the
verbatim statutes (:mod:`casebook.statutes`), the casebook of the paper's four cases (:mod:`casebook.cases`,
:mod:`casebook.replay`) and the lessons' data (:mod:`casebook.lessons`). The law's modules import no UI library
(ipywidgets, traitlets, IPython) and no server (voila, tornado, jupyter_server); the modules that still serve pages
from here (``serving``, ``voila_public``, ``voila_template``) are to move to a serving package of their own.
"""

__version__ = "0.1.0"
