"""Issue 18: what a red team of `serve --public` broke, each attack replayed against the real command on 127.0.0.1.

Bounded in count and time: each test starts its own `python -m casebook.cli serve --public` on a free loopback port
(a small notebook unless the analyzer is needed), sends at most a few hundred requests or messages, and stops it.
"""

from __future__ import annotations

import concurrent.futures
import json
import socket
import time
import uuid
from pathlib import Path

import pytest

from public_helpers import (
    ANALYZER,
    LIGHT_POOL,
    NO_POOL,
    KernelChannels,
    PublicServer,
    copy_notebooks,
    kernel_id_from_html,
    msg_type,
)

pytestmark = [pytest.mark.timeout(240)]

TINY = '''import ipywidgets as W
d = W.Dropdown(options=["a", "b"], description="x")
d.add_class("ll-fact-tiny")
W.VBox([d, W.HTML('<div class="ll-outcome" data-liability-form="none">tiny</div>')])'''


def _notebook(path: Path, code: str = TINY) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("attack-site")
    _notebook(root / "tiny.ipynb")
    return root


@pytest.fixture(scope="module")
def full_site(tmp_path_factory) -> Path:
    return copy_notebooks(tmp_path_factory.mktemp("attack-full-site"))


def _kernel_pid(kernel_id: str) -> int | None:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"kernel-{kernel_id}.json".encode() in (entry / "cmdline").read_bytes():
                    return int(entry.name)
            except OSError:
                continue
    return None


def _wait(predicate, timeout: float, step: float = 0.3) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def _ws_handshake(port: int, path: str, headers: dict | None = None, timeout: float = 5.0) -> int:
    """The status of a websocket handshake on ``path`` (101 when it is accepted); the socket is then closed."""
    key = "dGhlIHNhbXBsZSBub25jZQ=="
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0


# --- point 1: the request-info socket ---------------------------------------------------------------------------


def test_sockets_on_made_up_ids_do_not_unhook_the_preheated_kernels(full_site, tmp_path):
    """Opening and closing 16 sockets on /voila/query/<made-up id> unhooked every preheated kernel in Voila's own
    handler: the visitors given those kernels waited on "Preparing the page" for good. Here the sockets are refused,
    and the visitors get their pages (with their own URL's language)."""
    pools = '--VoilaKernelManager.kernel_pools_config={"default": {"pool_size": 0}, "analyzer.ipynb": {"pool_size": 2}}'
    srv = PublicServer(full_site, tmp_path / "serve.log", max_kernels=6, voila_flags=(pools,)).wait_ready()
    try:
        assert _wait(lambda: len(srv.kernel_pids()) >= 2, 90), "the pool did not fill"
        time.sleep(8)  # the pooled kernels run the analyzer up to reading the URL, and wait there
        for _ in range(16):
            assert _ws_handshake(srv.port, f"/voila/query/{uuid.uuid4()}") != 101
        # A browser (Origin) or a client behind a proxy (forwarded header) may not open one for any id either.
        made_up = str(uuid.uuid4())
        assert _ws_handshake(srv.port, f"/voila/query/{made_up}", {"Origin": srv.url.rstrip("/")}) in (403, 404)
        assert _ws_handshake(srv.port, f"/voila/query/{made_up}", {"X-Forwarded-For": "203.0.113.9"}) in (403, 404)
        for lang, word in (("en", "Business mode"), ("en", "Business mode")):
            started = time.monotonic()
            status, _, body = srv.get(f"/{ANALYZER}?lang={lang}", timeout=60)
            took = time.monotonic() - started
            text = body.decode("utf-8", "replace")
            assert status == 200 and "</html>" in text, (status, took)
            assert took < 45, f"the page took {took:.0f} s"
            kernel_id = kernel_id_from_html(text)
            ch = KernelChannels(srv.url, kernel_id)
            try:
                from public_helpers import widget_states

                states = widget_states(ch, timeout=30)
                labels = " ".join(str(s.get("description", "")) for s in states.values())
                assert word in labels, "the kernel did not receive its request (?lang=en)"
            finally:
                ch.close()
                srv.shutdown_kernel(kernel_id)
    finally:
        srv.stop()


def test_the_request_info_handler_keeps_one_socket_per_live_kernel_and_removes_only_its_own():
    from casebook.voila_public import PublicRequestInfoHandler

    class Fake:
        def __init__(self):
            self.sent = []

        def write_message(self, payload):
            self.sent.append(payload)

    cls = PublicRequestInfoHandler
    cls._waiters.clear()
    cls._cache.clear()
    a, b = object.__new__(cls), object.__new__(cls)
    a.kernel_id, b.kernel_id = "k-a", "k-b"
    cls._waiters.update({"k-a": a, "k-b": b})
    stranger = object.__new__(cls)  # a socket that never registered
    stranger.kernel_id = "k-b"
    stranger.on_close()
    assert cls._waiters == {"k-a": a, "k-b": b}, "a socket it never registered removed an entry"
    never = object.__new__(cls)
    never.on_close()  # no kernel id at all (refused before open)
    assert set(cls._waiters) == {"k-a", "k-b"}
    cls.send_updates({"kernel_id": "k-c", "payload": {"QUERY_STRING": "lang=en"}})
    assert cls._cache == {"k-c": {"QUERY_STRING": "lang=en"}}
    cls.forget("k-c")
    assert cls._cache == {}, "a stopped kernel's request must not be kept"
    cls._waiters.clear()


