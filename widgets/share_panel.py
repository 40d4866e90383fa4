"""SharePanel: a link to the current facts, the facts as a JSON or YAML file, and the upload of such a file.

The link comes from :func:`casebook.share.share_url`; an upload is read by :func:`casebook.scenario.parse_text` and
checked by :func:`casebook.scenario.validate`. Everything the browser sends for the upload is hostile until proved
otherwise: its structure, the file's name, size, encoding, format and fields. A bad upload leaves a message on the
page and changes nothing.
"""

from __future__ import annotations

import json
from typing import Mapping
from urllib.parse import urlsplit

import ipywidgets as W
from traitlets import Dict, Unicode, observe

from casebook.scenario import FIELD_BY_NAME, ScenarioError, assumptions_of, parse_text
from casebook.scenario import validate as validate_scenario

from .base import Lang, esc, tr
from ._view import FONT, MUTED, ReadOnlyText, download_link, resend
from .controls import Display, FixedHBox, FixedVBox
from ._view import shared_layout
from .words import table

MAX_UPLOAD = 64 * 1024  # bytes: a full scenario with notes in both languages needs a fraction of this
EXTENSIONS = (".json", ".yaml", ".yml")

UI = table("share_panel")


def _short(text: str, limit: int = 60) -> str:
    text = "".join(ch if ch.isprintable() else "·" for ch in text[: limit + 1])
    return text if len(text) <= limit else text[: limit - 1] + "…"


