"""What to gather, what to demand, what the platform must prove: an evidence checklist derived from an analysis.

:func:`checklist` reads the analysis's burden-of-proof rows (``casebook.engine``): for every relevant fact the
consumer bears, it lists concrete kinds of evidence; it lists what the consumer may demand from the platform
(ECL art. 62; CRPL art. 44 para. 1; CPL Interpretation art. 112; Evidence Rules art. 95, quoted verbatim); and the
facts the platform bears. Every row cites its article or the paper's section.

The kinds of evidence (order records, screenshots, medical records ...) are the tutorial's practical suggestions,
marked as such: the paper and the statutes name the facts to prove, not the documents that prove them (except
where a source is cited, as the paper's remark on invoices in §3.3.2).
"""

from __future__ import annotations

from typing import Mapping

from .languages import bilingual as _l
from .scenario import LANGS, ScenarioError, validate
from .texts import cite_refs

ECL, CRPL, FSL = "e-commerce-law", "consumer-rights-protection-law", "food-safety-law"
SPC1, CPLI, EVID = "spc-online-consumption-disputes-1", "civil-procedure-interpretation", "spc-civil-evidence-rules"
SPCFS = "spc-food-safety-civil-disputes-1"

TUTORIAL = _l("本教程的实务建议", "the tutorial's practical suggestion")
PAPER = {
    "3.2.2": _l("论文§3.2.2", "paper §3.2.2"),
    "3.3.2": _l("论文§3.3.2", "paper §3.3.2"),
    "4.1.2": _l("论文§4.1.2", "paper §4.1.2"),
    "4.2.3": _l("论文§4.2.3", "paper §4.2.3"),
}

# One entry per kind of evidence: (id, text, sources, condition on the scenario). A source is a statute ref
# (law, article, paragraph), a paper section key, or "tutorial".
_ALWAYS = None