# --- point 3: a lock-out with three plain requests ----------------------------------------------------------------


def test_three_plain_gets_no_longer_lock_the_server_out(tiny_site, tmp_path):
    """Three GETs without a browser filled --max-kernels 3 for five minutes. A kernel whose page opens no websocket
    within the connect timeout is shut down (set to 4 s here; 30 s by default)."""
    from casebook.serving import DEFAULT_CONNECT_TIMEOUT_S

    assert 10 <= DEFAULT_CONNECT_TIMEOUT_S <= 45
    srv = PublicServer(tiny_site, tmp_path / "serve.log", max_kernels=3,
                       voila_flags=(NO_POOL, "--PublicVoila.connect_timeout=4")).wait_ready()
    try:
        started = time.monotonic()
        for _ in range(3):
            assert srv.get("/voila/render/tiny.ipynb", timeout=60)[0] == 200
        assert srv.get("/voila/render/tiny.ipynb", timeout=10)[0] == 503
        assert _wait(lambda: not srv.kernel_pids(), 30), "kernels of pages that never connected stay"
        assert time.monotonic() - started < 40
        # A page that does connect keeps its kernel.
        status, _, body = srv.get("/voila/render/tiny.ipynb", timeout=60)
        assert status == 200
        kernel_id = kernel_id_from_html(body.decode())
        ch = KernelChannels(srv.url, kernel_id)
        try:
            time.sleep(7)
            assert srv.get(f"/api/kernels/{kernel_id}")[0] == 200, "a connected page lost its kernel"
        finally:
            ch.close()
        assert "never connected to its kernel" in srv.log_text()
    finally:
        srv.stop()


def test_one_client_address_cannot_take_every_kernel(tiny_site, tmp_path):
    """Kernels are capped per client address (429 beyond it); behind a proxy the operator's trusted header names
    the client; page renders are rate-limited per client."""
    srv = PublicServer(tiny_site, tmp_path / "serve.log", max_kernels=10, voila_flags=(
        NO_POOL, "--PublicVoila.max_per_client=2", "--PublicVoila.renders_per_minute=6",
        "--PublicVoila.client_ip_header=X-Real-IP")).wait_ready()
    channels = []
    try:
        ids = []
        for _ in range(2):
            status, _, body = srv.get("/voila/render/tiny.ipynb", timeout=60, headers={"X-Real-IP": "198.51.100.7"})
            assert status == 200
            ids.append(kernel_id_from_html(body.decode()))
            channels.append(KernelChannels(srv.url, ids[-1]))
        status, headers, body = srv.get("/voila/render/tiny.ipynb?lang=en", timeout=10,
                                        headers={"X-Real-IP": "198.51.100.7"})
        text = body.decode("utf-8")
        assert status == 429 and headers.get("Retry-After"), status
        assert "来自您的网络地址的页面太多" in text and "Too many pages from your address" in text
        assert len(srv.kernel_pids()) == 2
        # Another visitor (another address behind the same proxy) is served.
        status, _, body = srv.get("/voila/render/tiny.ipynb", timeout=60, headers={"X-Real-IP": "198.51.100.8"})
        assert status == 200
        srv.shutdown_kernel(kernel_id_from_html(body.decode()))
        # A closed page frees its client's place.
        srv.shutdown_kernel(ids[0])
        assert _wait(lambda: srv.get("/voila/render/tiny.ipynb", timeout=60,
                                     headers={"X-Real-IP": "198.51.100.7"})[0] == 200, 15)
        # The render rate: 6 a minute per address, whatever the kernels.
        statuses = [srv.get("/voila/", timeout=10)[0]] + [
            srv.get("/voila/render/missing.ipynb", timeout=10, headers={"X-Real-IP": "192.0.2.1"})[0]
            for _ in range(8)]
        assert statuses.count(429) >= 2, statuses
    finally:
        for ch in channels:
            ch.close()
        srv.stop()


# --- point 7: ?template=x skipped the preheated pool ------------------------------------------------------------


def test_voila_parameters_in_the_url_do_not_skip_the_preheated_pool(tiny_site, tmp_path):
    pool = '--VoilaKernelManager.kernel_pools_config={"default": {"pool_size": 1}}'
    srv = PublicServer(tiny_site, tmp_path / "serve.log", max_kernels=6,
                       voila_flags=("--VoilaConfiguration.preheat_kernel=True", pool,
                                    "--VoilaKernelManager.fill_delay=1")).wait_ready()
    try:
        for query in ("template=x", "theme=dark&template=lab", "template=../../etc"):
            assert _wait(lambda: len(srv.kernel_pids()) >= 1, 30)
            time.sleep(1.5)
            pooled = set(srv.kernel_pids())
            status, _, body = srv.get(f"/voila/render/tiny.ipynb?{query}", timeout=60)
            assert status == 200
            kernel_id = kernel_id_from_html(body.decode())
            assert _kernel_pid(kernel_id) in pooled, f"?{query} started a kernel of its own instead of a pooled one"
            srv.shutdown_kernel(kernel_id)
    finally:
        srv.stop()
