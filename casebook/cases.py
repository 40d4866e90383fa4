"""The casebook: the four cases of paper §3.3.1, one YAML file each, checked against a schema on load.

Each file under ``casebook/data/cases/`` holds one case: its names, the paper's own sentences about it (verbatim,
with an unofficial translation) and its decisions. Every decision carries a scenario that replays it, with a note
for every value the paper does not give (``scenario.assumptions``), the paper's words for every value it does give
(``given``), and what the engine is expected to make of it (``expected``), so each case is a regression test.

Pure Python: the standard library and PyYAML. The JSON Schema (``schema.json``, draft 2020-12) is applied by the
small validator below, which knows exactly the keywords the schema uses and refuses any other, so the schema can
never hold a rule that is silently skipped.
"""

from __future__ import annotations

import copy
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

CASES_DIR = Path(__file__).resolve().parent / "data" / "cases"
SCHEMA_PATH = CASES_DIR / "schema.json"

# The paper's citation style: 民初 is a first-instance judgment, 民终 a second-instance one.
INSTANCE_BY_MARK = {"民初": "first", "民终": "second"}


class CaseFileError(ValueError):
    """A case file that breaks the schema or the casebook's rules. ``str()`` names the file and the key."""

    def __init__(self, file: str, key: str, message: str):
        self.file = file
        self.key = key
        self.message = message
        super().__init__(f"{file}: {key or '(top level)'}: {message}")


# --- a small JSON Schema validator ------------------------------------------------------------------------------

_ANNOTATIONS = {"$schema", "$id", "$comment", "title", "description", "default", "examples"}
_KEYWORDS = _ANNOTATIONS | {
    "$defs", "$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "propertyNames",
    "items", "minItems", "uniqueItems", "minLength", "pattern", "minimum", "maximum", "anyOf",
}


