"""The page kernels' two process settings (widgets/_kernel.py): a 0.5 ms GIL switch interval, so that ipykernel's
IOPub thread sends a click's outcome at once, and ``gc.freeze()`` once a page is built, so that the collector no
longer walks the page's long-lived objects on a click. Applied inside a kernel only: checked in a real kernel
running the notebooks, and checked absent in this test process."""

from __future__ import annotations

import asyncio
import gc
import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from widgets import _kernel
from widgets.base import part

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"


def test_outside_a_kernel_nothing_changes():
    before = sys.getswitchinterval(), gc.get_freeze_count()
    assert _kernel.in_kernel() is False
    assert _kernel.settle() is False
    assert (sys.getswitchinterval(), gc.get_freeze_count()) == before


def test_inside_a_kernel_the_interval_is_short_and_the_page_frozen(monkeypatch):
    monkeypatch.setattr(_kernel, "in_kernel", lambda: True)
    before = sys.getswitchinterval()
    try:
        assert _kernel.settle() is True
        assert sys.getswitchinterval() == pytest.approx(_kernel.SWITCH_INTERVAL_S)
        assert gc.get_freeze_count() > 0
    finally:
        sys.setswitchinterval(before)
        gc.unfreeze()


PROBE = "import gc, sys\nprint(sys.getswitchinterval(), gc.get_freeze_count())"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["analyzer", "04_corresponding_liability"])
def test_a_page_kernel_runs_with_the_settings(name, monkeypatch):
    path = next(NOTEBOOK_DIR.glob(f"{name}*.ipynb"))
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK_DIR)}}).execute()
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream")
    interval, frozen = text.split()
    assert float(interval) == pytest.approx(_kernel.SWITCH_INTERVAL_S)
    assert int(frozen) > 10_000  # the page's objects, not a handful


# --- the outcome first (widgets/_kernel.later) -----------------------------------------------------------------


class FakeKernel:
    """The part of ipykernel's Kernel the deferral touches: its table of shell message handlers."""

    def __init__(self, seen):
        self.probe = lambda: None

        def comm_msg(stream, idents, msg):  # what the kernel's own comm handler sees when it runs
            seen.append(self.probe())

        self.shell_handlers = {"comm_msg": comm_msg, "kernel_info_request": lambda *a: None}
        self.parent = {"header": {"msg_type": "comm_msg"}}  # the message being handled: a widget change

    def get_parent(self, channel=None):
        return self.parent


@pytest.fixture
def fake_kernel(monkeypatch):
    import IPython

    seen = []
    kernel = FakeKernel(seen)
    monkeypatch.setattr(_kernel, "in_kernel", lambda: True)
    monkeypatch.setattr(IPython, "get_ipython", lambda: type("Shell", (), {"kernel": kernel})())
    yield kernel, seen
    for key in _kernel.pending():
        _kernel.cancel(key)


def run_loop(coro) -> None:
    """asyncio.run in a thread of its own: a kernel's handlers run inside its event loop, and Playwright's sync API
    (the browser tests) keeps a loop running in this test process's main thread."""
    import threading

    errors = []

    def target():
        try:
            asyncio.run(coro)
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    if errors:
        raise errors[0]


def _trace_text(app):
    return app.trace.html


def test_a_browser_change_shows_the_outcome_first_and_the_other_views_soon_after(fake_kernel):
    from casebook.engine import analyze
    from widgets.app import AnalyzerApp

    app = AnalyzerApp(lang="en")
    trace_before = _trace_text(app)
    expected = analyze({"platform_knowledge": "knew"}, "statute", "en")

    async def scenario():
        assert app.change("platform_knowledge", "knew")
        # At once: the outcome (and the app's analysis); the other views still show the previous analysis.
        assert app.analysis["liability_form"] == expected["liability_form"]
        assert app.outcome.analysis["liability_form"] == expected["liability_form"]
        assert app.trace.analysis["liability_form"] != expected["liability_form"]
        assert _trace_text(app) == trace_before
        # A moment later (the loop runs the deferred update): every view. Waited for, not slept on.
        for _ in range(500):
            if not _kernel.pending():
                break
            await asyncio.sleep(0.01)
        assert app.trace.analysis == app.analysis and _trace_text(app) != trace_before
        assert app.parts["pivotal"].analysis == app.analysis

    run_loop(scenario())


