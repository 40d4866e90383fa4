"""Every chapter end to end: Voila -> kernel -> widgets -> headless Chromium, in both languages.

For each chapter id in :data:`widgets.nav.CHAPTERS` and each language, ``voila/render/<id>.ipynb?lang=<lang>`` is
opened in a 1280x720 window (a projector, scrollbars shown) and checked:

- it loads: the page shell and every widget output render, with no traceback or error output, no JavaScript error
  and no console error of note (a failed download from a CDN the classroom cannot reach is not one of ours);
- it speaks the chosen language: the title is the chapter's title in that language, every narrative block of the
  other language is hidden (computed visibility) and those of the chosen one are shown;
- its navigation links resolve: each ``a[href]`` in the shell's nav is the expected neighbour (previous, contents,
  next, analyzer) in the same language, names an existing notebook and answers HTTP 200; any other visible link
  to a notebook on the page names an existing one and keeps the language;
- nothing scrolls sideways, no box has a scrollbar of its own, and axe-core finds no serious or critical violation
  once the widgets have rendered (and again after the controls were changed and the language switched);
- a control changes what the chapter shows (the table :data:`INTERACTIONS`), and the language switch changes the
  title and the narrative at once.

A full-length screenshot goes to ``artifacts/screenshots/chapter-<id>-<lang>.png``, timings to
``artifacts/chapter-e2e-timings.json``. A last test checks the tree of notebooks at ``/`` served with the project's
Voila template (:mod:`server.template`).

Speed: one Voila server for the notebooks folder (shared with the analyzer's tests), and while one chapter is being
checked the next ones are already loading in their own tabs (``LOOKAHEAD``). Each page's kernel is shut down when
its test ends, as the page's own unload beacon would.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import nbformat
import pytest

from server import template as voila_template
from casebook.scenario import FIELD_BY_NAME
from e2e_helpers import projector_browser  # noqa: F401 (a fixture this module uses)
from e2e_helpers import axe_check, format_violations
from widgets.nav import ANALYZER, CHAPTERS, neighbours, title

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PROJECTOR = {"width": 1280, "height": 720}
LANGS = ("zh", "en")
OTHER = {"zh": "en", "en": "zh"}
SWITCH_LABEL = {"zh": "中文", "en": "English"}
CHAPTER_IDS = [c[0] for c in CHAPTERS]
# Pages loading ahead of the one under test. Each is a tab and a kernel (~100 MB); two keep both cores busy.
LOOKAHEAD = 2
# The XSRF check of the kernels API is a double-submit cookie: any token works when cookie and header agree.
XSRF = {"Cookie": "_xsrf=e2e", "X-XSRFToken": "e2e"}


# --- what each chapter lets the reader change ---------------------------------------------------------------


@dataclass(frozen=True)
class Interaction:
    """Change ``control`` (``how``) and the text of ``output`` (or its ``attribute``) must change.

    ``how``: ``select=<field>:<value>`` picks the option a scenario field's value has in the page's language;
    ``select#<n>`` picks the n-th option; ``check`` / ``uncheck`` sets a checkbox; ``click#<n>`` clicks the n-th button.
    ``fill=<text>`` types into a field and presses Enter.
    """

    control: str
    how: str
    output: str
    attribute: str | None = None


I = Interaction
INTERACTIONS: dict[str, list[Interaction]] = {
    # ControlsTour: what the platform knew -> ECL 38(1) answers (none -> joint).
    "00_start_here": [
        I(".ll-controls-tour .ll-fact-platform_knowledge select", "select=platform_knowledge:knew",
          ".ll-controls-tour .ll-outcome", "data-liability-form")],
    # StatusTheories: pick the second theory -> its card; InstrumentsTable: hide the paper's words -> the table.
    "01_platform_status": [
        I(".ll-theory-pick button", "click#1", ".ll-theory-card [data-theory]", "data-theory"),
        I(".ll-show-words input[type=checkbox]", "uncheck", ".ll-instruments table.ll-tbl")],
    # DutyTheories: causation only raises the risk -> the paper's proposal gives another form.
    "02_rights_and_duties": [
        I(".ll-duty-theories .ll-fact-causation select", "select=causation:risk_increasing",
          ".ll-duty-theories .ll-outcome", "data-liability-form")],
    # DecisionPath: a self-operated platform -> another path through the rules.
    "03_legal_bases": [
        I(".ll-decision-path .ll-fact-platform_mode select", "select=platform_mode:self_operated",
          ".ll-decision-path .ll-path-columns table.ll-tbl")],
    # ReadingsCompare: the consumer's own fault, typed in percent -> the payments under the four readings (the
    # platform's share, typed in percent too, has its own test at phone width: test_chapters_phone_e2e.py).
    "04_corresponding_liability": [
        I(".ll-readings-compare .ll-fact-consumer_fault input", "fill=20", ".ll-readings-compare .ll-payments-table")],
    # SafetyDutyChecklist: tick a measure -> the count; TierLadder: a small platform -> the grid.
    "05_safety_duty": [
        I(".ll-measure-pre_entry_review input[type=checkbox]", "check", ".ll-measure-count"),
        I(".ll-ladder-tier select", "select=platform_tier:small", ".ll-ladder-grid")],
    # CaseReplay: another decision -> its card; replay it -> the engine's answer.
    "06_four_cases": [
        I(".ll-replay-select select", "select#1", ".ll-replay-card [data-decision]", "data-decision"),
        I("button.ll-replay-button", "click#0", ".ll-replay-result")],
    # EvidenceChecker: the consumer can prove the transaction -> the verdict under both rules.
    "07_burden_of_proof": [
        I(".ll-evidence-transaction input[type=checkbox]", "check", ".ll-evidence-result")],
    # UnificationTable: assume another strength of causation for every case -> the table.
    "08_reforms": [
        I(".ll-unify-causation select", "select#1", ".ll-unify-table")],
    # ExerciseDeck: the next question -> another item.
    "09_exercises": [
        I("button.ll-exercise-next", "click#0", ".ll-exercise-question [data-item]", "data-item")],
}
del I


# --- JavaScript run in the page -----------------------------------------------------------------------------

# Every widget output of the notebook is rendered: as many outputs as code cells, each with its widget view.
WIDGETS_RENDERED_JS = """(n) => {
    const outs = [...document.querySelectorAll('#rendered_cells .jp-OutputArea-output')];
    return outs.length >= n && outs.every(o => o.querySelector('.jupyter-widgets'))
        && !document.querySelector('#loading, .voila-spinner-color1');
}"""

NARRATIVE_JS = """(lang) => {
    const blocks = [...document.querySelectorAll('.jp-RenderedMarkdown .ll-' + lang)];
    return {count: blocks.length,
            visible: blocks.filter(b => b.checkVisibility() && getComputedStyle(b).display !== 'none').length};
}"""

# Sideways scrolling anywhere, and any box in the chapter with a scrollbar of its own (#rendered_cells is the page's
# own scroller: it scrolls down, never sideways).
OVERFLOW_JS = """() => {
    const out = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1)
        out.push(`the page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
    const page = document.querySelector('#rendered_cells');
    for (const e of document.querySelectorAll('#rendered_cells, #rendered_cells *')) {
        const s = getComputedStyle(e);
        const x = ['auto', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1;
        const y = e !== page && ['auto', 'scroll'].includes(s.overflowY) && e.scrollHeight > e.clientHeight + 1
                  && e.clientHeight > 0;
        if ((x || y) && e.checkVisibility())
            out.push(`${x ? 'sideways' : 'vertical'}: ${e.tagName.toLowerCase()}#${e.id}.${e.className.toString()
                      .replace(/lm-\\S+|jupyter-\\S+/g, '').trim().slice(0, 80)} `
                     + `(${e.scrollWidth}x${e.scrollHeight} in ${e.clientWidth}x${e.clientHeight})`);
    }
    return out;
}"""

SIGNATURE_JS = """([selector, attribute]) => {
    const e = document.querySelector(selector);
    if (!e) return null;
    return attribute ? e.getAttribute(attribute) : e.innerText;
}"""

CONTENT_HEIGHT_JS = """() => {
    let h = document.documentElement.scrollHeight;
    for (const e of document.querySelectorAll('body, body *')) {
        const s = getComputedStyle(e);
        if (['auto', 'scroll'].includes(s.overflowY) && e.scrollHeight > e.clientHeight + 1)
            h = Math.max(h, e.scrollHeight + e.getBoundingClientRect().top);
    }
    return Math.ceil(h);
}"""

ERROR_TEXT = re.compile(r"Traceback|There was an error when executing|\b[A-Z]\w*(?:Error|Exception)\b")


# --- pages ---------------------------------------------------------------------------------------------------


def _code_cells(page_id: str) -> int:
    nb = nbformat.read(NOTEBOOKS / f"{page_id}.ipynb", as_version=4)
    return sum(1 for c in nb.cells if c.cell_type == "code")


class ChapterPage:
    """One chapter in its own 1280x720 tab; errors, console messages and HTTP failures collected from the start.

    Creating it starts the navigation (up to the first byte of the answer); :meth:`ready` waits for the widgets.
    """

    def __init__(self, browser, base: str, page_id: str, lang: str):
        self.base, self.page_id, self.lang = base, page_id, lang
        self.url = f"{base}voila/render/{page_id}.ipynb?lang={lang}"
        self.context = browser.new_context(viewport=PROJECTOR)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.console: list[str] = []
        self.http_failures: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", self._on_console)
        self.page.on("requestfailed", self._on_failed)
        self.page.on("response", self._on_response)
        self.kernel_id: str | None = None
        self.closed = False
        self.started = time.monotonic()
        self.load_seconds: float | None = None
        response = self.page.goto(self.url, wait_until="commit", timeout=90_000)
        self.status = response.status if response else None

    # listeners: only what concerns this server counts; the template's CDN stylesheets cannot load offline
    def _local(self, url: str) -> bool:
        return url.startswith(self.base)

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        if msg.text.startswith("Failed to load resource") and not self._local(where):
            return
        self.console.append(f"{msg.text} ({where})")

    def _on_failed(self, request) -> None:
        if self._local(request.url) and request.failure not in ("net::ERR_ABORTED",):
            self.http_failures.append(f"{request.url}: {request.failure}")

    def _on_response(self, response) -> None:
        if self._local(response.url) and response.status >= 400:
            self.http_failures.append(f"{response.url}: HTTP {response.status}")

    def ready(self) -> "ChapterPage":
        if self.load_seconds is None:
            self.page.locator(".ll-shell h1").wait_for(state="visible", timeout=90_000)
            self.page.wait_for_function(WIDGETS_RENDERED_JS, arg=_code_cells(self.page_id), timeout=90_000)
            self.load_seconds = time.monotonic() - self.started
            self.kernel_id = self.page.evaluate(
                "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
        return self

    def text(self, selector: str) -> str:
        return self.page.locator(selector).first.inner_text().replace("\xa0", " ").strip()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        kernel = self.kernel_id
        if kernel is None:
            try:
                kernel = self.page.evaluate(
                    "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
            except Exception:
                kernel = None
        self.context.close()
        if kernel:
            shutdown_kernel(self.base, kernel)


def shutdown_kernel(base: str, kernel_id: str) -> None:
    request = urllib.request.Request(f"{base}api/kernels/{kernel_id}", method="DELETE", headers=XSRF)
    try:
        urllib.request.urlopen(request, timeout=30).close()
    except (urllib.error.URLError, OSError):
        pass  # already gone


def fetch_status(url: str, base: str) -> int:
    """GET ``url`` as a click on the link would, read the whole page, then shut down the kernel it started."""
    try:
        with urllib.request.urlopen(url, timeout=120) as resp:
            status, body = resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code
    m = re.search(r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>', body, re.S)
    if m:
        kernel = json.loads(m.group(1)).get("kernelId")
        if kernel:
            shutdown_kernel(base, kernel)
    return status


class Loader:
    """Opens the chapter pages in the order the tests will ask for them, ``LOOKAHEAD`` pages ahead.

    It also knows the HTTP status of every page it opened, so a navigation link to a page the suite opens anyway is
    not requested twice (each request starts a kernel); other links are fetched once (in a thread) and cached.
    """

    def __init__(self, browser, base: str, order: list[tuple[str, str]]):
        self.browser, self.base, self.order = browser, base, order
        self.pages: dict[tuple[str, str], ChapterPage] = {}
        self.status: dict[str, int | None] = {}
        self._fetches: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def _start(self, key: tuple[str, str]) -> ChapterPage:
        if key not in self.pages:
            p = ChapterPage(self.browser, self.base, *key)
            self.pages[key] = p
            self.status[p.url] = p.status
        return self.pages[key]

    def take(self, page_id: str, lang: str) -> ChapterPage:
        key = (page_id, lang)
        page = self._start(key)
        if key in self.order:
            i = self.order.index(key)
            for ahead in self.order[i + 1:i + 1 + LOOKAHEAD]:
                self._start(ahead)
        return page

    def release(self, page: ChapterPage) -> None:
        page.close()

    def prefetch(self, url: str) -> None:
        """Start fetching ``url`` in the background, unless the loader opens (or opened) that page itself."""
        if url in self.status or url in self._fetches or self._opens(url):
            return

        def run():
            code = fetch_status(url, self.base)
            with self._lock:
                self.status[url] = code

        t = threading.Thread(target=run, daemon=True)
        self._fetches[url] = t
        t.start()

    def status_of(self, url: str) -> int | None:
        key = self._opens(url)
        if key:
            self._start(key)
        self.prefetch(url)
        if url in self._fetches:
            self._fetches[url].join(150)
        with self._lock:
            return self.status.get(url)

    def _opens(self, url: str):
        for key in self.order:
            if f"{self.base}voila/render/{key[0]}.ipynb?lang={key[1]}" == url:
                return key
        return None

    def close(self) -> None:
        for page in self.pages.values():
            try:
                page.close()
            except Exception:
                pass
        for t in self._fetches.values():
            t.join(150)


# --- fixtures ------------------------------------------------------------------------------------------------

CASES = [(pid, lang) for lang in LANGS for pid in CHAPTER_IDS]  # language-major: a page's "next" loads ahead
TIMINGS: dict[str, dict] = {}


@pytest.fixture(scope="module")
def base(voila_server) -> str:
    """The one Voila server for the notebooks folder (the fixture reuses it for identical arguments)."""
    return voila_server("notebooks")


@pytest.fixture(scope="module")
def loader(request, projector_browser, base):
    selected = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if item.module is request.module and callspec and "page_id" in callspec.params:
            selected.append((callspec.params["page_id"], callspec.params["lang"]))
    ld = Loader(projector_browser, base, selected)
    # The analyzer is linked from every chapter and not opened here: fetch it while the first chapters load.
    for lang in {k[1] for k in selected}:
        ld.prefetch(f"{base}voila/render/{ANALYZER[0]}.ipynb?lang={lang}")
    yield ld
    ld.close()
    out = ROOT / "artifacts" / "chapter-e2e-timings.json"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(TIMINGS, indent=1, sort_keys=True))
    except OSError:
        pass


# --- checks --------------------------------------------------------------------------------------------------


def assert_clean(cp: ChapterPage, when: str) -> None:
    page = cp.page
    body = page.locator("body").inner_text()
    bad = ERROR_TEXT.findall(body)
    assert not bad, f"{when}: error text on the page: {bad}"
    outputs = page.locator('[data-mime-type="application/vnd.jupyter.stderr"], '
                           '[data-mime-type="application/vnd.jupyter.error"], .jp-OutputArea-output.jp-mod-error')
    assert outputs.count() == 0, f"{when}: error output: {outputs.first.inner_text()[:500]}"
    assert not cp.errors, f"{when}: JavaScript errors: {cp.errors}"
    assert not cp.console, f"{when}: console errors: {cp.console}"
    assert not cp.http_failures, f"{when}: failed requests to the server: {cp.http_failures}"


def assert_language(cp: ChapterPage, lang: str, when: str) -> None:
    page = cp.page
    assert cp.text(".ll-shell h1") == title(cp.page_id, lang), f"{when}: title"
    assert page.locator(".ll-lang button.mod-active").inner_text() == SWITCH_LABEL[lang], f"{when}: switch"
    shown = page.evaluate(NARRATIVE_JS, lang)
    hidden = page.evaluate(NARRATIVE_JS, OTHER[lang])
    assert shown["count"] > 0 and shown["visible"] == shown["count"], f"{when}: {lang} narrative hidden: {shown}"
    assert hidden["count"] == shown["count"], f"{when}: narrative blocks unpaired: {shown} vs {hidden}"
    assert hidden["visible"] == 0, f"{when}: {OTHER[lang]} narrative visible under {lang}: {hidden}"


def expected_links(page_id: str, lang: str) -> list[str]:
    prev, nxt = neighbours(page_id)
    ids = ([prev[0]] if prev else []) + [CHAPTERS[0][0]] + ([nxt[0]] if nxt else []) + [ANALYZER[0]]
    return [f"{i}.ipynb?lang={lang}" for i in ids]


def check_links(cp: ChapterPage, loader: Loader, lang: str) -> None:
    hrefs = cp.page.locator(".ll-shell nav a[href]").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert hrefs == expected_links(cp.page_id, lang), f"navigation links: {hrefs}"
    targets = [urljoin(cp.url, h) for h in hrefs]
    for url in targets:  # fetch the others at once, in parallel
        loader.prefetch(url)
    for href, url in zip(hrefs, targets):
        parts = urlsplit(url)
        assert url.startswith(cp.base + "voila/render/"), f"{href} leaves the tutorial: {url}"
        name = parts.path.rsplit("/", 1)[-1]
        assert (NOTEBOOKS / name).is_file(), f"{href}: no notebook {name}"
        assert parse_qs(parts.query) == {"lang": [lang]}, f"{href}: the link drops the language"
        status = loader.status_of(url)
        assert status == 200, f"{href} ({url}) answered {status}"


def check_page_links(cp: ChapterPage, lang: str) -> None:
    """Every visible link to a notebook anywhere on the page (the narrative's tables too) names an existing one and
    keeps the reader's language."""
    hrefs = cp.page.evaluate("""() => [...document.querySelectorAll('#rendered_cells a[href]')]
        .filter(a => a.checkVisibility()).map(a => a.getAttribute('href'))""")
    for href in hrefs:
        parts = urlsplit(urljoin(cp.url, href))
        if not parts.path.endswith(".ipynb"):
            continue
        assert parts.netloc == urlsplit(cp.base).netloc, f"{href} leaves the tutorial"
        name = parts.path.rsplit("/", 1)[-1]
        assert (NOTEBOOKS / name).is_file(), f"{href}: no notebook {name}"
        assert parse_qs(parts.query).get("lang") == [lang], f"{href}: the link drops the language"


def check_fits(cp: ChapterPage, when: str) -> None:
    """At 1280x720 nothing scrolls sideways and no box shows a scrollbar of its own (the page scrolls down)."""
    boxes = cp.page.evaluate(OVERFLOW_JS)
    assert not boxes, f"{when}: at 1280x720:\n" + "\n".join(boxes)


def check_accessible(cp: ChapterPage, when: str) -> None:
    violations = axe_check(cp.page)
    assert not violations, f"{when}:\n{format_violations(violations)}"


def screenshot(cp: ChapterPage, path: Path) -> None:
    """The whole chapter: the window made as tall as the content (the width stays the projector's)."""
    page = cp.page
    height = min(page.evaluate(CONTENT_HEIGHT_JS) + 40, 16_000)
    page.set_viewport_size({"width": PROJECTOR["width"], "height": max(height, PROJECTOR["height"])})
    page.wait_for_timeout(150)
    page.screenshot(path=str(path))
    page.set_viewport_size(PROJECTOR)
    assert path.stat().st_size > 20_000, f"{path} looks empty"


def act(cp: ChapterPage, step: Interaction, lang: str) -> None:
    control = cp.page.locator(step.control)
    if step.how.startswith("select="):
        field, value = step.how[len("select="):].split(":", 1)
        spec = FIELD_BY_NAME[field]
        control.first.select_option(value=spec.label_of(value, lang))  # an option's value is its label
    elif step.how.startswith("select#"):
        n = int(step.how[len("select#"):])
        options = control.first.locator("option").evaluate_all("os => os.map(o => o.value)")
        assert len(options) > n, f"{step.control}: only {len(options)} options"
        control.first.select_option(value=options[n])
    elif step.how in ("check", "uncheck"):
        control.first.set_checked(step.how == "check")
    elif step.how.startswith("click#"):
        control.nth(int(step.how[len("click#"):])).click()
    elif step.how.startswith("fill="):
        control.first.fill(step.how[len("fill="):])
        control.first.press("Enter")
    else:  # pragma: no cover - a typo in the table
        raise ValueError(step.how)


def check_interaction(cp: ChapterPage, step: Interaction, lang: str) -> dict:
    page = cp.page
    page.locator(step.control).first.wait_for(state="visible", timeout=10_000)
    before = page.evaluate(SIGNATURE_JS, [step.output, step.attribute])
    assert before is not None, f"{step.output} is not on the page"
    t = time.monotonic()
    act(cp, step, lang)
    try:
        page.wait_for_function(
            "([s, a, before]) => { const e = document.querySelector(s);"
            " if (!e) return false; const now = a ? e.getAttribute(a) : e.innerText;"
            " return now !== null && now !== before; }",
            arg=[step.output, step.attribute, before], timeout=20_000)
    except Exception as exc:
        raise AssertionError(f"changing {step.control} ({step.how}) did not change {step.output}"
                             f"{' [' + step.attribute + ']' if step.attribute else ''}: {before!r}") from exc
    after = page.evaluate(SIGNATURE_JS, [step.output, step.attribute])
    return {"control": step.control, "how": step.how, "output": step.output, "attribute": step.attribute,
            "before": before if step.attribute else before[:80], "after": after if step.attribute else after[:80],
            "seconds": round(time.monotonic() - t, 2)}


def switch_language(cp: ChapterPage, to: str) -> None:
    cp.page.locator(".ll-lang button", has_text=SWITCH_LABEL[to]).click()
    cp.page.wait_for_function(
        "([t]) => { const h = document.querySelector('.ll-shell h1');"
        " return h && h.innerText.replace(/\\u00a0/g, ' ').trim() === t; }",
        arg=[title(cp.page_id, to)], timeout=20_000)


# --- the tests -----------------------------------------------------------------------------------------------


def test_every_chapter_has_an_interaction():
    assert set(INTERACTIONS) == set(CHAPTER_IDS)
    assert [p.name for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))] == [f"{c}.ipynb" for c in CHAPTER_IDS]


@pytest.mark.parametrize("page_id,lang", CASES, ids=[f"{p}-{lang}" for p, lang in CASES])
def test_chapter_page(loader, artifacts_dir, page_id, lang):
    started = time.monotonic()
    cp = loader.take(page_id, lang)
    timing: dict = {}
    try:
        assert cp.status == 200, f"{cp.url} answered {cp.status}"
        cp.ready()
        timing["load"] = round(cp.load_seconds, 2)
        where = f"{page_id} ({lang})"

        assert_clean(cp, where)
        assert_language(cp, lang, where)
        check_links(cp, loader, lang)
        check_page_links(cp, lang)
        check_fits(cp, where)
        t = time.monotonic()
        check_accessible(cp, where)
        timing["axe"] = round(time.monotonic() - t, 2)
        screenshot(cp, artifacts_dir / f"chapter-{page_id}-{lang}.png")

        # The chapter's controls change what it shows, and nothing breaks on the way.
        timing["interactions"] = [check_interaction(cp, step, lang) for step in INTERACTIONS[page_id]]
        assert_clean(cp, f"{where} after changing its controls")
        check_fits(cp, f"{where} after changing its controls")

        # The language switch changes the title and every narrative block at once.
        switch_language(cp, OTHER[lang])
        assert_language(cp, OTHER[lang], f"{where} switched to {OTHER[lang]}")
        assert_clean(cp, f"{where} switched to {OTHER[lang]}")
        check_accessible(cp, f"{where} switched to {OTHER[lang]}, its controls changed")
    finally:
        timing["total"] = round(time.monotonic() - started, 2)
        TIMINGS[f"{page_id}-{lang}"] = timing
        loader.release(cp)


def test_the_contents_tree_with_the_project_template(voila_server, projector_browser, artifacts_dir, monkeypatch):
    """``/``, the list of notebooks ``make demo`` opens, served with the project's Voila template
    (:mod:`server.template`): it names its language (axe: html-has-lang), lists every chapter and the
    analyzer, has no serious or critical violation, and the chapters still render under that template."""
    monkeypatch.setenv("JUPYTER_PATH", voila_template.environ()["JUPYTER_PATH"])  # inherited by the server
    base = voila_server("notebooks", *voila_template.voila_flags())
    context = projector_browser.new_context(viewport=PROJECTOR)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        response = page.goto(base)
        assert response.status == 200
        names = [f"{pid}.ipynb" for pid in CHAPTER_IDS] + [f"{ANALYZER[0]}.ipynb"]
        # Polled every 100 ms, not per animation frame: three runs in a row (16:51-16:54 on 2026-11-29) timed out
        # here at 30 s with every name on the page (a screenshot and innerText showed them), while the same wait
        # polled by interval passed; the listing itself was never late.
        page.wait_for_function("(names) => names.every(n => document.body.innerText.includes(n))", arg=names,
                               timeout=30_000, polling=100)
        assert page.evaluate("document.documentElement.lang") == "en"
        assert "cdn.jsdelivr.net/npm/font-awesome" not in page.content()
        violations = axe_check(page)
        assert not violations, f"the contents tree:\n{format_violations(violations)}"
        assert not errors, errors
        page.screenshot(path=str(artifacts_dir / "contents-tree.png"))
        page.close()

        # A Voila error page comes from the same page.html.
        missing = context.new_page()
        assert missing.goto(base + "voila/render/no-such-chapter.ipynb").status == 404
        assert missing.evaluate("document.documentElement.lang") == "en"
        missing.close()
    finally:
        context.close()

    cp = ChapterPage(projector_browser, base, CHAPTER_IDS[0], "en")
    try:
        assert cp.status == 200
        cp.ready()
        assert_clean(cp, "a chapter under the project template")
        assert_language(cp, "en", "a chapter under the project template")
    finally:
        cp.close()


def test_the_page_element_names_the_pages_language(voila_server, projector_browser, monkeypatch):
    """Under the project template every page's <html lang> is the page's language: ?lang= before the widgets
    arrive, then the kernel's choice (a bad ?lang= is Chinese, as the kernel reads it), and it follows the language
    switch (WCAG 3.1.1: a screen reader must read Chinese as Chinese)."""
    monkeypatch.setenv("JUPYTER_PATH", voila_template.environ()["JUPYTER_PATH"])
    base = voila_server("notebooks", *voila_template.voila_flags())
    context = projector_browser.new_context(viewport=PROJECTOR)
    lang_is = "(want) => document.documentElement.lang === want"

    def check(url: str, ready: str, first: str, button: str, then: str) -> None:
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector(ready, timeout=60_000)
        page.wait_for_function(lang_is, arg=first, timeout=5_000)
        page.locator(".ll-lang button", has_text=SWITCH_LABEL[button]).click()
        page.wait_for_function(lang_is, arg=then, timeout=5_000)
        page.close()

    try:
        check(f"{base}voila/render/{ANALYZER[0]}.ipynb?lang=en",
              '.ll-outcome[data-liability-form]:not([data-liability-form=""])', "en", "zh", "zh-CN")
        for query in ("", "?lang=xx"):
            check(f"{base}voila/render/{CHAPTER_IDS[4]}.ipynb{query}", ".ll-lang button", "zh-CN", "en", "en")
    finally:
        context.close()
