"""The law as the statutes say it: the corrections of the outside legal review (issue 14), one table row per point.

Each row: the scenario, the regime, what the engine must now say, and the article it rests on. Every row failed on
the engine before the correction (the point number says which finding it pins).
"""

import pytest

from casebook.engine import READINGS, REGIMES, analyze

ECL, CRPL, FSL, CC = "e-commerce-law", "consumer-rights-protection-law", "food-safety-law", "civil-code"
SPC1, SPCFS, SPCPD = "spc-online-consumption-disputes-1", "spc-food-safety-civil-disputes-1", "spc-food-drug-punitive-damages"

BYSTANDER = {"victim_is_consumer": False, "harm": "personal_injury"}
UNNAMED_LIFE = {"seller_identity_disclosed": False, "life_health_goods": True, "safety_duty": "failed",
                "platform_fault_share": 0.3}
FOOD_CLAIM = {"food": True, "ten_fold_claim": True, "price": 200, "damages": 100}


def basis(a):
    return {(b["law"], b["article"], b["paragraph"]) for b in a["legal_basis"]}


# (point, sentence, facts, regime, form, deciding rule, article that must be cited, (seller, platform, unrecovered))
FORMS = [
    (1, "a self-operated platform answers as seller to a bystander its product injured (CC 1203)",
     {**BYSTANDER, "platform_mode": "self_operated"}, "statute", "as_seller", "cc_1203", (CC, 1203, 1),
     (0, 10000, 0)),
    (1, "a platform that knew and took no measures answers jointly to a bystander (CC 1197)",
     {**BYSTANDER, "platform_knowledge": "should_have_known", "seller_can_pay": 0.4}, "statute", "joint",
     "cc_1197", (CC, 1197, None), (4000, 6000, 0)),
    (1, "marks that only look self-operated do not make the platform a bystander's seller",
     {**BYSTANDER, "platform_mode": "appears_self_operated"}, "statute", "none", "seller_alone", (CC, 1165, 1),
     (10000, 0, 0)),
    (1, "a family member using the goods is a consumer: ECL 38(1) reaches them",
     {"victim_is_consumer": True, "platform_knowledge": "knew"}, "statute", "joint", "ecl_38_1", (ECL, 38, 1),
     (10000, 0, 0)),
    (2, "CRPL 44(1): the whole loss from the platform, no cap, under the statute",
     UNNAMED_LIFE | {"life_health_goods": False, "safety_duty": "fulfilled"}, "statute", "supplementary",
     "crpl_44_1", (CRPL, 44, 1), (0, 10000, 0)),
    (3, "an unnamed seller keeps CRPL 44(1) under the supplementary reading of ECL 38(2)",
     UNNAMED_LIFE, "supplementary", "supplementary", "crpl_44_1", (CRPL, 44, 1), (0, 10000, 0)),
    (3, "an unnamed seller keeps CRPL 44(1) under the proposal's supplementary rung",
     UNNAMED_LIFE | {"causation": "risk_increasing"}, "proposal", "supplementary", "crpl_44_1", (CRPL, 44, 1),
     (0, 10000, 0)),
    (3, "an unnamed seller keeps CRPL 44(1) under the proportional reading",
     UNNAMED_LIFE, "proportional", "supplementary", "crpl_44_1", (CRPL, 44, 1), (0, 10000, 0)),
    (5, "a failed licence review that caused nothing gives no FSL 131 liability",
     {"food": True, "qualification_review": "failed", "causation": "none"}, "statute", "none", "seller_alone",
     (CRPL, 44, 1), (10000, 0, 0)),
    (5, "a failed licence review that caused the harm gives FSL 131 joint liability",
     {"food": True, "qualification_review": "failed", "causation": "risk_increasing"}, "statute", "joint",
     "fsl_131_1", (FSL, 131, 1), (10000, 0, 0)),
]


@pytest.mark.parametrize("point, facts, regime, form, rule, article, money", [r[0:1] + r[2:] for r in FORMS],
                         ids=[f"point {r[0]}: {r[1]}" for r in FORMS])
def test_the_corrected_form(point, facts, regime, form, rule, article, money):
    a = analyze(facts, regime, "en")
    assert (a["liability_form"], a["deciding_rule"]) == (form, rule)
    assert article in basis(a)
    p = a["payments"]
    assert (p["seller"], p["platform"], p["consumer_unrecovered"]) == pytest.approx(money)


def test_point_1_a_bystander_is_never_told_the_consumer_claims_from_the_seller():
    for facts in (BYSTANDER, {**BYSTANDER, "platform_mode": "appears_self_operated"}):
        for lang in ("zh", "en"):
            a = analyze(facts, "statute", lang)
            words = a["summary"] + " ".join(s["reason"] for s in a["trace"])
            assert "consumer claims from the seller" not in words and "消费者向销售者要求赔偿" not in words
            assert ("1165" in a["summary"]) or ("一千一百六十五" in a["summary"])
    a = analyze(BYSTANDER, "statute", "en")
    assert "do not reach a third party" in a["summary"]
    assert any("third party" in p for p in a["open_points"])


