"""The scenario model: defaults, validation at the boundary, JSON and YAML loading."""

import json

import pytest

from casebook.scenario import (DEFAULTS, FIELD_NAMES, FIELDS, ScenarioError, json_schema, load, parse_text,
                               validate)

CONTRACT_FIELDS = {
    "platform_mode", "seller_identity_disclosed", "favourable_promise", "platform_knowledge", "necessary_measures",
    "life_health_goods", "food", "qualification_review", "safety_duty", "harm", "causation", "risk_level",
    "consumer_fault", "damages", "seller_can_pay", "platform_fault_share", "platform_tier", "victim_is_consumer",
    "price", "ten_fold_claim", "seller_knew_unsafe", "label_defect_only",
}


def test_every_contract_field_is_modelled_and_nothing_else():
    assert set(FIELD_NAMES) == CONTRACT_FIELDS


def test_every_field_has_bilingual_label_and_help():
    for f in FIELDS:
        for text in (f.label, f.help):
            assert text["zh"].strip() and text["en"].strip(), f.name
        if f.kind == "choice":
            assert set(f.option_labels) == set(f.options), f.name


def test_contract_defaults():
    s = validate({})
    assert s.victim_is_consumer is True and s.price == 0 and s.ten_fold_claim is False
    assert s.platform_fault_share is None
    assert s.platform_share == 0.5  # Civil Code 177: equal shares when the extent cannot be determined


BAD = [
    ("an unknown field is rejected, naming it", {"colour": "red"}, "colour", "unknown field"),
    ("a choice outside its options names the allowed values", {"harm": "emotional"}, "harm", "personal_injury"),
    ("a string is not a boolean", {"food": "yes"}, "food", "true or false"),
    ("a number is not a boolean", {"food": 1}, "food", "true or false"),
    ("a boolean is not a number", {"damages": True}, "damages", "a number"),
    ("negative damages are out of range", {"damages": -1}, "damages", "from 0"),
    ("a share above one is out of range", {"consumer_fault": 1.5}, "consumer_fault", "from 0 to 1"),
    ("NaN is not a number", {"seller_can_pay": float("nan")}, "seller_can_pay", "from 0 to 1"),
    ("infinity is out of range", {"price": float("inf")}, "price", "a number"),
    ("shares of fault cannot exceed the whole", {"consumer_fault": 0.8, "platform_fault_share": 0.3},
     "platform_fault_share", "at most 0.2"),
    ("assumptions must name real fields", {"assumptions": {"nope": "x"}}, "assumptions", "unknown field"),
]


@pytest.mark.parametrize("data, field, allowed", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_values_name_the_field_and_what_is_allowed(data, field, allowed):
    with pytest.raises(ScenarioError) as err:
        validate(data)
    assert err.value.field == field
    assert allowed in str(err.value)
    assert "\n" not in str(err.value)


def test_not_a_mapping_is_rejected():
    with pytest.raises(ScenarioError, match="mapping"):
        validate([1, 2])


def test_metadata_keys_are_allowed_and_ignored():
    s = validate({"title": "T", "assumptions": {"damages": {"zh": "示例", "en": "illustrative"}}, "damages": 5})
    assert s.damages == 5


@pytest.mark.parametrize("text", ['{"food": true}', "food: true\n", "food: yes\n"],
                         ids=["JSON", "YAML", "YAML 1.1 yes is not a boolean in safe YAML 1.2? still parsed"])
def test_json_and_yaml_both_load(text):
    data = parse_text(text)
    if data["food"] is True:
        assert validate(data).food is True


@pytest.mark.parametrize("text, message", [
    ("", "not empty"), ("[1, 2]", "not list"), ("food: [", "neither JSON nor YAML"), ("42", "not int"),
], ids=["an empty file", "a list", "broken YAML", "a bare number"])
def test_unparseable_or_non_mapping_text(text, message):
    with pytest.raises(ScenarioError) as err:
        parse_text(text)
    assert message.replace("not empty", "not empty") in str(err.value) or message in str(err.value)


def test_load_reads_files_and_reports_unreadable_ones(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("platform_mode: self_operated\n", encoding="utf-8")
    s, raw = load(str(path))
    assert s.platform_mode == "self_operated" and raw == {"platform_mode": "self_operated"}
    with pytest.raises(ScenarioError, match="cannot read"):
        load(str(tmp_path / "missing.json"))
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ScenarioError):
        load(str(tmp_path / "bin.json"))


def test_json_schema_is_derived_from_the_fields():
    schema = json_schema()
    assert schema["additionalProperties"] is False
    assert set(FIELD_NAMES) <= set(schema["properties"])
    assert schema["properties"]["harm"]["enum"] == ["none", "property", "personal_injury"]
    json.dumps(schema)
    assert DEFAULTS["damages"] == schema["properties"]["damages"]["default"]


def test_a_title_that_is_not_text_is_rejected_even_without_assumptions():
    with pytest.raises(ScenarioError) as err:
        validate({"title": 5})
    assert err.value.field == "title"


def test_an_unknown_field_with_a_newline_still_gives_one_line():
    with pytest.raises(ScenarioError) as err:
        validate({"bad\nkey": 1})
    assert "\n" not in str(err.value) and err.value.field == "bad?key"


# --- issue 18 point 2 and 9: what a scenario's metadata may be, and numbers no float holds ---------------------


def test_yaml_anchors_and_aliases_are_refused_before_anything_is_built():
    import time

    from casebook.scenario import parse_text

    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):  # nine levels: 9**9 items once expanded (the red team's seven took 2.5 GB)
        levels.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    bomb = "\n".join(levels) + "\nassumptions: {harm: *a8}\n"
    started = time.monotonic()
    with pytest.raises(ScenarioError, match="anchors or aliases"):
        parse_text(bomb)
    assert time.monotonic() - started < 1.0
    with pytest.raises(ScenarioError, match="anchors or aliases"):
        parse_text("food: &f true\nlife_health_goods: *f\n")


@pytest.mark.parametrize("meta", [
    {"assumptions": {"harm": ["x"]}},
    {"assumptions": {"harm": {"zh": ["x"]}}},
    {"assumptions": {"harm": {"zh": {"a": "b"}}}},
    {"assumptions": {"harm": {}}},
    {"assumptions": {"harm": 5}},
    {"title": {"fr": "x"}},
    {"title": ["x"]},
    {"description": {"zh": "x", "en": 3}},
    {"title": "x" * 301},
    {"description": {"en": "x" * 2001}},
    {"assumptions": {"harm": {"zh": "x" * 1001}}},
])
def test_metadata_is_text_or_zh_en_text_within_a_length(meta):
    with pytest.raises(ScenarioError) as err:
        validate(meta)
    assert err.value.field in ("title", "description", "assumptions")
    assert len(str(err.value)) < 200


def test_metadata_of_the_accepted_shapes_still_passes():
    validate({"title": "x" * 300, "description": {"zh": "说明", "en": "note"},
              "assumptions": {"harm": "示例", "damages": {"zh": "示例"}, "price": {"en": "x" * 1000}}})


@pytest.mark.parametrize("digits", [400, 5000])
def test_a_number_of_hundreds_of_digits_is_a_clear_refusal(digits):
    from casebook.scenario import parse_text

    with pytest.raises(ScenarioError) as err:
        validate(parse_text('{"damages": ' + "9" * digits + "}"))
    assert "digits" in str(err.value)
    with pytest.raises(ScenarioError):
        validate({"price": int("9" * 400)})
