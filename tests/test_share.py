"""Share tokens and the page's query string: round trips, every kind of bad token, hostile query strings."""

from __future__ import annotations

import base64
import json
import re
import zlib
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook.scenario import FIELDS, Scenario, ScenarioError, validate
from casebook.share import (
    ECHO_LIMIT,
    MAX_DECOMPRESSED,
    MAX_TOKEN,
    ShareTokenError,
    decode,
    decode_mapping,
    encode,
    parse_query,
    share_url,
)

TOKEN_RE = re.compile(r"[jz][A-Za-z0-9_-]*")


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


# --- valid scenarios --------------------------------------------------------------------------------------------


@st.composite
def scenarios(draw) -> dict:
    """Any valid scenario mapping: a random subset of fields, each with an allowed value."""
    data = {}
    for f in FIELDS:
        if f.name == "platform_fault_share" or not draw(st.booleans()):
            continue
        if f.kind == "choice":
            data[f.name] = draw(st.sampled_from(f.options))
        elif f.kind == "bool":
            data[f.name] = draw(st.booleans())
        else:
            data[f.name] = draw(st.floats(min_value=f.minimum, max_value=f.maximum, allow_nan=False,
                                          allow_infinity=False))
    if draw(st.booleans()):
        room = 1.0 - data.get("consumer_fault", 0.0)
        data["platform_fault_share"] = draw(st.one_of(st.none(), st.floats(min_value=0.0, max_value=room)))
    return data


ROUND_TRIPS = [
    pytest.param({}, id="the default scenario survives a round trip"),
    pytest.param({"food": True, "qualification_review": "failed"}, id="a food platform that failed review survives"),
    pytest.param({"platform_mode": "self_operated", "damages": 123456.78}, id="cents in the damages survive"),
    pytest.param({"damages": 1e12, "price": 0.1}, id="the largest amount and a tenth of a yuan survive"),
    pytest.param({"consumer_fault": 0.2, "platform_fault_share": 0.8}, id="shares that add up to exactly one survive"),
    pytest.param({"platform_fault_share": None}, id="an explicit null share survives"),
    pytest.param({f.name: (f.options[-1] if f.kind == "choice" else True if f.kind == "bool" else 0.5)
                  for f in FIELDS if f.name != "platform_fault_share"}, id="every field set at once survives"),
]


@pytest.mark.parametrize("data", ROUND_TRIPS)
def test_round_trip(data):
    token = encode(data)
    assert TOKEN_RE.fullmatch(token)
    assert decode(token) == validate(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_every_valid_scenario_survives_a_round_trip(data):
    token = encode(data)
    assert TOKEN_RE.fullmatch(token) and len(token) <= MAX_TOKEN
    assert decode(token) == validate(data)
    assert decode(encode(decode(token))) == decode(token)  # a Scenario encodes like its mapping


def test_the_token_stores_only_the_fields_that_differ_from_the_defaults():
    token = encode({"food": True, "harm": "property", "damages": 10000})
    assert token[0] == "j"
    assert json.loads(base64.urlsafe_b64decode(token[1:] + "==")) == {"food": True}


def test_the_default_scenario_is_a_short_token():
    assert encode({}) == encode(Scenario()) == "je30"


def test_zlib_is_used_when_it_is_shorter():
    data = {"title": "平台责任" * 60, "food": True}
    token = encode(data, meta=True)
    assert token[0] == "z"
    assert decode_mapping(token)["title"] == data["title"]


def test_metadata_travels_only_on_request():
    data = {"title": {"zh": "标题", "en": "Title"}, "assumptions": {"damages": "示例"}, "food": True}
    assert "title" not in decode_mapping(encode(data))
    assert decode_mapping(encode(data, meta=True))["assumptions"] == {"damages": "示例"}


def test_a_scenario_too_long_for_a_link_is_refused_when_encoding():
    with pytest.raises(ScenarioError, match="too long"):
        encode({"title": "".join(chr(0x4E00 + i) for i in range(5000))}, meta=True)


def test_an_invalid_scenario_cannot_be_encoded():
    with pytest.raises(ScenarioError):
        encode({"food": "yes"})


# --- hand-written links ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    pytest.param('{"food": true}', id="plain JSON is accepted"),
    pytest.param(' {"food":true} ', id="plain JSON with spaces around it is accepted"),
    pytest.param(quote('{"food":true}'), id="percent-encoded JSON is accepted"),
])
def test_hand_written_json(text):
    assert decode(text) == validate({"food": True})


# --- bad tokens --------------------------------------------------------------------------------------------------

BOMB = "z" + b64(zlib.compress(b'{"title":"' + b"a" * 3_000_000 + b'"}', 9))
assert len(BOMB) <= MAX_TOKEN  # the bomb must get past the size check to test the inflate limit

