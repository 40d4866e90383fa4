"""A preheated kernel's request is not lost when it is written to a socket the kernel is just leaving (issue 18: in
the class of 40 one load in 80 stayed on "Preparing the page… (1/3)" for 178 s).

A pooled kernel waits for its request on ``/voila/query/<kernel id>`` (widgets/query.py) and reconnects every 30 s.
The server wrote the request to the registered socket and forgot it; when that socket was one whose wait had just
run out (the kernel closing it, the server, busy with a class's burst, not yet aware), the request went nowhere, the
kernel's next connection found nothing, and the page waited until its kernel was stopped. Reproduced here
deterministically: the server's real handler, a kernel's socket that closes without reading what was written to it,
then the kernel's real wait (``widgets.query._wait_for_request``).
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid

import pytest
import tornado.web

from server.handlers import PublicRequestInfoHandler
from server.processes import free_port

pytestmark = pytest.mark.timeout(60)


class _Kernels:
    def __init__(self, *ids: str):
        self.ids = list(ids)

    def list_kernel_ids(self):
        return list(self.ids)


def _serve(kernel_id: str):
    """The request-info handler on a loopback port, on an event loop in a thread: (loop, port, stop)."""
    loop = asyncio.new_event_loop()
    port = free_port()
    ready = threading.Event()
    box = {}

    def run():
        asyncio.set_event_loop(loop)
        app = tornado.web.Application([(r"/voila/query/(?P<kernel_id>[^/]+)", PublicRequestInfoHandler)],
                                      kernel_manager=_Kernels(kernel_id))
        box["server"] = app.listen(port, "127.0.0.1")
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)

    def stop():
        async def close():
            box["server"].stop()

        asyncio.run_coroutine_threadsafe(close(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)

    return loop, port, stop


def _on_loop(loop, fn):
    async def call():
        return fn()

    return asyncio.run_coroutine_threadsafe(call(), loop).result(5)


def test_a_request_written_to_a_socket_the_kernel_is_leaving_reaches_its_next_socket(monkeypatch):
    import widgets.query as query
    from websockets.sync.client import connect

    kernel = str(uuid.uuid4())
    loop, port, stop = _serve(kernel)
    try:
        url = f"ws://127.0.0.1:{port}/voila/query/{kernel}"
        with connect(url, open_timeout=5, close_timeout=1):
            # Registered: the visitor's request is written to this socket...
            for _ in range(100):
                if _on_loop(loop, lambda: kernel in PublicRequestInfoHandler.waiting_kernels()):
                    break
                threading.Event().wait(0.05)
            payload = json.dumps({"QUERY_STRING": "lang=en&platform_mode=self_operated", "SERVER_NAME": "127.0.0.1"})
            _on_loop(loop, lambda: PublicRequestInfoHandler.send_updates({"kernel_id": kernel, "payload": payload}))
        # ...but the kernel's 30-s wait had just run out: it closed the socket without reading, and reconnects.

        for key, value in {"VOILA_APP_PORT": str(port), "VOILA_KERNEL_ID": kernel, "VOILA_SERVER_URL": "/",
                           "QUERY_STRING": "", "SERVER_NAME": ""}.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("VOILA_WS_BASE_URL", raising=False)
        monkeypatch.delenv("VOILA_APP_IP", raising=False)
        monkeypatch.setattr(query, "RECONNECT_S", 1.0)
        done = threading.Event()

        def wait():
            query._wait_for_request()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        assert done.wait(15), "the kernel never received its request (it was lost on the socket it left)"
        import os

        assert os.environ["QUERY_STRING"] == "lang=en&platform_mode=self_operated"
    finally:
        _on_loop(loop, lambda: PublicRequestInfoHandler.forget(kernel))
        stop()


def test_a_kernel_refused_while_its_previous_socket_is_still_registered_keeps_trying(monkeypatch):
    """The server refuses a second socket for a kernel (one per kernel) until it has seen the first one close; a
    kernel reconnecting in that window was refused and gave up after 5 refusals (5 s), a burst's server being busy
    longer than that. It keeps trying while the server answers, and gets its request."""
    import widgets.query as query
    from websockets.sync.client import connect

    kernel = str(uuid.uuid4())
    loop, port, stop = _serve(kernel)
    try:
        url = f"ws://127.0.0.1:{port}/voila/query/{kernel}"
        stale = connect(url, open_timeout=5, close_timeout=1)  # the socket the server has not yet seen close
        for key, value in {"VOILA_APP_PORT": str(port), "VOILA_KERNEL_ID": kernel, "VOILA_SERVER_URL": "/",
                           "QUERY_STRING": "", "SERVER_NAME": ""}.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("VOILA_WS_BASE_URL", raising=False)
        monkeypatch.delenv("VOILA_APP_IP", raising=False)
        done = threading.Event()

        def wait():
            query._wait_for_request()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        assert not done.wait(7), "the kernel gave up while the server was still answering"
        stale.close()  # the server sees it close at last; the request arrives
        payload = json.dumps({"QUERY_STRING": "lang=en", "SERVER_NAME": "127.0.0.1"})
        _on_loop(loop, lambda: PublicRequestInfoHandler.send_updates({"kernel_id": kernel, "payload": payload}))
        assert done.wait(15), "the kernel never received its request"
        import os

        assert os.environ["QUERY_STRING"] == "lang=en"
    finally:
        _on_loop(loop, lambda: PublicRequestInfoHandler.forget(kernel))
        stop()
