"""The money: who pays the consumer what under a form of liability, and FSL art. 148 para. 2's punitive damages.

Pure arithmetic on the scenario; the words are :mod:`casebook.engine.render`'s.
"""

from __future__ import annotations

from dataclasses import replace

from ..scenario import Scenario
from .provisions import DISCLOSURE_RULES, FSL, READINGS, SPCFS, SPCPD

PUNITIVE_REFS = (FSL, 148, 2)


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


def punitive(s: Scenario, form: str) -> dict | None:
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
    return {"amount": amount, "excluded": key in ("pun_not_consumer", "pun_proviso"), "seller_owes": seller_owes,
            "platform_owes": platform_owes, "producer_owes": s.victim_is_consumer and not s.label_defect_only,
            "open": open_, "reason": key, "refs": tuple(refs)}


def money_scenario(s: Scenario) -> Scenario:
    """No harm: nothing to pay, whatever figure was entered."""
    return replace(s, damages=0.0) if s.harm == "none" else s


def readings_money(s: Scenario) -> tuple:
    """Where the form is open: each reading with its payments, and the least favourable to the consumer.

    Returns ``(alternatives, basis, tie)``: ``((reading, money), ...)``, the reading ``payments`` shows (what the
    consumer can count on until a judge picks one), and whether every reading leaves the consumer the same recovery.
    """
    alternatives = tuple((reading, payments(s, reading, s.seller_identity_disclosed)) for reading in READINGS)
    basis, worst = max(alternatives, key=lambda a: (a[1]["payments"]["consumer_unrecovered"],
                                                      -a[1]["payments"]["platform"]))
    tie = all(m["payments"]["consumer_unrecovered"] == worst["payments"]["consumer_unrecovered"]
              for _, m in alternatives)
    return alternatives, basis, tie


def payments_for(s: Scenario, form: str, ev=None) -> dict:
    """``{"payments", "recourse", "platform_exposure"}`` for the facts under ``form``; for an open form, the
    least favourable reading's. ``ev``: the facts' evaluation, where the form is the one it decided (so that the
    deciding rule's own arithmetic applies: CRPL art. 44 para. 1 gives the whole from the platform)."""
    s = money_scenario(s)
    if form == "undetermined":
        alternatives, basis, _ = readings_money(s)
        money = dict(alternatives)[basis]
    else:
        whole = ev is not None and ev.winner.id in DISCLOSURE_RULES
        money = payments(s, form, s.seller_identity_disclosed, whole_from_platform=whole)
    return {k: money[k] for k in ("payments", "recourse", "platform_exposure")}


