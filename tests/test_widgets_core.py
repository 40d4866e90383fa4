"""The analyzer's own widgets, tested in Python without a browser.

Fact panel, outcome card, trace, regime comparison, payments chart, language switch and the composed AnalyzerApp:
what each shows comes from the engine, hostile comm messages leave a message and the last good facts, and the app
reads its URL.
"""

from __future__ import annotations

import math
import re

import pytest

from casebook.engine import READINGS, REGIMES, analyze, payments
from casebook.scenario import DEFAULTS, validate
from widgets.app import AnalyzerApp
from widgets.base import part
from widgets.fact_panel import FactPanel
from widgets.language_switch import LanguageSwitch
from widgets.outcome_card import OutcomeCard
from widgets.payments_chart import PaymentsChart
from widgets.regime_comparison import RegimeComparison
from widgets.trace_view import TraceView

FORM_ATTR = re.compile(r'class="ll-outcome[^"]*" data-liability-form="([a-z_]*)"')


def form_shown(html: str) -> str:
    match = FORM_ATTR.search(html)
    assert match, f"no .ll-outcome element with data-liability-form in {html[:200]!r}"
    return match.group(1)


def comm_update(widget, state: dict) -> None:
    """Deliver ``state`` as the browser would: a comm 'update' message."""
    widget._handle_msg({"content": {"data": {"method": "update", "state": state}}, "buffers": []})


# --- the outcome card shows the engine's form -------------------------------------------------------------------

OUTCOMES = [
    ("platform that knew and did nothing is jointly liable", {"platform_knowledge": "knew"}, "statute", "joint"),
    ("platform that knew and took measures owes nothing", {"platform_knowledge": "knew", "necessary_measures": True},
     "statute", "none"),
    ("self-operated platform answers as the seller", {"platform_mode": "self_operated"}, "statute", "as_seller"),
    ("life-and-health breach leaves the form open under the statute",
     {"life_health_goods": True, "safety_duty": "failed"}, "statute", "undetermined"),
    ("the same breach under the supplementary reading is supplementary",
     {"life_health_goods": True, "safety_duty": "failed"}, "supplementary", "supplementary"),
    ("a decisive breach under the paper's proposal is joint",
     {"life_health_goods": True, "safety_duty": "failed", "causation": "decisive"}, "proposal", "joint"),
    ("no harm means no liability even for a platform that knew", {"harm": "none", "platform_knowledge": "knew"},
     "statute", "none"),
]


@pytest.mark.parametrize("facts, regime, form", [o[1:] for o in OUTCOMES], ids=[o[0] for o in OUTCOMES])
def test_outcome_card_shows_the_engines_form(facts, regime, form):
    card = OutcomeCard(analysis=analyze(facts, regime, "zh"))
    assert form_shown(card.html) == form
    assert part(card, "ll-outcome-card") is card


@pytest.mark.parametrize("facts, regime, form", [o[1:] for o in OUTCOMES], ids=[o[0] for o in OUTCOMES])
def test_app_outcome_follows_the_facts_set_on_it(facts, regime, form):
    app = AnalyzerApp(regime=regime)
    assert app.set_facts(facts)
    assert form_shown(app.outcome.html) == form
    assert app.analysis["liability_form"] == form


def test_undetermined_outcome_points_to_the_comparison():
    card = OutcomeCard(analysis=analyze({"life_health_goods": True, "safety_duty": "failed"}, "statute", "en"), lang="en")
    assert "Same facts, different rules" in card.html


# --- every component relabels when the language changes ---------------------------------------------------------

def _facts_label(w):
    return w.control("platform_mode").description + "|" + str(w.control("platform_mode")._options_labels)


def _html(w):
    return w.html


def _comparison(w):
    return w.children[0].value


def _chart(w):
    return part(w, "ll-payments-form").description + w.html


def _switch(w):
    return part(w, "ll-lang").value


