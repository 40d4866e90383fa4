"""Voila for the public demo: Voila's own standalone app, plus what Voila 0.5 has no setting for.

Standalone Voila already refuses ``execute_request`` from the browser (only comm and info messages pass); the
hardened settings are ordinary Voila configuration, listed with their reasons in :mod:`casebook.serving`. This module
adds:

* **A cap on live kernels.** Every visitor who opens a page gets a kernel; nothing in Voila stops the thousandth
  one. Here a page that would start a kernel beyond ``max_kernels`` is answered at once with a bilingual
  ``503 Service Unavailable`` page and ``Retry-After``, before anything is read or started: the visitor sees
  "服务器已满，请稍后再试 / The server is full, please try again in a minute", never a hang.
  Kernels in use by visitors count; preheated kernels still waiting in Voila's pool do not (the pool is bounded by
  ``--pool_size`` per notebook), and a pooled kernel counts from the moment it is handed to a visitor. A full server
  refuses before taking a kernel from the pool, so the pool is not drained and refilled for nothing. At most
  ``max_kernels + pool_size × notebooks`` kernels are alive.
* **A notice when the session ends.** When a visitor's kernel dies (killed, culled after the idle timeout, restarted
  by the server) the page's widgets stop answering and Voila shows nothing. The page template here adds a small
  script that watches the page's kernel connection and, when the kernel restarts, dies or the connection is lost
  for good, shows a bilingual notice with a reload button (class ``ll-session-lost``). jupyter_server leaves the
  websocket of a shut-down (culled) kernel open and silent, so the server tells the page first.
* **Closing a tab frees its kernel.** Voila's page sends a shutdown beacon when the tab closes, with the ``_xsrf``
  cookie, which standalone Voila never sets, so the beacon was refused (403) and the kernel held its place under
  the cap until culled. The page handler sets the cookie.
* **No kernel stderr on the wire.** ``show_tracebacks=False`` keeps tracebacks out of the page, but a kernel's
  stderr (ipykernel's "Exception in comm_msg" with its traceback and file paths) and ``error`` messages still travel
  over the page's websocket, where a hostile client reads them. Here they go to the server's log instead; the page
  never showed them anyway.
* **Bounded requests.** A request line and headers may be up to 256 KiB (a share link is at most 4 KiB; a longer URL
  still gets a page, not a dropped connection), a query string is cut to 20,000 characters before it reaches the
  kernel (the page reads the first 16,384 and says that it did), and a request body may be at most 1 MiB (no page
  sends one).
* **Memory back after the crowd.** When the last visitor's kernel stops (and at most every 30 s while kernels
  stop), the server returns its freed heap to the system.
* **One visitor cannot take the demo down (issue 18).** Kernels and page renders are capped per client address
  (``max_per_client``, ``renders_per_minute``; behind a proxy, from ``client_ip_header``), a served page whose
  browser never opens its websocket loses its kernel after ``connect_timeout``, ``/voila/query/`` serves only the
  machine's own kernels (:class:`PublicRequestInfoHandler`), ``?template=``/``?theme=`` cannot skip the preheated
  pool, a page's websocket messages are bounded in size, rate and widget models created, a kernel over
  ``max_kernel_memory_mb`` is stopped with the session notice, connections are capped (in all and per address) and
  slow headers dropped, every response carries a Content-Security-Policy (a nonce for a page's scripts),
  ``nosniff`` and ``Referrer-Policy``, cookies are ``SameSite``, and neither versions nor kernel ids are shown or
  logged. ``tests/test_public_attacks.py`` replays each attack.

Run it as ``python -m casebook.voila_public [voila options] NOTEBOOK_DIR``; ``liability-lab serve --public`` does.
"""

from __future__ import annotations

import asyncio
import contextvars
import ctypes
import functools
import gc
import ipaddress
import json
import math
import os
import shutil
import tempfile
import time
from pathlib import Path

import tornado.httpserver
import tornado.web
from jupyter_core.utils import ensure_async
from jupyter_client.jsonutil import json_default
from jupyter_server.services.kernels.connection.base import deserialize_binary_message, serialize_msg_to_ws_v1
from traitlets import Bool, Float, Integer, Unicode
from voila import app as voila_app
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler
from voila.request_info_handler import RequestInfoSocketHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from .serving import DEFAULT_CONNECT_TIMEOUT_S, DEFAULT_MAX_KERNELS, DEFAULT_MAX_PER_CLIENT

RETRY_AFTER_SECONDS = 60
MAX_HEADER_BYTES = 256 * 1024
MAX_BODY_BYTES = 1024 * 1024
MAX_QUERY_CHARS = 20000  # casebook.share.parse_query reads 16384 and reports the rest
# Issue 18 point 5: connections. A request's headers (and the wait for the next request on a kept-alive connection)
# get HEADER_TIMEOUT_S, a body BODY_TIMEOUT_S; a client address may hold CONNECTIONS_PER_PAGE connections for each
# page it may open (at least MIN_CONNECTIONS_PER_CLIENT: a browser opens six per server, and one websocket a page).
HEADER_TIMEOUT_S = 20.0
BODY_TIMEOUT_S = 20.0
MAX_CONNECTIONS = 1000
MIN_CONNECTIONS_PER_CLIENT = 64
CONNECTIONS_PER_PAGE = 10
# Issue 18 points 4 and 6: what a page's websocket may send. A real page sends a few messages a click and at most
# a few comm_open (the widget manager's control comm, again on a reconnect); a kernel is stopped beyond its memory.
MAX_WS_MESSAGE_BYTES = 2 * 1024 * 1024
MESSAGES_PER_SECOND = 60
MESSAGE_BURST = 300
MAX_QUEUED_MESSAGES = 3000
MAX_COMM_OPENS_PER_KERNEL = 20
DEFAULT_KERNEL_MEMORY_MB = 500
MEMORY_CHECK_S = 2.0


def release_memory() -> None:
    """Give the memory freed by finished sessions back to the system.

    Each session passes large messages through the server (a page's widget state is hundreds of kilobytes); glibc
    keeps the freed heap for reuse, so without this an idle server stays at its busiest size.
    """
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


# Issue 18 point 8. Every page's scripts, styles, fonts and images come from the server itself (Font Awesome too, since
# issue 16 point 3); the only connections a page makes are to the server (its kernel's websocket). On a page served by
# CappedVoilaHandler the script policy is replaced by a nonce (see script_src): only the <script> tags the server wrote
# run. Voila's own tree and error pages keep the 'self' 'unsafe-inline' below.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Share links carry the visitor's facts in the query: never sent to another site.
    "Referrer-Policy": "no-referrer",
}


def script_src(nonce: str) -> str:
    """A page's script policy: each ``<script>`` the server wrote into the page carries the page's nonce, and what
    those scripts load or create themselves runs ('strict-dynamic': Voila's loader, its widget bundles, the widgets'
    own output). A script anywhere else in the page does not run. 'self' and 'unsafe-inline' are only for browsers
    that know neither nonces nor 'strict-dynamic' (they ignore both when they do)."""
    return f"script-src 'nonce-{nonce}' 'strict-dynamic' 'self' 'unsafe-inline'"


