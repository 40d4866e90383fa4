"""The public server's limits: sizes, rates and caps, with the small tools that enforce them (a token bucket per
client, the page request being served, one log line per kind of refusal). Their reasons are in the README's table
(:data:`server.settings.PUBLIC_LIMITS`)."""

from __future__ import annotations

import contextvars
import ctypes
import gc
import time


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


# Open page connections by kernel id, so that a kernel's shutdown can be told to its pages.
_SOCKETS: dict[str, set] = {}
# comm_open messages a kernel has received from its pages (dropped with the kernel).
_COMM_OPENS: dict[str, int] = {}
