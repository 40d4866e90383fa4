"""The evidence checklist, the nearest casebook decisions and the practitioner's memo."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from casebook import statutes
from casebook.cases import decisions
from casebook.engine import READINGS, analyze
from casebook.evidence import EVIDENCE, checklist, cited_refs
from casebook.memo import memo_html, memo_markdown
from casebook.scenario import ScenarioError, validate
from casebook.similar import WEIGHTS, distance, similar_decisions

FOOD = {"food": True, "qualification_review": "failed", "harm": "personal_injury"}
INJURY = {"life_health_goods": True, "safety_duty": "failed", "harm": "personal_injury"}
PROPERTY = {"platform_knowledge": "knew", "harm": "property"}


def evidence_ids(check: dict, fact: str) -> set:
    row = next((r for r in check["consumer"] if r["fact"] == fact), None)
    return {e["id"] for e in row["evidence"]} if row else set()


# --- the checklist -----------------------------------------------------------------------------------------------

ASKS_FOR = [
    pytest.param(FOOD, "seller_infringement", "food_test", id="a food case asks for a test report"),
    pytest.param(INJURY, "harm", "medical", id="personal injury asks for medical records and bills"),
    pytest.param(PROPERTY, "harm", "loss_amount", id="a property loss asks for proof of its amount"),
    pytest.param(PROPERTY, "transaction", "order_payment", id="every case asks for order and payment records"),
    pytest.param(PROPERTY, "transaction", "listing", id="every case asks for screenshots of the listing"),
    pytest.param(PROPERTY, "transaction", "chat", id="every case asks for chat logs"),
    pytest.param(PROPERTY, "transaction", "delivery", id="every case asks for the delivery record"),
    pytest.param(PROPERTY, "platform_knowledge", "complaints", id="knowledge asks for complaints and replies"),
    pytest.param({**FOOD, "ten_fold_claim": True, "price": 50}, "harm", "price_paid",
                 id="a ten-fold claim asks for proof of the price"),
]


@pytest.mark.parametrize("scenario, fact, evidence", ASKS_FOR)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_checklist_asks_for(scenario, fact, evidence, lang):
    assert evidence in evidence_ids(checklist(analyze(scenario, "statute", lang)), fact)


def test_a_non_food_case_asks_for_no_food_test_report():
    assert "food_test" not in evidence_ids(checklist(analyze(INJURY, "statute", "en")), "seller_infringement")


def test_a_property_case_asks_for_no_medical_records():
    assert "medical" not in evidence_ids(checklist(analyze(PROPERTY, "statute", "en")), "harm")


def test_the_test_report_text_names_food_safety_standards():
    check = checklist(analyze(FOOD, "statute", "zh"))
    row = next(r for r in check["consumer"] if r["fact"] == "seller_infringement")
    assert any("检验报告" in e["text"] and "食品安全标准" in e["text"] for e in row["evidence"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demand_from_platform_cites_ecl_62_with_its_verbatim_text(lang):
    demands = checklist(analyze(PROPERTY, "statute", lang))["demand_from_platform"]
    first = demands[0]
    assert {"law": "e-commerce-law", "article": 62, "paragraph": None} in first["refs"]
    quote = first["quotes"][0]
    assert quote["zh"] == statutes.paragraph_text("e-commerce-law", 62)
    assert "应当提供原始合同和交易记录" in quote["zh"]
    assert "LawRefBook/Laws" in quote["source"]
    assert ("en" in quote) == (lang == "en")


DEMANDS = [
    pytest.param("seller_identity", ("consumer-rights-protection-law", 44, 1), "真实名称、地址和有效联系方式",
                 id="the seller's identity is demanded under CRPL 44 para 1"),
    pytest.param("order_to_produce", ("civil-procedure-interpretation", 112, None), "书证在对方当事人控制之下",
                 id="an order to produce rests on CPL Interpretation 112"),
    pytest.param("adverse_inference", ("spc-civil-evidence-rules", 95, None), "可以认定该主张成立",
                 id="the adverse inference rests on Evidence Rules 95"),
]


@pytest.mark.parametrize("item_id, ref, phrase", DEMANDS)
def test_each_demand_quotes_its_article(item_id, ref, phrase):
    demands = {d["id"]: d for d in checklist(analyze(PROPERTY, "statute", "zh"))["demand_from_platform"]}
    item = demands[item_id]
    law, article, paragraph = ref
    assert {"law": law, "article": article, "paragraph": paragraph} in item["refs"]
    quote = next(q for q in item["quotes"] if q["ref"] == {"law": law, "article": article, "paragraph": paragraph})
    assert quote["zh"] == statutes.paragraph_text(law, article, paragraph)
    assert phrase in quote["zh"]


def test_a_food_case_also_demands_the_seller_under_fsl_131_para_2():
    demands = {d["id"]: d for d in checklist(analyze(FOOD, "statute", "zh"))["demand_from_platform"]}
    assert {"law": "food-safety-law", "article": 131, "paragraph": 2} in demands["seller_identity"]["refs"]
    assert demands["seller_identity"]["keep"], "the consumer must keep proof of the request and the reply"


def test_the_proposal_moves_review_and_safety_to_the_platform():
    now = checklist(analyze(INJURY, "statute", "en"))
    later = checklist(analyze(INJURY, "proposal", "en"))
    assert {"qualification_review", "safety_duty"} <= {r["fact"] for r in now["consumer"]}
    assert {"qualification_review", "safety_duty", "seller_infringement"} <= {r["fact"] for r in
                                                                               later["platform_must_prove"]}
    assert not {"qualification_review", "safety_duty"} & {r["fact"] for r in later["consumer"]}


@pytest.mark.parametrize("scenario", [FOOD, INJURY, PROPERTY, {"seller_identity_disclosed": False},
                                      {"platform_mode": "appears_self_operated", "favourable_promise": True}],
                         ids=["a food case", "an injury case", "a property case", "an unidentified seller",
                              "a misleading mark with a promise"])
def test_every_row_cites_an_article_or_the_paper_and_every_article_is_stored(scenario):
    for regime in ("statute", "proposal"):
        check = checklist(analyze(scenario, regime, "en"))
        for row in check["consumer"] + check["platform_must_prove"]:
            assert row["citations"], row["fact"]
        for row in check["consumer"]:
            assert row["evidence"], f"{row['fact']} lists no evidence"
            for ev in row["evidence"]:
                assert ev["sources"], ev["id"]
        for item in check["demand_from_platform"]:
            assert item["citations"] and item["quotes"]
        for ref in cited_refs(check):
            assert statutes.has(ref["law"], ref["article"], ref["paragraph"]), ref


def test_every_statute_the_evidence_table_cites_is_stored():
    for rows in EVIDENCE.values():
        for _, text, sources, _ in rows:
            assert text["zh"] and text["en"]
            for src in sources:
                if isinstance(src, tuple):
                    assert statutes.has(*src), src


def test_the_checklist_follows_the_language_asked_for():
    zh = checklist(analyze(FOOD, "statute", "zh"))
    en = checklist(analyze(FOOD, "statute", "zh"), "en")
    assert en["lang"] == "en" and zh["lang"] == "zh"
    assert en["consumer"][0]["label"] != zh["consumer"][0]["label"]
    assert "tutorial" in en["notes"][0] and "教学工具" in zh["notes"][0]


@pytest.mark.parametrize("analysis, lang", [({}, "zh"), (None, "zh"), ({"burden_of_proof": []}, "en"),
                                            (analyze({}, "statute", "zh"), "fr")],
                         ids=["an empty mapping is refused", "nothing is refused", "half an analysis is refused",
                              "an unknown language is refused"])
def test_checklist_refuses_bad_input(analysis, lang):
    with pytest.raises(ScenarioError):
        checklist(analysis, lang)


# --- the nearest decisions ---------------------------------------------------------------------------------------


def test_each_decision_is_nearest_to_its_own_facts():
    for dec in decisions():
        found = similar_decisions(dec["scenario"], k=5)
        nearest = [d for d in found if d["distance"] == found[0]["distance"]]
        assert found[0]["distance"] == 0.0
        assert dec["id"] in {d["id"] for d in nearest}


def test_similar_decisions_are_sorted_and_complete():
    found = similar_decisions(FOOD, k=3)
    assert len(found) == 3
    assert [d["distance"] for d in found] == sorted(d["distance"] for d in found)
    for d in found:
        assert set(d) >= {"id", "short_name", "case_number", "court", "liability_form", "shares", "differences",
                          "distance"}
        for diff in d["differences"]:
            assert diff["value"] != diff["decision_value"]
            assert set(diff["label"]) == {"zh", "en"}


def test_deciding_facts_weigh_more_than_money():
    base = validate({})
    assert distance(base, {"platform_mode": "self_operated"}) > distance(base, {"damages": 1e9, "price": 1e9,
                                                                                 "seller_can_pay": 0.0})
    for field in ("platform_mode", "food", "life_health_goods", "platform_knowledge", "necessary_measures",
                  "qualification_review", "safety_duty", "seller_identity_disclosed"):
        assert WEIGHTS[field] > WEIGHTS["damages"]


@pytest.mark.parametrize("k", [0, -1, 1.5, True, "3"],
                         ids=["zero is refused", "a negative k is refused", "a fraction is refused",
                              "a boolean is refused", "text is refused"])
def test_similar_decisions_refuses_a_bad_k(k):
    with pytest.raises(ScenarioError):
        similar_decisions({}, k=k)


# --- the memo ----------------------------------------------------------------------------------------------------

DATE = "2025-06-30"


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "html":
            self.html_lang = dict(attrs).get("lang")


@pytest.mark.parametrize("lang, attr", [("zh", "zh-CN"), ("en", "en")],
                         ids=["the Chinese memo is marked zh-CN", "the English memo is marked en"])
def test_memo_html_is_a_standalone_document_with_its_language(lang, attr):
    doc = memo_html(INJURY, lang, date=DATE)
    assert doc.startswith("<!DOCTYPE html>")
    parser = _Collect()
    parser.feed(doc)
    assert parser.html_lang == attr
    assert {"head", "title", "style", "body", "table"} <= set(parser.tags)
    assert "script" not in parser.tags
    assert "@media print" in doc


HOSTILE_TITLES = [
    pytest.param("<script>alert('x')</script>", id="a script tag in the title is escaped"),
    pytest.param('"><img src=x onerror=alert(1)>', id="an attribute break-out in the title is escaped"),
    pytest.param("</title><script>alert(1)</script>", id="closing the title tag is escaped"),
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_memo_html_escapes_untrusted_text(title):
    scenario = {"title": title, "description": title, "assumptions": {"damages": title}, **INJURY}
    doc = memo_html(scenario, "en", date=DATE)
    parser = _Collect()
    parser.feed(doc)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert "<script" not in doc and "<img" not in doc
    assert html.escape(title, quote=True) in doc


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_memo_markdown_makes_untrusted_text_inert(title):
    md = memo_markdown({"title": title, **INJURY}, "en", date=DATE)
    assert "<script" not in md and "<img" not in md and "</title" not in md


SCENARIOS = [
    pytest.param(INJURY, "statute", id="an injury under the statute"),
    pytest.param(INJURY, "proposal", id="an injury under the proposal"),
    pytest.param(FOOD, "statute", id="a food case"),
    pytest.param({"seller_identity_disclosed": False}, "joint", id="an unidentified seller under the joint reading"),
    pytest.param({"platform_mode": "self_operated", "consumer_fault": 0.3}, "statute",
                 id="a self-operated shop with the consumer partly at fault"),
    pytest.param({"harm": "none"}, "statute", id="a case without harm"),
]


def cited(analysis: dict) -> list[tuple]:
    refs = [(b["law"], b["article"], b["paragraph"]) for b in analysis["legal_basis"]]
    for step in analysis["trace"]:
        refs += [(r["law"], r["article"], r["paragraph"]) for r in step.get("refs", ())]
    return refs


@pytest.mark.parametrize("scenario, regime", SCENARIOS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_memo_quotes_every_cited_article_verbatim(scenario, regime, lang):
    text = html.unescape(memo_html(scenario, lang, regime, date=DATE))
    md = memo_markdown(scenario, lang, regime, date=DATE)
    for law, article, paragraph in cited(analyze(scenario, regime, lang)):
        for line in statutes.paragraph_text(law, article, paragraph, "zh").split("\n"):
            assert line in text, f"{law} {article} {paragraph}"
            assert line in md, f"{law} {article} {paragraph}"
        if lang == "en":
            assert statutes.source_line(law) in text
        else:  # the same provenance, said in Chinese: every file and commit
            src = statutes.source_info(law)
            assert src["snapshot_commit"] in text and src["url"] in text
            assert all(f["path"] in text and f["last_commit"] in text for f in src["files"])
    if lang == "en":
        assert statutes.EN_NOTE in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_memo_contains_the_text_of_ecl_38_para_2(lang):
    assert "依法承担相应的责任" in memo_markdown(INJURY, lang, date=DATE)
    assert "依法承担相应的责任" in memo_html(INJURY, lang, date=DATE)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_memo_shows_every_regime_in_one_table(lang):
    md = memo_markdown(INJURY, lang, date=DATE)
    from widgets.regime_comparison import REGIME_NAMES as PAGE_NAMES

    # the same seven regimes, in the same order and under the same names as the analyzer's regime comparison
    names = [PAGE_NAMES[r][lang] for r in ("statute", "joint", "supplementary", "proportional", "non_genuine_joint",
                                           "proposal", "proposal_ladder")]
    table_rows = [line for line in md.splitlines() if line.startswith("| ")]
    first_cells = [row.split(" | ")[0][2:] for row in table_rows]
    start = first_cells.index(names[0])
    assert first_cells[start:start + 7] == names
    for reading in READINGS:
        assert analyze(INJURY, reading, lang)["form_name"] in md


def test_the_memo_carries_the_date_it_was_given_and_no_placeholder():
    md = memo_markdown(INJURY, "en", date=DATE)
    assert DATE in md
    assert not re.search(r"YYYY|\{date\}|TBD|XX/XX", md)


def test_the_memo_defaults_to_todays_date():
    import datetime

    assert datetime.date.today().isoformat() in memo_markdown({}, "en")


def test_the_memo_flags_illustrative_damages_and_the_users_assumptions():
    md = memo_markdown({**INJURY, "assumptions": {"harm": {"zh": "假设受伤", "en": "assumed injured"}}}, "en",
                       assumptions={"seller_can_pay": "guessed"}, date=DATE)
    assert "Illustrative assumption: the default of 10,000 yuan" in md
    assert "assumed injured" in md and "guessed" in md


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_memo_has_every_section(lang):
    md = memo_markdown(INJURY, lang, "statute", date=DATE)
    analysis = analyze(INJURY, "statute", lang)
    for step in analysis["trace"]:
        assert step["reason"].split("：")[0].split(":")[0] in md
    for pivot in analysis["pivotal_facts"]:
        assert pivot["text"] in md.replace("\\", "")
    for point in analysis["open_points"]:
        assert point in md
    check = checklist(analysis)
    for row in check["consumer"]:
        assert row["evidence"][0]["text"] in md
    for dec in similar_decisions(INJURY, k=3):
        assert dec["short_name"][lang] in md
    assert "刘燕婷" in md and "CC BY 4.0" in md and "Hans Publishers" in md
    assert "LawRefBook/Laws" in md
    assert ("未与官方公报核对" if lang == "zh" else "not checked against the official gazette") in md
    assert ("不是法律意见" if lang == "zh" else "not legal advice") in md


def test_the_memo_shows_the_burden_now_and_under_the_proposal():
    md = memo_markdown(INJURY, "en", date=DATE)
    row = next(line for line in md.splitlines() if line.startswith("| Whether the safety duty was performed"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1:3] == ["consumer", "platform"]


BAD_MEMO_ARGS = [
    pytest.param({"lang": "fr"}, id="an unknown language is refused"),
    pytest.param({"regime": "lenient"}, id="an unknown regime is refused"),
    pytest.param({"date": "tomorrow"}, id="a date that is no date is refused"),
    pytest.param({"date": "2025-02-30"}, id="an impossible date is refused"),
    pytest.param({"assumptions": {"colour": "red"}}, id="a note on an unknown field is refused"),
    pytest.param({"assumptions": ["damages"]}, id="notes that are not a mapping are refused"),
    pytest.param({"scenario": {"food": "yes"}}, id="a bad scenario is refused"),
]


@pytest.mark.parametrize("kwargs", BAD_MEMO_ARGS)
@pytest.mark.parametrize("render", [memo_markdown, memo_html], ids=["markdown", "html"])
def test_the_memo_refuses_bad_input(render, kwargs):
    args = {"scenario": INJURY, "lang": "en", "date": DATE, **kwargs}
    with pytest.raises(ScenarioError):
        render(**args)


# --- purity ------------------------------------------------------------------------------------------------------


def test_the_new_modules_import_no_ui_library():
    code = ("import sys, casebook.share, casebook.scenario_sets, casebook.evidence, casebook.similar, casebook.memo; "
            "print(','.join(m for m in ('ipywidgets', 'IPython', 'pandas', 'matplotlib', 'yaml') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
