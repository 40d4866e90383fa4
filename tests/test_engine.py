"""The engine, rule by rule and exception by exception: form, legal basis and payments (damages 10,000 yuan)."""

import pytest

from casebook.engine import READINGS, REGIMES, analyze

ECL, CRPL, FSL, CC = "e-commerce-law", "consumer-rights-protection-law", "food-safety-law", "civil-code"
SPC1, SPCFD = "spc-online-consumption-disputes-1", "spc-food-drug-disputes"

LIFE_SAFETY = {"life_health_goods": True, "safety_duty": "failed"}

# (sentence, facts, regime, form, legal basis that must be cited, (seller, platform, unrecovered), recourse)
CASES = [
    ("a marketplace platform that did all it should leaves the consumer to the seller",
     {}, "statute", "none", [(CRPL, 44, 1)], (10000, 0, 0), 0),
    ("without harm nobody pays, even a self-operated platform",
     {"harm": "none", "platform_mode": "self_operated"}, "statute", "none", [(CC, 1165, 1)], (0, 0, 0), 0),
    ("a self-operated platform answers as the seller whatever the seller could pay",
     {"platform_mode": "self_operated", "seller_can_pay": 0.0}, "statute", "as_seller",
     [(ECL, 37, 2), (SPC1, 4, 1)], (0, 10000, 0), 0),
    ("a platform whose marks make it look self-operated answers as the seller",
     {"platform_mode": "appears_self_operated"}, "statute", "as_seller", [(SPC1, 4, 2)], (0, 10000, 0), 0),
    ("a platform that knew and took no measures is jointly liable and recovers beyond its half share",
     {"platform_knowledge": "knew", "seller_can_pay": 0.3}, "statute", "joint",
     [(ECL, 38, 1), (CRPL, 44, 2), (CC, 178, 2)], (3000, 7000, 0), 2000),
    ("should have known is enough for joint liability",
     {"platform_knowledge": "should_have_known"}, "statute", "joint", [(ECL, 38, 1)], (10000, 0, 0), 0),
    ("a platform that took necessary measures escapes joint liability",
     {"platform_knowledge": "knew", "necessary_measures": True}, "statute", "none", [(CRPL, 44, 1)],
     (10000, 0, 0), 0),
    ("a platform that cannot identify the seller pays the whole and may recover all of it",
     {"seller_identity_disclosed": False}, "statute", "supplementary", [(CRPL, 44, 1)], (0, 10000, 0), 10000),
    ("the consumer's own fault is never paid by the platform",
     {"seller_identity_disclosed": False, "consumer_fault": 0.2}, "statute", "supplementary",
     [(CRPL, 44, 1), (CC, 1173, None)], (0, 8000, 2000), 8000),
    ("a food platform that failed to review the licence is jointly liable under the Food Safety Law",
     {"food": True, "qualification_review": "failed", "seller_can_pay": 0.5}, "statute", "joint",
     [(FSL, 131, 1)], (5000, 5000, 0), 0),
    ("a food platform that knew of a violation and did nothing is jointly liable under the Food Safety Law",
     {"food": True, "platform_knowledge": "knew"}, "statute", "joint", [(FSL, 131, 1)], (10000, 0, 0), 0),
    ("a food platform that cannot identify the seller pays under the Food Safety Law, not the CRPL",
     {"food": True, "seller_identity_disclosed": False}, "statute", "supplementary",
     [(FSL, 131, 2), (SPCFD, 9, 1)], (0, 10000, 0), 10000),
    ("life-and-health goods and a failed safety duty leave the form open under the statute",
     {**LIFE_SAFETY, "seller_can_pay": 0.4}, "statute", "undetermined", [(ECL, 38, 2)], (4000, 5000, 1000), 0),
    ("the joint reading makes the platform answer for the shortfall the seller cannot pay",
     {**LIFE_SAFETY, "seller_can_pay": 0.4}, "joint", "joint", [(ECL, 38, 2)], (4000, 6000, 0), 1000),
    ("the supplementary reading makes the platform pay the shortfall and recover it all",
     {**LIFE_SAFETY, "seller_can_pay": 0.4}, "supplementary", "supplementary", [(ECL, 38, 2)], (4000, 6000, 0), 6000),
    ("the proportional reading makes the platform pay its own share only",
     {**LIFE_SAFETY, "seller_can_pay": 0.4}, "proportional", "proportional", [(ECL, 38, 2), (CC, 177, None)],
     (4000, 5000, 1000), 0),
    ("the non-genuine joint reading gives the platform full recourse",
     {**LIFE_SAFETY, "seller_can_pay": 0.4}, "non_genuine_joint", "non_genuine_joint", [(ECL, 38, 2)],
     (4000, 6000, 0), 6000),
    ("Meituan's second-instance shares replay as 50/30/20 under the proportional reading",
     {"life_health_goods": True, "qualification_review": "failed", "consumer_fault": 0.2,
      "platform_fault_share": 0.3, "harm": "personal_injury"}, "proportional", "proportional",
     [(ECL, 38, 2), (CC, 1173, None)], (5000, 3000, 2000), 0),
    ("under the proposal a breach that decided the harm makes the platform jointly liable",
     {**LIFE_SAFETY, "causation": "decisive"}, "proposal", "joint", [(ECL, 38, 2)], (10000, 0, 0), 0),
    ("under the proposal an omission that only raised the risk makes the platform supplementarily liable",
     {**LIFE_SAFETY, "causation": "risk_increasing", "seller_can_pay": 0.0}, "proposal", "supplementary",
     [(ECL, 38, 2)], (0, 10000, 0), 10000),
    ("under the proposal causation decides when the large-platform ladder points elsewhere",
     {**LIFE_SAFETY, "causation": "risk_increasing", "risk_level": "major_public_safety"}, "proposal",
     "supplementary", [(ECL, 38, 2)], (10000, 0, 0), 0),
    ("with the ladder first a large platform in a field of major public safety is jointly liable",
     {**LIFE_SAFETY, "causation": "risk_increasing", "risk_level": "major_public_safety"}, "proposal_ladder",
     "joint", [(ECL, 38, 2)], (10000, 0, 0), 0),
    ("with the ladder first a large platform's label defect brings only supplementary liability",
     {**LIFE_SAFETY, "causation": "decisive", "risk_level": "label_defect"}, "proposal_ladder",
     "supplementary", [(ECL, 38, 2)], (10000, 0, 0), 0),
    ("the ladder binds only large platforms",
     {**LIFE_SAFETY, "causation": "risk_increasing", "risk_level": "major_public_safety",
      "platform_tier": "medium"}, "proposal_ladder", "supplementary", [(ECL, 38, 2)], (10000, 0, 0), 0),
    ("a failed duty that caused nothing brings no liability under ECL 38(2)",
     {**LIFE_SAFETY, "causation": "none"}, "statute", "none", [(CRPL, 44, 1)], (10000, 0, 0), 0),
    ("outside life-and-health goods a failed review brings no liability under ECL 38(2)",
     {"qualification_review": "failed"}, "joint", "none", [(CRPL, 44, 1)], (10000, 0, 0), 0),
    ("a promise of more favourable terms binds the platform to pay the whole",
     {"favourable_promise": True, "seller_can_pay": 0.0}, "statute", "non_genuine_joint", [(CRPL, 44, 1)],
     (0, 10000, 0), 10000),
    ("a harmed third party falls outside the consumer rules",
     {"victim_is_consumer": False, "life_health_goods": True, "safety_duty": "failed",
      "seller_identity_disclosed": False}, "statute", "none", [(CC, 1165, 1)], (0, 0, 10000), 0),
    ("knowing and doing nothing decides before the open corresponding liability",
     {**LIFE_SAFETY, "platform_knowledge": "knew"}, "statute", "joint", [(ECL, 38, 1)], (10000, 0, 0), 0),
    ("an unidentifiable seller gives the consumer a certain claim that beats the open reading",
     {**LIFE_SAFETY, "seller_identity_disclosed": False}, "statute", "supplementary", [(CRPL, 44, 1)],
     (0, 10000, 0), 10000),
    ("under the joint reading an unidentifiable seller's platform is jointly liable",
     {**LIFE_SAFETY, "seller_identity_disclosed": False}, "joint", "joint", [(ECL, 38, 2)], (0, 10000, 0), 5000),
]


