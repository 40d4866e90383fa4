"""Faults in the middle of a session: the visitor is told, and a reload brings a working page back.

Two ways a visitor's kernel ends while the page is open: the process dies (killed here with SIGKILL; an
out-of-memory kill looks the same), and the server shuts it down (culled after the idle timeout). Plain Voila shows
nothing in either case: the page keeps its last state and ignores every click. ``serve --public`` shows a bilingual
notice with a reload button (``.ll-session-lost``), and reloading gives a fresh kernel and a page that works.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from public_helpers import ANALYZER, OUTCOME, PublicServer, copy_notebooks, page_kernel_id

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return copy_notebooks(tmp_path_factory.mktemp("fault-site"))


from server.processes import kernel_pid  # noqa: E402


def _kernel_pid(kernel_id: str) -> int:
    pid = kernel_pid(kernel_id)
    if pid is None:
        raise LookupError(f"no process for kernel {kernel_id}")
    return pid


def _open(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server.url}{ANALYZER}?lang=en", timeout=120_000)
    page.locator(OUTCOME).first.wait_for(timeout=120_000)
    return context, page


def _works(page) -> None:
    """A fact changed on the page changes the outcome, and changing it back restores it."""
    select = page.locator(".ll-fact-platform_mode select")
    select.select_option(index=1)
    page.locator('.ll-outcome[data-liability-form="as_seller"]').first.wait_for(timeout=30_000)
    select.select_option(index=0)
    page.locator('.ll-outcome[data-liability-form="none"]').first.wait_for(timeout=30_000)


def _notice_then_reload(page, old_kernel: str, reasons: tuple[str, ...]) -> None:
    notice = page.locator(".ll-session-lost")
    notice.wait_for(timeout=30_000)
    text = notice.inner_text()
    assert "会话已结束" in text and "session on the server has ended" in text and "Reload" in text, text
    assert notice.get_attribute("role") == "alert"
    assert notice.get_attribute("data-reason") in reasons
    page.locator(".ll-session-reload").click()
    page.locator(OUTCOME).first.wait_for(timeout=120_000)
    assert page.locator(".ll-session-lost").count() == 0, "a fresh page shows no notice"
    assert page_kernel_id(page) != old_kernel, "the reloaded page has a kernel of its own"
    _works(page)


def test_a_killed_kernel_is_reported_and_a_reload_works(site, tmp_path, browser, artifacts_dir):
    server = PublicServer(site, tmp_path / "serve.log", max_kernels=4).wait_ready()
    try:
        context, page = _open(browser, server)
        _works(page)
        kernel = page_kernel_id(page)
        os.kill(_kernel_pid(kernel), signal.SIGKILL)
        page.locator(".ll-session-lost").wait_for(timeout=30_000)
        page.screenshot(path=str(artifacts_dir / "public-session-lost.png"))
        _notice_then_reload(page, kernel, ("restarting", "autorestarting", "dead", "disconnected"))
        page.close(run_before_unload=True)
        context.close()
    finally:
        server.stop()


def test_a_culled_kernel_is_reported_and_a_reload_works(site, tmp_path, browser):
    server = PublicServer(site, tmp_path / "serve.log", max_kernels=4, voila_flags=(
        "--MappingKernelManager.cull_idle_timeout=6", "--MappingKernelManager.cull_interval=1")).wait_ready()
    try:
        context, page = _open(browser, server)
        kernel = page_kernel_id(page)
        started = time.monotonic()
        _notice_then_reload(page, kernel, ("dead", "disconnected"))
        assert time.monotonic() - started < 60
        assert "Culling 'idle' kernel" in server.log_text()
        page.close(run_before_unload=True)
        context.close()
    finally:
        server.stop()