_SCRIPT_TAG = __import__("re").compile(r"<script(\s[^>]*)?>", __import__("re").IGNORECASE)
_SCRIPT_TYPE = __import__("re").compile(r"""\stype\s*=\s*["']?([^"'\s>]*)""", __import__("re").IGNORECASE)
JS_TYPES = ("", "text/javascript", "application/javascript", "module")


def stamp_nonce(html: str, nonce: str) -> str:
    """``html`` with ``nonce`` on each script tag that runs (data blocks such as ``application/json`` are left
    as they are: a policy does not apply to them, and tools read them by their exact tag)."""

    def stamp(match):
        attrs = match.group(1) or ""
        kind = _SCRIPT_TYPE.search(attrs)
        if kind and kind.group(1).lower() not in JS_TYPES:
            return match.group(0)
        return f'<script nonce="{nonce}"{attrs}>'

    return _SCRIPT_TAG.sub(stamp, html)
_HOST = __import__("re").compile(r"[A-Za-z0-9.\-]{1,253}(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](:[0-9]{1,5})?")


# Requests that show a browser is loading a page's scripts and styles: they extend the wait for its websocket.
ASSET_PREFIXES = ("/voila/static/", "/voila/labextensions/", "/voila/templates/", "/voila/api/themes/")
ASSET_ACTIVITY_S = 10.0
CONNECT_GRACE_FACTOR = 6  # at most 6 × connect_timeout (3 minutes) for a page whose browser is still loading
_ACTIVITY: dict[str, float] = {}


def note_activity(client: str) -> None:
    now = time.monotonic()
    _ACTIVITY[client] = now
    if len(_ACTIVITY) > 10000:
        for key, at in list(_ACTIVITY.items()):
            if now - at > ASSET_ACTIVITY_S:
                _ACTIVITY.pop(key, None)


def client_of(request, header: str = "") -> str:
    """The visitor's address: the peer's, or behind a reverse proxy the last entry of the header the operator
    trusts (``--client-ip-header``; the proxy must set it, overwriting what the client sent)."""
    if header:
        value = request.headers.get(header, "").split(",")[-1].strip()
        if value:
            return value[:100]
    return request.remote_ip or "?"


def security_transform(client_ip_header: str = "") -> type:
    """A tornado output transform for every response: the headers above, and no ``Server`` header (it named
    tornado's version)."""

    class SecurityHeaders(tornado.web.OutputTransform):
        def __init__(self, request):
            super().__init__(request)
            self.request = request
            if request.path.startswith(ASSET_PREFIXES):  # a browser loading a page (see _unconnected)
                note_activity(client_of(request, client_ip_header))
            # 'self' covers the page's websocket in current browsers (CSP 3); older Safari needs it named.
            host = request.host if _HOST.fullmatch(request.host or "") else ""
            self.csp = CONTENT_SECURITY_POLICY.replace(
                "connect-src 'self'", f"connect-src 'self' ws://{host} wss://{host}" if host else "connect-src 'self'")

        def transform_first_chunk(self, status_code, headers, chunk, finishing):
            headers.pop("Server", None)
            for name, value in SECURITY_HEADERS.items():
                headers[name] = value
            csp = self.csp
            nonce = getattr(self.request, "ll_csp_nonce", None)
            if nonce:  # a page: only the scripts the server wrote into it, and what they load
                csp = csp.replace("script-src 'self' 'unsafe-inline'", script_src(nonce))
            headers["Content-Security-Policy"] = csp
            return status_code, headers, chunk

    return SecurityHeaders


def _served_over_tls(request, trust_forwarded_proto: bool) -> bool:
    if request.protocol == "https":
        return True
    if trust_forwarded_proto:
        return request.headers.get("X-Forwarded-Proto", "").split(",")[-1].strip().lower() == "https"
    return False


def install_cookie_defaults(trust_forwarded_proto: bool) -> None:
    """Every cookie the server sets (``_xsrf``, the anonymous identity) gets ``SameSite=Lax``, and ``Secure`` when
    the page was served over TLS. tornado writes cookies after the output transforms, so this wraps
    ``RequestHandler.set_cookie`` itself (in this process only: the public server)."""
    original = tornado.web.RequestHandler.set_cookie
    original = getattr(original, "__wrapped__", original)

    @functools.wraps(original)
    def set_cookie(self, name, value, *args, **kwargs):
        kwargs.setdefault("samesite", "Lax")
        if "secure" not in kwargs and _served_over_tls(self.request, trust_forwarded_proto):
            kwargs["secure"] = True
        return original(self, name, value, *args, **kwargs)

    tornado.web.RequestHandler.set_cookie = set_cookie


class RedactKernelIds:
    """A logging filter: kernel ids (which let anyone holding one drive or stop that kernel) are replaced by
    ``<kernel>`` in every line, unless the server logs at DEBUG (issue 18 point 10)."""

    import re as _re

    PATTERN = _re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

    def __init__(self, app):
        self.app = app

    def filter(self, record) -> bool:
        import logging

        if getattr(self.app, "log_level", logging.INFO) <= logging.DEBUG:
            return True
        try:
            text = record.getMessage()
        except Exception:
            return True
        redacted = self.PATTERN.sub("<kernel>", text)
        if redacted != text:
            record.msg, record.args = redacted, ()
        return True


def log_request(handler) -> None:
    """tornado's access log, without the waiting kernels' own connections to ``/voila/query/`` (each pooled kernel
    reconnects every 30 s: widgets/query.py); a refused one is still logged."""
    from tornado.log import access_log

    status = handler.get_status()
    if status < 400 and isinstance(handler, PublicRequestInfoHandler):
        return
    method = access_log.info if status < 400 else access_log.warning if status < 500 else access_log.error
    method("%d %s %.2fms", status, handler._request_summary(), 1000.0 * handler.request.request_time())


def _page_config_without_version(page_config, **kwargs):
    page_config = dict(page_config)
    page_config["appVersion"] = ""
    return page_config


class NotFoundHandler(tornado.web.RequestHandler):
    """Routes a public demo does not have (``/logout`` answered 500: jupyter_server's page needs settings Voila
    has not)."""

    def get(self, *args, **kwargs):
        raise tornado.web.HTTPError(404)

    post = get


class Once:
    """At most one log line per ``interval`` seconds for each key (a client can flood a log otherwise); the lines
    held back are counted in the next."""

    def __init__(self, interval: float = 10.0):
        self.interval = interval
        self._last: dict[str, tuple[float, int]] = {}

    def __call__(self, log, key: str, message: str, *args) -> None:
        now = time.monotonic()
        last, held = self._last.get(key, (-1e9, 0))
        if now - last < self.interval:
            self._last[key] = (last, held + 1)
            return
        self._last[key] = (now, 0)
        if held:
            message += f" ({held} more like it not logged)"
        log.warning(message, *args)


