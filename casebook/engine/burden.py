"""The burden of proof: who must prove each fact, under "who asserts proves" today and under the paper's §4.2.3.

Language-neutral: rows of ids and article references; :mod:`casebook.engine.render` words them.
"""

from __future__ import annotations

from ..scenario import Scenario
from .provisions import CPLI, ECL, EVID

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


def relevant_facts(s: Scenario) -> set:
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


def burden_rows(s: Scenario, regime: str) -> tuple:
    """One row per fact: who bears it under ``regime`` and now, whether it is in issue on these facts, whether the
    paper leaves it open, the key of the note that explains it, and the articles it rests on."""
    proposal = regime.startswith("proposal")
    rel = relevant_facts(s)
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
        rows.append({"fact": fact, "bears": bears, "current": CURRENT_BEARER[fact], "relevant": fact in rel,
                     "open": proposal and fact in PROPOSAL_OPEN, "note_key": note_key, "refs": tuple(refs)})
    return tuple(rows)
