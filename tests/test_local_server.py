"""`liability-lab serve` without --public (`make demo`): a closed page frees its kernel, an abandoned one is culled,
and what a learner opens first is preheated (issue 16 points 2 and 14).

Plain Voila refused the page's shutdown request on closing a tab (403: no ``_xsrf`` cookie) and culled nothing:
about 80 page views left 86 kernels and 4.9 GB. Here a real server is started with the real command, pages are
opened in Chromium and left (one navigated away, one closed), a third page's kernel is driven over its websocket and
then abandoned without a word, and the server's kernels are counted coming back down to its preheated pool.
"""

from __future__ import annotations

import time

import pytest

from public_helpers import NOTEBOOKS, OUTCOME, KernelChannels, PublicServer, kernel_id_from_html, page_kernel_id
from server.processes import kernel_pid

pytestmark = [pytest.mark.timeout(240), pytest.mark.slow]

# Short enough for a test, long enough that a page closed within seconds can only have been freed by its own
# shutdown request, not by the culler.
CULL_S = 25
CULL = (f"--MappingKernelManager.cull_idle_timeout={CULL_S}", "--MappingKernelManager.cull_interval=2")


def _wait_gone(kernel_id: str, timeout: float) -> float | None:
    """Seconds until the kernel's process is gone, or None if it is still there after ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if kernel_pid(kernel_id) is None:
            return time.monotonic() - start
        time.sleep(0.2)
    return None


def test_the_default_server_frees_closed_and_abandoned_pages(browser, tmp_path):
    server = PublicServer(NOTEBOOKS, tmp_path / "serve.log", voila_flags=CULL, public=False)
    try:
        server.wait_ready(90)
        # The preheated pool for a laptop (server/settings.py LOCAL_POOL_SIZES): the analyzer's two and the start
        # page's one, nothing for the other pages.
        pool = server.settle(timeout=120, quiet=3.0)
        assert pool == 3, f"expected the analyzer's 2 and the start page's 1 pooled kernels, found {pool}"

        # A page whose browser went away without a word (a laptop lid closed): its kernel is culled once idle. It is
        # left first, so that its idle time runs while the browser's pages below are opened and closed.
        status, _, body = server.get("/voila/render/02_rights_and_duties.ipynb")
        assert status == 200
        abandoned = kernel_id_from_html(body.decode())
        channels = KernelChannels(server.url, abandoned)
        channels.close()

        # Two pages in a browser: the analyzer (a pooled kernel) and a chapter (a kernel of its own).
        pages = {}
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        for name in ("analyzer", "01_platform_status"):
            page = context.new_page()
            page.goto(f"{server.url}voila/render/{name}.ipynb", timeout=90_000)
            page.wait_for_function("() => !!document.querySelector('.jupyter-widgets')", timeout=90_000)
            if name == "analyzer":
                page.locator(OUTCOME).first.wait_for(timeout=60_000)  # interactive: the pooled page answered
            pages[name] = (page, page_kernel_id(page))
        for _page, kernel_id in pages.values():
            assert kernel_pid(kernel_id) is not None

        # The learner leaves: one tab goes to another site, the other is closed. Each page's own shutdown request
        # (sent on beforeunload) frees its kernel at once, long before the culler could.
        analyzer, analyzer_kernel = pages["analyzer"]
        analyzer.goto("about:blank")
        chapter, chapter_kernel = pages["01_platform_status"]
        chapter.close(run_before_unload=True)
        for kernel_id in (analyzer_kernel, chapter_kernel):
            waited = _wait_gone(kernel_id, 10)
            assert waited is not None, "a closed page kept its kernel (its shutdown request was refused?)\n" + \
                server.log_tail()
        context.close()

        # The page abandoned first (above) is culled once idle.
        waited = _wait_gone(abandoned, CULL_S + 30)
        assert waited is not None, "an abandoned page's kernel was never culled\n" + server.log_tail()

        # Back down to the pool (the taken kernels are replaced; nothing else is left).
        assert server.settle(timeout=180, quiet=3.0) <= pool
    finally:
        server.stop()
