"""The chapters' teaching data: what the paper says, in its own words, and what the tutorial adds.

One YAML file per topic in ``casebook/data/lessons/``: chapters 00-04 are read by :func:`load`, chapters 05-09 by
:func:`safety_duty`, :func:`burden_of_proof`, :func:`reforms` and :func:`exercises`, which check their own shape
(known keys only, every text in both languages; their quotations also carry an ``id`` and a short ``label``). Every statement in them says where it comes from, so a page
can show the source next to the words:

* ``{quote, en, section}``: the paper's own words (exact Chinese; the English is the project's unofficial rendering);
* ``{zh, en, section}``: the tutorial's summary of a section of the paper;
* ``{zh, en, section, open: true}``: a point the paper leaves open (the tutorial says so rather than answer it);
* ``{zh, en, addition: true}``: the tutorial's own addition, never to be passed off as the paper's.

References to articles (``[law, article, paragraph]``) are checked against the statute data on load. Pure Python:
the standard library, PyYAML and :mod:`casebook.statutes`; no UI import. A broken file raises
:class:`LessonDataError`, naming the file and the key path.
"""

from __future__ import annotations

import copy
import functools
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from . import statutes

LESSONS_DIR = Path(__file__).resolve().parent / "data" / "lessons"
LESSONS = ("platform_terms", "status_theories", "duty_theories", "decision_path", "corresponding_liability")
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


_SECTION = re.compile(r"\d+(\.\d+)*")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")


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


def _check_ref(ref: Any, where: str) -> None:
    if ref is None:
        return
    if not (isinstance(ref, list) and len(ref) == 3 and isinstance(ref[0], str) and isinstance(ref[1], int)
            and (ref[2] is None or isinstance(ref[2], int))):
        raise LessonDataError(f"{where}: an article reference is [law, article, paragraph or null], got {ref!r:.80}")
    if not statutes.has(ref[0], ref[1], ref[2]):
        raise LessonDataError(f"{where}: {ref[0]} art. {ref[1]} para. {ref[2]} is not in the statute data")


def _check_statement(node: dict, where: str) -> None:
    if "quote" in node:
        for key in ("quote", "en", "section"):
            if not isinstance(node.get(key), str) or not node[key].strip():
                raise LessonDataError(f"{where}.{key}: the paper's words need quote, en and section (non-empty text)")
        if "zh" in node or "addition" in node:
            raise LessonDataError(f"{where}: a quote is the paper's; it cannot also be zh text or an addition")
        return
    for key in ("zh", "en"):
        if not isinstance(node.get(key), str) or not node[key].strip():
            raise LessonDataError(f"{where}.{key}: must be non-empty text")
    if "addition" in node:
        if node["addition"] is not True or "section" in node or "open" in node:
            raise LessonDataError(f"{where}: an addition is `addition: true` with no section")
    elif not isinstance(node.get("section"), str):
        raise LessonDataError(f"{where}: needs a paper section or `addition: true`")
    if "open" in node and node["open"] is not True:
        raise LessonDataError(f"{where}.open: must be true when present")


# A bilingual text or a statement holds these keys and no other: a misspelt key, or a stray one such as a YAML flow
# value ending in "?" that a parser split off ('and take no necessary measures?': None), is refused.
TEXT_KEYS = frozenset({"zh", "en", "quote", "section", "open", "addition"})


def _walk(node: Any, where: str) -> None:
    if isinstance(node, dict):
        if "zh" in node or "quote" in node:
            unknown = [k for k in node if k not in TEXT_KEYS]
            if unknown:
                raise LessonDataError(f"{where}: unknown key {unknown[0]!r:.60} in a text; allowed: "
                                      f"{', '.join(sorted(TEXT_KEYS))}")
        if is_statement(node) or ("zh" in node and ("addition" in node or "open" in node)):
            _check_statement(node, where)
        for key, value in node.items():
            path = f"{where}.{key}"
            if key in REF_KEYS:
                _check_ref(value, path)
            elif key in REF_LIST_KEYS:
                if not isinstance(value, list):
                    raise LessonDataError(f"{path}: must be a list of article references")
                for i, ref in enumerate(value):
                    _check_ref(ref, f"{path}[{i}]")
            else:
                _walk(value, path)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _walk(value, f"{where}[{i}]")


@functools.cache
def _load(name: str) -> dict:
    if name not in LESSONS:
        raise KeyError(f"unknown lesson {name!r}; the lessons are: {', '.join(LESSONS)}")
    import yaml  # lazily, as in casebook.statutes

    path = LESSONS_DIR / f"{name}.yaml"
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise LessonDataError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise LessonDataError(f"{path}: must hold a mapping")
    _walk(data, name)
    return data


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


# --- chapters 05-09: statements with an id and a label, questions on the casebook --------------------------- ---------------------------------------------------------------------------------------------------


class _Checker:
    def __init__(self, file: str):
        self.file = file

    def fail(self, key: str, message: str):
        raise LessonDataError(f"{self.file}: {key or '(top level)'}: {message}")

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
        return self.texts(value, key)

    def texts(self, value: dict, key: str) -> dict:
        """``value[zh]`` and ``value[en]`` are non-empty text."""
        for lang in LANGS:
            self.text(value[lang], f"{key}.{lang}")
        return value

    def true(self, value: dict, key: str, name: str) -> None:
        """``value[name]`` is the marker ``true``."""
        if value[name] is not True:
            self.fail(f"{key}.{name}", "must be true")

    def ident(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not _ID.fullmatch(value):
            self.fail(key, f"got {value!r}; allowed: lower-case letters, digits, - and _")
        return value

    def section(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not _SECTION.fullmatch(value):
            self.fail(key, f"got {value!r}; allowed: a section number such as \"4.1.2\"")
        return value

    def statement(self, value: Any, key: str) -> dict:
        """The paper's words: ``{id, label, quote, en, section}`` (the statement format above, with an id and a label)."""
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
        self.true(value, key, "open")
        return self.texts(value, key)

    def addition(self, value: Any, key: str) -> dict:
        """The tutorial's own words, never the paper's: ``{zh, en, addition: true}``."""
        self.mapping(value, key, ("zh", "en", "addition"))
        self.true(value, key, "addition")
        return self.texts(value, key)

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
    from .scenario import FIELD_BY_NAME

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
    from .proving import IN_PLATFORM_RECORDS, UNPROVEN  # proving imports the engine: only when this file is read

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
    from .engine import FORMS, REGIMES
    from .scenario import FIELD_BY_NAME

    data, c = _read("exercises")
    c.mapping(data, "", ("title", "description", "items"))
    c.bilingual(data["title"], "title")
    c.bilingual(data["description"], "description")
    items = data["items"]
    if not isinstance(items, list) or not items:
        c.fail("items", "must be a non-empty list")
    from .cases import decisions

    known = {d["id"] for d in decisions()}
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