_log_once = Once()


class ServerFull(Exception):
    """No kernel may be started for a visitor now: the cap is reached."""


class ClientFull(Exception):
    """No kernel may be started for this client now: its own cap (``max_per_client``) is reached."""


# The page request being served, for the kernel manager (which Voila calls without the request): the client's
# address and the kernels started or taken from the pool for it. Set by CappedVoilaHandler.get.
_REQUEST: contextvars.ContextVar = contextvars.ContextVar("ll_page_request", default=None)


class RateLimiter:
    """A token bucket per key: ``burst`` at once, then ``per_minute`` a minute. ``allow`` returns 0 when allowed,
    else the seconds until the next token."""

    MAX_KEYS = 10000

    def __init__(self, per_minute: float, burst: int):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate if self.rate > 0 else 60.0
        self._buckets[key] = (tokens - 1.0, now)
        if len(self._buckets) > self.MAX_KEYS:  # forget the clients whose bucket has filled up again
            full = [k for k, (t, at) in self._buckets.items() if t + (now - at) * self.rate >= self.burst]
            for k in full:
                self._buckets.pop(k, None)
        return 0.0


def capped_kernel_manager(base: type) -> type:
    """``base`` (Voila's kernel manager class, pooled or not) with a cap on the kernels given to visitors.

    Counting happens on the event loop without awaiting between the check and the reservation, so concurrent
    requests cannot overshoot the cap.
    """

    class CappedKernelManager(base):
        max_kernels = 0  # set by the app; 0 or less: no cap
        max_per_client = 0  # set by the app; 0 or less: no cap per client address
        connect_timeout = 0.0  # set by the app; 0: a served page's kernel may wait for its page forever

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self._visitor_ids: set[str] = set()
            self._reserved = 0
            self._trimmed = 0.0
            self._client_of: dict[str, str] = {}  # visitor kernel -> client address
            self._reserved_by: dict[str, int] = {}  # client address -> kernels being started for it
            self._connected: set[str] = set()  # kernels whose page has opened its websocket

        def client_kernels(self, client: str) -> int:
            live = set(self.list_kernel_ids())
            return sum(1 for k, c in self._client_of.items() if c == client and k in live and k in self._visitor_ids)

        def client_full(self, client: str | None) -> bool:
            return bool(client) and self.max_per_client > 0 and \
                self.client_kernels(client) + self._reserved_by.get(client, 0) >= self.max_per_client

        max_kernel_memory = 0  # bytes; set by the app; 0: no limit

        def kernel_rss(self, kernel_id: str) -> int:
            try:
                import psutil

                pid = getattr(self.get_kernel(kernel_id).provisioner, "pid", None)
                return psutil.Process(pid).memory_info().rss if pid else 0
            except Exception:
                return 0

        async def check_memory(self) -> None:
            """Shut down every kernel over ``max_kernel_memory`` (its page shows the session-ended notice)."""
            if self.max_kernel_memory <= 0:
                return
            for kernel_id in list(self.list_kernel_ids()):
                if self.kernel_rss(kernel_id) > self.max_kernel_memory:
                    self.log.warning("A kernel went over %d MB of memory: shut down",
                                     self.max_kernel_memory // 2**20)
                    try:
                        await self.shutdown_kernel(kernel_id)
                    except Exception:
                        pass

        async def cull_kernel_if_idle(self, kernel_id):
            # jupyter_server records a kernel's activity only once the kernel is ready; a culler pass in between
            # (with a short cull_interval and kernels starting under load) raised a TraitError and logged a
            # traceback. A kernel still starting is not idle: skip it.
            kernel = self._kernels.get(kernel_id)
            try:
                if kernel is None or kernel.last_activity is None:
                    return None
            except Exception:
                return None
            return await ensure_async(super().cull_kernel_if_idle(kernel_id))

        def mark_connected(self, kernel_id: str) -> None:
            self._connected.add(kernel_id)

        def expect_connection(self, kernel_id: str) -> None:
            """The page of ``kernel_id`` has been served: unless it opens its websocket within ``connect_timeout``,
            the kernel is shut down. A request without a browser (no script ever runs) held a kernel under the
            cap for the whole idle timeout: three plain GETs filled ``--max-kernels 3`` for five minutes."""
            if self.connect_timeout <= 0 or kernel_id in self._connected:
                return
            loop = asyncio.get_event_loop()
            loop.call_later(self.connect_timeout, lambda: asyncio.ensure_future(self._unconnected(kernel_id)))

        async def _unconnected(self, kernel_id: str, waited: float | None = None) -> None:
            if kernel_id in self._connected or kernel_id not in set(self.list_kernel_ids()):
                return
            waited = self.connect_timeout if waited is None else waited
            # A browser still loading the page's scripts (a slow network, a class sharing one Wi-Fi) is given more
            # time, up to CONNECT_GRACE_FACTOR times the timeout; a request without a browser loads nothing.
            client = self._client_of.get(kernel_id)
            if client and time.monotonic() - _ACTIVITY.get(client, -1e9) < ASSET_ACTIVITY_S and \
                    waited < CONNECT_GRACE_FACTOR * self.connect_timeout:
                asyncio.get_event_loop().call_later(
                    ASSET_ACTIVITY_S, lambda: asyncio.ensure_future(self._unconnected(kernel_id, waited + ASSET_ACTIVITY_S)))
                return
            self.log.warning("A page was served but never connected to its kernel within %g s: kernel shut down",
                             waited)
            try:
                await self.shutdown_kernel(kernel_id)
            except Exception:  # already gone
                pass

        def visitor_kernels(self) -> int:
            """Live kernels in use by visitors (pooled kernels not yet handed out are not counted)."""
            self._visitor_ids &= set(self.list_kernel_ids())
            return len(self._visitor_ids)

        def is_full(self) -> bool:
            return self.max_kernels > 0 and self.visitor_kernels() + self._reserved >= self.max_kernels

        def _reserve(self) -> str | None:
            """Reserve a place for the request being served (its client's, too); returns the client."""
            request = _REQUEST.get()
            client = request["client"] if request else None
            if self.is_full():
                self.log.warning("Kernel cap reached (%d in use); refusing a visitor", self.max_kernels)
                raise ServerFull()
            if self.client_full(client):
                self.log.warning("Per-client kernel cap reached (%d); refusing a page", self.max_per_client)
                raise ClientFull()
            self._reserved += 1
            if client:
                self._reserved_by[client] = self._reserved_by.get(client, 0) + 1
            return client

        def _release(self, client: str | None) -> None:
            self._reserved -= 1
            if client:
                left = self._reserved_by.get(client, 1) - 1
                if left > 0:
                    self._reserved_by[client] = left
                else:
                    self._reserved_by.pop(client, None)

        def _handed(self, kernel_id: str, client: str | None) -> None:
            self._visitor_ids.add(kernel_id)
            if client:
                self._client_of[kernel_id] = client
            request = _REQUEST.get()
            if request is not None:
                request["kernels"].append(kernel_id)

        async def start_kernel(self, *args, **kwargs):
            # Only visitors' kernels come through here: Voila's pool starts its kernels with super().start_kernel
            # from a class below this one.
            client = self._reserve()
            try:
                kernel_id = await ensure_async(super().start_kernel(*args, **kwargs))
            finally:
                self._release(client)
            self._handed(kernel_id, client)
            return kernel_id

        async def shutdown_kernel(self, kernel_id, *args, **kwargs):
            # Culled, closed by its tab, or stopped by the server: the page must know (see QuietKernelWebsocketHandler).
            for socket in list(_SOCKETS.pop(kernel_id, ())):
                socket.end_session()
            self._client_of.pop(kernel_id, None)
            self._connected.discard(kernel_id)
            _COMM_OPENS.pop(kernel_id, None)
            PublicRequestInfoHandler.forget(kernel_id)
            result = await ensure_async(super().shutdown_kernel(kernel_id, *args, **kwargs))
            # After the last visitor (a preheated pool may still hold kernels), or at most every 30 s while busy.
            now = time.monotonic()
            if self.visitor_kernels() == 0 or now - self._trimmed > 30:
                self._trimmed = now
                release_memory()
            return result

        if hasattr(base, "get_rendered_notebook"):  # preheated kernels

            @staticmethod
            def _ready(item) -> bool:
                return item.done() and not item.cancelled() and item.exception() is None

            def get_pool_size(self, notebook_name: str) -> int:
                # Voila's pool also holds replacements still waiting for their fill delay or still starting, and
                # hands the next visitor the first item, ready or not: after a burst that visitor would wait for
                # the delay (two minutes). Count only kernels that are ready; without one, the visitor gets a
                # kernel of their own at once, as without a pool.
                return sum(1 for item in self._pools.get(notebook_name, ()) if self._ready(item))

            async def get_rendered_notebook(self, *args, **kwargs):
                name = kwargs.get("notebook_name", args[0] if args else None)
                pool = self._pools.get(name, [])
                ready = next((item for item in pool if self._ready(item)), None)
                if ready is not None and pool[0] is not ready:  # Voila takes the first: make it a ready one
                    pool.remove(ready)
                    pool.insert(0, ready)
                client = self._reserve()
                try:
                    render_task, rendered_cache, kernel_id = await super().get_rendered_notebook(*args, **kwargs)
                finally:
                    self._release(client)
                self._handed(kernel_id, client)
                return render_task, rendered_cache, kernel_id

        if hasattr(base, "fill_if_needed"):  # preheated kernels: when to replace a kernel taken from the pool

            # Voila replaces a taken kernel ``fill_delay`` seconds later. A lone visitor's kernel is replaced
            # after QUICK_REFILL_S (Voila's own default), so the next visitor finds the pool full again. When takes
            # come less than BURST_GAP_S apart (a class opening the link together), the replacements wait the full
            # ``fill_delay`` (casebook/serving.py): starting 40 Python processes and their pages' widgets during the
            # burst competed with serving it (measured: benchmarks/run.py, docs/deploy.md).
            QUICK_REFILL_S = 1.0
            BURST_GAP_S = 5.0
            _last_take = -1e9

            def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
                if delay is None:  # a kernel was just taken (the start-up fill passes delay=0)
                    delay = self.refill_delay()
                return super().fill_if_needed(delay=delay, notebook_name=notebook_name, **kwargs)

            def refill_delay(self, now: float | None = None) -> float:
                now = time.monotonic() if now is None else now
                in_burst = now - self._last_take < self.BURST_GAP_S
                self._last_take = now
                return float(self.fill_delay) if in_burst else self.QUICK_REFILL_S

    CappedKernelManager.__qualname__ = f"Capped{base.__name__}"
    return CappedKernelManager


SERVER_FULL_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{retry}">
<title>服务器已满 / Server full</title>
<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", sans-serif; font-size: 18px; line-height: 1.6; color: #1b1b1b;
       max-width: 40em; margin: 4em auto; padding: 0 1em; }}
