"""Arbitrary input into every loader and into the engine: the only exception is the documented ScenarioError.

Everything a visitor can send ends up in one of these functions: a scenario file's text (upload), a mapping of
facts (upload, widgets), a ``?scenario=`` token and a whole query string (URL), a regime and a language (URL,
widgets). Each is fed arbitrary JSON-like values and arbitrary text; anything other than a result or a
:class:`~casebook.scenario.ScenarioError` with a short message is a bug.
"""

from __future__ import annotations

import base64
import json
import math
import os
import tempfile
import zlib

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from casebook import share
from casebook.engine import LANGS, REGIMES, analyze
from casebook.scenario import FIELD_NAMES, FIELDS, META_KEYS, Scenario, ScenarioError, load, parse_text, validate

FORMS = {"none", "as_seller", "joint", "supplementary", "proportional", "non_genuine_joint", "undetermined"}
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

HOSTILE_TEXT = st.sampled_from([
    "", " ", "\x00", "\n", "<script>alert(1)</script>", "{{7*7}}", "${7*7}", "../../etc/passwd", "%00", "NaN",
    "Infinity", "-0", "1e309", "\ud7ff", "\u202e", "名字", "null", "true", "[]", "{}", "~", "!!python/object:os.system",
])
TEXT = st.one_of(st.text(max_size=60), HOSTILE_TEXT)
SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), TEXT, st.binary(max_size=20),
)
JSON_LIKE = st.recursive(SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(TEXT, inner, max_size=5)), max_leaves=20)
# Keys that the validator knows, so that the values, not just the keys, get exercised.
KEY = st.one_of(st.sampled_from(FIELD_NAMES + META_KEYS), TEXT, st.integers(), st.none())
FACTS = st.dictionaries(KEY, JSON_LIKE, max_size=8)
REGIME = st.one_of(st.sampled_from(REGIMES), TEXT, SCALAR)
LANG = st.one_of(st.sampled_from(LANGS), TEXT, SCALAR)


def _one_line(exc: ScenarioError) -> None:
    """A message a page or the command line can show: some text, bounded however big the input, no traceback.

    (The command line folds whitespace into one line; the pages escape the text.)
    """
    text = str(exc)
    assert text.strip(), "an empty message"
    assert len(text) <= 1000, f"a message of {len(text)} characters echoes too much of the input"
    assert "Traceback" not in text


def _checks(scenario) -> None:
    assert isinstance(scenario, Scenario)
    for f in FIELDS:
        value = getattr(scenario, f.name)
        if f.kind == "number" and value is not None:
            assert math.isfinite(value) and value >= f.minimum


@settings(max_examples=400, **SETTINGS)
@given(st.one_of(FACTS, JSON_LIKE))
@example({"harm": float("nan")})
@example({"damages": float("inf")})
@example({"consumer_fault": True})
@example({"platform_fault_share": 0.9, "consumer_fault": 0.9})
@example({"assumptions": {"harm": ["x"]}})
@example({"title": 5})
@example({"harm\nx": 1})
def test_validate_returns_a_scenario_or_raises_scenario_error(data):
    try:
        scenario = validate(data)
    except ScenarioError as exc:
        _one_line(exc)
        return
    _checks(scenario)


@settings(max_examples=400, **SETTINGS)
@given(st.one_of(
    st.text(max_size=400),
    JSON_LIKE.map(lambda v: json.dumps(v, default=repr)),
    FACTS.map(lambda d: "\n".join(f"{k}: {json.dumps(v, default=repr)}" for k, v in d.items())),
    st.sampled_from([
        "a: &a [x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b]\n",
        "!!python/object/apply:os.system ['echo pwned']", "harm: !!binary aGVsbG8=", "? [1, 2]\n: 3",
        "{" * 5000, "[" * 5000, "- " * 3000, "%YAML 1.1\n---\nharm: none", "harm: none\n...\nfood: yes",
        "\ufeff{\"harm\": \"none\"}", "harm: \"\\ud800\"",
    ]),
))
def test_parse_text_returns_a_mapping_or_raises_scenario_error(text):
    try:
        data = parse_text(text, name="upload.yaml")
    except ScenarioError as exc:
        _one_line(exc)
        return
    assert isinstance(data, dict)
    try:
        _checks(validate(data))
    except ScenarioError as exc:
        _one_line(exc)