class UploadRefused(Exception):
    """An upload that changes nothing: ``key`` names the message in :data:`UI`, ``params`` fills it in."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


def read_upload(value) -> tuple[dict, str]:
    """The scenario mapping in a FileUpload value, and the file's name; :class:`UploadRefused` otherwise.

    ``value`` is whatever the browser sent: it is checked at every step, never trusted.
    """
    if not isinstance(value, (list, tuple)):
        raise UploadRefused("bad_structure")
    if len(value) != 1:
        raise UploadRefused("several" if len(value) > 1 else "bad_structure")
    item = value[0]
    if not isinstance(item, Mapping):
        raise UploadRefused("bad_structure")
    name, content = item.get("name"), item.get("content")
    if not isinstance(name, str) or not isinstance(content, (bytes, bytearray, memoryview)):
        raise UploadRefused("bad_structure")
    size = content.nbytes if isinstance(content, memoryview) else len(content)
    if size > MAX_UPLOAD:
        raise UploadRefused("too_big", size=size, limit=MAX_UPLOAD)
    shown = _short(name)
    if not name.lower().endswith(EXTENSIONS):
        raise UploadRefused("wrong_type", name=shown)
    try:
        text = bytes(content).decode("utf-8-sig")
    except (UnicodeDecodeError, ValueError, TypeError):
        raise UploadRefused("not_utf8") from None
    try:
        data = parse_text(text, name=shown)
    except ScenarioError as exc:
        raise UploadRefused("unreadable", detail=_short(exc.message, 200)) from None
    try:
        scenario = validate_scenario(data)
    except ScenarioError as exc:
        raise _schema_refusal(exc) from None
    out = scenario.to_dict()
    notes = assumptions_of(data)
    if notes:
        out["assumptions"] = notes
    return out, shown


def _schema_refusal(exc: ScenarioError) -> UploadRefused:
    field = exc.field
    spec = FIELD_BY_NAME.get(field) if isinstance(field, str) else None
    if spec is not None:
        return UploadRefused("bad_field", field=field, label={"zh": spec.label["zh"], "en": spec.label["en"]},
                             detail=_short(exc.message, 200))
    if field is not None and exc.message.startswith("unknown field"):
        return UploadRefused("unknown_field", field=_short(str(field), 40), allowed=", ".join(FIELD_BY_NAME))
    return UploadRefused("invalid", detail=_short(exc.message, 200))


class _Upload(W.FileUpload):
    """A FileUpload whose value never lands in the kernel's trait: it is handed, raw, to a checking receiver.

    The page may send ``value`` (and the ``error`` that goes with it); any other key is put back. After each upload
    the page's own copy is cleared, so the same file can be chosen again and nothing stays in memory.
    """

    def __init__(self, receiver, **kwargs):
        self._receiver = receiver
        super().__init__(**kwargs)

    def set_state(self, sync_data):
        if not isinstance(sync_data, dict):
            return
        if "value" in sync_data or "error" in sync_data:
            error = sync_data.get("error")
            self._receiver(sync_data.get("value"), error if isinstance(error, str) else "")
        resend(self, {**sync_data, "value": None, "error": None})


class SharePanel(FixedVBox):
    """Share link, downloads and upload of a scenario.

    Constructor: ``SharePanel(scenario=None, lang="zh", base_url="", assumptions=None, regime="")``.
    Traits in: ``scenario`` (the current facts, field -> value), ``assumptions`` (field -> note, carried in the
    files and, when short enough, in the link), ``base_url`` (the page's URL, from the app), ``regime`` (added to
    the link when not empty), ``lang``. Traits out: ``link`` (the share URL, "" when there is none) and
    ``uploaded`` (the last good upload: the facts, plus ``assumptions`` when the file has notes; passes through
    ``{}`` when the same scenario is uploaded again). :meth:`on_upload` registers ``callback(mapping)``.
    """

    scenario = Dict()
    assumptions = Dict()
    base_url = Unicode("")
    regime = Unicode("")
    lang = Lang()
    link = Unicode("")
    uploaded = Dict()

    def __init__(self, scenario=None, lang="zh", base_url="", assumptions=None, regime="", **kwargs):
        self._callbacks: list = []
        self._message = None  # (key, params, ok) so that the message follows the language
        self._title = Display()
        self._link = ReadOnlyText(layout=shared_layout(width="100%"), style={"description_width": "initial"})
        self._link.add_class("ll-share-link")
        self._link_help = Display()
        self._link_help.add_class("ll-share-help")
        self._downloads = Display()
        self._downloads.add_class("ll-downloads")
        self._upload = _Upload(self.receive_upload, accept=",".join(EXTENSIONS), multiple=False,
                               layout=shared_layout(width="auto"))
        self._upload.add_class("ll-upload")
        self._upload.add_class("ll-upload-button")  # no "(0)": the page template strips the count
        self._upload_hint = Display()
        self._status = Display()
        self._status.add_class("ll-upload-status")
        super().__init__(
            children=[self._title, self._link, self._link_help, self._downloads,
                      FixedHBox([self._upload, self._upload_hint], layout=shared_layout(align_items="center",
                                                                                flex_flow="row wrap")),
                      self._status],
            **kwargs,
        )
        self.add_class("ll-share")
        with self.hold_trait_notifications():
            self.lang = lang
            self.base_url = base_url or ""
            self.regime = regime or ""
            self.assumptions = assumptions or {}
            self.scenario = scenario or {}
        self._render()

    def on_upload(self, callback, remove: bool = False) -> None:
        """Register ``callback(mapping)`` for good uploads (``remove=True`` unregisters it)."""
        if remove:
            self._callbacks = [c for c in self._callbacks if c is not callback]
        else:
            self._callbacks.append(callback)

    def receive_upload(self, value, error: str = "") -> bool:
        """Check an upload as the browser sent it; emit it if good, else show why not. True when accepted."""
        if error:
            self._show("browser_error", {}, ok=False)
            return False
        if value in (None, [], ()):  # the page clearing its own copy
            return False
        try:
            mapping, name = read_upload(value)
        except UploadRefused as refused:
            self._show(refused.key, refused.params, ok=False)
            return False
        self._show("ok", {"name": name}, ok=True)
        if self.uploaded == mapping:
            self.uploaded = {}
        self.uploaded = mapping
        for callback in list(self._callbacks):
            callback(dict(mapping))
        return True

    # --- traits -----------------------------------------------------------------------------------------------

    @observe("scenario", "assumptions", "base_url", "regime", "lang")
    def _on_change(self, change):
        self._render()

    # --- rendering --------------------------------------------------------------------------------------------

    def _mapping(self) -> dict | None:
        try:
            facts = validate_scenario(self.scenario).to_dict()
        except ScenarioError:
            return None
        notes = {k: v for k, v in self.assumptions.items() if k in FIELD_BY_NAME}
        if notes:
            facts["assumptions"] = notes
        return facts

    def _share(self, mapping: dict) -> tuple[str, str]:
        from casebook.share import share_url

        regime = self.regime or None
        try:
            return share_url(self.base_url, mapping, self.lang, regime, meta=True), ""
        except ScenarioError:
            pass
        try:
            return share_url(self.base_url, mapping, self.lang, regime, meta=False), "facts_only"
        except ScenarioError as exc:
            return "", _short(exc.message, 200)

    def _render(self):
        lang = self.lang
        self._title.value = (f'<p style="{FONT}font-weight:bold;font-size:17px;margin:4px 0;">'
                             f'{esc(tr(UI, "title", lang))}</p>')
        self._link.description = tr(UI, "link", lang)
        self._upload.description = self._upload.tooltip = tr(UI, "upload", lang)
        self._upload_hint.value = f'<span style="{FONT}color:{MUTED};">{esc(tr(UI, "upload_hint", lang))}</span>'
        mapping = self._mapping()
        url, note = self._share(mapping) if mapping is not None else ("", "")
        self.link = url
        self._link.value = url
        help_parts = []
        if url:
            # The button works through the page's own script (the Voila template; page_setup.js when static).
            help_parts.append(f'<button type="button" class="ll-copy-link jupyter-button" '
                              f'data-copied="{esc(tr(UI, "copied", lang))}" '
                              f'data-selected="{esc(tr(UI, "selected", lang))}">{esc(tr(UI, "copy", lang))}</button>')
            help_parts.append(esc(tr(UI, "copy_hint", lang)))
            if urlsplit(url).scheme in ("http", "https", ""):
                help_parts.append(f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">'
                                  f'{esc(tr(UI, "open", lang))}</a>')
            if note == "facts_only":
                help_parts.append(esc(tr(UI, "facts_only", lang)))
        elif note:
            help_parts.append(esc(tr(UI, "no_link", lang).format(detail=note)))
        self._link_help.value = f'<p style="{FONT}color:{MUTED};margin:2px 0;">{" ".join(help_parts)}</p>'
        if mapping is None:
            self._downloads.value = ""
        else:
            self._downloads.value = (
                f'<p style="{FONT}margin:6px 0 0;">{esc(tr(UI, "download", lang))}</p><p style="margin:0;">'
                + download_link(json.dumps(mapping, ensure_ascii=False, indent=2) + "\n", "application/json",
                                "scenario.json", tr(UI, "json", lang), "ll-download-json")
                + download_link(_yaml(mapping), "application/yaml", "scenario.yaml", tr(UI, "yaml", lang),
                                "ll-download-yaml")
                + "</p>"
            )
        self._render_message()

    def _show(self, key: str, params: dict, ok: bool) -> None:
        self._message = (key, params, ok)
        self._render_message()

    def _render_message(self) -> None:
        if self._message is None:
            self._status.value = ""
            return
        ok = self._message[2]
        role, colour = ("status", "#1d5e20") if ok else ("alert", "#8a1c1c")
        self._status.value = (f'<p class="ll-upload-{"ok" if ok else "error"}" role="{role}" '
                              f'style="{FONT}color:{colour};margin:4px 0;">{esc(self.message)}</p>')

    @property
    def message(self) -> str:
        """The upload message as plain text in the current language ("" when none)."""
        if self._message is None:
            return ""
        key, params, _ = self._message
        lang = self.lang
        return tr(UI, key, lang).format(**{k: (v[lang] if isinstance(v, dict) else v) for k, v in params.items()})


def _yaml(mapping: dict) -> str:
    import yaml  # only when a download is rendered: keeps kernel start-up light

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(mapping, Dumper=dumper, allow_unicode=True, sort_keys=False)
