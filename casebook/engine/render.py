"""The analysis of the contract, in words: an :class:`~casebook.engine.assessment.Assessment` rendered in Chinese or
English from :mod:`casebook.texts`. Rendering judges nothing; a language switch renders the same assessment again.
"""

from __future__ import annotations

from ..scenario import FIELD_BY_NAME
from ..texts import FORM_NAMES, READING_TEXT, RULE_NAMES, T, cite_refs, fmt_money, fmt_share
from .assessment import Assessment
from .provisions import CC, DISCLOSURE_RULES, Finding, Rule, causation_form, ladder_form

RULE_NAMES_EXTRA = {
    "cc_1173": {"zh": "被侵权人过错", "en": "The victim's own fault"},
    "fsl_148_2": {"zh": "价款十倍或者损失三倍的赔偿金", "en": "Ten times the price or three times the loss"},
}
CHOICE_TEXT = {  # choice id -> key of its words in texts.T
    "most_protective_basis": "choice_most_protective", "choice_ladder_first": "choice_ladder_first",
    "choice_causation_first": "choice_causation_first", "joint_rung_property": "choice_joint_rung_property",
    "promise_as_advance": "choice_promise", "cc_1197_goods_bystander": "choice_1197_bystander",
    "appearance_not_for_third_party": "choice_appearance_third_party",
}


def ref(r) -> dict:
    law, article, para = r
    return {"law": law, "article": article, "paragraph": para}


def _sep(lang: str) -> str:
    return "；" if lang == "zh" else "; "


def _reason(f: Finding, s, lang: str) -> str:
    failed = f.params[0] if f.params and isinstance(f.params[0], tuple) else ()
    return T[f.reason][lang].format(
        knowledge=FIELD_BY_NAME["platform_knowledge"].label_of(s.platform_knowledge, lang),
        failed=("、" if lang == "zh" else " and ").join(FIELD_BY_NAME[d].label[lang] for d in failed),
        form=FORM_NAMES[f.form][lang],
    )


def _proposal_step(a: Assessment, lang: str) -> dict:
    s = a.scenario
    form, by, key = a.proposal
    ladder, causal = ladder_form(s), causation_form(s)
    theories = {"joint": T["theory_joint"][lang], "supplementary": T["theory_supp"][lang]}
    if by == "ladder" or key == "prop_agree":
        theories = dict.fromkeys(theories, T["theory_csr"][lang] if by == "ladder" else
                                 theories[form] + _sep(lang) + T["theory_csr"][lang])
    text = T[key][lang].format(
        causal=FORM_NAMES[causal][lang], ladder=FORM_NAMES[ladder][lang] if ladder else "",
        form=FORM_NAMES[form][lang], theories=theories[form],
        causation=FIELD_BY_NAME["causation"].label_of(s.causation, lang),
        risk=FIELD_BY_NAME["risk_level"].label_of(s.risk_level, lang),
    )
    if s.harm == "property" and (form, by) == ("joint", "causation"):
        text += " " + T["prop_property_extension"][lang]
    return {"rule": "proposal_4_1_1", "citation": T["cite_paper_411"][lang], "held": True, "reason": text,
            "refs": [], "decided_by": by, "form": form, "addition": False}


def punitive_text(p: dict, lang: str) -> dict:
    return {**{k: v for k, v in p.items() if k != "refs"},
            "text": T[p["reason"]][lang].format(amount=fmt_money(p["amount"], lang)),
            "refs": [ref(r) for r in p["refs"]], "citations": [cite_refs([r], lang) for r in p["refs"]]}


