"""Which rule decides: every provision applied to the facts, the displaced ones set aside, the most protective left.

Among the bases that hold and are not displaced, the consumer may rely on whichever protects them most
(:data:`~casebook.engine.provisions.STRENGTH`); ties go to the rule declared first. Cheap enough to run for every
counterfactual of :func:`pivotal_facts` and every point of :mod:`casebook.engine.sweeps`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..scenario import FIELDS, Scenario
from .provisions import RULES, STRENGTH, Finding, Rule


@dataclass(frozen=True)
class Evaluation:
    findings: tuple  # (Rule, Finding) in declared order, up to the gate that failed
    winner: Rule
    form: str
    displaced: dict  # rule id -> id of the rule that displaced it

    @property
    def held(self) -> set:
        return {r.id for r, f in self.findings if f.held}


def strength(f: Finding) -> int:
    return STRENGTH[f.form] if f.strength is None else f.strength


def evaluate(s: Scenario, regime: str) -> Evaluation:
    """Apply every rule and choose the one that decides."""
    findings = []
    for r in RULES:
        f = r.test(s, regime)
        findings.append((r, f))
        if r.gate and not f.held:
            return Evaluation(tuple(findings), r, "none", {})
    held = [(r, f) for r, f in findings if f.held and not r.gate]
    displaced = {}
    for r, _ in held:
        for other in r.overrides:
            displaced.setdefault(other, r.id)
    live = [(r, f) for r, f in held if r.id not in displaced]
    # The most protective live basis decides; ties go to the rule declared first (max keeps the first maximum).
    winner, finding = max(live, key=lambda rf: strength(rf[1]))
    return Evaluation(tuple(findings), winner, finding.form, displaced)


def decide(s: Scenario, regime: str = "statute") -> str:
    """Just the liability form."""
    return evaluate(s, regime).form


# --- counterfactuals --------------------------------------------------------------------------------------------

VARIANTS = tuple(
    (f.name, v)
    for f in FIELDS
    if f.kind in ("choice", "bool")
    for v in (f.options if f.kind == "choice" else (False, True))
)


def pivotal_facts(s: Scenario, regime: str, form: str) -> tuple:
    """Every single-fact change that would change the liability form: ``(field, value, from, new form)``."""
    out = []
    for name, value in VARIANTS:
        current = getattr(s, name)
        if current == value:
            continue
        other = evaluate(replace(s, **{name: value}), regime).form
        if other != form:
            out.append((name, value, current, other))
    return tuple(out)
