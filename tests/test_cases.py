"""Questions about the casebook: the four cases of paper §3.3.1 and their five decisions.

The paper's citations, titles and holdings are copied below by hand (the project never reads the paper at run
time), so the data is checked against an independent copy. The replay tests are driven by each decision's own
``expected`` entry: every case in the casebook is a regression test of the engine.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from casebook import cases
from casebook.scenario import FIELD_NAMES, ScenarioError, validate

# Paper §3.3.1, footnotes 1-4, verbatim: "参见<court>民事判决书<case number>。"
PAPER_FOOTNOTES = {
    1: ("辽宁省大连市中级人民法院", "(2020)辽02民终2238号"),
    2: ("广东省深圳市中级人民法院", "(2020)粤03民终943号"),
    3: ("安徽省涡阳县人民法院", "(2019)皖1621民初6389号"),
    4: ("黑龙江省哈尔滨市中级人民法院", "(2020)黑01民终4637号"),
}

# The case names exactly as the paper's text gives them, by footnote.
PAPER_TITLES = {
    1: "丛某与浙江淘宝网络公司网络购物合同纠纷案",
    2: "王某与黄某某、深圳依时货拉拉科技有限公司机动车交通事故责任纠纷",
    3: "张某、沭阳温乐尔商贸有限公司、北京京东叁佰陆拾度电子商务有限公司网络购物合同纠纷",
    4: "三快公司与小跳蛙体育公司违反安保义务侵权纠纷",
}

# What each court held, as the paper reports it.
HELD = {
    "cong-v-taobao": "none",
    "wang-v-huolala": "supplementary",
    "zhang-v-jd": "joint",
    "sankuai-first-instance": "joint",
    "sankuai-second-instance": "proportional",
}

# The scenario values the paper itself states, per decision. Every other field a scenario sets is an assumption
# and must say so. Why each counts as given:
# - Cong: a seller "利用其经营的淘宝网向原告提供商品" (a third-party seller); "不符合食品安全标准的食品" (food, so
#   life and health); "已经尽到了必要的审查…责任" (review fulfilled); "丛某在淘宝购买" (the buyer); "十倍赔偿".
# - Huolala: "机动车交通事故责任纠纷" (not food); "未审查营运资质"; "未尽到安全保障义务".
# - Zhang: JD supervised Wenle'er's sale (a third-party seller); "不符合食品安全标准的…“三七”片" (food).
# - Sankuai, both instances: the paper introduces the case as one of a platform "违反安全保障义务后"; first
#   instance: "对小跳蛙公司的经营资质资格未尽到审核义务"; second instance: "段某某分别承担50%、30%、20%".
GIVEN_BY_PAPER = {
    "cong-v-taobao": {"platform_mode": "marketplace", "life_health_goods": True, "food": True,
                      "qualification_review": "fulfilled", "victim_is_consumer": True, "ten_fold_claim": True},
    "wang-v-huolala": {"food": False, "qualification_review": "failed", "safety_duty": "failed"},
    "zhang-v-jd": {"platform_mode": "marketplace", "life_health_goods": True, "food": True},
    "sankuai-first-instance": {"qualification_review": "failed", "safety_duty": "failed"},
    "sankuai-second-instance": {"safety_duty": "failed", "consumer_fault": 0.2, "platform_fault_share": 0.3},
}

FORMS_OF_RESPONSIBILITY = ("joint", "supplementary", "proportional", "non_genuine_joint")
UI_MODULES = ("ipywidgets", "IPython", "pandas", "matplotlib", "voila", "traitlets")

CASES = cases.load_cases()
DECISIONS = cases.decisions()
BY_ID = {d["id"]: d for d in DECISIONS}


def scenario_fields(dec: dict) -> list[str]:
    return [k for k in dec["scenario"] if k != "assumptions"]


# --- identity and citations -------------------------------------------------------------------------------------


def test_the_casebook_holds_the_papers_four_cases_and_five_decisions():
    assert [c["id"] for c in CASES] == ["cong-v-taobao", "wang-v-huolala", "zhang-v-jd", "sankuai-v-xiaotiaowa"]
    assert list(BY_ID) == list(HELD)


def test_case_ids_are_unique_and_match_their_file_names():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    files = sorted(p.stem for p in cases.CASES_DIR.glob("*.yaml"))
    assert files == sorted(ids)


def test_decision_ids_are_unique():
    ids = [d["id"] for d in DECISIONS]
    assert len(ids) == len(set(ids))


def test_case_numbers_are_exactly_as_the_paper_cites_them():
    for case in CASES:
        court, number = PAPER_FOOTNOTES[case["paper"]["footnote"]]
        numbered = [d for d in case["decisions"] if d["case_number"] is not None]
        assert len(numbered) == 1, case["id"]
        assert numbered[0]["case_number"] == number
        assert numbered[0]["court"]["zh"] == court
        assert case["paper"]["footnote_zh"] == f"参见{court}民事判决书{number}。"
    cited = {d["case_number"] for d in DECISIONS} - {None}
    assert cited == {number for _, number in PAPER_FOOTNOTES.values()}


def test_case_titles_are_exactly_as_the_paper_gives_them():
    for case in CASES:
        title = PAPER_TITLES[case["paper"]["footnote"]]
        assert case["title"]["zh"] == title
        assert f"“{title}”" in case["paper"]["quote_zh"], "the quote names the case in the paper's own words"


@pytest.mark.parametrize("dec", [d for d in DECISIONS if d["case_number"]],
                         ids=lambda d: f"{d['id']} has the instance its case number says")
def test_every_case_numbers_instance_matches_min_chu_or_min_zhong(dec):
    mark = re.search(r"民(初|终)", dec["case_number"]).group(1)
    assert dec["instance"] == {"初": "first", "终": "second"}[mark]


def test_meituans_first_instance_has_neither_court_nor_number_because_the_paper_gives_none():
    first = BY_ID["sankuai-first-instance"]
    assert first["case_number"] is None and first["court"] is None and first["instance"] == "first"


def test_each_decision_records_the_form_the_court_held():
    assert {d["id"]: d["liability_form"] for d in DECISIONS} == HELD


def test_meituan_has_two_decisions_joint_then_proportional_with_shares_summing_to_one():
    meituan = next(c for c in CASES if c["id"] == "sankuai-v-xiaotiaowa")
    first, second = meituan["decisions"]
    assert (first["liability_form"], second["liability_form"]) == ("joint", "proportional")
    assert first["shares"] is None
    assert second["shares"] == {"seller": 0.5, "platform": 0.3, "consumer": 0.2}
    assert math.isclose(sum(second["shares"].values()), 1.0)
    assert second["scenario"]["consumer_fault"] == second["shares"]["consumer"]
    assert second["scenario"]["platform_fault_share"] == second["shares"]["platform"]


def test_only_proportional_holdings_carry_shares():
    for dec in DECISIONS:
        assert (dec["shares"] is not None) == (dec["liability_form"] == "proportional"), dec["id"]


# --- the paper's words ------------------------------------------------------------------------------------------


def test_every_case_quotes_the_paper_with_its_footnote_and_a_marked_translation():
    marks = {1: "¹", 2: "²", 3: "³", 4: "⁴"}
    for case in CASES:
        paper = case["paper"]
        assert paper["section"] == "3.3.1"
        assert paper["quote_zh"].endswith(marks[paper["footnote"]] + "。")
        assert paper["quote_en"].startswith("[Unofficial translation] ")


def test_every_given_value_cites_words_that_appear_in_the_papers_quote():
    for case in CASES:
        for dec in case["decisions"]:
            for field, words in dec["given"].items():
                assert words in case["paper"]["quote_zh"], (dec["id"], field)


# --- scenarios and their assumptions ----------------------------------------------------------------------------


@pytest.mark.parametrize("dec", DECISIONS, ids=lambda d: f"{d['id']}'s scenario validates")
def test_every_scenario_validates(dec):
    scenario = validate(dec["scenario"])
    for field in scenario_fields(dec):
        got, want = getattr(scenario, field), dec["scenario"][field]
        assert got == want or (isinstance(want, (int, float)) and math.isclose(got, want)), field


@pytest.mark.parametrize("dec", DECISIONS, ids=lambda d: f"{d['id']} marks every value the paper does not give")
def test_every_field_the_paper_does_not_give_carries_an_assumption_note(dec):
    given = GIVEN_BY_PAPER[dec["id"]]
    notes = dec["scenario"]["assumptions"]
    for field in scenario_fields(dec):
        if field in given:
            assert dec["scenario"][field] == given[field], f"{field}: the paper says {given[field]!r}"
            assert field not in notes, f"{field} is given by the paper, yet marked as an assumption"
        else:
            note = notes.get(field)
            assert note, f"{field} is not given by the paper and has no assumption note"
            assert "假设" in note["zh"] and "assumption" in note["en"].lower(), f"{field}: say it is an assumption"


@pytest.mark.parametrize("dec", DECISIONS, ids=lambda d: f"{d['id']} lists the paper's words for what it gives")
def test_the_datas_given_fields_are_exactly_the_fields_the_paper_gives(dec):
    assert set(dec["given"]) == set(GIVEN_BY_PAPER[dec["id"]])


def test_every_scenario_spells_out_every_field_so_no_default_decides_silently():
    for dec in DECISIONS:
        assert set(scenario_fields(dec)) == set(FIELD_NAMES), dec["id"]


def test_amounts_are_never_given_by_the_paper():
    for dec in DECISIONS:
        for field in ("damages", "price", "seller_can_pay"):
            assert field in dec["scenario"]["assumptions"], (dec["id"], field)


# --- the cases --json format ------------------------------------------------------------------------------------


def test_decisions_json_items_follow_the_contract():
    items = cases.decisions_json()
    json.dumps(items, ensure_ascii=False)
    assert [i["id"] for i in items] == list(HELD)
    for item in items:
        assert {"id", "case_number", "court", "instance", "liability_form", "shares", "facts", "source"} <= set(item)
        assert item["court"] is None or isinstance(item["court"], str)
        assert item["instance"] in ("first", "second")
        assert item["source"]["section"] == "3.3.1" and item["source"]["footnote"] in PAPER_FOOTNOTES
        assert "assumptions" in item["facts"]
        validate(item["facts"])


def test_decision_looks_one_up_by_id_and_names_the_known_ids_otherwise():
    assert cases.decision("zhang-v-jd")["case_number"] == "(2019)皖1621民初6389号"
    with pytest.raises(KeyError, match="sankuai-first-instance"):
        cases.decision("no-such-decision")


def test_load_cases_is_cached_but_callers_cannot_corrupt_the_cache():
    first = cases.load_cases()
    first[0]["decisions"][0]["liability_form"] = "joint"
    assert cases.load_cases()[0]["decisions"][0]["liability_form"] == "none"


# --- bad files are refused with the file and the key ------------------------------------------------------------


def _break(case: dict, how: str) -> None:
    dec = case["decisions"][0]
    if how == "unknown key":
        case["colour"] = "red"
    elif how == "missing translation":
        del dec["holding"]["en"]
    elif how == "instance contradicts 民终":
        dec["instance"] = "first"
    elif how == "value without a note":
        del dec["scenario"]["assumptions"]["damages"]
    elif how == "bad scenario value":
        dec["scenario"]["harm"] = "injury"
    elif how == "shares on a non-proportional holding":
        dec["shares"] = {"seller": 1.0, "platform": 0.0, "consumer": 0.0}
    elif how == "held form missing from the expected statute alternatives":
        dec["expected"]["statute"] = ["joint", "supplementary"]


BROKEN = [
    ("unknown key", "colour"),
    ("missing translation", "decisions[0].holding.en"),
    ("instance contradicts 民终", "decisions[0].instance"),
    ("value without a note", "decisions[0].scenario.damages"),
    ("bad scenario value", "decisions[0].scenario.harm"),
    ("shares on a non-proportional holding", "decisions[0].shares"),
    ("held form missing from the expected statute alternatives", "decisions[0].expected.statute"),
]


@pytest.mark.parametrize("how, key", BROKEN, ids=[f"a case file with {how} is refused" for how, _ in BROKEN])
def test_a_broken_case_file_is_refused_naming_file_and_key(tmp_path, how, key):
    case = yaml.safe_load((cases.CASES_DIR / "cong-v-taobao.yaml").read_text(encoding="utf-8"))
    _break(case, how)
    (tmp_path / "cong-v-taobao.yaml").write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    with pytest.raises(cases.CaseFileError) as err:
        cases.load_cases(tmp_path)
    assert err.value.file == "cong-v-taobao.yaml" and err.value.key == key
    assert str(err.value).startswith(f"cong-v-taobao.yaml: {key}: ")


def test_a_decision_id_used_twice_across_files_is_refused(tmp_path):
    shutil.copy(cases.CASES_DIR / "cong-v-taobao.yaml", tmp_path / "cong-v-taobao.yaml")
    twin = yaml.safe_load((cases.CASES_DIR / "cong-v-taobao.yaml").read_text(encoding="utf-8"))
    twin["id"] = "cong-twin"
    (tmp_path / "cong-twin.yaml").write_text(yaml.safe_dump(twin, allow_unicode=True), encoding="utf-8")
    with pytest.raises(cases.CaseFileError, match="already used"):
        cases.load_cases(tmp_path)


def test_the_schema_check_agrees_with_jsonschema():
    """casebook.data_schema (fastjsonschema, pure Python, also in the static edition) and the reference library
    jsonschema accept and refuse the same case files."""
    jsonschema = pytest.importorskip("jsonschema")
    from casebook.data_schema import first_problem

    schema = cases.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(cases.CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert list(validator.iter_errors(data)) == [] and first_problem(data, cases.SCHEMA_PATH) is None, path.name
        _break(data, "missing translation")
        assert list(validator.iter_errors(data)) and first_problem(data, cases.SCHEMA_PATH), path.name


def test_a_schema_never_makes_the_checker_fetch_anything(monkeypatch):
    """The statute schema's "$id" is a name, not a place: no reference may be fetched from the network."""
    import urllib.request

    from casebook import data_schema, statutes

    def refuse(*args, **kwargs):
        raise AssertionError("the schema check tried to fetch a URL")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    data_schema._validator.cache_clear()
    data = yaml.safe_load((statutes.DATA_DIR / "civil-code.yaml").read_text(encoding="utf-8"))
    assert data_schema.first_problem(data, statutes.SCHEMA_PATH) is None
    data["articles"][0]["number"] = "1165"
    assert data_schema.first_problem(data, statutes.SCHEMA_PATH) == ("articles[0].number", 'expected an integer, got "1165"')


