"""The static edition (``make static``: build/static) in headless Chromium, with no server-side Python.

The folder is served by a plain static file server on 127.0.0.1 (benchmarks/static_edition.py); every request to
any other address is blocked, and counted. One browser profile visits, in order: the analyzer in English (a fact
changes the outcome, the share link points at the static page), the share link itself (the same facts and outcome
on a fresh page), a memo and a scenario file downloaded and the scenario uploaded again, two chapters in both
languages (navigation to the static pages), and the analyzer in Chinese. At the end: no request left 127.0.0.1 and
none failed. ``make test`` builds the folder first (once: it is rebuilt only when a source changes).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from casebook import share
from casebook.engine import analyze
from casebook.scenario import FIELD_BY_NAME, validate
from e2e_helpers import set_fact, skip_or_fail
from widgets.nav import title

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import static_edition  # noqa: E402  (benchmarks/static_edition.py: the server and the request accounting)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SITE = ROOT / "build" / "static"
LOAD_S = 120.0  # a cold page on a loaded 2-core machine takes 6-12 s; CI shares the cores with nothing else


@pytest.fixture(scope="module")
def site():
    if not (SITE / static_edition.page_path("analyzer")).is_file():
        skip_or_fail(f"{SITE} has no analyzer page: run `make static` (make test does)")
    with static_edition.StaticServer(SITE) as server:
        yield server.url


@pytest.fixture(scope="module")
def pw(browser):
    """The session's Playwright (conftest's ``browser``): one process may run only one sync Playwright."""
    return browser.browser_type


@pytest.fixture(scope="module")
def visit(site, pw, chromium_path, tmp_path_factory):
    """One browser profile for the module's pages. The site's service worker is blocked here: Playwright's routes do
    not see what a service worker answers, and every request must be seen (the worker has a test of its own)."""
    profile = tmp_path_factory.mktemp("static-profile")
    context = static_edition.launch(pw, chromium=chromium_path, profile=str(profile), service_workers="block")
    traffic = static_edition.Traffic(context, site)
    errors: list[str] = []

    def open_page(page_id: str, query: str = ""):
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{page_id}: {exc}"))
        url = site + static_edition.page_path(page_id) + (f"?{query}" if query else "")
        started = time.monotonic()
        page.goto(url, wait_until="commit")  # the load event may take long on a busy machine: LOAD_S counts
        static_edition.wait_interactive(page, page_id, LOAD_S)
        page.load_seconds = time.monotonic() - started
        return page

    open_page.traffic = traffic
    open_page.errors = errors
    open_page.base = site
    try:
        yield open_page
    finally:
        context.close()


def text(page, selector: str) -> str:
    return page.locator(selector).first.inner_text().replace("\xa0", " ")


def wait_outcome(page, facts: dict, lang: str, regime: str = "statute") -> dict:
    expected = analyze(facts, regime, lang)
    page.locator(f'.ll-outcome[data-liability-form="{expected["liability_form"]}"][data-regime="{regime}"]').wait_for(
        timeout=20_000)
    page.wait_for_function("(token) => (document.querySelector('.ll-share-link input') || {value: ''})"
                           ".value.includes('scenario=' + token)", arg=share.encode(facts), timeout=20_000)
    return expected


def test_the_analyzer_runs_in_the_browser_and_a_fact_changes_the_outcome(visit, tmp_path):
    page = visit("analyzer", "lang=en")
    page.wait_for_function("() => document.documentElement.lang === 'en'", timeout=5_000)
    assert text(page, ".ll-outcome .ll-form-name") == analyze({}, "statute", "en")["form_name"]
    assert "Case analyzer" in page.inner_text("body")

    facts = {"platform_knowledge": "knew"}
    set_fact(page, "platform_knowledge", "knew", "en")
    expected = wait_outcome(page, facts, "en")
    assert expected["liability_form"] != analyze({}, "statute", "en")["liability_form"]
    assert text(page, ".ll-outcome .ll-form-name") == expected["form_name"]

    # The share link is the static page's own address, with the facts in it.
    link = page.locator(".ll-share-link input").input_value()
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}/" == visit.base
    assert parts.path == "/" + static_edition.page_path("analyzer")
    query = parse_qs(parts.query)
    assert share.decode(query["scenario"][0]).to_dict() == validate(facts).to_dict()

    # Following it opens a fresh page with the same facts and the same outcome.
    shared = visit("analyzer", parts.query)
    wait_outcome(shared, facts, query.get("lang", ["zh"])[0])
    assert shared.locator(".ll-outcome").get_attribute("data-liability-form") == expected["liability_form"]
    assert shared.locator(".ll-fact-platform_knowledge select").input_value() == \
        FIELD_BY_NAME["platform_knowledge"].label_of("knew", query.get("lang", ["zh"])[0])

    # The memo downloads through the browser (no server to send it).
    page.locator(".ll-memo-prepare").click()
    page.locator("a.ll-memo-md").wait_for(timeout=30_000)
    with page.expect_download(timeout=15_000) as info:
        page.locator("a.ll-memo-md").click()
    memo = tmp_path / "memo.md"
    info.value.save_as(memo)
    assert info.value.suggested_filename == "liability-memo.md"
    assert memo.read_text(encoding="utf-8").startswith("# Platform liability memo")
    assert expected["form_name"] in memo.read_text(encoding="utf-8")

    # A scenario file downloads, and a fresh page takes it back through the upload button.
    with page.expect_download(timeout=15_000) as info:
        page.locator("a.ll-download-yaml").click()
    scenario = tmp_path / "scenario.yaml"
    info.value.save_as(scenario)
    assert validate(yaml.safe_load(scenario.read_text(encoding="utf-8"))).to_dict() == validate(facts).to_dict()
    fresh = visit("analyzer", "lang=en")
    with fresh.expect_file_chooser() as chooser:
        fresh.locator(".ll-upload").click()
    chooser.value.set_files(scenario)
    wait_outcome(fresh, facts, "en")
    assert "scenario.yaml" in text(fresh, ".ll-upload-ok")


@pytest.mark.parametrize("page_id", ["03_legal_bases", "06_four_cases"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chapters_run_in_both_languages_and_link_to_the_static_pages(visit, page_id, lang):
    page = visit(page_id, f"lang={lang}")
    page.get_by_role("heading", name=title(page_id, lang)).first.wait_for(timeout=20_000)
    links = page.locator(".ll-shell-nav a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs and all(h.split("?")[0].endswith(".html") and h.endswith(f"?lang={lang}") for h in hrefs), hrefs
    assert f"analyzer.html?lang={lang}" in hrefs
    # The narrative shows the chosen language only.
    other = "en" if lang == "zh" else "zh"
    shown = page.evaluate("(cls) => [...document.querySelectorAll('.' + cls)].some(e => e.offsetParent !== null)",
                          f"ll-{other}")
    assert shown is False


def test_the_analyzer_in_chinese_and_the_language_switch(visit):
    page = visit("analyzer")
    zh = analyze({}, "statute", "zh")
    assert text(page, ".ll-outcome .ll-form-name") == zh["form_name"]
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.locator(".ll-lang-switch button").filter(has_text="English").first.click()
    page.wait_for_function("(form) => document.querySelector('.ll-outcome .ll-form-name').textContent === form",
                           arg=analyze({}, "statute", "en")["form_name"], timeout=20_000)
    page.wait_for_function("() => document.documentElement.lang === 'en'", timeout=5_000)


def test_a_case_link_loads_the_decision(visit):
    page = visit("analyzer", "lang=en&case=zhang-v-jd")
    page.locator('.ll-outcome[data-liability-form="joint"]').wait_for(timeout=20_000)
    assert "Loaded the decision" in text(page, ".ll-status .ll-info")


def test_a_bad_link_gets_clear_messages_not_a_traceback(visit):
    page = visit("analyzer", "lang=en&scenario=zzz!!&regime=bogus")
    page.locator("[role=alert]").nth(1).wait_for(timeout=20_000)
    alerts = " ".join(a.inner_text() for a in page.locator("[role=alert]").all())
    assert "scenario" in alerts and "base64url" in alerts
    assert "bogus" in alerts and "proposal_ladder" in alerts
    assert "Traceback" not in page.inner_text("body")
    assert page.locator(".ll-outcome").get_attribute("data-liability-form") == "none"


def test_a_set_link_works_and_a_class_link_says_it_needs_the_server(visit):
    from casebook.scenario_sets import example_set_path, load_set_file
    from classroom.links import encode_set

    basics = load_set_file(example_set_path("classroom-basics"))
    page = visit("09_exercises", f"lang=en&set={encode_set(basics)}&class=ABCD-EFGH-JKMN")
    page.locator(f".ll-exercise-question [data-item='{basics['scenarios'][0]['id']}']").wait_for(timeout=20_000)
    assert "needs the tutorial's server" in text(page, ".ll-class-status")
    assert "the live tally needs the tutorial's server" in text(page, ".ll-static-note")
    assert page.locator("button.ll-class-start").is_hidden()


def test_the_kernel_starts_from_its_snapshot_without_fetching_a_wheel(visit):
    # Every page above started its kernel from the build's memory snapshot and unpacked site-packages
    # (deploy/static/snapshot_loader.js); a kernel that fell back to starting Python fetches the wheels of the lock.
    paths = [urlsplit(url).path for url in visit.traffic.requests]
    assert "/static/pyodide/kernel-snapshot.bin" in paths
    assert "/static/pyodide/site-packages.bin" in paths
    assert [p for p in paths if p.endswith(".whl")] == []


def test_no_request_left_the_site_and_none_failed(visit):
    # Runs last in this module: everything the pages above asked for.
    assert visit.traffic.requests, "no request was recorded"
    assert visit.traffic.outside == []
    assert visit.traffic.failed == []
    assert visit.errors == []


def test_a_second_visit_is_served_by_the_service_worker(pw, chromium_path, tmp_path):
    """The first visit registers ll-service-worker.js, which fetches every file into the cache; on the second visit only
    the page itself (fetched from the network first, so a new build shows at once) reaches the server."""
    if not (SITE / static_edition.page_path("analyzer")).is_file():
        skip_or_fail(f"{SITE} has no analyzer page: run `make static` (make test does)")
    with static_edition.StaticServer(SITE) as server:
        context = static_edition.launch(pw, chromium=chromium_path, profile=str(tmp_path / "profile"))
        try:
            page = context.new_page()
            page.goto(server.url + static_edition.page_path("analyzer") + "?lang=en", wait_until="commit")
            static_edition.wait_interactive(page, "analyzer", LOAD_S)
            assert static_edition.wait_service_worker(page), "the site's service worker was not activated"
            assert [w.url for w in context.service_workers] == [server.url + "ll-service-worker.js"]
            page.close()

            before = len(server.requested)
            again = context.new_page()
            again.goto(server.url + static_edition.page_path("analyzer") + "?lang=en", wait_until="commit")
            static_edition.wait_interactive(again, "analyzer", LOAD_S)
            reached = [p for p in server.requested[before:] if not p.startswith("/ll-service-worker.js")]
            assert [p.split("?")[0] for p in reached] == ["/" + static_edition.page_path("analyzer")], reached
            assert text(again, ".ll-outcome .ll-form-name") == analyze({}, "statute", "en")["form_name"]
        finally:
            context.close()


def test_the_site_holds_every_wheel_its_lock_lists_and_refers_to_no_cdn():
    if not (SITE / "static" / "pyodide" / "pyodide-lock.json").is_file():
        skip_or_fail(f"{SITE} is not built: run `make static`")
    lock = json.loads((SITE / "static" / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    served = {p.name for p in (SITE / "static" / "pyodide").glob("*.whl")}
    assert {p["file_name"] for p in lock["packages"].values()} == served
    assert "widgets" in lock["packages"]["platform-liability-lab"]["imports"]
    assert not {"pandas", "numpy"} & set(lock["packages"])
    for page in (SITE / "voici").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for host in ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "unpkg.com", "pypi.org"):
            assert host not in html, f"{page} refers to {host}"