def test_a_message_from_the_browser_first_completes_a_pending_update(fake_kernel):
    from widgets.app import AnalyzerApp

    kernel, seen = fake_kernel
    app = AnalyzerApp(lang="en")
    kernel.probe = lambda: all(v.analysis == app.analysis for v in (app.trace, app.comparison, app.chart,
                                                                   app.parts["pivotal"], app.parts["evidence"]))

    async def scenario():
        assert app.change("platform_knowledge", "knew")
        assert kernel.probe() is False  # the other views are pending
        kernel.shell_handlers["comm_msg"](None, [], {"content": {}})  # e.g. a quick click on a pivotal button
        assert seen == [True]  # handled on the fully updated page
        assert not _kernel.pending()

    run_loop(scenario())


def test_the_hook_wraps_each_comm_handler_once(fake_kernel):
    from widgets.app import AnalyzerApp

    kernel, seen = fake_kernel
    original = kernel.shell_handlers["comm_msg"]
    app = AnalyzerApp(lang="en")

    async def scenario():
        app.change("platform_knowledge", "knew")
        app.change("platform_knowledge", "none")

    run_loop(scenario())
    hooked = kernel.shell_handlers["comm_msg"]
    assert hooked is not original and hooked.__wrapped__ is original
    assert kernel.shell_handlers["kernel_info_request"].__name__ == "<lambda>"  # only the browser's messages


def test_while_the_notebook_runs_nothing_is_deferred(fake_kernel):
    from widgets.app import AnalyzerApp

    kernel, _seen = fake_kernel
    kernel.parent = {"header": {"msg_type": "execute_request"}}  # Voila running the notebook: building the page

    async def scenario():
        app = AnalyzerApp(lang="en")
        app.change("platform_knowledge", "knew")
        assert app.trace.analysis == app.analysis == app.parts["pivotal"].analysis
        assert not _kernel.pending()

    run_loop(scenario())


# --- the rest of the analyzer waits for a quieter machine (widgets/_kernel.later_when_quiet) -------------------------


def _pressure_file(tmp_path, avg10: str):
    path = tmp_path / "cpu"
    path.write_text(f"some avg10={avg10} avg60=1.00 avg300=1.00 total=1\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")
    return str(path)


@pytest.mark.parametrize("text, expected", [("12.50", 12.5), ("0.00", 0.0), ("x", None)])
def test_cpu_pressure_reads_linux_psi(tmp_path, text, expected):
    assert _kernel.cpu_pressure(_pressure_file(tmp_path, text)) == expected
    assert _kernel.cpu_pressure(str(tmp_path / "missing")) is None  # not Linux, or no PSI: never busy


def _shown_page(fake_kernel, monkeypatch, tmp_path, avg10, class_size="40"):
    from widgets.app import AnalyzerApp

    if class_size:
        monkeypatch.setenv(_kernel.CLASS_ENV, class_size)
    else:
        monkeypatch.delenv(_kernel.CLASS_ENV, raising=False)
    path = _pressure_file(tmp_path, avg10)
    monkeypatch.setattr(_kernel, "PRESSURE_FILE", path)
    monkeypatch.setattr(_kernel, "RECHECK_S", 0.02)
    return AnalyzerApp(lang="en", progressive=True)


def test_on_a_quiet_machine_the_rest_is_built_just_after_the_first_screen(fake_kernel, monkeypatch, tmp_path):
    app = _shown_page(fake_kernel, monkeypatch, tmp_path, "3.00")

    async def scenario():
        app.shown_marker.set_state({"_view_count": 1})
        assert not app.complete  # the browser paints first
        await asyncio.sleep(0.3)
        assert app.complete and not _kernel.pending()

    run_loop(scenario())


def test_on_a_busy_machine_the_rest_waits_until_it_is_quieter(fake_kernel, monkeypatch, tmp_path):
    import widgets.app as app_module

    app = _shown_page(fake_kernel, monkeypatch, tmp_path, "95.00")

    async def scenario():
        app.shown_marker.set_state({"_view_count": 1})
        await asyncio.sleep(0.3)
        assert not app.complete and _kernel.pending()  # a class is loading: its first screens come first
        _pressure_file(tmp_path, "10.00")
        for _ in range(100):
            if app.complete:
                break
            await asyncio.sleep(0.02)
        assert app.complete and not _kernel.pending()

    assert app_module.REST_MAX_WAIT_S >= 30
    run_loop(scenario())