h1 {{ font-size: 1.6em; }}
a {{ color: #1a4480; font-weight: 600; }}
</style>
</head>
<body>
<main class="ll-server-full" role="alert">
<h1>服务器已满，请稍后再试</h1>
<p>目前访问的人太多，暂时无法为您打开新页面。本页将在 {retry} 秒后自动重试，您也可以<a href="">立即重试</a>。</p>
<h1 lang="en">The server is full, please try again in a minute</h1>
<p lang="en">Too many people are using the tutorial right now. This page tries again by itself in {retry} seconds,
or you can <a href="">try again now</a>.</p>
</main>
</body>
</html>
"""


TOO_MANY_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>页面太多 / Too many pages</title>
<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", sans-serif; font-size: 18px; line-height: 1.6; color: #1b1b1b;
       max-width: 40em; margin: 4em auto; padding: 0 1em; }}
h1 {{ font-size: 1.6em; }}
a {{ color: #1a4480; font-weight: 600; }}
</style>
</head>
<body>
<main class="ll-too-many" role="alert">
<h1>来自您的网络地址的页面太多</h1>
<p>请先关闭一些已打开的本教程页面，或等待约 {retry} 秒后<a href="">重试</a>。</p>
<h1 lang="en">Too many pages from your address</h1>
<p lang="en">Close some of the tutorial's pages you have open, or <a href="">try again</a> in about {retry} seconds.</p>
</main>
</body>
</html>
"""

# Query parameters Voila itself reads on a page. With allow_template_override / allow_theme_override off they change
# nothing that is rendered, but Voila still compares them with the preheated pool's and, when they differ, starts a
# new kernel instead of taking a waiting one: a client looping over ?template=x started 77 kernels a minute.
VOILA_QUERY_KEYS = ("template", "theme")


class CappedVoilaHandler(TornadoVoilaHandler):
    """Voila's page handler, answering 503 at once when no kernel may be started, 429 when the client has too many
    pages or asks for them too fast, and shutting down a kernel whose page never connects."""

    def _wants_kernel(self, path) -> bool:
        return str(self.notebook_path or path or "").lower().endswith(".ipynb")

    def client_address(self) -> str:
        return client_of(self.request, self.settings.get("ll_client_ip_header") or "")

    _ll_nonce = None

    def write(self, chunk):
        if self._ll_nonce and isinstance(chunk, str) and "<script" in chunk.lower():
            chunk = stamp_nonce(chunk, self._ll_nonce)
        return super().write(chunk)

    def _refuse(self, status: int, page: str, retry: int) -> None:
        self.clear()
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Retry-After", str(retry))
        self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
        self.finish(page.format(retry=retry))

    def _server_full(self) -> None:
        self._refuse(503, SERVER_FULL_PAGE, RETRY_AFTER_SECONDS)

    def _too_many(self, retry: float = RETRY_AFTER_SECONDS) -> None:
        self._refuse(429, TOO_MANY_PAGE, max(1, math.ceil(retry)))

    @tornado.web.authenticated
    async def get(self, path=None):
        request = self.request
        for key in VOILA_QUERY_KEYS:
            request.arguments.pop(key, None)
            request.query_arguments.pop(key, None)
        if len(request.query) > MAX_QUERY_CHARS:
            # The kernel gets the query as an environment variable (at most 128 KiB on Linux): keep it short.
            request.query = request.query[:MAX_QUERY_CHARS]
            request.uri = f"{request.path}?{request.query}"
        # Voila's page asks the server to shut its kernel down when the tab closes (a beacon carrying the _xsrf
        # cookie), but standalone Voila never sets that cookie, so the request was refused and the kernel lingered
        # until culled. Setting it here lets a closed tab free its place under the cap at once.
        self.xsrf_token  # noqa: B018 - read for its side effect: the _xsrf cookie
        km = self.kernel_manager
        if not self._wants_kernel(path):
            await super().get(path)
            return
        client = self.client_address()
        limiter = self.settings.get("ll_render_limiter")
        wait = limiter.allow(client) if limiter is not None else 0.0
        if wait:
            self.log.warning("Page renders from one client over the rate limit; answered 429")
            self._too_many(wait)
            return
        if getattr(km, "is_full", None) and km.is_full():
            self._server_full()
            return
        if getattr(km, "client_full", None) and km.client_full(client):
            self._too_many()
            return
        # Every <script> of the page is the server's (templates; cell outputs travel as escaped JSON): each gets
        # this response's nonce (see script_src).
        self._ll_nonce = self.request.ll_csp_nonce = __import__("secrets").token_urlsafe(18)
        page_request = {"client": client, "kernels": []}
        token = _REQUEST.set(page_request)
        try:
            await super().get(path)
        except (ServerFull, ClientFull) as exc:
            # Raised where Voila starts (or takes) the kernel, which is before it writes anything.
            if self._headers_written:
                raise
            self._server_full() if isinstance(exc, ServerFull) else self._too_many()
        finally:
            _REQUEST.reset(token)
            for kernel_id in page_request["kernels"]:
                if hasattr(km, "expect_connection"):
                    km.expect_connection(kernel_id)


class PublicRequestInfoHandler(RequestInfoSocketHandler):
    """``/voila/query/<kernel id>``: how a preheated kernel receives the request it was taken for.

    Voila's handler keeps one waiter per id, but on the close of a socket it never registered deleted the *last*
    waiter in its table: 16 sockets opened and closed on a made-up id unhooked every preheated kernel, and the
    visitors they were handed to waited on "Preparing the page… (1/3)" for good. Here: only the machine itself may
    connect (a kernel: loopback, no browser ``Origin``, no proxy's forwarded header), only for a live kernel, one
    socket per kernel, each socket removes only its own entry, and a request is kept for its kernel until delivered
    (the kernel reconnects if it waited too long: widgets/query.py) and forgotten when the kernel stops.
    """

    _waiters: dict = {}
    _cache: dict = {}
    FORWARDED = ("Origin", "X-Forwarded-For", "X-Real-IP", "Forwarded", "X-Forwarded-Host")

    def prepare(self):
        kernel_id = self.path_kwargs.get("kernel_id") or (self.path_args[0] if self.path_args else "")
        try:
            local = ipaddress.ip_address(self.request.remote_ip or "").is_loopback
        except ValueError:
            local = False
        if not local or any(h in self.request.headers for h in self.FORWARDED):
            raise tornado.web.HTTPError(403)
        km = self.settings.get("kernel_manager")
        if km is None or kernel_id not in set(km.list_kernel_ids()) or kernel_id in type(self)._waiters:
            raise tornado.web.HTTPError(404)

    def check_origin(self, origin):
        return False  # no browser may open it (prepare() refuses any Origin already)

    def open(self, kernel_id: str) -> None:
        cls = type(self)
        if kernel_id in cls._waiters:  # a second socket raced the first: refuse it
            self.close(4409, "one connection per kernel")
            return
        self.kernel_id = kernel_id
        cls._waiters[kernel_id] = self
        payload = cls._cache.pop(kernel_id, None)
        if payload is not None:
            self.write_message(payload)

    def on_message(self, message):
        pass  # nothing is read from the kernel

    def on_close(self) -> None:
        kernel_id = getattr(self, "kernel_id", None)
        if kernel_id is not None and type(self)._waiters.get(kernel_id) is self:
            del type(self)._waiters[kernel_id]

    @classmethod
    def send_updates(cls, msg: dict) -> None:
        kernel_id, payload = msg["kernel_id"], msg["payload"]
        waiter = cls._waiters.get(kernel_id)
        if waiter is not None:
            try:
                waiter.write_message(payload)
                return
            except Exception:  # the socket closed meanwhile: keep the request for the kernel's next connection
                pass
        cls._cache[kernel_id] = payload

    @classmethod
    def forget(cls, kernel_id: str) -> None:
        cls._cache.pop(kernel_id, None)
        waiter = cls._waiters.pop(kernel_id, None)
        if waiter is not None:
            try:
                waiter.close()
            except Exception:
                pass


V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"


def _peek(message, v1: bool) -> tuple[str | None, dict | None]:
    """The type of an outgoing kernel message, and its content when it may be one to hold back."""
    try:
        if isinstance(message, dict):
            return message.get("header", {}).get("msg_type"), message.get("content")
        if isinstance(message, str):
            if '"stream"' not in message and '"error"' not in message:
                return None, None
            msg = json.loads(message)
            return msg["header"]["msg_type"], msg.get("content")
        if isinstance(message, bytes):
            if v1:
                n = int.from_bytes(message[:8], "little")
                offsets = [int.from_bytes(message[8 * (i + 1): 8 * (i + 2)], "little") for i in range(n)]
                kind = json.loads(message[offsets[1]:offsets[2]])["msg_type"]
                if kind not in ("stream", "error"):
                    return kind, None
                return kind, json.loads(message[offsets[4]:offsets[5]])
            msg = deserialize_binary_message(message)
            return msg["header"]["msg_type"], msg.get("content")
    except Exception:
        pass
    return None, None


def _without_versions(message, v1: bool):
    """A kernel_info_reply without the versions of Python, IPython and ipykernel (a public page does not need them;
    they tell an attacker what to try). The page reads only the protocol version and the language's name."""

    def clean(content: dict) -> dict:
        content = dict(content)
        content["banner"] = ""
        content["implementation_version"] = ""
        content.pop("help_links", None)
        info = dict(content.get("language_info") or {})
        info.pop("version", None)
        content["language_info"] = info
        return content

    try:
        if isinstance(message, str):
            msg = json.loads(message)
            msg["content"] = clean(msg.get("content") or {})
            return json.dumps(msg, default=json_default)
        if isinstance(message, dict):
            return dict(message, content=clean(message.get("content") or {}))
        if isinstance(message, bytes) and v1:
            from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

            channel, parts = deserialize_msg_from_ws_v1(message)
            parts = list(parts)
            parts[3] = json.dumps(clean(json.loads(parts[3])), default=json_default).encode()
            return serialize_msg_to_ws_v1(parts, channel)
    except Exception:
        pass
    return message


# Open page connections by kernel id, so that a kernel's shutdown can be told to its pages.
_SOCKETS: dict[str, set] = {}
# comm_open messages a kernel has received from its pages (dropped with the kernel).
_COMM_OPENS: dict[str, int] = {}


def _incoming_type(message, v1: bool) -> str | None:
    """The msg_type of a message from the page, read cheaply (None when it cannot be read)."""
    try:
        if isinstance(message, str):
            if "comm_open" not in message:
                return None
            return json.loads(message)["header"]["msg_type"]
        if isinstance(message, bytes):
            if v1:
                n = int.from_bytes(message[:8], "little")
                if n < 3:
                    return None
                start = int.from_bytes(message[16:24], "little")
                end = int.from_bytes(message[24:32], "little")
                return json.loads(message[start:end])["msg_type"]
            return deserialize_binary_message(message)["header"]["msg_type"]
    except Exception:
        return None
    return None


class QuietKernelWebsocketHandler(VoilaKernelWebsocketHandler):
    """The kernel's websocket: holds back stderr and ``error`` messages (tracebacks, paths), which go to the log
    instead, and tells the page when its kernel is shut down."""

    async def open(self, kernel_id, *args, **kwargs):
        _SOCKETS.setdefault(kernel_id, set()).add(self)
        mark = getattr(self.kernel_manager, "mark_connected", None)
        if mark is not None:
            mark(kernel_id)
        return await ensure_async(super().open(kernel_id, *args, **kwargs))

    _queue = None
    _tokens = float(MESSAGE_BURST)
    _stamp = 0.0
    _draining = False

    def on_message(self, message):
        """Each message from the page, at most MESSAGES_PER_SECOND after a burst of MESSAGE_BURST: the rest wait
        in order (a real page's burst is only delayed) and a page that keeps flooding is disconnected. A flood of
        7,500 valid widget changes a second queued in the kernel and in the server's buffers (issue 18 point 6).
        Beyond MAX_COMM_OPENS_PER_KERNEL, a page's comm_open (a new widget model in the kernel) is dropped."""
        if self._queue:
            if len(self._queue) >= MAX_QUEUED_MESSAGES:
                _log_once(self.log, "flood", "A page sent messages faster than %d/s for too long: disconnected",
                          MESSAGES_PER_SECOND)
                self._queue.clear()
                self.close(1008, "too many messages")
                return None
            self._queue.append(message)
            return None
        if not self._take():
            from collections import deque

            self._queue = deque([message])
            self._drain_later()
            return None
        return self._forward(message)

    def _take(self) -> bool:
        now = time.monotonic()
        self._tokens = min(float(MESSAGE_BURST), self._tokens + (now - self._stamp) * MESSAGES_PER_SECOND)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False

    def _drain_later(self) -> None:
        if not self._draining:
            self._draining = True
            asyncio.get_event_loop().call_later(1.0 / MESSAGES_PER_SECOND, self._drain)

    def _drain(self) -> None:
        self._draining = False
        while self._queue and self.ws_connection is not None and self._take():
            self._forward(self._queue.popleft())
        if self._queue and self.ws_connection is not None:
            self._drain_later()
        elif self.ws_connection is None and self._queue:
            self._queue.clear()

    def _forward(self, message):
        if _incoming_type(message, self.selected_subprotocol == V1_PROTOCOL) == "comm_open":
            counts = _COMM_OPENS
            n = counts.get(self.kernel_id, 0) + 1
            counts[self.kernel_id] = n
            if n > MAX_COMM_OPENS_PER_KERNEL:
                _log_once(self.log, "comm_open", "A page opened more than %d comms in its kernel: dropped",
                          MAX_COMM_OPENS_PER_KERNEL)
                return None
        try:
            return super().on_message(message)
        except Exception as exc:  # a malformed frame: one line, not a traceback per frame (issue 18 point 9)
            _log_once(self.log, "bad-frame", "A malformed websocket message was dropped (%s)", type(exc).__name__)
            return None

    def on_close(self):
        if self._queue:
            self._queue.clear()
        sockets = _SOCKETS.get(getattr(self, "kernel_id", None))
        if sockets is not None:
            sockets.discard(self)
            if not sockets:
                _SOCKETS.pop(self.kernel_id, None)
        return super().on_close()

    def end_session(self) -> None:
        """Send the page a 'dead' kernel status, then close: jupyter_server leaves the socket of a shut-down kernel
        open and silent, and the page would simply stop answering."""
        try:
            session = self.connection.session
            msg = session.msg("status", {"execution_state": "dead"})
            if self.selected_subprotocol == V1_PROTOCOL:
                super().write_message(serialize_msg_to_ws_v1(msg, "iopub", session.pack), binary=True)
            else:
                msg["channel"] = "iopub"
                super().write_message(json.dumps(msg, default=json_default))
        except Exception:  # the page may be gone already
            pass
        self.close(1000, "kernel shut down")

    def write_message(self, message, binary: bool = False):
        if self.ws_connection is None:
            # The page has gone (its tab closed, its kernel shut down) while a message of its kernel was on its way:
            # drop it. tornado's selected_subprotocol asserts on a closed socket, which the server log showed as an
            # "Uncaught exception in ZMQStream callback" traceback after every class burst.
            return None
        v1 = self.selected_subprotocol == V1_PROTOCOL
        if (isinstance(message, str) and '"kernel_info_reply"' in message) or \
                (isinstance(message, bytes) and b"kernel_info_reply" in message) or \
                (isinstance(message, dict) and (message.get("header") or {}).get("msg_type") == "kernel_info_reply"):
            message = _without_versions(message, v1)
        kind, content = _peek(message, v1)
        content = content if isinstance(content, dict) else {}
        if kind == "error" or (kind == "stream" and content.get("name") == "stderr"):
            text = content.get("text") if kind == "stream" else content.get("ename")
            self.log.info("kernel %s %s (not sent to the page): %s", self.kernel_id, kind, str(text)[:500])
            return None
        return super().write_message(message, binary)


# The page template: Voila's "lab" page plus the session watcher. Text and markup are fixed: nothing from the
# request or the notebook goes into it.
SESSION_NOTICE_TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}
{{ super() }}
<script>
(function () {
  "use strict";
  var Native = window.WebSocket;
  if (!Native) { return; }
  var CHANNELS = /\/api\/kernels\/[^\/]+\/channels/;
  var open = 0, leaving = false, shown = false, timer = null;
  window.addEventListener("beforeunload", function () { leaving = true; });

  function notice(reason) {
    if (shown || leaving) { return; }
    shown = true;
    window.llSessionLost = reason;
    var box = document.createElement("div");
    box.className = "ll-session-lost";
    box.setAttribute("role", "alert");
    box.setAttribute("data-reason", reason);
    box.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:10000;background:#fff4e5;" +
      "border-bottom:3px solid #8a4b00;color:#1b1b1b;padding:12px 20px;font:17px/1.5 system-ui,sans-serif;";
    var zh = document.createElement("p");
    zh.style.margin = "0";
    zh.textContent = "本页与服务器的会话已结束（可能因长时间未操作，或服务器重启了计算进程），页面不再响应。请刷新页面重新开始。";
    var en = document.createElement("p");
    en.lang = "en";
    en.style.margin = "0 0 6px 0";
    en.textContent = "This page's session on the server has ended (it was idle too long, or the server restarted " +
      "it), so the page no longer responds. Reload the page to start again.";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "ll-session-reload";
    button.textContent = "刷新页面 / Reload";
    button.style.cssText = "font-size:16px;padding:4px 14px;";
    button.addEventListener("click", function () { window.location.reload(); });
    box.appendChild(zh); box.appendChild(en); box.appendChild(button);
    (document.body || document.documentElement).appendChild(box);
  }

  function statusOf(data) {
    try {
      if (typeof data === "string") {
        var m = JSON.parse(data);
        return m && m.header && m.header.msg_type === "status" ? m.content.execution_state : null;
      }
      if (data instanceof ArrayBuffer) {
        // Jupyter's v1 websocket protocol: a count and offsets (little-endian uint64), then channel, header,
        // parent header, metadata, content.
        var view = new DataView(data), n = view.getUint32(0, true);
        if (n < 6) { return null; }
        var off = [];
        for (var i = 1; i <= n; i++) { off.push(view.getUint32(8 * i, true)); }
        var dec = new TextDecoder();
        var header = JSON.parse(dec.decode(new Uint8Array(data, off[1], off[2] - off[1])));
        if (header.msg_type !== "status") { return null; }
        return JSON.parse(dec.decode(new Uint8Array(data, off[4], off[5] - off[4]))).execution_state;
      }
    } catch (e) { /* not a message we can read: ignore it */ }
    return null;
  }

  function Watched(url, protocols) {
    var ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    if (CHANNELS.test(String(url))) {
      ws.addEventListener("open", function () {
        ws.__llOpened = true; open += 1;
        if (timer) { clearTimeout(timer); timer = null; }
      });
      ws.addEventListener("message", function (ev) {
        var state = statusOf(ev.data);
        if (state === "restarting" || state === "autorestarting" || state === "dead") { notice(state); }
      });
      ws.addEventListener("close", function (ev) {
        if (ws.__llOpened) { ws.__llOpened = false; open -= 1; }
        if (leaving || open > 0 || timer) { return; }
        // The page reconnects by itself after a network hiccup; only a connection that stays lost is reported.
        timer = setTimeout(function () { timer = null; if (open <= 0) { notice("disconnected"); } }, 8000);
      });
    }
    return ws;
  }
  Watched.prototype = Native.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) { Watched[k] = Native[k]; });
  window.WebSocket = Watched;
})();
</script>
{%- endblock html_head_js -%}
"""


class PublicVoila(Voila):
    """Voila's standalone app with a kernel cap and the session notice (see the module's docstring)."""

    max_kernels = Integer(
        DEFAULT_MAX_KERNELS, config=True,
        help="Most kernels in use by visitors at once; beyond it a page is answered 503 at once. 0: no cap.",
    )
    session_notice = Bool(
        True, config=True, help="Show a notice with a reload button when a page's kernel dies or is lost.",
    )
    max_per_client = Integer(
        DEFAULT_MAX_PER_CLIENT, config=True,
        help="Most kernels one client address may hold at once; beyond it a page is answered 429. 0: no cap. "
             "A class behind one school address needs at least the class's size.",
    )
    renders_per_minute = Integer(
        0, config=True,
        help="Pages one client address may open a minute (and at once). 0: twice max_per_client, at least 12.",
    )
    client_ip_header = Unicode(
        "", config=True,
        help="Behind a reverse proxy: the header holding the visitor's address, which the proxy sets (its last "
             "entry is used), e.g. X-Real-IP or X-Forwarded-For. Empty: the peer's address.",
    )
    connect_timeout = Float(
        DEFAULT_CONNECT_TIMEOUT_S, config=True,
        help="Seconds a served page has to open its kernel's websocket before the kernel is shut down. 0: forever.",
    )

    max_kernel_memory_mb = Integer(
        DEFAULT_KERNEL_MEMORY_MB, config=True,
        help="A kernel using more memory (resident, MB) is shut down; its page shows the session-ended notice. 0: none.",
    )
    header_timeout = Float(
        HEADER_TIMEOUT_S, config=True,
        help="Seconds a connection has to send a request's headers (and may stay idle between requests).",
    )
    max_connections = Integer(MAX_CONNECTIONS, config=True, help="Most open connections (0: no cap).")
    max_connections_per_client = Integer(
        0, config=True,
        help="Most open connections per client address; 0: ten per page allowed to the client, at least 64. "
             "Not applied behind a proxy (client_ip_header set): the proxy limits its clients.",
    )

    aliases = {**Voila.aliases, "max_kernels": "PublicVoila.max_kernels"}

    def connections_per_client(self) -> int:
        if self.client_ip_header.strip():
            return 0  # every connection comes from the proxy
        if self.max_connections_per_client > 0:
            return self.max_connections_per_client
        if self.max_per_client <= 0:
            return 0
        return max(MIN_CONNECTIONS_PER_CLIENT, CONNECTIONS_PER_PAGE * self.max_per_client)

    def connection_cap(self) -> int:
        """``max_connections``, kept under half of the open-file limit (the kernels' sockets need files too)."""
        try:
            import resource

            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
                resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))
                soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
            files = soft if soft != resource.RLIM_INFINITY else 1 << 20
        except (ImportError, ValueError, OSError):
            files = 1 << 20
        cap = files // 2
        return min(self.max_connections, cap) if self.max_connections > 0 else cap

    def render_limit(self) -> int:
        if self.renders_per_minute > 0:
            return self.renders_per_minute
        return max(12, 2 * self.max_per_client) if self.max_per_client > 0 else 0

    _notice_dir = None

    # Pages the notice knows how to extend: Voila's lab page, and the project's (which extends the lab page).
    NOTICE_PARENTS = {"lab": "lab/index.html.j2", "liability-lab": "liability-lab/index.html.j2"}

    def _page_parent(self) -> str | None:
        """The page template the notice extends (the first ``index.html.j2`` on the search path), if it is one of
        :attr:`NOTICE_PARENTS`; else None (no notice)."""
        for path in self.template_paths:
            if os.path.isfile(os.path.join(path, "index.html.j2")):
                parts = Path(path).parts[-3:]
                return self.NOTICE_PARENTS.get(parts[2]) if parts[:2] == ("voila", "templates") else None
        return None

    def setup_template_dirs(self):
        super().setup_template_dirs()
        parent = self._page_parent() if self.session_notice and self._notice_dir is None else None
        if parent is not None:
            # A folder searched before the template folders, so the exporter's "index.html.j2" is this one (which
            # extends Voila's own lab page). Written at start so that it needs no package data.
            self._notice_dir = tempfile.mkdtemp(prefix="ll-voila-template-")
            with open(os.path.join(self._notice_dir, "index.html.j2"), "w", encoding="utf-8") as fh:
                fh.write(SESSION_NOTICE_TEMPLATE.replace("{%- extends 'lab/index.html.j2' -%}",
                                                         "{%- extends '" + parent + "' -%}", 1))
        if self._notice_dir is not None:
            self.template_paths = [self._notice_dir, *self.template_paths]

    def stop(self):
        try:
            super().stop()
        finally:
            if self._notice_dir is not None:
                shutil.rmtree(self._notice_dir, ignore_errors=True)

    def init_settings(self):
        if self.voila_configuration.page_config_hook is None:
            # The page's config named Voila's version (issue 18 point 9): a public page does not need it.
            self.voila_configuration.page_config_hook = _page_config_without_version
        original = voila_app.voila_kernel_manager_factory

        def factory(*args, **kwargs):
            return capped_kernel_manager(original(*args, **kwargs))

        voila_app.voila_kernel_manager_factory = factory
        try:
            settings = super().init_settings()
        finally:
            voila_app.voila_kernel_manager_factory = original
        self.kernel_manager.max_kernels = self.max_kernels
        self.kernel_manager.max_per_client = self.max_per_client
        self.kernel_manager.connect_timeout = self.connect_timeout
        self.kernel_manager.max_kernel_memory = self.max_kernel_memory_mb * 2**20
        settings["websocket_max_message_size"] = MAX_WS_MESSAGE_BYTES
        settings["transforms"] = [security_transform(self.client_ip_header.strip())]
        settings["log_function"] = log_request
        install_cookie_defaults(trust_forwarded_proto=bool(self.client_ip_header.strip()))
        self._redact_logs()
        settings["ll_client_ip_header"] = self.client_ip_header.strip()
        limit = self.render_limit()
        settings["ll_render_limiter"] = RateLimiter(limit, limit) if limit > 0 else None
        return settings

    def _redact_logs(self) -> None:
        import logging

        redact = RedactKernelIds(self)
        loggers = [self.log, logging.getLogger(), logging.getLogger("tornado.access"),
                   logging.getLogger("tornado.application"), logging.getLogger("tornado.general")]
        handlers = [logging.lastResort] if logging.lastResort is not None else []  # WARNING+ with no handler
        for logger in loggers:
            logger = getattr(logger, "logger", logger)  # a LoggerAdapter
            handlers += list(getattr(logger, "handlers", ()))
            if not any(isinstance(f, RedactKernelIds) for f in logger.filters):
                logger.addFilter(redact)  # records logged on it (a logger's filters do not see its children's)
        for handler in handlers:
            if not any(isinstance(f, RedactKernelIds) for f in handler.filters):
                handler.addFilter(redact)  # records propagated from any logger below

    def init_handlers(self):
        import voila.handler

        # Voila's page handler hands a preheated kernel its request through this name: make it ours.
        voila.handler.RequestInfoSocketHandler = PublicRequestInfoHandler
        replace = {TornadoVoilaHandler: CappedVoilaHandler, VoilaKernelWebsocketHandler: QuietKernelWebsocketHandler,
                   RequestInfoSocketHandler: PublicRequestInfoHandler}
        from jupyter_server.utils import url_path_join

        hidden = [(url_path_join(self.server_url or self.base_url, path), NotFoundHandler)
                  for path in (r"/logout", r"/login")]
        return hidden + [(h[0], replace.get(h[1], h[1]), *h[2:]) for h in super().init_handlers()]

    def listen(self):
        # Voila calls self.app.listen(port, ip); the HTTP server (ours, with a cap on connections) is made there.
        app = self.app
        options = dict(max_header_size=MAX_HEADER_BYTES, max_body_size=MAX_BODY_BYTES,
                       idle_connection_timeout=self.header_timeout, body_timeout=BODY_TIMEOUT_S,
                       max_connections=self.connection_cap(), max_connections_per_client=self.connections_per_client())

        def listen(port, address=None, **kwargs):
            server = CappedHTTPServer(app, **options, **kwargs)
            server.ll_log = self.log
            server.listen(port, address)
            return server

        self.app.listen = listen
        if self.max_kernel_memory_mb > 0:
            from tornado.ioloop import PeriodicCallback

            self._memory_watch = PeriodicCallback(
                lambda: asyncio.ensure_future(self.kernel_manager.check_memory()), MEMORY_CHECK_S * 1000)
            self._memory_watch.start()
        super().listen()