def _is_type(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    raise ValueError(f"schema uses unknown type {name!r}")


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= 60 else text[:57] + "..."


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def schema_errors(value: Any, schema: dict, root: dict | None = None, path: str = "") -> list[tuple[str, str]]:
    """Every way ``value`` breaks ``schema``, as (key path, message). Empty when it conforms."""
    root = schema if root is None else root
    unknown = set(schema) - _KEYWORDS
    if unknown:
        raise ValueError(f"schema keyword(s) {sorted(unknown)} at {path or 'top level'} are not supported")
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/$defs/"):
            raise ValueError(f"only local $defs references are supported, not {ref!r}")
        errors = schema_errors(value, root["$defs"][ref[len("#/$defs/"):]], root, path)
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        return errors + (schema_errors(value, rest, root, path) if set(rest) - _ANNOTATIONS else [])

    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, t) for t in types):
            return [(path, f"expected {' or '.join(types)}, got {_show(value)}")]
    if "enum" in schema and value not in schema["enum"]:
        return [(path, f"got {_show(value)}; allowed: {', '.join(map(str, schema['enum']))}")]
    if "const" in schema and value != schema["const"]:
        return [(path, f"got {_show(value)}; must be {_show(schema['const'])}")]
    if "anyOf" in schema:
        attempts = [schema_errors(value, sub, root, path) for sub in schema["anyOf"]]
        if all(attempts):
            deepest = max(attempts, key=lambda errs: max(len(p) for p, _ in errs))
            if max(len(p) for p, _ in deepest) > len(path):
                return deepest  # the branch that got furthest tells most
            return [(path, "matches none of the allowed forms: " + "; ".join(errs[0][1] for errs in attempts))]

    errors: list[tuple[str, str]] = []
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append((path, "must not be empty" if schema["minLength"] == 1 else
                           f"shorter than {schema['minLength']} characters"))
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append((path, f"{_show(value)} does not match the pattern {schema['pattern']}"))
    if _is_type(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append((path, f"{value} is below the minimum {schema['minimum']}"))
        if "maximum" in schema and value > schema["maximum"]:
            errors.append((path, f"{value} is above the maximum {schema['maximum']}"))
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append((path, f"needs at least {schema['minItems']} item(s)"))
        if schema.get("uniqueItems") and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
            errors.append((path, "items must be unique"))
        if "items" in schema:
            for i, item in enumerate(value):
                errors += schema_errors(item, schema["items"], root, _join(path, i))
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                errors.append((_join(path, key), "required key is missing"))
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if not isinstance(key, str):
                errors.append((_join(path, key), "keys must be text"))
                continue
            if "propertyNames" in schema:
                errors += [(_join(path, key), f"key not allowed: {msg}")
                           for _, msg in schema_errors(key, schema["propertyNames"], root, path)]
            if key in props:
                errors += schema_errors(item, props[key], root, _join(path, key))
            elif extra is False:
                allowed = ", ".join(props) if props else "none"
                errors.append((_join(path, key), f"unknown key; allowed keys: {allowed}"))
            elif isinstance(extra, dict):
                errors += schema_errors(item, extra, root, _join(path, key))
    return errors


@lru_cache(maxsize=1)
def _schema() -> dict:
    with open(SCHEMA_PATH, encoding="utf-8") as fh:
        return json.load(fh)


def schema() -> dict:
    """The JSON Schema of a case file (a copy)."""
    return copy.deepcopy(_schema())


# --- the casebook's own rules, beyond the schema ----------------------------------------------------------------


def instance_of(case_number: str) -> str | None:
    """``first`` for a 民初 citation, ``second`` for 民终, None for any other."""
    for mark, instance in INSTANCE_BY_MARK.items():
        if mark in case_number:
            return instance
    return None


def _check_decision(dec: dict, key: str) -> list[tuple[str, str]]:
    errors = []
    if dec["case_number"] is not None and instance_of(dec["case_number"]) != dec["instance"]:
        errors.append((f"{key}.instance", f"{dec['instance']!r} contradicts the case number {dec['case_number']} "
                                          f"(民初 is first instance, 民终 second)"))
    form, shares = dec["liability_form"], dec["shares"]
    if (form == "proportional") != (shares is not None):
        errors.append((f"{key}.shares", "shares are given for proportional holdings, and only for them"))
    elif shares is not None and not math.isclose(sum(shares.values()), 1.0, abs_tol=1e-9):
        errors.append((f"{key}.shares", f"the shares add up to {sum(shares.values()):g}, not 1"))

    scenario = dec["scenario"]
    fields = [f for f in scenario if f != "assumptions"]
    notes, given = scenario["assumptions"], dec["given"]
    for name in notes:
        if name not in scenario or name == "assumptions":
            errors.append((f"{key}.scenario.assumptions.{name}", "a note on a field the scenario does not set"))
    for name in given:
        if name not in scenario or name == "assumptions":
            errors.append((f"{key}.given.{name}", "names a field the scenario does not set"))
    for name in fields:
        if name in notes and name in given:
            errors.append((f"{key}.scenario.assumptions.{name}", "the field is both given by the paper and assumed"))
        elif name not in notes and name not in given:
            errors.append((f"{key}.scenario.{name}", "the paper does not give this value: it needs an assumption "
                                                     "note (scenario.assumptions) or the paper's words (given)"))
    try:
        from .scenario import ScenarioError, validate
    except ImportError:  # the scenario model is optional for reading the casebook
        pass
    else:
        try:
            validate(scenario)
        except ScenarioError as exc:
            field = f".{exc.field}" if exc.field else ""
            errors.append((f"{key}.scenario{field}", exc.message))

    expected = dec["expected"]
    statute = expected["statute"]
    if isinstance(statute, str) and statute != form:
        errors.append((f"{key}.expected.statute", f"{statute!r} is not the held form {form!r}"))
    if isinstance(statute, list) and form not in statute:
        errors.append((f"{key}.expected.statute", f"the held form {form!r} is not among {statute}"))
    if form in ("joint", "supplementary", "proportional", "non_genuine_joint"):
        own = expected["regimes"].get(form)
        if own is None or own["liability_form"] != form:
            errors.append((f"{key}.expected.regimes.{form}", f"a {form} holding must replay as {form} "
                                                             f"under the regime of that name"))
    for regime, outcome in expected["regimes"].items():
        shares_ = outcome.get("payment_shares")
        if shares_ is not None and not math.isclose(sum(shares_.values()), 1.0, abs_tol=1e-9):
            errors.append((f"{key}.expected.regimes.{regime}.payment_shares", "must add up to 1"))
    return errors


def validate_case(data: Any, file: str = "<case>") -> None:
    """Raise :class:`CaseFileError` (naming the file and the key) unless ``data`` is a well-formed case."""
    errors = schema_errors(data, _schema())
    if not errors:
        stem = Path(file).stem
        if file != "<case>" and data["id"] != stem:
            errors.append(("id", f"{data['id']!r} differs from the file name {stem!r}"))
        for i, dec in enumerate(data["decisions"]):
            errors += _check_decision(dec, f"decisions[{i}]")
    if errors:
        key, message = errors[0]
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise CaseFileError(file, key, message + more)


# --- loading ----------------------------------------------------------------------------------------------------


def _read(path: Path) -> Any:
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise CaseFileError(path.name, "", f"cannot read: {first}") from None


@lru_cache(maxsize=4)
def _load(directory: str) -> tuple:
    root = Path(directory)
    files = sorted(root.glob("*.yaml"))
    if not files:
        raise CaseFileError(str(root), "", "no case files (*.yaml) found")
    cases, seen_decisions = [], {}
    for path in files:
        data = _read(path)
        validate_case(data, path.name)
        for i, dec in enumerate(data["decisions"]):
            if dec["id"] in seen_decisions:
                raise CaseFileError(path.name, f"decisions[{i}].id",
                                    f"{dec['id']!r} is already used in {seen_decisions[dec['id']]}")
            seen_decisions[dec["id"]] = path.name
        cases.append(data)
    cases.sort(key=lambda c: (c["paper"]["footnote"], c["id"]))  # the paper's order
    return tuple(cases)


def load_cases(directory: str | Path | None = None) -> list[dict]:
    """Every case, validated, in the paper's order (by footnote). Cached; each call returns fresh copies."""
    return copy.deepcopy(list(_load(str(Path(directory).resolve() if directory else CASES_DIR))))


def decisions(directory: str | Path | None = None) -> list[dict]:
    """Every decision of every case, flattened, each with ``case_id``, ``short_name``, ``title`` and ``source``."""
    out = []
    for case in load_cases(directory):
        for dec in case["decisions"]:
            out.append({
                **dec,
                "case_id": case["id"],
                "short_name": case["short_name"],
                "title": case["title"],
                "source": {"section": case["paper"]["section"], "footnote": case["paper"]["footnote"]},
            })
    return out


def decision(id: str) -> dict:
    """One decision by its id; KeyError naming the known ids otherwise."""
    for dec in decisions():
        if dec["id"] == id:
            return dec
    raise KeyError(f"no decision {id!r}; known: {', '.join(d['id'] for d in decisions())}")


def decisions_json() -> list[dict]:
    """The decisions as ``liability-lab cases --json`` prints them (the contract's item format, plus extras).

    ``facts`` is the decision's scenario mapping with its ``assumptions`` key, ready for ``liability-lab analyze``.
    """
    return [
        {
            "id": d["id"],
            "case_id": d["case_id"],
            "short_name": d["short_name"],
            "title": d["title"]["zh"],
            "case_number": d["case_number"],
            "court": d["court"]["zh"] if d["court"] else None,
            "court_en": d["court"]["en"] if d["court"] else None,
            "instance": d["instance"],
            "liability_form": d["liability_form"],
            "shares": d["shares"],
            "holding": d["holding"],
            "facts": d["scenario"],
            "given": d["given"],
            "source": d["source"],
        }
        for d in decisions()
    ]
