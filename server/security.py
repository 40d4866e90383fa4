"""What every response of the public server carries and what its log leaves out: the Content-Security-Policy (a
nonce for a page's own scripts), ``nosniff``, ``Referrer-Policy``, cookie defaults, no versions, no kernel ids."""

from __future__ import annotations

import functools

import tornado.httpserver
import tornado.web

from .limits import ASSET_PREFIXES, client_of, note_activity

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
    from .handlers import PublicRequestInfoHandler  # here: the handlers use this module's nonce

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
