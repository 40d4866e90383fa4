"""Sweeps: the same facts with one thing varied, as the chapters and the analyzer plot them.

Each sweep is pure and built from the engine's own pieces (evaluation and money), so a chart can never show a
figure the analysis would not give.
"""

from __future__ import annotations

from ..scenario import FIELD_BY_NAME, ScenarioError, validate
from .evaluation import decide, evaluate
from .money import payments, payments_for
from .provisions import READINGS, REGIMES


def _check_regime(regime) -> None:
    if not isinstance(regime, str) or regime not in REGIMES:
        raise ScenarioError("regime", f"got {regime!r:.40}; allowed: one of {', '.join(REGIMES)}")


def sensitivity(scenario, field: str, steps, regime: str = "statute", form: str | None = None) -> list[dict]:
    """The liability form and the payments as one number of the scenario runs through ``steps``, all else unchanged.

    Each point is ``{"value", "liability_form", "payments", "recourse", "platform_exposure"}``: the payments under
    the form the facts give (for an open form, the least favourable reading's, as in the analysis), or under
    ``form`` where given (a chart of one reading). A value the scenario cannot take (a share of fault that, with the
    platform's, exceeds the whole) gives ``{"value", "liability_form": None, "payments": None}``.
    ScenarioError for an unknown field, a field that is not a number, or a bad regime.
    """
    s = validate(scenario)
    spec = FIELD_BY_NAME.get(field) if isinstance(field, str) else None
    if spec is None or spec.kind != "number":
        raise ScenarioError("field", f"got {field!r:.40}; allowed: a number field")
    _check_regime(regime)
    out = []
    for value in steps:
        try:
            point = s.replace(**{field: value})
        except ScenarioError:
            out.append({"value": value, "liability_form": None, "payments": None})
            continue
        ev = evaluate(point, regime)
        shown = form or ev.form
        out.append({"value": value, "liability_form": ev.form, **payments_for(point, shown, ev if form is None else None)})
    return out


def readings_sweep(scenario, field: str, steps) -> dict:
    """Each reading of "相应的责任"'s payments as ``field`` runs through ``steps``: reading -> [(value, payments)],
    plus ``supplementary_capped``, the supplementary reading under Civil Code art. 1198's cap (the tutorial's
    addition)."""
    s = validate(scenario)
    out = {r: [] for r in (*READINGS, "supplementary_capped")}
    for value in steps:
        point = s.replace(**{field: value})
        for r in READINGS:
            money = payments(point, r)
            out[r].append((value, money["payments"]))
            if r == "supplementary":
                out["supplementary_capped"].append((value, money["capped_payments"]))
    return out


def form_grid(scenario, axes: dict, regimes=REGIMES) -> dict:
    """The liability form over a grid of facts: ``axes`` maps two (or more) fields to the values to try; returns
    (value, value, ...) -> {regime: form}."""
    s = validate(scenario)
    for regime in regimes:
        _check_regime(regime)
    names = list(axes)
    grid = [()]
    for name in names:
        grid = [combo + (v,) for combo in grid for v in axes[name]]
    return {combo: {r: decide(s.replace(**dict(zip(names, combo))), r) for r in regimes} for combo in grid}
