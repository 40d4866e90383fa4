"""Tests of the statute data layer (casebook/statutes.py and casebook/data/statutes/).

The tests read only the project's own files, never ../shared, and never run tools/import_statutes.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from casebook import statutes

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "casebook" / "data" / "statutes"
MANIFEST = DATA_DIR / "MANIFEST.sha256"

ECL, CRPL, FSL, CC = "e-commerce-law", "consumer-rights-protection-law", "food-safety-law", "civil-code"
SPC1, FOOD_DRUG = "spc-online-consumption-disputes-1", "spc-food-drug-disputes"
CPLI, EVIDENCE = "civil-procedure-interpretation", "spc-civil-evidence-rules"

ALL_ARTICLES = [(slug, number) for slug in statutes.LAWS for number in statutes.articles(slug)]


def _ids(pairs):
    return [f"{slug} art. {number}" for slug, number in pairs]


# ---------------------------------------------------------------------------------------------------------------
# Files and schema


def test_the_data_folder_holds_exactly_one_file_per_law():
    assert sorted(p.stem for p in DATA_DIR.glob("*.yaml")) == sorted(statutes.LAWS)
    assert len(statutes.LAWS) == len(set(statutes.LAWS)) == 10


@pytest.mark.parametrize("slug", statutes.LAWS, ids=[f"the {s} file loads and validates" for s in statutes.LAWS])
def test_every_law_file_loads_and_validates(slug):
    statutes._load.cache_clear()
    data, index = statutes._load(slug)
    assert data["slug"] == slug
    assert list(index) == sorted(index)


@pytest.mark.parametrize("slug", statutes.LAWS, ids=[f"the {s} file passes jsonschema" for s in statutes.LAWS])
def test_every_law_file_validates_against_schema_json_with_the_jsonschema_library(slug):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DATA_DIR / "schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = yaml.safe_load((DATA_DIR / f"{slug}.yaml").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_the_article_count_matches_the_reference_set():
    assert len(ALL_ARTICLES) == 62
    assert statutes.articles(SPC1) == tuple(range(1, 21))


# ---------------------------------------------------------------------------------------------------------------
# Validation errors name the file and the key


@pytest.fixture
def scratch_data(tmp_path, monkeypatch):
    """A copy of the data folder that the loader reads instead of the real one; returns (folder, load, save)."""
    for p in DATA_DIR.iterdir():
        if p.is_file():
            shutil.copy(p, tmp_path / p.name)
    monkeypatch.setattr(statutes, "DATA_DIR", tmp_path)
    statutes._load.cache_clear()

    def load(slug):
        return yaml.safe_load((tmp_path / f"{slug}.yaml").read_text(encoding="utf-8"))

    def save(slug, data):
        (tmp_path / f"{slug}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))

    yield tmp_path, load, save
    statutes._load.cache_clear()


def _drop_en_note(d):
    del d["articles"][0]["en_note"]


def _en_line_missing(d):
    next(a for a in d["articles"] if a["number"] == 44)["paragraphs_en"].pop()


def _number_as_string(d):
    d["articles"][0]["number"] = "38"


def _wrong_heading(d):
    d["articles"][0]["heading_zh"] = "第十条"


def _unknown_key(d):
    d["articles"][0]["paragraph_zh"] = ["typo"]


def _missing_source(d):
    del d["source"]


def _kuan_without_its_items(d):
    art = next(a for a in d["articles"] if a["number"] == 48)
    art["kuan"] = [{"line": i, "items": []} for i in range(len(art["paragraphs_zh"]))]


def _wrong_slug(d):
    d["slug"] = "e-commerce-law"


BROKEN = [
    pytest.param(_drop_en_note, r"articles\[0\]\.en_note: required key is missing", id="a missing en_note is named"),
    pytest.param(_en_line_missing, r"articles\[2\]\.paragraphs_en: has 1 entries, paragraphs_zh has 2",
                 id="an English rendering short of a line is named"),
    pytest.param(_number_as_string, r"articles\[0\]\.number: expected an integer", id="a string article number is named"),
    pytest.param(_wrong_heading, r"articles\[0\]\.heading_zh: is '第十条'", id="a heading that does not fit is named"),
    pytest.param(_unknown_key, r"articles\[0\]\.paragraph_zh: unknown key", id="a misspelt key is named"),
    pytest.param(_missing_source, r": source: required key is missing", id="a missing source is named"),
    pytest.param(_kuan_without_its_items, r"articles\[3\]\.kuan\[1\]\.line: line 1 is an item",
                 id="items counted as paragraphs are refused"),
    pytest.param(_wrong_slug, r"slug: is 'e-commerce-law' but the file is named", id="a slug that is not the file name"),
]


@pytest.mark.parametrize("breaker, message", BROKEN)
def test_a_broken_file_gives_an_error_naming_the_file_and_the_key(scratch_data, breaker, message):
    folder, load, save = scratch_data
    data = load(CRPL)
    breaker(data)
    save(CRPL, data)
    with pytest.raises(statutes.StatuteDataError) as err:
        statutes.law(CRPL)
    assert str(folder / f"{CRPL}.yaml") in str(err.value)
    assert re.search(message, str(err.value)), str(err.value)


def test_invalid_yaml_gives_an_error_naming_the_file(scratch_data):
    folder, _, _ = scratch_data
    (folder / f"{ECL}.yaml").write_text("slug: [unclosed\n", encoding="utf-8")
    with pytest.raises(statutes.StatuteDataError, match=re.escape(str(folder / f"{ECL}.yaml")) + ": not valid YAML"):
        statutes.article(ECL, 38)


# ---------------------------------------------------------------------------------------------------------------
# Verbatim text: manifest, headings, key phrases


def _manifest() -> dict[str, str]:
    entries = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        digest, key = line.split("  ")
        assert re.fullmatch(r"[0-9a-f]{64}", digest)
        assert key not in entries, f"duplicate manifest entry {key}"
        entries[key] = digest
    return entries


def test_the_manifest_covers_exactly_the_stored_articles_and_the_preamble():
    expected = {f"{slug}#{number}" for slug, number in ALL_ARTICLES} | {f"{SPC1}#preamble"}
    assert set(_manifest()) == expected


@pytest.mark.parametrize("slug, number", ALL_ARTICLES, ids=_ids(ALL_ARTICLES))
def test_the_verbatim_text_of_each_article_matches_its_manifest_hash(slug, number):
    block = "\n\n".join(statutes.article(slug, number)["paragraphs_zh"])
    assert hashlib.sha256(block.encode("utf-8")).hexdigest() == _manifest()[f"{slug}#{number}"]


def test_the_preamble_matches_its_manifest_hash():
    preamble = statutes.law(SPC1)["preamble_zh"]
    assert preamble.startswith("为正确审理网络消费纠纷案件") and preamble.endswith("制定本规定。")
    assert hashlib.sha256(preamble.encode("utf-8")).hexdigest() == _manifest()[f"{SPC1}#preamble"]


@pytest.mark.parametrize("slug, number", ALL_ARTICLES, ids=_ids(ALL_ARTICLES))
def test_every_article_starts_with_its_heading_and_has_one_english_line_per_chinese_line(slug, number):
    art = statutes.article(slug, number)
    assert art["heading_zh"] == f"第{statutes.zh_numeral(number)}条"
    assert art["paragraphs_zh"][0].startswith(art["heading_zh"] + " ")
    assert len(art["paragraphs_en"]) == len(art["paragraphs_zh"])
    assert art["paragraphs_en"][0].startswith(f"Article {number} ")
    assert art["en_note"] == statutes.EN_NOTE
    for line in art["paragraphs_zh"]:
        assert line == line.strip() and "\n" not in line and "\r" not in line


KEY_PHRASES = [
    pytest.param(ECL, 38, 2, "依法承担相应的责任", id="ECL 38 para 2 says the platform bears corresponding liability"),
    pytest.param(ECL, 38, 1, "依法与该平台内经营者承担连带责任", id="ECL 38 para 1 says joint and several liability"),
    pytest.param(ECL, 38, 2, "资质资格未尽到审核义务", id="ECL 38 para 2 names the qualification review duty"),
    pytest.param(CRPL, 44, 1, "有权向销售者或者服务者追偿", id="CRPL 44 para 1 gives the platform recourse"),
    pytest.param(CRPL, 44, 2, "明知或者应知", id="CRPL 44 para 2 uses knew or should have known"),
    pytest.param(CRPL, 48, 1, "承担民事责任:", id="CRPL 48 keeps the source's ASCII colon"),
    pytest.param(CRPL, 48, 2, "安全保障义务", id="CRPL 48 para 2 is the safety-assurance sentence"),
    pytest.param(FSL, 131, 1, "应当与食品经营者承担连带责任", id="FSL 131 para 1 ends with joint and several liability"),
    pytest.param(FSL, 131, 1, "使消费者的合法权益受到损害的", id="FSL 131 para 1 needs the failure to have harmed"),
    pytest.param(FSL, 148, 2, "经营明知是不符合食品安全标准的食品", id="FSL 148 para 2 binds an operator only if it knew"),
    pytest.param(CRPL, 2, 1, "为生活消费需要购买、使用商品或者接受服务", id="CRPL 2: buying or using for daily consumption"),
    pytest.param("spc-food-safety-civil-disputes-1", 10, 1, "以未造成消费者人身损害为由抗辩的，人民法院不予支持",
                 id="SPC food safety (I) art 10: no personal injury needed for punitive damages"),
    pytest.param("spc-food-drug-punitive-damages", 7, 1, "但食品的标签、说明书瑕疵同时符合下列情形的除外",
                 id="2024 interpretation art 7: the label proviso needs both conditions"),
    pytest.param(CC, 1198, 2, "承担相应的补充责任", id="Civil Code 1198 para 2 is supplementary liability"),
    pytest.param(CC, 178, 3, "连带责任，由法律规定或者当事人约定。", id="Civil Code 178 para 3 is the source rule"),
    pytest.param(SPC1, 1, 1, "（二）电子商务平台经营者依法应承担的责任一概由平台内经营者承担；",
                 id="SPC-I art 1 keeps item 2 inside paragraph 1"),
]


@pytest.mark.parametrize("slug, number, para, phrase", KEY_PHRASES)
def test_key_phrases_are_in_the_right_paragraph(slug, number, para, phrase):
    assert phrase in statutes.paragraph_text(slug, number, para)


def test_ecl_38_keeps_its_two_liabilities_apart():
    assert "依法承担相应的责任" not in statutes.paragraph_text(ECL, 38, 1)
    assert "连带责任" not in statutes.paragraph_text(ECL, 38, 2)


# The agreed English term for each Chinese term, in the paragraph that uses both.
ENGLISH_TERMS = [
    (ECL, 38, 1, "连带责任", "joint and several liability"),
    (ECL, 38, 1, "知道或者应当知道", "knows or should know"),
    (ECL, 38, 1, "必要措施", "necessary measures"),
    (ECL, 38, 2, "相应的责任", "corresponding liability"),
    (ECL, 38, 2, "资质资格", "qualifications"),
    (ECL, 38, 2, "安全保障义务", "safety-assurance duty"),
    (CRPL, 44, 1, "追偿", "recourse"),
    (CRPL, 44, 2, "明知或者应知", "knew or should have known"),
    (CC, 177, 1, "按份责任", "several (proportional) liability"),
    (CC, 1198, 2, "补充责任", "supplementary liability"),
]


@pytest.mark.parametrize("slug, number, para, zh, en", ENGLISH_TERMS,
                         ids=[f"{slug} {number}({para}) renders {zh}" for slug, number, para, zh, _ in ENGLISH_TERMS])
def test_the_english_rendering_uses_the_agreed_terms(slug, number, para, zh, en):
    assert zh in statutes.paragraph_text(slug, number, para)
    assert en in statutes.paragraph_text(slug, number, para, lang="en")


# ---------------------------------------------------------------------------------------------------------------
# Paragraphs (款) and items (项)

PARAGRAPH_COUNTS = [
    pytest.param(ECL, 38, 2, id="ECL art. 38 has 2 paragraphs"),
    pytest.param(CRPL, 44, 2, id="CRPL art. 44 has 2 paragraphs"),
    pytest.param(CRPL, 48, 2, id="CRPL art. 48 has 2 paragraphs, its 9 items inside the first"),
    pytest.param(FSL, 131, 2, id="FSL art. 131 has 2 paragraphs"),
    pytest.param(FSL, 148, 2, id="FSL art. 148 has 2 paragraphs"),
    pytest.param(CC, 178, 3, id="Civil Code art. 178 has 3 paragraphs"),
    pytest.param(CC, 1198, 2, id="Civil Code art. 1198 has 2 paragraphs"),
    pytest.param(CC, 1195, 3, id="Civil Code art. 1195 has 3 paragraphs"),
    pytest.param(CC, 177, 1, id="Civil Code art. 177 has 1 paragraph"),
    pytest.param(SPC1, 4, 2, id="SPC-I art. 4 has 2 paragraphs"),
    pytest.param(SPC1, 1, 1, id="SPC-I art. 1 has 1 paragraph with 5 items"),
    pytest.param(FOOD_DRUG, 9, 3, id="SPC food-drug art. 9 has 3 paragraphs"),
    pytest.param(CPLI, 91, 1, id="CPL Interpretation art. 91 has 1 paragraph with 2 items"),
    pytest.param(CPLI, 90, 2, id="CPL Interpretation art. 90 has 2 paragraphs"),
    pytest.param(EVIDENCE, 95, 1, id="Evidence Rules art. 95 has 1 paragraph"),
]


@pytest.mark.parametrize("slug, number, count", PARAGRAPH_COUNTS)
def test_paragraph_counts(slug, number, count):
    assert statutes.paragraph_count(slug, number) == count
    assert statutes.has(slug, number, count)
    assert not statutes.has(slug, number, count + 1)


ITEM_COUNTS = [
    pytest.param(CRPL, 48, [9, 0], 11, id="CRPL art. 48: 11 lines, items only in paragraph 1"),
    pytest.param(CPLI, 91, [2], 3, id="CPL Interpretation art. 91: 3 lines, 2 items"),
    pytest.param(SPC1, 1, [5], 6, id="SPC-I art. 1: 6 lines, 5 items"),
]


@pytest.mark.parametrize("slug, number, items, lines", ITEM_COUNTS)
def test_enumerated_items_are_stored_as_lines_and_grouped_under_their_paragraph(slug, number, items, lines):
    art = statutes.article(slug, number)
    assert len(art["paragraphs_zh"]) == len(art["paragraphs_en"]) == lines
    assert [len(k["items"]) for k in art["kuan"]] == items
    for p, n_items in enumerate(items, start=1):
        zh = statutes.paragraph(slug, number, p)
        en = statutes.paragraph(slug, number, p, lang="en")
        assert len(zh["items"]) == len(en["items"]) == n_items
        for i, (item_zh, item_en) in enumerate(zip(zh["items"], en["items"]), start=1):
            assert item_zh.startswith(f"（{statutes.zh_numeral(i)}）")
            assert item_en.startswith(f"({i}) ")
            assert statutes.paragraph_text(slug, number, p, item=i) == item_zh
        assert zh["text"] == "\n".join([zh["lead"], *zh["items"]]) == statutes.paragraph_text(slug, number, p)


def test_crpl_48_paragraph_2_is_the_line_after_the_items():
    assert statutes.paragraph_text(CRPL, 48, 2) == "经营者对消费者未尽到安全保障义务，造成消费者损害的，应当承担侵权责任。"
    assert statutes.paragraph_text(CRPL, 48, 1).count("\n") == 9


def test_the_whole_article_is_its_lines_joined_by_newlines_in_both_languages():
    for slug, number in ALL_ARTICLES:
        art = statutes.article(slug, number)
        assert statutes.paragraph_text(slug, number) == "\n".join(art["paragraphs_zh"])
        assert statutes.paragraph_text(slug, number, lang="en") == "\n".join(art["paragraphs_en"])
        paras = [statutes.paragraph_text(slug, number, p) for p in range(1, statutes.paragraph_count(slug, number) + 1)]
        assert "\n".join(paras) == statutes.paragraph_text(slug, number)


def test_first_paragraph_includes_the_heading_and_later_ones_do_not():
    assert statutes.paragraph_text(ECL, 38, 1).startswith("第三十八条 电子商务平台经营者知道或者应当知道")
    assert statutes.paragraph_text(ECL, 38, 2).startswith("对关系消费者生命健康的商品或者服务")
    assert statutes.paragraph_text(ECL, 38, 2, lang="en").startswith("For goods or services that bear on")


# ---------------------------------------------------------------------------------------------------------------
# Citations and numerals

CITES = [
    pytest.param(CC, 1198, None, "《民法典》第一千一百九十八条", "Civil Code art. 1198", id="Civil Code 1198"),
    pytest.param(CC, 1198, 2, "《民法典》第一千一百九十八条第二款", "Civil Code art. 1198 para. 2", id="Civil Code 1198(2)"),
    pytest.param(CC, 1173, None, "《民法典》第一千一百七十三条", "Civil Code art. 1173", id="Civil Code 1173"),
    pytest.param(CC, 177, 1, "《民法典》第一百七十七条第一款", "Civil Code art. 177 para. 1", id="Civil Code 177(1)"),
    pytest.param(CC, 178, 3, "《民法典》第一百七十八条第三款", "Civil Code art. 178 para. 3", id="Civil Code 178(3)"),
    pytest.param(FSL, 131, 1, "《食品安全法》第一百三十一条第一款", "Food Safety Law art. 131 para. 1", id="FSL 131(1)"),
    pytest.param(FSL, 148, 2, "《食品安全法》第一百四十八条第二款", "Food Safety Law art. 148 para. 2", id="FSL 148(2)"),
    pytest.param(FSL, 62, None, "《食品安全法》第六十二条", "Food Safety Law art. 62", id="FSL 62"),
    pytest.param(CRPL, 44, 1, "《消费者权益保护法》第四十四条第一款", "Consumer Rights Protection Law art. 44 para. 1",
                 id="CRPL 44(1)"),
    pytest.param(CRPL, 44, 2, "《消费者权益保护法》第四十四条第二款", "Consumer Rights Protection Law art. 44 para. 2",
                 id="CRPL 44(2)"),
    pytest.param(ECL, 38, 2, "《电子商务法》第三十八条第二款", "E-Commerce Law art. 38 para. 2", id="ECL 38(2)"),
    pytest.param(ECL, 38, None, "《电子商务法》第三十八条", "E-Commerce Law art. 38", id="ECL 38"),
    pytest.param(ECL, 27, 1, "《电子商务法》第二十七条第一款", "E-Commerce Law art. 27 para. 1", id="ECL 27(1)"),
    pytest.param(ECL, 37, 2, "《电子商务法》第三十七条第二款", "E-Commerce Law art. 37 para. 2", id="ECL 37(2)"),
    pytest.param(ECL, 62, None, "《电子商务法》第六十二条", "E-Commerce Law art. 62", id="ECL 62"),
    pytest.param(SPC1, 4, 2, "《最高人民法院关于审理网络消费纠纷案件适用法律若干问题的规定（一）》第四条第二款",
                 "SPC Online Consumption Provisions (I) art. 4 para. 2", id="SPC-I 4(2)"),
    pytest.param(EVIDENCE, 95, None, "《最高人民法院关于民事诉讼证据的若干规定》第九十五条", "SPC Evidence Rules art. 95",
                 id="Evidence Rules 95"),
    pytest.param(CPLI, 90, 1, "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第九十条第一款",
                 "SPC CPL Interpretation art. 90 para. 1", id="CPL Interpretation 90(1)"),
    pytest.param(CPLI, 91, None, "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第九十一条",
                 "SPC CPL Interpretation art. 91", id="CPL Interpretation 91"),
    pytest.param(FOOD_DRUG, 9, 3, "《最高人民法院关于审理食品药品纠纷案件适用法律若干问题的规定》第九条第三款",
                 "SPC Food and Drug Provisions art. 9 para. 3", id="SPC food-drug 9(3)"),
]


@pytest.mark.parametrize("slug, number, para, zh, en", CITES)
def test_cite_in_both_languages(slug, number, para, zh, en):
    assert statutes.cite(slug, number, para) == zh
    assert statutes.cite(slug, number, para, lang="zh") == zh
    assert statutes.cite(slug, number, para, lang="en") == en


ITEM_CITES = [
    pytest.param(SPC1, 1, None, 2, "《最高人民法院关于审理网络消费纠纷案件适用法律若干问题的规定（一）》第一条第二项",
                 "SPC Online Consumption Provisions (I) art. 1 item (2)", id="an item of a one-paragraph article"),
    pytest.param(CRPL, 48, 1, 5, "《消费者权益保护法》第四十八条第一款第五项",
                 "Consumer Rights Protection Law art. 48 para. 1 item (5)", id="an item with its paragraph"),
]


@pytest.mark.parametrize("slug, number, para, item, zh, en", ITEM_CITES)
def test_cite_items(slug, number, para, item, zh, en):
    assert statutes.cite(slug, number, para, item=item) == zh
    assert statutes.cite(slug, number, para, "en", item=item) == en
    assert statutes.has(slug, number, para, item=item)


def test_an_item_of_a_multi_paragraph_article_needs_its_paragraph():
    with pytest.raises(ValueError, match="has 2 paragraphs"):
        statutes.cite(CRPL, 48, item=1)
    assert not statutes.has(CRPL, 48, item=1)


NUMERALS = [
    (1, "一"), (2, "二"), (4, "四"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"), (21, "二十一"),
    (27, "二十七"), (38, "三十八"), (44, "四十四"), (90, "九十"), (95, "九十五"), (100, "一百"), (101, "一百零一"),
    (110, "一百一十"), (112, "一百一十二"), (131, "一百三十一"), (148, "一百四十八"), (177, "一百七十七"),
    (1000, "一千"), (1001, "一千零一"), (1010, "一千零一十"), (1100, "一千一百"), (1165, "一千一百六十五"),
    (1173, "一千一百七十三"), (1198, "一千一百九十八"), (1203, "一千二百零三"), (1999, "一千九百九十九"),
]


@pytest.mark.parametrize("n, zh", NUMERALS, ids=[f"{n} is {zh}" for n, zh in NUMERALS])
def test_zh_numeral(n, zh):
    assert statutes.zh_numeral(n) == zh


@pytest.mark.parametrize("bad, error", [(0, ValueError), (10000, ValueError), (-1, ValueError), ("4", TypeError),
                                        (True, TypeError), (4.0, TypeError)],
                         ids=["zero is refused", "10000 is refused", "negatives are refused", "strings are refused",
                              "booleans are refused", "floats are refused"])
def test_zh_numeral_refuses_what_it_cannot_write(bad, error):
    with pytest.raises(error):
        statutes.zh_numeral(bad)


def test_zh_numeral_is_one_to_one_on_1_to_1999():
    assert len({statutes.zh_numeral(n) for n in range(1, 2000)}) == 1999


# ---------------------------------------------------------------------------------------------------------------
# Missing things


MISSING = [
    pytest.param(lambda: statutes.article(ECL, 39), r"ECL \(e-commerce-law\) article 39 \(电商法第三十九条\) is not stored; "
                 r"stored articles: 9, 27, 29, 37, 38, 62, 83", id="a missing article names the law and what is stored"),
    pytest.param(lambda: statutes.cite(CC, 1168), r"Civil Code \(civil-code\) article 1168", id="cite refuses a missing article"),
    pytest.param(lambda: statutes.paragraph_text(ECL, 38, 3), r"e-commerce-law article 38 has 2 paragraph\(s\) \(款\); "
                 r"paragraph 3 does not exist", id="a missing paragraph says how many there are"),
    pytest.param(lambda: statutes.paragraph_text(CPLI, 91, item=3), r"has 2 item\(s\) \(项\); item 3 does not exist",
                 id="a missing item says how many there are"),
    pytest.param(lambda: statutes.law("ecl"), r"unknown law 'ecl'; the statute slugs are: civil-code",
                 id="an unknown slug lists the slugs"),
    pytest.param(lambda: statutes.source_line("shared"), r"unknown law 'shared'", id="source_line refuses unknown slugs"),
]


@pytest.mark.parametrize("call, message", MISSING)
def test_missing_things_raise_keyerror_with_a_clear_message(call, message):
    with pytest.raises(KeyError) as err:
        call()
    assert isinstance(err.value, statutes.StatuteNotFound)
    assert re.search(message, str(err.value)), str(err.value)


HAS = [
    pytest.param(ECL, 38, None, True, id="ECL 38 is stored"),
    pytest.param(ECL, 38, 2, True, id="ECL 38 para 2 is stored"),
    pytest.param(ECL, 38, 3, False, id="ECL 38 para 3 does not exist"),
    pytest.param(ECL, 39, None, False, id="ECL 39 is not stored"),
    pytest.param(CC, 1168, None, False, id="Civil Code 1168 is not stored"),
    pytest.param("no-such-law", 1, None, False, id="an unknown law is not stored"),
    pytest.param(SPC1, 20, 1, True, id="SPC-I art 20 para 1 is stored"),
    pytest.param(SPC1, 21, None, False, id="SPC-I has no art 21"),
]


@pytest.mark.parametrize("slug, number, para, expected", HAS)
def test_has(slug, number, para, expected):
    assert statutes.has(slug, number, para) is expected


def test_bad_arguments_are_type_or_value_errors():
    with pytest.raises(ValueError, match="lang must be 'zh' or 'en'"):
        statutes.paragraph_text(ECL, 38, lang="fr")
    with pytest.raises(ValueError, match="lang must be 'zh' or 'en'"):
        statutes.cite(ECL, 38, lang="de")
    with pytest.raises(TypeError, match="article number must be an int"):
        statutes.article(ECL, "38")


# ---------------------------------------------------------------------------------------------------------------
# Metadata and the module's contract

METADATA = [
    pytest.param(CRPL, "消保法", "CRPL", "2013-10-25", id="CRPL short names"),
    pytest.param(ECL, "电商法", "ECL", "2018年8月31日", id="ECL short names"),
    pytest.param(FSL, "食品安全法", "FSL", "2021年4月29日", id="FSL short names"),
    pytest.param(CC, "民法典", "Civil Code", "2020年5月28日", id="Civil Code short names"),
    pytest.param(SPC1, "网络消费规定（一）", "SPC Online Consumption Provisions (I)", "2022年3月15日",
                 id="SPC-I short names"),
    pytest.param(CPLI, "民诉法解释", "CPL Interpretation", "2022年4月10日", id="CPL Interpretation short names"),
    pytest.param(EVIDENCE, "证据规定", "Evidence Rules", "2019年10月14日", id="Evidence Rules short names"),
    pytest.param(FOOD_DRUG, "食品药品纠纷规定", "SPC Food and Drug Provisions", "2021年11月15日",
                 id="SPC food-drug short names"),
]


@pytest.mark.parametrize("slug, short_zh, short_en, in_version", METADATA)
def test_law_metadata(slug, short_zh, short_en, in_version):
    meta = statutes.law(slug)
    assert (meta["slug"], meta["short_zh"], meta["short_en"]) == (slug, short_zh, short_en)
    assert in_version in meta["version"] or in_version in meta.get("version_label", "")
    assert "articles" not in meta
    assert meta["article_numbers"] == list(statutes.articles(slug))
    line = statutes.source_line(slug)
    assert line.startswith("LawRefBook/Laws (https://github.com/LawRefBook/Laws): path `")
    assert "2f4c5c23716267af9dbebbbbd6cbbf732b101981" in line
    assert all(f["line"] in line for f in meta["source"]["files"])


def test_the_civil_code_cites_both_of_its_source_files():
    files = [f["path"] for f in statutes.law(CC)["source"]["files"]]
    assert files == ["民法典/总则.md", "民法典/侵权责任编.md"]


def test_returned_dicts_are_copies():
    art = statutes.article(ECL, 38)
    art["paragraphs_zh"].append("x")
    meta = statutes.law(ECL)
    meta["source"]["files"].clear()
    assert len(statutes.article(ECL, 38)["paragraphs_zh"]) == 2
    assert statutes.law(ECL)["source"]["files"]


def test_the_module_imports_no_ui_or_data_frame_library_and_yaml_only_when_loading():
    code = (
        "import sys, casebook\n"
        "before = set(sys.modules)\n"
        "from casebook import statutes\n"
        "assert 'yaml' in before or 'yaml' not in sys.modules, 'yaml imported eagerly'\n"
        "statutes.cite('e-commerce-law', 38, 2)\n"
        "new = set(sys.modules) - before\n"
        "bad = sorted(m for m in new if m.split('.')[0] in {'ipywidgets', 'IPython', 'pandas', 'numpy', 'traitlets'})\n"
        "assert not bad, bad\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_the_data_lives_in_the_package_and_not_in_shared():
    assert statutes.DATA_DIR == Path(statutes.__file__).resolve().parent / "data" / "statutes"
    source = Path(statutes.__file__).read_text(encoding="utf-8")
    assert "shared" not in source


def test_the_loader_caches_each_file():
    statutes._load.cache_clear()
    statutes.article(ECL, 38)
    statutes.cite(ECL, 38, 2)
    statutes.paragraph_text(ECL, 38, 1)
    info = statutes._load.cache_info()
    assert info.misses == 1 and info.hits >= 2


def test_the_english_of_fsl_131_1_keeps_the_causal_link():
    """"使消费者的合法权益受到损害的": the failure must be what harmed the consumer, not any harm that happened."""
    en = statutes.paragraph_text(FSL, 131, 1, lang="en")
    assert "where it thereby harms the lawful rights and interests of consumers" in en
    assert "where the lawful rights and interests of consumers are harmed" not in en


@pytest.mark.parametrize("slug", statutes.LAWS)
def test_the_english_beside_the_chinese_is_what_the_statute_files_carry(slug):
    """casebook/data/statutes/en/<slug>.yaml is where the project's English is written; tools/import_statutes.py
    merges it into <slug>.yaml. The two must agree line for line (re-run the tool after editing the English)."""
    en = yaml.safe_load((DATA_DIR / "en" / f"{slug}.yaml").read_text(encoding="utf-8"))
    assert set(en) <= {"articles", "preamble"}
    assert {n: lines for n, lines in en["articles"].items()} == {
        n: statutes.article(slug, n)["paragraphs_en"] for n in statutes.articles(slug)}
    if "preamble" in en:
        assert en["preamble"] == statutes.law(slug)["preamble_en"]
