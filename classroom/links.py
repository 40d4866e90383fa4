"""Links that hand a set to a class, and the page's class parameters read safely.

- ``?set=<token>``: the set itself in the link (it works without a server, in the static edition too). The token is
  ``z`` + base64url(zlib(compact JSON)) of the questions only: titles, facts, questions and rules; never the set's
  stored answers or explanations (the key), so a student who decodes the link learns nothing the page does not show.
  The engine grades every answer, as for an uploaded set.
- ``?class=<code>``: a class the server keeps (:mod:`classroom.store`); ``&teacher=<secret>`` opens its teacher's view.

Everything read from a link is untrusted: at most :data:`MAX_SET_TOKEN` characters, inflating to at most the upload
limit, then :func:`casebook.scenario_sets.load_set`'s validation, as for an uploaded file; every problem becomes a
bilingual message (:func:`parse_class_query` never raises).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from casebook.scenario_sets import MAX_BYTES, ScenarioSetError, load_set
from casebook.share import echo

from .codes import normal_class_code, valid_secret

MAX_SET_TOKEN = 12000  # characters: the server keeps 20,000 of a query, casebook.share reads 16,384
QUERY_KEYS = ("set", "class", "teacher")
LINK_ITEM_KEYS = ("id", "title", "scenario", "question", "regime")
_B64URL = re.compile(r"[A-Za-z0-9_-]+")


class SetLinkError(ValueError):
    """A set that cannot travel in, or be read from, a link; ``messages`` holds {zh, en}."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.messages = {"zh": zh, "en": en}


def questions_only(loaded: dict) -> dict:
    """A loaded set without its key: no stored answers, no explanations."""
    items = [{k: item[k] for k in LINK_ITEM_KEYS} for item in loaded["scenarios"]]
    out = {"title": loaded["title"], "scenarios": items}
    if loaded.get("description"):
        out["description"] = loaded["description"]
    return out


def encode_set(loaded: dict) -> str:
    """The ``?set=`` token of a loaded set (questions only); SetLinkError when it would be too long for a link."""
    raw = json.dumps(questions_only(loaded), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    token = "z" + base64.urlsafe_b64encode(zlib.compress(raw.encode("utf-8"), 9)).rstrip(b"=").decode("ascii")
    if len(token) > MAX_SET_TOKEN:
        raise SetLinkError(f"题集太大，放不进链接（{len(token)} 个字符，上限 {MAX_SET_TOKEN}）：请改用班级代码。",
                           f"The set is too large for a link ({len(token)} characters; at most {MAX_SET_TOKEN}): "
                           "use a class code instead.")
    return token


def _engine_answers(loaded: dict) -> dict:
    """A set from a link carries no stored answers: the engine's stand in for them (the engine grades anyway)."""
    from casebook.engine import analyze

    for item in loaded["scenarios"]:
        item["expected"] = {"liability_form": analyze(item["scenario"], item["regime"], "en")["liability_form"]}
    return loaded


def decode_set(token) -> dict:
    """The set a ``?set=`` token holds, validated as an upload; SetLinkError (bilingual) when it cannot be read."""
    if not isinstance(token, str) or not token.strip():
        raise SetLinkError("链接中的题集为空。", "The set in the link is empty.")
    token = token.strip()
    if len(token) > MAX_SET_TOKEN:
        raise SetLinkError(f"链接中的题集过长（{len(token)} 个字符，上限 {MAX_SET_TOKEN}）。",
                           f"The set in the link is too long ({len(token)} characters; at most {MAX_SET_TOKEN}).")
    body = token[1:]
    if token[0] != "z" or not _B64URL.fullmatch(body) or len(body) % 4 == 1:
        raise SetLinkError("链接中的题集不是有效的编码（应以 z 开头，只含字母、数字、- 和 _）。",
                           "The set in the link is not a valid token (z followed by letters, digits, - and _).")
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_BYTES)
    except (binascii.Error, ValueError, zlib.error):
        raise SetLinkError("链接中的题集已损坏。", "The set in the link is corrupt.") from None
    if inflater.unconsumed_tail or not inflater.eof or inflater.unused_data:
        raise SetLinkError(f"链接中的题集已损坏或解压后超过 {MAX_BYTES} 字节。",
                           f"The set in the link is corrupt or inflates beyond {MAX_BYTES} bytes.")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SetLinkError("链接中的题集不是有效的 JSON。", "The set in the link is not valid JSON.") from None
    if not isinstance(data, dict) or not isinstance(data.get("scenarios"), list):
        raise SetLinkError("链接中的题集格式不对。", "The set in the link does not have the form of a set.")
    for item in data["scenarios"]:
        if isinstance(item, dict):
            for key in set(item) - set(LINK_ITEM_KEYS):  # a link never carries the key: refuse one that tries
                raise SetLinkError(f"链接中的题集含有不允许的键 {echo(key)}。",
                                   f"The set in the link has a key it may not carry: {echo(key)}.")
            item["expected"] = {"liability_form": "none"}  # replaced below by the engine's answer
    try:
        loaded = load_set(json.dumps(data, ensure_ascii=False))
    except ScenarioSetError as exc:
        where = f"{exc.field}: " if exc.field else ""
        raise SetLinkError(f"链接中的题集有误：{where}{exc.message}",
                           f"The set in the link has a problem: {where}{exc.message}") from None
    return _engine_answers(loaded)