def test_point_1_the_third_party_rules_are_marked_as_the_tutorials_additions_and_choices():
    a = analyze({**BYSTANDER, "platform_knowledge": "knew"}, "statute", "en")
    steps = {s["rule"]: s for s in a["trace"]}
    assert steps["cc_1197"]["addition"] and steps["cc_1203"]["addition"]
    assert steps["ecl_38_1"]["held"] is False and "not a consumer" in steps["ecl_38_1"]["reason"]
    assert "cc_1197_goods_bystander" in [c["id"] for c in a["engine_choices"]]
    b = analyze({**BYSTANDER, "platform_mode": "appears_self_operated"}, "statute", "en")
    assert "appearance_not_for_third_party" in [c["id"] for c in b["engine_choices"]]


def test_point_1_for_a_consumer_ecl_38_1_displaces_cc_1197():
    a = analyze({"platform_knowledge": "knew"}, "statute", "en")
    step = next(s for s in a["trace"] if s["rule"] == "cc_1197")
    assert step["held"] and step["displaced_by"] == "ecl_38_1"


@pytest.mark.parametrize("regime", REGIMES)
def test_points_2_and_3_crpl_44_1_gives_the_whole_from_the_platform_under_every_regime(regime):
    a = analyze({**UNNAMED_LIFE, "consumer_fault": 0.1}, regime, "en")
    assert a["payments"]["platform"] == pytest.approx(9000)
    assert a["payments"]["consumer_unrecovered"] == pytest.approx(1000)  # the consumer's own fault only
    assert a["platform_exposure"] == pytest.approx(9000)
    assert "capped_payments" not in a
    if a["deciding_rule"] == "crpl_44_1":
        assert a["recourse"] == pytest.approx(9000)
        assert "whole loss" in a["summary"] and "makes up the shortfall" not in a["summary"]
        assert "no cap" in a["summary"]


def test_point_3_ties_go_to_the_rule_declared_first():
    # A promise (non-genuine joint) and an unnamed seller (CRPL 44(1)) protect alike: the promise, declared first.
    a = analyze({"favourable_promise": True, "seller_identity_disclosed": False}, "statute", "en")
    assert a["deciding_rule"] == "crpl_44_1_promise"
    step = next(s for s in a["trace"] if s["rule"] == "crpl_44_1")
    assert step["outranked_by"] == "crpl_44_1_promise"


# (sentence, facts, reason, amount, seller owes, platform owes)
PUNITIVE = [
    ("4a: a seller that did not know owes no ten-fold; only the producer does",
     FOOD_CLAIM, "pun_seller_unaware", 2000, False, False),
    ("4a: a seller that knew owes the ten-fold",
     {**FOOD_CLAIM, "seller_knew_unsafe": True}, "pun_seller_owes", 2000, True, False),
    ("4a: a self-operated platform that did not know owes no ten-fold",
     {**FOOD_CLAIM, "platform_mode": "self_operated"}, "pun_platform_operator_unaware", 2000, False, False),
    ("4a: a self-operated platform that knew owes it as the food operator",
     {**FOOD_CLAIM, "platform_mode": "self_operated", "seller_knew_unsafe": True}, "pun_platform_owes", 2000,
     False + True, True),
    ("4b: no harm at all, and still the ten-fold (at least 1,000 yuan)",
     {**FOOD_CLAIM, "harm": "none", "price": 50, "seller_knew_unsafe": True}, "pun_seller_owes", 1000, True, False),
    ("4c: the paper's label rung does not decide the proviso",
     {**FOOD_CLAIM, "risk_level": "label_defect", "seller_knew_unsafe": True}, "pun_seller_owes", 2000, True,
     False),
    ("4c: a label defect that neither affects safety nor misleads is spared",
     {**FOOD_CLAIM, "label_defect_only": True, "seller_knew_unsafe": True}, "pun_proviso", 0, False, False),
    ("1: a bystander has no ten-fold claim", {**FOOD_CLAIM, "victim_is_consumer": False, "seller_knew_unsafe": True},
     "pun_not_consumer", 0, False, False),
]


@pytest.mark.parametrize("facts, reason, amount, seller, platform", [r[1:] for r in PUNITIVE],
                         ids=[r[0] for r in PUNITIVE])
def test_point_4_fsl_148_2_with_its_conditions(facts, reason, amount, seller, platform):
    p = analyze(facts, "statute", "en")["punitive_damages"]
    assert p["reason"] == reason
    assert p["amount"] == pytest.approx(amount)
    assert (bool(p["seller_owes"]), p["platform_owes"]) == (bool(seller), platform)
    assert (FSL, 148, 2) in {(r["law"], r["article"], r["paragraph"]) for r in p["refs"]}


