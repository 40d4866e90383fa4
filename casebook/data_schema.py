"""One way to check every data file's shape: its published JSON Schema, compiled by fastjsonschema.

Each kind of data file publishes a JSON Schema (draft 2020-12, using only keywords fastjsonschema applies; a test
checks both): the cases (``data/cases/schema.json``), the statutes (``data/statutes/schema.json``), the lessons
(``data/lessons/schema.json``, one ``$defs`` entry per file), the teachers' scenario sets (``data/sets/schema.json``),
the statutes' English as written (``data/statutes/en/schema.json``, read by tools/import_statutes.py) and the
scenario files, uploads and share links (``data/scenario.schema.json``, generated from the field table by
:func:`casebook.scenario.json_schema`, which :func:`casebook.scenario.validate` compiles itself for speed and for its
own words). :func:`first_problem` checks loaded data against a schema file (or one of its ``$defs``) and words the
first problem the way the project's other bad-input messages are worded: the key path, then what was found and what
is allowed (a definition's ``title`` says what is allowed in the schema author's words). fastjsonschema is pure
Python (it also runs in the static edition's Pyodide) and compiles each schema once.

What a schema cannot say (an article's heading against its number, references to other files, unique ids, a
decision's facts against the scenario model, YAML aliases, size limits on the raw text) stays with the loaders,
after the shape is known to be right.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["first_problem", "load_schema"]


@lru_cache(maxsize=8)
def load_schema(path: str) -> dict:
    """A schema file, parsed once (callers must not change it)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _root(path: str, part: str | None, drop: tuple = ()) -> dict:
    """The schema to compile: the file's, or one of its ``$defs`` (``part``) with the others kept resolvable.

    Without its "$id" (a name, not a place) every "$ref" is local: fastjsonschema would otherwise try to fetch the
    schema by that name from the network.
    """
    schema = load_schema(path)
    if part is None:
        return {k: v for k, v in schema.items() if k not in ("$id",) + drop}
    if part not in schema.get("$defs", {}):
        raise KeyError(f"{path} has no definition {part!r}")
    return {"$ref": f"#/$defs/{part}", "$defs": schema["$defs"]}


@lru_cache(maxsize=32)
def _validator(path: str, part: str | None = None):
    import fastjsonschema  # lazily: compiling is paid for on the first check only

    # No handlers: no reference is ever fetched. No defaults written into the data checked.
    return fastjsonschema.compile(_root(path, part), handlers={}, use_default=False)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= 60 else text[:57] + "..."


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _path(parts, where: str = "") -> str:
    out = where
    for part in list(parts)[1:]:  # the first is fastjsonschema's name for the whole document
        out = _join(out, int(part) if isinstance(part, str) and part.isdigit() else part)
    return out


# JSON's names for the types, in the words of the project's other messages.
TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "text", "integer": "an integer",
              "number": "a number", "boolean": "true or false", "null": "null"}


def _number_range(d: dict) -> str:
    low, high = d.get("minimum"), d.get("maximum")
    if low is not None and high is not None:
        return f"a number from {low:g} to {high:g}"
    return f"a number >= {low:g}" if low is not None else f"a number <= {high:g}"


# The message for each rule whose words need only the value and the rule's own setting.
_SIMPLE_RULES = {
    "enum": lambda value, d: f"got {_show(value)}; allowed: {', '.join(map(str, d['enum']))}",
    "const": lambda value, d: f"got {_show(value)}; must be {_show(d['const'])}",
    "minLength": lambda value, d: "must not be empty" if d["minLength"] == 1 else f"shorter than {d['minLength']}",
    "maxLength": lambda value, d: f"is too long ({len(value)} characters); allowed: at most {d['maxLength']}",
    "pattern": lambda value, d: f"{_show(value)} does not match the pattern {d['pattern']}",
    "minimum": lambda value, d: f"got {_show(value)}; allowed: {_number_range(d)}",
    "maximum": lambda value, d: f"got {_show(value)}; allowed: {_number_range(d)}",
    "minItems": lambda value, d: "must be a non-empty list" if d["minItems"] == 1
    else f"needs at least {d['minItems']} entries, has {len(value)}",
    "maxItems": lambda value, d: f"has {len(value)} entries; at most {d['maxItems']}",
    "minProperties": lambda value, d: f"needs at least {d['minProperties']} key(s)",
    "uniqueItems": lambda value, d: "entries must be unique",
    "propertyNames": lambda value, d: f"a key is not allowed here ({_show(list(value))})",
    "anyOf": lambda value, d: f"matches none of the allowed forms: {_show(value)}",
}

