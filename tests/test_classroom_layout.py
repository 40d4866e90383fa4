"""Issue 16 points 4, 7 and 13 in the kernel: the outcome bar, the casebook's keyboard button, focus kept after a
what-if button, presenter mode read from the URL. The browser side is tests/test_classroom_layout_e2e.py."""

from __future__ import annotations

from casebook.engine import analyze
from casebook.scenario import FIELD_BY_NAME
from casebook.share import parse_query
from widgets.app import AnalyzerApp
from widgets.outcome_bar import OutcomeBar, change_text, changed_facts
from widgets.page import PageShell, lang_css


def test_the_bar_shows_the_engines_form_and_payments_and_names_the_changed_fact():
    app = AnalyzerApp(lang="en")
    assert 'data-liability-form="none"' in app.bar.html or app.analysis["liability_form"] in app.bar.html
    assert app.change("platform_knowledge", "knew")
    form = analyze({**app.facts}, "statute", "en")["liability_form"]
    assert form != "none"
    html = app.bar.html
    assert f'data-liability-form="{form}"' in html and 'class="ll-outcome-bar ' in html
    assert "ll-bar-flash" in html  # a change is highlighted ...
    label = FIELD_BY_NAME["platform_knowledge"].label["en"]
    assert f"{label} → {FIELD_BY_NAME['platform_knowledge'].label_of('knew', 'en')}" in html
    # ... the card keeps the contract's hook and is the only element carrying ll-outcome
    assert 'class="ll-outcome ' in app.outcome.html and "ll-outcome " not in html.replace("ll-outcome-bar", "")
    app.lang = "zh"  # a language switch re-renders in Chinese, names the change, does not flash it again
    html = app.bar.html
    assert "刚改动" in html and FIELD_BY_NAME["platform_knowledge"].label["zh"] in html and "ll-bar-flash" not in html
    app.regime = "proposal"
    assert "规则方案 →" in app.bar.html and "ll-bar-flash" in app.bar.html


def test_the_bar_reads_payments_from_the_analysis_and_percentages_as_percent():
    bar = OutcomeBar(lang="en")
    a = analyze({"platform_mode": "self_operated", "damages": 2500}, "statute", "en")
    bar.analysis = a
    assert "2,500" in bar.html and a["form_name"] in bar.html
    assert change_text(("consumer_fault", 0.3), "en").endswith("30%")
    assert changed_facts({"harm": "none", "food": False}, {"harm": "property", "food": False}) == [("harm", "property")]
    assert 'data-liability-form=""' in OutcomeBar(lang="zh").html


def test_loading_a_decision_marks_no_single_change():
    app = AnalyzerApp(lang="en")
    app.load_case(app.parts["cases"].decision_ids[0])
    assert "ll-bar-change" not in app.bar.html


def test_the_casebook_opens_and_closes_with_a_real_button():
    app = AnalyzerApp(lang="en")
    assert not app.cases_open
    app.toggle_cases()
    assert app.cases_open
    app.toggle_cases()
    assert not app.cases_open


def test_a_what_if_click_hands_the_focus_to_the_button_of_the_same_fact(monkeypatch):
    app = AnalyzerApp(lang="en")
    pivotal = app.parts["pivotal"]
    focused = []
    first = pivotal.buttons[0]
    field = [p for p in app.analysis["pivotal_facts"] if p["field"] in FIELD_BY_NAME][0]["field"]
    for cls in {type(b) for b in pivotal.buttons}:
        monkeypatch.setattr(cls, "focus", lambda self: focused.append(self), raising=True)
    first.click()
    pivotal.analysis = app.analysis  # the app's later push to the other views, done at once here
    pivots = [p for p in app.analysis["pivotal_facts"] if p["field"] in FIELD_BY_NAME]
    same = [b for b, p in zip(pivotal.buttons, pivots) if p["field"] == field]
    assert focused == [same[0] if same else pivotal.buttons[0]], "the focus did not land on the way back"
    # A hypothetical what-if (a chapter shows it without changing the facts) leaves the focus alone.
    focused.clear()
    from widgets.pivotal_facts import PivotalFacts

    chapter = PivotalFacts(analysis=analyze({}, "statute", "en"), lang="en")
    p = chapter.analysis["pivotal_facts"][0]
    assert chapter.apply(p["field"], p["value"])
    chapter.lang = "zh"
    assert focused == []


def test_present_is_read_from_the_url_and_a_bad_value_is_reported():
    assert parse_query("present=1")["present"] is True
    assert parse_query("lang=en")["present"] is False
    bad = parse_query("present=maybe")
    assert bad["present"] is False and any("present" in e["en"] for e in bad["errors"])
    assert AnalyzerApp.from_query("lang=en&present=1").present
    plain = AnalyzerApp(lang="en")
    assert not plain.present
    plain.apply_query("present=1")
    assert plain.present
    assert "zoom: 1.3" in lang_css("zh", present=True) and "zoom: 1.3" not in lang_css("zh")
    shell = PageShell("00_start_here", lang="en", present=True)
    assert "zoom: 1.3" in shell.children[0].value


def test_the_style_every_page_shares_is_written_once_and_reaches_the_analyzer_and_the_chapters():
    from pathlib import Path

    from widgets.theme import SHARED_CSS, style_widget

    # the containers' reset (Voila's panels scroll; printed, they must not) lives in widgets/static/shared.css only
    reset = "#jp-main-content-panel"
    root = Path(__file__).resolve().parent.parent / "widgets"
    sources = {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in root.rglob("*")
               if p.suffix in {".py", ".css"}}
    assert [name for name, text in sources.items() if reset in text] == ["static/shared.css"]
    assert reset in SHARED_CSS and "@media print" in SHARED_CSS
    # so is the burden-of-proof matrix as cards on a phone (the analyzer and chapter 07 both show it)
    cards = "td::before { content: attr(data-label)"
    assert [name for name, text in sources.items() if cards in text] == ["static/shared.css"]
    assert cards in SHARED_CSS
    assert SHARED_CSS in style_widget().value  # the analyzer's sheet
    for lang in ("zh", "en"):
        assert SHARED_CSS in lang_css(lang)  # every chapter's page shell
