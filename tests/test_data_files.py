"""Every YAML data file reads the same with PyYAML's pure-Python parser as with its C parser.

The static edition (Pyodide) has no C extension: a file that only the C parser accepts, or that the two parsers
read differently, would break a page there. The C parser split unquoted flow values ending in "?" at their commas
(chapter 03's decision path lost two English questions and gained stray keys); the pure parser refuses them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "casebook" / "data"
FILES = sorted(DATA.rglob("*.yaml"))


def test_there_are_data_files():
    assert len(FILES) > 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_the_pure_parser_reads_each_file_as_the_c_parser_does(path):
    text = path.read_text(encoding="utf-8")
    pure = yaml.load(text, Loader=yaml.SafeLoader)
    fast = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert pure == fast


def _keys(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value)


def test_the_decision_paths_questions_are_whole_in_both_languages():
    from casebook import lessons

    data = lessons.load("decision_path")
    keys = set(_keys(data))
    assert None not in keys and not any(isinstance(k, str) and k.endswith("?") for k in keys)
    questions = [v["question"] for v in _find(data, "question")]
    assert questions, "the decision path has questions"
    for q in questions:
        assert set(q) == {"zh", "en"}
        assert q["en"].endswith("?") and q["zh"].endswith("？")
    assert any(q["en"] == "Did the platform know or should it have known of the infringement, and take no "
               "necessary measures?" for q in questions)


def _find(node, key):
    if isinstance(node, dict):
        if key in node:
            yield node
        for value in node.values():
            yield from _find(value, key)
    elif isinstance(node, list):
        for value in node:
            yield from _find(value, key)