def test_without_a_class_a_busy_machine_does_not_delay_the_rest(fake_kernel, monkeypatch, tmp_path):
    app = _shown_page(fake_kernel, monkeypatch, tmp_path, "95.00", class_size=None)

    async def scenario():
        app.shown_marker.set_state({"_view_count": 1})
        await asyncio.sleep(0.3)
        assert app.complete and not _kernel.pending()

    run_loop(scenario())


def test_serve_class_tells_the_class_pools_kernels(tmp_path):
    from server.cli import voila_argv
    from server.settings import CLASS_ENV

    assert CLASS_ENV == _kernel.CLASS_ENV
    for public in (True, False):
        argv = voila_argv(8866, public, "127.0.0.1", tmp_path, class_size=40)
        pools = json.loads(next(a for a in argv if "kernel_pools_config=" in a).split("=", 1)[1])
        assert pools["analyzer.ipynb"] == {"pool_size": 40, "kernel_env_variables": {CLASS_ENV: "40"}}
        assert all("kernel_env_variables" not in v for k, v in pools.items() if k != "analyzer.ipynb")
        plain = voila_argv(8866, public, "127.0.0.1", tmp_path)
        assert CLASS_ENV not in " ".join(plain)


def test_on_a_busy_machine_a_click_builds_the_rest_at_once(fake_kernel, monkeypatch, tmp_path):
    kernel, seen = fake_kernel
    app = _shown_page(fake_kernel, monkeypatch, tmp_path, "95.00")
    kernel.probe = lambda: app.complete

    async def scenario():
        app.shown_marker.set_state({"_view_count": 1})
        await asyncio.sleep(0.1)
        assert not app.complete
        kernel.shell_handlers["comm_msg"](None, [], {"content": {}})  # the student clicks
        assert seen == [True] and not _kernel.pending()

    run_loop(scenario())


def test_a_busy_machine_delays_the_rest_no_longer_than_the_limit(fake_kernel, monkeypatch, tmp_path):
    import widgets.app as app_module

    monkeypatch.setattr(app_module, "REST_MAX_WAIT_S", 0.2)
    app = _shown_page(fake_kernel, monkeypatch, tmp_path, "95.00")

    async def scenario():
        app.shown_marker.set_state({"_view_count": 1})
        for _ in range(100):
            if app.complete:
                break
            await asyncio.sleep(0.02)
        assert app.complete and not _kernel.pending()

    run_loop(scenario())


def test_outside_a_kernel_every_view_is_updated_at_once():
    from widgets.app import AnalyzerApp

    app = AnalyzerApp(lang="en")
    app.change("platform_knowledge", "knew")
    assert app.trace.analysis == app.analysis == app.parts["pivotal"].analysis
    assert not _kernel.pending()


def test_chapter_04_shows_the_four_readings_first_and_its_table_and_chart_soon_after(fake_kernel, monkeypatch):
    from widgets.lessons.readings_compare import ReadingsCompare

    kernel, seen = fake_kernel
    w = ReadingsCompare(lang="en")
    table, chart, cols = part(w, "ll-readings-table").value, part(w, "ll-readings-chart").value, part(w, "ll-readings-cols").value

    async def scenario():
        w.facts.control("seller_can_pay").value = 0.3
        assert part(w, "ll-readings-cols").value != cols  # the readings' results at once
        assert (part(w, "ll-readings-table").value, part(w, "ll-readings-chart").value) == (table, chart)  # pending
        kernel.shell_handlers["comm_msg"](None, [], {"content": {}})  # the next browser message completes it
        assert part(w, "ll-readings-table").value != table and part(w, "ll-readings-chart").value != chart
        assert not _kernel.pending()

    run_loop(scenario())
    monkeypatch.setattr(_kernel, "in_kernel", lambda: False)
    fresh = ReadingsCompare(lang="en")  # outside a kernel: everything at once, and the same result
    fresh.facts.control("seller_can_pay").value = 0.3
    assert (part(fresh, "ll-readings-cols").value, part(fresh, "ll-readings-table").value, part(fresh, "ll-readings-chart").value) == (part(w, "ll-readings-cols").value, part(w, "ll-readings-table").value, part(w, "ll-readings-chart").value)


