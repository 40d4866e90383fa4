"""Chapter data for chapters 05-09: the paper's statements they teach, and the casebook questions they ask.

The statements live in ``casebook/data/lessons/{safety_duty,burden_of_proof,reforms,exercises}.yaml``, in the
statement format of :mod:`casebook.lessons` (the chapters 00-04 loader, which reads only its own files): the paper's
words as ``{quote, en, section}`` (exact Chinese; the English is the project's unofficial rendering), a point the
paper leaves open as ``{zh, en, section, open: true}``, the tutorial's own addition as ``{zh, en, addition: true}``;
here each quotation also has an ``id`` and a short ``label`` (the tutorial's heading). The loaders read and check
them (known keys only, every text in both languages) and return copies.

Beyond loading, three small functions put the engine's answers side by side for the chapters: :func:`replay`
(a decision under the statute and under the reading its court adopted), :func:`unification` (all decisions under
one rule) and :func:`missed_facts` (for a wrong answer, the single facts that would have made it right). They decide
nothing themselves: every liability form comes from :mod:`casebook.engine`.

Pure Python: the standard library and PyYAML. Imports no UI library.
"""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from .cases import decision as _decision
from .cases import decisions as _decisions
from .engine import FORMS, READINGS, REGIMES, analyze, decide
from .scenario import FIELD_BY_NAME, validate

LESSONS_DIR = Path(__file__).resolve().parent / "data" / "lessons"
LANGS = ("zh", "en")
_SECTION = re.compile(r"\d+(\.\d+)*")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")


class LessonDataError(ValueError):
    """A lesson file that breaks its shape. ``str()`` names the file and the key path."""

    def __init__(self, file: str, key: str, message: str):
        self.file, self.key, self.message = file, key, message
        super().__init__(f"{file}: {key or '(top level)'}: {message}")


# --- checking ---------------------------------------------------------------------------------------------------


