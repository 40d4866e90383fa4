"""The chapters' teaching data: what the paper says, in its own words, and what the tutorial adds.

One YAML file per topic in ``casebook/data/lessons/``: chapters 00-04 are read by :func:`load`, chapters 05-09 by
:func:`safety_duty`, :func:`burden_of_proof`, :func:`reforms` and :func:`exercises`. Each file's shape is a definition
of the published JSON Schema ``data/lessons/schema.json`` (``<name>.yaml`` fits ``$defs/<name>``: known keys only,
every text in both languages; the quotations of chapters 05-09 also carry an ``id`` and a short ``label``), checked
by :mod:`casebook.data_schema`; :func:`check` adds what a schema cannot say. Every statement in them says where it
comes from, so a page can show the source next to the words:

* ``{quote, en, section}``: the paper's own words (exact Chinese; the English is the project's unofficial rendering);
* ``{zh, en, section}``: the tutorial's summary of a section of the paper;
* ``{zh, en, section, open: true}``: a point the paper leaves open (the tutorial says so rather than answer it);
* ``{zh, en, addition: true}``: the tutorial's own addition, never to be passed off as the paper's.

References to articles (``[law, article, paragraph]``) are checked against the statute data on load; ids are unique in
their lists, scenario facts fit the scenario model, exercises name casebook decisions. Pure Python:
the standard library, PyYAML and :mod:`casebook.statutes`; no UI import. A broken file raises
:class:`LessonDataError`, naming the file and the key path.
"""

from __future__ import annotations

import copy
import functools
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from . import statutes
from .data_schema import first_problem

LESSONS_DIR = Path(__file__).resolve().parent / "data" / "lessons"
LESSONS = ("platform_terms", "status_theories", "duty_theories", "decision_path", "corresponding_liability")
# Chapters 05-09's files, read by their own functions below (their quotations carry an id and a label).
LESSONS_05_09 = ("safety_duty", "burden_of_proof", "reforms", "exercises")
ALL_LESSONS = LESSONS + LESSONS_05_09
SCHEMA_PATH = LESSONS_DIR / "schema.json"  # one definition per file: <name>.yaml fits $defs/<name>
from .languages import LANGS  # noqa: F401 (re-exported)

# Keys whose value is one article reference, or a list of them.
REF_KEYS = ("statute", "echo", "law", "ref")
REF_LIST_KEYS = ("show",)

SOURCE_LABEL = {
    "paper": {"zh": "论文§{section}", "en": "Paper §{section}"},
    "summary": {"zh": "概述论文§{section}", "en": "Summary of paper §{section}"},
    "open": {"zh": "关于论文§{section}", "en": "on paper §{section}"},
    "addition": {"zh": "本教程的补充", "en": "Tutorial's addition"},
}


class LessonDataError(ValueError):
    """A lesson file that breaks the rules above. ``str()`` names the file and the key path."""




def kind(statement: dict) -> str:
    """``paper``, ``summary``, ``open`` or ``addition`` (see the module docstring)."""
    if "quote" in statement:
        return "paper"
    if statement.get("addition") is True:
        return "addition"
    if statement.get("open") is True:
        return "open"
    return "summary"


def is_statement(node: Any) -> bool:
    return isinstance(node, dict) and ("quote" in node or (
        "zh" in node and "en" in node and ("section" in node or "addition" in node or "open" in node)))


def text(statement: dict, lang: str) -> str:
    """The statement in ``lang``: for the paper's words, the exact quote in Chinese and the rendering in English."""
    lang = lang if lang in LANGS else "zh"
    if "quote" in statement:
        return statement["quote"] if lang == "zh" else statement["en"]
    return statement[lang]


def source(statement: dict, lang: str) -> str:
    """Where a statement comes from, for the page: 论文§2.2 / Paper §2.2 / 本教程的补充 / Tutorial's addition ..."""
    lang = lang if lang in LANGS else "zh"
    return SOURCE_LABEL[kind(statement)][lang].format(section=statement.get("section", ""))


def label(value: Any, lang: str) -> str:
    """A ``{zh, en}`` label in ``lang`` (plain strings pass through)."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("zh") or "")
    return "" if value is None else str(value)


# --- checking a lesson file: its shape by the schema, the rest here ----------------------------------------------


def _fail(name: str, key: str, message: str):
    raise LessonDataError(f"{name}.yaml: {key or '(top level)'}: {message}")


def _refs(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every article reference in a lesson, with its key path (the values of REF_KEYS, the entries of REF_LIST_KEYS)."""
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{where}.{key}" if where else str(key)
            if key in REF_KEYS:
                yield path, value
            elif key in REF_LIST_KEYS and isinstance(value, list):
                yield from ((f"{path}[{i}]", ref) for i, ref in enumerate(value))
            else:
                yield from _refs(value, path)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _refs(value, f"{where}[{i}]")


def _check_refs(name: str, data: Any) -> None:
    for where, ref in _refs(data):
        if ref is None:
            continue
        if not (isinstance(ref[0], str) and isinstance(ref[1], int) and not isinstance(ref[1], bool)
                and (ref[2] is None or (isinstance(ref[2], int) and not isinstance(ref[2], bool)))):
            _fail(name, where, f"an article reference is [law, article, paragraph or null], got {ref!r:.80}")
        if not statutes.has(ref[0], ref[1], ref[2]):
            _fail(name, where, f"{ref[0]} art. {ref[1]} para. {ref[2]} is not in the statute data")


def _unique_ids(name: str, items: list, key: str) -> None:
    seen: set = set()
    for i, item in enumerate(items):
        if item["id"] in seen:
            _fail(name, f"{key}[{i}].id", f"{item['id']!r} is used twice")
        seen.add(item["id"])


