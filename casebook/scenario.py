"""The facts of a dispute: field specifications, validation at the boundary, loading from JSON and YAML.

Every field of the contract's scenario is declared once in :data:`FIELDS`, with its type, allowed values, default,
bilingual label and help text and the article it comes from. Everything else (the widgets' controls, the JSON
Schema, the error messages, the engine's counterfactuals) is derived from that table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .languages import LANGS  # noqa: F401 (re-exported)
from .languages import bilingual as _l

# Keys a scenario file may carry besides the facts. They describe the scenario and never change the analysis.
META_KEYS = ("title", "description", "assumptions")

# The number a scenario needs that the paper never gives: marked as an illustrative assumption wherever it shows.
ILLUSTRATIVE_DAMAGES = 10000.0

MAX_AMOUNT = 1e12  # yuan; beyond any real dispute, and keeps arithmetic exact enough to add up


class ScenarioError(ValueError):
    """A scenario that cannot be analysed. ``field`` names the culprit; ``str()`` is a one-line message."""

    def __init__(self, field: str | None, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "choice", "bool" or "number"
    default: Any
    group: str
    label: dict
    help: dict
    source: str = ""
    options: tuple = ()
    option_labels: dict | None = None  # value -> {"zh", "en"}
    minimum: float | None = None
    maximum: float | None = None
    optional: bool = False  # None allowed (the engine documents what it does then)

    def allowed(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(self.options)
        if self.kind == "bool":
            return "true or false"
        hi = "" if self.maximum is None else f" to {self.maximum:g}"
        rng = f"a number from {self.minimum:g}{hi}" if hi else f"a number >= {self.minimum:g}"
        return rng + (", or null" if self.optional else "")

    def label_of(self, value: Any, lang: str) -> str:
        if self.option_labels and value in self.option_labels:
            return self.option_labels[value][lang]
        if self.kind == "bool":
            return {"zh": {True: "是", False: "否"}, "en": {True: "yes", False: "no"}}[lang][bool(value)]
        return "—" if value is None else f"{value:g}"


GROUPS = {
    "platform": _l("平台", "The platform"),
    "goods": _l("商品或服务", "The goods"),
    "conduct": _l("平台知道什么、做了什么", "What the platform knew and did"),
    "harm": _l("损害", "The harm"),
    "money": _l("金额与过错", "The money"),
}

FIELDS: tuple[Field, ...] = (
    Field(
        "platform_mode", "choice", "marketplace", "platform",
        _l("经营模式", "Business mode"),
        _l("平台是为平台内经营者提供服务，还是自营（或标识足以使消费者相信是自营）。见《电子商务法》第三十七条、《网络消费规定（一）》第四条。",
           "Does the platform host a third-party seller, sell itself, or look as if it sold itself? See ECL art. 37; "
           "SPC Online Consumption Provisions (I) art. 4."),
        "ECL 37; SPC online consumption (I) art. 4",
        options=("marketplace", "self_operated", "appears_self_operated"),
        option_labels={
            "marketplace": _l("平台内经营者销售", "Third-party seller on the platform"),
            "self_operated": _l("平台自营", "Self-operated by the platform"),
            "appears_self_operated": _l("非自营，但标识足以误导为自营", "Not self-operated, but marked so as to look it"),
        },
    ),
    Field(
        "platform_tier", "choice", "large", "platform",
        _l("平台规模（控制与数据能力）", "Platform tier (control and data capacity)"),
        _l("论文§4.1.1 对大型平台设阶梯式责任；§4.1.2 主张按控制能力分层设定注意标准。",
           "Paper §4.1.1 sets a tiered ladder for large platforms; §4.1.2 scales the standard of care to the "
           "platform's control capacity."),
        "paper §4.1.1, §4.1.2",
        options=("large", "medium", "small"),
        option_labels={"large": _l("大型", "Large"), "medium": _l("中型", "Medium"), "small": _l("小型", "Small")},
    ),
    Field(
        "life_health_goods", "bool", False, "goods",
        _l("关系消费者生命健康", "Concerns consumers' life and health"),
        _l("《电子商务法》第三十八条第二款只适用于关系消费者生命健康的商品或者服务。",
           "ECL art. 38 para. 2 applies only to goods or services concerning consumers' life and health."),
        "ECL 38 para 2",
    ),
    Field(
        "food", "bool", False, "goods",
        _l("网络食品交易平台上的食品", "Food sold through an online food trading platform"),
        _l("适用《食品安全法》第一百三十一条、第一百四十八条；食品当然关系生命健康。",
           "Food Safety Law arts. 131 and 148 apply; food always concerns life and health."),
        "FSL 131, 148",
    ),
    Field(
        "risk_level", "choice", "ordinary", "goods",
        _l("风险领域", "Risk level"),
        _l("论文§4.1.1 的阶梯：重大公共安全领域适用连带责任，普通商品标签瑕疵等低风险场景适用补充责任。"
           "“普通”是论文未命名的中间档。",
           "Paper §4.1.1's ladder: fields of major public safety → joint; low-risk cases such as an ordinary "
           "product's label defect → supplementary. 'Ordinary' is the middle rung the paper does not name."),
        "paper §4.1.1",
        options=("major_public_safety", "ordinary", "label_defect"),
        option_labels={
            "major_public_safety": _l("重大公共安全", "Major public safety"),
            "ordinary": _l("普通（论文未命名）", "Ordinary (not named by the paper)"),
            "label_defect": _l("低风险：标签瑕疵", "Low risk: label defect"),
        },
    ),
    Field(
        "seller_identity_disclosed", "bool", True, "conduct",
        _l("平台能提供销售者真实名称、地址和有效联系方式", "Platform can give the seller's real name, address and contact"),
        _l("不能提供的，消费者可以直接向平台要求赔偿全部损失，平台赔偿后向销售者追偿（《消费者权益保护法》第四十四条第一款）。",
           "If it cannot, the consumer may claim the whole loss from the platform directly, which then recovers it "
           "from the seller (CRPL art. 44 para. 1)."),
        "CRPL 44 para 1",
    ),
    Field(
        "favourable_promise", "bool", False, "conduct",
        _l("平台作出了更有利于消费者的承诺", "Platform promised consumers more than the law requires"),
        _l("平台应当履行承诺（《消费者权益保护法》第四十四条第一款）。本教程假设该承诺为先行赔付。",
           "The platform must keep its promise (CRPL art. 44 para. 1). The tutorial assumes a promise of advance "
           "compensation."),
        "CRPL 44 para 1",
    ),
    Field(
        "platform_knowledge", "choice", "none", "conduct",
        _l("平台对侵权的认知", "What the platform knew of the infringement"),
        _l("知道或者应当知道而未采取必要措施的，与经营者承担连带责任（《电子商务法》第三十八条第一款；《消费者权益保护法》第四十四条第二款）。",
           "Knew or should have known and took no necessary measures → joint liability (ECL art. 38 para. 1; "
           "CRPL art. 44 para. 2)."),
        "ECL 38 para 1; CRPL 44 para 2",
        options=("none", "should_have_known", "knew"),
        option_labels={
            "none": _l("不知道也不应当知道", "Neither knew nor should have known"),
            "should_have_known": _l("应当知道", "Should have known"),
            "knew": _l("知道（明知）", "Knew"),
        },
    ),
    Field(
        "necessary_measures", "bool", False, "conduct",
        _l("知道后采取了必要措施", "Took necessary measures once it knew"),
        _l("《电子商务法》第三十八条第一款：采取必要措施的，不因该款承担连带责任。",
           "ECL art. 38 para. 1: a platform that took necessary measures is not jointly liable under it."),
        "ECL 38 para 1",
    ),
    Field(
        "qualification_review", "choice", "fulfilled", "conduct",
        _l("对经营者资质资格的审核", "Review of the seller's qualifications"),
        _l("见《电子商务法》第二十七条、第三十八条第二款；食品见《食品安全法》第一百三十一条。",
           "See ECL arts. 27 and 38 para. 2; for food, FSL art. 131."),
        "ECL 27, 38 para 2; FSL 131",
        options=("fulfilled", "failed"),
        option_labels={"fulfilled": _l("已尽审核义务", "Fulfilled"), "failed": _l("未尽审核义务", "Failed")},
    ),
    Field(
        "safety_duty", "choice", "fulfilled", "conduct",
        _l("对消费者的安全保障义务", "Safety-assurance duty to consumers"),
        _l("《电子商务法》第三十八条第二款；其范围和标准法律未明确（论文§3.2.2）。",
           "ECL art. 38 para. 2; its scope and standard are undefined in the law (paper §3.2.2)."),
        "ECL 38 para 2",
        options=("fulfilled", "failed"),
        option_labels={"fulfilled": _l("已尽安全保障义务", "Fulfilled"), "failed": _l("未尽安全保障义务", "Failed")},
    ),
    Field(
        "harm", "choice", "property", "harm",
        _l("损害类型", "Type of harm"),
        _l("没有损害，就没有赔偿。", "No harm, no compensation."),
        "",
        options=("none", "property", "personal_injury"),
        option_labels={
            "none": _l("无损害", "None"),
            "property": _l("财产损失", "Property loss"),
            "personal_injury": _l("人身损害", "Personal injury"),
        },
    ),
    Field(
        "causation", "choice", "decisive", "harm",
        _l("平台违反义务与损害的因果关系", "Causal link between the platform's breach and the harm"),
        _l("论文§4.1.1：平台本可避免的损害为“决定性”，仅提高风险为“仅增加风险”。只在《电子商务法》第三十八条第二款起决定作用时有意义。",
           "Paper §4.1.1: harm the platform could have prevented is 'decisive'; an omission that only raised the "
           "risk is 'risk-increasing'. Matters only where ECL art. 38 para. 2 decides."),
        "paper §4.1.1",
        options=("decisive", "risk_increasing", "none"),
        option_labels={
            "decisive": _l("决定性（平台本可避免）", "Decisive (platform could have prevented it)"),
            "risk_increasing": _l("仅增加风险", "Only raised the risk"),
            "none": _l("无因果关系", "No causal link"),
        },
    ),
    Field(
        "victim_is_consumer", "bool", True, "harm",
        _l("受害人是消费者", "The harmed person is a consumer"),
        _l("消费者是为生活消费需要购买、使用商品或者接受服务的人（《消费者权益保护法》第二条）：使用商品的家庭成员也是消费者。"
           "《电子商务法》第三十八条、《消费者权益保护法》第四十四条和《食品安全法》第一百三十一条、第一百四十八条保护消费者；"
           "选“否”表示旁观者等第三人，此时只有《民法典》第一千二百零三条（自营平台作为销售者）和第一千一百九十七条"
           "（知道或者应当知道而未采取必要措施）可能适用（本教程的补充）。",
           "A consumer buys or uses goods, or receives a service, for living consumption (CRPL art. 2): a family "
           "member using the goods is a consumer. ECL art. 38, CRPL art. 44 and FSL arts. 131 and 148 protect "
           "consumers; 'no' means a third party such as a bystander, whom only Civil Code art. 1203 (a self-operated "
           "platform as seller) and art. 1197 (knew or should have known, no necessary measures) can reach (the "
           "tutorial's addition)."),
        "CRPL 2; ECL 38; CC 1197, 1203",
    ),
    Field(
        "damages", "number", ILLUSTRATIVE_DAMAGES, "money",
        _l("损失金额（元）", "Damages (yuan)"),
        _l("默认值 10000 元为示例性假设。", "The default of 10,000 yuan is an illustrative assumption."),
        "", minimum=0.0, maximum=MAX_AMOUNT,
    ),
    Field(
        "consumer_fault", "number", 0.0, "money",
        _l("消费者自身过错比例", "Consumer's own share of fault"),
        _l("被侵权人有过错的，可以减轻侵权人的责任（《民法典》第一千一百七十三条）。",
           "The victim's own fault may reduce the liability of those who caused the harm (Civil Code art. 1173)."),
        "Civil Code 1173", minimum=0.0, maximum=1.0,
    ),
    Field(
        "seller_can_pay", "number", 1.0, "money",
        _l("销售者实际能支付的比例", "Share of the damages the seller can pay"),
        _l("平台作为销售者承担责任时无影响。", "No effect where the platform is liable as seller."),
        "", minimum=0.0, maximum=1.0,
    ),
    Field(
        "platform_fault_share", "number", None, "money",
        _l("平台的过错份额（占全部损失）", "Platform's share of fault (of the whole damage)"),
        _l("按份责任中的份额。未填时，依《民法典》第一百七十七条“难以确定责任大小的，平均承担责任”，平台与销售者平分消费者过错以外的部分。",
           "The platform's share where a court apportions. When omitted, Civil Code art. 177 ('where the extent "
           "cannot be determined, they bear it equally'): the platform and the seller split what the consumer's "
           "own fault leaves."),
        "Civil Code 177", minimum=0.0, maximum=1.0, optional=True,
    ),
    Field(
        "price", "number", 0.0, "money",
        _l("价款（元）", "Price paid (yuan)"),
        _l("用于《食品安全法》第一百四十八条第二款的价款十倍赔偿。", "Used for the ten-fold price under FSL art. 148 para. 2."),
        "FSL 148", minimum=0.0, maximum=MAX_AMOUNT,
    ),
    Field(
        "ten_fold_claim", "bool", False, "money",
        _l("主张价款十倍或损失三倍赔偿金", "Claims ten times the price or three times the loss"),
        _l("不符合食品安全标准的食品（《食品安全法》第一百四十八条第二款；不足一千元的，为一千元）。在赔偿损失之外主张，"
           "不以人身损害为条件（《食品安全民事纠纷解释（一）》第十条）；由生产者承担，或由明知的经营者承担。",
           "Food not meeting food-safety standards (FSL art. 148 para. 2; at least 1,000 yuan). Claimed in addition "
           "to the damages and without any personal injury (SPC food-safety (I) art. 10); owed by the producer, or "
           "by an operator that knew."),
        "FSL 148 para 2",
    ),
    Field(
        "seller_knew_unsafe", "bool", False, "money",
        _l("经营者明知食品不符合食品安全标准", "The seller knew the food was unsafe"),
        _l("销售该食品的经营者（平台作为销售者时即平台）生产了该食品，或者明知其不符合食品安全标准仍然销售"
           "（“生产……或者经营明知……”）。《食品安全民事纠纷解释（一）》第六条列举了可认定“明知”的情形，"
           "如过期仍销售、不能提供合法进货来源、未履行进货查验义务。",
           "The business that sold the food (the platform itself where it answers as seller) produced it, or sold it "
           "knowing that it did not meet food-safety standards (FSL art. 148 para. 2). SPC food-safety (I) art. 6 "
           "lists what counts as knowing, such as selling past the shelf life, no lawful source of supply, or no "
           "inspection on purchase."),
        "FSL 148 para 2; SPC food-safety (I) art. 6",
    ),
    Field(
        "label_defect_only", "bool", False, "money",
        _l("唯一的问题是不影响食品安全且不误导的标签、说明书瑕疵", "Only a label defect that neither affects safety nor misleads"),
        _l("食品唯一的缺陷在标签、说明书，且既不影响食品安全也不会对消费者造成误导：适用第一百四十八条第二款的但书，"
           "不支持十倍赔偿（《食品药品惩罚性赔偿解释》第六条至第八条）。论文的“风险领域”阶梯不决定这一点。",
           "The food's only defect is in its label or instructions, and it neither affects food safety nor misleads "
           "consumers: the proviso of FSL art. 148 para. 2 applies and the ten-fold is not owed (2024 punitive-damages "
           "interpretation arts. 6-8). The paper's risk ladder does not decide this."),
        "FSL 148 para 2; 2024 punitive-damages interpretation arts. 6-8",
    ),
)

FIELD_BY_NAME = {f.name: f for f in FIELDS}
FIELD_NAMES = tuple(FIELD_BY_NAME)
DEFAULTS = {f.name: f.default for f in FIELDS}


@dataclass(frozen=True, slots=True)
class Scenario:
    platform_mode: str = "marketplace"
    platform_tier: str = "large"
    life_health_goods: bool = False
    food: bool = False
    risk_level: str = "ordinary"
    seller_identity_disclosed: bool = True
    favourable_promise: bool = False
    platform_knowledge: str = "none"
    necessary_measures: bool = False
    qualification_review: str = "fulfilled"
    safety_duty: str = "fulfilled"
    harm: str = "property"
    causation: str = "decisive"
    victim_is_consumer: bool = True
    damages: float = ILLUSTRATIVE_DAMAGES
    consumer_fault: float = 0.0
    seller_can_pay: float = 1.0
    platform_fault_share: float | None = None
    price: float = 0.0
    ten_fold_claim: bool = False
    seller_knew_unsafe: bool = False
    label_defect_only: bool = False

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in FIELD_NAMES}

    def replace(self, **changes) -> "Scenario":
        """A copy with some facts changed, validated like any other input."""
        return validate({**self.to_dict(), **changes})

    @property
    def goods_concern_life_health(self) -> bool:
        # The contract: `food` implies `life_health_goods`.
        return self.life_health_goods or self.food

    @property
    def platform_share(self) -> float:
        """The platform's share of the whole damage; Civil Code art. 177's equal split when none is given."""
        if self.platform_fault_share is not None:
            return self.platform_fault_share
        return (1.0 - self.consumer_fault) / 2.0


assert tuple(Scenario.__dataclass_fields__) == FIELD_NAMES, "Scenario and FIELDS must list the same fields"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr) if not isinstance(value, float) else f"{value:g}"
    return text if len(text) <= 60 else text[:57] + "..."


# Longest text a scenario's metadata may carry, per language (characters). The casebook's longest note is about 500.
META_LIMITS = {"title": 300, "description": 2000, "assumptions": 1000}
META_TEXT = "text or a mapping {zh: text, en: text}"


def _meta_text_schema(limit: int) -> dict:
    """Text, or a mapping {zh: text, en: text} (either or both), each at most ``limit`` characters. Nothing else
    (lists, numbers, nested mappings): the fact panel and the share panel show these as text, and a nested mapping
    or a list could be made, through YAML aliases, to expand to gigabytes."""
    text = {"type": "string", "maxLength": limit}
    return {"title": META_TEXT, "anyOf": [text, {"type": "object", "minProperties": 1, "additionalProperties": False,
                                                  "properties": {lang: text for lang in LANGS}}]}


def json_schema() -> dict:
    """The JSON Schema of a scenario file, derived from :data:`FIELDS`: what :func:`validate` allows (it checks with
    this schema, compiled by fastjsonschema), and ``data/scenario.schema.json``, the published copy."""
    props: dict[str, dict] = {}
    for f in FIELDS:
        if f.kind == "choice":
            p: dict = {"enum": list(f.options)}
        elif f.kind == "bool":
            p = {"type": "boolean"}
        else:
            p = {"type": ["number", "null"] if f.optional else "number", "minimum": f.minimum}
            if f.maximum is not None:
                p["maximum"] = f.maximum
        p.update({"default": f.default, "title": f.label["en"], "description": f.help["en"]})
        props[f.name] = p
    props["title"] = {**_meta_text_schema(META_LIMITS["title"]), "description": "What the scenario is called."}
    props["description"] = {**_meta_text_schema(META_LIMITS["description"]), "description": "What it is about."}
    props["assumptions"] = {
        "type": ["object", "null"],
        "propertyNames": {"enum": list(FIELD_NAMES)},
        "additionalProperties": _meta_text_schema(META_LIMITS["assumptions"]),
        "description": "A note per field whose value the source does not state (an illustrative assumption).",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Platform Liability Lab scenario",
        "description": ("The facts of a dispute (casebook/scenario.py, generated from its field table FIELDS). Omitted "
                        "fields take their defaults. What a schema cannot say is checked in code: platform_fault_share "
                        "plus consumer_fault is at most 1, and a number is not NaN (which YAML can write)."),
        "type": "object",
        "additionalProperties": False,
        "properties": props,
    }


SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "scenario.schema.json"  # json_schema(), published


def write_json_schema(path: Path = SCHEMA_PATH) -> None:
    """Write :func:`json_schema` to ``path`` (the published copy; a test checks it is up to date)."""
    path.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


_CHECK = None  # the compiled schema, once compiled


def _schema_check():
    global _CHECK
    if _CHECK is None:
        import fastjsonschema  # pure Python (the static edition has it too); compiles the schema to Python code once

        _CHECK = fastjsonschema.compile(json_schema(), handlers={}, use_default=False)
    return _CHECK


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        keys = ", ".join(_show(str(k))[:20] for k in list(value)[:3])
        return f"a mapping with keys {keys}" if keys else "an empty mapping"
    return {list: "a list", bool: "true or false", type(None): "nothing"}.get(type(value), type(value).__name__)


def _meta_refusal(where: str, value: Any, limit: int, what: str) -> ScenarioError:
    """Words for metadata the schema refused: too long, or not text at all."""
    texts = [value] if isinstance(value, str) else list(value.values()) if isinstance(value, Mapping) else []
    if texts and all(isinstance(t, str) for t in texts) and max(map(len, texts)) > limit:
        return ScenarioError(where, f"{what} is too long ({max(map(len, texts))} characters); allowed: at most {limit}")
    if isinstance(value, Mapping) and value and all(k in LANGS for k in value):
        return ScenarioError(where, f"{what} must be {META_TEXT}; got a mapping holding something other than text")
    return ScenarioError(where, f"{what} must be {META_TEXT}; got {_kind(value)}")


def _refusal(data: dict, exc) -> ScenarioError:
    """The scenario schema's first objection, in the words the pages show: the field, what was found, what is
    allowed (exc is fastjsonschema's JsonSchemaValueException; its path is ["data", key, ...])."""
    path = list(exc.path)[1:]
    if not path:  # a key that is no field (or the whole document, which validate() has already seen is a mapping)
        key = next((k for k in data if k not in FIELD_BY_NAME and k not in META_KEYS), None)
        shown = "".join(ch if ch.isprintable() else "?" for ch in str(key))[:60]  # one line, whatever the key
        return ScenarioError(shown, f"unknown field; allowed fields: {', '.join(FIELD_NAMES)}")
    key, value = path[0], data[path[0]]
    spec = FIELD_BY_NAME.get(key)
    if spec is not None:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10 ** 300:
            try:
                digits = str(len(str(abs(value))))
            except ValueError:  # beyond Python's limit on digits (4300)
                digits = "more than 4300"
            return ScenarioError(key, f"got a number of {digits} digits; allowed: {spec.allowed()}")
        return ScenarioError(key, f"got {_show(value)}; allowed: {spec.allowed()}")
    if key != "assumptions":
        return _meta_refusal(key, value, META_LIMITS[key], f"the {key}")
    if not isinstance(value, Mapping):
        return ScenarioError("assumptions", "must be a mapping from a field name to a note")
    if len(path) == 1:  # a note on something that is no field
        unknown = next(k for k in value if k not in FIELD_BY_NAME)
        return ScenarioError("assumptions", f"names unknown field {_show(str(unknown))}; allowed: "
                                            f"{', '.join(FIELD_NAMES)}")
    return _meta_refusal("assumptions", value[path[1]], META_LIMITS["assumptions"],
                         f"the note (assumptions) on {path[1]}")


def _first_refusal(data: dict) -> ScenarioError:
    """The first problem in the order of the input's keys, the facts before the metadata (title, description,
    assumptions), as the pages have always reported it (the schema's own order is its properties'): each key checked
    alone against the schema, which has no rule across keys."""
    check = _schema_check()
    order = {key: i + 1 for i, key in enumerate(META_KEYS)}  # facts first, in the input's order (a stable sort)
    for key in sorted(data, key=lambda k: order.get(k, 0) if isinstance(k, str) else 0):
        try:
            check({key: data[key]})
        except Exception as exc:
            if not hasattr(exc, "rule"):
                raise
            return _refusal({key: data[key]}, exc)
        if data[key].__class__ is float and data[key] != data[key]:  # NaN: below no minimum, above no maximum
            return ScenarioError(key, f"got nan; allowed: {FIELD_BY_NAME[key].allowed()}")
    raise AssertionError("the scenario schema refused a mapping whose every key it accepts alone")


def validate(data: Any) -> Scenario:
    """Check a mapping of facts and return a :class:`Scenario`; omitted fields take their defaults.

    What is allowed is :func:`json_schema` (generated from :data:`FIELDS`), applied by fastjsonschema; the one rule a
    schema cannot say (shares of fault add up to at most 1) and finite numbers are checked here. Raises
    :class:`ScenarioError` naming the first bad field and what is allowed. Metadata keys (``title``,
    ``description``, ``assumptions``) are checked and left out of the scenario.
    """
    if isinstance(data, Scenario):
        return data
    if not isinstance(data, Mapping):
        raise ScenarioError(None, f"a scenario must be a mapping of field names to values, not {type(data).__name__}")
    data = data if type(data) is dict else dict(data)
    try:
        (_CHECK or _schema_check())(data)
    except Exception as exc:  # fastjsonschema's JsonSchemaValueException (imported lazily with the compiled check)
        if not hasattr(exc, "rule"):
            raise
        raise _first_refusal(data) from None
    values = {}
    for key, value in data.items():
        if key in META_KEYS:
            continue
        if value.__class__ is int:
            value = float(value)
        elif value.__class__ is float and value != value:  # NaN: the one number a schema cannot refuse
            raise _first_refusal(data)
        values[key] = value
    consumer = values.get("consumer_fault", DEFAULTS["consumer_fault"])
    share = values.get("platform_fault_share")
    if share is not None and share + consumer > 1.0 + 1e-9:
        raise ScenarioError(
            "platform_fault_share",
            f"{share:g} plus consumer_fault {consumer:g} exceeds 1; allowed: at most {1 - consumer:g}",
        )
    return Scenario(**values)


def assumptions_of(data: Mapping) -> dict:
    """The assumption notes a scenario mapping carries ({} when none)."""
    notes = data.get("assumptions") if isinstance(data, Mapping) else None
    return dict(notes) if isinstance(notes, Mapping) else {}


class _NoAliases(Exception):
    pass


def _yaml(text: str):
    """YAML with no anchors and no aliases: seven levels of aliases in 400 bytes expand to gigabytes once the
    mapping is walked (the fact panel, the share panel), so they are refused before anything is built."""
    import yaml  # imported only when a YAML file is read: keeps kernel start-up light

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _NoAliases()
    return yaml.load(text, Loader=loader)


def parse_text(text: str, name: str = "scenario") -> dict:
    """Parse scenario text as JSON, or else as YAML (with no anchors or aliases), into a mapping; ScenarioError
    when it is neither."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise ScenarioError(None, f"{name} is nested too deeply to be a scenario") from None
    except ValueError as exc:
        if "integer string conversion" in str(exc):  # Python's limit on digits (4300)
            raise ScenarioError(None, f"{name} holds a number with too many digits") from None
        try:
            data = _yaml(text)
        except _NoAliases:
            raise ScenarioError(None, f"{name} uses YAML anchors or aliases (& and *), which a scenario may not "
                                      "use; write each value out") from None
        except RecursionError:
            raise ScenarioError(None, f"{name} is nested too deeply to be a scenario") from None
        except Exception as exc:  # any parser failure is the user's input, not our bug
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ScenarioError(None, f"{name} is neither JSON nor YAML ({first[:120]})") from None
    if not isinstance(data, Mapping):
        kind = "empty" if data is None else type(data).__name__
        raise ScenarioError(None, f"{name} must hold a mapping of field names to values, not {kind}")
    return dict(data)


def load(path: str) -> tuple[Scenario, dict]:
    """Read a scenario file (JSON or YAML; ``-`` for stdin). Returns the scenario and the raw mapping."""
    import sys

    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise ScenarioError(None, f"cannot read {path}: {reason}") from None
    data = parse_text(text, name="stdin" if path == "-" else path)
    return validate(data), data
