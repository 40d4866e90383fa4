"""The sweeps the chapters plot are the engine's own figures, point by point."""

import pytest

from casebook.engine import READINGS, analyze, decide, form_grid, payments, readings_sweep, sensitivity
from casebook.scenario import ScenarioError, validate

LIFE = {"life_health_goods": True, "safety_duty": "failed", "seller_can_pay": 0.4}


@pytest.mark.parametrize("facts, regime", [(LIFE, "statute"), (LIFE, "proposal"), ({"platform_knowledge": "knew"},
                                            "statute"), ({"seller_identity_disclosed": False}, "joint"),
                                           ({"harm": "none", "platform_mode": "self_operated"}, "statute")])
@pytest.mark.parametrize("field, steps", [("seller_can_pay", (0, 0.25, 1)), ("consumer_fault", (0, 0.3, 0.9)),
                                          ("damages", (0, 500, 10000))])
def test_every_point_of_a_sensitivity_sweep_is_the_analysis_of_those_facts(facts, regime, field, steps):
    for point in sensitivity(facts, field, steps, regime):
        a = analyze({**facts, field: point["value"]}, regime, "en", pivotal=False)
        assert point["liability_form"] == a["liability_form"]
        assert point["payments"] == a["payments"]
        assert (point["recourse"], point["platform_exposure"]) == (a["recourse"], a["platform_exposure"])


def test_a_sweep_under_a_chosen_reading_uses_that_readings_payments():
    for point in sensitivity(LIFE, "seller_can_pay", (0, 0.5), "statute", form="joint"):
        assert point["liability_form"] == "undetermined"
        assert point["payments"] == payments(validate({**LIFE, "seller_can_pay": point["value"]}), "joint")["payments"]


def test_a_value_the_facts_cannot_take_is_a_gap_not_an_error():
    points = sensitivity({"platform_fault_share": 0.8}, "consumer_fault", (0.1, 0.5))
    assert points[0]["payments"] is not None
    assert points[1] == {"value": 0.5, "liability_form": None, "payments": None}


@pytest.mark.parametrize("field, regime", [("harm", "statute"), ("nope", "statute"), (3, "statute"),
                                           ("damages", "lenient")])
def test_a_bad_sweep_is_refused_with_a_message(field, regime):
    with pytest.raises(ScenarioError):
        sensitivity({}, field, (1,), regime)


def test_the_readings_sweep_gives_each_readings_payments_and_the_1198_cap():
    sweep = readings_sweep(LIFE, "seller_can_pay", (0, 0.4))
    for r in READINGS:
        assert [p for _, p in sweep[r]] == [payments(validate({**LIFE, "seller_can_pay": x}), r)["payments"]
                                            for x in (0, 0.4)]
    assert sweep["supplementary_capped"][0][1]["consumer_unrecovered"] > 0


def test_the_form_grid_is_decide_over_the_grid():
    grid = form_grid({**LIFE, "platform_tier": "large"}, {"causation": ("decisive", "risk_increasing"),
                                                           "risk_level": ("major_public_safety", "label_defect")},
                     ("proposal", "proposal_ladder"))
    assert len(grid) == 4
    for (cause, risk), forms in grid.items():
        for regime, form in forms.items():
            assert form == decide(validate({**LIFE, "causation": cause, "risk_level": risk}), regime)
    assert grid[("risk_increasing", "major_public_safety")] == {"proposal": "supplementary", "proposal_ladder": "joint"}