EVIDENCE: dict[str, list] = {
    "transaction": [
        ("order_payment", _l("订单记录和支付凭证（订单号、金额、时间、支付流水）",
                             "Order and payment records (order number, amount, time, payment statement)"),
         ("tutorial",), _ALWAYS),
        ("listing", _l("商品详情页截图（含店铺名称、网址、宣传内容和购买时的页面）",
                       "Screenshots of the product listing page (shop name, address of the page, the claims made, "
                       "as it stood when you bought)"), ("tutorial",), _ALWAYS),
        ("chat", _l("与商家及平台客服的聊天记录", "Chat logs with the seller and with the platform's customer service"),
         ("tutorial",), _ALWAYS),
        ("delivery", _l("物流及签收记录", "The delivery and receipt record"), ("tutorial",), _ALWAYS),
        ("invoice", _l("发票或收据：论文指出，消费者未主动要求时平台一般不会主动提供，应及时索要",
                       "An invoice or receipt: the paper notes that platforms usually do not issue one unless the "
                       "consumer asks, so ask for it"), ("3.3.2",), _ALWAYS),
    ],
    "harm": [
        ("medical", _l("病历、诊断证明和医疗费票据", "Medical records, the diagnosis and the medical bills"),
         ("tutorial",), lambda s: s.harm == "personal_injury"),
        ("injury_costs", _l("因人身损害支出的其他费用的票据", "Receipts for other costs the injury caused"),
         ("tutorial",), lambda s: s.harm == "personal_injury"),
        ("loss_amount", _l("损失及其数额的证据：价款、维修或重新购置的票据、受损物品的照片；保留商品原物",
                           "Proof of the loss and its amount: the price paid, repair or replacement bills, photos "
                           "of what was damaged; keep the goods"), ("tutorial",),
         lambda s: s.harm == "property"),
        ("price_paid", _l("价款的支付凭证：价款十倍的赔偿金以价款计算", "Proof of the price paid: the ten-fold "
                          "damages are reckoned on the price"), ((FSL, 148, 2),), lambda s: s.ten_fold_claim),
    ],
    "seller_infringement": [
        ("goods", _l("商品原物、包装、标签和说明书（拍照留存）", "The goods themselves, their packaging, labels and "
                     "instructions (photographed)"), ("tutorial",), _ALWAYS),
        ("food_test", _l("检验报告：证明食品不符合食品安全标准", "A test report showing that the food does not meet "
                         "food-safety standards"), ((FSL, 148, 2), "tutorial"), lambda s: s.food),
        ("inspection", _l("质量有争议时的检测或鉴定报告", "A test or appraisal report where the quality is disputed"),
         ("tutorial",), lambda s: not s.food),
        ("listing_claims", _l("商品详情页中与实物不符的宣传内容截图", "Screenshots of the listing's claims that the "
                              "goods do not match"), ("tutorial",), _ALWAYS),
        ("seller_knew", _l("经营者“明知”的证据（十倍赔偿只对生产者或明知的经营者）：如已过保质期仍销售、不能提供合法进货来源、以明显不合理的低价进货、未履行进货查验义务、虚假标注或更改生产日期、批号",
                           "Evidence that the seller knew (an operator owes the ten-fold only if it knew): selling past "
                           "the shelf life, no lawful source of supply, buying at an obviously unreasonable low price, "
                           "no inspection on purchase, false or altered production dates or batch numbers"),
         ((FSL, 148, 2), (SPCFS, 6, None)), lambda s: s.food and s.ten_fold_claim),
    ],
    "platform_mode": [
        ("self_mark", _l("显示“自营”标记，或足以使你相信是平台自营的标识的截图",
                         "Screenshots of the self-operated mark, or of the marks that led you to believe the "
                         "platform itself sold the goods"), ((ECL, 37, 2), (SPC1, 4, None)), _ALWAYS),
    ],
    "favourable_promise": [
        ("promise", _l("购买时平台承诺内容的截图（服务规则、保障页面）",
                       "Screenshots of the platform's promise as it stood when you bought (service rules, guarantee "
                       "pages)"), ((CRPL, 44, 1), "tutorial"), _ALWAYS),
    ],
    "platform_knowledge": [
        ("complaints", _l("你向平台的投诉、举报及平台的答复（注明日期）",
                          "Your complaints or reports to the platform and its replies (with dates)"),
         ("tutorial",), _ALWAYS),
        ("reviews", _l("商品页面上的差评和其他消费者的投诉：论文主张平台对投诉率高、差评集中的商户启动重点核查",
                       "Bad reviews and other consumers' complaints on the listing: the paper would have platforms "
                       "run focused checks on merchants with many complaints or bad reviews"), ("4.1.2", "tutorial"),
         _ALWAYS),
    ],
    "necessary_measures": [
        ("no_action", _l("平台知道后没有采取必要措施的证据：投诉或举报后商品仍在销售的截图（注明日期），平台答复中未见删除、屏蔽、断开链接或终止交易等处理",
                         "Evidence that the platform, once it knew, took no necessary measures: dated screenshots of "
                         "the goods still on sale after a complaint or report, platform replies that show no removal, "
                         "blocking, delisting or ending of the service"), ((ECL, 38, 1), "tutorial"), _ALWAYS),
    ],
    "qualification_review": [
        ("licence_display", _l("店铺公示的营业执照、许可证信息（或其缺失）的截图",
                               "Screenshots of the business licence and permits the shop displays, or of their "
                               "absence"), ((ECL, 27, 1), "tutorial"), _ALWAYS),
        ("food_licence", _l("入网食品经营者是否有许可证的证据", "Evidence of whether the food seller held a licence"),
         ((FSL, 131, 1), "tutorial"), lambda s: s.food),
    ],
    "safety_duty": [
        ("platform_conduct", _l("平台做了或没做什么的证据：风险提示、对投诉的处理、投诉后商品是否仍在售",
                                "Evidence of what the platform did or failed to do: warnings shown, how complaints "
                                "were handled, whether the listing stayed online after complaints"),
         ("tutorial",), _ALWAYS),
    ],
    "causation": [
        ("link", _l("损害与商品或服务之间联系的证据：医疗诊断中关于致害原因的记载，购买、使用与受损的时间线",
                    "Evidence linking the harm to the goods or service: what the medical records say of the cause, "
                    "a timeline of purchase, use and harm"), ("tutorial",), _ALWAYS),
    ],
}

