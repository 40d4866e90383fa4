"""What the consumer can prove: the engine's burden-of-proof rows applied to the evidence the consumer holds.

Chapter 07 asks what "who asserts proves" (paper §3.3.2) and the paper's proposal (§4.2.3) do to a consumer's
chance of winning, given the evidence in their hands. The answer here is deterministic and comes from the engine:

1. the scenario is the truth of the dispute;
2. for each fact of the engine's ``burden_of_proof`` rows, the party that bears it must prove it;
3. a fact the consumer bears and holds no evidence for stays unproven, and the court decides as if it were the
   platform's way (:data:`UNPROVEN`); a fact the platform bears, the platform proves only if the truth is on its
   side (it holds its own records), otherwise the court decides it the consumer's way;
4. the engine analyses the facts *as proven*, and its liability form says whether the claim against the platform
   succeeds.

Two provisions the consumer can invoke are modelled as switches, each in the court's hands:

* ECL art. 62: "电子商务经营者应当提供原始合同和交易记录" -- the transaction is then shown by the platform's
  own records, whether or not the consumer kept a receipt;
* Evidence Rules art. 95: where a party controlling evidence refuses without good reason to produce it, "人民法院
  可以认定该主张成立" -- a *may*, not a *must*: the switch stands for a court that draws the inference, for
  the facts the platform's records would show (:data:`IN_PLATFORM_RECORDS`).

No probabilities: the only number is the count of facts the consumer must prove that their evidence covers.
Pure Python; imports no UI library.
"""

from __future__ import annotations

from dataclasses import replace

from .engine import analyze, decide
from .scenario import Scenario, validate

# fact -> (scenario field, the value the court takes when the fact is not proven by the consumer).
# "Not proven" means the court cannot find the fact the consumer asserts, so it decides the platform's way.
# The transaction and the seller's wrong have no field of their own: without a proven purchase the claimant is not
# a consumer of the platform's transaction (ECL art. 38 and CRPL art. 44 protect the consumer who bought), and
# without a proven wrong of the seller there is no harm anyone answers for.
UNPROVEN = {
    "transaction": ("victim_is_consumer", False),
    "harm": ("harm", "none"),
    "seller_infringement": ("harm", "none"),
    "platform_mode": ("platform_mode", "marketplace"),
    "favourable_promise": ("favourable_promise", False),
    "platform_knowledge": ("platform_knowledge", "none"),
    # The claimant proves that the platform took no necessary measures (CPL Interpretation art. 91); unproven, the
    # court takes it that the platform did.
    "necessary_measures": ("necessary_measures", True),
    "qualification_review": ("qualification_review", "fulfilled"),
    "safety_duty": ("safety_duty", "fulfilled"),
    "causation": ("causation", "none"),
}

# Facts the platform bears under every regime, with the field they concern. The platform proves its side only where
# the truth is on its side; otherwise the court finds the fact the consumer's way.
PLATFORM_FIELDS = {
    "seller_identity": "seller_identity_disclosed",
}

# Facts whose evidence sits in the platform's own records (paper §3.3.2: "电商平台通常掌握着交易的完整数据记录";
# "平台经营者凭借技术优势掌握了经营数据和信息"). Which facts those are is the tutorial's reading.
IN_PLATFORM_RECORDS = ("transaction", "platform_knowledge", "necessary_measures", "qualification_review", "safety_duty")

STATUSES = (
    "proven",             # the consumer bears it, holds evidence: proven
    "records",            # the consumer bears it; the platform's records show it (ECL art. 62)
    "inferred",           # the consumer bears it; the court infers it against the withholding platform (art. 95)
    "unproven",           # the consumer bears it, holds no evidence: the court decides it the platform's way
    "platform_fails",     # the platform bears it and the truth is against it: found the consumer's way
    "platform_proves",    # the platform bears it and the truth is on its side
    "not_in_issue",       # the fact plays no part, or the truth already favours the platform
)


def _needs_proof(fact: str, s: Scenario) -> bool:
    """Whether the truth on this fact favours the consumer (so someone must prove it for the consumer to gain)."""
    if fact == "seller_infringement":
        return s.harm != "none"
    field, unproven = UNPROVEN[fact]
    return getattr(s, field) != unproven