@pytest.mark.parametrize("facts, regime, form, basis, money, recourse",
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(facts, regime, form, basis, money, recourse):
    a = analyze(facts, regime, "en")
    assert a["liability_form"] == form
    cited = {(b["law"], b["article"], b["paragraph"]) for b in a["legal_basis"]}
    assert set(basis) <= cited, f"missing {set(basis) - cited} in {cited}"
    p = a["payments"]
    assert (p["seller"], p["platform"], p["consumer_unrecovered"]) == pytest.approx(money)
    assert a["recourse"] == pytest.approx(recourse)


def test_undetermined_lists_every_reading_with_its_own_payments():
    a = analyze({**LIFE_SAFETY, "seller_can_pay": 0.4}, "statute", "zh")
    assert [alt["form"] for alt in a["alternatives"]] == list(READINGS)
    by_form = {alt["form"]: alt for alt in a["alternatives"]}
    assert by_form["joint"]["payments"]["platform"] == 6000
    assert by_form["proportional"]["payments"]["platform"] == 5000
    # Civil Code 1198's "相应的补充责任" caps the supplementary share: the tutorial's addition, shown beside it.
    assert by_form["supplementary"]["capped_payments"] == {"seller": 4000, "platform": 5000,
                                                           "consumer_unrecovered": 1000}
    assert a["payments_basis"] == "proportional"
    assert any("相应的责任" in p for p in a["open_points"])


def test_a_decided_form_lists_no_alternatives():
    assert analyze({"platform_knowledge": "knew"})["alternatives"] == []


@pytest.mark.parametrize("facts, displaced, by", [
    ({"food": True, "qualification_review": "failed", **LIFE_SAFETY}, "ecl_38_2", "fsl_131_1"),
    ({"platform_mode": "self_operated", "platform_knowledge": "knew"}, "ecl_38_1", "platform_as_seller"),
    ({"food": True, "seller_identity_disclosed": False}, "crpl_44_1", "fsl_131_2"),
    ({**LIFE_SAFETY, "platform_knowledge": "knew"}, "ecl_38_2", "ecl_38_1"),
], ids=["the Food Safety Law displaces ECL 38(2) for food", "self-operation displaces the intermediary rules",
        "FSL 131(2) displaces CRPL 44(1) for food", "ECL 38(1) displaces the open para. 2"])
def test_special_rule_displaces_general_and_trace_says_so(facts, displaced, by):
    a = analyze(facts, "statute", "en")
    step = next(s for s in a["trace"] if s["rule"] == displaced)
    assert step["held"] and step["displaced_by"] == by
    assert "displaced" in step["reason"]
    assert next(s for s in a["trace"] if s["rule"] == by)["decisive"]


def test_the_proposal_declares_its_choice_when_ladder_and_causation_conflict():
    facts = {**LIFE_SAFETY, "causation": "risk_increasing", "risk_level": "major_public_safety"}
    a = analyze(facts, "proposal", "en")
    assert [c["id"] for c in a["engine_choices"]] == ["choice_causation_first"]
    step = next(s for s in a["trace"] if s["rule"] == "proposal_4_1_1")
    assert step["decided_by"] == "causation" and "conflict" in step["reason"]
    assert any("does not say" in p for p in a["open_points"])


@pytest.mark.parametrize("regime, bears", [("statute", "consumer"), ("joint", "consumer"), ("proposal", "platform")])
def test_burden_of_the_safety_duty_shifts_only_under_the_proposal(regime, bears):
    rows = {r["fact"]: r for r in analyze(LIFE_SAFETY, regime, "en")["burden_of_proof"]}
    assert rows["safety_duty"]["bears"] == bears
    assert rows["qualification_review"]["bears"] == bears
    assert rows["transaction"]["bears"] == "consumer"
    assert rows["seller_identity"]["bears"] == "platform"
    assert rows["causation"]["bears"] == "consumer"
    assert rows["causation"]["open"] is (regime == "proposal")
    assert {"law": "e-commerce-law", "article": 62, "paragraph": None} in rows["transaction"]["refs"]


def test_burden_contract_ids_are_present():
    facts = {r["fact"] for r in analyze({})["burden_of_proof"]}
    assert {"transaction", "harm", "platform_knowledge", "qualification_review", "safety_duty", "causation"} <= facts


@pytest.mark.parametrize("facts, amount, excluded", [
    ({"food": True, "ten_fold_claim": True, "price": 100, "damages": 500}, 1500, False),
    ({"food": True, "ten_fold_claim": True, "price": 300, "damages": 500}, 3000, False),
    ({"food": True, "ten_fold_claim": True, "price": 10, "damages": 10}, 1000, False),
    ({"food": True, "ten_fold_claim": True, "price": 300, "label_defect_only": True}, 0, True),
], ids=["three times the loss when larger", "ten times the price when larger", "at least 1,000 yuan",
        "a harmless label defect is excepted"])
def test_food_safety_law_148_ten_fold(facts, amount, excluded):
    p = analyze(facts)["punitive_damages"]
    assert p["amount"] == amount and p["excluded"] is excluded


def test_no_ten_fold_claim_outside_food():
    assert analyze({"ten_fold_claim": True, "price": 100})["punitive_damages"] is None


def test_pivotal_facts_are_exactly_the_single_changes_that_change_the_form():
    base = {**LIFE_SAFETY, "seller_can_pay": 0.4}
    a = analyze(base, "statute", "en")
    pivots = {(p["field"], p["value"]): p["liability_form"] for p in a["pivotal_facts"]}
    assert pivots[("platform_knowledge", "knew")] == "joint"
    assert pivots[("safety_duty", "fulfilled")] == "none"
    assert pivots[("platform_mode", "self_operated")] == "as_seller"
    assert ("damages", 0) not in pivots
    for (field, value), form in pivots.items():
        assert analyze({**base, field: value}, "statute")["liability_form"] == form != a["liability_form"]


def test_trace_speaks_the_chosen_language():
    zh = analyze(LIFE_SAFETY, "statute", "zh")["trace"]
    en = analyze(LIFE_SAFETY, "statute", "en")["trace"]
    assert [s["rule"] for s in zh] == [s["rule"] for s in en]
    assert "《电子商务法》第三十八条第二款" in [s["citation"] for s in zh]
    assert "ECL art. 38 para. 2" in [s["citation"] for s in en]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in s["reason"]) for s in zh)


