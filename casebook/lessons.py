"""The chapters' teaching data: what the paper says, in its own words, and what the tutorial adds.

One YAML file per topic in ``casebook/data/lessons/``. Every statement in them says where it comes from, so a page
can show the source next to the words:

* ``{quote, en, section}``: the paper's own words (exact Chinese; the English is the project's unofficial rendering);
* ``{zh, en, section}``: the tutorial's summary of a section of the paper;
* ``{zh, en, section, open: true}``: a point the paper leaves open (the tutorial says so rather than answer it);
* ``{zh, en, addition: true}``: the tutorial's own addition, never to be passed off as the paper's.

References to articles (``[law, article, paragraph]``) are checked against the statute data on load. Pure Python:
the standard library, PyYAML and :mod:`casebook.statutes`; no UI import.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any, Iterator

from . import statutes

LESSONS_DIR = Path(__file__).resolve().parent / "data" / "lessons"
LESSONS = ("platform_terms", "status_theories", "duty_theories", "decision_path", "corresponding_liability")
LANGS = ("zh", "en")

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
