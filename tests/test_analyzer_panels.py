"""The analyzer's panels, tested in Python without a browser: burden matrix, pivotal facts, case browser, share
panel (link, downloads, upload), evidence and similar-cases views, memo export.

Hostile input is simulated the way it arrives from a page: through ``set_state`` (a comm ``update``) and button
clicks, not by calling private helpers.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from casebook.engine import analyze
from casebook.scenario import parse_text
from casebook.scenario import validate as validate_scenario
from widgets._view import decode_data_uri
from widgets.base import part
from widgets.burden_matrix import BurdenMatrix
from widgets.case_browser import CaseBrowser
from widgets.evidence_view import EvidenceView
from widgets.memo_export import HTML_NAME, MD_NAME, MemoExport
from widgets.pivotal_facts import PivotalFacts
from widgets.share_panel import MAX_UPLOAD, SharePanel
from widgets.similar_view import SimilarCasesView

LIFE_SAFETY_FAILED = {"life_health_goods": True, "safety_duty": "failed"}
BASE = "http://127.0.0.1:8866/voila/render/analyzer.ipynb"


def hrefs(html: str) -> dict:
    """download file name -> decoded text of each data-URI anchor in ``html``."""
    out = {}
    for anchor in re.findall(r"<a [^>]*>", html):
        href = re.search(r'href="(data:[^"]+)"', anchor)
        name = re.search(r'download="([^"]+)"', anchor)
        if href and name and not name.group(1).endswith(".docx"):  # the Word memo is binary: see its own test
            out[name.group(1)] = decode_data_uri(href.group(1))
    return out


def row_attrs(html: str) -> list[dict]:
    return [dict(re.findall(r'data-([a-z]+)="([^"]*)"', tr)) for tr in re.findall(r"<tr [^>]*data-fact[^>]*>", html)]


# ---------------------------------------------------------------------------------------------------------------
# BurdenMatrix


BURDEN_CASES = [
    ("safety duty lies with the consumer now and with the platform under the proposal",
     LIFE_SAFETY_FAILED, "safety_duty", "consumer", "platform", False),
    ("qualification review shifts to the platform under the proposal",
     LIFE_SAFETY_FAILED, "qualification_review", "consumer", "platform", False),
    ("the seller's infringement shifts to the platform under the proposal",
     LIFE_SAFETY_FAILED, "seller_infringement", "consumer", "platform", False),
    ("the transaction stays with the consumer", LIFE_SAFETY_FAILED, "transaction", "consumer", "consumer", False),
    ("causation stays with the consumer and is marked open", LIFE_SAFETY_FAILED, "causation", "consumer",
     "consumer", True),
    ("what the platform knew stays with the consumer and is marked open", {}, "platform_knowledge", "consumer",
     "consumer", True),
    ("no necessary measures is the consumer's to prove now and the platform's under the proposal",
     {"platform_knowledge": "knew"}, "necessary_measures", "consumer", "platform", False),
]


@pytest.mark.parametrize("facts, fact, now, proposal, is_open", [c[1:] for c in BURDEN_CASES],
                         ids=[c[0] for c in BURDEN_CASES])
@pytest.mark.parametrize("regime", ["statute", "proposal", "joint"])
def test_burden_matrix_shows_who_proves_now_and_under_the_proposal(facts, fact, now, proposal, is_open, regime):
    matrix = BurdenMatrix(analyze(facts, regime, "en"), "en")
    rows = {r["fact"]: r for r in row_attrs(matrix.html)}
    assert rows[fact]["current"] == now
    assert rows[fact]["proposal"] == proposal
    assert rows[fact]["open"] == ("true" if is_open else "false")


def test_burden_matrix_puts_relevant_facts_first_and_greys_the_rest_in_words():
    matrix = BurdenMatrix(analyze({}, "statute", "en"), "en")
    relevant = [r["relevant"] for r in matrix.rows()]
    assert relevant == sorted(relevant, reverse=True) and False in relevant
    html = matrix.html
    assert 'class="ll-irrelevant"' in html and "not in issue on these facts" in html


def test_burden_matrix_marks_open_points_in_the_page_language():
    assert "论文未明言" in BurdenMatrix(analyze(LIFE_SAFETY_FAILED, "statute", "zh"), "zh").html
    english = BurdenMatrix(analyze(LIFE_SAFETY_FAILED, "statute", "en"), "en")
    assert "open: the paper does not say" in english.html


def test_burden_matrix_shows_both_notes_and_the_citations_where_the_burden_shifts():
    html = BurdenMatrix(analyze(LIFE_SAFETY_FAILED, "statute", "en"), "en").html
    assert "Current practice: the consumer must prove the platform failed its safety duty" in html
    assert "the platform must prove" in html
    assert "CPL Interpretation art. 90" in html and "Evidence Rules art. 95" in html


def test_burden_matrix_uses_a_proposal_analysis_given_by_the_app_and_escapes_its_text():
    proposal = analyze(LIFE_SAFETY_FAILED, "proposal", "en")
    proposal["burden_of_proof"][0]["label"] = "<script>alert(1)</script>"
    matrix = BurdenMatrix(analyze(LIFE_SAFETY_FAILED, "statute", "en"), "en", proposal_analysis=proposal)
    assert "<script>" not in matrix.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in matrix.html


def test_burden_matrix_without_an_analysis_asks_for_facts():
    assert "set the facts first" in BurdenMatrix(lang="en").html


# ---------------------------------------------------------------------------------------------------------------
# PivotalFacts


PIVOT_SCENARIOS = [
    ("life-and-health goods with a failed safety duty", LIFE_SAFETY_FAILED, "statute"),
    ("the same under the proposal", LIFE_SAFETY_FAILED, "proposal"),
    ("a platform that knew and did nothing", {"platform_knowledge": "knew"}, "statute"),
    ("the default facts", {}, "statute"),
    ("a self-operated platform", {"platform_mode": "self_operated"}, "proposal"),
]


@pytest.mark.parametrize("facts, regime", [c[1:] for c in PIVOT_SCENARIOS], ids=[c[0] for c in PIVOT_SCENARIOS])
def test_pivotal_facts_has_one_button_per_pivotal_fact_and_each_click_emits_its_change(facts, regime):
    analysis = analyze(facts, regime, "en")
    panel = PivotalFacts(analysis, "en")
    assert len(panel.buttons) == len(analysis["pivotal_facts"]) > 0
    seen, trait = [], []
    panel.on_apply(lambda field, value: seen.append((field, value)))
    panel.observe(lambda change: trait.append(change["new"]), "applied")
    for button in panel.buttons:
        button.click()
    expected = [(p["field"], p["value"]) for p in analysis["pivotal_facts"]]
    assert seen == expected
    assert [(t["field"], t["value"]) for t in trait if t] == expected
    assert all(b.tooltip for b in panel.buttons) and all(b.description for b in panel.buttons)


def test_pivotal_facts_emit_the_same_change_twice_when_clicked_twice():
    panel = PivotalFacts(analyze(LIFE_SAFETY_FAILED, "statute", "en"), "en")
    changes = []
    panel.observe(lambda change: changes.append(change["new"]), "applied")
    panel.buttons[0].click()
    panel.buttons[0].click()
    assert len([c for c in changes if c]) == 2


FORGED = [
    ("a change of a field that is not pivotal", "price", 5.0),
    ("a pivotal field with a value that changes nothing", "harm", "personal_injury"),
    ("an integer passed off as a boolean", "life_health_goods", 0),
    ("a field that does not exist", "no_such_field", True),
    ("a value of the wrong kind", "safety_duty", ["fulfilled"]),
]


@pytest.mark.parametrize("field, value", [c[1:] for c in FORGED], ids=[c[0] for c in FORGED])
def test_a_forged_change_that_is_not_pivotal_is_refused(field, value):
    panel = PivotalFacts(analyze(LIFE_SAFETY_FAILED, "statute", "en"), "en")
    seen = []
    panel.on_apply(lambda f, v: seen.append((f, v)))
    assert panel.apply(field, value) is False
    assert seen == [] and panel.applied == {}
    assert "not a pivotal fact" in part(panel, "ll-pivotal-status").value


def test_a_stale_button_from_earlier_facts_is_refused():
    panel = PivotalFacts(analyze(LIFE_SAFETY_FAILED, "statute", "en"), "en")
    stale = next(b for b in panel.buttons if "Safety-assurance duty" in b.description)
    panel.analysis = analyze({"life_health_goods": True}, "statute", "en")  # safety duty now fulfilled
    seen = []
    panel.on_apply(lambda f, v: seen.append((f, v)))
    stale.click()  # what a page still holding the old button can send
    assert seen == [] and "not a pivotal fact" in part(panel, "ll-pivotal-status").value
    assert stale not in panel.buttons


def test_the_browser_cannot_relabel_a_pivotal_button():
    panel = PivotalFacts(analyze(LIFE_SAFETY_FAILED, "statute", "en"), "en")
    button = panel.buttons[0]
    label = button.description
    button.set_state({"description": "forged", "disabled": True})
    assert button.description == label and not button.disabled


def test_pivotal_facts_say_so_when_no_single_change_matters():
    analysis = analyze({"harm": "none"}, "statute", "en")  # without harm, no one fact makes the platform liable
    assert analysis["pivotal_facts"] == []
    panel = PivotalFacts(analysis, "en")
    assert panel.buttons == () and "No single change" in part(panel, "ll-pivotal-list").children[0].value


# ---------------------------------------------------------------------------------------------------------------
# CaseBrowser


def _decisions():
    from casebook.cases import decisions

    return decisions()


DECISIONS = _decisions()


@pytest.mark.parametrize("decision", DECISIONS, ids=[f"decision {d['id']} loads with its assumptions"
                                                      for d in DECISIONS])
def test_case_browser_loads_every_decision_and_lists_its_assumptions(decision):
    browser = CaseBrowser(lang="en")
    seen = []
    browser.on_load(lambda dec_id, scenario: seen.append((dec_id, scenario)))
    browser.selected = decision["id"]
    html = part(browser, "ll-case-detail").value
    for field in decision["scenario"]["assumptions"]:
        assert f'data-field="{field}"' in html
    assert "Illustrative assumptions" in html
    if decision["case_number"]:
        assert decision["case_number"] in html  # exactly as the paper cites it
    assert part(browser, "ll-case-load").description
    part(browser, "ll-case-load").click()
    assert browser.loaded == decision["id"]
    assert seen == [(decision["id"], decision["scenario"])]
    validate_scenario(seen[0][1])


NOT_GIVEN = [("in English a missing case number reads not given", "en", "not given"),
             ("in Chinese a missing case number reads 未提供", "zh", "未提供")]


@pytest.mark.parametrize("lang, words", [c[1:] for c in NOT_GIVEN], ids=[c[0] for c in NOT_GIVEN])
def test_a_null_case_number_shows_not_given(lang, words):
    browser = CaseBrowser(lang=lang)
    browser.selected = "sankuai-first-instance"
    card = re.search(r'<section class="ll-case-card" data-decision="sankuai-first-instance".*?</section>',
                     part(browser, "ll-case-detail").value, re.S).group(0)
    assert re.search(r"(Case number|案号)</dt><dd[^>]*><em class=\"ll-not-given\">" + words, card)


@pytest.mark.parametrize("chosen", ["sankuai-first-instance", "sankuai-second-instance"],
                         ids=["selecting the first instance shows both", "selecting the second instance shows both"])
def test_the_two_instances_of_one_case_show_side_by_side(chosen):
    browser = CaseBrowser(lang="zh")
    browser.selected = chosen
    html = part(browser, "ll-case-detail").value
    assert 'data-decision="sankuai-first-instance"' in html and 'data-decision="sankuai-second-instance"' in html
    assert html.index("sankuai-first-instance") < html.index("sankuai-second-instance")
    assert "(2020)黑01民终4637号" in html and "50%" in html


def test_a_decision_alone_in_its_case_shows_alone():
    browser = CaseBrowser(lang="en")
    browser.selected = "cong-v-taobao"
    assert part(browser, "ll-case-detail").value.count('class="ll-case-card"') == 1


HOSTILE_SELECT = [
    ("an index beyond the options", {"index": 99}),
    ("a negative index", {"index": -1}),
    ("an index that is not a number", {"index": "0"}),
    ("a change of the options themselves", {"_options_labels": ["x"]}),
]


@pytest.mark.parametrize("state", [c[1] for c in HOSTILE_SELECT], ids=[c[0] for c in HOSTILE_SELECT])
def test_case_browser_ignores_a_hostile_choice(state):
    browser = CaseBrowser(lang="en")
    before = browser.selected
    part(browser, "ll-case-select").set_state(state)
    assert browser.selected == before
    assert browser.load("no-such-decision") is False
    browser.selected = "no-such-decision"
    assert browser.selected == before


def test_case_browser_follows_a_choice_from_the_page():
    browser = CaseBrowser(lang="en")
    index = browser.decision_ids.index("zhang-v-jd")
    part(browser, "ll-case-select").set_state({"index": index})
    assert browser.selected == "zhang-v-jd"


def test_loading_the_same_decision_twice_notifies_twice():
    browser = CaseBrowser(lang="en")
    changes = []
    browser.observe(lambda change: changes.append(change["new"]), "loaded")
    browser.load()
    browser.load()
    assert [c for c in changes if c] == [browser.selected] * 2


def test_case_browser_escapes_the_text_of_a_case():
    decision = dict(DECISIONS[0], holding={"zh": "<img src=x onerror=alert(1)>", "en": "<b>bold</b>"})
    browser = CaseBrowser(lang="en", decisions=[decision])
    assert "<b>bold</b>" not in part(browser, "ll-case-detail").value and "&lt;b&gt;bold&lt;/b&gt;" in part(browser, "ll-case-detail").value


# ---------------------------------------------------------------------------------------------------------------
# SharePanel: link and downloads


SHARED = [
    ("the default facts", {}, {}),
    ("a food platform that failed its review", {"food": True, "qualification_review": "failed"}, {}),
    ("numbers and an apportioned share", {"damages": 2500.5, "consumer_fault": 0.2, "platform_fault_share": 0.3}, {}),
    ("facts with an assumption note", {"harm": "personal_injury"}, {"harm": {"zh": "示例性假设", "en": "assumed"}}),
]


@pytest.mark.parametrize("facts, notes", [c[1:] for c in SHARED], ids=[c[0] for c in SHARED])
def test_the_share_link_round_trips_the_facts(facts, notes):
    from casebook.share import decode, decode_mapping

    full = validate_scenario(facts).to_dict()
    panel = SharePanel(full, "en", BASE, assumptions=notes, regime="proposal")
    assert part(panel, "ll-share-link").value == panel.link and panel.link.startswith(BASE + "?")
    query = parse_qs(urlsplit(panel.link).query)
    assert query["lang"] == ["en"] and query["regime"] == ["proposal"]
    assert decode(query["scenario"][0]).to_dict() == full
    assert decode_mapping(query["scenario"][0]).get("assumptions", {}) == notes


@pytest.mark.parametrize("facts, notes", [c[1:] for c in SHARED], ids=[c[0] for c in SHARED])
def test_the_downloads_hold_the_facts_as_json_and_yaml(facts, notes):
    full = validate_scenario(facts).to_dict()
    files = hrefs(part(SharePanel(full, "en", BASE, assumptions=notes), "ll-downloads").value)
    assert set(files) == {"scenario.json", "scenario.yaml"}
    for text in files.values():
        data = parse_text(text)
        assert validate_scenario(data).to_dict() == full
        assert data.get("assumptions", {}) == notes


def test_the_share_link_is_read_only_on_the_page():
    panel = SharePanel({"food": True}, "en", BASE)
    link = panel.link
    part(panel, "ll-share-link").set_state({"value": "http://evil.example/"})
    assert part(panel, "ll-share-link").value == link == panel.link


def test_a_base_url_that_is_not_http_gets_no_clickable_link():
    panel = SharePanel({}, "en", "javascript:alert(1)")
    assert "javascript:" not in part(panel, "ll-share-help").value


def test_the_share_link_follows_the_facts():
    panel = SharePanel({}, "en", BASE)
    before = panel.link
    panel.scenario = {"food": True}
    assert panel.link != before and "scenario=" in panel.link


# ---------------------------------------------------------------------------------------------------------------
# SharePanel: upload


def _file(name, data: bytes, **extra) -> dict:
    entry = {"name": name, "type": "", "size": len(data), "content": memoryview(data), "last_modified": 0}
    entry.update(extra)
    return {"value": [entry]}


UPLOADS = [
    ("a good JSON file is accepted", _file("case.json", '{"food": true, "damages": 300}'.encode()),
     True, "Loaded the uploaded scenario"),
    ("a good YAML file is accepted, notes and all",
     _file("case.yaml", "food: true\nharm: personal_injury\nassumptions:\n  harm: 示例性假设\n".encode()),
     True, "Loaded the uploaded scenario"),
    ("a .yml file with a byte-order mark is accepted", _file("case.YML", "\ufefffood: true\n".encode()),
     True, "Loaded the uploaded scenario"),
    ("broken JSON is refused", _file("case.json", b'{"food": true'), False, "cannot be read as a scenario"),
    ("a list instead of a mapping is refused", _file("case.json", b"[1, 2]"), False, "mapping"),
    ("an empty file is refused", _file("case.yaml", b""), False, "cannot be read as a scenario"),
    ("an unknown field is refused", _file("case.json", b'{"fod": true}'), False, "unknown field"),
    ("a value out of range is refused", _file("case.json", b'{"consumer_fault": 2}'), False,
     "consumer_fault"),
    ("a bad assumptions block is refused", _file("case.json", b'{"assumptions": {"nope": "x"}}'), False,
     "invalid"),
    ("an oversized file is refused", _file("case.json", b" " * (MAX_UPLOAD + 1)), False, "too large"),
    ("a file of another type is refused", _file("case.txt", b"{}"), False, "only .json, .yaml or .yml"),
    ("a file that is not UTF-8 is refused", _file("case.json", b'{"food": "\xff"}'), False, "not UTF-8"),
    ("YAML that builds Python objects is refused",
     _file("case.yaml", b"!!python/object/apply:os.system ['true']"), False, "cannot be read as a scenario"),
    ("two files at once are refused", {"value": [_file("a.json", b"{}")["value"][0]] * 2}, False,
     "one file at a time"),
    ("a value that is not a list is refused", {"value": "case.json"}, False, "expected structure"),
    ("an entry that is not a mapping is refused", {"value": [42]}, False, "expected structure"),
    ("an entry without content is refused", {"value": [{"name": "case.json"}]}, False, "expected structure"),
    ("content sent as text instead of bytes is refused", {"value": [{"name": "a.json", "content": "{}"}]}, False,
     "expected structure"),
    ("a name that is not text is refused", {"value": [{"name": ["a.json"], "content": b"{}"}]}, False,
     "expected structure"),
    ("an error reported by the browser is refused", {"value": [], "error": "NotReadableError"}, False,
     "could not read the file"),
]


@pytest.mark.parametrize("state, accepted, words", [c[1:] for c in UPLOADS], ids=[c[0] for c in UPLOADS])
def test_upload(state, accepted, words):
    panel = SharePanel({"harm": "none"}, "en", BASE)
    seen = []
    panel.on_upload(seen.append)
    part(panel, "ll-upload").set_state(state)  # as a comm update from the page
    assert words in panel.message
    assert ("role=\"alert\"" in part(panel, "ll-upload-status").value) is not accepted
    if accepted:
        assert len(seen) == 1 and panel.uploaded == seen[0]
        validate_scenario(seen[0])
    else:
        assert seen == [] and panel.uploaded == {}
        assert panel.scenario == {"harm": "none"}  # nothing changed
    assert part(panel, "ll-upload").value == ()  # nothing stays in the kernel


def test_an_uploaded_scenario_keeps_its_notes():
    panel = SharePanel({}, "en", BASE)
    part(panel, "ll-upload").set_state(_file("n.yaml", "harm: none\nassumptions:\n  harm: {zh: 假设, en: assumed}\n".encode()))
    assert panel.uploaded["harm"] == "none" and panel.uploaded["assumptions"] == {"harm": {"zh": "假设", "en": "assumed"}}


def test_a_bad_upload_after_a_good_one_leaves_the_good_one():
    panel = SharePanel({}, "en", BASE)
    part(panel, "ll-upload").set_state(_file("a.json", b'{"food": true}'))
    good = dict(panel.uploaded)
    part(panel, "ll-upload").set_state(_file("b.json", b'{"food": 1}'))
    assert panel.uploaded == good and "invalid" in panel.message


def test_upload_messages_are_escaped_and_follow_the_language():
    panel = SharePanel({}, "en", BASE)
    part(panel, "ll-upload").set_state(_file("<img src=x onerror=alert(1)>.txt", b"{}"))
    assert "<img" not in part(panel, "ll-upload-status").value and "&lt;img" in part(panel, "ll-upload-status").value
    panel.lang = "zh"
    assert "只接受" in panel.message


def test_the_page_cannot_change_what_the_upload_accepts():
    panel = SharePanel({}, "en", BASE)
    part(panel, "ll-upload").set_state({"accept": "*", "multiple": True})
    assert part(panel, "ll-upload").accept == ".json,.yaml,.yml" and part(panel, "ll-upload").multiple is False


# ---------------------------------------------------------------------------------------------------------------
# EvidenceView and SimilarCasesView


EVIDENCE = [
    ("now the consumer must gather proof of the failed safety duty", "statute", "consumer", "safety_duty"),
    ("under the proposal the platform must prove its safety duty", "proposal", "platform", "safety_duty"),
    ("the consumer always gathers proof of the transaction", "proposal", "consumer", "transaction"),
    ("the platform must be able to name the seller", "statute", "platform", "seller_identity"),
]


@pytest.mark.parametrize("regime, section, fact", [c[1:] for c in EVIDENCE], ids=[c[0] for c in EVIDENCE])
def test_evidence_view_sorts_each_fact_under_whoever_bears_it(regime, section, fact):
    html = EvidenceView(analyze(LIFE_SAFETY_FAILED, regime, "en"), "en").html
    consumer, rest = html.split('class="ll-evidence-demand"')
    platform = rest.split('class="ll-evidence-platform"')[1]
    assert (f'data-fact="{fact}"' in consumer) is (section == "consumer")
    assert (f'data-fact="{fact}"' in platform) is (section == "platform")


def test_evidence_view_quotes_ecl_62_verbatim_among_the_demands():
    html = EvidenceView(analyze(LIFE_SAFETY_FAILED, "statute", "zh"), "zh").html
    assert 'data-demand="transaction_records"' in html
    assert "在电子商务争议处理中，电子商务经营者应当提供原始合同和交易记录。" in html
    assert "本教程的实务建议" in html  # suggestions are marked as the tutorial's


def test_evidence_view_without_an_analysis_asks_for_facts():
    assert "set the facts first" in EvidenceView(lang="en").html


@pytest.mark.parametrize("k", [1, 3, 5], ids=["one nearest decision", "three nearest decisions", "five"])
def test_similar_cases_view_lists_the_nearest_decisions_nearest_first(k):
    analysis = analyze(DECISIONS[0]["scenario"], "statute", "en")
    view = SimilarCasesView(analysis, "en", k=k)
    ids = re.findall(r'class="ll-similar-case" data-decision="([^"]+)"', view.html)
    assert len(ids) == k and ids[0] == DECISIONS[0]["id"]  # a decision is nearest to its own facts
    assert ids == [d["id"] for d in view.decisions()]


def test_similar_cases_view_shows_how_they_came_out_and_marks_assumed_differences():
    view = SimilarCasesView(analyze({"food": True, "qualification_review": "failed"}, "statute", "en"), "en", k=5)
    html = view.html
    assert "Joint and several liability" in html and "not given" in html  # Sankuai's first instance has no number
    assert 'class="ll-assumed"' in html and "illustrative assumption" in html


def test_similar_cases_view_keeps_k_in_range():
    view = SimilarCasesView(analyze({}, "statute", "en"), "en", k=99)
    assert view.k == 5


# ---------------------------------------------------------------------------------------------------------------
# MemoExport


def _memo(lang="en", notes=None):
    return MemoExport(analyze(LIFE_SAFETY_FAILED, "proposal", lang), lang,
                      assumptions=notes if notes is not None else {"damages": "<script>alert(1)</script>"})


def test_memo_is_built_only_when_asked():
    memo = _memo()
    assert memo.markdown == memo.html == "" and hrefs(part(memo, "ll-memo-links").value) == {}
    assert part(memo, "ll-memo") is memo and part(memo, "ll-memo-prepare").description == "Prepare memo"
    part(memo, "ll-memo-prepare").click()
    assert set(hrefs(part(memo, "ll-memo-links").value)) == {MD_NAME, HTML_NAME}


MEMO_CONTENT = [
    ("the Markdown memo holds the hostile note, inert", MD_NAME),
    ("the HTML memo holds the hostile note, inert", HTML_NAME),
]


@pytest.mark.parametrize("name", [c[1] for c in MEMO_CONTENT], ids=[c[0] for c in MEMO_CONTENT])
def test_memo_links_hold_escaped_content_and_the_verbatim_article(name):
    memo = _memo()
    memo.prepare()
    text = hrefs(part(memo, "ll-memo-links").value)[name]
    # The note is there, but no renderer can read a tag in it (how casebook.memo escapes is its own business).
    assert "alert(1)" in text and "<script>alert" not in text and "</script>" not in text
    # ECL art. 38 para. 2, the article that decides these facts, in its own words
    assert "对关系消费者生命健康的商品或者服务，电子商务平台经营者对平台内经营者的资质资格未尽到审核义务" in text
    assert text == (memo.markdown if name == MD_NAME else memo.html)


def test_memo_links_are_withdrawn_when_the_facts_change():
    memo = _memo()
    memo.prepare()
    memo.analysis = analyze({"food": True}, "proposal", "en")
    assert hrefs(part(memo, "ll-memo-links").value) == {} and "prepare the memo again" in part(memo, "ll-memo-links").value
    part(memo, "ll-memo-prepare").click()
    assert "food" in hrefs(part(memo, "ll-memo-links").value)[MD_NAME].lower()


def test_a_repeated_click_does_not_rebuild_the_memo(monkeypatch):
    import casebook.memo

    memo = _memo()
    memo.prepare()
    calls = []
    monkeypatch.setattr(casebook.memo, "memo_markdown", lambda *a, **k: calls.append(a) or "")
    part(memo, "ll-memo-prepare").click()
    assert calls == [] and memo.markdown


def test_memo_without_facts_cannot_be_prepared_even_by_a_forged_click():
    memo = MemoExport(lang="en")
    assert part(memo, "ll-memo-prepare").disabled
    part(memo, "ll-memo-prepare").set_state({"disabled": False})
    assert part(memo, "ll-memo-prepare").disabled
    part(memo, "ll-memo-prepare").click()
    assert memo.markdown == "" and "set the facts first" in part(memo, "ll-memo-links").value


# ---------------------------------------------------------------------------------------------------------------
# The language switch


def _labels(widget) -> str:
    """Every text a user sees on a widget tree, joined."""
    parts = []
    stack = [widget]
    while stack:
        w = stack.pop()
        for attr in ("description", "value", "tooltip"):
            v = getattr(w, attr, None)
            if isinstance(v, str):
                parts.append(v)
        if hasattr(w, "options"):
            parts += [str(o[0]) if isinstance(o, tuple) else str(o) for o in w.options]
        stack += list(getattr(w, "children", ()))
    return "\n".join(parts)


SWITCHED = [
    ("the burden matrix", lambda: BurdenMatrix(analyze(LIFE_SAFETY_FAILED, "statute", "en"), "en"),
     "Who asserts proves", "谁主张谁举证"),
    ("the pivotal facts", lambda: PivotalFacts(analyze(LIFE_SAFETY_FAILED, "statute", "en"), "en"),
     "Safety-assurance duty to consumers", "安全保障义务"),
    ("the case browser", lambda: CaseBrowser(lang="en"), "Choose a decision", "选择判决"),
    ("the share panel", lambda: SharePanel({}, "en", BASE), "Upload a scenario file", "上传场景文件"),
    ("the evidence checklist", lambda: EvidenceView(analyze(LIFE_SAFETY_FAILED, "statute", "en"), "en"),
     "What the consumer should gather", "消费者要收集的证据"),
    ("the similar decisions", lambda: SimilarCasesView(analyze({}, "statute", "en"), "en"),
     "how the courts ruled", "法院如何判"),
    ("the memo export", lambda: MemoExport(analyze({}, "statute", "en"), "en"), "Prepare memo", "生成备忘录"),
]


@pytest.mark.parametrize("make, english, chinese", [c[1:] for c in SWITCHED],
                         ids=[f"{c[0]} relabels" for c in SWITCHED])
def test_language_switch_relabels(make, english, chinese):
    widget = make()
    assert english.lower() in _labels(widget).lower()
    widget.lang = "zh"
    text = _labels(widget)
    assert chinese in text and english not in text
    widget.lang = "xx"  # anything else from a page or a URL
    assert widget.lang == "zh"


def test_switching_language_keeps_the_selected_decision():
    """A student picks the JD case, then switches the page to English: the same decision stays selected (it used
    to fall back to the first decision, when the new labels reset the dropdown's index)."""
    from widgets.case_browser import CaseBrowser

    b = CaseBrowser()
    b.selected = "zhang-v-jd"
    for lang in ("en", "zh", "en"):
        b.lang = lang
        assert b.selected == "zhang-v-jd" and part(b, "ll-case-select").value == "zhang-v-jd"
        assert part(b, "ll-case-select").label.startswith("Zhang" if lang == "en" else "张")
        assert 'data-decision="zhang-v-jd"' in part(b, "ll-case-detail").value
