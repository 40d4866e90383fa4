"""Platform Liability Lab: the law as data and a pure rules engine.

The package holds the scenario model (:mod:`casebook.scenario`), the rules engine (:mod:`casebook.engine`), the
verbatim statutes (:mod:`casebook.statutes`) and the casebook of the paper's four cases (:mod:`casebook.cases`).
None of these modules imports a UI library.
"""

__version__ = "0.1.0"
