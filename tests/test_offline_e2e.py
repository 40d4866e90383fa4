"""Issue 16 point 3: nothing a page needs comes from outside the server.

Voila's lab page loaded Font Awesome from a public CDN: with a slow CDN first paint took 8 s, and offline every page
logged two errors. The project's template serves the same files itself. Here every request that is not to the
server (127.0.0.1) is blocked, and the analyzer and a chapter must render fully, show their icons and log no error.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from public_helpers import ANALYZER, OUTCOME, PublicServer, copy_notebooks

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    site = copy_notebooks(tmp_path_factory.mktemp("offline-site"))
    srv = PublicServer(site, tmp_path_factory.mktemp("offline-logs") / "serve.log", max_kernels=6, max_per_client=6)
    try:
        yield srv.wait_ready()
    finally:
        srv.stop()


def _offline_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    errors: list[str] = []

    def route(r):
        host = urlsplit(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, outside, errors


@pytest.mark.parametrize("path, ready", [
    (ANALYZER + "?lang=en", OUTCOME),
    ("voila/render/01_platform_status.ipynb?lang=en", ".widget-html, .jupyter-widgets"),
])
def test_a_page_renders_fully_with_every_outside_request_blocked(server, browser, artifacts_dir, path, ready):
    context, page, outside, errors = _offline_page(browser)
    try:
        page.goto(server.url + path, timeout=120_000)
        page.locator(ready).first.wait_for(timeout=120_000)
        page.wait_for_load_state("load")
        page.wait_for_timeout(1500)
        assert not outside, f"the page asked for {outside}"
        assert page.locator("#loading").count() == 0 or not page.locator("#loading").is_visible()
        if "analyzer" in path:
            # The icons the pages use (folder-open; file-text-o through the v4 shims) come from the server's font.
            for selector in (".ll-case-load i.fa", ".ll-memo-prepare i.fa"):
                icon = page.locator(selector).first
                icon.wait_for(state="attached", timeout=30_000)
                family = icon.evaluate("e => getComputedStyle(e, '::before').fontFamily")
                assert "Font Awesome 5 Free" in family, (selector, family)
            for weight in (900, 400):  # solid (folder-open) and regular (file-text-o through the v4 shims)
                faces = page.evaluate(f"async () => (await document.fonts.load('{weight} 16px \"Font Awesome 5 Free\"')).length")
                assert faces >= 1, f"the icon font ({weight}) did not load from the server"
            assert not outside, f"the page asked for {outside}"
            page.screenshot(path=str(artifacts_dir / "offline-analyzer.png"))
        assert not errors, f"console errors: {errors}"
        page.close(run_before_unload=True)
    finally:
        context.close()


def test_the_default_server_page_renders_offline_too(browser, tmp_path):
    """`liability-lab serve` without --public (what `make demo` runs) uses the same template."""
    import os
    import subprocess
    import sys
    import time

    from public_helpers import ROOT, free_port

    site = copy_notebooks(tmp_path / "site")
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "casebook.cli", "serve", "--port", str(port), "--notebooks",
                             str(site)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=dict(os.environ, JUPYTER_PLATFORM_DIRS="1"))
    context = None
    try:
        import urllib.request

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except Exception:
                time.sleep(0.3)
        context, page, outside, errors = _offline_page(browser)
        page.goto(f"http://127.0.0.1:{port}/voila/render/01_platform_status.ipynb?lang=en", timeout=120_000)
        page.locator(".jupyter-widgets").first.wait_for(timeout=120_000)
        page.wait_for_load_state("load")
        page.wait_for_timeout(1000)
        assert not outside, f"the page asked for {outside}"
        assert not errors, f"console errors: {errors}"
        page.close(run_before_unload=True)
    finally:
        if context is not None:
            context.close()
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_no_page_template_loads_from_an_outside_address():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "casebook" / "templates"
    for path in root.rglob("*"):
        if path.suffix in (".j2", ".html", ".css"):
            text = path.read_text(encoding="utf-8", errors="replace")
            found = re.findall(r"""(?:href|src)\s*=\s*["']?(?:https?:)?//[^"'\s>]+|@import\s+url\(\s*["']?https?:""", text)
            assert not found, (path, found)
