"""The casebook replayed: a decision under its court's reading, every decision under one rule, and the casebook's
questions as a graded scenario set.

:func:`replay` (a decision under the statute and under the reading its court adopted), :func:`unification` (all
decisions under one rule), :func:`case_exercise_set` (chapter 09's questions, gradable) and :func:`missed_facts`
(for a wrong answer, the single facts that would have made it right). They decide nothing themselves: every
liability form comes from :mod:`casebook.engine`. Pure Python; imports no UI library.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache

from .cases import decision as _decision
from .cases import decisions as _decisions
from .engine import READINGS, analyze, decide
from .lessons import _exercises
from .scenario import FIELD_BY_NAME, validate


# --- the casebook as a scenario set -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _case_set_text() -> str:
    data = _exercises()
    items = []
    for item in data["items"]:
        dec = _decision(item["decision"])
        scenario = copy.deepcopy(dec["scenario"])
        notes = scenario.setdefault("assumptions", {})
        for field, value in item.get("changes", {}).items():
            scenario[field] = value
            notes[field] = item["change_note"]
        items.append({
            "id": item["id"],
            "title": item["title"],
            "scenario": scenario,
            "question": item["question"],
            "regime": item["regime"],
            "expected": {"liability_form": item["expected"]},
            "explanation": item["explanation"],
        })
    return json.dumps({"title": data["title"], "description": data["description"], "scenarios": items},
                      ensure_ascii=False)


def case_exercise_set() -> dict:
    """The casebook questions as a scenario set, loaded (and so validated) by :func:`casebook.scenario_sets.load_set`.

    :func:`case_exercise_sources` says which decision each item's facts come from.
    """
    from .scenario_sets import load_set

    return load_set(_case_set_text())


def case_exercise_sources() -> dict:
    """Item id -> the id of the casebook decision whose facts the item uses."""
    return {item["id"]: item["decision"] for item in _exercises()["items"]}


def missed_facts(analysis: dict, answer: str) -> list[dict]:
    """For an answer that differs from the engine's, the pivotal facts under which the answer would have been right.

    Each is an entry of the analysis's ``pivotal_facts`` (``field``, ``value``, ``from``, ``text``...). Empty when
    the answer is right or when no single fact would make it so.
    """
    if answer == analysis.get("liability_form"):
        return []
    return [p for p in analysis.get("pivotal_facts", []) if p.get("liability_form") == answer]


# --- replaying a decision ---------------------------------------------------------------------------------------


def holding_regime(dec: dict) -> str:
    """The regime named after the court's holding: the reading it adopted, or ``statute`` when it held no liability."""
    return dec["liability_form"] if dec["liability_form"] in READINGS else "statute"


def replay(decision_id: str, lang: str = "zh") -> dict:
    """A decision's scenario under the statute and under the regime named after the holding.

    Returns ``{"decision", "held", "statute", "holding_regime", "under_holding", "statute_allows", "replayed"}``:
    ``statute_allows`` says whether the held form is the statute's form or among its alternatives; ``replayed``
    whether the engine under the holding's regime gives the held form.
    """
    dec = _decision(decision_id)
    statute = analyze(dec["scenario"], "statute", lang)
    regime = holding_regime(dec)
    under = statute if regime == "statute" else analyze(dec["scenario"], regime, lang)
    held = dec["liability_form"]
    allowed = {statute["liability_form"]} | {a["form"] for a in statute["alternatives"]}
    return {
        "decision": dec,
        "held": held,
        "statute": statute,
        "holding_regime": regime,
        "under_holding": under,
        "statute_allows": held in allowed,
        "replayed": under["liability_form"] == held,
    }


# --- one rule for all the cases ---------------------------------------------------------------------------------

UNIFY_REGIMES = ("statute", "proposal", "proposal_ladder")
OVERRIDE_FIELDS = ("causation", "risk_level")


def unification(overrides: dict | None = None) -> dict:
    """Every decision under the statute, the proposal and its ladder-first variant, and how far they agree.

    ``overrides`` may set ``causation`` and/or ``risk_level`` for every decision (a "what if" across the cases;
    the paper reports neither for any case). Returns ``{"rows": [...], "summary": {...}}``; each row has ``id``,
    ``held``, ``forms`` (regime -> form), ``allowed`` (regime -> the forms a court may choose: the form, or the
    statute's alternatives where it leaves the form open) and ``agrees`` (regime -> the held form is allowed).
    The summary counts, per regime and for the holdings, the decisions whose form is settled, the distinct forms,
    the decisions that agree with their court, and whether the two instances of a case come out alike.
    """
    overrides = dict(overrides or {})
    for key, value in overrides.items():
        if key not in OVERRIDE_FIELDS:
            raise ValueError(f"cannot override {key!r}; allowed: {', '.join(OVERRIDE_FIELDS)}")
        spec = FIELD_BY_NAME[key]
        if value not in spec.options:
            raise ValueError(f"{key}: got {value!r}; allowed: {', '.join(spec.options)}")
    rows = []
    for dec in _decisions():
        base = {k: v for k, v in dec["scenario"].items() if k != "assumptions"}
        s = validate({**base, **overrides})
        forms, allowed = {}, {}
        for regime in UNIFY_REGIMES:
            form = decide(s, regime)
            forms[regime] = form
            allowed[regime] = list(READINGS) if form == "undetermined" else [form]
        rows.append({
            "id": dec["id"],
            "case_id": dec["case_id"],
            "short_name": dec["short_name"],
            "case_number": dec["case_number"],
            "instance": dec["instance"],
            "held": dec["liability_form"],
            "shares": dec["shares"],
            "forms": forms,
            "allowed": allowed,
            "agrees": {r: dec["liability_form"] in allowed[r] for r in UNIFY_REGIMES},
        })

    def same_case_alike(key) -> bool:
        # Alike means settled and equal: two instances both left open may still be decided differently.
        by_case: dict = {}
        for row in rows:
            by_case.setdefault(row["case_id"], set()).add(key(row))
        return all(len(v) == 1 and "undetermined" not in v for v in by_case.values())

    summary = {"held": {
        "settled": len(rows),
        "distinct": len({r["held"] for r in rows}),
        "agree": len(rows),
        "instances_alike": same_case_alike(lambda r: r["held"]),
    }}
    for regime in UNIFY_REGIMES:
        settled = [r for r in rows if r["forms"][regime] != "undetermined"]
        summary[regime] = {
            "settled": len(settled),
            "distinct": len({r["forms"][regime] for r in settled}),
            "open": [r["id"] for r in rows if r["forms"][regime] == "undetermined"],
            "agree": sum(r["agrees"][regime] for r in rows),
            "agree_exactly": sum(r["forms"][regime] == r["held"] for r in rows),
            "instances_alike": same_case_alike(lambda r, g=regime: r["forms"][g]),
        }
    return {"rows": rows, "summary": summary, "overrides": overrides}
