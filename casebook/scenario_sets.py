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

:func:`load_set` validates all of it: the shape against the published JSON Schema (``data/sets/schema.json``, through
:mod:`casebook.data_schema`), each scenario against the scenario model, and in code what a schema cannot say (ids
unique, amounts finite, at most :data:`MAX_BYTES` of text; YAML anchors and aliases are refused, so a small file
cannot expand into a huge one). It raises :class:`ScenarioSetError` (a ScenarioError) naming the
key path. :func:`check_answer` grades an answer against the engine's analysis of the item, not against the stored
``expected`` value; :func:`verify_set` lists every item where the stored value and the engine disagree.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any, Mapping

from .data_schema import first_problem
from .engine import FORMS, analyze
from .scenario import DEFAULTS, LANGS, ScenarioError, validate
from .texts import FORM_NAMES

MAX_BYTES = 256 * 1024
MAX_ITEMS = 100  # the schema's maxItems (a test checks they agree)
TOLERANCE = 0.01  # yuan: the engine rounds to cents
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
SETS_DIR = Path(__file__).resolve().parent / "data" / "sets"
SCHEMA_PATH = SETS_DIR / "schema.json"  # the shape of a set; its `scenario`s follow the scenario model


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
# The shape is the schema's (data/sets/schema.json); what it cannot say is checked here: each item's scenario against
# the scenario model, ids unique in the set, amounts finite.


def _check_shape(value: Any, part: str | None, prefix: str) -> None:
    problem = first_problem(value, SCHEMA_PATH, part)
    if problem:
        key, message = problem
        where = f"{prefix}.{key}" if prefix and key and not key.startswith("[") else prefix + key
        raise ScenarioSetError(where or None, message if where else f"the scenario set: {message}")


def _text(value: Any) -> dict | None:
    """A bilingual text as {zh, en} (one string stands for both languages); None stays None."""
    if value is None or isinstance(value, Mapping):
        return None if value is None else {lang: value[lang] for lang in LANGS}
    return {"zh": value, "en": value}


def _amounts(expected: Mapping, path: str) -> dict:
    """The expected answer with its amounts as floats; a schema cannot refuse YAML's .inf and .nan (nor JSON's 1e400)."""
    out: dict = {"liability_form": expected["liability_form"]}
    if expected.get("payments") is not None:
        out["payments"] = {k: float(v) for k, v in expected["payments"].items()}
    if expected.get("recourse") is not None:
        out["recourse"] = float(expected["recourse"])
    amounts = {**{f"payments.{k}": v for k, v in out.get("payments", {}).items()}, "recourse": out.get("recourse", 0.0)}
    for key, amount in amounts.items():
        if not math.isfinite(amount):
            raise ScenarioSetError(f"{path}.{key}", f"got {_short(amount)}; allowed: a number >= 0 (yuan)")
    return out


def _item(value: Any, path: str, shape_checked: bool = False) -> dict:
    if not shape_checked:
        _check_shape(value, "item", path)
    scenario = value["scenario"]
    try:
        validate(scenario)
    except ScenarioError as exc:
        where = f"{path}.scenario" + (f".{exc.field}" if exc.field else "")
        raise ScenarioSetError(where, exc.message) from None
    return {
        "id": value["id"],
        "title": _text(value["title"]),
        "scenario": dict(scenario),
        "question": _text(value["question"]),
        "regime": value.get("regime", "statute"),
        "expected": _amounts(value["expected"], f"{path}.expected"),
        "explanation": _text(value.get("explanation")),
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
    data = _parse(text)
    _check_shape(data, None, "")
    out, seen = [], {}
    for i, raw in enumerate(data["scenarios"]):
        item = _item(raw, f"scenarios[{i}]", shape_checked=True)
        if item["id"] in seen:
            raise ScenarioSetError(f"scenarios[{i}].id", f"{_short(item['id'])} is already used by "
                                                          f"scenarios[{seen[item['id']]}]")
        seen[item["id"]] = i
        out.append(item)
    return {"title": _text(data["title"]), "description": _text(data.get("description")), "scenarios": out}


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
    if not _ID.fullmatch(name):
        raise ScenarioSetError("name", f"got {_short(name)}; allowed: letters, digits, - and _")
    return SETS_DIR / f"{name}.yaml"


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