@pytest.mark.parametrize("regime", REGIMES)
def test_every_regime_returns_the_contract_keys(regime):
    a = analyze(LIFE_SAFETY, regime, "en")
    assert {"regime", "liability_form", "alternatives", "legal_basis", "payments", "recourse", "burden_of_proof",
            "trace", "pivotal_facts"} <= set(a)
    assert a["regime"] == regime
    for step in a["trace"]:
        assert set(step) >= {"rule", "citation", "held", "reason"}


def test_a_basis_that_held_but_protects_less_is_marked_outranked():
    a = analyze({**LIFE_SAFETY, "seller_identity_disclosed": False}, "statute", "en")
    step = next(s for s in a["trace"] if s["rule"] == "ecl_38_2")
    assert step["held"] and step["outranked_by"] == "crpl_44_1"
    assert "protects the consumer more" in step["reason"]


def test_an_analysis_without_pivotal_facts_is_the_same_analysis_with_them_not_computed():
    for facts in ({}, {"platform_knowledge": "knew"}, {"seller_can_pay": 0.3, "consumer_fault": 0.2}):
        for regime in REGIMES:
            full = analyze(facts, regime, "en")
            light = analyze(facts, regime, "en", pivotal=False)
            assert light["pivotal_facts"] is None  # "not computed", never an empty list ("no pivotal fact")
            assert {k: v for k, v in light.items() if k != "pivotal_facts"} == \
                {k: v for k, v in full.items() if k != "pivotal_facts"}