DEEP = ["[" * 5000, '{"a":' * 3000, "[" * 5000 + "]" * 5000]


@pytest.mark.parametrize("text", DEEP, ids=["5000 [", "3000 objects", "5000 [ and ]"])
def test_parse_text_refuses_deeply_nested_input_with_scenario_error(text):
    with pytest.raises(ScenarioError) as exc:
        parse_text(text, name="upload.json")
    _one_line(exc.value)


@settings(max_examples=150, **SETTINGS)
@given(st.binary(max_size=600) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_load_reads_any_file_and_fails_only_with_scenario_error(raw):
    fd, path = tempfile.mkstemp(suffix=".yaml")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        try:
            scenario, data = load(path)
        except ScenarioError as exc:
            _one_line(exc)
            return
        _checks(scenario)
        assert isinstance(data, dict)
    finally:
        os.unlink(path)


def test_load_refuses_paths_that_are_not_readable_files(tmp_path):
    for path in (str(tmp_path), str(tmp_path / "missing.json"), "/proc/self/mem"):
        try:
            load(path)
        except ScenarioError as exc:
            _one_line(exc)
        else:  # pragma: no cover
            raise AssertionError(f"{path} was read as a scenario")


def _token(kind: str, raw: bytes) -> str:
    body = zlib.compress(raw) if kind == "z" else raw
    return kind + base64.urlsafe_b64encode(body).rstrip(b"=").decode()


TOKEN = st.one_of(
    TEXT,
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=+/%{}\"':,", max_size=200),
    st.builds(_token, st.sampled_from("jz"), st.binary(max_size=200)),
    st.builds(_token, st.sampled_from("jz"), JSON_LIKE.map(lambda v: json.dumps(v, default=repr).encode())),
    st.builds(_token, st.sampled_from("jz"), FACTS.map(lambda d: json.dumps(d, default=repr).encode())),
    JSON_LIKE.map(lambda v: json.dumps(v, default=repr)),
    SCALAR,
)


@settings(max_examples=500, **SETTINGS)
@given(TOKEN)
@example("z" + base64.urlsafe_b64encode(zlib.compress(b"{" + b" " * 1_000_000 + b"}")).rstrip(b"=").decode())
@example("j" + base64.urlsafe_b64encode(b"[" * 2000 + b"]" * 2000).rstrip(b"=").decode())
@example("A" * 100_000)
@example('{"harm": "none", "harm": "property"}')
def test_share_decode_returns_a_scenario_or_raises_scenario_error(token):
    try:
        scenario = share.decode(token)
    except ScenarioError as exc:
        _one_line(exc)
        return
    _checks(scenario)


QUERY = st.one_of(
    st.text(max_size=300),
    st.lists(st.tuples(st.sampled_from(["lang", "scenario", "case", "regime", "template", "theme", "x"]), TOKEN
                       .map(str)), max_size=6)
    .map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs)),
    st.binary(max_size=100),
    SCALAR,
    JSON_LIKE,
)


@settings(max_examples=400, **SETTINGS)
@given(QUERY)
@example("?" + "scenario=" + "A" * 100_000)
@example("lang=en&lang=zh&lang=<script>")
@example(b"\xff\xfe")
def test_parse_query_never_raises_and_reports_each_problem(query):
    out = share.parse_query(query)
    assert set(out) >= {"lang", "scenario", "scenario_data", "case", "regime", "errors"}
    assert out["lang"] in (None, "zh", "en")
    assert out["regime"] in (None, *REGIMES)
    assert out["scenario"] is None or isinstance(out["scenario"], Scenario)
    for message in out["errors"]:
        assert set(message) == {"zh", "en"} and all(isinstance(v, str) and v for v in message.values())
        for text in message.values():
            assert "<" not in text and ">" not in text, f"markup in a message: {text!r}"


@settings(max_examples=300, **SETTINGS)
@given(st.one_of(FACTS, JSON_LIKE), REGIME, LANG)
def test_analyze_returns_an_analysis_or_raises_scenario_error(facts, regime, lang):
    try:
        result = analyze(facts, regime, lang)
    except ScenarioError as exc:
        _one_line(exc)
        return
    assert result["liability_form"] in FORMS
    assert regime in REGIMES and lang in LANGS
