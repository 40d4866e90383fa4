"""One validation mechanism for every data file: a published JSON Schema per kind, applied by casebook.data_schema.

Checks that every published schema is a valid JSON Schema (draft 2020-12, what each declares), that every data file
under casebook/data fits its schema by the reference library (jsonschema) and by the project's checker
(fastjsonschema, which also runs in the static edition) alike, that the schemas use only keywords fastjsonschema
applies (one it ignores would silently allow anything), that the enumerations in the hand-written schemas agree with
the engine, and that the scenario model's checks agree with its generated schema on many generated inputs.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from casebook import cases, lessons, scenario, scenario_sets, statutes
from casebook.data_schema import first_problem
from casebook.engine import FORMS, REGIMES

DATA = Path(cases.__file__).resolve().parent / "data"
SCHEMAS = {
    "cases": cases.SCHEMA_PATH,
    "statutes": statutes.SCHEMA_PATH,
    "lessons": lessons.SCHEMA_PATH,
    "sets": scenario_sets.SCHEMA_PATH,
    "scenario": scenario.SCHEMA_PATH,
    # The statutes' English as written (tools/import_statutes.py merges it into the statute files).
    "statutes/en": statutes.DATA_DIR / "en" / "schema.json",
}


def _load(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)


def _data_files() -> list[tuple[str, Path, str | None]]:
    """(schema kind, file, $defs part or None) for every YAML data file of the package."""
    out = []
    for path in sorted(DATA.rglob("*.yaml")):
        kind = path.parent.relative_to(DATA).as_posix()
        out.append((kind, path, path.stem if kind == "lessons" else None))
    return out


FILES = _data_files()


def test_every_yaml_data_file_has_a_schema():
    kinds = {kind for kind, _, _ in FILES}
    assert kinds == {"cases", "statutes", "statutes/en", "lessons", "sets"}, kinds
    assert len(FILES) >= 4 + 10 + 10 + 9 + 1
    defs = json.loads(lessons.SCHEMA_PATH.read_text(encoding="utf-8"))["$defs"]
    assert {part for kind, _, part in FILES if kind == "lessons"} == set(lessons.ALL_LESSONS) <= set(defs)


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_every_published_schema_is_a_valid_json_schema(kind):
    schema = json.loads(SCHEMAS[kind].read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def _reference_validator(kind: str, part: str | None):
    schema = json.loads(SCHEMAS[kind].read_text(encoding="utf-8"))
    if part is not None:
        schema = {"$ref": f"#/$defs/{part}", "$defs": schema["$defs"]}
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("kind, path, part", FILES, ids=[p.relative_to(DATA).as_posix() for _, p, _ in FILES])
def test_every_data_file_fits_its_schema(kind, path, part):
    data = _load(path)
    errors = [e.message for e in _reference_validator(kind, part).iter_errors(data)]
    assert errors == [], errors[:3]
    assert first_problem(data, SCHEMAS[kind], part) is None


def test_the_loaders_check_every_file_with_its_schema(tmp_path, monkeypatch):
    """Each loader refuses a file that breaks only its schema, naming the key path (so none skips the schema)."""
    bad_lesson = lessons.load("platform_terms")
    bad_lesson["columns"]["kind"]["fr"] = "genre"
    with pytest.raises(lessons.LessonDataError, match=r"^platform_terms\.yaml: columns\.kind\.fr: unknown key"):
        lessons.check("platform_terms", bad_lesson)
    bad_set = _load(scenario_sets.example_set_path())
    bad_set["scenarios"][0]["expected"]["recourse"] = "some"
    with pytest.raises(scenario_sets.ScenarioSetError) as err:
        scenario_sets.load_set(json.dumps(bad_set))
    assert err.value.field == "scenarios[0].expected.recourse" and "a number >= 0 (yuan), or null" in str(err.value)
    bad_case = _load(DATA / "cases" / "zhang-v-jd.yaml")
    bad_case["decisions"][0]["instance"] = "third"
    with pytest.raises(cases.CaseFileError, match=r"decisions\[0\]\.instance: got \"third\"; allowed: first, second"):
        cases.validate_case(bad_case, "zhang-v-jd.yaml")


# Keywords fastjsonschema applies (its draft-2019 generator, which it uses for draft 2020-12), the subschemas of
# `if`, and annotations. A keyword it does not know (dependentRequired, prefixItems, ...) it silently ignores.
APPLIED = {"additionalProperties", "allOf", "anyOf", "const", "contains", "enum", "exclusiveMaximum",
           "exclusiveMinimum", "if", "then", "else", "items", "maxItems", "maxLength", "maxProperties", "maximum",
           "minItems", "minLength", "minProperties", "minimum", "multipleOf", "not", "oneOf", "pattern",
           "patternProperties", "properties", "propertyNames", "required", "type", "uniqueItems", "$ref", "$defs"}
ANNOTATIONS = {"$schema", "$id", "$comment", "title", "description", "default", "examples"}


def _subschemas(schema: dict):
    for key in ("items", "additionalProperties", "propertyNames", "contains", "if", "then", "else", "not"):
        if isinstance(schema.get(key), dict):
            yield schema[key]
    for key in ("properties", "patternProperties", "$defs"):
        yield from schema.get(key, {}).values()
    for key in ("anyOf", "allOf", "oneOf"):
        yield from schema.get(key, [])


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_the_schemas_use_only_keywords_the_checker_applies(kind):
    todo = [json.loads(SCHEMAS[kind].read_text(encoding="utf-8"))]
    while todo:
        node = todo.pop()
        assert set(node) <= APPLIED | ANNOTATIONS, set(node) - APPLIED - ANNOTATIONS
        assert not isinstance(node.get("items"), list), "a list under items is prefixItems in draft 2020-12"
        todo.extend(_subschemas(node))


def test_the_hand_written_schemas_agree_with_the_engine():
    sets = json.loads(scenario_sets.SCHEMA_PATH.read_text(encoding="utf-8"))
    assert tuple(sets["$defs"]["form"]["enum"]) == FORMS
    assert tuple(sets["$defs"]["regime"]["enum"]) == REGIMES
    assert sets["properties"]["scenarios"]["maxItems"] == scenario_sets.MAX_ITEMS
    defs = json.loads(lessons.SCHEMA_PATH.read_text(encoding="utf-8"))["$defs"]
    assert tuple(defs["form"]["enum"]) == FORMS
    assert tuple(defs["exercises"]["properties"]["items"]["items"]["properties"]["regime"]["enum"]) == REGIMES


def test_the_published_scenario_schema_is_the_generated_one():
    published = json.loads(scenario.SCHEMA_PATH.read_text(encoding="utf-8"))
    assert published == json.loads(json.dumps(scenario.json_schema())), (
        "casebook/data/scenario.schema.json is out of date: run "
        "python -c 'from casebook.scenario import write_json_schema; write_json_schema()'")


# --- the scenario model: validate() allows exactly what its generated schema allows ------------------------------

_SCENARIO_REFERENCE = jsonschema.Draft202012Validator(scenario.json_schema())
_NOTES = st.one_of(st.text(max_size=3), st.just("x" * 1001), st.fixed_dictionaries({}, optional={
    "zh": st.one_of(st.text(max_size=3), st.integers()), "en": st.text(max_size=3), "fr": st.text(max_size=2)}))
_VALUES = st.one_of(
    st.sampled_from([o for f in scenario.FIELDS for o in f.options]), st.booleans(), st.none(),
    st.integers(-3, 3), st.integers(min_value=10 ** 11, max_value=10 ** 13),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(0, 1), st.text(max_size=4), st.lists(st.integers(), max_size=2),
    _NOTES,
)
_KEYS = st.sampled_from(list(scenario.FIELD_NAMES) + ["title", "description", "colour", "Harm"])


def _valid(field) -> st.SearchStrategy:
    if field.kind == "choice":
        return st.sampled_from(field.options)
    if field.kind == "bool":
        return st.booleans()
    numbers = st.floats(field.minimum, field.maximum) | st.integers(0, int(min(field.maximum, 10 ** 6)))
    return numbers | st.none() if field.optional else numbers


@st.composite
def _scenarios(draw) -> dict:
    """Mostly valid facts (three in four values fit their field), with junk, unknown keys and metadata mixed in."""
    out = {}
    for key in draw(st.lists(_KEYS, max_size=5, unique=True)):
        field = scenario.FIELD_BY_NAME.get(key)
        out[key] = draw(_valid(field)) if field is not None and draw(st.integers(0, 3)) else draw(_VALUES)
    if draw(st.booleans()):
        out["assumptions"] = draw(st.one_of(st.none(), st.integers(), st.dictionaries(
            st.sampled_from(["harm", "damages", "nope"]), _NOTES, max_size=2)))
    return out


_SCENARIOS = _scenarios()


def _finite(data: dict) -> bool:
    return not any(isinstance(v, float) and math.isnan(v) for k, v in data.items() if k in scenario.FIELD_BY_NAME)


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(_SCENARIOS)
@example({"title": {"fr": "x"}})
@example({"title": "x" * 301, "harm": "none"})
@example({"description": {"zh": "x", "en": 3}})
@example({"assumptions": {"nope": "x"}})
@example({"assumptions": {"harm": {"zh": "x" * 1001}}})
@example({"consumer_fault": 0.8, "platform_fault_share": 0.3})
@example({"seller_can_pay": float("nan")})
@example({"damages": True, "food": 1})
@example({"price": 10 ** 13})
@example({"platform_fault_share": None, "assumptions": None, "title": {"en": "T"}})
def test_validate_allows_exactly_what_the_generated_schema_allows(data):
    share, consumer = data.get("platform_fault_share"), data.get("consumer_fault", 0.0)
    by_schema = (_SCENARIO_REFERENCE.is_valid(data) and _finite(data)
                 and not (isinstance(share, (int, float)) and isinstance(consumer, (int, float))
                          and share + consumer > 1.0 + 1e-9))
    before = copy.deepcopy(data)
    try:
        scenario.validate(data)
        allowed = True
    except scenario.ScenarioError as exc:
        allowed = False
        assert exc.field in {str(k) for k in data}, (exc.field, data)
        assert "\n" not in str(exc)
        assert "allowed" in str(exc) or "must be" in str(exc), str(exc)
    assert allowed == by_schema, data
    assert data == before or not _finite(before)  # validate never changes its input (NaN != NaN)


# --- the checker (fastjsonschema) and the reference library (jsonschema) agree on changed data files -----------

_JUNK = st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.text(max_size=3), st.just(""), st.just([]),
                  st.just({}), st.just({"zh": "z"}), st.just(["e-commerce-law", 38]))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))


SAMPLES = [("lessons", DATA / "lessons" / "decision_path.yaml", "decision_path"),
           ("lessons", DATA / "lessons" / "safety_duty.yaml", "safety_duty"),
           ("sets", scenario_sets.example_set_path(), None),
           ("cases", DATA / "cases" / "wang-v-huolala.yaml", None)]


@pytest.mark.parametrize("kind, path, part", SAMPLES, ids=[p.name for _, p, _ in SAMPLES])
def test_the_checker_and_the_reference_library_agree_on_changed_files(kind, path, part):
    original = _load(path)
    paths = list(_paths(original))[1:]
    reference = _reference_validator(kind, part)

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(paths), _JUNK, st.booleans())
    def check(where, junk, delete):
        data = copy.deepcopy(original)
        node = data
        for key in where[:-1]:
            node = node[key]
        if delete:
            del node[where[-1]]
        else:
            node[where[-1]] = junk
        problem = first_problem(data, SCHEMAS[kind], part)
        assert (problem is None) == reference.is_valid(data), (where, junk, delete, problem)
        if problem:
            key, message = problem
            assert message and "\n" not in message

    check()
