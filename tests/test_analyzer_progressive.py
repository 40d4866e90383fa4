"""The analyzer's first screen first (widgets/app.py): a served page builds its facts and outcome, and the rest when
the page reports it shows them; once built, the page is the page built at once."""

from __future__ import annotations

import asyncio
import threading

import pytest
from ipywidgets.widgets import widget as widget_module

from widgets.app import AnalyzerApp
from widgets.controls import ShownMarker

from test_preheat import _tree_state


def _models() -> int:
    return len(widget_module._instances)


def _shown(app) -> ShownMarker:
    marker = app.shown_marker
    assert isinstance(marker, ShownMarker) and marker in app.children[-1].children[1].children
    return marker


def test_the_first_screen_holds_the_facts_and_the_outcome_and_far_fewer_models():
    before = _models()
    app = AnalyzerApp(progressive=True)
    first = _models() - before
    assert not app.complete and "ll-complete" not in app._dom_classes
    assert app.comparison is None and app.trace is None and app.chart is None and app.parts == {}
    assert app.outcome.analysis["liability_form"] == app.analysis["liability_form"]
    assert app.bar.analysis["liability_form"] == app.analysis["liability_form"]
    before = _models()
    full = AnalyzerApp()
    whole = _models() - before
    assert full.complete and "ll-complete" in full._dom_classes
    assert first < 0.7 * whole, (first, whole)


def test_a_fact_changed_before_the_rest_is_built_reaches_every_view_once_it_is():
    app = AnalyzerApp(progressive=True, lang="en")
    app.change("platform_knowledge", "knew")
    assert app.outcome.analysis["liability_form"] == app.analysis["liability_form"]
    _shown(app).set_state({"_view_count": 1})  # the page shows the first screen (outside a kernel: built at once)
    assert app.complete and "ll-complete" in app._dom_classes
    direct = AnalyzerApp(lang="en")
    direct.change("platform_knowledge", "knew")
    assert _tree_state(app) == _tree_state(direct)


def test_a_case_link_read_before_the_rest_shows_in_the_casebook_after():
    decision = AnalyzerApp().parts["cases"].decision_ids[-1]
    app = AnalyzerApp(progressive=True, case=decision)
    app.toggle_cases()  # opening the casebook builds the rest first
    assert app.complete and app.cases_open
    assert app.parts["cases"].loaded == decision and app.parts["cases"].selected == decision
    assert _tree_state(app.parts["cases"]) == _tree_state(AnalyzerApp(case=decision).parts["cases"])


@pytest.mark.parametrize("bad", [{"_view_count": "1"}, {"_view_count": True}, {"_view_count": -1},
                                 {"_view_count": 10 ** 9}, {"_view_count": 1.0}, {"value": "<b>x</b>"}, "junk", None])
def test_the_marker_takes_nothing_but_a_view_count(bad):
    app = AnalyzerApp(progressive=True)
    marker = _shown(app)
    marker.set_state(bad)
    assert not app.complete and marker.value == ""
    marker.set_state({"_view_count": 0})
    assert not app.complete
    marker.set_state({"_view_count": 2})
    assert app.complete and app.shown_marker is None


def test_from_environment_builds_the_rest_only_when_the_page_reports_its_first_screen(monkeypatch):
    """No timer builds the rest: a page still loading the first screen's models would get new ones in the middle
    (ipywidgets' page then waits 2 s for each model it misses, one after the other). However long the page takes,
    the rest comes after its report, and then at once."""
    import widgets.app as app_module
    import widgets.query as q

    monkeypatch.setattr(app_module, "_progressive_here", lambda: True)
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setattr(q, "query_string", lambda: "lang=en")
    monkeypatch.setattr(q, "request_url", lambda: "http://h/voila/render/analyzer.ipynb")

    async def page():
        app = app_module.AnalyzerApp.from_environment()
        await asyncio.sleep(0.5)  # the page loads slowly: nothing happens meanwhile
        complete_while_loading = app.complete
        pending_while_loading = len(asyncio.get_running_loop()._scheduled)
        app.shown_marker.set_state({"_view_count": 1})  # the page shows its first screen
        await asyncio.sleep(0.2)
        return app, complete_while_loading, pending_while_loading

    # In a thread of its own: an earlier test may have left this thread's event loop running.
    result = []
    worker = threading.Thread(target=lambda: result.append(asyncio.run(page())))
    worker.start()
    worker.join(30)
    app, complete_while_loading, pending_while_loading = result[0]
    assert not complete_while_loading and pending_while_loading == 0
    assert app.complete and app.lang == "en" and "ll-complete" in app._dom_classes
    assert app.parts["share"].base_url == "http://h/voila/render/analyzer.ipynb"


def test_without_an_event_loop_from_environment_builds_everything_at_once(monkeypatch):
    import widgets.app as app_module
    import widgets.query as q

    monkeypatch.setattr(app_module, "_progressive_here", lambda: True)
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setattr(q, "query_string", lambda: "")
    monkeypatch.setattr(q, "request_url", lambda: "")
    built = []  # in a thread of its own, without an event loop (an earlier test may leave this thread's running)
    worker = threading.Thread(target=lambda: built.append(app_module.AnalyzerApp.from_environment()))
    worker.start()
    worker.join(30)
    assert built[0].complete


@pytest.mark.parametrize("query", ["case=cong-v-taobao&lang=en", "case=sankuai-second-instance&regime=proposal",
                                   "lang=en&present=1&regime=joint", "case=no-such-case", "scenario=%7Bbad"])
def test_built_later_the_page_is_the_page_built_at_once(query):
    """Whatever the link asks (a decision, a regime, a language, presenter mode, a bad parameter), the page built
    first screen first is, once complete, the page built at once: same facts, messages and views."""
    later = AnalyzerApp.from_query(query, progressive=True)
    later.toggle_cases()
    later.toggle_cases()  # opened and closed: as built at once
    at_once = AnalyzerApp.from_query(query)
    assert later.complete and later.facts == at_once.facts and later.status_html == at_once.status_html
    assert _tree_state(later) == _tree_state(at_once)
