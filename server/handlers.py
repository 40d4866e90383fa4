"""The public server's request handlers: the page (capped, rate-limited, its query bounded), the request-info socket
(one per live kernel of this machine), and the kernel websocket (bounded messages, no stderr or versions on the wire,
the session notice when a kernel ends)."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import math
import time

import tornado.httpserver
import tornado.web
from jupyter_core.utils import ensure_async
from jupyter_client.jsonutil import json_default
from jupyter_server.services.kernels.connection.base import deserialize_binary_message, serialize_msg_to_ws_v1
from voila.tornado.handler import TornadoVoilaHandler
from voila.request_info_handler import RequestInfoSocketHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from .limits import (_COMM_OPENS, _REQUEST, _SOCKETS, MAX_COMM_OPENS_PER_KERNEL, MAX_QUERY_CHARS, MAX_QUEUED_MESSAGES,
                     MESSAGE_BURST, MESSAGES_PER_SECOND, RETRY_AFTER_SECONDS, ClientFull, ServerFull, _log_once,
                     client_of)
from .security import stamp_nonce

# The look of the pages that refuse a visitor (503 server full, 429 too many pages): formatted with their retry time.
REFUSAL_STYLE = """<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", sans-serif; font-size: 18px; line-height: 1.6; color: #1b1b1b;
       max-width: 40em; margin: 4em auto; padding: 0 1em; }}
h1 {{ font-size: 1.6em; }}
a {{ color: #1a4480; font-weight: 600; }}
</style>
"""

SERVER_FULL_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{retry}">
<title>服务器已满 / Server full</title>
""" + REFUSAL_STYLE + """</head>
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
""" + REFUSAL_STYLE + """</head>
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
    socket per kernel, each socket removes only its own entry, and a request is kept for its kernel until the kernel
    stops, sent again on every connection: a request written to a socket the kernel was just leaving (its 30-s wait
    ran out and it reconnects: widgets/query.py) was lost, and in a class of 40 one page in 80 stayed on "Preparing
    the page… (1/3)" until its kernel was stopped (issue 18, the class burst).
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
        payload = cls._cache.get(kernel_id)
        if payload is not None:
            self.write_message(payload)

    def on_message(self, message):
        pass  # nothing is read from the kernel

    def on_close(self) -> None:
        kernel_id = getattr(self, "kernel_id", None)
        if kernel_id is not None and type(self)._waiters.get(kernel_id) is self:
            del type(self)._waiters[kernel_id]

    @classmethod
    def socket_of(cls, kernel_id: str):
        """The socket registered for ``kernel_id`` now (None when it has none)."""
        return cls._waiters.get(kernel_id)

    @classmethod
    def waiting_kernels(cls) -> frozenset:
        """The kernels with a socket registered now."""
        return frozenset(cls._waiters)

    @classmethod
    def kept_requests(cls) -> dict:
        """``{kernel id: request}`` kept until each kernel stops (a copy)."""
        return dict(cls._cache)

    @classmethod
    def send_updates(cls, msg: dict) -> None:
        kernel_id, payload = msg["kernel_id"], msg["payload"]
        # Kept until the kernel stops (forget): a socket that takes the write may be one its kernel is leaving,
        # and the kernel's next connection must get the request again. A kernel reads one request and stops.
        cls._cache[kernel_id] = payload
        waiter = cls._waiters.get(kernel_id)
        if waiter is not None:
            try:
                waiter.write_message(payload)
            except Exception:  # the socket closed meanwhile: the kernel's next connection gets it
                pass

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
