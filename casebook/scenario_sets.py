"""A teacher's scenario set: questions on scenarios, answered by choosing a liability form, checked by the engine.

A set is a JSON or YAML file::

    title: {zh: 课堂练习, en: Classroom exercises}     # or one string for both languages
    description: {zh: ..., en: ...}                   # optional
    scenarios:                                        # 1 to 100 items
      - id: knew-and-did-nothing                      # letters, digits, - and _; unique in the set
        title: {zh: ..., en: ...}
        scenario: {platform_knowledge: knew, ...}     # a scenario, as in a scenario file (assumptions allowed)
        question: {zh: ..., en: ...}
        regime: statute                               # optional; default statute
        expected:
          liability_form: joint
          payments: {seller: 5000, platform: 5000, consumer_unrecovered: 0}   # optional, any of the three
          recourse: 0                                                          # optional
        explanation: {zh: ..., en: ...}               # optional

:func:`load_set` validates all of it (at most :data:`MAX_BYTES` of text; YAML anchors and aliases are refused,
so a small file cannot expand into a huge one) and raises :class:`ScenarioSetError` (a ScenarioError) naming the
key path. :func:`check_answer` grades an answer against the engine's analysis of the item, not against the stored
``expected`` value; :func:`verify_set` lists every item where the stored value and the engine disagree.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Mapping

from .engine import FORMS, REGIMES, analyze
from .scenario import DEFAULTS, LANGS, ScenarioError, validate
from .texts import FORM_NAMES

MAX_BYTES = 256 * 1024
MAX_ITEMS = 100
PAYMENT_KEYS = ("seller", "platform", "consumer_unrecovered")
TOLERANCE = 0.01  # yuan: the engine rounds to cents
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
SET_KEYS = ("title", "description", "scenarios")
ITEM_KEYS = ("id", "title", "scenario", "question", "regime", "expected", "explanation")
EXPECTED_KEYS = ("liability_form", "payments", "recourse")


class ScenarioSetError(ScenarioError):
    """A scenario set that cannot be used. ``field`` is the key path (``scenarios[2].expected``)."""


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return json.dumps(text[:40] + ("…" if len(text) > 40 else ""), ensure_ascii=False)


# --- parsing --------------------------------------------------------------------------------------------------


def _parse(text: str) -> Any:
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(stripped)
        except (ValueError, RecursionError):
            pass  # JSON-looking YAML (flow style) is still YAML
    import yaml  # lazily: only a teacher's upload needs it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ScenarioSetError(None, "YAML anchors and aliases (& and *) are not allowed in a scenario set")
        return yaml.load(text, Loader=loader)
    except ScenarioSetError:
        raise
    except Exception as exc:  # any parser failure is the teacher's input, not our bug
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ScenarioSetError(None, f"the scenario set is neither JSON nor YAML ({first[:120]})") from None


# --- validation -----------------------------------------------------------------------------------------------


def _mapping(value: Any, path: str, allowed: tuple) -> dict:
    if not isinstance(value, Mapping):
        what = "the scenario set" if not path else None
        raise ScenarioSetError(path or None, f"{what} must be a mapping, not {type(value).__name__}" if what
                               else f"must be a mapping, not {type(value).__name__}")
    for key in value:
        if key not in allowed:
            raise ScenarioSetError(f"{path}.{str(key)[:40]}" if path else str(key)[:40],
                                   f"unknown key; allowed keys: {', '.join(allowed)}")
    return dict(value)


def _text(value: Any, path: str) -> dict:
    """A bilingual text: one string for both languages, or {zh, en}."""
    if isinstance(value, str) and value.strip():
        return {"zh": value, "en": value}
    if isinstance(value, Mapping):
        _mapping(value, path, LANGS)
        out = {}
        for lang in LANGS:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                raise ScenarioSetError(f"{path}.{lang}", "must be non-empty text")
            out[lang] = text
        return out
    raise ScenarioSetError(path, "must be non-empty text or a mapping {zh, en}")


def _amount(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ScenarioSetError(path, f"got {_short(value)}; allowed: a number >= 0 (yuan)")
    return float(value)


def _expected(value: Any, path: str) -> dict:
    data = _mapping(value, path, EXPECTED_KEYS)
    form = data.get("liability_form")
    if form not in FORMS:
        raise ScenarioSetError(f"{path}.liability_form", f"got {_short(form)}; allowed: one of {', '.join(FORMS)}")
    out: dict = {"liability_form": form}
    if data.get("payments") is not None:
        pays = _mapping(data["payments"], f"{path}.payments", PAYMENT_KEYS)
        out["payments"] = {k: _amount(v, f"{path}.payments.{k}") for k, v in pays.items()}
    if data.get("recourse") is not None:
        out["recourse"] = _amount(data["recourse"], f"{path}.recourse")
    return out


def _item(value: Any, path: str) -> dict:
    data = _mapping(value, path, ITEM_KEYS)
    for key in ("id", "title", "scenario", "question", "expected"):
        if key not in data:
            raise ScenarioSetError(f"{path}.{key}", "required key is missing")
    id_ = data["id"]
    if not isinstance(id_, str) or not _ID.fullmatch(id_):
        raise ScenarioSetError(f"{path}.id", f"got {_short(id_)}; allowed: 1-64 letters, digits, - and _")
    scenario = data["scenario"]
    if not isinstance(scenario, Mapping):
        raise ScenarioSetError(f"{path}.scenario", f"must be a mapping of field names to values, not "
                                                   f"{type(scenario).__name__}")
    try:
        validate(scenario)
    except ScenarioError as exc:
        where = f"{path}.scenario" + (f".{exc.field}" if exc.field else "")
        raise ScenarioSetError(where, exc.message) from None
    regime = data.get("regime", "statute")
    if regime not in REGIMES:
        raise ScenarioSetError(f"{path}.regime", f"got {_short(regime)}; allowed: one of {', '.join(REGIMES)}")
    return {
        "id": id_,
        "title": _text(data["title"], f"{path}.title"),
        "scenario": dict(scenario),
        "question": _text(data["question"], f"{path}.question"),
        "regime": regime,
        "expected": _expected(data["expected"], f"{path}.expected"),
        "explanation": _text(data["explanation"], f"{path}.explanation") if data.get("explanation") is not None
        else None,
    }


def load_set(text: str | bytes) -> dict:
    """Parse and validate a scenario set; returns ``{"title": {zh, en}, "description": {zh, en} | None,
    "scenarios": [item, ...]}`` with every text as {zh, en}, every regime filled in and every scenario checked.

    Raises :class:`ScenarioSetError` (a ScenarioError) naming the key path on any problem.
    """
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise ScenarioSetError(None, f"the scenario set is too large ({len(text)} bytes; at most {MAX_BYTES})")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ScenarioSetError(None, "the scenario set is not UTF-8 text") from None
    if not isinstance(text, str):
        raise ScenarioSetError(None, f"a scenario set must be text, not {type(text).__name__}")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise ScenarioSetError(None, f"the scenario set is too large ({size} bytes; at most {MAX_BYTES})")
    if not text.strip():
        raise ScenarioSetError(None, "the scenario set is empty")
    data = _mapping(_parse(text), "", SET_KEYS)
    if "title" not in data:
        raise ScenarioSetError("title", "required key is missing")
    items = data.get("scenarios")
    if not isinstance(items, list) or not items:
        raise ScenarioSetError("scenarios", "must be a non-empty list of scenario items")
    if len(items) > MAX_ITEMS:
        raise ScenarioSetError("scenarios", f"has {len(items)} items; at most {MAX_ITEMS}")
    out, seen = [], {}
    for i, raw in enumerate(items):
        item = _item(raw, f"scenarios[{i}]")
        if item["id"] in seen:
            raise ScenarioSetError(f"scenarios[{i}].id", f"{_short(item['id'])} is already used by "
                                                          f"scenarios[{seen[item['id']]}]")
        seen[item["id"]] = i
        out.append(item)
    return {
        "title": _text(data["title"], "title"),
        "description": _text(data["description"], "description") if data.get("description") is not None else None,
        "scenarios": out,
    }


def load_set_file(path) -> dict:
    """Read and validate a scenario set file; ScenarioSetError if it cannot be read."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ScenarioSetError(None, f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    return load_set(raw)