class _Checker:
    def __init__(self, file: str):
        self.file = file

    def fail(self, key: str, message: str):
        raise LessonDataError(self.file, key, message)

    def mapping(self, value: Any, key: str, required: tuple, optional: tuple = ()) -> dict:
        if not isinstance(value, dict):
            self.fail(key, f"must be a mapping, not {type(value).__name__}")
        for k in value:
            if k not in required and k not in optional:
                self.fail(f"{key}.{k}", f"unknown key; allowed: {', '.join(required + optional)}")
        for k in required:
            if k not in value:
                self.fail(f"{key}.{k}", "required key is missing")
        return value

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "must be non-empty text")
        return value

    def bilingual(self, value: Any, key: str) -> dict:
        self.mapping(value, key, LANGS)
        for lang in LANGS:
            self.text(value[lang], f"{key}.{lang}")
        return value

    def ident(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not _ID.fullmatch(value):
            self.fail(key, f"got {value!r}; allowed: lower-case letters, digits, - and _")
        return value

    def section(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not _SECTION.fullmatch(value):
            self.fail(key, f"got {value!r}; allowed: a section number such as \"4.1.2\"")
        return value

    def statement(self, value: Any, key: str) -> dict:
        """The paper's words: ``{id, label, quote, en, section}`` (the format of :mod:`casebook.lessons`)."""
        self.mapping(value, key, ("id", "section", "label", "quote", "en"))
        self.ident(value["id"], f"{key}.id")
        self.section(value["section"], f"{key}.section")
        self.bilingual(value["label"], f"{key}.label")
        self.text(value["quote"], f"{key}.quote")
        self.text(value["en"], f"{key}.en")
        return value

    def open_point(self, value: Any, key: str, with_id: bool = True) -> dict:
        """A point the paper leaves open, in the tutorial's words: ``{id, section, open: true, zh, en}``."""
        self.mapping(value, key, ("section", "open", "zh", "en") + (("id",) if with_id else ()))
        if with_id:
            self.ident(value["id"], f"{key}.id")
        self.section(value["section"], f"{key}.section")
        if value["open"] is not True:
            self.fail(f"{key}.open", "must be true")
        self.text(value["zh"], f"{key}.zh")
        self.text(value["en"], f"{key}.en")
        return value

    def addition(self, value: Any, key: str) -> dict:
        """The tutorial's own words, never the paper's: ``{zh, en, addition: true}``."""
        self.mapping(value, key, ("zh", "en", "addition"))
        if value["addition"] is not True:
            self.fail(f"{key}.addition", "must be true")
        self.text(value["zh"], f"{key}.zh")
        self.text(value["en"], f"{key}.en")
        return value

    def statements(self, value: Any, key: str) -> list:
        if not isinstance(value, list) or not value:
            self.fail(key, "must be a non-empty list of statements")
        seen = set()
        for i, item in enumerate(value):
            self.statement(item, f"{key}[{i}]")
            if item["id"] in seen:
                self.fail(f"{key}[{i}].id", f"{item['id']!r} is used twice")
            seen.add(item["id"])
        return value

    def open_points(self, value: Any, key: str) -> list:
        if not isinstance(value, list) or not value:
            self.fail(key, "must be a non-empty list")
        for i, item in enumerate(value):
            self.open_point(item, f"{key}[{i}]")
        return value


def _read(name: str) -> tuple[Any, _Checker]:
    import yaml

    path = LESSONS_DIR / f"{name}.yaml"
    check = _Checker(path.name)
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        check.fail("", f"cannot read: {first}")
    return data, check


# --- the loaders ------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _safety_duty() -> dict:
    data, c = _read("safety_duty")
    c.mapping(data, "", ("definition", "problems", "standard", "measures", "tiers", "factors", "open_points"))
    c.statement(data["definition"], "definition")
    for key in ("problems", "standard", "measures", "factors"):
        c.statements(data[key], key)
    c.mapping(data["tiers"], "tiers", ("basis", "levels"))
    c.statement(data["tiers"]["basis"], "tiers.basis")
    levels = data["tiers"]["levels"]
    tiers = FIELD_BY_NAME["platform_tier"].options
    if not isinstance(levels, list) or [lv.get("id") if isinstance(lv, dict) else None for lv in levels] != list(tiers):
        c.fail("tiers.levels", f"must list the tiers {', '.join(tiers)} in that order")
    for i, level in enumerate(levels):
        key = f"tiers.levels[{i}]"
        c.mapping(level, key, ("id", "label", "paper", "unsaid"))
        c.bilingual(level["label"], f"{key}.label")
        c.open_point(level["unsaid"], f"{key}.unsaid", with_id=False)
        if not isinstance(level["paper"], list):
            c.fail(f"{key}.paper", "must be a list of statements (empty where the paper says nothing)")
        for j, st in enumerate(level["paper"]):
            c.statement(st, f"{key}.paper[{j}]")
    c.open_points(data["open_points"], "open_points")
    return data


@lru_cache(maxsize=1)
def _burden_of_proof() -> dict:
    from .proving import IN_PLATFORM_RECORDS, UNPROVEN

    data, c = _read("burden_of_proof")
    c.mapping(data, "", ("current", "proposal", "open_points", "evidence"))
    c.statements(data["current"], "current")
    c.statements(data["proposal"], "proposal")
    c.open_points(data["open_points"], "open_points")
    ev = data["evidence"]
    if not isinstance(ev, list) or [e.get("fact") if isinstance(e, dict) else None for e in ev] != list(UNPROVEN):
        c.fail("evidence", f"must list the facts {', '.join(UNPROVEN)} in that order")
    for i, item in enumerate(ev):
        key = f"evidence[{i}]"
        c.mapping(item, key, ("fact", "example", "in_platform_records"))
        c.addition(item["example"], f"{key}.example")
        if item["in_platform_records"] is not (item["fact"] in IN_PLATFORM_RECORDS):
            c.fail(f"{key}.in_platform_records", "disagrees with casebook.proving.IN_PLATFORM_RECORDS")
    return data


@lru_cache(maxsize=1)
def _reforms() -> dict:
    data, c = _read("reforms")
    c.mapping(data, "", ("rule", "guiding_cases", "review", "open_points"))
    for key in ("rule", "guiding_cases", "review"):
        c.statements(data[key], key)
    c.open_points(data["open_points"], "open_points")
    return data


@lru_cache(maxsize=1)
def _exercises() -> dict:
    data, c = _read("exercises")
    c.mapping(data, "", ("title", "description", "items"))
    c.bilingual(data["title"], "title")
    c.bilingual(data["description"], "description")
    items = data["items"]
    if not isinstance(items, list) or not items:
        c.fail("items", "must be a non-empty list")
    known = {d["id"] for d in _decisions()}
    seen = set()
    for i, item in enumerate(items):
        key = f"items[{i}]"
        c.mapping(item, key, ("id", "decision", "regime", "title", "question", "expected", "explanation"),
                  ("changes", "change_note"))
        c.ident(item["id"], f"{key}.id")
        if item["id"] in seen:
            c.fail(f"{key}.id", f"{item['id']!r} is used twice")
        seen.add(item["id"])
        if item["decision"] not in known:
            c.fail(f"{key}.decision", f"{item['decision']!r} is not a casebook decision; known: {', '.join(sorted(known))}")
        if item["regime"] not in REGIMES:
            c.fail(f"{key}.regime", f"got {item['regime']!r}; allowed: {', '.join(REGIMES)}")
        if item["expected"] not in FORMS:
            c.fail(f"{key}.expected", f"got {item['expected']!r}; allowed: {', '.join(FORMS)}")
        for k in ("title", "question", "explanation"):
            c.bilingual(item[k], f"{key}.{k}")
        if ("changes" in item) != ("change_note" in item):
            c.fail(f"{key}.changes", "a change needs its change_note, and a change_note its change")
        if "changes" in item:
            changes = c.mapping(item["changes"], f"{key}.changes", (), tuple(FIELD_BY_NAME))
            if not changes:
                c.fail(f"{key}.changes", "must change at least one fact")
            c.bilingual(item["change_note"], f"{key}.change_note")
    return data


def safety_duty() -> dict:
    """Chapter 05: definition, problems (§3.2.2), standard, measures, tiers, factors (§4.1.2), open points."""
    return copy.deepcopy(_safety_duty())


def burden_of_proof() -> dict:
    """Chapter 07: the current rule (§3.3.2), the proposal (§4.2.3), open points, evidence examples by fact."""
    return copy.deepcopy(_burden_of_proof())


def reforms() -> dict:
    """Chapter 08: the proposal's rule (§4.1.1), guiding cases (§4.2.2), review (§4.2.1), open points."""
    return copy.deepcopy(_reforms())


def exercises() -> dict:
    """Chapter 09: the casebook questions as stored (see :func:`case_exercise_set` for a gradable set)."""
    return copy.deepcopy(_exercises())


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
