"""Every quotation of the paper is the paper's exact words.

The paper's text is in ``casebook/data/paper/liu-2025.txt`` (copied unchanged from the reference set). A string is
"presented as a quotation of the paper" when it is a ``quote`` / ``quote_zh`` field of a data file, or when it stands
in Chinese quotation marks “…” and the sentence attributes it to the paper: a section mark (§) follows it before the
sentence ends, or "论文" comes before it in the same sentence. Each such string must occur in the paper verbatim
(or, for words the paper itself quotes from a statute, in a statute's text).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

from casebook import statutes
from casebook.scenario import FIELDS

ROOT = Path(__file__).resolve().parent.parent
PAPER = (ROOT / "casebook" / "data" / "paper" / "liu-2025.txt").read_text(encoding="utf-8")
# The text file breaks the paper's pages with blank lines, sometimes inside a sentence: quotations run across them.
PAPER_RUN = re.sub(r"\n+", "", PAPER)
STATUTES_ZH = "\n".join(statutes.paragraph_text(law, a, None, "zh") for law in statutes.LAWS
                        for a in statutes.articles(law))

QUOTE = re.compile(r"“([^“”]{6,})”")
SENTENCE_END = "。；\n"


def _strings(node):
    """Every string in a loaded YAML tree, with the key it stands under."""
    if isinstance(node, dict):
        for k, v in node.items():
            for key, s in _strings(v):
                yield (key if key is not None else k), s
            if isinstance(v, str):
                yield k, v
    elif isinstance(node, list):
        for v in node:
            if isinstance(v, str):
                yield None, v
            else:
                yield from _strings(v)


def _data_files(statutes_too: bool = False):
    """The data files; the statutes' own texts are checked byte for byte elsewhere (tests/test_statutes.py)."""
    return sorted(p for p in (ROOT / "casebook" / "data").rglob("*.yaml")
                  if statutes_too or "statutes" not in p.parts)


def _python_strings(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _notebook_texts():
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        for c in cells:
            if c["cell_type"] == "markdown":
                yield nb.name, "".join(c["source"])


def attributed_quotes(text: str) -> list[str]:
    """The “…” strings of ``text`` that its sentence attributes to the paper."""
    out = []
    for m in QUOTE.finditer(text):
        after = text[m.end():m.end() + 40]
        cut = min([after.find(c) for c in SENTENCE_END + "“" if c in after] or [len(after)])
        start = max(text.rfind(c, 0, m.start()) for c in SENTENCE_END)
        before = text[start + 1:m.start()]
        if m.group(1) in OPTION_LABELS or before.endswith(("取", "选")):
            continue  # a value the tutorial chose, quoted as a label
        if m.group(1) in NOT_QUOTATIONS:
            continue
        # The paper's words, or a court's words as the paper reports them.
        if "§" in after[:cut] or "论文" in before or "法院" in before:
            out.append(m.group(1))
    return out


# Field values the pages quote as labels ("取“不知道也不应当知道”"): the tutorial's own words, not the paper's.
OPTION_LABELS = {label["zh"] for f in FIELDS for label in (f.option_labels or {}).values()}


# Marks around the tutorial's own words in a sentence that also speaks of the paper.
NOT_QUOTATIONS = {
    "会推出什么责任",  # 00_start_here: what each theory "would imply", the tutorial's own inference
}


def is_papers_words(q: str) -> bool:
    """The paper's words, allowing the quoting conventions: "……" for an omission, ‘…’ for the paper's own “…”,
    a closing 。 inside the marks."""
    q = q.replace("‘", "“").replace("’", "”").rstrip("。")
    return all(part in PAPER_RUN or part in STATUTES_ZH for part in q.split("……") if part)


def test_the_paper_copy_is_the_paper():
    import hashlib

    # The reference set's file, byte for byte (the digest the quotations were first checked against).
    digest = hashlib.sha256((ROOT / "casebook" / "data" / "paper" / "liu-2025.txt").read_bytes()).hexdigest()
    assert digest == "e72132835907d5fcc368a0ee8172a4a516e8caa34f9638de0f3c5f20d3e9a16d"
    assert PAPER.count("刘燕婷") >= 1
    assert "4.2.3. 构建合理的举证责任分配机制" in PAPER
    assert len(PAPER) > 12000


def test_the_attribution_rule_finds_what_it_should():
    text = ("论文写道：“当电商平台的不作为仅提高了消费者受损风险时”。另见“非自营，但标识足以误导为自营”（字段标签）。"
            "法院“在裁判时没有统一的标准可以适用”（§3.3.1）。本教程取“只能支付一半的情形”。")
    assert attributed_quotes(text) == ["当电商平台的不作为仅提高了消费者受损风险时", "在裁判时没有统一的标准可以适用"]
    assert is_papers_words("对涉及重大公共安全的领域适用连带责任……而对普通商品标签瑕疵等低风险场景，补充责任更利于平衡多方利益")
    assert not is_papers_words("当电子商务平台的不作为仅提高了消费者受损风险时")
    assert not is_papers_words("已尽必要的审查、监管责任")


def _all_quotations():
    found = []
    for path in _data_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, s in _strings(data):
            where = f"{path.relative_to(ROOT)}:{key}"
            if key in ("quote", "quote_zh"):
                found.append((where, s.strip()))
            found += [(where, q) for q in attributed_quotes(s)]
    for path in sorted((ROOT / "casebook").glob("*.py")) + sorted((ROOT / "widgets").rglob("*.py")):
        for s in _python_strings(path):
            found += [(str(path.relative_to(ROOT)), q) for q in attributed_quotes(s)]
    for name, text in _notebook_texts():
        found += [(f"notebooks/{name}", q) for q in attributed_quotes(text)]
    return found


QUOTATIONS = _all_quotations()


def test_there_are_many_quotations_to_check():
    assert len(QUOTATIONS) > 80


def test_every_quotation_of_the_paper_is_the_papers_exact_words():
    wrong = [(where, q) for where, q in QUOTATIONS if not is_papers_words(q)]
    assert not wrong, "\n".join(f"{where}: “{q}”" for where, q in wrong)


# ---------------------------------------------------------------------------------------------------------------
# No text is lost to the YAML parser


@pytest.mark.parametrize("path", _data_files(statutes_too=True), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_data_file_loads_the_same_with_the_pure_python_parser(path):
    """The C parser split unquoted flow values ending in "?" at their commas (a truncated question and a stray key);
    the pure-Python parser refuses such a file. Every data file must give the same data under both."""
    text = path.read_text(encoding="utf-8")
    pure = yaml.load(text, Loader=yaml.SafeLoader)
    fast = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert pure == fast


def test_the_decision_path_questions_are_whole():
    from casebook import lessons

    steps = lessons.load("decision_path")["steps"]
    assert steps["ecl_38_1"]["question"]["en"] == (
        "Did the platform know or should it have known of the infringement, and take no necessary measures?")
    assert steps["crpl_44_1"]["question"]["en"] == (
        "Can the platform give the seller's real name, address and valid contact details?")
    for step in steps.values():
        assert set(step["question"]) == {"zh", "en"}


def test_a_stray_key_in_a_lesson_text_is_refused():
    from casebook import lessons

    data = lessons.load("decision_path")
    data["steps"]["ecl_38_1"]["question"] = {"zh": "问", "en": "Did the platform know",
                                             "and take no necessary measures?": None}
    with pytest.raises(lessons.LessonDataError, match=r"steps\.ecl_38_1\.question\.and take no necessary measures\?: "
                                                      "unknown key; allowed: zh, en"):
        lessons.check("decision_path", data)
