"""The rules engine: from the facts of a dispute to the platform's liability, the payments and the burden of proof.

One pure function, :func:`analyze`, turns a scenario, a regime and a language into the analysis of the contract.
It reads no file, keeps no state beyond a cache of pure results, and imports no UI or server library.

Read it like the statute:

* :mod:`.provisions`: the rules of law, one decorated function each, quoting its article;
* :mod:`.evaluation`: which rule decides (special rules displace general ones; the most protective basis decides)
  and the counterfactuals;
* :mod:`.sweeps`: the same facts with one thing varied, as the chapters plot them (:func:`sensitivity`);
* :mod:`.money`: the payments under each form, and FSL art. 148 para. 2's punitive damages;
* :mod:`.burden`: who must prove what, now and under the paper's proposal;
* :mod:`.assessment`: all of it applied to one scenario, language-neutral (ids and numbers), cached;
* :mod:`.render`: the assessment in Chinese or English (the words are :mod:`casebook.texts`'): a language switch
  re-renders, it does not re-run the law.
"""

from __future__ import annotations

from ..scenario import ScenarioError, validate
from .assessment import Assessment, assess
from .burden import BURDEN_FACTS, CURRENT_BEARER, PROPOSAL_OPEN, PROPOSAL_SHIFT
from .evaluation import Evaluation, decide, evaluate
from .sweeps import form_grid, readings_sweep, sensitivity
from .money import payments, payments_for, punitive
from .provisions import FORMS, READINGS, REGIMES, RULE_BY_ID, RULES, STRENGTH, Finding, Rule
from .render import render

from ..languages import LANGS  # noqa: F401 (re-exported)

__all__ = [
    "LANGS", "REGIMES", "READINGS", "FORMS", "STRENGTH", "RULES", "RULE_BY_ID", "Rule", "Finding", "Evaluation",
    "Assessment", "BURDEN_FACTS", "CURRENT_BEARER", "PROPOSAL_SHIFT", "PROPOSAL_OPEN", "analyze", "assess",
    "render", "compare", "decide", "evaluate", "payments", "payments_for", "punitive", "sensitivity",
    "readings_sweep", "form_grid",
]


def analyze(scenario, regime: str = "statute", lang: str = "zh", *, pivotal: bool = True) -> dict:
    """The analysis of a scenario under a regime, in Chinese (``zh``) or English (``en``).

    ``scenario`` is a :class:`~casebook.scenario.Scenario` or a mapping (validated here). Raises
    :class:`ScenarioError` on bad input. ``pivotal=False`` skips the counterfactuals (four fifths of the work):
    ``pivotal_facts`` is then None, "not computed", for a view that never shows them.
    """
    s = validate(scenario)
    if not isinstance(regime, str) or regime not in REGIMES:
        raise ScenarioError("regime", f"got {regime!r:.40}; allowed: one of {', '.join(REGIMES)}")
    if not isinstance(lang, str) or lang not in LANGS:
        raise ScenarioError("lang", f"got {lang!r:.40}; allowed: zh or en")
    return render(assess(s, regime, bool(pivotal)), lang)


def compare(scenario, lang: str = "zh", regimes=REGIMES) -> dict:
    """The same facts under several regimes: regime -> analysis."""
    s = validate(scenario)
    return {r: analyze(s, r, lang) for r in regimes}
