"""Shares typed in percent (issue 16 point 1) and a memo that matches the page, with title, notes and Word (point 8)."""

from __future__ import annotations

import io
import re

import pytest

from casebook.engine import REGIMES, analyze
from casebook.memo import NOTES_LIMIT, memo_docx, memo_html, memo_markdown
from casebook.scenario import FIELDS, ScenarioError
from widgets.controls import parse_percent
from widgets.fact_panel import FactPanel
from widgets.lessons.fact_subset import FactSubset
from widgets.memo_export import MemoExport
from widgets.regime_comparison import REGIME_NAMES as PAGE_NAMES

DATE = "2026-03-01"
FOOD = {"food": True, "qualification_review": "failed", "harm": "personal_injury", "consumer_fault": 0.2,
        "seller_can_pay": 0.5}
SCENARIOS = [FOOD, {"platform_mode": "self_operated", "food": True, "ten_fold_claim": True, "price": 100.0},
             {"platform_knowledge": "knew", "harm": "property", "seller_identity_disclosed": False},
             {"safety_duty": "failed", "harm": "personal_injury", "life_health_goods": True,
              "causation": "risk_increasing", "platform_tier": "small", "platform_fault_share": 0.3}]


# --- percent fields ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, percent", [("30", 30.0), ("30%", 30.0), (" 12.5 % ", 12.5), ("３０％", 30.0),
                                            ("7,5", 7.5), ("0", 0.0), ("100", 100.0)])
def test_a_percentage_is_read_as_people_type_it(typed, percent):
    assert parse_percent(typed) == percent


@pytest.mark.parametrize("field", ["consumer_fault", "seller_can_pay"])
def test_the_analyzer_takes_a_share_in_percent_and_refuses_beside_the_field(field):
    panel = FactPanel(lang="en")
    ctrl = panel.control(field)
    ctrl.set_state({"value": "30"})  # what the page sends when a person types 30
    assert panel.facts[field] == 0.3 and ctrl.get_state()["value"] == "30%" and ctrl.error == ""
    for bad in ("150", "-5", "abc", "1e400", ""):
        ctrl.set_state({"value": bad})
        assert panel.facts[field] == 0.3, bad  # not clamped, not changed
        assert ctrl.get_state()["value"] == "30%"
        assert ctrl.error and "0 to 100" in ctrl.error and "not changed" in ctrl.error
        assert ctrl.feedback.layout.display != "none" and "role=\"alert\"" in ctrl.feedback.value
    panel.lang = "zh"
    assert "0 到 100" in ctrl.error  # the message follows the language switch
    ctrl.set_state({"value": "45%"})
    assert panel.facts[field] == 0.45 and ctrl.error == "" and ctrl.feedback.layout.display == "none"
    assert "ll-fact-" + field in ctrl._dom_classes


def test_the_fault_share_in_percent_and_its_sum_with_the_consumers_fault():
    panel = FactPanel(lang="en")
    panel.change("platform_fault_share", 0.5)
    share = panel.control("platform_fault_share")
    assert share.get_state()["value"] == "50%"
    share.set_state({"value": "70"})  # 70 % + the consumer's 0 % is fine
    assert panel.facts["platform_fault_share"] == 0.7
    panel.control("consumer_fault").set_state({"value": "40"})  # 40 + 70 > 100
    assert panel.facts["consumer_fault"] == 0.0 and "110%" in panel.control("consumer_fault").error


def test_the_chapters_share_controls_take_percent_too():
    panel = FactSubset(["seller_can_pay", "consumer_fault"], lang="en")
    ctrl = panel.control("seller_can_pay")
    assert ctrl.get_state()["value"] == "100%" and ctrl.feedback in panel.children
    ctrl.set_state({"value": "50"})
    assert panel.facts["seller_can_pay"] == 0.5
    ctrl.set_state({"value": "500"})
    assert panel.facts["seller_can_pay"] == 0.5 and "out of range" in ctrl.error


def test_scenario_files_and_links_keep_fractions():
    panel = FactPanel()
    panel.control("consumer_fault").set_state({"value": "30"})
    analysis = analyze(panel.facts, "statute", "en")
    assert analysis["scenario"]["consumer_fault"] == 0.3


# --- the memo -------------------------------------------------------------------------------------------------