def assess(scenario, regime: str = "statute", evidence=(), ecl_62: bool = False, art_95: bool = False,
           lang: str = "zh", *, pivotal: bool = True) -> dict:
    """The claim against the platform on the evidence the consumer holds, under ``regime``.

    ``evidence``: the burden facts (ids of the engine's rows) the consumer holds evidence for. Returns::

        {"rows": [{"fact", "label", "bears", "current", "relevant", "open", "status", "note", "alone"}, ...],
         "needed": [fact, ...],      # facts the consumer bears whose truth favours them
         "covered": [fact, ...],     # ... of which the consumer's evidence, art. 62 or art. 95 covers
         "unproven": [fact, ...],    # ... of which nothing covers
         "true_form": form on the true facts, "proven_form": form on the facts as proven,
         "succeeds": bool (the platform answers in some form on the facts as proven),
         "analysis": the engine's analysis of the facts as proven, "true_analysis": ... of the true facts,
         "proven_scenario": the facts as proven (a dict)}

    ``alone`` on a row: for an unproven fact, the form the claim would take had the consumer proven that fact too;
    for a covered fact, the form had it stayed unproven; None where that one fact would change nothing.
    ``pivotal=False``: the two analyses without their pivotal facts (see :func:`casebook.engine.analyze`).
    """
    s = validate(scenario)
    held = set(evidence or ())
    unknown = held - set(UNPROVEN)
    if unknown:
        raise ValueError(f"unknown evidence fact(s) {sorted(unknown)}; allowed: {', '.join(UNPROVEN)}")
    truth = analyze(s, regime, lang, pivotal=pivotal)
    proven = s
    rows, needed, covered, unproven = [], [], [], []
    for row in truth["burden_of_proof"]:
        fact = row["fact"]
        status = "not_in_issue"
        if fact in UNPROVEN and row["relevant"] and row["bears"] == "platform":
            status = "platform_fails" if _needs_proof(fact, s) else "platform_proves"
        elif fact in UNPROVEN and row["relevant"] and _needs_proof(fact, s):
            needed.append(fact)
            if fact in held:
                status = "proven"
            elif ecl_62 and fact == "transaction":
                status = "records"
            elif art_95 and fact in IN_PLATFORM_RECORDS:
                status = "inferred"
            else:
                status = "unproven"
                unproven.append(fact)
                field, value = UNPROVEN[fact]
                proven = replace(proven, **{field: value})
            if status != "unproven":
                covered.append(fact)
        elif fact in PLATFORM_FIELDS and row["relevant"]:
            # The platform bears these everywhere; the truth decides whether it can prove them.
            value = getattr(s, PLATFORM_FIELDS[fact])
            status = "platform_proves" if value else "platform_fails"
        rows.append({k: row[k] for k in ("fact", "label", "bears", "current", "relevant", "open", "note")}
                    | {"status": status, "alone": None})
    as_proven = analyze(proven, regime, lang, pivotal=pivotal) if proven is not s else truth
    # What one fact more or less would do: for an unproven fact, the form had the consumer proven it too; for a
    # covered one, the form had it stayed unproven. None where that one fact changes nothing.
    for r in rows:
        fact = r["fact"]
        if r["status"] == "unproven":
            field = UNPROVEN[fact][0]
            other = decide(replace(proven, **{field: getattr(s, field)}), regime)
        elif r["status"] in ("proven", "records", "inferred"):
            other = decide(replace(proven, **{UNPROVEN[fact][0]: UNPROVEN[fact][1]}), regime)
        else:
            continue
        r["alone"] = other if other != as_proven["liability_form"] else None
    return {
        "rows": rows,
        "needed": needed,
        "covered": covered,
        "unproven": unproven,
        "true_form": truth["liability_form"],
        "proven_form": as_proven["liability_form"],
        "succeeds": as_proven["liability_form"] != "none",
        "analysis": as_proven,
        "true_analysis": truth,
        "proven_scenario": proven.to_dict(),
    }