def test_point_4_the_cited_interpretations_are_the_right_ones():
    cited = lambda p: {(r["law"], r["article"]) for r in p["refs"]}
    unaware = analyze(FOOD_CLAIM, "statute", "en")["punitive_damages"]
    assert {(SPCFS, 6), (SPCFS, 10)} <= cited(unaware)
    spared = analyze({**FOOD_CLAIM, "label_defect_only": True}, "statute", "en")["punitive_damages"]
    assert {(SPCPD, 6), (SPCPD, 7), (SPCPD, 8)} <= cited(spared)
    operator = analyze({**FOOD_CLAIM, "platform_mode": "self_operated"}, "statute", "en")["punitive_damages"]
    assert (SPCFS, 2) in cited(operator)


def test_point_4b_the_ten_fold_shows_in_the_trace_even_where_the_harm_gate_stops_the_rest():
    a = analyze({**FOOD_CLAIM, "harm": "none", "seller_knew_unsafe": True}, "statute", "en")
    assert a["deciding_rule"] == "harm_required"
    step = a["trace"][-1]
    assert step["rule"] == "fsl_148_2" and step["held"] and "no personal injury needed" in step["reason"]


def test_point_5_the_english_of_fsl_131_1_and_the_trace_keep_the_causal_link():
    a = analyze({"food": True, "qualification_review": "failed", "causation": "none"}, "statute", "en")
    step = next(s for s in a["trace"] if s["rule"] == "fsl_131_1")
    assert step["held"] is False and "did not cause" in step["reason"]


@pytest.mark.parametrize("regime, bears", [("statute", "consumer"), ("supplementary", "consumer"),
                                           ("proposal", "platform")])
def test_point_6_the_consumer_proves_no_necessary_measures_under_the_law_as_written(regime, bears):
    rows = {r["fact"]: r for r in analyze({"platform_knowledge": "knew"}, regime, "en")["burden_of_proof"]}
    row = rows["necessary_measures"]
    assert row["bears"] == bears and row["current"] == "consumer" and row["relevant"]
    cited = {(r["law"], r["article"]) for r in row["refs"]}
    assert ("civil-procedure-interpretation", 91) in cited
    if bears == "consumer":
        assert "not its burden" in row["note"]


def test_point_8_the_joint_rung_for_property_only_harm_is_declared_an_extension():
    facts = {"life_health_goods": True, "safety_duty": "failed", "causation": "decisive", "harm": "property"}
    a = analyze(facts, "proposal", "en")
    assert a["liability_form"] == "joint"
    assert "joint_rung_property" in [c["id"] for c in a["engine_choices"]]
    step = next(s for s in a["trace"] if s["rule"] == "proposal_4_1_1")
    assert "tutorial's extension" in step["reason"]
    injury = analyze({**facts, "harm": "personal_injury"}, "proposal", "en")
    assert "joint_rung_property" not in [c["id"] for c in injury["engine_choices"]]


def test_point_9_tied_readings_are_called_the_same_not_least_favourable():
    tied = analyze({"life_health_goods": True, "safety_duty": "failed", "platform_fault_share": 0.5}, "statute", "en")
    assert tied["liability_form"] == "undetermined"
    assert "same recovery" in tied["payments_basis_note"] and "least favourable" not in tied["payments_basis_note"]
    apart = analyze({"life_health_goods": True, "safety_duty": "failed", "seller_can_pay": 0.4}, "statute", "en")
    assert "least favourable" in apart["payments_basis_note"]
    assert [alt["form"] for alt in apart["alternatives"]] == list(READINGS)


def test_point_7_on_jds_facts_the_proposal_moves_the_supervision_fact_to_the_platform():
    """The JD court found "注意和监督措施不力", the fact §4.2.3 names ("平台是否履行审核、监督义务"): a consumer who can
    show the platform should have known, but not what it failed to do, loses now and wins under the proposal."""
    from casebook.cases import decision
    from casebook.proving import assess

    jd = {k: v for k, v in decision("zhang-v-jd")["scenario"].items() if k != "assumptions"}
    held = ("transaction", "harm", "seller_infringement", "platform_knowledge")
    now, proposal = assess(jd, "statute", evidence=held), assess(jd, "proposal", evidence=held)
    assert "necessary_measures" in now["unproven"] and not now["succeeds"]
    assert proposal["succeeds"] and proposal["proven_form"] == "joint"
    row = next(r for r in proposal["rows"] if r["fact"] == "necessary_measures")
    assert (row["bears"], row["status"]) == ("platform", "platform_fails")


def test_point_10_the_huolala_facts_keep_to_the_papers_words():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for path in [*root.glob("casebook/data/*/*.yaml"), *root.glob("notebooks/*.ipynb")]:
        text = path.read_text(encoding="utf-8")
        assert "审查注册司机" not in text and "注册司机的营运资质" not in text, path.name
        assert "registered driver's operating qualification" not in text, path.name
