"""Helpers for the public-demo tests: a `liability-lab serve --public` server, and a kernel client that speaks the
Jupyter websocket protocol as a hostile browser would.

* :class:`PublicServer` starts ``python -m server.cli serve --public`` (the real command) on a free loopback port,
  serving a folder of notebooks, and measures the memory of the server and its kernels.
* :class:`KernelChannels` opens ``/api/kernels/<id>/channels`` like a page does and sends anything: execute
  requests, comm messages setting any widget trait to any value. It runs its own event loop in a thread, so it can
  be used beside Playwright's sync API.
* :func:`widget_states` lists every widget model of a kernel with its full state (ipywidgets 8's control comm).
"""

from __future__ import annotations

import asyncio
import json
import queue
import shutil
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
ANALYZER = "voila/render/analyzer.ipynb"
FORMS = ("none", "as_seller", "joint", "supplementary", "proportional", "non_genuine_joint", "undetermined")
# The outcome hook with a form in it (the empty state carries data-liability-form="").
OUTCOME = '.ll-outcome[data-liability-form]:not([data-liability-form=""])'


# If the public settings preheat kernels (a pool per notebook), the tests keep the pool small: one kernel waiting
# for the analyzer, none for other pages. Without preheating this setting does nothing.
LIGHT_POOL = ('--VoilaKernelManager.kernel_pools_config='
              '{"default": {"pool_size": 0}, "analyzer.ipynb": {"pool_size": 1}}')
NO_POOL = "--VoilaConfiguration.preheat_kernel=False"


from benchmarks.harness import VoilaServer, wait_until  # noqa: E402,F401 (the one harness; wait_until re-exported)
from server.processes import free_port  # noqa: E402,F401 (re-exported for the tests)


def copy_notebooks(dest: Path) -> Path:
    """A copy of the project's notebooks (and any files beside them) in ``dest``."""
    shutil.copytree(NOTEBOOKS, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
                    dirs_exist_ok=True)
    return dest


# A notebook of one dropdown and an outcome display: enough for the protocol tests, quick for a kernel to run.
TINY = '''import ipywidgets as W
d = W.Dropdown(options=["a", "b"], description="x")
d.add_class("ll-fact-tiny")
W.VBox([d, W.HTML('<div class="ll-outcome" data-liability-form="none">tiny</div>')])'''


def write_notebook(path: Path, code: str = TINY) -> None:
    """A one-cell Python notebook holding ``code`` at ``path``."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


class PublicServer(VoilaServer):
    """``liability-lab serve --public`` (``public=False``: plain ``liability-lab serve``, ``make demo``'s server) on a
    free loopback port: the one harness (benchmarks/harness.py) with this module's defaults."""

    def __init__(self, notebook_dir: Path, log_path: Path, max_kernels: int | None = None,
                 voila_flags: tuple[str, ...] = (LIGHT_POOL,), max_per_client: int | None = None,
                 public: bool = True):
        flags = []
        if max_kernels is not None:
            flags += ["--max-kernels", str(max_kernels)]
        if max_per_client is not None:  # every test client is 127.0.0.1: a suite of many pages is a class
            flags += ["--max-per-client", str(max_per_client)]
        made = VoilaServer.serve(notebook_dir, log_path, public=public, flags=flags, voila_flags=voila_flags,
                                 start=False)
        super().__init__(made.argv, log_path, made.port, made.name)
        self.cmd = self.argv




# --- the kernel websocket --------------------------------------------------------------------------------------


class KernelChannels:
    """A client of ``/api/kernels/<id>/channels``: what a page's JavaScript does, without the page's manners.

    ``subprotocol`` ``None`` speaks the JSON protocol (binary frames for messages with buffers);
    ``"v1.kernel.websocket.jupyter.org"`` speaks the v1 binary protocol. Received messages are queued.
    """

    V1 = "v1.kernel.websocket.jupyter.org"

    def __init__(self, base_url: str, kernel_id: str, subprotocol: str | None = None, timeout: float = 20.0):
        from tornado.websocket import websocket_connect

        self.kernel_id = kernel_id
        self.session = uuid.uuid4().hex
        self.subprotocol = subprotocol
        self.messages: queue.Queue = queue.Queue()
        self.closed = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        url = base_url.replace("http://", "ws://").rstrip("/") + f"/api/kernels/{kernel_id}/channels?session_id={self.session}"

        async def connect():
            return await websocket_connect(url, on_message_callback=self._on_message,
                                           subprotocols=[subprotocol] if subprotocol else None,
                                           max_message_size=64 * 1024 * 1024)

        self._ws = asyncio.run_coroutine_threadsafe(connect(), self._loop).result(timeout)

    def _on_message(self, data) -> None:
        if data is None:
            self.closed = True
            self.messages.put(None)
            return
        try:
            self.messages.put(self._decode(data))
        except Exception as exc:  # keep the reader alive; a test will see the odd message
            self.messages.put({"undecodable": repr(exc)})

    def _decode(self, data) -> dict:
        from jupyter_server.services.kernels.connection.base import (
            deserialize_binary_message,
            deserialize_msg_from_ws_v1,
        )

        if self.subprotocol == self.V1:
            channel, parts = deserialize_msg_from_ws_v1(data)
            msg = {"channel": channel, "header": json.loads(parts[0]), "parent_header": json.loads(parts[1]),
                   "metadata": json.loads(parts[2]), "content": json.loads(parts[3]), "buffers": parts[4:]}
            return msg
        if isinstance(data, bytes):
            return deserialize_binary_message(data)
        return json.loads(data)

    def message(self, msg_type: str, content: dict, channel: str = "shell", buffers=(), metadata=None) -> dict:
        return {
            "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "visitor",
                       "session": self.session, "date": datetime.now(timezone.utc).isoformat(), "version": "5.3"},
            "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": channel, "buffers": list(buffers),
        }

    def send_raw(self, payload) -> None:
        """Send a frame as it is (text or bytes): for malformed messages."""
        async def write():
            await self._ws.write_message(payload, binary=isinstance(payload, bytes))

        asyncio.run_coroutine_threadsafe(write(), self._loop).result(10)

    def send(self, msg_type: str, content: dict, channel: str = "shell", buffers=(), metadata=None) -> str:
        from jupyter_server.services.kernels.connection.base import (
            serialize_binary_message,
            serialize_msg_to_ws_v1,
        )

        msg = self.message(msg_type, content, channel, buffers, metadata)
        if self.subprotocol == self.V1:
            parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
            frame = serialize_msg_to_ws_v1(parts + [bytes(b) for b in buffers], channel)
        elif buffers:
            frame = serialize_binary_message(msg)
        else:
            frame = json.dumps(msg)
        self.send_raw(frame)
        return msg["header"]["msg_id"]

    def recv(self, timeout: float = 10.0):
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            return None

    def drain(self, seconds: float) -> list[dict]:
        """Every message that arrives within ``seconds``."""
        out, deadline = [], time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            msg = self.recv(left)
            if msg is not None:
                out.append(msg)
        return out

    def wait_for(self, predicate, timeout: float = 15.0) -> dict | None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            msg = self.recv(left)
            if msg is None and self.closed:
                return None
            if msg is not None and predicate(msg):
                return msg
        return None

    def close(self) -> None:
        try:
            self._loop.call_soon_threadsafe(self._ws.close)
        except Exception:
            pass
        time.sleep(0.05)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    # --- widgets -----------------------------------------------------------------------------------------------

    def comm_update(self, comm_id: str, state: dict, buffer_paths=(), buffers=()) -> str:
        """Set any trait of any widget, as ``ipywidgets`` in a browser would."""
        return self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": state,
                                                                    "buffer_paths": list(buffer_paths)}},
                         buffers=buffers)

    def click(self, comm_id: str) -> str:
        return self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "custom",
                                                                    "content": {"event": "click"}}})