def test_reading_the_casebook_imports_no_ui_library():
    code = f"import sys, casebook.cases as c; c.decisions_json(); print([m for m in {UI_MODULES!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "[]"


# --- every decision replayed through the engine (table-driven from each decision's `expected`) --------------------


@pytest.fixture(scope="module")
def analyze():
    engine = pytest.importorskip("casebook.engine", reason="casebook/engine.py is not there yet")
    return engine.analyze


@pytest.mark.parametrize("dec", DECISIONS, ids=lambda d: f"under the statute {d['id']}'s holding "
                                                        f"({d['liability_form']}) is the outcome or an alternative")
def test_under_the_statute_the_holding_is_the_outcome_or_one_of_its_alternatives(analyze, dec):
    result = analyze(dec["scenario"], regime="statute")
    forms = [a["form"] for a in result["alternatives"]]
    assert result["liability_form"] == dec["liability_form"] or dec["liability_form"] in forms
    expected = dec["expected"]["statute"]
    if isinstance(expected, str):
        assert result["liability_form"] == expected
    else:
        assert result["liability_form"] == "undetermined"
        assert set(expected) <= set(forms)


REPLAYS = [
    pytest.param(dec, regime, outcome, id=f"{dec['id']} replays as {outcome['liability_form']} under {regime}")
    for dec in DECISIONS
    for regime, outcome in dec["expected"]["regimes"].items()
]


