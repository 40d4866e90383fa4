"""The provisions: one decorated function per rule of law, in the order the trace shows them.

Each rule is named after the provision it applies, quotes it in its docstring, and says what it makes of the facts
(a :class:`Finding`: held or not, why, and the form of liability). It decides nothing about the other rules: which
rule decides is :mod:`casebook.engine.evaluation`'s work. Where two rules hold at once, a rule that declares
``overrides`` displaces the other (the special law beats the general one).

Pure: the standard library and :mod:`casebook.scenario` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..scenario import Scenario
from ..texts import RULE_NAMES

REGIMES = ("statute", "joint", "supplementary", "proportional", "non_genuine_joint", "proposal", "proposal_ladder")
READINGS = ("joint", "supplementary", "proportional", "non_genuine_joint")
FORMS = ("none", "as_seller", "joint", "supplementary", "proportional", "non_genuine_joint", "undetermined")

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
    return Finding(True, "l38_held", reading_form(s, regime)[0], (tuple(failed),))


def ladder_form(s: Scenario) -> str | None:
    """Paper §4.1.1, corporate social responsibility: a tiered ladder for large platforms."""
    if s.platform_tier != "large":
        return None
    return {"major_public_safety": "joint", "label_defect": "supplementary"}.get(s.risk_level)


def causation_form(s: Scenario) -> str:
    """Paper §4.1.1: a breach that caused preventable harm → joint; an omission that only raised the risk → supplementary."""
    return "joint" if s.causation == "decisive" else "supplementary"


def reading_form(s: Scenario, regime: str) -> tuple[str, str]:
    """The form of "相应的责任" under a regime, and which rule of the regime decided it."""
    if regime == "statute":
        return "undetermined", "statute_open"
    if regime in READINGS:
        return regime, "reading"
    ladder, causal = ladder_form(s), causation_form(s)
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