def test_chapter_06_shows_the_case_card_first_and_its_what_if_section_soon_after(fake_kernel, monkeypatch):
    from casebook import replay
    from casebook.cases import decision
    from widgets.lessons.case_replay import CaseReplay

    kernel, seen = fake_kernel
    w = CaseReplay(lang="en")
    ids = [value for _label, value in part(w, "ll-replay-select").options]
    # A decision whose court held another regime than the first one's: its what-if regimes differ.
    other = next(i for i in ids[1:] if replay.holding_regime(decision(i)) != replay.holding_regime(decision(ids[0])))
    card, regimes = part(w, "ll-replay-card").value, list(part(w, "ll-whatif-regime").options)

    async def scenario():
        part(w, "ll-replay-select").value = other  # as the browser's change of the select does
        assert part(w, "ll-replay-card").value != card and f"data-decision='{other}'" in part(w, "ll-replay-card").value  # the card at once
        assert list(part(w, "ll-whatif-regime").options) == regimes  # the what-if section: pending
        kernel.shell_handlers["comm_msg"](None, [], {"content": {}})  # the next browser message completes it
        assert list(part(w, "ll-whatif-regime").options) != regimes
        assert not _kernel.pending()

    run_loop(scenario())
    monkeypatch.setattr(_kernel, "in_kernel", lambda: False)
    fresh = CaseReplay(decision=other, lang="en")  # outside a kernel: everything at once, and the same page
    assert (part(fresh, "ll-replay-card").value, list(part(fresh, "ll-whatif-regime").options), part(fresh, "ll-whatif-regime").value, part(fresh, "ll-whatif-result").value) == \
        (part(w, "ll-replay-card").value, list(part(w, "ll-whatif-regime").options), part(w, "ll-whatif-regime").value, part(w, "ll-whatif-result").value)


# --- in a real page -----------------------------------------------------------------------------------------------

ORDER_JS = r"""
async () => {
  const sel = document.querySelector('.ll-fact-platform_knowledge select');
  const first = {};
  const watch = {outcome: '.ll-col-results .ll-outcome-card', trace: '.ll-card-trace'};
  const mo = new MutationObserver((records) => {
    const now = performance.now();
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      for (const [k, css] of Object.entries(watch)) {
        if (first[k] === undefined && el && el.closest(css)) first[k] = now;
      }
    }
  });
  mo.observe(document.getElementById('rendered_cells') || document.body,
             {subtree: true, childList: true, attributes: true, characterData: true});
  const t0 = performance.now();
  sel.selectedIndex = [...sel.options].findIndex((o) => o.selected) === 2 ? 0 : 2;
  sel.dispatchEvent(new Event('change', {bubbles: true}));
  for (let i = 0; i < 200 && (first.outcome === undefined || first.trace === undefined); i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  mo.disconnect();
  return {outcome: first.outcome - t0, trace: first.trace - t0};
}
"""


@pytest.mark.browser
@pytest.mark.timeout(300)
def test_in_the_analyzer_page_the_outcome_comes_first_and_the_other_views_follow(voila_server, page):
    url = voila_server("notebooks")
    page.goto(f"{url}voila/render/analyzer.ipynb?lang=en")
    page.locator(".ll-outcome[data-liability-form]").wait_for(state="visible", timeout=60_000)
    page.wait_for_timeout(1000)
    gaps = []
    for _ in range(3):
        r = page.evaluate(ORDER_JS)
        assert r["outcome"] == r["outcome"] and r["trace"] == r["trace"], r  # both changed (not NaN)
        gaps.append(r["trace"] - r["outcome"])
        page.wait_for_timeout(300)
    print("outcome -> trace (ms):", gaps)
    # The other views are sent DEFER_S (30 ms) after the outcome: never sooner, whatever the machine's load.
    assert min(gaps) >= 1000 * _kernel.DEFER_S * 0.6, gaps
