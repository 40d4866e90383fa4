"""SetUpload: a teacher loads their own scenario set (YAML or JSON) from a file.

The browser can send anything as an upload, so the file is checked before it is read: one file, a name ending in
.yaml, .yml or .json, at most :data:`casebook.scenario_sets.MAX_BYTES`; then :func:`casebook.scenario_sets.load_set`
parses it (UTF-8, no YAML aliases) and checks its schema. Every outcome is a clear, escaped message; a good set is
handed to the callbacks registered with :meth:`on_load`, with any disagreement between its stored answers and the
engine (:func:`casebook.scenario_sets.verify_set`) reported as a warning.
"""

from __future__ import annotations

import ipywidgets as W
from traitlets import Unicode

from casebook.scenario_sets import MAX_BYTES, ScenarioSetError, load_set, verify_set

from ..base import Lang, LangGuard, esc, safe_lang, tr
from ..controls import Display, FixedVBox
from .common import section, text_of
from .._view import shared_layout
from .common import large_controls_style as lesson_style
from ..words import table

EXTENSIONS = (".yaml", ".yml", ".json")
MAX_NAME = 255

UI = table("lessons/set_upload")


class _GuardedUpload(W.FileUpload):
    """A FileUpload that takes from the browser only ``value``, with at most one file no larger than the limit."""

    def __init__(self, *args, on_reject=None, **kwargs):
        self.on_reject = on_reject
        super().__init__(*args, **kwargs)

    def set_state(self, sync_data):
        if not isinstance(sync_data, dict) or set(sync_data) - {"value"}:
            self._refuse("refused")
            return
        if "value" not in sync_data:
            return
        files = sync_data["value"]
        if not isinstance(files, (list, tuple)):
            self._refuse("refused")
            return
        if len(files) > 1:
            self._refuse("many")
            return
        for entry in files:
            if not (isinstance(entry, dict) and isinstance(entry.get("name"), str)
                    and isinstance(entry.get("content"), (bytes, bytearray, memoryview))
                    and isinstance(entry.get("last_modified"), (int, float)) and not isinstance(entry.get("size"), bool)
                    and isinstance(entry.get("size"), int) and isinstance(entry.get("type"), str)):
                self._refuse("refused")
                return
            if len(entry["content"]) > MAX_BYTES or entry["size"] > MAX_BYTES:
                self._refuse("too_big", size=max(len(entry["content"]), entry["size"]))
                return
        try:
            super().set_state({"value": files})
        except Exception:  # anything ipywidgets cannot take is the browser's fault, not ours
            self._refuse("refused")

    def _refuse(self, key: str, **params) -> None:
        self.send_state(["value"])
        if self.on_reject is not None:
            self.on_reject(key, params)


class SetUpload(LangGuard, FixedVBox):
    """Traits: ``lang`` (in), ``message`` (out: the last message, plain text). Callbacks: :meth:`on_load`."""

    lang = Lang()
    message = Unicode("")

    def __init__(self, lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self._built = False
        self.add_class("ll-set-upload")
        self.add_class("ll-controls")
        self.add_class("ll-large-controls")
        self.set_trait("lang", safe_lang(lang))
        self._callbacks: list = []
        self._last: tuple | None = None  # (key, params) of the message, so it can be relabelled
        self._label = Display()
        self._upload = _GuardedUpload(accept=",".join(EXTENSIONS), multiple=False, on_reject=self._say,
                                      layout=shared_layout(width="auto"))
        self._upload.add_class("ll-set-file")
        self._upload.add_class("ll-upload-button")  # no "(0)": the page template strips the count
        self._upload.observe(self._on_value, "value")
        self._status = Display()
        self._status.add_class("ll-set-status")
        self.children = [lesson_style(), self._label, self._upload, self._status]
        self._built = True
        self._relabel()

    def on_load(self, callback) -> None:
        """``callback(key, loaded_set)`` for each set that loads; ``key`` is ``"upload"``."""
        self._callbacks.append(callback)

    def load_bytes(self, name: str, content: bytes) -> dict | None:
        """Check and load a set file's content as an upload would; the loaded set, or None with a message."""
        if not isinstance(name, str) or not name.lower().endswith(EXTENSIONS) or len(name) > MAX_NAME:
            self._say("bad_name", {"name": str(name)[:80]})
            return None
        if len(content) > MAX_BYTES:
            self._say("too_big", {"size": len(content)})
            return None
        try:
            loaded = load_set(bytes(content))
        except ScenarioSetError as exc:
            where = f"{exc.field}: " if exc.field else ""
            self._say("invalid", {"where": where, "message": exc.message})
            return None
        problems = verify_set(loaded)
        self._say("ok", {"title": loaded["title"], "n": len(loaded["scenarios"]), "problems": problems})
        for callback in list(self._callbacks):
            callback("upload", loaded)
        return loaded

    def _on_value(self, change):
        files = change["new"]
        if not files:
            return
        entry = files[0]
        content = bytes(entry["content"])
        # Release the upload at once: its bytes live in the widget's state otherwise.
        self._upload.value = ()
        self.load_bytes(entry["name"], content)

    def _say(self, key: str, params: dict) -> None:
        self._last = (key, params)
        self._render_message()

    def _relabel(self):
        lang = self.lang
        self._label.value = section(
            f"<p><strong>{esc(tr(UI, 'label', lang).format(kb=MAX_BYTES // 1024))}</strong></p>")
        self._upload.description = self._upload.tooltip = tr(UI, "button", lang)
        self._upload.tooltip = tr(UI, "label", lang).format(kb=MAX_BYTES // 1024)
        self._render_message()

    def _render_message(self):
        if self._last is None:
            self._status.value = ""
            self.message = ""
            return
        lang = self.lang
        key, params = self._last
        shown = dict(params)
        if key == "ok":
            shown["title"] = text_of(params["title"], lang)
        if key == "too_big":
            shown["max"] = MAX_BYTES
        text = tr(UI, key, lang).format(**shown)
        extra = ""
        problems = params.get("problems") or []
        if key == "ok" and problems:
            where = ", ".join(f"{p['id']}.{p['key']}" for p in problems[:5]) + (" …" if len(problems) > 5 else "")
            extra = tr(UI, "mismatch", lang).format(k=len(problems), where=where)
        css = "ll-held" if key == "ok" else "ll-msg"
        self.message = text + (" " + extra if extra else "")
        self._status.value = section(
            f"<p role='status' class='{css}' data-status='{esc(key)}'>{esc(text)}</p>"
            + (f"<p class='ll-note'>{esc(extra)}</p>" if extra else ""))
