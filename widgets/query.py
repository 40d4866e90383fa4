"""The page's URL, read in the kernel. Everything read here is untrusted and goes through casebook.share."""

from __future__ import annotations

import json
import os
import sys
import time

# A preheated kernel receives its request once (voila.utils.wait_for_request consumes it); a second wait would
# never end. The query string it brought is kept here for every later reader on the page (e.g. chapter 06 reads it
# in two cells).
_preheated_query: str | None = None
RECONNECT_S = 30.0  # seconds a preheated kernel listens for its request on one connection before reconnecting
MAX_FAILURES = 5  # connections failed in a row before giving up (the server is gone)
# The server answers but refuses (the public server's one socket per kernel: this kernel's previous socket is still
# registered while the server, busy with a class's burst, has not yet seen it close): keep trying this long.
REFUSED_FOR_S = 60.0
# The static edition (Voici: Pyodide in a Web Worker) has no request: the page hands its URL over before its first
# cell runs (deploy/static/page_setup.js calls set_page_url). None elsewhere.
_page_url: str | None = None
MAX_PAGE_URL = 20000  # characters kept of a page URL; casebook.share reads at most 16,384 of its query


def in_browser() -> bool:
    """True in the static edition: Python compiled to WebAssembly (Pyodide), in the visitor's browser."""
    return sys.platform == "emscripten"


def set_page_url(encoded: str) -> None:
    """Take the page's URL, percent-encoded, from the static edition's page (deploy/static/page_setup.js).

    Never raises: the URL is untrusted, and casebook.share checks what the query holds as under Voila.
    """
    global _page_url
    from urllib.parse import unquote

    try:
        url = unquote(str(encoded)[: 3 * MAX_PAGE_URL], errors="replace")[:MAX_PAGE_URL]
    except Exception:  # pragma: no cover - unquote with errors="replace" does not raise on a str
        url = ""
    _page_url = url.split("#", 1)[0]


def page_extension() -> str:
    """What a link to another page ends with: Voici's rendered ``.html`` in the static edition, else Voila's
    ``.ipynb``."""
    return ".html" if in_browser() or _page_url is not None else ".ipynb"


def _preheated() -> bool:
    return os.environ.get("VOILA_PREHEAT", "False") != "False"


def _wait_for_request() -> None:
    """What ``voila.utils.wait_for_request`` does, without importing ``voila.utils``: that module imports Voila's
    whole server (jupyter_server, jupyterlab_server, nbconvert: 1.2 s of CPU and ~1,000 modules) into every
    preheated kernel, for one websocket message. The protocol is Voila 0.5's: connect to
    ``/voila/query/<kernel id>``, receive the request's info as JSON, put it into the environment."""
    env = os.environ
    url = (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{env.get('VOILA_APP_PORT', '8866')}{env.get('VOILA_WS_BASE_URL', env.get('VOILA_SERVER_URL', '/'))}"
           f"voila/query/{env.get('VOILA_KERNEL_ID', '')}")
    try:
        from websockets.sync.client import connect  # Voila's own dependency; ~10 ms to import
    except ImportError:  # pragma: no cover - Voila without websockets cannot preheat at all
        from voila.utils import wait_for_request

        wait_for_request()
        return
    try:
        from websockets.exceptions import InvalidHandshake
    except ImportError:  # pragma: no cover
        InvalidHandshake = ()
    info = None
    failures = 0
    refused_since = None
    while info is None:
        # A preheated kernel waits here until a visitor takes it, which may be hours: it reconnects every
        # RECONNECT_S, so a wait the server lost track of (issue 18: a hostile client unhooked every waiting kernel
        # in Voila's own handler) costs a visitor at most that long; the server keeps the request until delivered.
        try:
            with connect(url, open_timeout=5) as ws:
                failures, refused_since = 0, None
                try:
                    info = json.loads(ws.recv(timeout=RECONNECT_S))
                except TimeoutError:
                    continue
        except InvalidHandshake:  # the server answered and refused: our previous socket is still registered
            refused_since = time.monotonic() if refused_since is None else refused_since
            if time.monotonic() - refused_since > REFUSED_FOR_S:
                return  # as Voila: no request info leaves the environment as it was
            time.sleep(0.5)
        except Exception:  # the server is gone
            failures += 1
            if failures >= MAX_FAILURES:
                return
            time.sleep(1.0)
    if not isinstance(info, dict):
        return
    for key, value in info.items():
        os.environ[str(key)] = str(value)


def query_string() -> str:
    """The query string of the request that opened this page ('' when there is none).

    With Voila's preheated kernels the kernel starts before any request: wait for it, once.
    """
    global _preheated_query
    if _page_url is not None:
        return _page_url.split("?", 1)[1] if "?" in _page_url else ""
    if _preheated():
        if _preheated_query is None:
            _wait_for_request()
            _preheated_query = os.environ.get("QUERY_STRING", "")
        return _preheated_query
    return os.environ.get("QUERY_STRING", "")


def request_url() -> str:
    """The page's own URL without its query, for share links ('' outside Voila).

    A preheated kernel was started before its request, with the URL of an earlier visitor's request (or none) in
    ``VOILA_REQUEST_URL``; once its own request has arrived (:func:`query_string`), the request's host, port and path
    are in the environment: the URL is built from those, keeping the earlier URL's scheme.
    """
    if _page_url is not None:
        return _page_url.split("?", 1)[0]
    url = os.environ.get("VOILA_REQUEST_URL", "")
    if _preheated():
        query_string()  # waits for the request, once
        host, path = os.environ.get("SERVER_NAME", ""), os.environ.get("SCRIPT_NAME", "")
        if host and path:
            from urllib.parse import urlsplit

            scheme = urlsplit(url).scheme or "http"
            port = os.environ.get("SERVER_PORT", "")
            host = f"[{host}]" if ":" in host else host
            return f"{scheme}://{host}{':' + port if port else ''}{path}"
    return url.split("?", 1)[0]