BAD_TOKENS = [
    pytest.param("", "empty", id="an empty token is refused"),
    pytest.param("   ", "empty", id="a blank token is refused"),
    pytest.param(None, "must be text", id="a missing token is refused"),
    pytest.param(12345, "must be text", id="a number is refused"),
    pytest.param(b"je30", "must be text", id="bytes are refused"),
    pytest.param("j" + "A" * MAX_TOKEN, "too long", id="a token over 4 KB is refused"),
    pytest.param("{" + '"a":1,' * 700 + "}", "too long", id="plain JSON over 4 KB is refused"),
    pytest.param("q" + b64(b"{}"), "unknown token format", id="an unknown version character is refused"),
    pytest.param("<script>alert(1)</script>", "unknown token format", id="a script tag is refused"),
    pytest.param("j!!!!", "base64url", id="characters outside base64url are refused"),
    pytest.param("j" + b64(b"{}") + "=", "base64url", id="padding characters are refused"),
    pytest.param("jA", "base64url", id="a base64 body of impossible length is refused"),
    pytest.param("j" + b64(b"\xff\xfe{}"), "UTF-8", id="bytes that are not UTF-8 are refused"),
    pytest.param("j" + b64(b"not json"), "JSON", id="text that is not JSON is refused"),
    pytest.param("j" + b64(b'{"food": true'), "JSON", id="truncated JSON is refused"),
    pytest.param('{"damages": NaN}', "JSON", id="NaN is refused"),
    pytest.param('{"a":' + "[" * 2000 + "]" * 2000 + "}", "JSON", id="deeply nested JSON is refused"),
    pytest.param("j" + b64(b"[1, 2]"), "mapping", id="a JSON list is refused"),
    pytest.param("j" + b64(b'"food"'), "mapping", id="a JSON string is refused"),
    pytest.param("j" + b64(b"null"), "mapping", id="JSON null is refused"),
    pytest.param("z" + b64(b"this is not zlib"), "corrupt", id="zlib garbage is refused"),
    pytest.param("z" + b64(zlib.compress(b'{"food":true}')[:-6]), "truncated", id="truncated zlib data is refused"),
    pytest.param("z" + b64(zlib.compress(b"{}") + b"xx"), "trailing", id="bytes after the zlib stream are refused"),
    pytest.param(BOMB, f"beyond {MAX_DECOMPRESSED}", id="a zlib bomb is refused before it inflates"),
    pytest.param('{"fod": true}', "unknown field", id="an unknown field is refused"),
    pytest.param('{"food": "yes"}', "allowed: true or false", id="a value of the wrong type is refused"),
    pytest.param('{"consumer_fault": 2}', "allowed: a number from 0 to 1", id="a share above one is refused"),
    pytest.param('{"harm": "emotional"}', "allowed: one of none", id="an option that does not exist is refused"),
    pytest.param('{"consumer_fault": 0.7, "platform_fault_share": 0.5}', "exceeds 1",
                 id="shares adding up to more than one are refused"),
    pytest.param('{"food": true, "food": false}', "twice", id="a repeated key is refused"),
    pytest.param('{"assumptions": {"nonsense": "x"}}', "assumptions", id="a note on an unknown field is refused"),
    pytest.param('{"title": 5}', "title", id="a title that is not text is refused"),
]


@pytest.mark.parametrize("token, words", BAD_TOKENS)
def test_bad_tokens(token, words):
    with pytest.raises(ShareTokenError) as info:
        decode(token)
    err = info.value
    assert isinstance(err, ScenarioError)
    message = str(err)
    assert words in message
    assert "\n" not in message and len(message) < 600
    assert set(err.messages) == {"zh", "en"} and all(err.messages.values())


@pytest.mark.parametrize("token", [
    pytest.param('{"' + "x" * 500 + '": 1}', id="a long unknown field name is not echoed in full"),
    pytest.param('{"harm": "' + "<script>" * 60 + '"}', id="a long bad value is not echoed in full"),
])
def test_messages_echo_at_most_forty_characters_of_the_bad_value(token):
    with pytest.raises(ShareTokenError) as info:
        decode(token)
    for message in (str(info.value), *info.value.messages.values()):
        assert "x" * (ECHO_LIMIT + 1) not in message
        assert "<script>" not in message


# --- share_url ---------------------------------------------------------------------------------------------------


def test_share_url_builds_a_link_the_page_can_read_back():
    url = share_url("https://lab.example/voila/render/app.ipynb?theme=dark&lang=zh", {"food": True}, "en",
                    regime="proposal")
    query = parse_qs(urlsplit(url).query)
    assert query["lang"] == ["en"] and query["theme"] == ["dark"] and query["regime"] == ["proposal"]
    parsed = parse_query(urlsplit(url).query)
    assert parsed["scenario"] == validate({"food": True})
    assert (parsed["lang"], parsed["regime"], parsed["errors"]) == ("en", "proposal", [])