def set_url(base_url: str, loaded: dict, lang: str = "zh") -> str:
    """``base_url`` with ``?lang=..&set=..``."""
    return _with(base_url, [("lang", lang), ("set", encode_set(loaded))])


def class_urls(base_url: str, code: str, secret: str, lang: str = "zh") -> dict:
    """``{"student": ..?class=CODE, "teacher": ..?class=CODE&teacher=SECRET}``."""
    return {"student": _with(base_url, [("lang", lang), ("class", code)]),
            "teacher": _with(base_url, [("lang", lang), ("class", code), ("teacher", secret)])}


def _with(base_url: str, params: list) -> str:
    parts = urlsplit(base_url or "")
    ours = {k for k, _v in params} | set(QUERY_KEYS) | {"scenario", "case", "regime"}
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ours]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept + params), ""))


def parse_class_query(query_string) -> dict:
    """Read ``set``, ``class`` and ``teacher`` from a query string. Never raises.

    ``{"set": loaded set | None, "class": code | None, "teacher": secret | None, "errors": [{zh, en}]}``; a
    ``teacher`` without a ``class`` is an error; the secret is only checked for its form here (the store checks it).
    """
    out: dict = {"set": None, "class": None, "teacher": None, "errors": []}
    errors = out["errors"]
    try:
        if isinstance(query_string, bytes):
            query_string = query_string.decode("utf-8", "replace")
        if not isinstance(query_string, str):
            return out
        values: dict = {}
        for key, value in parse_qsl(query_string.lstrip("?")[:20000], keep_blank_values=True):
            if key in QUERY_KEYS:
                values.setdefault(key, value)
        if "set" in values:
            try:
                out["set"] = decode_set(values["set"])
            except SetLinkError as exc:
                errors.append(exc.messages)
        if "class" in values:
            code = normal_class_code(values["class"])
            if code is None:
                errors.append({"zh": f"班级代码 {echo(values['class'])} 格式不对（应如 ABCD-EFGH-JKMN）。",
                               "en": f"The class code {echo(values['class'])} is not well formed (like ABCD-EFGH-JKMN)."})
            out["class"] = code
        if "teacher" in values:
            if out["class"] is None:
                errors.append({"zh": "教师链接缺少班级代码（class）。", "en": "The teacher's link has no class code (class)."})
            elif not valid_secret(values["teacher"]):
                errors.append({"zh": "教师链接无效：教师视图只能用教师链接打开。",
                               "en": "The teacher's link is not valid: the teacher's view opens only with the teacher's link."})
            else:
                out["teacher"] = values["teacher"]
    except Exception:  # a hostile query must never break the page
        errors.append({"zh": "无法读取网址参数。", "en": "The URL parameters could not be read."})
    return out
