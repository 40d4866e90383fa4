"""Voila for the public demo: Voila's own standalone app, plus what Voila 0.5 has no setting for.

Standalone Voila already refuses ``execute_request`` from the browser (only comm and info messages pass); the
hardened settings are ordinary Voila configuration, listed with their reasons in :mod:`server.settings`. This module
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

Run it as ``python -m server.public [voila options] NOTEBOOK_DIR``; ``liability-lab serve --public`` does.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

import tornado.httpserver
import tornado.web
from traitlets import Bool, Float, Integer, Unicode
from voila import app as voila_app
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler
from voila.request_info_handler import RequestInfoSocketHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from .settings import DEFAULT_CONNECT_TIMEOUT_S, DEFAULT_MAX_KERNELS, DEFAULT_MAX_PER_CLIENT
from .handlers import CappedVoilaHandler, PublicRequestInfoHandler, QuietKernelWebsocketHandler
from .kernels import capped_kernel_manager
from .limits import (BODY_TIMEOUT_S, CONNECTIONS_PER_PAGE, DEFAULT_KERNEL_MEMORY_MB, HEADER_TIMEOUT_S, MAX_BODY_BYTES,
                     MAX_CONNECTIONS, MAX_HEADER_BYTES, MAX_WS_MESSAGE_BYTES, MEMORY_CHECK_S,
                     MIN_CONNECTIONS_PER_CLIENT, RateLimiter, _log_once)
from .security import (NotFoundHandler, RedactKernelIds, _page_config_without_version, install_cookie_defaults,
                       log_request, security_transform)

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

    # What only a server open to anyone needs (security headers, log redaction, bounded websocket messages); the
    # default server (server/local.py) keeps the rest: the freed kernels, the pool's refill, the session notice.
    hardened = True

    def init_settings(self):
        if self.hardened and self.voila_configuration.page_config_hook is None:
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
        if not self.hardened:
            return settings
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