def widget_states(ch: KernelChannels, timeout: float = 20.0) -> dict[str, dict]:
    """``{model_id: state}`` for every widget in the kernel (``_model_name``, ``_dom_classes``, ``value``, ...)."""
    control = uuid.uuid4().hex
    opened = ch.send("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
                     metadata={"version": "1.0.0"})
    # Wait until the kernel has opened the comm: a request sent straight after it sometimes finds no such comm.
    ch.wait_for(lambda m: msg_type(m) == "status" and m["content"].get("execution_state") == "idle"
                and (m.get("parent_header") or {}).get("msg_id") == opened, timeout)
    ch.send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
    msg = ch.wait_for(lambda m: m.get("msg_type", m.get("header", {}).get("msg_type")) == "comm_msg"
                      and m["content"].get("comm_id") == control, timeout)
    if msg is None:
        raise TimeoutError("no widget states from the kernel")
    states = msg["content"]["data"]["states"]
    return {mid: dict(entry["state"], _model_name=entry.get("model_name", entry["state"].get("_model_name")))
            for mid, entry in states.items()}


def msg_type(msg: dict) -> str:
    return (msg.get("header") or {}).get("msg_type") or msg.get("msg_type", "")


def by_class(states: dict[str, dict], cls: str) -> list[str]:
    return [mid for mid, s in states.items() if cls in (s.get("_dom_classes") or ())]


def html_values(states: dict[str, dict]) -> dict[str, str]:
    return {mid: s["value"] for mid, s in states.items() if s.get("_model_name") == "HTMLModel"
            and isinstance(s.get("value"), str)}


def outcome_form(states: dict[str, dict]) -> str | None:
    """The liability form the outcome display shows, from the widget states (None when there is none)."""
    import re

    for value in html_values(states).values():
        m = re.search(r'class="ll-outcome[^"]*"[^>]*data-liability-form="([^"]*)"', value) or \
            re.search(r'data-liability-form="([^"]*)"[^>]*class="ll-outcome', value)
        if m and m.group(1):
            return m.group(1)
    return None


def outcome_updates(msg: dict) -> str | None:
    """The form in a kernel → page widget update of the outcome, else None."""
    if msg_type(msg) != "comm_msg":
        return None
    data = (msg.get("content") or {}).get("data") or {}
    value = (data.get("state") or {}).get("value")
    if isinstance(value, str) and "ll-outcome" in value:
        import re

        m = re.search(r'data-liability-form="([^"]*)"', value)
        return m.group(1) if m else None
    return None


def page_kernel_id(page) -> str:
    """The kernel id of a Voila page open in Playwright."""
    return page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def kernel_id_from_html(html: str) -> str:
    import re

    m = re.search(r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>', html, re.S)
    if not m:
        raise ValueError("no jupyter-config-data in the page")
    return json.loads(m.group(1))["kernelId"]
