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
from traitlets import Dict, Unicode, observe, validate

from casebook.scenario import FIELD_BY_NAME, ScenarioError, assumptions_of, parse_text
from casebook.scenario import validate as validate_scenario

from .base import esc, safe_lang, tr
from ._view import FONT, MUTED, ReadOnlyText, download_link, resend
from .controls import Display, FixedHBox, FixedVBox
from ._view import shared_layout

MAX_UPLOAD = 64 * 1024  # bytes: a full scenario with notes in both languages needs a fraction of this
EXTENSIONS = (".json", ".yaml", ".yml")

UI = {
    "title": {"zh": "分享与保存", "en": "Share and save"},
    "link": {"zh": "分享链接", "en": "Share link"},
    "copy_hint": {
        "zh": "用“复制链接”按钮复制，或选中链接框中的文字复制。打开链接的人会看到同样的事实。",
        "en": "Copy it with the \u201cCopy link\u201d button, or select the text in the box and copy it. Whoever opens "
              "the link sees the same facts.",
    },
    "copy": {"zh": "复制链接", "en": "Copy link"},
    "copied": {"zh": "已复制", "en": "Copied"},
    "selected": {"zh": "已选中链接：请用“复制”", "en": "Link selected: now copy it"},
    "open": {"zh": "在新标签页打开此链接", "en": "Open this link in a new tab"},
    "facts_only": {
        "zh": "备注太长，链接中只包含事实，不含示例性假设的说明；下载的文件包含全部内容。",
        "en": "The notes are too long for a link: it carries the facts only; the downloaded file has everything.",
    },
    "no_link": {"zh": "当前事实无法放入链接：{detail}", "en": "The current facts cannot be put in a link: {detail}"},
    "download": {"zh": "下载当前事实：", "en": "Download the current facts:"},
    "json": {"zh": "下载 JSON 文件（scenario.json）", "en": "Download as JSON (scenario.json)"},
    "yaml": {"zh": "下载 YAML 文件（scenario.yaml）", "en": "Download as YAML (scenario.yaml)"},
    "upload": {"zh": "上传场景文件", "en": "Upload a scenario file"},
    "upload_hint": {
        "zh": "JSON 或 YAML 文件（.json、.yaml、.yml），不超过 64 KB；格式与下载的文件相同。",
        "en": "A JSON or YAML file (.json, .yaml, .yml) of at most 64 KB, in the same format as the downloads.",
    },
    "ok": {"zh": "已载入上传的场景：{name}", "en": "Loaded the uploaded scenario: {name}"},
    "bad_structure": {
        "zh": "上传失败：收到的上传数据结构不正确，未作任何更改。",
        "en": "Upload refused: the upload data did not have the expected structure. Nothing was changed.",
    },
    "several": {
        "zh": "上传失败：一次只能上传一个文件，未作任何更改。",
        "en": "Upload refused: upload one file at a time. Nothing was changed.",
    },
    "too_big": {
        "zh": "上传失败：文件过大（{size} 字节，上限 {limit} 字节），未作任何更改。",
        "en": "Upload refused: the file is too large ({size} bytes; at most {limit}). Nothing was changed.",
    },
    "wrong_type": {
        "zh": "上传失败：只接受 .json、.yaml 或 .yml 文件（收到 {name}），未作任何更改。",
        "en": "Upload refused: only .json, .yaml or .yml files are accepted (got {name}). Nothing was changed.",
    },
    "not_utf8": {
        "zh": "上传失败：文件不是 UTF-8 文本，未作任何更改。",
        "en": "Upload refused: the file is not UTF-8 text. Nothing was changed.",
    },
    "unreadable": {
        "zh": "上传失败：文件无法读作场景（{detail}），未作任何更改。",
        "en": "Upload refused: the file cannot be read as a scenario ({detail}). Nothing was changed.",
    },
    "bad_field": {
        "zh": "上传失败：字段“{label}”（{field}）的值无效：{detail}。未作任何更改。",
        "en": "Upload refused: the field {field} ({label}) is invalid: {detail}. Nothing was changed.",
    },
    "unknown_field": {
        "zh": "上传失败：未知字段 {field}（场景文件只能包含已知字段：{allowed}）。未作任何更改。",
        "en": "Upload refused: unknown field {field} (a scenario file may hold only the known fields: {allowed}). "
              "Nothing was changed.",
    },
    "invalid": {
        "zh": "上传失败：场景无效（{detail}），未作任何更改。",
        "en": "Upload refused: the scenario is invalid ({detail}). Nothing was changed.",
    },
    "browser_error": {
        "zh": "上传失败：浏览器未能读取该文件，未作任何更改。",
        "en": "Upload refused: the browser could not read the file. Nothing was changed.",
    },
}


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
    lang = Unicode("zh")
    link = Unicode("")
    uploaded = Dict()

    def __init__(self, scenario=None, lang="zh", base_url="", assumptions=None, regime="", **kwargs):
        self._callbacks: list = []
        self._message = None  # (key, params, ok) so that the message follows the language
        self._title = Display()
        self._link = ReadOnlyText(layout=shared_layout(width="100%"), style={"description_width": "initial"})
        self._link.add_class("ll-share-link")
        self._link_help = Display()
        self._downloads = Display()
        self._upload = _Upload(self.receive_upload, accept=",".join(EXTENSIONS), multiple=False,
                               layout=shared_layout(width="auto"))
        self._upload.add_class("ll-upload")
        self._upload.add_class("ll-upload-button")  # no "(0)": the page template strips the count
        self._upload_hint = Display()
        self._status = Display()
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

    @validate("lang")
    def _valid_lang(self, proposal):
        return safe_lang(proposal["value"])

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