# Rules about a value itself (not about the keys or entries it holds): where the broken definition has a "title",
# the title says what is allowed ("got 5; allowed: non-empty text"), in the words of the schema's author.
_VALUE_RULES = {"type", "enum", "const", "minLength", "maxLength", "pattern", "minimum", "maximum", "anyOf", "minItems",
                "maxItems"}


def _words(rule: str, value: Any, definition: dict, where: str) -> tuple[str, str]:
    """(key path, message) for one broken rule of the schema."""
    if rule == "required" and isinstance(value, dict):
        missing = next(k for k in definition["required"] if k not in value)
        return _join(where, missing), "required key is missing"
    if rule == "additionalProperties" and isinstance(value, dict):
        props = definition.get("properties", {})
        extra = next(k for k in value if k not in props)
        return _join(where, _key(extra)), f"unknown key; allowed: {', '.join(props) or 'none'}"
    title = definition.get("title")
    if rule in _VALUE_RULES and isinstance(title, str) and "properties" not in definition:
        return where, f"got {_show(value)}; allowed: {title}"
    if rule == "type":
        types = definition["type"] if isinstance(definition["type"], list) else [definition["type"]]
        return where, f"expected {' or '.join(TYPE_WORDS.get(t, t) for t in types)}, got {_show(value)}"
    simple = _SIMPLE_RULES.get(rule)
    if simple is not None:
        return where, simple(value, definition)
    return where, f"breaks the schema's {rule!r} rule"


def _key(key: Any) -> str:
    """A key as a path part: one line, at most 60 characters, whatever the input held."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(key))[:60]


@lru_cache(maxsize=64)
def _branch_validator(path: str, branch: str):
    """A validator for one ``anyOf`` branch of the schema at ``path`` (its local references kept resolvable)."""
    import fastjsonschema

    # Only the branch's own rules, with the file's $defs to resolve its references.
    root = {k: v for k, v in load_schema(path).items() if k in ("$schema", "$defs")}
    return fastjsonschema.compile({**root, **json.loads(branch)}, handlers={}, use_default=False)


def _problem(validate, data: Any, path: str, where: str = "") -> tuple[str, str] | None:
    import fastjsonschema

    try:
        validate(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        at = _path(exc.path, where)
        if exc.rule != "anyOf":
            return _words(exc.rule, exc.value, exc.definition, at)
        # None of the allowed forms fits: the form that got furthest tells most.
        tries = [_problem(_branch_validator(path, json.dumps(sub)), exc.value, path, at)
                 for sub in exc.definition["anyOf"]]
        best = max((t for t in tries if t), key=lambda t: len(t[0]), default=None)
        if best is None or best[0] == at:
            return _words("anyOf", exc.value, exc.definition, at)
        return best
    return None


def first_problem(data: Any, schema_path: str | Path, part: str | None = None) -> tuple[str, str] | None:
    """The first way ``data`` breaks the schema at ``schema_path``, as (key path, message); None when it fits.

    ``part`` names one of the file's ``$defs`` to check against instead of the whole schema (the lesson files share
    one schema file, a definition per file).
    """
    return _problem(_validator(str(schema_path), part), data, str(schema_path))
