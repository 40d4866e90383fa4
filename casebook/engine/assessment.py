"""The law applied, without words: an :class:`Assessment` of ids, article references and numbers.

:func:`assess` runs every provision, picks the deciding one, works out the payments, the punitive damages, the
burden of proof, the counterfactuals, the choices the engine made and the points left open. It is cached on the
(frozen, hashable) scenario and the regime, so the same facts in another language are only re-worded
(:mod:`casebook.engine.render`), never re-judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..scenario import Scenario
from .burden import burden_rows
from .evaluation import Evaluation, evaluate, pivotal_facts
from .money import _round, money_scenario, payments, punitive, readings_money
from .provisions import (CC, CRPL, DISCLOSURE_RULES, ECL, FSL, SPC1, SPCFS, Rule, causation_form, ladder_form,
                         reading_form)


@dataclass(frozen=True)
class Assessment:
    scenario: Scenario
    regime: str
    ev: Evaluation
    damages: float
    money: dict  # payments, recourse, platform_exposure (and capped_payments)
    alternatives: tuple  # ((reading, money), ...) where the form is undetermined
    basis: tuple | None  # (reading that payments shows, every reading ties) where undetermined
    legal_basis: tuple  # ((law, article, paragraph), ...)
    punitive: dict | None
    burden: tuple
    pivots: tuple | None  # ((field, value, from, form), ...); None: not computed
    proposal: tuple | None  # (form, decided_by, wording key) of the proposal's step, where it applies
    choices: tuple  # ids of the engine's declared choices
    open_points: tuple  # keys of the points the law or the paper leaves open


def basis_refs(win: Rule, s: Scenario) -> list:
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
    return list(win.refs)


def proposal_step(s: Scenario, regime: str) -> tuple:
    """Paper §4.1.1 on these facts: the form, which rule of the proposal decided it, and how to word it."""
    ladder, causal = ladder_form(s), causation_form(s)
    form, by = reading_form(s, regime)
    if ladder is None:
        key = "prop_no_ladder" if s.platform_tier != "large" else "prop_ladder_silent"
    elif ladder == causal:
        key = "prop_agree"
    elif by == "ladder":
        key = "prop_conflict_ladder"
    else:
        key = "prop_conflict_causation"
    return form, by, key


def _ladder_conflict(s: Scenario, regime: str, held: set) -> bool:
    return "ecl_38_2" in held and regime.startswith("proposal") and ladder_form(s) not in (None, causation_form(s))


def joint_rung_for_property(s: Scenario, regime: str, held: set) -> bool:
    """The proposal's joint rung is stated for harm "导致消费者生命健康受到伤害" (§4.1.1): for property alone it is the
    tutorial's extension."""
    return ("ecl_38_2" in held and regime.startswith("proposal") and s.harm == "property"
            and reading_form(s, regime) == ("joint", "causation"))


def choices(s: Scenario, ev: Evaluation, regime: str) -> tuple:
    out = []
    held = ev.held
    if len(held - {"harm_required", "seller_alone"}) > 1:
        out.append("most_protective_basis")
    if _ladder_conflict(s, regime, held):
        out.append("choice_ladder_first" if regime == "proposal_ladder" else "choice_causation_first")
    if joint_rung_for_property(s, regime, held):
        out.append("joint_rung_property")
    if "crpl_44_1_promise" in held:
        out.append("promise_as_advance")
    if not s.victim_is_consumer:
        if "cc_1197" in held:
            out.append("cc_1197_goods_bystander")
        if s.platform_mode == "appears_self_operated":
            out.append("appearance_not_for_third_party")
    return tuple(out)


def open_points(s: Scenario, ev: Evaluation, regime: str, pun: dict | None) -> tuple:
    out = []
    if ev.form == "undetermined":
        out.append("open_corresponding")
    if not s.victim_is_consumer and ev.form != "as_seller":
        out.append("open_third_party")
    if ev.winner.id in DISCLOSURE_RULES:
        out += ["open_44_label", "open_unnamed_seller_as_seller"]
    if _ladder_conflict(s, regime, ev.held):
        out.append("open_ladder")
    if pun and pun["open"]:
        out.append("open_punitive_joint")
    return tuple(out)


@lru_cache(maxsize=512)
def assess(s: Scenario, regime: str, pivotal: bool = True) -> Assessment:
    """The law applied to validated facts under ``regime`` (see the module docstring). Cached: treat as read-only."""
    ev = evaluate(s, regime)
    win = ev.winner
    legal_basis = basis_refs(win, s)
    if ev.form == "joint":
        legal_basis.append((CC, 178, 2))
    if ev.form == "proportional":
        legal_basis.append((CC, 177, None))
    if s.consumer_fault > 0 and ev.form != "none":
        legal_basis.append((CC, 1173, None))

    s_money = money_scenario(s)
    money = payments(s_money, ev.form, s.seller_identity_disclosed, whole_from_platform=win.id in DISCLOSURE_RULES)
    alternatives, basis = (), None
    if ev.form == "undetermined":
        alternatives, reading, tie = readings_money(s_money)
        money = {k: dict(alternatives)[reading][k] for k in ("payments", "recourse", "platform_exposure")}
        basis = (reading, tie)
    pun = punitive(s, ev.form)
    proposal = proposal_step(s, regime) if "ecl_38_2" in ev.held and regime.startswith("proposal") else None
    return Assessment(
        scenario=s, regime=regime, ev=ev, damages=_round(s_money.damages), money=money, alternatives=alternatives,
        basis=basis, legal_basis=tuple(legal_basis), punitive=pun, burden=burden_rows(s, regime),
        pivots=pivotal_facts(s, regime, ev.form) if pivotal else None, proposal=proposal,
        choices=choices(s, ev, regime), open_points=open_points(s, ev, regime, pun))
