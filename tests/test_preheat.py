"""Preheated kernels read the URL only after their request has arrived.

With ``--preheat_kernel`` Voila starts a page's kernel, and runs the notebook, before anyone asks for the page; the
kernel then waits for the request (``voila.utils.get_query_string``). ``widgets.query`` must (a) wait once and keep
the answer (a second wait would never end: chapter 06 reads the URL in two cells), and (b) build the page's own URL
for share links from the request that arrived, not from an earlier visitor's.

The browser test serves the pages with the project's public settings plus a small preheated pool and checks that
``?lang=en`` / ``?lang=zh`` reach each visitor's pooled kernel.
"""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUTCOME = '.ll-outcome[data-liability-form]:not([data-liability-form=""])'


@pytest.fixture
def query(monkeypatch):
    import widgets.query as q

    q = importlib.reload(q)
    for key in ("VOILA_PREHEAT", "QUERY_STRING", "VOILA_REQUEST_URL", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME",
                "VOILA_APP_IP", "VOILA_APP_PORT", "VOILA_SERVER_URL", "VOILA_WS_BASE_URL", "VOILA_KERNEL_ID"):
        monkeypatch.delenv(key, raising=False)
    yield q
    importlib.reload(q)


def test_plain_kernel_reads_the_environment(query, monkeypatch):
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    monkeypatch.setenv("VOILA_REQUEST_URL", "http://example.org:8866/voila/render/analyzer.ipynb?lang=en")
    assert query.query_string() == "lang=en"
    assert query.request_url() == "http://example.org:8866/voila/render/analyzer.ipynb"


def test_preheated_kernel_waits_once_and_uses_its_own_request(query, monkeypatch):
    calls = []

    def fake_wait():
        # What Voila's request-info websocket delivers: the request's info, put into the environment, once.
        if calls:
            raise AssertionError("waited for the request twice: a real kernel would hang here")
        calls.append(1)
        os.environ.update(QUERY_STRING="lang=en&case=x", SERVER_NAME="lab.example.org", SERVER_PORT="443",
                          SCRIPT_NAME="/voila/render/06_four_cases.ipynb")

    monkeypatch.setattr(query, "_wait_for_request", fake_wait)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    # The URL Voila gave this pooled kernel is an earlier visitor's request to another page.
    monkeypatch.setenv("VOILA_REQUEST_URL", "https://lab.example.org:443/voila/render/analyzer.ipynb?scenario=secret")
    assert query.query_string() == "lang=en&case=x"
    assert query.query_string() == "lang=en&case=x"
    assert query.request_url() == "https://lab.example.org:443/voila/render/06_four_cases.ipynb"
    assert len(calls) == 1


def test_request_url_waits_for_the_request_first(query, monkeypatch):
    def fake_wait():
        os.environ.update(SERVER_NAME="::1", SERVER_PORT="8866", SCRIPT_NAME="/voila/render/analyzer.ipynb")

    monkeypatch.setattr(query, "_wait_for_request", fake_wait)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    assert query.request_url() == "http://[::1]:8866/voila/render/analyzer.ipynb"