def _trace(a: Assessment, pun: dict | None, lang: str) -> list:
    s, ev = a.scenario, a.ev
    win = ev.winner
    trace = []
    for r, f in ev.findings:
        refs = f.refs or r.refs
        step = {"rule": r.id, "name": RULE_NAMES[r.id][lang], "citation": cite_refs(refs, lang), "held": f.held,
                "reason": _reason(f, s, lang), "refs": [ref(x) for x in refs], "decisive": r is win,
                "addition": r.addition}
        if f.held and r.id in ev.displaced:
            by = ev.displaced[r.id]
            step["displaced_by"] = by
            step["reason"] += " " + T["displaced"][lang].format(by=RULE_NAMES[by][lang])
        elif f.held and not r.gate and r is not win and r.id != "seller_alone":
            step["outranked_by"] = win.id
            step["reason"] += " " + T["outranked"][lang].format(by=RULE_NAMES[win.id][lang])
        trace.append(step)
        if r.id == "ecl_38_2" and a.proposal is not None:
            trace.append(_proposal_step(a, lang))
    if s.consumer_fault > 0 and ev.form != "none":
        trace.append({"rule": "cc_1173", "name": RULE_NAMES_EXTRA["cc_1173"][lang],
                      "citation": cite_refs([(CC, 1173, None)], lang), "held": True,
                      "reason": T["cc1173"][lang].format(share=fmt_share(s.consumer_fault, lang)),
                      "refs": [ref((CC, 1173, None))], "decisive": False, "addition": True})
    if pun is not None:
        # Claimed beyond the damages and without any harm: reached even where the harm gate stopped the rest.
        trace.append({"rule": "fsl_148_2", "name": RULE_NAMES_EXTRA["fsl_148_2"][lang],
                      "citation": _sep(lang).join(pun["citations"]), "held": pun["seller_owes"] or pun["platform_owes"],
                      "reason": pun["text"], "refs": pun["refs"], "decisive": False, "addition": True})
    return trace


def _summary(a: Assessment, lang: str) -> str:
    s, ev = a.scenario, a.ev
    if ev.winner.id == "harm_required":
        return T["summary_no_harm"][lang]
    if ev.winner.id in DISCLOSURE_RULES:
        return T["summary_disclosure"][lang]
    if not s.victim_is_consumer and ev.form in ("none", "as_seller", "joint"):
        return T[f"summary_{ev.form}_third_party"][lang]
    return T[f"summary_{ev.form}"][lang]


def _burden(a: Assessment, lang: str) -> list:
    return [{"fact": row["fact"], "bears": row["bears"], "current": row["current"], "relevant": row["relevant"],
             "open": row["open"], "label": T[f"fact_{row['fact']}"][lang], "note": T[row["note_key"]][lang],
             "citations": [cite_refs([r], lang) for r in row["refs"]], "refs": [ref(r) for r in row["refs"]]}
            for row in a.burden]


def _pivots(a: Assessment, lang: str) -> list | None:
    if a.pivots is None:
        return None
    out = []
    for name, value, current, form in a.pivots:
        spec = FIELD_BY_NAME[name]
        out.append({"field": name, "value": value, "from": current, "liability_form": form,
                    "text": T["pivot"][lang].format(field=spec.label[lang], value=spec.label_of(value, lang),
                                                    form=FORM_NAMES[form][lang])})
    return out


def _copy_money(money: dict) -> dict:
    return {k: (dict(v) if isinstance(v, dict) else v) for k, v in money.items()}


def render(a: Assessment, lang: str) -> dict:
    """The analysis JSON of the contract (and the extensions the README lists), in ``lang``. Always a fresh dict."""
    s, ev = a.scenario, a.ev
    pun = punitive_text(a.punitive, lang) if a.punitive is not None else None
    money = _copy_money(a.money)
    alternatives = []
    for reading, m in a.alternatives:
        alternatives.append({"form": reading, "name": FORM_NAMES[reading][lang], "reading": READING_TEXT[reading][lang],
                             **_copy_money(m)})
    if a.basis is not None:
        reading, tie = a.basis
        money["payments_basis"] = reading
        money["payments_basis_note"] = (T["basis_tie"][lang] if tie else
                                        T["basis_worst"][lang].format(form=FORM_NAMES[reading][lang]))
    legal_basis = [ref(r) for r in a.legal_basis]
    return {
        "regime": a.regime,
        "lang": lang,
        "liability_form": ev.form,
        "form_name": FORM_NAMES[ev.form][lang],
        "summary": _summary(a, lang),
        "deciding_rule": ev.winner.id,
        "alternatives": alternatives,
        "legal_basis": legal_basis,
        "citations": [cite_refs([r], lang) for r in a.legal_basis],
        "damages": a.damages,
        **money,
        "punitive_damages": pun,
        "burden_of_proof": _burden(a, lang),
        "trace": _trace(a, pun, lang),
        "pivotal_facts": _pivots(a, lang),
        "engine_choices": [{"id": c, "text": T[CHOICE_TEXT[c]][lang]} for c in a.choices],
        "open_points": [T[k][lang] for k in a.open_points],
        "scenario": s.to_dict(),
    }


__all__ = ["render", "RULE_NAMES_EXTRA", "Rule"]