def example_set_path(name: str = "classroom-basics"):
    """Path of a scenario set shipped with the package (``casebook/data/sets/<name>.yaml``)."""
    from pathlib import Path

    if not _ID.fullmatch(name):
        raise ScenarioSetError("name", f"got {_short(name)}; allowed: letters, digits, - and _")
    return Path(__file__).resolve().parent / "data" / "sets" / f"{name}.yaml"


# --- grading --------------------------------------------------------------------------------------------------


def _as_item(item: Any) -> dict:
    """An item validated like one in a set (loaded items pass unchanged: normalising is idempotent)."""
    return _item(item, "item")


def _deciding(analysis: dict) -> tuple[dict, dict | None]:
    steps = analysis["trace"]
    step = next((s for s in steps if s.get("decisive")), None) or next(
        s for s in steps if s["rule"] == analysis["deciding_rule"])
    proposal = next((s for s in steps if s["rule"] == "proposal_4_1_1"), None)
    return step, proposal


def _feedback(analysis: dict, answer: str, correct: bool, lang: str, stored: str) -> str:
    zh = lang == "zh"
    form_name, answer_name = analysis["form_name"], FORM_NAMES[answer][lang]
    sep = "" if zh else " "
    parts = []
    if correct:
        parts.append(f"正确：{form_name}。" if zh else f"Correct: {form_name}.")
    else:
        parts.append(f"不对：你的答案是“{answer_name}”，引擎的结论是“{form_name}”。" if zh else
                     f"Not quite: you answered \"{answer_name}\"; the engine concludes \"{form_name}\".")
    step, proposal = _deciding(analysis)
    name = step.get("name", step["rule"])
    parts.append(f"决定的规则：{name}（{step['citation']}）。{step['reason']}" if zh else
                 f"Deciding rule: {name} ({step['citation']}). {step['reason']}")
    if proposal is not None:
        parts.append(f"{proposal['citation']}：{proposal['reason']}" if zh else
                     f"{proposal['citation']}: {proposal['reason']}")
    if not correct and analysis["liability_form"] == "undetermined" and answer in ("joint", "supplementary",
                                                                                      "proportional",
                                                                                      "non_genuine_joint"):
        parts.append(analysis["open_points"][0] if analysis["open_points"] else "")
    # Facts the item sets away from their defaults are the ones the question is about: name those first.
    changed = {k for k, v in analysis["scenario"].items() if v != DEFAULTS[k]}
    pivots = sorted(analysis["pivotal_facts"], key=lambda p: p["field"] not in changed)[:3]
    if pivots:
        joined = ("；" if zh else "; ").join(p["text"] for p in pivots)
        parts.append(f"关键事实：{joined}。" if zh else f"Pivotal facts: {joined}.")
    if stored != analysis["liability_form"]:
        parts.append(f"注意：本题集记载的答案是“{FORM_NAMES[stored][lang]}”，与引擎不一致；以引擎为准，请告知出题人。" if zh else
                     f"Note: the set records \"{FORM_NAMES[stored][lang]}\", which differs from the engine; the "
                     "engine's answer is used. Please tell the set's author.")
    return sep.join(p for p in parts if p)