@pytest.mark.parametrize("kwargs", [
    pytest.param({"lang": "fr"}, id="an unsupported language is refused"),
    pytest.param({"regime": "martian"}, id="an unknown regime is refused"),
])
def test_share_url_refuses_bad_arguments(kwargs):
    args = {"lang": "zh", **kwargs}
    with pytest.raises(ScenarioError):
        share_url("https://lab.example/", {}, **args)


# --- parse_query -------------------------------------------------------------------------------------------------

GOOD_QUERIES = [
    pytest.param("lang=en", {"lang": "en"}, id="lang=en chooses English"),
    pytest.param("?lang=zh", {"lang": "zh"}, id="a leading question mark is allowed"),
    pytest.param("lang=zh-CN", {"lang": "zh"}, id="a regional Chinese tag means Chinese"),
    pytest.param("lang=EN_us", {"lang": "en"}, id="a regional English tag in any case means English"),
    pytest.param("case=zhang-v-jd", {"case": "zhang-v-jd"}, id="a known decision id is read"),
    pytest.param("regime=non_genuine_joint", {"regime": "non_genuine_joint"}, id="a known regime is read"),
    pytest.param("scenario=je30", {"scenario": Scenario()}, id="the default scenario's token is read"),
    pytest.param("scenario=" + quote('{"food":true}'), {"scenario": validate({"food": True})},
                 id="a hand-written JSON scenario is read"),
    pytest.param("voila-template=lab&lang=en&utm_source=x", {"lang": "en"}, id="unknown parameters are ignored"),
    pytest.param("lang=en&lang=en", {"lang": "en"}, id="an identical repeat is not an error"),
]


@pytest.mark.parametrize("query, expected", GOOD_QUERIES)
def test_good_queries(query, expected):
    out = parse_query(query)
    assert out["errors"] == []
    for key, value in expected.items():
        assert out[key] == value


HOSTILE = [
    pytest.param("lang=<script>alert(1)</script>", "lang", id="a script tag as the language is reported"),
    pytest.param("lang=" + "x" * 100_000, "lang", id="a huge language value is reported"),
    pytest.param("scenario=" + "A" * 10_000, "scenario", id="a huge scenario token is reported"),
    pytest.param("scenario=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "scenario", id="an encoded script tag is reported"),
    pytest.param("scenario=" + quote('{"food":"<img src=x onerror=alert(1)>"}'), "food",
                 id="markup inside a scenario value is reported"),
    pytest.param("case=../../etc/passwd", "case", id="a path as the case is reported"),
    pytest.param("case=no-such-case", "case", id="an unknown case is reported"),
    pytest.param("regime=%00%01%02", "regime", id="control characters as the regime are reported"),
    pytest.param("lang=en&lang=zh&lang=fr", "lang", id="differing repeats are reported"),
    pytest.param("&&&===&lang", None, id="junk separators do not break the reading"),
    pytest.param("%ZZ%%%&lang=%E4%B8", "lang", id="broken percent-encoding is reported"),
    pytest.param("x" * 200_000, "too long", id="a query over the size limit is reported"),
]


@pytest.mark.parametrize("query, mentions", HOSTILE)
def test_hostile_queries_never_raise_and_say_what_was_wrong(query, mentions):
    out = parse_query(query)
    assert set(out) >= {"lang", "scenario", "case", "regime", "errors"}
    assert out["lang"] in (None, "zh", "en")
    if mentions is not None:
        assert out["errors"], "a bad parameter must be reported"
        assert any(mentions in e["en"] for e in out["errors"])
    for e in out["errors"]:
        assert set(e) == {"zh", "en"} and e["zh"] and e["en"]
        for text in e.values():
            assert "<script" not in text and "<img" not in text
            assert not re.search(r"(x{41}|A{41})", text), "a message repeated more than 40 characters of the value"
            assert len(text) < 700


@pytest.mark.parametrize("value", [None, b"lang=en", 42, ["lang=en"]],
                         ids=["nothing at all is read as no parameters", "bytes are read as text",
                              "a number is reported, not raised", "a list is reported, not raised"])
def test_parse_query_accepts_any_type(value):
    out = parse_query(value)
    assert isinstance(out["errors"], list)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_parse_query_never_raises_on_any_text(text):
    out = parse_query(text)
    assert out["lang"] in (None, "zh", "en")
    assert out["scenario"] is None or isinstance(out["scenario"], Scenario)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["lang", "scenario", "case", "regime", "x"]), max_size=6),
       st.lists(st.text(max_size=60), min_size=6, max_size=6))
def test_parse_query_never_raises_on_any_parameters(keys, values):
    query = "&".join(f"{k}={quote(v)}" for k, v in zip(keys, values))
    out = parse_query(query)
    for e in out["errors"]:
        assert set(e) == {"zh", "en"}
