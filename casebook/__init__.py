"""Platform Liability Lab: the law as data and a pure rules engine.

The package holds the scenario model (:mod:`casebook.scenario`), the rules engine (:mod:`casebook.engine`), the
verbatim statutes (:mod:`casebook.statutes`), the casebook of the paper's four cases (:mod:`casebook.cases`,
:mod:`casebook.replay`) and the lessons' data (:mod:`casebook.lessons`). It must not import a UI library
(ipywidgets, traitlets, IPython) or the pages' server (voila, tornado, jupyter_server, :mod:`server`): a test imports
each module under an import guard.
"""

__version__ = "0.1.0"