def check_answer(item: Any, answer_form: Any) -> dict:
    """Grade an answer (a liability form) to an item, by the engine's analysis of the item's scenario.

    Returns ``{"correct": bool, "engine_form": form, "deciding_rule": rule id, "feedback": {"zh", "en"}}``; the
    feedback names the rule that decided (with its citation and the trace's reason), the paper's §4.1.1 step
    where the proposal decided, and up to three pivotal facts. ScenarioError on a bad item or an unknown form.
    """
    it = _as_item(item)
    if answer_form not in FORMS:
        raise ScenarioSetError("answer", f"got {_short(answer_form)}; allowed: one of {', '.join(FORMS)}")
    by_lang = {lang: analyze(it["scenario"], it["regime"], lang) for lang in LANGS}
    engine_form = by_lang["zh"]["liability_form"]
    correct = answer_form == engine_form
    stored = it["expected"]["liability_form"]
    return {
        "correct": correct,
        "engine_form": engine_form,
        "deciding_rule": by_lang["zh"]["deciding_rule"],
        "feedback": {lang: _feedback(a, answer_form, correct, lang, stored) for lang, a in by_lang.items()},
    }


def verify_set(scenario_set: Any) -> list[dict]:
    """Every disagreement between a set's stored answers and the engine: ``[{"id", "key", "expected", "engine"}]``.

    ``key`` is ``liability_form``, ``payments.<party>`` or ``recourse``. An empty list means the set is sound.
    Accepts a loaded set or its text.
    """
    loaded = load_set(scenario_set) if isinstance(scenario_set, (str, bytes)) else scenario_set
    if not isinstance(loaded, Mapping) or not isinstance(loaded.get("scenarios"), list):
        raise ScenarioSetError(None, "verify_set needs a set loaded by load_set (or its text)")
    out = []
    for raw in loaded["scenarios"]:
        item = _as_item(raw)
        analysis = analyze(item["scenario"], item["regime"], "en")
        expected = item["expected"]
        if expected["liability_form"] != analysis["liability_form"]:
            out.append({"id": item["id"], "key": "liability_form", "expected": expected["liability_form"],
                        "engine": analysis["liability_form"]})
        for party, amount in expected.get("payments", {}).items():
            got = analysis["payments"][party]
            if abs(got - amount) > TOLERANCE:
                out.append({"id": item["id"], "key": f"payments.{party}", "expected": amount, "engine": got})
        if "recourse" in expected and abs(analysis["recourse"] - expected["recourse"]) > TOLERANCE:
            out.append({"id": item["id"], "key": "recourse", "expected": expected["recourse"],
                        "engine": analysis["recourse"]})
    return out