ANALYSIS = {"life_health_goods": True, "safety_duty": "failed"}
COMPONENTS = [
    ("the fact panel relabels its fields and choices", lambda: FactPanel(lang="zh"), _facts_label),
    ("the outcome card speaks the new language", lambda: OutcomeCard(analysis=analyze(ANALYSIS), lang="zh"), _html),
    ("the trace view speaks the new language", lambda: TraceView(analysis=analyze(ANALYSIS), lang="zh"), _html),
    ("the regime comparison speaks the new language",
     lambda: RegimeComparison(analysis=analyze(ANALYSIS), lang="zh"), _comparison),
    ("the payments chart speaks the new language", lambda: PaymentsChart(analysis=analyze(ANALYSIS), lang="zh"), _chart),
    ("the language switch shows the new language", lambda: LanguageSwitch(lang="zh"), _switch),
]


@pytest.mark.parametrize("make, label", [c[1:] for c in COMPONENTS], ids=[c[0] for c in COMPONENTS])
def test_switching_language_changes_a_label(make, label):
    widget = make()
    before = label(widget)
    if hasattr(widget, "analysis") and widget.analysis:
        with widget.hold_trait_notifications():
            widget.lang = "en"
            widget.analysis = analyze(widget.analysis["scenario"], widget.analysis["regime"], "en")
    else:
        widget.lang = "en"
    after = label(widget)
    assert after != before
    assert not re.search(r"[\u4e00-\u9fff]", after.replace("中文", "")) or isinstance(widget, (FactPanel, TraceView))


def test_switching_language_keeps_the_facts_and_relabels_the_whole_app():
    app = AnalyzerApp(facts={"platform_knowledge": "knew", "damages": 2500.0}, lang="zh")
    facts = dict(app.facts)
    zh_label = app.fact_panel.control("platform_knowledge").description
    app.lang = "en"
    assert app.facts == facts
    assert app.fact_panel.control("platform_knowledge").value == "knew"
    assert app.fact_panel.control("platform_knowledge").description != zh_label
    assert app.analysis["lang"] == "en"
    for view in (app.fact_panel, app.outcome, app.comparison, app.trace, app.chart, *app.parts.values()):
        assert view.lang == "en", type(view).__name__
    assert "Joint and several liability" in app.outcome.html


def test_language_switch_buttons_drive_the_app():
    app = AnalyzerApp()
    comm_update(part(app, "ll-lang"), {"index": 1})
    assert app.lang == "en"
    assert "Platform Liability Lab" in part(app, "ll-title").value


# --- hostile messages from the page -----------------------------------------------------------------------------

HOSTILE = [
    ("a dropdown index beyond the options", "platform_mode", {"index": 7}),
    ("a negative dropdown index", "harm", {"index": -1}),
    ("a dropdown index sent as text", "harm", {"index": "1"}),
    ("a dropdown index sent as a boolean", "causation", {"index": True}),
    ("an empty dropdown selection", "platform_knowledge", {"index": None}),
    ("NaN damages", "damages", {"value": math.nan}),
    ("infinite price", "price", {"value": math.inf}),
    ("negative damages", "damages", {"value": -5}),
    ("a consumer fault above one", "consumer_fault", {"value": 1.5}),
    ("text in a number field", "seller_can_pay", {"value": "lots"}),
    ("a checkbox sent a number", "food", {"value": 1}),
    ("a checkbox sent text", "favourable_promise", {"value": "yes"}),
    ("unlocking a disabled field", "platform_fault_share", {"disabled": False}),
    ("rewriting a dropdown's labels", "platform_mode", {"_options_labels": ["<b>x</b>"]}),
    ("raising a number field's maximum", "consumer_fault", {"max": 100}),
    ("a value for the disabled fault share", "platform_fault_share", {"value": 0.2}),
]


