"""Shared fixtures for the browser (end-to-end) tests.

Fixtures:

- ``chromium_path`` (session): path of Debian's Chromium; skips the test when it is
  absent, except under ``CI=true`` where a missing browser fails it.
- ``voila_server`` (session): a factory ``voila_server(notebook_dir="notebooks",
  *extra_args, timeout=90.0) -> str`` that starts standalone Voila on a free port
  on 127.0.0.1 serving ``notebook_dir`` and returns its base URL (ending in ``/``).
  Servers are reused for identical arguments and stopped at the end of the session.
- ``browser`` (session): a headless Playwright Chromium ``Browser`` launched from
  ``chromium_path``.
- ``page`` (function): a fresh ``Page`` in its own browser context, closed after.
- ``artifacts_dir`` (session): ``<repo>/artifacts/screenshots`` (git-ignored), created.

The project never reads ``../shared``; nothing here does either.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from e2e_helpers import in_ci, skip_or_fail  # noqa: F401  (re-exported for tests)

ROOT = Path(__file__).resolve().parent.parent
# Chapter 09's classes (classroom/): every server the tests start keeps them in a temporary file, never the user's.
os.environ.setdefault("LL_CLASSROOM_DB", os.path.join(__import__("tempfile").mkdtemp(prefix="ll-classroom-"),
                                                      "classes.sqlite3"))
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


from benchmarks.harness import VoilaServer  # noqa: E402 (one harness for the tests and the benchmark)
from server.processes import free_port  # noqa: E402,F401 (re-exported for the tests)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("LL_CHROMIUM_PATH") or DEFAULT_CHROMIUM
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        skip_or_fail(
            f"Chromium not found at {path}; run `make browser` "
            "(as root on Debian: apt-get install -y chromium fonts-noto-cjk)"
        )
    return path


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = ROOT / "artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    servers: dict[tuple[str, tuple[str, ...]], VoilaServer] = {}
    log_dir = tmp_path_factory.mktemp("voila-logs")

    def start(notebook_dir: str | os.PathLike[str] = "notebooks", *extra_args: str, timeout: float = 90.0) -> str:
        nb_dir = Path(notebook_dir)
        if not nb_dir.is_absolute():
            nb_dir = ROOT / nb_dir
        key = (str(nb_dir.resolve()), tuple(extra_args))
        server = servers.get(key)
        if server is not None and server.proc.poll() is None:
            return server.url
        server = VoilaServer.plain(nb_dir, log_dir / f"voila-{len(servers)}.log", tuple(extra_args))
        servers[key] = server
        server.wait_ready(timeout)
        return server.url

    yield start
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright Python package is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
