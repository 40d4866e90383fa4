"""Scenario sets: the shipped example agrees with the engine, answers are graded by the engine, bad sets are refused."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from casebook.engine import FORMS, analyze
from casebook.scenario import ScenarioError
from casebook.scenario_sets import (
    MAX_BYTES,
    MAX_ITEMS,
    ScenarioSetError,
    check_answer,
    example_set_path,
    load_set,
    load_set_file,
    verify_set,
)
from casebook.texts import RULE_NAMES

EXAMPLE = example_set_path("classroom-basics")


@pytest.fixture(scope="module")
def example():
    return load_set_file(EXAMPLE)


def minimal_item(**changes) -> dict:
    item = {
        "id": "knew",
        "title": "Knew",
        "scenario": {"platform_knowledge": "knew", "necessary_measures": False},
        "question": {"zh": "平台承担什么责任？", "en": "What is the platform's liability?"},
        "expected": {"liability_form": "joint"},
    }
    item.update(changes)
    return item


def minimal_set(**changes) -> dict:
    data = {"title": {"zh": "练习", "en": "Exercises"}, "scenarios": [minimal_item()]}
    data.update(changes)
    return data


# --- the shipped example set -------------------------------------------------------------------------------------


def test_the_example_set_verifies_against_the_engine_with_no_mismatch(example):
    assert verify_set(example) == []


def test_the_example_set_covers_the_papers_framework(example):
    forms = {(item["regime"], item["expected"]["liability_form"]) for item in example["scenarios"]}
    assert {("statute", "joint"), ("statute", "as_seller"), ("statute", "supplementary"),
            ("statute", "undetermined"), ("proposal", "joint"), ("proposal", "supplementary")} <= forms
    rules = {analyze(i["scenario"], i["regime"], "en")["deciding_rule"] for i in example["scenarios"]}
    assert {"ecl_38_1", "platform_as_seller", "crpl_44_1", "ecl_38_2", "fsl_131_1"} <= rules
    assert 6 <= len(example["scenarios"]) <= MAX_ITEMS


def test_every_amount_in_the_example_set_is_marked_illustrative(example):
    for item in example["scenarios"]:
        notes = item["scenario"].get("assumptions", {})
        for field in ("damages", "seller_can_pay", "price"):
            if field in item["scenario"] and item["scenario"][field] not in (0, 1):
                assert field in notes, f"{item['id']}: {field} needs an assumption note"
                assert "示例" in notes[field]["zh"] and "llustrative" in notes[field]["en"]


def test_the_example_set_is_bilingual(example):
    for item in example["scenarios"]:
        for key in ("title", "question", "explanation"):
            assert item[key]["zh"] != item[key]["en"], f"{item['id']}.{key} is not translated"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_right_answer_to_every_example_item_is_graded_correct(example, lang):
    for item in example["scenarios"]:
        result = check_answer(item, item["expected"]["liability_form"])
        assert result["correct"], item["id"]
        assert result["feedback"][lang]


# --- grading -----------------------------------------------------------------------------------------------------

WRONG_ANSWERS = [
    pytest.param("knew-and-did-nothing", "none", "ecl_38_1",
                 id="denying liability where the platform knew names ECL 38 para 1"),
    pytest.param("self-operated", "joint", "platform_as_seller",
                 id="calling a self-operated sale joint names the platform as seller"),
    pytest.param("life-health-failed-review-statute", "joint", "ecl_38_2",
                 id="picking a reading under the statute names ECL 38 para 2"),
    pytest.param("life-health-failed-review-proposal-decisive", "supplementary", "ecl_38_2",
                 id="a supplementary answer to a decisive breach names ECL 38 para 2 and the paper"),
    pytest.param("food-failed-licence-review", "undetermined", "fsl_131_1",
                 id="treating food like other goods names FSL 131"),
]


@pytest.mark.parametrize("item_id, answer, rule", WRONG_ANSWERS)
def test_a_wrong_answers_feedback_names_the_deciding_rule(example, item_id, answer, rule):
    item = next(i for i in example["scenarios"] if i["id"] == item_id)
    result = check_answer(item, answer)
    assert result["correct"] is False
    assert result["deciding_rule"] == rule
    analysis = {lang: analyze(item["scenario"], item["regime"], lang) for lang in ("zh", "en")}
    for lang in ("zh", "en"):
        feedback = result["feedback"][lang]
        assert RULE_NAMES[rule][lang] in feedback
        step = next(s for s in analysis[lang]["trace"] if s["rule"] == rule)
        assert step["citation"] in feedback and step["reason"] in feedback
    if item["regime"] == "proposal":
        assert "§4.1.1" in result["feedback"]["en"]


def test_feedback_names_a_pivotal_fact(example):
    item = next(i for i in example["scenarios"] if i["id"] == "life-health-failed-review-proposal-decisive")
    feedback = check_answer(item, "supplementary")["feedback"]
    assert "Pivotal facts" in feedback["en"] and "关键事实" in feedback["zh"]


def test_the_check_uses_the_engine_not_the_stored_answer():
    item = minimal_item(expected={"liability_form": "none"})  # wrong on purpose
    loaded = load_set(json.dumps(minimal_set(scenarios=[item])))
    assert check_answer(loaded["scenarios"][0], "none")["correct"] is False
    result = check_answer(loaded["scenarios"][0], "joint")
    assert result["correct"] is True
    assert "differs from the engine" in result["feedback"]["en"]
    assert verify_set(loaded) == [{"id": "knew", "key": "liability_form", "expected": "none", "engine": "joint"}]


def test_verify_set_reports_wrong_payments():
    item = minimal_item(expected={"liability_form": "joint", "payments": {"platform": 1.0}, "recourse": 5})
    problems = verify_set(json.dumps(minimal_set(scenarios=[item])))
    assert {p["key"] for p in problems} == {"payments.platform", "recourse"}


def test_check_answer_accepts_a_raw_item():
    assert check_answer(minimal_item(), "joint")["correct"] is True


@pytest.mark.parametrize("answer", ["Joint", "", None, 3, "<script>"],
                         ids=["a capitalised form is refused", "an empty answer is refused", "no answer is refused",
                              "a number is refused", "markup is refused"])
def test_check_answer_refuses_an_answer_that_is_no_form(answer):
    with pytest.raises(ScenarioError):
        check_answer(minimal_item(), answer)


def test_every_form_is_a_valid_answer():
    for form in FORMS:
        assert isinstance(check_answer(minimal_item(), form)["correct"], bool)


# --- loading -----------------------------------------------------------------------------------------------------


def test_a_json_set_loads_and_fills_in_defaults():
    loaded = load_set(json.dumps(minimal_set()))
    item = loaded["scenarios"][0]
    assert item["regime"] == "statute"
    assert item["title"] == {"zh": "Knew", "en": "Knew"}
    assert item["explanation"] is None and loaded["description"] is None


def test_a_yaml_set_loads_from_bytes():
    loaded = load_set(yaml.safe_dump(minimal_set(), allow_unicode=True).encode("utf-8"))
    assert loaded["scenarios"][0]["id"] == "knew"


def many(n: int) -> dict:
    return minimal_set(scenarios=[minimal_item(id=f"item-{i}") for i in range(n)])


def with_item(**changes) -> str:
    return json.dumps(minimal_set(scenarios=[minimal_item(**changes)]))


BAD_SETS = [
    pytest.param("", None, "empty", id="an empty file is refused"),
    pytest.param("x" * (MAX_BYTES + 1), None, "too large", id="a file over 256 KB is refused"),
    pytest.param(b"\xff\xfe", None, "UTF-8", id="bytes that are not UTF-8 are refused"),
    pytest.param("title: [unclosed", None, "neither JSON nor YAML", id="broken YAML is refused"),
    pytest.param("- a\n- b\n", None, "mapping", id="a list at the top is refused"),
    pytest.param(json.dumps(many(MAX_ITEMS + 1)), "scenarios", "at most 100", id="more than 100 items are refused"),
    pytest.param(json.dumps(minimal_set(scenarios=[])), "scenarios", "non-empty", id="a set without items is refused"),
    pytest.param(json.dumps({"scenarios": [minimal_item()]}), "title", "missing",
                 id="a set without a title is refused"),
    pytest.param(json.dumps(minimal_set(author="me")), "author", "unknown key",
                 id="an unknown top-level key is refused"),
    pytest.param(json.dumps(minimal_set(scenarios=[minimal_item(), minimal_item()])), "scenarios[1].id", "already used",
                 id="duplicate ids are refused"),
    pytest.param(with_item(id="has space"), "scenarios[0].id", "letters", id="an id with a space is refused"),
    pytest.param(with_item(question=None), "scenarios[0].question", "text", id="a missing question is refused"),
    pytest.param(with_item(question={"zh": "问"}), "scenarios[0].question.en", "required key is missing",
                 id="a question without English is refused"),
    pytest.param(with_item(regime="lenient"), "scenarios[0].regime", "allowed", id="an unknown regime is refused"),
    pytest.param(with_item(expected={"liability_form": "shared"}), "scenarios[0].expected.liability_form", "allowed",
                 id="an unknown liability form is refused"),
    pytest.param(with_item(expected={"liability_form": "joint", "payments": {"platform": -1}}),
                 "scenarios[0].expected.payments.platform", ">= 0", id="a negative payment is refused"),
    pytest.param("title: t\nscenarios:\n - {id: a, title: t, scenario: {}, question: q, expected: {liability_form: joint,"
                 " payments: {seller: .nan}}}\n", "scenarios[0].expected.payments.seller", ">= 0",
                 id="a payment that is no number (YAML .nan) is refused"),
    pytest.param(with_item(expected={"liability_form": "joint", "payments": {"judge": 1}}),
                 "scenarios[0].expected.payments.judge", "unknown key", id="a payment to an unknown party is refused"),
    pytest.param(with_item(scenario={"food": "yes"}), "scenarios[0].scenario.food", "true or false",
                 id="a bad scenario value is refused with its path"),
    pytest.param(with_item(scenario={"colour": "red"}), "scenarios[0].scenario.colour", "unknown field",
                 id="an unknown scenario field is refused with its path"),
    pytest.param(with_item(scenario=["food"]), "scenarios[0].scenario", "mapping",
                 id="a scenario that is a list is refused"),
    pytest.param(with_item(extra=1), "scenarios[0].extra", "unknown key", id="an unknown item key is refused"),
    pytest.param("title: t\nscenarios:\n  - &a {id: x}\n  - *a\n", None, "anchors",
                 id="YAML anchors and aliases are refused"),
]


@pytest.mark.parametrize("text, field, words", BAD_SETS)
def test_bad_sets(text, field, words):
    with pytest.raises(ScenarioSetError) as info:
        load_set(text)
    err = info.value
    assert isinstance(err, ScenarioError)
    assert err.field == field
    assert words in str(err)
    assert "\n" not in str(err)


def test_a_billion_laughs_yaml_is_refused_quickly():
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    lines += ["title: *a8", "scenarios: []"]
    with pytest.raises(ScenarioSetError, match="anchors"):
        load_set("\n".join(lines))


def test_load_set_does_not_change_its_input():
    data = minimal_set()
    before = copy.deepcopy(data)
    load_set(json.dumps(data))
    assert data == before


def test_an_unreadable_file_is_a_scenario_set_error(tmp_path):
    with pytest.raises(ScenarioSetError, match="cannot read"):
        load_set_file(tmp_path / "missing.yaml")