def _rows(md: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("|").split("|")] for line in md.splitlines() if line.startswith("| ")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_memo_shows_the_pages_seven_regimes_without_field_ids_or_empty_columns(lang):
    full = {f.name: analyze(FOOD, "statute", "en")["scenario"][f.name] for f in FIELDS}  # as the page sends it
    md = memo_markdown(full, lang, date=DATE)
    first = [r[0] for r in _rows(md)]
    names = [PAGE_NAMES[r][lang] for r in REGIMES]
    assert len(REGIMES) == 7 and all(name in first for name in names)
    assert not re.search(r"\((platform_mode|consumer_fault|seller_can_pay|harm|food)\)", md)
    for f in FIELDS:
        assert f"({f.name})" not in md
    # no column empty in every row of a table
    tables, current = [], []
    for line in md.splitlines() + [""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    for table in tables:
        body = [[c.strip() for c in row.strip("|").split("|")] for row in table[2:]]
        for i in range(len(body[0])):
            assert any(row[i] not in ("", "—") for row in body), (table[0], i)
    # the share is shown as the page shows it, and the similarity is explained in words
    assert "20%" in md and ("相似度：" in md if lang == "zh" else "Similarity: how far" in md)
    assert not re.search(r"\b0\.\d{3}\b", md)  # no bare distance such as 0.175


# ASCII that may stand in a Chinese memo: the statute source (repository, URL, file names, commit hashes), the
# publisher's name and licence as the paper gives them, section signs with numbers, dates and amounts.
ZH_ALLOWED = {"LawRefBook", "Laws", "https", "github", "com", "md", "Hans", "Publishers", "CC", "BY"}


@pytest.mark.parametrize("regime", REGIMES)
def test_the_chinese_memo_has_no_english_from_the_engine(regime):
    for scenario in SCENARIOS:
        md = memo_markdown(scenario, "zh", regime, date=DATE)
        words = set(re.findall(r"[A-Za-z]+", md))
        hashes = {w for w in words if re.fullmatch(r"[0-9a-f]*[a-f][0-9a-f]*", w)}  # parts of commit hashes
        assert words - ZH_ALLOWED - hashes == set(), (scenario, sorted(words - ZH_ALLOWED - hashes)[:20])


def test_the_english_memo_has_no_chinese_only_lines_beyond_the_quoted_statutes():
    for scenario in SCENARIOS:
        for regime in ("statute", "proposal"):
            md = memo_markdown(scenario, "en", regime, date=DATE)
            for line in md.splitlines():
                if re.search(r"[\u4e00-\u9fff]", line) and not line.startswith(">"):
                    assert re.search(r"[A-Za-z]{3,}", line), line  # a Chinese name always comes with English


def test_title_and_notes_are_shown_at_the_top_escaped_and_limited():
    hostile = "<script>alert(1)</script> & 第二行"
    page = memo_html(FOOD, "zh", date=DATE, title="张某诉某平台 <b>", notes=hostile)
    head = page[:page.index("一、事实")]
    assert "张某诉某平台 &lt;b&gt;" in head and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 第二行" in head
    assert "<script>" not in page
    with pytest.raises(ScenarioError, match="at most"):
        memo_markdown(FOOD, "en", notes="x" * (NOTES_LIMIT + 1))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_word_memo_opens_and_holds_title_notes_regimes_and_bases(lang):
    import docx

    data = memo_docx(FOOD, lang, date=DATE, title="Case 7 / 案例七", notes="Client met on 1 March.\n第二段")
    document = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Case 7 / 案例七" in document.paragraphs[0].text and "Client met on 1 March." in text and "第二段" in text
    for regime in REGIMES:
        assert PAGE_NAMES[regime][lang] in cells
    for citation in analyze(FOOD, "statute", lang)["citations"]:
        assert citation in text + cells


def test_the_memo_panel_has_title_notes_and_a_word_download():
    memo = MemoExport(analysis=analyze(FOOD, "statute", "en"), lang="en")
    memo.title_input.set_state({"value": "Zhang v. <Platform>"})
    memo.notes_input.set_state({"value": "x" * (NOTES_LIMIT + 5)})
    assert not memo.prepare() and "at most 2000" in memo.length_note.value and memo.docx == b""
    memo.notes_input.set_state({"value": "Met the client."})
    assert memo.prepare() and memo.docx[:2] == b"PK"  # a zip: the .docx
    assert "Zhang v. &lt;Platform&gt;" in memo.html and "Met the client." in memo.markdown
    assert 'download="liability-memo.docx"' in memo.links_html
    memo.notes_input.set_state({"value": 12})  # a hostile page: refused
    assert memo.memo_notes == "Met the client."


# --- smaller items (point 9) that need no browser ------------------------------------------------------------------

def test_chapter_09_first_explanation_does_not_give_away_the_what_if_that_follows():
    from pathlib import Path

    import yaml

    from casebook.texts import FORM_NAMES

    path = Path(__file__).resolve().parent.parent / "casebook" / "data" / "lessons" / "exercises.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    first, second = items[0], items[1]
    assert second["decision"] == first["decision"] and second.get("changes")  # the "what if" of the same case
    answer = analyze({**_case_facts(second)}, second["regime"], "zh")
    decisive = next(st for st in answer["trace"] if st.get("decisive"))
    for lang in ("zh", "en"):
        text = first["explanation"][lang]
        assert FORM_NAMES[second["expected"]][lang].split()[0].lower() not in text.lower(), text
        assert decisive["citation"] not in text
        assert ("第一百三十一条" not in text) if lang == "zh" else ("131" not in text)


def _case_facts(item) -> dict:
    from casebook.cases import decision

    facts = {k: v for k, v in decision(item["decision"])["scenario"].items() if k != "assumptions"}
    return {**facts, **(item.get("changes") or {})}


def test_kit_widgets_never_carry_an_unset_tooltip_and_uploads_hide_their_count():
    from widgets.app import AnalyzerApp
    from widgets.share_panel import SharePanel

    app = AnalyzerApp(lang="en")
    seen = [app]
    while seen:
        w = seen.pop()
        if "tooltip" in w.keys:
            assert w.tooltip is not None, type(w).__name__  # the page would show "null"
        seen += [c for c in getattr(w, "children", ()) if hasattr(c, "keys")]
    panel = SharePanel(lang="zh")
    upload = next(c for c in panel.children[4].children if "ll-upload" in c._dom_classes)
    assert upload.tooltip == upload.description == "上传场景文件" and "ll-upload-button" in upload._dom_classes


def test_share_panel_offers_a_copy_button_and_no_keyboard_shortcuts():
    from widgets.share_panel import SharePanel

    panel = SharePanel(scenario={"food": True}, lang="zh", base_url="http://127.0.0.1/voila/render/analyzer.ipynb")
    html = "".join(c.value for c in panel.children if isinstance(getattr(c, "value", None), str))
    assert 'class="ll-copy-link' in html and "复制链接" in html and "data-copied=\"已复制\"" in html
    assert "Ctrl" not in html and "⌘" not in html
    panel.lang = "en"
    html = "".join(c.value for c in panel.children if isinstance(getattr(c, "value", None), str))
    assert "Copy link" in html and "Ctrl" not in html


def test_the_analyzer_links_to_the_contents_and_names_its_tab():
    from widgets.app import AnalyzerApp
    from widgets.page import PageShell

    app = AnalyzerApp(lang="zh")
    html = "".join(w.value for w in _displays(app))
    assert 'href="00_start_here.ipynb?lang=zh"' in html and "目录" in html
    assert 'data-ll-page-title="平台责任实验室 · 案例分析器"' in html
    shell = PageShell("04_corresponding_liability", lang="en")
    html = "".join(w.value for w in _displays(shell))
    assert 'data-ll-page-title="The &quot;corresponding liability&quot; debate · Platform Liability Lab"' in html


def _displays(widget):
    out, todo = [], [widget]
    while todo:
        w = todo.pop()
        if isinstance(getattr(w, "value", None), str) and "<" in w.value:
            out.append(w)
        todo += list(getattr(w, "children", ()))
    return out


def test_without_python_docx_the_memo_says_word_needs_the_server_edition(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "docx", None)  # as in the static edition (Pyodide has no lxml): ImportError
    memo = MemoExport(analysis=analyze(FOOD, "statute", "zh"), lang="zh")
    assert memo.prepare() and memo.markdown and memo.html and memo.docx == b""
    shown = "".join(w.value for w in _displays(memo))
    assert "ll-memo-no-docx" in shown and "需要服务器版" in shown and "ll-memo-docx\"" not in shown


def test_nothing_the_pages_import_needs_python_docx():
    import json
    import subprocess
    import sys

    code = ("import sys, json, widgets.app, widgets.memo_export, casebook.memo, casebook.memo_render\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('docx', 'lxml'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []
