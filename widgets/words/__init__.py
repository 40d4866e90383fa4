"""The views' words in both languages, as data: one JSON file per view module in this folder (``lessons/`` for the
chapters' widgets), and ``shared.json`` for the words several views say the same way.

Each file maps a key to ``{"zh": ..., "en": ...}``, or to the name of a shared word (a plain string), so that the
same thing is said the same way on every page. :func:`table` reads a file once; ``tr(table, key, lang)``
(:func:`widgets.base.tr`) picks the language. Nothing here imports ipywidgets or the engine.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

_HERE = Path(__file__).parent


class WordsError(ValueError):
    """A words file that is missing, is not JSON, or holds an entry that is neither {zh, en} nor a shared word."""


def _read(name: str) -> dict:
    path = _HERE / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WordsError(f"widgets/words/{name}.json: {exc}") from None
    if not isinstance(data, dict):
        raise WordsError(f"widgets/words/{name}.json: not a mapping of keys to words")
    return data


def _entry(name: str, key: str, value, shared: dict) -> dict:
    if isinstance(value, str) and shared is not None:
        if value not in shared:
            raise WordsError(f"widgets/words/{name}.json: {key!r} names the shared word {value!r}, which "
                             f"shared.json does not have")
        return shared[value]
    if (isinstance(value, dict) and set(value) == {"zh", "en"}
            and all(isinstance(text, str) for text in value.values())):
        return value
    raise WordsError(f"widgets/words/{name}.json: {key!r} must be {{\"zh\": text, \"en\": text}}"
                     + ("" if shared is None else " or the name of a shared word"))


@functools.cache
def _table(name: str) -> dict:
    shared = None if name == "shared" else _table("shared")
    return {key: _entry(name, key, value, shared) for key, value in _read(name).items()}


def table(name: str) -> dict:
    """The words of one module (``"trace_view"``, ``"lessons/case_replay"``; ``"shared"``), key → {zh, en}, with
    the shared words it names filled in. Read once per kernel."""
    return dict(_table(name))


WORDS = table("shared")
