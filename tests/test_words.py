"""The views' words are data (widgets/words/): every file reads, every entry is bilingual or names a shared word,
every table a module asks for exists, and a broken file is refused with a message naming the file and the key."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import widgets.words as words

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "widgets" / "words"
NAMES = sorted(str(p.relative_to(FOLDER).with_suffix("")) for p in FOLDER.rglob("*.json"))


@pytest.mark.parametrize("name", NAMES)
def test_every_words_file_reads_and_each_entry_is_bilingual(name):
    table = words.table(name)
    assert table
    for key, entry in table.items():
        assert set(entry) == {"zh", "en"} and entry["en"], (name, key)


def test_a_shared_word_is_written_once_and_each_module_table_is_asked_for():
    asked = set()
    for path in (ROOT / "widgets").rglob("*.py"):
        asked |= set(re.findall(r'\btable\("([^"]+)"\)', path.read_text(encoding="utf-8")))
    assert asked == set(NAMES), "a words file no module reads, or a module asking for a missing file"
    shared = {(e["zh"], e["en"]) for e in words.WORDS.values()}
    for name in NAMES:
        if name == "shared":
            continue
        raw = json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))
        again = [k for k, v in raw.items() if isinstance(v, dict) and (v["zh"], v["en"]) in shared]
        assert not again, f"{name}: {again} repeat a shared word: name it instead"


@pytest.mark.parametrize("content, message", [
    ('{"title": {"zh": "标题"}}', "'title' must be {\"zh\": text, \"en\": text}"),
    ('{"title": "no_such_word"}', "'title' names the shared word 'no_such_word'"),
    ('{"title": ', "widgets/words/broken.json: "),
    ('["title"]', "not a mapping"),
])
def test_a_broken_words_file_is_refused_naming_file_and_key(tmp_path, monkeypatch, content, message):
    (tmp_path / "shared.json").write_text('{"yes": {"zh": "是", "en": "yes"}}', encoding="utf-8")
    (tmp_path / "broken.json").write_text(content, encoding="utf-8")
    monkeypatch.setattr(words, "_HERE", tmp_path)
    words._table.cache_clear()
    try:
        with pytest.raises(words.WordsError, match=re.escape(message)):
            words.table("broken")
    finally:
        words._table.cache_clear()