NOTES = {
    "suggestions": _l("证据种类是本教程的实务建议，不是论文或法条的规定；举证责任的分配以引擎的分析为准。本清单是教学工具，不是法律意见。",
                      "The kinds of evidence are the tutorial's practical suggestions, not rules of the paper or "
                      "the statutes; who bears which fact follows the engine's analysis. This checklist is a "
                      "teaching tool, not legal advice."),
}


def _source_text(source, lang: str) -> str:
    if source == "tutorial":
        return TUTORIAL[lang]
    if isinstance(source, str):
        return PAPER[source][lang]
    return cite_refs([source], lang)


def _ref(ref) -> dict:
    law, article, paragraph = ref
    return {"law": law, "article": article, "paragraph": paragraph}


def _quote(ref, lang: str) -> dict:
    """The verbatim Chinese text of a provision, its source, and (in English) the unofficial rendering."""
    from . import statutes  # lazily: the statute files are read on first use

    law, article, paragraph = ref
    quote = {
        "citation": cite_refs([ref], lang),
        "ref": _ref(ref),
        "zh": statutes.paragraph_text(law, article, paragraph, "zh"),
        "source": statutes.source_line(law),
    }
    if lang == "en":
        quote["en"] = statutes.paragraph_text(law, article, paragraph, "en")
        quote["en_note"] = statutes.EN_NOTE
    return quote


def _demands(s, lang: str) -> list:
    zh = lang == "zh"
    seller_refs = [(CRPL, 44, 1)] + ([(FSL, 131, 2)] if s.food else [])
    items = [
        {
            "id": "transaction_records",
            "text": ("向平台要求提供原始合同和交易记录：在电子商务争议处理中，电子商务经营者（包括电子商务平台经营者，第九条）"
                     "应当提供。" if zh else
                     "Ask the platform for the original contract and the transaction records: in the handling of an "
                     "e-commerce dispute, e-commerce operators (platform operators included, art. 9) must provide "
                     "them."),
            "refs": [(ECL, 62, None), (ECL, 9, 1)],
            "quote_refs": [(ECL, 62, None)],
            "keep": [],
        },
        {
            "id": "seller_identity",
            "text": ("书面要求平台提供销售者的真实名称、地址和有效联系方式，保留请求和平台答复的证据。平台不能提供的，消费者可以直接向平台要求赔偿全部损失，平台赔偿后再向销售者追偿。"
                     if zh else
                     "Ask the platform in writing for the seller's real name, address and valid contact details, "
                     "and keep proof of the request and of the platform's reply. If the platform cannot provide "
                     "them, the consumer may claim the whole loss from the platform directly, which then recovers "
                     "it from the seller."),
            "refs": seller_refs,
            "quote_refs": seller_refs,
            "keep": [_l("请求的记录（时间、方式、内容）", "A record of the request (when, how, what was asked)"),
                     _l("平台的答复，或平台未答复的证据", "The platform's reply, or proof that it did not reply")],
        },
        {
            "id": "order_to_produce",
            "text": ("书证在平台控制之下的（例如平台依《电子商务法》第二十七条应当建立的经营者登记档案），负有举证责任的一方可以在举证期限届满前"
                     "书面申请人民法院责令平台提交；平台无正当理由拒不提交的，人民法院可以认定申请人所主张的书证内容为真实。"
                     if zh else
                     "Where documentary evidence is under the platform's control (the register of sellers it must "
                     "keep under ECL art. 27, for instance), the party bearing the burden of proof may apply in "
                     "writing, before the time limit for evidence expires, for a court order that the platform "
                     "submit it; if the platform refuses without justifiable reason, the court may find the content "
                     "as the applicant alleges it to be true."),
            "refs": [(CPLI, 112, None), (ECL, 27, 1)],
            "quote_refs": [(CPLI, 112, None)],
            "keep": [],
        },
        {
            "id": "adverse_inference",
            "text": ("平台控制证据无正当理由拒不提交，负有举证责任的一方主张该证据的内容不利于平台的，人民法院可以认定该主张成立。"
                     if zh else
                     "Where the platform controls evidence and refuses without justifiable reason to submit it, and "
                     "the party bearing the burden of proof asserts that its content is unfavourable to the "
                     "platform, the court may find that assertion established."),
            "refs": [(EVID, 95, None)],
            "quote_refs": [(EVID, 95, None)],
            "keep": [],
        },
    ]
    out = []
    for item in items:
        out.append({
            "id": item["id"],
            "text": item["text"],
            "citations": [cite_refs([r], lang) for r in item["refs"]],
            "refs": [_ref(r) for r in item["refs"]],
            "quotes": [_quote(r, lang) for r in item["quote_refs"]],
            "keep": [k[lang] for k in item["keep"]],
        })
    return out