def test_wait_for_request_speaks_voilas_protocol(query, monkeypatch):
    """Against a websocket server that does what Voila's RequestInfoSocketHandler does: at
    /voila/query/<kernel id>, send the request's info as one JSON message."""
    import json
    import threading

    from websockets.sync.server import serve

    seen = []

    def handler(ws):
        seen.append(ws.request.path)
        ws.send(json.dumps({"QUERY_STRING": "lang=en", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8866",
                            "SCRIPT_NAME": "/base/voila/render/analyzer.ipynb"}))

    with serve(handler, "127.0.0.1", 0) as server:
        port = server.socket.getsockname()[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        monkeypatch.setenv("VOILA_PREHEAT", "True")
        monkeypatch.setenv("VOILA_APP_PORT", str(port))
        monkeypatch.setenv("VOILA_SERVER_URL", "/base/")
        monkeypatch.setenv("VOILA_KERNEL_ID", "0f531350-7315-4388-9c8b-6b8616e2f538")
        assert query.query_string() == "lang=en"
        server.shutdown()
    assert seen == ["/base/voila/query/0f531350-7315-4388-9c8b-6b8616e2f538"]
    assert query.request_url() == "http://127.0.0.1:8866/base/voila/render/analyzer.ipynb"


def test_wait_for_request_without_a_server_leaves_the_page_usable(query, monkeypatch):
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", str(_free_port()))  # nothing listens there
    monkeypatch.setenv("VOILA_KERNEL_ID", "k")
    assert query.query_string() == ""


def test_the_kernel_does_not_import_voilas_server():
    """A preheated kernel reads its URL without importing voila.utils (and with it jupyter_server)."""
    code = ("import sys, widgets.query as q; q._wait_for_request.__code__; "
            "print('voila.utils' in sys.modules, 'jupyter_server' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.stdout.split() == ["False", "False"], out.stderr


from server.processes import free_port as _free_port  # noqa: E402


PREHEAT = ("--VoilaConfiguration.preheat_kernel=True",
           '--VoilaKernelManager.kernel_pools_config={"default": {"pool_size": 0}, "analyzer.ipynb": {"pool_size": 2},'
           ' "06_four_cases.ipynb": {"pool_size": 1}}')


@pytest.fixture(scope="module")
def preheated_server(tmp_path_factory):
    if not (ROOT / "notebooks" / "analyzer.ipynb").is_file():
        pytest.skip("notebooks/analyzer.ipynb does not exist yet")
    from server import template as voila_template
    from server.cli import voila_argv

    port = _free_port()
    argv = voila_argv(port, True, "127.0.0.1", ROOT / "notebooks")
    # The public settings may already preheat; the flags here then replace theirs (traitlets refuses duplicates).
    names = {flag.split("=", 1)[0] for flag in PREHEAT}
    argv = [a for a in argv if a.split("=", 1)[0] not in names] + list(PREHEAT)
    log = tmp_path_factory.mktemp("preheat") / "voila.log"
    fh = open(log, "wb")
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=voila_template.environ(dict(os.environ, JUPYTER_PLATFORM_DIRS="1")),
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while True:
        assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except urllib.error.HTTPError:
            break
        except (urllib.error.URLError, OSError):
            assert time.monotonic() < deadline, "voila did not answer"
            time.sleep(0.3)
    # Wait until the pools are filled, so the visits below really take preheated kernels.
    while "Kernel pool of analyzer.ipynb is filled" not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline + 60, log.read_text(errors="replace")[-3000:]
        time.sleep(0.3)
    yield url, log
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    fh.close()


@pytest.mark.browser
@pytest.mark.timeout(420)
def test_preheated_pages_follow_their_own_url(preheated_server, page):
    url, log = preheated_server
    page.goto(url + "voila/render/analyzer.ipynb?lang=en", wait_until="commit", timeout=120_000)
    page.locator(OUTCOME).first.wait_for(timeout=120_000)
    assert "Case analyzer" in page.locator(".ll-h1").inner_text()
    link = page.locator(".ll-share-link input").first
    if link.count():  # the analyzer's share panel: the link starts with this page's own URL
        assert link.input_value().startswith(url + "voila/render/analyzer.ipynb?"), link.input_value()[:300]
    assert "Using pre-heated kernel" in log.read_text(errors="replace")

    # The next visitor takes the other pooled kernel (started before either request) and asks for Chinese.
    page.goto(url + "voila/render/analyzer.ipynb?lang=zh", wait_until="commit", timeout=120_000)
    page.locator(OUTCOME).first.wait_for(timeout=120_000)
    assert "案例分析器" in page.locator(".ll-h1").inner_text()
    assert log.read_text(errors="replace").count("Using pre-heated kernel") >= 2

    # Chapter 06 reads the URL in two cells: a preheated kernel must not wait twice.
    page.goto(url + "voila/render/06_four_cases.ipynb?lang=en", wait_until="commit", timeout=120_000)
    page.locator(".ll-shell-nav").first.wait_for(timeout=120_000)
    assert "Previous" in page.locator(".ll-shell-nav").first.inner_text()
    assert "four cases" in page.locator(".ll-shell h1").first.inner_text().lower()
    page.locator(".ll-case-replay").first.wait_for(timeout=60_000)  # the second cell that reads the URL ran


def _tree_state(widget) -> list:
    """Every widget under ``widget``, in tree order: its class and its state, without model ids (references to
    other widgets are replaced by the referenced widget's class)."""
    import ipywidgets as W

    out, todo, seen = [], [widget], set()
    while todo:
        w = todo.pop(0)
        if id(w) in seen:
            continue
        seen.add(id(w))
        state = {}
        for key, value in w.get_state().items():
            if key in ("layout", "style", "_view_count"):
                continue
            state[key] = _deref(value)
        out.append((type(w).__name__, state))
        for key in w.keys:
            value = getattr(w, key, None)
            items = value if isinstance(value, (list, tuple)) else [value]
            todo.extend(v for v in items if isinstance(v, W.Widget) and not isinstance(v, (W.Layout,)) and
                        "Style" not in type(v).__name__)
    return out


def _deref(value):
    if isinstance(value, str) and value.startswith("IPY_MODEL_"):
        return "ref"
    if isinstance(value, (list, tuple)):
        return [_deref(v) for v in value]
    if isinstance(value, dict):
        return {k: _deref(v) for k, v in value.items()}
    return value


APPLIED_QUERIES = (
    "",
    "lang=en",
    "lang=zh&regime=proposal",
    "regime=joint&lang=en",
    "case=cong-v-taobao",
    "lang=en&case=zhang-v-jd&regime=supplementary",
    "case=sankuai-second-instance&lang=en",
    "lang=xx&regime=nope&case=nope",
    "scenario=%7Bbroken",
    "lang=en&scenario=" + "A" * 5000,
)


@pytest.mark.parametrize("qs", APPLIED_QUERIES)
def test_a_preheated_page_built_before_its_request_equals_one_built_from_it(qs, monkeypatch):
    """The preheated analyzer builds its widgets with the defaults, then applies the URL once it arrives: the
    page must be the very page ``from_query`` builds (facts, regime, language, messages and every widget)."""
    from casebook import share
    from widgets.app import AnalyzerApp

    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    base = "http://lab.example.org/voila/render/analyzer.ipynb"
    direct = AnalyzerApp.from_query(qs, base_url=base)
    applied = AnalyzerApp()
    applied.apply_query(qs, base_url=base)
    assert applied.facts == direct.facts and applied.regime == direct.regime and applied.lang == direct.lang
    assert applied.messages == direct.messages and applied.status_html == direct.status_html
    assert applied.analysis == direct.analysis
    assert _tree_state(applied) == _tree_state(direct)


def test_a_shared_scenario_link_applies_to_a_preheated_page(monkeypatch):
    from casebook import share
    from casebook.cases import decision
    from widgets.app import AnalyzerApp

    facts = dict(decision("cong-v-taobao")["scenario"])
    facts = {k: v for k, v in facts.items() if k != "assumptions"}
    facts["harm"] = "property"
    link = share.share_url("http://x/voila/render/analyzer.ipynb", facts, "en", "proposal")
    qs = link.split("?", 1)[1]
    applied = AnalyzerApp()
    applied.apply_query(qs, base_url="http://x/voila/render/analyzer.ipynb")
    direct = AnalyzerApp.from_query(qs, base_url="http://x/voila/render/analyzer.ipynb")
    assert applied.facts["harm"] == "property" and applied.regime == "proposal" and applied.lang == "en"
    assert _tree_state(applied) == _tree_state(direct)


def test_from_environment_builds_first_and_waits_for_the_request_in_a_preheated_kernel(monkeypatch):
    """Order of work in a pooled kernel: the widgets exist before the wait for the request begins."""
    import widgets.app as app_module
    import widgets.query as q

    events = []
    real_init = app_module.AnalyzerApp.__init__

    def init(self, *a, **k):
        real_init(self, *a, **k)
        events.append("built")

    def wait():
        events.append("request")
        return "lang=en&regime=joint"

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setattr(app_module.AnalyzerApp, "__init__", init)
    monkeypatch.setattr(q, "query_string", wait)
    monkeypatch.setattr(q, "request_url", lambda: "http://h/voila/render/analyzer.ipynb")
    app = app_module.AnalyzerApp.from_environment()
    assert events == ["built", "request"]
    assert app.lang == "en" and app.regime == "joint"
    assert app.parts["share"].base_url == "http://h/voila/render/analyzer.ipynb"
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    events.clear()
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    monkeypatch.setattr(q, "query_string", lambda: (events.append("request"), "lang=en")[1])
    app = app_module.AnalyzerApp.from_environment()
    assert events == ["request", "built"] and app.lang == "en"
