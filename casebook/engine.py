"""The rules engine: from the facts of a dispute to the platform's liability, the payments and the burden of proof.

One pure function, :func:`analyze`, turns a scenario, a regime and a language into the analysis of the contract.
It reads no file, keeps no state and imports no UI library, so a page can re-run it on every click.

Each rule below is named after the provision it applies and quotes it. Where two rules hold at once, a rule that
declares ``overrides`` displaces the other (the special law beats the general one); among the rest the consumer may
rely on whichever basis protects them most, and the trace says which rule decided and why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from .scenario import FIELD_BY_NAME, FIELDS, Scenario, ScenarioError, validate
from .texts import (
    FORM_NAMES,
    fmt_money,
    READING_TEXT,
    RULE_NAMES,
    T,
    cite_refs,
    fmt_share,
)

REGIMES = ("statute", "joint", "supplementary", "proportional", "non_genuine_joint", "proposal", "proposal_ladder")
READINGS = ("joint", "supplementary", "proportional", "non_genuine_joint")
FORMS = ("none", "as_seller", "joint", "supplementary", "proportional", "non_genuine_joint", "undetermined")
LANGS = ("zh", "en")

# How far each form protects the consumer: whom they may ask, and for how much. An undetermined form counts as its
# weakest reading, since that is all a consumer can count on before the judge chooses.
STRENGTH = {"as_seller": 6, "joint": 5, "non_genuine_joint": 4, "supplementary": 3, "proportional": 2,
            "undetermined": 2, "none": 0}
# CRPL 44(1) and FSL 131(2): the whole loss from the platform, which recovers all of it (as non-genuine joint).
DISCLOSURE_STRENGTH = STRENGTH["non_genuine_joint"]
DISCLOSURE_RULES = ("crpl_44_1", "fsl_131_2")

ECL, CRPL, FSL, CC = "e-commerce-law", "consumer-rights-protection-law", "food-safety-law", "civil-code"
SPC1, SPCFD = "spc-online-consumption-disputes-1", "spc-food-drug-disputes"
SPCFS, SPCPD = "spc-food-safety-civil-disputes-1", "spc-food-drug-punitive-damages"
CPLI, EVID = "civil-procedure-interpretation", "spc-civil-evidence-rules"


@dataclass(frozen=True)
class Finding:
    """What one rule made of the facts."""

    held: bool
    reason: str  # a key into texts.T
    form: str = "none"
    params: tuple = ()
    # How far the finding protects the consumer, where it differs from its form's STRENGTH: CRPL 44(1) bears the
    # paper's label "补充赔偿责任" but gives the whole loss from the platform, with full recourse.
    strength: int | None = None
    refs: tuple = ()  # the articles this finding rests on, where they differ from the rule's own


@dataclass(frozen=True)
class Rule:
    id: str
    refs: tuple  # ((law, article, paragraph or None), ...)
    test: Callable[[Scenario, str], Finding]
    overrides: tuple = ()
    gate: bool = False  # a condition of every claim below it: when it fails, nothing below can hold
    addition: bool = False  # beyond the paper's §3.1: the tutorial's own addition


RULES: list[Rule] = []


def rule(id: str, refs, overrides=(), gate=False, addition=False):
    def register(fn):
        RULES.append(Rule(id, tuple(refs), fn, tuple(overrides), gate, addition))
        return fn

    return register


# --- gates -----------------------------------------------------------------------------------------------------


@rule("harm_required", [(CC, 1165, 1)], gate=True)
def harm_required(s: Scenario, regime: str) -> Finding:
    """《民法典》第一千一百六十五条第一款: "行为人因过错侵害他人民事权益造成损害的，应当承担侵权责任。"

    Every basis below asks for harm ("合法权益受到损害", "造成消费者损害"). Without it nobody owes compensation.
    """
    return Finding(s.harm != "none", "harm_yes" if s.harm != "none" else "harm_no")


# --- the platform as seller -------------------------------------------------------------------------------------

INTERMEDIARY_RULES = ("fsl_131_1", "ecl_38_1", "cc_1197", "crpl_44_1_promise", "fsl_131_2", "crpl_44_1", "ecl_38_2")

# ECL 38, CRPL 44 and FSL 131/148 protect the consumer: whoever buys or uses goods, or receives a service, for
# living consumption (《消费者权益保护法》第二条: "消费者为生活消费需要购买、使用商品或者接受服务"), a family member
# using the goods included. A third party, such as a bystander, is reached only by Civil Code arts. 1197 and 1203.


@rule("platform_as_seller", [(ECL, 37, 2), (SPC1, 4, 1), (SPC1, 4, 2)], overrides=INTERMEDIARY_RULES + ("cc_1203",),
      addition=True)
def platform_as_seller(s: Scenario, regime: str) -> Finding:
    """《电子商务法》第三十七条第二款: "电子商务平台经营者对其标记为自营的业务依法承担商品销售者或者服务提供者的民事责任。"

    《网络消费规定（一）》第四条: self-operated business, marked or not (para. 1), or marks that lead consumers to
    believe it is self-operated (para. 2) → the platform answers to the consumer as seller. The platform is then no
    intermediary, so the rules for intermediaries give way.
    """
    if s.platform_mode == "marketplace":
        return Finding(False, "seller_marketplace")
    if not s.victim_is_consumer:
        return Finding(False, "seller_not_consumer")
    if s.platform_mode == "self_operated":
        return Finding(True, "seller_self", "as_seller")
    return Finding(True, "seller_appears", "as_seller")


@rule("cc_1203", [(CC, 1203, 1), (ECL, 37, 2)], overrides=INTERMEDIARY_RULES, addition=True)
def cc_1203(s: Scenario, regime: str) -> Finding:
    """《民法典》第一千二百零三条第一款: "因产品存在缺陷造成他人损害的，被侵权人可以向产品的生产者请求赔偿，也可以向产品的
    销售者请求赔偿。" Whoever a defective product injures, consumer or not, may claim from its seller; a self-operated
    platform bears the seller's civil liability "依法" (ECL art. 37 para. 2), so it answers to a bystander as seller.

    Marks that only make a business look self-operated (SPC Online Consumption Provisions (I) art. 4 para. 2) bind
    the platform toward consumers they could mislead; a bystander relied on no mark, so here the platform is not the
    seller (the tutorial's reading, declared in ``engine_choices``).
    """
    if s.victim_is_consumer:
        return Finding(False, "cc1203_consumer")
    if s.platform_mode == "self_operated":
        return Finding(True, "cc1203_held", "as_seller")
    if s.platform_mode == "appears_self_operated":
        return Finding(False, "cc1203_appears")
    return Finding(False, "seller_marketplace")


# --- joint liability --------------------------------------------------------------------------------------------


@rule("fsl_131_1", [(FSL, 131, 1), (FSL, 62, None), (SPCFS, 3, None)], overrides=("ecl_38_2", "ecl_38_1", "cc_1197"),
      addition=True)
def fsl_131_1(s: Scenario, regime: str) -> Finding:
    """《食品安全法》第一百三十一条第一款: a food platform that "未对入网食品经营者进行实名登记、审查许可证，或者未履行报告、
    停止提供网络交易平台服务等义务的 … 使消费者的合法权益受到损害的，应当与食品经营者承担连带责任。"

    The reporting and stopping duties arise when the platform discovers a violation (第六十二条第二款 "发现"), so
    a platform that knew and did nothing fails them. The failure must be what harmed the consumer ("使消费者的合法
    权益受到损害", and 《食品安全民事纠纷解释（一）》第三条): a lapse that caused nothing gives no liability here. As the
    special law for food it displaces ECL art. 38.
    """
    if not s.food:
        return Finding(False, "fsl131_not_food")
    if not s.victim_is_consumer:
        return Finding(False, "not_consumer")
    if s.qualification_review == "failed":
        failure = "fsl131_review"
    elif s.platform_knowledge == "knew" and not s.necessary_measures:
        failure = "fsl131_report"
    else:
        return Finding(False, "fsl131_duties_met")
    if s.causation == "none":
        return Finding(False, "fsl131_no_cause")
    return Finding(True, failure, "joint")


@rule("ecl_38_1", [(ECL, 38, 1), (CRPL, 44, 2)], overrides=("ecl_38_2", "cc_1197"))
def ecl_38_1(s: Scenario, regime: str) -> Finding:
    """《电子商务法》第三十八条第一款: "知道或者应当知道平台内经营者 … 侵害消费者合法权益行为，未采取必要措施的，
    依法与该平台内经营者承担连带责任。" 《消费者权益保护法》第四十四条第二款 says the same ("明知或者应知").

    Where it holds it fixes the form (joint), leaving nothing for para. 2's open "相应的责任" to decide. As the
    special rule for consumers it displaces Civil Code art. 1197 on the same facts.
    """
    if not s.victim_is_consumer:
        return Finding(False, "not_consumer")
    if s.platform_knowledge == "none":
        return Finding(False, "k_none")
    if s.necessary_measures:
        return Finding(False, "k_measures", params=(s.platform_knowledge,))
    return Finding(True, "k_joint", "joint", (s.platform_knowledge,))


@rule("cc_1197", [(CC, 1197, None)], addition=True)
def cc_1197(s: Scenario, regime: str) -> Finding:
    """《民法典》第一千一百九十七条: "网络服务提供者知道或者应当知道网络用户利用其网络服务侵害他人民事权益，未采取必要措施的，
    与该网络用户承担连带责任。"

    It protects anyone's rights ("他人民事权益"), so it reaches a third party whom a seller on the platform harmed.
    Reading it to cover goods that injure a bystander is the tutorial's (declared in ``engine_choices``); for a
    consumer ECL art. 38 para. 1 says the same and displaces it.
    """
    if s.platform_knowledge == "none":
        return Finding(False, "k_none")
    if s.necessary_measures:
        return Finding(False, "k_measures", params=(s.platform_knowledge,))
    return Finding(True, "cc1197_joint", "joint", (s.platform_knowledge,))


# --- the consumer cannot reach the seller, or the platform promised more -------------------------------------------


@rule("crpl_44_1_promise", [(CRPL, 44, 1)])
def crpl_44_1_promise(s: Scenario, regime: str) -> Finding:
    """《消费者权益保护法》第四十四条第一款: "网络交易平台提供者作出更有利于消费者的承诺的，应当履行承诺。"

    What the promise covers depends on its terms. The tutorial assumes a promise of advance compensation (先行赔付):
    the platform pays the consumer first and recovers from the seller ("赔偿后，有权向销售者或者服务者追偿").
    """
    if not s.victim_is_consumer:
        return Finding(False, "not_consumer")
    if s.favourable_promise:
        return Finding(True, "promise_yes", "non_genuine_joint")
    return Finding(False, "promise_no")


@rule("fsl_131_2", [(FSL, 131, 2), (SPCFD, 9, 1)], overrides=("crpl_44_1",), addition=True)
def fsl_131_2(s: Scenario, regime: str) -> Finding:
    """《食品安全法》第一百三十一条第二款: "网络食品交易第三方平台提供者不能提供入网食品经营者的真实名称、地址和有效联系方式的，
    由网络食品交易第三方平台提供者赔偿。网络食品交易第三方平台提供者赔偿后，有权向入网食品经营者或者食品生产者追偿。"
    """
    if not s.food:
        return Finding(False, "fsl131_not_food")
    if not s.victim_is_consumer:
        return Finding(False, "not_consumer")
    if not s.seller_identity_disclosed:
        return Finding(True, "disclose_no", "supplementary", strength=DISCLOSURE_STRENGTH)
    return Finding(False, "disclose_yes")


@rule("crpl_44_1", [(CRPL, 44, 1)])
def crpl_44_1(s: Scenario, regime: str) -> Finding:
    """《消费者权益保护法》第四十四条第一款: "网络交易平台提供者不能提供销售者或者服务者的真实名称、地址和有效联系方式的，
    消费者也可以向网络交易平台提供者要求赔偿 … 网络交易平台提供者赔偿后，有权向销售者或者服务者追偿。"

    The paper reads this as 补充赔偿责任 for failing a disclosure duty; much doctrine reads it as 不真正连带 (advance
    compensation). Either way the consumer cannot collect from a seller nobody can name: the consumer claims the
    whole loss (less their own fault) from the platform directly, with no order of claims and no cap (Civil Code
    art. 1198's "相应的补充责任" concerns operators of public places, not this article), and the platform recovers
    all of it afterwards. No reading of ECL art. 38 para. 2 takes that away.
    """
    if not s.victim_is_consumer:
        return Finding(False, "not_consumer")
    if not s.seller_identity_disclosed:
        return Finding(True, "disclose_no", "supplementary", strength=DISCLOSURE_STRENGTH)
    return Finding(False, "disclose_yes")


# --- ECL art. 38 para. 2: "相应的责任" -----------------------------------------------------------------------------


@rule("ecl_38_2", [(ECL, 38, 2)])
def ecl_38_2(s: Scenario, regime: str) -> Finding:
    """《电子商务法》第三十八条第二款: "对关系消费者生命健康的商品或者服务，电子商务平台经营者对平台内经营者的资质资格未尽到
    审核义务，或者对消费者未尽到安全保障义务，造成消费者损害的，依法承担相应的责任。"

    The form of "相应的责任" is what the regimes disagree on: left open under the statute, fixed by a reading, or
    decided by the paper's proposal (§4.1.1).
    """
    if not s.goods_concern_life_health:
        return Finding(False, "l38_not_life")
    if not s.victim_is_consumer:
        return Finding(False, "not_consumer")
    failed = [d for d in ("qualification_review", "safety_duty") if getattr(s, d) == "failed"]
    if not failed:
        return Finding(False, "l38_duties_met")
    if s.causation == "none":
        return Finding(False, "l38_no_cause", params=(tuple(failed),))
    return Finding(True, "l38_held", _reading_form(s, regime)[0], (tuple(failed),))


def _ladder(s: Scenario) -> str | None:
    """Paper §4.1.1, corporate social responsibility: a tiered ladder for large platforms."""
    if s.platform_tier != "large":
        return None
    return {"major_public_safety": "joint", "label_defect": "supplementary"}.get(s.risk_level)


def _causation_form(s: Scenario) -> str:
    """Paper §4.1.1: a breach that caused preventable harm → joint; an omission that only raised the risk → supplementary."""
    return "joint" if s.causation == "decisive" else "supplementary"


def _reading_form(s: Scenario, regime: str) -> tuple[str, str]:
    """The form of "相应的责任" under a regime, and which rule of the regime decided it."""
    if regime == "statute":
        return "undetermined", "statute_open"
    if regime in READINGS:
        return regime, "reading"
    ladder, causal = _ladder(s), _causation_form(s)
    if regime == "proposal_ladder" and ladder is not None:
        return ladder, "ladder"
    return causal, "causation"


# --- the end of the road ----------------------------------------------------------------------------------------


@rule("seller_alone", [(CRPL, 44, 1)])
def seller_alone(s: Scenario, regime: str) -> Finding:
    """《消费者权益保护法》第四十四条第一款: "其合法权益受到损害的，可以向销售者或者服务者要求赔偿。"

    When no rule makes the platform answer, the consumer's claim lies against the seller alone. A third party whom
    no rule above reaches claims under general tort law (Civil Code art. 1165), which this tutorial does not model.
    """
    if not s.victim_is_consumer:
        return Finding(True, "third_party_alone", "none", refs=((CC, 1165, 1),))
    return Finding(True, "seller_alone", "none")


RULE_BY_ID = {r.id: r for r in RULES}
assert set(RULE_NAMES) == set(RULE_BY_ID), "every rule needs a name in both languages"


# --- evaluation -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    findings: tuple  # (Rule, Finding) in declared order, up to the gate that failed
    winner: Rule
    form: str
    displaced: dict  # rule id -> id of the rule that displaced it


def evaluate(s: Scenario, regime: str) -> Evaluation:
    """Apply every rule and choose the one that decides. Cheap enough to call for every counterfactual."""
    findings = []
    for r in RULES:
        f = r.test(s, regime)
        findings.append((r, f))
        if r.gate and not f.held:
            return Evaluation(tuple(findings), r, "none", {})
    held = [(r, f) for r, f in findings if f.held and not r.gate]
    displaced = {}
    for r, _ in held:
        for other in r.overrides:
            displaced.setdefault(other, r.id)
    live = [(r, f) for r, f in held if r.id not in displaced]
    # The most protective live basis decides; ties go to the rule declared first (max keeps the first maximum).
    winner, finding = max(live, key=lambda rf: _strength(rf[1]))
    return Evaluation(tuple(findings), winner, finding.form, displaced)


def _strength(f: Finding) -> int:
    return STRENGTH[f.form] if f.strength is None else f.strength


def decide(s: Scenario, regime: str = "statute") -> str:
    """Just the liability form."""
    return evaluate(s, regime).form


# --- payments ---------------------------------------------------------------------------------------------------


def _round(x: float) -> float:
    return round(x + 0.0, 2)


def payments(s: Scenario, form: str, seller_reachable: bool | None = None, *, whole_from_platform: bool = False) -> dict:
    """Who pays the consumer what, when the consumer collects from the seller first, as far as it can pay.

    The consumer's own share of fault (Civil Code art. 1173) is never paid by anyone else. A seller the platform
    cannot identify cannot be collected from. ``recourse`` is the platform's right against the seller afterwards;
    ``platform_exposure`` is the most the consumer may demand from the platform directly.

    ``whole_from_platform``: CRPL art. 44 para. 1 / FSL art. 131 para. 2, where the platform cannot name the seller.
    The consumer claims the whole loss (less their own fault) from the platform, with no order of claims and no cap,
    and the platform recovers all of it: Civil Code art. 1198's cap on "相应的补充责任" does not apply.
    """
    if seller_reachable is None:
        seller_reachable = s.seller_identity_disclosed
    d = s.damages
    liable = d * (1.0 - s.consumer_fault)
    reachable = d * s.seller_can_pay if seller_reachable else 0.0
    own_share = d * s.platform_share
    seller = platform = recourse = exposure = 0.0
    capped = None
    if whole_from_platform:
        platform = exposure = recourse = liable
    elif form == "as_seller":
        platform = exposure = liable
    elif form == "proportional":
        platform = exposure = min(own_share, liable)
        seller = min(reachable, max(liable - platform, 0.0))
    elif form in ("joint", "non_genuine_joint", "supplementary"):
        seller = min(reachable, liable)
        platform = liable - seller
        if form == "joint":
            exposure = liable
            recourse = max(platform - own_share, 0.0)
        elif form == "non_genuine_joint":
            exposure = liable
            recourse = platform
        else:
            exposure = platform
            recourse = platform
            capped_platform = min(platform, own_share)
            capped = {"seller": _round(seller), "platform": _round(capped_platform),
                      "consumer_unrecovered": _round(d - seller - capped_platform)}
    else:  # none, undetermined: the seller alone
        seller = min(reachable, liable)
    result = {
        # Rounding each share to the fen may overshoot the damages by a fen: never a negative shortfall.
        "payments": {"seller": _round(seller), "platform": _round(platform),
                     "consumer_unrecovered": _round(max(d - _round(seller) - _round(platform), 0.0))},
        "recourse": _round(recourse),
        "platform_exposure": _round(exposure),
    }
    if capped is not None:
        result["capped_payments"] = capped
    return result


PUNITIVE_REFS = (FSL, 148, 2)


def punitive(s: Scenario, form: str, lang: str = "zh") -> dict | None:
    """《食品安全法》第一百四十八条第二款: "生产不符合食品安全标准的食品或者经营明知是不符合食品安全标准的食品，消费者除要求赔偿
    损失外，还可以向生产者或者经营者要求支付价款十倍或者损失三倍的赔偿金；增加赔偿的金额不足一千元的，为一千元。但是，
    食品的标签、说明书存在不影响食品安全且不会对消费者造成误导的瑕疵的除外。"

    - A producer owes it strictly; an operator (经营者) only if it knew the food was unsafe ("经营明知": SPC food-safety
      (I) art. 6 lists what counts). The seller in the scenario is an operator: it owes it only with
      ``seller_knew_unsafe``; the producer, not a party here, owes it whatever it knew.
    - A self-operated platform, or one whose marks make it look so, answers as the food operator (SPC food-safety (I)
      art. 2): it owes the ten-fold on the same condition.
    - No personal injury, indeed no harm at all, is needed (SPC food-safety (I) art. 10; food and drug disputes
      art. 15: "除要求赔偿损失外"): it is claimed beyond the damages, so the harm gate does not stop it.
    - The proviso spares only a label or instruction defect that neither affects food safety nor misleads
      (2024 interpretation arts. 6-8): ``label_defect_only``. The paper's ``risk_level`` ladder does not decide it.
    - It protects the consumer (a buyer for living consumption, 2024 interpretation art. 1): not a third party.
    """
    if not (s.ten_fold_claim and s.food):
        return None
    loss = s.damages if s.harm != "none" else 0.0
    amount = _round(max(10 * s.price, 3 * loss, 1000.0))
    platform_is_operator = s.platform_mode != "marketplace"
    refs = [PUNITIVE_REFS]
    if not s.victim_is_consumer:
        key, amount, seller_owes, platform_owes, open_ = "pun_not_consumer", 0.0, False, False, False
    elif s.label_defect_only:
        key, amount, seller_owes, platform_owes, open_ = "pun_proviso", 0.0, False, False, False
        refs += [(SPCPD, 6, None), (SPCPD, 7, None), (SPCPD, 8, None)]
    else:
        seller_owes = s.seller_knew_unsafe
        platform_owes = platform_is_operator and s.seller_knew_unsafe
        refs += [(SPCFS, 6, None), (SPCFS, 10, None)]
        if platform_is_operator:
            refs.append((SPCFS, 2, 1 if s.platform_mode == "self_operated" else 2))
            key = "pun_platform_owes" if platform_owes else "pun_platform_operator_unaware"
        elif not seller_owes:
            key = "pun_seller_unaware"
        elif form in ("joint", "non_genuine_joint", "undetermined"):
            key = "pun_seller_owes_open"
        else:
            key = "pun_seller_owes"
        open_ = seller_owes and not platform_is_operator and form in ("joint", "non_genuine_joint", "undetermined")
    text = T[key][lang].format(amount=fmt_money(amount, lang))
    return {"amount": amount, "excluded": key in ("pun_not_consumer", "pun_proviso"), "seller_owes": seller_owes, "platform_owes": platform_owes,
            "producer_owes": s.victim_is_consumer and not s.label_defect_only, "open": open_, "reason": key,
            "text": text, "refs": [_ref(r) for r in refs], "citations": [cite_refs([r], lang) for r in refs]}


# --- burden of proof --------------------------------------------------------------------------------------------

BURDEN_FACTS = ("transaction", "harm", "seller_infringement", "platform_mode", "seller_identity",
                "favourable_promise", "platform_knowledge", "necessary_measures", "qualification_review",
                "safety_duty", "causation")

# Under "who asserts proves" (CPL Interpretation arts. 90-91) each fact lies with the party it helps.
CURRENT_BEARER = {
    "transaction": "consumer", "harm": "consumer", "seller_infringement": "consumer", "platform_mode": "consumer",
    "seller_identity": "platform", "favourable_promise": "consumer", "platform_knowledge": "consumer",
    # The claimant under ECL 38(1) / CRPL 44(2) proves every fact its claim rests on (CPL Interpretation art. 91),
    # the failure to take necessary measures included; the platform's evidence of measures is its answer, not its
    # burden (paper §3.3.2: the consumer bears the whole burden today).
    "necessary_measures": "consumer", "qualification_review": "consumer", "safety_duty": "consumer",
    "causation": "consumer",
}
# Paper §4.2.3: the consumer's preliminary burden on basic facts; the platform's burden "适当加重" on whether it
# performed its review and supervision duties ("平台是否履行审核、监督义务": taking necessary measures once it knew
# is read as its supervision, the tutorial's reading) and whether the merchant infringed.
PROPOSAL_SHIFT = ("qualification_review", "safety_duty", "seller_infringement", "necessary_measures")
PROPOSAL_OPEN = ("platform_knowledge", "causation")


def _relevant_facts(s: Scenario) -> set:
    rel = {"transaction", "harm", "seller_infringement", "seller_identity"}
    if s.platform_mode != "marketplace":
        rel.add("platform_mode")
    if s.favourable_promise:
        rel.add("favourable_promise")
    rel.add("platform_knowledge")
    if s.platform_knowledge != "none":
        rel.add("necessary_measures")
    if s.goods_concern_life_health:
        rel.update(("qualification_review", "safety_duty"))
        # Causation is a condition of ECL 38(2) alone: it matters once a duty there has failed.
        if "failed" in (s.qualification_review, s.safety_duty):
            rel.add("causation")
    elif s.food:
        rel.add("qualification_review")
    return rel


def burden_of_proof(s: Scenario, regime: str, lang: str) -> list:
    proposal = regime.startswith("proposal")
    rel = _relevant_facts(s)
    rows = []
    for fact in BURDEN_FACTS:
        bears = CURRENT_BEARER[fact]
        refs = [(CPLI, 90, None), (CPLI, 91, None)]
        note_key = f"bp_{fact}"
        if proposal and fact in PROPOSAL_SHIFT:
            bears = "platform"
            note_key = f"bp_{fact}_proposal"
        elif proposal and fact in PROPOSAL_OPEN:
            note_key = f"bp_{fact}_open"
        if fact == "transaction":
            refs.append((ECL, 62, None))
        if bears == "consumer" and fact in ("platform_knowledge", "necessary_measures", "qualification_review",
                                            "safety_duty", "seller_infringement"):
            refs.append((EVID, 95, None))
        rows.append({
            "fact": fact,
            "bears": bears,
            "current": CURRENT_BEARER[fact],
            "relevant": fact in rel,
            "open": proposal and fact in PROPOSAL_OPEN,
            "label": T[f"fact_{fact}"][lang],
            "note": T[note_key][lang],
            "citations": [cite_refs([ref], lang) for ref in refs],
            "refs": [_ref(ref) for ref in refs],
        })
    return rows


# --- the analysis -----------------------------------------------------------------------------------------------


def _ref(ref) -> dict:
    law, article, para = ref
    return {"law": law, "article": article, "paragraph": para}


def _reason(r: Rule, f: Finding, s: Scenario, regime: str, lang: str) -> str:
    text = T[f.reason][lang]
    params = {
        "knowledge": FIELD_BY_NAME["platform_knowledge"].label_of(s.platform_knowledge, lang),
        "failed": ("、" if lang == "zh" else " and ").join(
            FIELD_BY_NAME[d].label[lang] for d in (f.params[0] if f.params and isinstance(f.params[0], tuple) else ())
        ),
        "form": FORM_NAMES[f.form][lang],
    }
    return text.format(**params)


def _proposal_step(s: Scenario, regime: str, lang: str) -> dict:
    ladder, causal = _ladder(s), _causation_form(s)
    form, by = _reading_form(s, regime)
    if ladder is None:
        key = "prop_no_ladder" if s.platform_tier != "large" else "prop_ladder_silent"
    elif ladder == causal:
        key = "prop_agree"
    elif by == "ladder":
        key = "prop_conflict_ladder"
    else:
        key = "prop_conflict_causation"
    theories = {"joint": T["theory_joint"][lang], "supplementary": T["theory_supp"][lang]}
    if by == "ladder" or key == "prop_agree":
        theories = dict.fromkeys(theories, T["theory_csr"][lang] if by == "ladder" else
                                 theories[form] + ("；" if lang == "zh" else "; ") + T["theory_csr"][lang])
    text = T[key][lang].format(
        causal=FORM_NAMES[causal][lang], ladder=FORM_NAMES[ladder][lang] if ladder else "",
        form=FORM_NAMES[form][lang], theories=theories[form],
        causation=FIELD_BY_NAME["causation"].label_of(s.causation, lang),
        risk=FIELD_BY_NAME["risk_level"].label_of(s.risk_level, lang),
    )
    if s.harm == "property" and (form, by) == ("joint", "causation"):
        text += " " + T["prop_property_extension"][lang]
    return {
        "rule": "proposal_4_1_1", "citation": T["cite_paper_411"][lang], "held": True, "reason": text,
        "refs": [], "decided_by": by, "form": form, "addition": False,
    }


def analyze(scenario, regime: str = "statute", lang: str = "zh", *, pivotal: bool = True) -> dict:
    """The analysis of a scenario under a regime, in Chinese (``zh``) or English (``en``).

    ``scenario`` is a :class:`Scenario` or a mapping (validated here). Raises :class:`ScenarioError` on bad input.
    ``pivotal=False`` skips the counterfactuals (four fifths of the work): ``pivotal_facts`` is then None, "not
    computed", for a view that never shows them.
    """
    s = validate(scenario)
    if regime not in REGIMES:
        raise ScenarioError("regime", f"got {regime!r}; allowed: one of {', '.join(REGIMES)}")
    if lang not in LANGS:
        raise ScenarioError("lang", f"got {lang!r}; allowed: zh or en")
    ev = evaluate(s, regime)
    win = ev.winner
    seller_reachable = s.seller_identity_disclosed

    trace = []
    for r, f in ev.findings:
        refs = f.refs or r.refs
        step = {
            "rule": r.id,
            "name": RULE_NAMES[r.id][lang],
            "citation": cite_refs(refs, lang),
            "held": f.held,
            "reason": _reason(r, f, s, regime, lang),
            "refs": [_ref(x) for x in refs],
            "decisive": r is win,
            "addition": r.addition,
        }
        if f.held and r.id in ev.displaced:
            by = ev.displaced[r.id]
            step["displaced_by"] = by
            step["reason"] += " " + T["displaced"][lang].format(by=RULE_NAMES[by][lang])
        elif f.held and not r.gate and r is not win and r.id != "seller_alone":
            step["outranked_by"] = win.id
            step["reason"] += " " + T["outranked"][lang].format(by=RULE_NAMES[win.id][lang])
        trace.append(step)
        if r.id == "ecl_38_2" and f.held and regime.startswith("proposal"):
            trace.append(_proposal_step(s, regime, lang))
    if s.consumer_fault > 0 and ev.form != "none":
        trace.append({
            "rule": "cc_1173", "name": RULE_NAMES_EXTRA["cc_1173"][lang], "citation": cite_refs([(CC, 1173, None)], lang),
            "held": True, "reason": T["cc1173"][lang].format(share=fmt_share(s.consumer_fault, lang)),
            "refs": [_ref((CC, 1173, None))], "decisive": False, "addition": True,
        })
    pun = punitive(s, ev.form, lang)
    if pun is not None:
        # Claimed beyond the damages and without any harm: reached even where the harm gate stopped the rest.
        trace.append({
            "rule": "fsl_148_2", "name": RULE_NAMES_EXTRA["fsl_148_2"][lang],
            "citation": "; ".join(pun["citations"]) if lang == "en" else "；".join(pun["citations"]),
            "held": pun["seller_owes"] or pun["platform_owes"], "reason": pun["text"], "refs": pun["refs"],
            "decisive": False, "addition": True,
        })

    legal_basis = [_ref(x) for x in _basis_refs(win, ev.findings, s)]
    if ev.form in ("joint",):
        legal_basis.append(_ref((CC, 178, 2)))
    if ev.form == "proportional":
        legal_basis.append(_ref((CC, 177, None)))
    if s.consumer_fault > 0 and ev.form != "none":
        legal_basis.append(_ref((CC, 1173, None)))

    if s.harm == "none":  # no harm: nothing to pay, whatever figure was entered
        s_money = replace(s, damages=0.0)
    else:
        s_money = s
    money = payments(s_money, ev.form, seller_reachable, whole_from_platform=win.id in DISCLOSURE_RULES)
    alternatives = []
    if ev.form == "undetermined":
        for reading in READINGS:
            alt = {"form": reading, "name": FORM_NAMES[reading][lang], "reading": READING_TEXT[reading][lang]}
            alt.update(payments(s_money, reading, seller_reachable))
            alternatives.append(alt)
        # Until a judge picks a reading, the consumer can count only on the least favourable one.
        worst = max(alternatives, key=lambda a: (a["payments"]["consumer_unrecovered"], -a["payments"]["platform"]))
        money = {k: worst[k] for k in ("payments", "recourse", "platform_exposure")}
        money["payments_basis"] = worst["form"]
        # Where every reading leaves the consumer the same, none is "least favourable": say they tie.
        tie = all(a["payments"]["consumer_unrecovered"] == worst["payments"]["consumer_unrecovered"]
                  for a in alternatives)
        money["payments_basis_note"] = (T["basis_tie"][lang] if tie else
                                        T["basis_worst"][lang].format(form=FORM_NAMES[worst["form"]][lang]))

    pivots = pivotal_facts(s, regime, ev.form, lang) if pivotal else None
    return {
        "regime": regime,
        "lang": lang,
        "liability_form": ev.form,
        "form_name": FORM_NAMES[ev.form][lang],
        "summary": _summary(s, ev, lang),
        "deciding_rule": win.id,
        "alternatives": alternatives,
        "legal_basis": legal_basis,
        "citations": [cite_refs([(b["law"], b["article"], b["paragraph"])], lang) for b in legal_basis],
        "damages": _round(s_money.damages),
        **money,
        "punitive_damages": pun,
        "burden_of_proof": burden_of_proof(s, regime, lang),
        "trace": trace,
        "pivotal_facts": pivots,
        "engine_choices": _choices(s, ev, regime, lang),
        "open_points": _open_points(s, ev, regime, lang),
        "scenario": s.to_dict(),
    }


RULE_NAMES_EXTRA = {
    "cc_1173": {"zh": "被侵权人过错", "en": "The victim's own fault"},
    "fsl_148_2": {"zh": "价款十倍或者损失三倍的赔偿金", "en": "Ten times the price or three times the loss"},
}


def _basis_refs(win: Rule, findings, s: Scenario) -> list:
    if win.id == "harm_required":
        return [(CC, 1165, 1)]
    if win.id == "seller_alone" and not s.victim_is_consumer:
        return [(CC, 1165, 1)]
    if win.id == "platform_as_seller":
        return [(ECL, 37, 2), (SPC1, 4, 1)] if s.platform_mode == "self_operated" else [(SPC1, 4, 2)]
    if win.id == "fsl_131_1":
        return [(FSL, 131, 1), (SPCFS, 3, None)]
    if win.id == "ecl_38_1":
        return [(ECL, 38, 1), (CRPL, 44, 2)]
    return [x for x in win.refs]


def _summary(s: Scenario, ev: Evaluation, lang: str) -> str:
    if ev.winner.id == "harm_required":
        return T["summary_no_harm"][lang]
    if ev.winner.id in DISCLOSURE_RULES:
        return T["summary_disclosure"][lang]
    if not s.victim_is_consumer and ev.form in ("none", "as_seller", "joint"):
        return T[f"summary_{ev.form}_third_party"][lang]
    return T[f"summary_{ev.form}"][lang]


def _joint_rung_for_property(s: Scenario, regime: str, held: set) -> bool:
    """The proposal's joint rung is stated for harm "导致消费者生命健康受到伤害" (§4.1.1): for property alone it is the
    tutorial's extension."""
    return ("ecl_38_2" in held and regime.startswith("proposal") and s.harm == "property"
            and _reading_form(s, regime) == ("joint", "causation"))


def _choices(s: Scenario, ev: Evaluation, regime: str, lang: str) -> list:
    out = []
    ids = {r.id for r, f in ev.findings if f.held}
    if len(ids - {"harm_required", "seller_alone"}) > 1:
        out.append({"id": "most_protective_basis", "text": T["choice_most_protective"][lang]})
    if "ecl_38_2" in ids and regime.startswith("proposal") and _ladder(s) not in (None, _causation_form(s)):
        key = "choice_ladder_first" if regime == "proposal_ladder" else "choice_causation_first"
        out.append({"id": key, "text": T[key][lang]})
    if _joint_rung_for_property(s, regime, ids):
        out.append({"id": "joint_rung_property", "text": T["choice_joint_rung_property"][lang]})
    if "crpl_44_1_promise" in ids:
        out.append({"id": "promise_as_advance", "text": T["choice_promise"][lang]})
    if not s.victim_is_consumer:
        if "cc_1197" in ids:
            out.append({"id": "cc_1197_goods_bystander", "text": T["choice_1197_bystander"][lang]})
        if s.platform_mode == "appears_self_operated":
            out.append({"id": "appearance_not_for_third_party", "text": T["choice_appearance_third_party"][lang]})
    return out


def _open_points(s: Scenario, ev: Evaluation, regime: str, lang: str) -> list:
    out = []
    held = {r.id for r, f in ev.findings if f.held}
    if ev.form == "undetermined":
        out.append(T["open_corresponding"][lang])
    if not s.victim_is_consumer and ev.form != "as_seller":
        out.append(T["open_third_party"][lang])
    if ev.winner.id in DISCLOSURE_RULES:
        out.append(T["open_44_label"][lang])
        out.append(T["open_unnamed_seller_as_seller"][lang])
    if "ecl_38_2" in held and regime.startswith("proposal") and _ladder(s) not in (None, _causation_form(s)):
        out.append(T["open_ladder"][lang])
    p = punitive(s, ev.form)
    if p and p["open"]:
        out.append(T["open_punitive_joint"][lang])
    return out


# --- counterfactuals --------------------------------------------------------------------------------------------

_VARIANTS = tuple(
    (f.name, v)
    for f in FIELDS
    if f.kind in ("choice", "bool")
    for v in (f.options if f.kind == "choice" else (False, True))
)


def pivotal_facts(s: Scenario, regime: str, form: str, lang: str = "zh") -> list:
    """Every single-fact change that would change the liability form, with the form it would become."""
    out = []
    for name, value in _VARIANTS:
        if getattr(s, name) == value:
            continue
        other = evaluate(replace(s, **{name: value}), regime).form
        if other != form:
            spec = FIELD_BY_NAME[name]
            out.append({
                "field": name,
                "value": value,
                "from": getattr(s, name),
                "liability_form": other,
                "text": T["pivot"][lang].format(
                    field=spec.label[lang], value=spec.label_of(value, lang), form=FORM_NAMES[other][lang]),
            })
    return out


def compare(scenario, lang: str = "zh", regimes=REGIMES) -> dict:
    """The same facts under several regimes: regime -> analysis."""
    s = validate(scenario)
    return {r: analyze(s, r, lang) for r in regimes}
