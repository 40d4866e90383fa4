"""Which rule decides: every provision applied to the facts, the displaced ones set aside, the most protective left.

Among the bases that hold and are not displaced, the consumer may rely on whichever protects them most
(:data:`~casebook.engine.provisions.STRENGTH`); ties go to the rule declared first. Cheap enough to run for every
counterfactual of :func:`pivotal_facts` and every point of :func:`sensitivity`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..scenario import FIELD_BY_NAME, FIELDS, Scenario, validate
from .provisions import REGIMES, RULES, STRENGTH, Finding, Rule


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


def sensitivity(scenario, field: str, steps, regime: str = "statute", form: str | None = None) -> list[dict]:
    """The liability form and payments as one number of the scenario runs through ``steps``, all else unchanged.

    ``form``: the payments under that form instead of the one each point's facts give (a chart of one reading).
    Each point is ``{"value", "liability_form", "payments", "recourse", "platform_exposure"}``; the chapters and
    the analyzer plot these. ScenarioError for an unknown field, a field that is not a number, or a bad value.
    """
    from ..scenario import ScenarioError
    from .money import payments_for

    s = validate(scenario)
    spec = FIELD_BY_NAME.get(field) if isinstance(field, str) else None
    if spec is None or spec.kind != "number":
        raise ScenarioError("field", f"got {str(field)[:40]!r}; allowed: a number field")
    if regime not in REGIMES:
        raise ScenarioError("regime", f"got {str(regime)[:40]!r}; allowed: one of {', '.join(REGIMES)}")
    out = []
    for value in steps:
        point = s.replace(**{field: value})
        ev = evaluate(point, regime)
        shown = form or ev.form
        money = payments_for(point, shown, ev if form is None else None)
        out.append({"value": value, "liability_form": ev.form, **money})
    return out
