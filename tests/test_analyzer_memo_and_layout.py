"""The analyzer's polish, tested without a browser: the memo flags a loaded decision's assumptions, the pivotal
facts reuse their buttons (and still refuse forged clicks), the case list has room, the notebook's intro is short.

The browser side of the same things (first screen, no sideways scrolling, case names not cut off) is in
tests/test_analyzer_e2e.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ipywidgets import Dropdown
from ipywidgets.widgets.widget import _instances

from casebook.cases import decision
from casebook.engine import analyze
from casebook.scenario import FIELD_BY_NAME
from widgets.app import AnalyzerApp
from widgets.pivotal_facts import PivotalFacts

ROOT = Path(__file__).resolve().parent.parent
LIFE_SAFETY_FAILED = {"life_health_goods": True, "safety_duty": "failed", "harm": "personal_injury"}


def _memo_row(markdown: str, field: str) -> str:
    label = FIELD_BY_NAME[field].label["en"]
    return next(line for line in markdown.splitlines() if line.startswith(f"| {label} |"))


# --- the memo flags the assumptions of what was loaded -----------------------------------------------------------


def test_the_memo_flags_a_loaded_decisions_assumptions_and_drops_a_flag_when_the_fact_is_changed():
    app = AnalyzerApp(lang="en")
    memo = app.parts["memo"]
    assert app.load_case("zhang-v-jd")
    notes = decision("zhang-v-jd")["scenario"]["assumptions"]
    assert memo.assumptions == app.fact_panel.notes and set(memo.assumptions) == set(notes)

    assert memo.prepare()
    for field in notes:
        row = _memo_row(memo.markdown, field)
        assert "assumption" in row.lower(), field
        # One label, not two ("Assumption: Illustrative assumption: ..." was printed before).
        assert not re.search(r"assumption\W+\s*illustrative assumption", row, re.I), row
    assert "Illustrative assumption" in memo.html

    # The user sets the damages by hand: that fact is no longer an assumption, the others still are.
    assert app.change("damages", 1234.0)
    assert "damages" not in memo.assumptions and memo.markdown == ""  # the old memo is withdrawn
    assert memo.prepare()
    assert "assumption" not in _memo_row(memo.markdown, "damages").lower()
    assert "assumption" in _memo_row(memo.markdown, "platform_tier").lower()


def test_the_memo_flags_the_notes_of_an_uploaded_file():
    app = AnalyzerApp(lang="en")
    content = b"food: true\ndamages: 300\nassumptions:\n  damages: {zh: \xe5\x81\x87\xe8\xae\xbe, en: a round figure}\n"
    assert app.parts["share"].receive_upload([{"name": "mine.yaml", "content": content}])
    memo = app.parts["memo"]
    assert set(memo.assumptions) == {"damages"}
    assert memo.prepare()
    assert "a round figure" in _memo_row(memo.markdown, "damages")


def test_a_decision_reloaded_on_the_same_facts_still_gives_the_memo_its_notes():
    # Loading a decision whose facts are already on the panel changes only the notes: they must still arrive.
    app = AnalyzerApp(lang="en")
    app.set_facts(decision("cong-v-taobao")["scenario"])  # with its notes
    app.fact_panel.notes = {}  # as if the user had cleared them
    assert app.parts["memo"].assumptions == {}
    assert app.load_case("cong-v-taobao")
    assert set(app.parts["memo"].assumptions) == set(decision("cong-v-taobao")["scenario"]["assumptions"])


# --- PivotalFacts reuses its buttons ------------------------------------------------------------------------------


def _by_change(panel: PivotalFacts) -> dict:
    return {(p["field"], repr(p["value"])): b for p, b in zip(panel.pivots, panel.buttons)}


def _tree(widget) -> list:
    """The widget and every widget under it (through the public ``children``)."""
    out, stack = [], [widget]
    while stack:
        w = stack.pop()
        out.append(w)
        stack.extend(getattr(w, "children", ()) or ())
    return out


def test_a_change_that_stays_pivotal_keeps_its_button_relabelled_in_place():
    panel = PivotalFacts(analyze({}, "statute", "en"), "en")
    before = _by_change(panel)
    panel.analysis = analyze({"damages": 5000.0}, "statute", "en")  # the same pivots, other numbers
    assert _by_change(panel) == before
    assert all(b.comm is not None for b in panel.buttons)

    panel.lang = "zh"  # relabelled, not rebuilt
    assert _by_change(panel) == before
    spec = FIELD_BY_NAME["platform_knowledge"]
    assert before[("platform_knowledge", "'knew'")].description == f"{spec.label['zh']} → {spec.label_of('knew', 'zh')}"


def test_a_button_whose_change_is_no_longer_pivotal_leaves_the_page_and_its_click_is_refused():
    panel = PivotalFacts(analyze(LIFE_SAFETY_FAILED, "statute", "en"), "en")
    stale = next(b for b in panel.buttons if "Safety-assurance duty" in b.description)
    kept, kept_change = next((b, (p["field"], p["value"])) for p, b in zip(panel.pivots, panel.buttons)
                             if p["field"] == "platform_mode")
    panel.analysis = analyze({"life_health_goods": True}, "statute", "en")
    assert stale not in panel.buttons
    assert stale not in _tree(panel)  # off the page, kept for later
    assert any(stale in row.children for row in panel.spare_rows)
    assert kept in panel.buttons
    seen = []
    panel.on_apply(lambda f, v: seen.append((f, v)))
    stale.click()
    assert seen == [] and "not a pivotal fact" in panel.status_html
    kept.click()  # a kept button still means, and applies, its own change
    assert seen == [kept_change]


def test_a_change_that_is_pivotal_again_gets_its_own_button_back():
    panel = PivotalFacts(analyze(LIFE_SAFETY_FAILED, "statute", "en"), "en")
    before = _by_change(panel)
    panel.analysis = analyze({"life_health_goods": True}, "statute", "en")
    assert set(_by_change(panel)) != set(before)
    panel.analysis = analyze(LIFE_SAFETY_FAILED, "statute", "en")
    assert _by_change(panel) == before  # the same widgets: nothing new for the page to build
    assert all(b.comm is not None for b in panel.buttons)
    seen = []
    panel.on_apply(lambda f, v: seen.append((f, v)))
    change, button = next(iter(before.items()))
    button.click()
    assert seen == [(change[0], next(p["value"] for p in panel.pivots if p["field"] == change[0]
                                     and repr(p["value"]) == change[1]))]


def test_pivotal_facts_leave_no_widgets_behind():
    sequence = [{}, {"platform_knowledge": "knew"}, LIFE_SAFETY_FAILED, {"harm": "none"}, {"food": True},
                {"platform_mode": "self_operated"}, {}]
    panel = PivotalFacts(analyze(sequence[0], "statute", "en"), "en")
    for facts in sequence:  # the first pass meets every change once
        panel.analysis = analyze(facts, "statute", "en")
    alive = len(_instances)
    for _ in range(3):
        for facts in sequence:
            panel.analysis = analyze(facts, "statute", "en")
    assert len(_instances) == alive  # later passes reuse the rows: nothing new, nothing left open
    assert panel.spare_rows  # spare rows are there to be closed
    shown = [w for w in _tree(panel) if set(getattr(w, "children", ())) & set(panel.buttons)]  # a button's row
    assert len(shown) == len(panel.buttons)
    rows = [w for row in (*shown, *panel.spare_rows) for w in _tree(row)]
    panel.close()
    assert all(w.comm is None for w in rows)


def test_the_spare_pivotal_rows_are_bounded(monkeypatch):
    import widgets.pivotal_facts as pf

    monkeypatch.setattr(pf, "SPARE_ROWS", 2)
    sequence = [{}, {"platform_knowledge": "knew"}, LIFE_SAFETY_FAILED, {"harm": "none"}, {"food": True},
                {"platform_mode": "self_operated"}]
    panel = PivotalFacts(analyze(sequence[0], "statute", "en"), "en")
    dropped = []
    for facts in sequence:
        shown = set(panel.buttons)
        panel.analysis = analyze(facts, "statute", "en")
        assert len(panel.spare_rows) <= 2
        dropped += [b for b in shown if b not in panel.buttons and b.comm is None]
    assert dropped, "rows beyond the spare ones are closed"
    assert all(b.comm is not None for b in panel.buttons)
    assert all(w.comm is not None for row in panel.spare_rows for w in _tree(row))


def test_a_forged_click_is_refused_whatever_button_it_comes_from():
    panel = PivotalFacts(analyze({}, "statute", "en"), "en")
    seen = []
    panel.on_apply(lambda f, v: seen.append((f, v)))
    panel.analysis = analyze({"damages": 5000.0}, "statute", "en")
    assert panel.apply("platform_knowledge", 1) is False  # an int where a choice is expected
    assert panel.apply("seller_identity_disclosed", 0) is False  # an int passed off as a bool
    assert seen == []


def test_the_app_reuses_the_pivotal_buttons_across_a_change_of_facts():
    app = AnalyzerApp(lang="en")
    buttons = set(map(id, app.parts["pivotal"].buttons))
    app.change("damages", 2500.0)
    assert set(map(id, app.parts["pivotal"].buttons)) == buttons


# --- the case list and the notebook's first screen --------------------------------------------------------------


def test_the_case_list_takes_the_whole_width_of_its_column():
    browser = AnalyzerApp(lang="en").parts["cases"]
    select = next(w for w in _tree(browser) if isinstance(w, Dropdown))  # the case list: the only drop-down
    assert select.layout.width == "100%"
    style = browser.children[0].value
    assert ".ll-case-select > .widget-label" in style and "width: 100%" in style


def test_the_analyzer_notebook_starts_with_a_short_intro_and_ends_with_the_credits():
    nb = json.loads((ROOT / "notebooks" / "analyzer.ipynb").read_text(encoding="utf-8"))
    kinds = [c["cell_type"] for c in nb["cells"]]
    assert kinds[:2] == ["markdown", "code"] and kinds[-1] == "markdown"
    intro = "".join(nb["cells"][0]["source"])
    for lang in ("zh", "en"):
        block = re.search(rf'<div class="ll-{lang}" lang="{lang}">(.*?)</div>', intro, re.S).group(1)
        text = re.sub(r"<[^>]+>", "", block).strip()
        assert len(text) < {"zh": 160, "en": 420}[lang], f"the {lang} intro is {len(text)} characters"
        assert not re.search(r"^#|<h\d", block, re.M), "no heading: the app's header is the page's title"
    end = "".join(nb["cells"][-1]["source"])
    assert "CC BY 4.0" in end and "LawRefBook/Laws" in end and "刘燕婷" in end
    assert 'id="ll-about"' in end and 'id="ll-about-en"' in end
    assert 'href="#ll-about"' in intro and 'href="#ll-about-en"' in intro
