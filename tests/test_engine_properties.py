"""Invariants of the engine over every valid scenario (hypothesis)."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook import statutes
from casebook.engine import REGIMES, analyze
from casebook.scenario import FIELDS, Scenario, validate


def _value(f):
    if f.kind == "choice":
        return st.sampled_from(f.options)
    if f.kind == "bool":
        return st.booleans()
    hi = 1e7 if f.maximum is None or f.maximum > 1 else f.maximum
    num = st.floats(min_value=f.minimum, max_value=hi, allow_nan=False, allow_infinity=False)
    return st.one_of(st.none(), num) if f.optional else num


@st.composite
def scenarios(draw):
    facts = {f.name: draw(_value(f)) for f in FIELDS}
    share = facts["platform_fault_share"]
    if share is not None and share + facts["consumer_fault"] > 1:
        facts["platform_fault_share"] = 1 - facts["consumer_fault"]
    return validate(facts)


REGIME = st.sampled_from(REGIMES)
LANG = st.sampled_from(["zh", "en"])


@settings(max_examples=300, deadline=None)
@given(scenarios(), REGIME, LANG)
def test_no_regime_crashes_and_payments_add_up_to_the_damages(s, regime, lang):
    a = analyze(s, regime, lang)
    p = a["payments"]
    assert min(p.values()) >= 0
    assert p["seller"] + p["platform"] + p["consumer_unrecovered"] == pytest.approx(a["damages"], abs=0.02)
    for alt in a["alternatives"]:
        q = alt["payments"]
        assert q["seller"] + q["platform"] + q["consumer_unrecovered"] == pytest.approx(a["damages"], abs=0.02)


@settings(max_examples=300, deadline=None)
@given(scenarios(), REGIME)
def test_the_consumers_own_share_is_never_paid_by_others(s, regime):
    a = analyze(s, regime, "en")
    own = a["damages"] * s.consumer_fault
    assert a["payments"]["consumer_unrecovered"] >= own - 0.02
    assert a["payments"]["seller"] + a["payments"]["platform"] <= a["damages"] - own + 0.02


@settings(max_examples=300, deadline=None)
@given(scenarios(), REGIME)
def test_taking_necessary_measures_never_makes_the_platform_worse_off(s, regime):
    without = analyze(replace(s, necessary_measures=False), regime, "en")
    with_ = analyze(replace(s, necessary_measures=True), regime, "en")
    # What the consumer may demand from the platform directly never grows by taking measures.
    assert with_["platform_exposure"] <= without["platform_exposure"] + 0.02


@settings(max_examples=200, deadline=None)
@given(scenarios(), REGIME, LANG)
def test_every_citation_in_every_trace_resolves_to_an_article_held_in_the_project(s, regime, lang):
    a = analyze(s, regime, lang)
    refs = [r for step in a["trace"] for r in step.get("refs", [])]
    refs += a["legal_basis"] + [r for row in a["burden_of_proof"] for r in row["refs"]]
    for r in refs:
        assert statutes.has(r["law"], r["article"], r["paragraph"]), r


@settings(max_examples=150, deadline=None)
@given(scenarios(), REGIME)
def test_pivotal_facts_really_change_the_form(s, regime):
    a = analyze(s, regime, "en")
    for p in a["pivotal_facts"][:4]:
        assert analyze(replace(s, **{p["field"]: p["value"]}), regime, "en")["liability_form"] == p["liability_form"]
        assert p["liability_form"] != a["liability_form"]


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_a_decided_statute_form_is_the_same_under_every_reading(s):
    """The readings of 相应的责任 only matter where ECL 38(2) decides."""
    statute = analyze(s, "statute", "en")
    if statute["liability_form"] != "undetermined" and statute["deciding_rule"] != "ecl_38_2":
        for regime in ("joint", "supplementary", "proportional", "non_genuine_joint"):
            other = analyze(s, regime, "en")
            if other["deciding_rule"] != "ecl_38_2":
                assert other["liability_form"] == statute["liability_form"]


def test_scenario_round_trips_through_its_dict():
    s = Scenario(food=True, damages=123.0)
    assert validate(s.to_dict()) == s