def _scenario_fields(name: str, facts: dict, key: str) -> None:
    from .scenario import ScenarioError, validate

    try:
        validate(facts)
    except ScenarioError as exc:
        _fail(name, f"{key}.{exc.field}" if exc.field else key, exc.message)


def check(name: str, data: Any) -> None:
    """Check the data of lesson file ``name`` (its name without ``.yaml``): the shape against the lessons' schema,
    then what a schema cannot say. Raises :class:`LessonDataError` naming the file and the key path."""
    if name not in ALL_LESSONS:
        raise KeyError(f"unknown lesson {name!r}; the lessons are: {', '.join(ALL_LESSONS)}")
    problem = first_problem(data, SCHEMA_PATH, name)
    if problem:
        _fail(name, *problem)
    _check_refs(name, data)
    _CROSS_CHECKS.get(name, lambda n, d: None)(name, data)


def _read(name: str) -> Any:
    import yaml  # lazily, as in casebook.statutes

    path = LESSONS_DIR / f"{name}.yaml"
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        _fail(name, "", f"cannot read: {first}")
    check(name, data)
    return data


@functools.cache
def _load(name: str) -> dict:
    if name not in LESSONS:
        raise KeyError(f"unknown lesson {name!r}; the lessons are: {', '.join(LESSONS)}")
    return _read(name)


def load(name: str) -> dict:
    """One lesson file as a dict (a copy, so callers may not change the cached data)."""
    return copy.deepcopy(_load(name))


def statements(node: Any) -> Iterator[dict]:
    """Every statement in a lesson (or any part of one), depth first."""
    if isinstance(node, dict):
        if is_statement(node):
            yield node
        for value in node.values():
            yield from statements(value)
    elif isinstance(node, list):
        for value in node:
            yield from statements(value)


def quotes() -> list[str]:
    """Every quotation of the paper in every lesson file."""
    return [s["quote"] for name in LESSONS for s in statements(_load(name)) if "quote" in s]


def article_text(ref, lang: str = "zh") -> str:
    """The verbatim text (Chinese) or the unofficial rendering (English) of ``[law, article, paragraph]``."""
    law, number, para = ref
    return statutes.paragraph_text(law, number, para, lang if lang in LANGS else "zh")


def article_cite(ref, lang: str = "zh") -> str:
    law, number, para = ref
    return statutes.cite(law, number, para, lang if lang in LANGS else "zh")


def _check_safety_duty(name: str, data: dict) -> None:
    from .scenario import FIELD_BY_NAME

    for key in ("problems", "standard", "measures", "factors", "open_points"):
        _unique_ids(name, data[key], key)
    tiers = FIELD_BY_NAME["platform_tier"].options
    if [level["id"] for level in data["tiers"]["levels"]] != list(tiers):
        _fail(name, "tiers.levels", f"must list the tiers {', '.join(tiers)} in that order")


def _check_burden_of_proof(name: str, data: dict) -> None:
    from .proving import IN_PLATFORM_RECORDS, UNPROVEN  # proving imports the engine: only when this file is read

    for key in ("current", "proposal", "open_points"):
        _unique_ids(name, data[key], key)
    if [e["fact"] for e in data["evidence"]] != list(UNPROVEN):
        _fail(name, "evidence", f"must list the facts {', '.join(UNPROVEN)} in that order")
    for i, item in enumerate(data["evidence"]):
        if item["in_platform_records"] is not (item["fact"] in IN_PLATFORM_RECORDS):
            _fail(name, f"evidence[{i}].in_platform_records", "disagrees with casebook.proving.IN_PLATFORM_RECORDS")


def _check_reforms(name: str, data: dict) -> None:
    for key in ("rule", "guiding_cases", "review", "open_points"):
        _unique_ids(name, data[key], key)


def _check_exercises(name: str, data: dict) -> None:
    from .cases import decisions

    known = {d["id"] for d in decisions()}
    _unique_ids(name, data["items"], "items")
    for i, item in enumerate(data["items"]):
        if item["decision"] not in known:
            _fail(name, f"items[{i}].decision",
                  f"{item['decision']!r} is not a casebook decision; known: {', '.join(sorted(known))}")
        if "changes" in item:
            _scenario_fields(name, item["changes"], f"items[{i}].changes")


def _check_decision_path(name: str, data: dict) -> None:
    from .scenario import FIELD_NAMES

    for i, field in enumerate(data["facts"]):
        if field not in FIELD_NAMES:
            _fail(name, f"facts[{i}]", f"got {field!r}; allowed: {', '.join(FIELD_NAMES)}")


def _check_status_theories(name: str, data: dict) -> None:
    for i, theory in enumerate(data["theories"]):
        if theory["paper_ref"] not in data["references"]:
            _fail(name, f"theories[{i}].paper_ref", f"{theory['paper_ref']} is not a key of references")


def _check_corresponding_liability(name: str, data: dict) -> None:
    _scenario_fields(name, data["facts"], "facts")


# What the schema cannot say, file by file (every file's article references are checked by check()).
_CROSS_CHECKS = {
    "safety_duty": _check_safety_duty, "burden_of_proof": _check_burden_of_proof, "reforms": _check_reforms,
    "exercises": _check_exercises, "decision_path": _check_decision_path, "status_theories": _check_status_theories,
    "corresponding_liability": _check_corresponding_liability,
}


# --- the loaders ------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _safety_duty() -> dict:
    return _read("safety_duty")


@lru_cache(maxsize=1)
def _burden_of_proof() -> dict:
    return _read("burden_of_proof")


@lru_cache(maxsize=1)
def _reforms() -> dict:
    return _read("reforms")


@lru_cache(maxsize=1)
def _exercises() -> dict:
    return _read("exercises")


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