class CappedHTTPServer(tornado.httpserver.HTTPServer):
    """tornado's HTTP server with a cap on open connections, in all and per client address: 900 sockets from one
    client held 196 MB and 1,445 open files, and slow clients were never dropped (issue 18 point 5). A connection
    over a cap is closed at once, before anything is read."""

    def initialize(self, *args, max_connections: int = 0, max_connections_per_client: int = 0, **kwargs):
        super().initialize(*args, **kwargs)
        self.max_connections = max_connections
        self.max_connections_per_client = max_connections_per_client
        self._open: dict[str, int] = {}
        self._total = 0

    def handle_stream(self, stream, address) -> None:
        client = address[0] if isinstance(address, tuple) and address else str(address)
        if (self.max_connections > 0 and self._total >= self.max_connections) or \
                (self.max_connections_per_client > 0 and self._open.get(client, 0) >= self.max_connections_per_client):
            _log_once(getattr(self, "ll_log", None) or _logger(), "conn",
                      "A connection over the cap (%d in all, %d per client) was closed", self.max_connections,
                      self.max_connections_per_client)
            stream.close()
            return
        self._total += 1
        self._open[client] = self._open.get(client, 0) + 1
        close = stream.close

        def counted_close(*args, **kwargs):
            if not getattr(stream, "_ll_released", False):
                stream._ll_released = True
                self._total -= 1
                left = self._open.get(client, 1) - 1
                if left > 0:
                    self._open[client] = left
                else:
                    self._open.pop(client, None)
            return close(*args, **kwargs)

        stream.close = counted_close
        super().handle_stream(stream, address)


def _logger():
    import logging

    return logging.getLogger("PublicVoila")


main = PublicVoila.launch_instance

if __name__ == "__main__":
    main()
