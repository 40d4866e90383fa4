"""Which of the casebook's decisions are closest to a scenario: a weighted distance over the scenario fields.

The fields that decide liability weigh most, the money fields least, so two disputes that differ only in the amount
are near neighbours while a self-operated shop and a marketplace seller are far apart. The distance is a weighted
mean of per-field differences, from 0 (the same facts) to 1 (different on every field). The decisions' scenarios
come from :mod:`casebook.cases`; many of their values are the tutorial's assumptions, and every difference says so
where it is one.
"""

from __future__ import annotations

import copy
from functools import lru_cache

from .scenario import FIELD_BY_NAME, FIELD_NAMES, Scenario, ScenarioError, validate
from .texts import FORM_NAMES, fmt_share

DECIDING = 3.0  # the facts that decide liability
CONTEXT = 1.0  # facts that shape the outcome only in some regimes or only through other facts
MONEY = 0.25  # amounts and shares: they change the payments, never the form

WEIGHTS = {
    "platform_mode": DECIDING,
    "food": DECIDING,
    "life_health_goods": DECIDING,
    "platform_knowledge": DECIDING,
    "necessary_measures": DECIDING,
    "qualification_review": DECIDING,
    "safety_duty": DECIDING,
    "seller_identity_disclosed": DECIDING,
    "favourable_promise": CONTEXT,
    "harm": CONTEXT,
    "causation": CONTEXT,
    "victim_is_consumer": CONTEXT,
    "risk_level": CONTEXT,
    "platform_tier": CONTEXT,
    "ten_fold_claim": CONTEXT,
    "seller_knew_unsafe": CONTEXT,
    "label_defect_only": CONTEXT,
    "damages": MONEY,
    "price": MONEY,
    "consumer_fault": MONEY,
    "seller_can_pay": MONEY,
    "platform_fault_share": MONEY,
}
assert set(WEIGHTS) == set(FIELD_NAMES), "every scenario field needs a weight"
_TOTAL = sum(WEIGHTS.values())


def _field_distance(name: str, a: Scenario, b: Scenario) -> float:
    spec = FIELD_BY_NAME[name]
    if spec.kind != "number":
        return 0.0 if getattr(a, name) == getattr(b, name) else 1.0
    if name == "platform_fault_share":  # compare the shares the engine uses, default included
        return abs(a.platform_share - b.platform_share)
    x, y = getattr(a, name), getattr(b, name)
    if spec.maximum == 1.0:
        return abs(x - y)
    return abs(x - y) / max(abs(x), abs(y), 1.0)  # amounts: relative difference


def distance(a, b) -> float:
    """The weighted distance between two scenarios, 0 to 1."""
    a, b = validate(a), validate(b)
    return sum(WEIGHTS[n] * _field_distance(n, a, b) for n in FIELD_NAMES) / _TOTAL


@lru_cache(maxsize=1)
def _casebook() -> tuple:
    from .cases import decisions  # lazily: the casebook is read from YAML on first use

    return tuple((d, validate(d["scenario"])) for d in decisions())


def _value_label(name: str, value) -> dict:
    spec = FIELD_BY_NAME[name]
    if spec.kind == "number" and spec.maximum == 1.0 and value is not None:
        return {lang: fmt_share(value, lang) for lang in ("zh", "en")}  # shares in percent, as the pages show them
    return {lang: spec.label_of(value, lang) for lang in ("zh", "en")}


def similar_decisions(scenario, k: int = 3) -> list[dict]:
    """The ``k`` casebook decisions closest to ``scenario`` (a Scenario or a mapping), nearest first.

    Each: ``{"id", "case_id", "short_name": {zh, en}, "case_number" (or None), "court": {zh, en} or None,
    "instance", "liability_form", "form_name": {zh, en}, "shares" (or None), "holding": {zh, en}, "source",
    "distance", "differences": [{"field", "label": {zh, en}, "value", "value_label": {zh, en}, "decision_value",
    "decision_value_label": {zh, en}, "weight", "assumed", "note": {zh, en} or None}]}``, differences ordered by
    weight. ``assumed`` marks a decision value that is the tutorial's assumption, not the paper's fact.
    Ties are broken by id. ScenarioError on a bad scenario or ``k``.
    """
    s = validate(scenario)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ScenarioError("k", f"got {str(k)[:40]!r}; allowed: a whole number >= 1")
    scored = sorted(((distance(s, ds), d["id"], d, ds) for d, ds in _casebook()), key=lambda t: (t[0], t[1]))
    out = []
    for dist, _, d, ds in scored[:k]:
        notes = d["scenario"].get("assumptions") or {}
        differences = []
        for name in sorted(FIELD_NAMES, key=lambda n: -WEIGHTS[n]):
            if getattr(s, name) == getattr(ds, name):
                continue
            note = notes.get(name)
            differences.append({
                "field": name,
                "label": dict(FIELD_BY_NAME[name].label),
                "value": getattr(s, name),
                "value_label": _value_label(name, getattr(s, name)),
                "decision_value": getattr(ds, name),
                "decision_value_label": _value_label(name, getattr(ds, name)),
                "weight": WEIGHTS[name],
                "assumed": note is not None,
                "note": ({"zh": note, "en": note} if isinstance(note, str) else dict(note)) if note else None,
            })
        out.append(copy.deepcopy({
            "id": d["id"],
            "case_id": d["case_id"],
            "short_name": d["short_name"],
            "case_number": d["case_number"],
            "court": d["court"],
            "instance": d["instance"],
            "liability_form": d["liability_form"],
            "form_name": FORM_NAMES[d["liability_form"]],
            "shares": d["shares"],
            "holding": d["holding"],
            "source": d["source"],
            "distance": round(dist, 4),
            "differences": differences,
        }))
    return out
