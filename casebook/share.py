"""Scenarios in links: a compact, URL-safe token for ``?scenario=``, and the page's query string read safely.

A token is one version character followed by base64url without padding:

* ``j`` + base64url(compact JSON, UTF-8)
* ``z`` + base64url(zlib(compact JSON, UTF-8)), used when it is shorter

The JSON holds only the facts that differ from their defaults (and, on request, the scenario's ``title``,
``description`` and ``assumptions``), so the default scenario is ``je30`` (``{}``). :func:`decode` also accepts
plain JSON (``?scenario={"food":true}``, URL-decoded or not) so that links can be written by hand.

Everything that comes from a URL is untrusted: :func:`decode` refuses oversized tokens, garbage, zlib bombs,
non-mappings and schema violations with a :class:`ShareTokenError` (a :class:`~casebook.scenario.ScenarioError`)
whose one-line message says what is wrong and echoes at most :data:`ECHO_LIMIT` characters of the bad value.
:func:`parse_query` never raises: it turns every bad parameter into a bilingual message.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from typing import Any, Mapping
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from .scenario import (
    DEFAULTS,
    FIELD_BY_NAME,
    FIELD_NAMES,
    LANGS,
    META_KEYS,
    Scenario,
    ScenarioError,
    validate,
)

MAX_TOKEN = 4096  # characters of a token (and bytes of plain JSON)
MAX_DECOMPRESSED = 16384  # bytes a ``z`` token may inflate to: a full scenario with notes needs far less
MAX_QUERY = 16384  # characters of a query string that parse_query reads; the rest is ignored (and reported)
ECHO_LIMIT = 40  # characters of a bad value that a message may repeat
JSON_VERSION, ZLIB_VERSION = "j", "z"

_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_CASE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
# What a query may carry that this module reads; anything else (Voila's own parameters, trackers) is left alone.
QUERY_KEYS = ("lang", "scenario", "case", "regime", "present")


class ShareTokenError(ScenarioError):
    """A ``?scenario=`` token that cannot be read. ``messages`` holds the message in both languages."""

    def __init__(self, en: str, zh: str, field: str | None = "scenario"):
        super().__init__(field, en)
        self.messages = {"zh": f"{field}：{zh}" if field else zh, "en": str(self)}


def echo(value: Any, limit: int = ECHO_LIMIT) -> str:
    """At most ``limit`` characters of an untrusted value, quoted, control characters and markup removed.

    Messages are plain text and must still be escaped where they are shown; this keeps them short and inert
    even where someone forgets.
    """
    text = value if isinstance(value, str) else repr(value)
    text = "".join(ch if ch.isprintable() and ch not in "<>&\"'`" else "·" for ch in text[: limit + 1])
    return "“" + (text[: limit - 1] + "…" if len(text) > limit else text) + "”"


# --- encoding -------------------------------------------------------------------------------------------------


def _compact_number(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _payload(scenario, meta: bool) -> dict:
    s = validate(scenario)
    data = {name: _compact_number(value) for name, value in s.to_dict().items() if value != DEFAULTS[name]}
    if meta and isinstance(scenario, Mapping):
        for key in META_KEYS:
            if scenario.get(key) not in (None, "", {}):
                data[key] = scenario[key]
    return data


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def encode(scenario, meta: bool = False) -> str:
    """The token for a scenario (a :class:`Scenario` or a mapping, validated first).

    Only fields that differ from the defaults are stored. With ``meta=True`` a mapping's ``title``,
    ``description`` and ``assumptions`` travel too. Raises :class:`ScenarioError` if the scenario is invalid or
    its token would exceed :data:`MAX_TOKEN` characters (a very long title, say).
    """
    raw = json.dumps(_payload(scenario, meta), ensure_ascii=False, separators=(",", ":"),
                     allow_nan=False).encode("utf-8")
    token = JSON_VERSION + _b64(raw)
    packed = ZLIB_VERSION + _b64(zlib.compress(raw, 9))
    if len(packed) < len(token):
        token = packed
    if len(token) > MAX_TOKEN:
        raise ShareTokenError(
            f"the scenario is too long to share in a link ({len(token)} characters; at most {MAX_TOKEN}): "
            "shorten its title, description or notes",
            f"情景过长，无法放入链接（{len(token)} 个字符，上限 {MAX_TOKEN}）：请缩短标题、说明或备注")
    return token


# --- decoding -------------------------------------------------------------------------------------------------


def _unb64(body: str) -> bytes:
    if not _B64URL.fullmatch(body) or len(body) % 4 == 1:
        raise ShareTokenError("the token is not valid base64url (letters, digits, - and _ only)",
                              "不是有效的 base64url 编码（只能含字母、数字、- 和 _）")
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise ShareTokenError("the token is not valid base64url", "不是有效的 base64url 编码") from None


def _inflate(raw: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(raw, MAX_DECOMPRESSED)
    except zlib.error:
        raise ShareTokenError("the compressed token is corrupt (not zlib data)", "压缩数据已损坏（不是 zlib 数据）") from None
    if inflater.unconsumed_tail:
        raise ShareTokenError(f"the compressed token inflates beyond {MAX_DECOMPRESSED} bytes",
                              f"压缩数据解压后超过 {MAX_DECOMPRESSED} 字节")
    if not inflater.eof:
        raise ShareTokenError("the compressed token is truncated", "压缩数据不完整")
    if inflater.unused_data:
        raise ShareTokenError("the compressed token has trailing bytes", "压缩数据后有多余字节")
    return out


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number")


def _no_duplicates(pairs: list) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise ShareTokenError(f"the key {echo(key)} appears twice", f"键 {echo(key)} 出现了两次")
        seen[key] = value
    return seen


def _json(raw: bytes | str) -> Any:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ShareTokenError("the token does not hold UTF-8 text", "内容不是 UTF-8 文本") from None
    try:
        return json.loads(raw, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except ShareTokenError:
        raise
    except (ValueError, RecursionError) as exc:
        where = f" (at character {exc.pos})" if isinstance(exc, json.JSONDecodeError) else ""
        raise ShareTokenError(f"the token does not hold valid JSON{where}", f"内容不是有效的 JSON{where}") from None


def _allowed_zh(spec) -> str:
    if spec.kind == "choice":
        return "、".join(spec.options)
    if spec.kind == "bool":
        return "true 或 false"
    hi = "" if spec.maximum is None else f" 到 {spec.maximum:g}"
    return (f"{spec.minimum:g}{hi} 的数字" if hi else f"不小于 {spec.minimum:g} 的数字") + ("，或 null" if spec.optional else "")


def _schema_error(data: Mapping, exc: ScenarioError) -> ShareTokenError:
    """Re-word a validation error with a short, inert echo of the bad value, in both languages."""
    field = exc.field
    if field in FIELD_BY_NAME and field in data and exc.message.startswith("got "):
        spec, value = FIELD_BY_NAME[field], data[field]
        return ShareTokenError(
            f"got {echo(value)}; allowed: {spec.allowed()}",
            f"“{spec.label['zh']}”的值 {echo(value)} 无效；允许：{_allowed_zh(spec)}", field)
    unknown = next((k for k in data if k not in FIELD_BY_NAME and k not in META_KEYS), None)
    if unknown is not None:
        return ShareTokenError(
            f"unknown field {echo(unknown)}; allowed fields: {', '.join(FIELD_NAMES)}",
            f"未知字段 {echo(unknown)}；允许的字段：{', '.join(FIELD_NAMES)}")
    if field == "assumptions":
        return ShareTokenError("must map field names to notes (text or {zh, en})",
                               "应为“字段名: 备注”的映射（备注为文本或 {zh, en}）", field)
    if field in ("title", "description"):
        return ShareTokenError("must be text or a mapping {zh, en}", "应为文本或 {zh, en} 映射", field)
    # The remaining check compares two numbers; its message repeats nothing from the token but them.
    return ShareTokenError(exc.message[:200], exc.message[:200], field or "scenario")


def decode_mapping(token: Any) -> dict:
    """The validated mapping a token holds (only the facts it sets, plus any metadata keys)."""
    if not isinstance(token, str):
        raise ShareTokenError(f"a token must be text, not {type(token).__name__}",
                              f"应为文本，而不是 {type(token).__name__}")
    if len(token) > MAX_TOKEN:
        raise ShareTokenError(f"the token is too long ({len(token)} characters; at most {MAX_TOKEN})",
                              f"过长（{len(token)} 个字符，上限 {MAX_TOKEN}）")
    token = token.strip()
    if not token:
        raise ShareTokenError("the token is empty", "为空")
    if token[:3].upper() == "%7B":  # hand-written JSON that arrived still percent-encoded
        token = unquote(token).strip()
    if token.startswith("{"):
        if len(token.encode("utf-8")) > MAX_TOKEN:
            raise ShareTokenError(f"the JSON is too long (at most {MAX_TOKEN} bytes)", f"JSON 过长（上限 {MAX_TOKEN} 字节）")
        data = _json(token)
    elif token[0] == JSON_VERSION:
        data = _json(_unb64(token[1:]))
    elif token[0] == ZLIB_VERSION:
        data = _json(_inflate(_unb64(token[1:])))
    else:
        raise ShareTokenError(
            f"unknown token format {echo(token[0])}: expected a token starting with j or z, or a JSON object",
            f"未知的格式 {echo(token[0])}：应以 j 或 z 开头，或是一个 JSON 对象")
    if not isinstance(data, dict):
        kind = {list: "a list", str: "text", bool: "a boolean", type(None): "null"}.get(type(data), "a number")
        raise ShareTokenError(f"the token must hold a mapping of field names to values, not {kind}",
                              "应为“字段名: 值”的映射（JSON 对象）")
    try:
        validate(data)
    except ScenarioError as exc:
        raise _schema_error(data, exc) from None
    for key in ("title", "description"):  # scenario.validate checks these only when notes are present
        value = data.get(key)
        if value is not None and not _is_text(value):
            raise ShareTokenError("must be text or a mapping {zh, en} of text", "应为文本或 {zh, en} 文本映射", key)
    return data


def _is_text(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return (isinstance(value, dict) and bool(value) and set(value) <= set(LANGS)
            and all(isinstance(v, str) for v in value.values()))


def decode(token: Any) -> Scenario:
    """The :class:`Scenario` a token holds; :class:`ShareTokenError` (a ScenarioError) when it cannot be read."""
    return validate(decode_mapping(token))


# --- links ----------------------------------------------------------------------------------------------------


def share_url(base_url: str, scenario, lang: str = "zh", regime: str | None = None, meta: bool = False) -> str:
    """``base_url`` with ``?lang=..&scenario=..`` (and ``regime`` if given); other query parameters are kept."""
    if lang not in LANGS:
        raise ScenarioError("lang", f"got {echo(lang)}; allowed: zh or en")
    params = [("lang", lang), ("scenario", encode(scenario, meta=meta))]
    if regime is not None:
        from .engine import REGIMES

        if regime not in REGIMES:
            raise ScenarioError("regime", f"got {echo(regime)}; allowed: one of {', '.join(REGIMES)}")
        params.append(("regime", regime))
    if not isinstance(base_url, str):
        raise ScenarioError("base_url", f"must be text, not {type(base_url).__name__}")
    parts = urlsplit(base_url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k not in ("lang", "scenario", "regime")]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept + params), parts.fragment))


# --- reading the page's query string ---------------------------------------------------------------------------


def _msg(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def _lang_of(value: str) -> str | None:
    v = value.strip().lower().replace("_", "-")
    for lang in LANGS:
        if v == lang or v.startswith(lang + "-"):
            return lang
    return None


def _known_case_ids() -> tuple:
    from .cases import decisions  # lazily: reading the casebook loads YAML

    return tuple(d["id"] for d in decisions())


def parse_query(query_string: Any) -> dict:
    """Read ``lang``, ``scenario``, ``case``, ``regime`` and ``present`` from a URL query string. Never raises.

    Returns ``{"lang": "zh"|"en"|None, "scenario": Scenario|None, "scenario_data": dict|None, "case": id|None,
    "regime": str|None, "present": bool, "errors": [{"zh", "en"}, ...]}``. A leading ``?`` is allowed; repeated parameters use the
    first value (a differing repeat is reported); unknown parameters are ignored; each bad value gives one
    bilingual message that repeats at most :data:`ECHO_LIMIT` characters of it.
    """
    out: dict = {"lang": None, "scenario": None, "scenario_data": None, "case": None, "regime": None, "present": False,
                 "errors": []}
    errors = out["errors"]
    try:
        if isinstance(query_string, bytes):
            query_string = query_string.decode("utf-8", "replace")
        if query_string is None:
            return out
        if not isinstance(query_string, str):
            errors.append(_msg("无法读取网址参数。", "The URL parameters could not be read."))
            return out
        if len(query_string) > MAX_QUERY:
            errors.append(_msg(f"网址参数过长，只读取前 {MAX_QUERY} 个字符。",
                               f"The URL parameters are too long; only the first {MAX_QUERY} characters are read."))
            query_string = query_string[:MAX_QUERY]
        query_string = query_string.lstrip("?")
        values: dict[str, list[str]] = {}
        for key, value in parse_qsl(query_string, keep_blank_values=True):
            if key in QUERY_KEYS:
                values.setdefault(key, []).append(value)
        for key, given in values.items():
            if len(set(given)) > 1:
                errors.append(_msg(f"参数 {key} 出现了 {len(given)} 次且取值不同：使用第一个。",
                                   f"The parameter {key} appears {len(given)} times with different values; "
                                   "the first is used."))
            _read_param(out, key, given[0])
    except Exception:  # a hostile query must never break the page
        errors.append(_msg("无法读取网址参数。", "The URL parameters could not be read."))
    return out


def _read_param(out: dict, key: str, value: str) -> None:
    errors = out["errors"]
    if key == "lang":
        lang = _lang_of(value)
        if lang is None:
            errors.append(_msg(f"语言参数 lang={echo(value)} 无效：可选 zh 或 en。",
                               f"The language lang={echo(value)} is not supported: use zh or en."))
        out["lang"] = lang
    elif key == "present":  # presenter mode: large type for a classroom's back row
        flag = value.strip().lower()
        if flag in ("1", "true", "yes", "on", ""):
            out["present"] = True
        elif flag not in ("0", "false", "no", "off"):
            errors.append(_msg(f"演示模式参数 present={echo(value)} 无效：可选 1 或 0。",
                               f"The presenter mode present={echo(value)} is not understood: use 1 or 0."))
    elif key == "regime":
        from .engine import REGIMES

        if value in REGIMES:
            out["regime"] = value
        else:
            errors.append(_msg(f"规则体系参数 regime={echo(value)} 无效：可选 {'、'.join(REGIMES)}。",
                               f"The regime regime={echo(value)} is unknown: use one of {', '.join(REGIMES)}."))
    elif key == "case":
        ok = bool(_CASE_ID.fullmatch(value))
        if ok:
            try:
                ok = value in _known_case_ids()
            except Exception:
                errors.append(_msg("案例库暂时无法读取。", "The casebook could not be read."))
                return
        if ok:
            out["case"] = value
        else:
            errors.append(_msg(f"案例参数 case={echo(value)} 不是案例库中的判决。",
                               f"The case case={echo(value)} is not a decision in the casebook."))
    elif key == "scenario":
        try:
            data = decode_mapping(value)
        except ShareTokenError as exc:
            errors.append(_msg(f"分享链接中的情景无法读取（{exc.messages['zh']}）。",
                               f"The shared scenario could not be read ({exc.messages['en']})."))
            return
        out["scenario"] = validate(data)
        out["scenario_data"] = data
