"""The tutorial's table of contents: the order of the pages and their titles in both languages."""

from __future__ import annotations


def _l(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


CHAPTERS = (
    ("00_start_here", _l("从这里开始", "Start here"), ""),
    ("01_platform_status", _l("平台是什么，法律地位如何", "What a platform is, and its legal status"), "§2.1–2.2"),
    ("02_rights_and_duties", _l("消费者权益与平台义务的理论基础", "Consumers' rights and why platforms owe duties"),
     "§2.3–2.4"),
    ("03_legal_bases", _l("法律依据：一条决策路径", "The legal bases: a decision path"), "§3.1"),
    ("04_corresponding_liability", _l("“相应的责任”之争", "The \"corresponding liability\" debate"), "§3.2.1"),
    ("05_safety_duty", _l("安全保障义务", "The safety-assurance duty"), "§3.2.2, §4.1.2"),
    ("06_four_cases", _l("四个案例", "The four cases"), "§3.3.1"),
    ("07_burden_of_proof", _l("举证责任", "The burden of proof"), "§3.3.2, §4.2.3"),
    ("08_reforms", _l("完善建议：用一条规则统一裁判", "The reforms: one rule for all four cases"), "§4"),
    ("09_exercises", _l("练习：先预测，再揭晓", "Exercises: predict, then reveal"), ""),
)
ANALYZER = ("analyzer", _l("案例分析器", "Case analyzer"), "")
PAGES = CHAPTERS + (ANALYZER,)
PAGE_IDS = tuple(p[0] for p in PAGES)


def neighbours(page_id: str) -> tuple:
    """(previous, next) chapter entries around ``page_id``; None at either end or for the analyzer."""
    ids = [c[0] for c in CHAPTERS]
    if page_id not in ids:
        return None, None
    i = ids.index(page_id)
    return (CHAPTERS[i - 1] if i > 0 else None), (CHAPTERS[i + 1] if i + 1 < len(CHAPTERS) else None)


def title(page_id: str, lang: str) -> str:
    for pid, names, _section in PAGES:
        if pid == page_id:
            return names[lang]
    raise KeyError(page_id)