def _row(row: dict) -> dict:
    return {k: row[k] for k in ("fact", "label", "bears", "current", "open", "note", "citations", "refs")}


def checklist(analysis: Mapping, lang: str | None = None) -> dict:
    """The evidence checklist for an analysis (from :func:`casebook.engine.analyze`).

    Returns ``{"lang", "regime", "consumer": [...], "demand_from_platform": [...], "platform_must_prove": [...],
    "notes": [...]}``:

    * ``consumer``: one row per relevant fact the consumer bears: ``fact``, ``label``, ``bears``, ``current``,
      ``open``, ``note``, ``citations``, ``refs`` (from the burden row) and ``evidence``, a list of
      ``{"id", "text", "sources", "refs"}`` (each source a citation, a paper section or the tutorial's
      suggestion; ``refs`` the statute provisions among them);
    * ``demand_from_platform``: ``{"id", "text", "citations", "refs", "quotes", "keep"}``, where ``quotes`` holds
      the verbatim Chinese text of each provision with its ``source`` line (and ``en``, the unofficial rendering,
      when ``lang`` is ``en``) and ``keep`` what to keep as proof of the demand;
    * ``platform_must_prove``: the relevant facts the platform bears, as burden rows.

    ``lang`` defaults to the analysis's language; another language re-runs the engine on the same facts.
    ScenarioError if ``analysis`` is not an analysis or ``lang`` is not zh or en.
    """
    if not isinstance(analysis, Mapping) or not all(k in analysis for k in ("burden_of_proof", "scenario", "regime")):
        raise ScenarioError("analysis", "must be an analysis from casebook.engine.analyze")
    lang = analysis.get("lang", "zh") if lang is None else lang
    if lang not in LANGS:
        raise ScenarioError("lang", f"got {str(lang)[:40]!r}; allowed: zh or en")
    if analysis.get("lang") != lang:
        from .engine import analyze

        analysis = analyze(analysis["scenario"], analysis["regime"], lang)
    s = validate(analysis["scenario"])
    consumer, platform = [], []
    for row in analysis["burden_of_proof"]:
        if not row["relevant"]:
            continue
        if row["bears"] == "platform":
            platform.append(_row(row))
            continue
        evidence = [
            {"id": key, "text": text[lang], "sources": [_source_text(src, lang) for src in sources],
             "refs": [_ref(src) for src in sources if isinstance(src, tuple)]}
            for key, text, sources, when in EVIDENCE.get(row["fact"], ())
            if when is None or when(s)
        ]
        consumer.append({**_row(row), "evidence": evidence})
    return {
        "lang": lang,
        "regime": analysis["regime"],
        "consumer": consumer,
        "demand_from_platform": _demands(s, lang),
        "platform_must_prove": platform,
        "notes": [NOTES["suggestions"][lang]],
    }


def cited_refs(check: Mapping) -> list[dict]:
    """Every provision a checklist cites, as ``{"law", "article", "paragraph"}``, first mention first."""
    seen, out = set(), []
    for section in ("consumer", "demand_from_platform", "platform_must_prove"):
        for row in check.get(section, ()):
            refs = list(row["refs"]) + [r for item in row.get("evidence", ()) for r in item["refs"]]
            for ref in refs:
                key = (ref["law"], ref["article"], ref["paragraph"])
                if key not in seen:
                    seen.add(key)
                    out.append(dict(ref))
    return out


def _evidence_refs() -> list:
    """Statute refs the evidence kinds cite (for the tests: each must be stored)."""
    return sorted({src for rows in EVIDENCE.values() for _, _, sources, _ in rows for src in sources
                   if isinstance(src, tuple)}, key=str)