@pytest.mark.parametrize("field, state", [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_message_leaves_a_message_and_the_last_good_facts(field, state):
    panel = FactPanel(facts={"platform_knowledge": "knew", "damages": 3000.0})
    good = dict(panel.facts)
    shown = panel.control(field).value
    comm_update(panel.control(field), state)
    assert panel.message, "the panel says what it refused"
    assert panel.facts == good
    assert panel.control(field).value == shown
    assert "<b>" not in part(panel, "ll-fact-status").value


def test_a_change_the_model_refuses_is_undone_with_a_message():
    panel = FactPanel()
    comm_update(part(panel, "ll-fact-platform_fault_share-auto"), {"value": False})  # fault share: from auto to a number
    comm_update(panel.control("platform_fault_share"), {"value": "60"})  # shares are typed in percent
    assert panel.facts["platform_fault_share"] == 0.6
    good = dict(panel.facts)
    comm_update(panel.control("consumer_fault"), {"value": "60%"})  # 0.6 + 0.6 > 1
    assert panel.facts == good
    assert panel.control("consumer_fault").value == 0.0
    assert "platform_fault_share" in panel.message
    assert "100%" in panel.control("consumer_fault").error  # said beside the field too, in the page's language
    comm_update(panel.control("consumer_fault"), {"value": "30"})
    assert panel.message == "" and panel.facts["consumer_fault"] == 0.3
    assert panel.control("consumer_fault").error == ""


def test_hostile_messages_never_reach_the_app_as_an_analysis():
    app = AnalyzerApp()
    before = app.analysis
    comm_update(app.fact_panel.control("damages"), {"value": math.nan})
    comm_update(part(app, "ll-regime"), {"index": 99})
    assert app.analysis is before
    assert len(app.messages) == 2
    assert all("⚠" in line for line in app.status_html.split("</div>") if line)


def test_food_ticks_and_locks_life_and_health():
    panel = FactPanel()
    comm_update(panel.control("food"), {"value": True})
    assert panel.facts["food"] and panel.facts["life_health_goods"]
    assert panel.control("life_health_goods").value is True
    assert panel.control("life_health_goods").disabled
    comm_update(panel.control("life_health_goods"), {"value": False})
    assert panel.facts["life_health_goods"] is True and panel.message
    comm_update(panel.control("food"), {"value": False})
    assert not panel.control("life_health_goods").disabled


def test_set_facts_is_one_change_and_one_analysis(monkeypatch):
    import widgets.app as app_module

    app = AnalyzerApp()
    calls = []
    real = app_module.analyze
    monkeypatch.setattr(app_module, "analyze", lambda *a, **k: calls.append(a) or real(*a, **k))
    app.set_facts({"platform_mode": "self_operated", "damages": 1234.0, "food": True, "harm": "personal_injury"})
    assert len(calls) == 1
    comm_update(app.fact_panel.control("harm"), {"index": 1})
    assert len(calls) == 2


def test_assumption_notes_are_shown_labelled_and_escaped():
    panel = FactPanel()
    panel.set_facts({"damages": 500.0, "assumptions": {"damages": {"zh": "<img src=x onerror=alert(1)>", "en": "x"}}})
    html = part(panel, "ll-note-damages").value
    assert "示例性假设" in html and "&lt;img" in html and "<img" not in html
    comm_update(panel.control("damages"), {"value": 600.0})
    assert part(panel, "ll-note-damages").value == ""


# --- the trace, the comparison and the chart come from the engine ----------------------------------------------

TRACE = [
    ("ECL 38 para 2 opens to its verbatim Chinese text", "zh", "依法承担相应的责任"),
    ("in English the Chinese text still comes first", "en", "依法承担相应的责任"),
    ("in English an unofficial rendering follows", "en", "corresponding liability according to law"),
    ("the source line names LawRefBook", "zh", "LawRefBook/Laws"),
    ("rules beyond the paper are marked", "zh", "本教程补充"),
    ("rules beyond the paper are marked in English", "en", "tutorial&#x27;s addition"),
    ("open points are listed", "zh", "开放问题"),
]


@pytest.mark.parametrize("lang, phrase", [t[1:] for t in TRACE], ids=[t[0] for t in TRACE])
def test_trace_view_contains(lang, phrase):
    view = TraceView(analysis=analyze({"life_health_goods": True, "safety_duty": "failed"}, "statute", lang), lang=lang)
    assert phrase in view.html
    assert "<details" in view.html


def test_trace_marks_held_and_not_held_in_words():
    view = TraceView(analysis=analyze({"platform_knowledge": "knew"}, "statute", "en"), lang="en")
    assert "✓ holds" in view.html and "✗ does not hold" in view.html and "decides the outcome" in view.html


@pytest.mark.parametrize("facts", [{}, {"life_health_goods": True, "safety_duty": "failed"}],
                         ids=["ordinary facts", "facts the statute leaves open"])
def test_regime_comparison_has_one_row_per_regime(facts):
    view = RegimeComparison(analysis=analyze(facts, "proposal", "zh"))
    html = view.children[0].value
    rows = re.findall(r'<tr(?: class="ll-current")? data-regime="([a-z_]+)" data-liability-form="([a-z_]+)"', html)
    assert [r for r, _ in rows] == list(REGIMES)
    assert dict(rows) == {r: analyze(facts, r)["liability_form"] for r in REGIMES}
    assert '<tr class="ll-current" data-regime="proposal"' in html
    alternatives = re.findall(r'data-regime="statute" data-reading="([a-z_]+)"', html)
    assert alternatives == (list(READINGS) if facts else [])


CHART = [
    ("the joint reading", {"life_health_goods": True, "safety_duty": "failed"}, "joint"),
    ("the supplementary reading with a partly solvent seller",
     {"life_health_goods": True, "safety_duty": "failed", "consumer_fault": 0.2}, "supplementary"),
    ("the proportional reading with a fault share", {"platform_knowledge": "knew", "platform_fault_share": 0.3},
     "proportional"),
    ("the non-genuine joint reading for an unidentified seller", {"seller_identity_disclosed": False},
     "non_genuine_joint"),
    ("the current regime's own outcome", {"platform_knowledge": "knew"}, "current"),
]


@pytest.mark.parametrize("facts, shown", [c[1:] for c in CHART], ids=[c[0] for c in CHART])
def test_payments_chart_numbers_are_the_engines(facts, shown):
    chart = PaymentsChart(analysis=analyze(facts, "statute", "en"), lang="en")
    chart.shown = shown
    for field in ("seller_can_pay", "consumer_fault"):
        rows = chart.series(field)
        assert any(r["current"] for r in rows)
        for row in rows:
            try:
                s = validate({**validate(facts).to_dict(), field: row["value"]})
            except ValueError:
                assert row["payments"] is None
                continue
            form = analyze(s)["liability_form"] if shown == "current" else shown
            assert row["payments"] == payments(s, form)["payments"]
    assert "<table" in chart.html and 'role="img"' in chart.html


def test_payments_chart_under_an_open_form_uses_the_engines_figure():
    facts = {"life_health_goods": True, "safety_duty": "failed", "seller_can_pay": 0.3}
    chart = PaymentsChart(analysis=analyze(facts, "statute", "zh"))
    now = next(r for r in chart.series("seller_can_pay") if r["current"])
    assert now["payments"] == analyze(facts, "statute")["payments"]


# --- the app reads its URL -------------------------------------------------------------------------------------

def test_app_from_a_query_string_with_lang_and_a_scenario_token():
    from casebook.share import encode

    facts = {"platform_knowledge": "should_have_known", "damages": 8000.0, "seller_can_pay": 0.5}
    app = AnalyzerApp.from_query(f"lang=en&regime=proposal&scenario={encode(facts)}")
    assert app.lang == "en" and app.regime == "proposal"
    assert app.facts == validate(facts).to_dict()
    assert app.messages == []
    assert form_shown(app.outcome.html) == analyze(facts, "proposal", "en")["liability_form"] == "joint"
    assert app.fact_panel.control("damages").value == 8000.0
    assert "Platform Liability Lab" in part(app, "ll-title").value


def test_app_reads_the_environment(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "lang=en&case=cong-v-taobao")
    app = AnalyzerApp.from_environment()
    assert app.lang == "en"
    assert app.facts["food"] is True
    assert "Illustrative assumption" in part(app, "ll-note-damages").value


JUNK = [
    ("an unknown language", "lang=fr"),
    ("a scenario token that is not one", "scenario=%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
    ("an unknown regime", "regime=%3Cb%3Eall%3C%2Fb%3E"),
    ("a case id that is a path", "case=..%2F..%2Fetc%2Fpasswd"),
    ("everything wrong at once", "lang=xx&scenario=zzz&regime=zzz&case=zzz&lang=yy"),
]


@pytest.mark.parametrize("query", [j[1] for j in JUNK], ids=[j[0] for j in JUNK])
def test_a_junk_query_string_gives_messages_and_the_default_outcome(query):
    app = AnalyzerApp.from_query(query)
    assert app.messages
    assert app.facts == validate(DEFAULTS).to_dict()
    assert app.regime == "statute"
    assert form_shown(app.outcome.html) == analyze(DEFAULTS)["liability_form"]
    status = app.status_html
    assert "<script" not in status and "<b>" not in status
    assert status.count('role="alert"') == len(app.messages)


def test_the_pivotal_facts_change_the_fact_panel():
    app = AnalyzerApp()
    pivotal = app.parts.get("pivotal")
    if pivotal is None:
        pytest.skip("widgets.pivotal_facts is not there")
    assert pivotal.apply("platform_knowledge", "knew")
    assert app.facts["platform_knowledge"] == "knew"
    assert app.fact_panel.control("platform_knowledge").value == "knew"
    assert form_shown(app.outcome.html) == "joint"


def test_loading_a_decision_sets_the_facts_and_shows_its_assumptions():
    app = AnalyzerApp()
    assert app.load_case("cong-v-taobao")
    assert app.facts["food"] is True
    assert "示例性假设" in part(app, "ll-note-platform_tier").value
    assert "已载入判决" in app.status_html
    assert not app.load_case("no-such-case")
    assert app.messages


# --- shared layouts and styles (widgets._view.shared) ------------------------------------------------------------

def _models_of_a_fresh_app():
    import warnings

    import ipywidgets as W

    from widgets.app import AnalyzerApp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        before = set(W.Widget.widgets)
        app = AnalyzerApp()
        new = {k: w for k, w in W.Widget.widgets.items() if k not in before}
    return app, new


def test_the_analyzer_shares_identical_layouts_and_styles():
    """The page asks the kernel for every model at once when it loads; each is one more to describe and build.
    Widgets with the same layout or style share one model (473 models before, 208 after: benchmarks/run.py)."""
    import json

    import ipywidgets as W

    _app, new = _models_of_a_fresh_app()
    kinds = [type(w) for w in new.values()]
    assert len(new) < 260, f"{len(new)} widget models for one analyzer"
    # No two *kit* layouts or styles describe the same thing (ipywidgets' own inner widgets may keep theirs).
    seen = {}
    for w in W.Widget.widgets.values():
        if getattr(w, "_ll_sealed", False):
            key = (type(w).__mro__[2].__name__, json.dumps(w.get_state(), sort_keys=True))
            assert key not in seen, f"two shared {key[0]} models with the same state"
            seen[key] = w
    assert sum(1 for k in kinds if issubclass(k, W.Layout)) < 30


def test_a_shared_layout_refuses_a_change_that_would_move_every_widget():
    import ipywidgets as W

    from widgets._view import shared, shared_layout
    from widgets.controls import Display

    a, b = Display(), Display()
    assert a.layout is b.layout and a.style is b.style
    with pytest.raises(AttributeError, match="shared by many widgets"):
        a.layout.display = "none"
    assert b.layout.display is None
    own = Display(layout=W.Layout(display="none"))
    assert own.layout is not a.layout and own.layout.display == "none"
    assert shared_layout(width="auto") is shared_layout(width="auto") is not shared_layout(width="100%")
    # A closed shared model (Widget.close_all() in a test, a page's comm closed) is replaced, never handed out dead.
    dead = shared_layout(width="13px")
    dead.close()
    fresh = shared_layout(width="13px")
    assert fresh is not dead and fresh.comm is not None
    assert Display(layout=fresh).get_state()["layout"] == "IPY_MODEL_" + fresh.model_id
    assert shared(type(Display().style).__mro__[2]) is Display().style


def test_dropping_a_pivotal_row_leaves_the_shared_models_open():
    from casebook.engine import analyze
    from widgets.controls import Display
    from widgets.pivotal_facts import PivotalFacts

    view = PivotalFacts(analysis=analyze({"harm": "personal_injury"}, "statute", "zh"))
    view.analysis = analyze({"harm": "property"}, "statute", "zh")
    view.analysis = analyze({"harm": "personal_injury", "platform_knowledge": "knew"}, "statute", "zh")
    d = Display()
    assert d.layout.comm is not None and d.style.comm is not None



def test_the_static_edition_reads_the_page_url_handed_over_by_the_page(monkeypatch):
    """deploy/static/page_setup.js hands the page's URL, percent-encoded, to set_page_url before the first cell runs:
    the query, the share links' base and the links between pages follow it (Voila's path is unchanged without it)."""
    from urllib.parse import quote

    from widgets import page, query

    monkeypatch.setattr(query, "_page_url", None)
    assert query.page_extension() == ".ipynb"
    url = "http://127.0.0.1:8000/voici/render/analyzer.html?lang=en&scenario=je30&case=zhang-v-jd#top"
    query.set_page_url(quote(url, safe=""))
    try:
        assert query.query_string() == "lang=en&scenario=je30&case=zhang-v-jd"
        assert query.request_url() == "http://127.0.0.1:8000/voici/render/analyzer.html"
        assert query.page_extension() == ".html"
        assert 'href="03_legal_bases.html?lang=en"' in page._link("03_legal_bases", "x", "en")
        # Garbage is only a URL that casebook.share will refuse, never an exception.
        query.set_page_url("%ZZ%" + "x" * 100_000)
        assert len(query.query_string()) <= query.MAX_PAGE_URL
    finally:
        monkeypatch.setattr(query, "_page_url", None)
    assert 'href="03_legal_bases.ipynb?lang=en"' in page._link("03_legal_bases", "x", "en")


def test_the_teacher_view_says_plainly_that_nothing_is_collected_in_the_static_edition(monkeypatch):
    from widgets import query
    from widgets.lessons.exercise_deck import ExerciseDeck
    from widgets.lessons.teacher_view import TeacherView

    assert "ll-static-note" not in part(TeacherView(ExerciseDeck()), "ll-teacher-head").value
    monkeypatch.setattr(query, "in_browser", lambda: True)
    view = TeacherView(ExerciseDeck(), lang="en")
    assert "sent to no one" in part(view, "ll-teacher-head").value and "cannot be collected" in part(view, "ll-teacher-head").value
    view.lang = "zh"
    assert "不会发送给任何人" in part(view, "ll-teacher-head").value


def test_the_app_is_wired_by_links_language_and_regime_both_ways():
    app = AnalyzerApp()
    app.lang = "en"
    assert part(app, "ll-lang").value == "en" and app.fact_panel.lang == "en" and app.parts["cases"].lang == "en"
    app.regime = "joint"
    assert part(app, "ll-regime").value == "joint" and app.analysis["regime"] == "joint"
    app.regime = "no-such-regime"  # refused by the app itself: the current regime stays
    assert app.regime == "joint" and part(app, "ll-regime").value == "joint"
    comm_update(part(app, "ll-regime"), {"index": 0})
    assert app.regime == REGIMES[0]