@pytest.mark.parametrize("dec, regime, outcome", REPLAYS)
def test_every_decision_replays_as_expected_under_each_regime(analyze, dec, regime, outcome):
    result = analyze(dec["scenario"], regime=regime)
    assert result["liability_form"] == outcome["liability_form"]
    if "payment_shares" in outcome:
        damages = dec["scenario"]["damages"]
        for party, share in outcome["payment_shares"].items():
            assert math.isclose(result["payments"][party], share * damages, abs_tol=0.01), party


@pytest.mark.parametrize("dec", [d for d in DECISIONS if d["liability_form"] in FORMS_OF_RESPONSIBILITY],
                         ids=lambda d: f"{d['id']} is {d['liability_form']} under the regime of that name")
def test_under_the_regime_named_after_the_holding_the_engine_gives_exactly_that_form(analyze, dec):
    assert analyze(dec["scenario"], regime=dec["liability_form"])["liability_form"] == dec["liability_form"]


def test_meituans_second_instance_pays_50_30_20_of_the_damages_under_the_proportional_reading(analyze):
    dec = BY_ID["sankuai-second-instance"]
    damages = dec["scenario"]["damages"]
    assert dec["scenario"]["seller_can_pay"] == 1
    payments = analyze(dec["scenario"], regime="proportional")["payments"]
    assert payments == pytest.approx({"seller": 0.5 * damages, "platform": 0.3 * damages,
                                      "consumer_unrecovered": 0.2 * damages})


def test_the_scenario_model_refuses_what_the_casebook_relies_on_it_to_refuse():
    with pytest.raises(ScenarioError):
        validate({**BY_ID["cong-v-taobao"]["scenario"], "harm": "injury"})
