"""The engine's words, in Chinese and English: names of forms and rules, trace reasons, citations.

Kept apart from the rules so that the rules read like the law and the wording can be reviewed on its own. No file is
read here: citations are formatted from a table, so the engine stays fast and free of I/O.
"""

from __future__ import annotations

from functools import lru_cache

from .languages import bilingual as _l
from .statutes import zh_numeral as zh_number



LAW_SHORT = {
    "consumer-rights-protection-law": _l("《消费者权益保护法》", "CRPL"),
    "e-commerce-law": _l("《电子商务法》", "ECL"),
    "food-safety-law": _l("《食品安全法》", "FSL"),
    "civil-code": _l("《民法典》", "Civil Code"),
    "spc-online-consumption-disputes-1": _l("《网络消费纠纷规定（一）》", "SPC Online Consumption Provisions (I)"),
    "spc-food-drug-disputes": _l("《食品药品纠纷规定》", "SPC Food and Drug Provisions"),
    "spc-food-safety-civil-disputes-1": _l("《食品安全民事纠纷解释（一）》", "SPC Food Safety Interpretation (I)"),
    "spc-food-drug-punitive-damages": _l("《食品药品惩罚性赔偿解释》", "SPC Punitive Damages Interpretation (2024)"),
    "civil-procedure-interpretation": _l("《民诉法解释》", "CPL Interpretation"),
    "spc-civil-evidence-rules": _l("《民事诉讼证据规定》", "Evidence Rules"),
}

@lru_cache(maxsize=1024, typed=True)  # pure, and called thousands of times per change on some pages
def cite(law: str, article: int, paragraph: int | None = None, lang: str = "zh") -> str:
    name = LAW_SHORT[law][lang]
    if lang == "zh":
        return f"{name}第{zh_number(article)}条" + (f"第{zh_number(paragraph)}款" if paragraph else "")
    return f"{name} art. {article}" + (f" para. {paragraph}" if paragraph else "")


def cite_refs(refs, lang: str) -> str:
    return ("；" if lang == "zh" else "; ").join(cite(*ref, lang=lang) for ref in refs)


def fmt_money(x: float, lang: str) -> str:
    return f"{x:,.2f} 元" if lang == "zh" else f"{x:,.2f} yuan"


def fmt_share(x: float, lang: str) -> str:
    return f"{x * 100:.0f}%" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x * 100:.1f}%"


FORM_NAMES = {
    "none": _l("平台不承担责任", "No liability"),
    "as_seller": _l("作为销售者承担责任", "Liable as the seller"),
    "joint": _l("连带责任", "Joint and several liability"),
    "supplementary": _l("补充责任", "Supplementary liability"),
    "proportional": _l("按份责任", "Several (proportional) liability"),
    "non_genuine_joint": _l("不真正连带责任", "Non-genuine joint liability"),
    "undetermined": _l("未定：“相应的责任”", "Undetermined: \"corresponding liability\""),
}

# Paper §3.2.1, the four readings, in the paper's words (English: the project's unofficial rendering).
READING_TEXT = {
    "joint": _l("“连带责任说”强调平台与直接侵权人共同承担全部赔偿责任",
                "The joint-liability view: the platform and the direct infringer together answer for the whole"),
    "supplementary": _l("“补充责任说”主张平台仅在直接侵权人无法足额赔偿时承担差额补充责任",
                        "The supplementary view: the platform pays only the shortfall the direct infringer cannot pay"),
    "proportional": _l("“按份责任说”认为应根据平台过错程度按比例确定赔偿份额",
                       "The several (proportional) view: a share fixed by the degree of the platform's fault"),
    "non_genuine_joint": _l("“不真正连带责任”则突出平台赔偿后的追偿权本质",
                            "The non-genuine joint view: stresses the platform's right of recourse after paying"),
}

RULE_NAMES = {
    "harm_required": _l("损害", "Harm"),
    "platform_as_seller": _l("平台作为销售者", "The platform as seller"),
    "cc_1203": _l("产品缺陷：向销售者请求赔偿（第三人）", "A defective product: the claim against its seller (a third party)"),
    "fsl_131_1": _l("食品平台的连带责任", "Food platform: joint liability"),
    "ecl_38_1": _l("知道或者应当知道而未采取必要措施", "Knew or should have known, took no necessary measures"),
    "cc_1197": _l("网络服务提供者的连带责任（第三人）", "A network service provider's joint liability (a third party)"),
    "crpl_44_1_promise": _l("更有利于消费者的承诺", "A promise more favourable to consumers"),
    "fsl_131_2": _l("食品平台不能提供经营者信息", "Food platform cannot identify the seller"),
    "crpl_44_1": _l("不能提供销售者信息", "The platform cannot identify the seller"),
    "ecl_38_2": _l("关系生命健康：“相应的责任”", "Life and health: \"corresponding liability\""),
    "seller_alone": _l("向销售者索赔", "The claim against the seller"),
}

T = {
    # gates
    "harm_yes": _l("消费者受到了损害。", "The consumer suffered harm."),
    "harm_no": _l("没有损害：无人须赔偿损失，其他赔偿规则不再审查。",
                  "No harm: nobody owes compensation for loss, and no other rule of compensation is reached."),
    "not_consumer": _l("受害人不是消费者：此条保护的是为生活消费需要购买、使用商品或者接受服务的消费者（《消费者权益保护法》第二条），不及于第三人。",
                       "The harmed person is not a consumer: this rule protects those who buy or use goods, or receive "
                       "services, for living consumption (CRPL art. 2), not a third party."),
    # as seller
    "seller_self": _l("平台自营：平台依法承担商品销售者或者服务提供者的民事责任。",
                      "Self-operated: the platform bears the civil liability of the seller or service provider."),
    "seller_appears": _l("平台虽非自营，但其标识足以使消费者相信系自营：平台承担销售者责任。",
                         "Not self-operated, but its marks lead consumers to believe it is: the platform answers as seller."),
    "seller_marketplace": _l("商品由平台内经营者销售：平台不是销售者。",
                             "A third-party seller sold the goods: the platform is not the seller."),
    "seller_not_consumer": _l("受害人不是消费者：《网络消费规定（一）》第四条的请求属于消费者；第三人见下方《民法典》第一千二百零三条。",
                              "The harmed person is not a consumer: SPC Online Consumption Provisions (I) art. 4 gives "
                              "the claim to consumers; for a third party see Civil Code art. 1203 below."),
    "cc1203_consumer": _l("受害人是消费者：由上方“平台作为销售者”处理；本条在受害人不是消费者时起作用。",
                          "The harmed person is a consumer: the rule above (the platform as seller) answers; this "
                          "article matters where the harmed person is not a consumer."),
    "cc1203_held": _l("平台自营，是产品的销售者，依法承担销售者的民事责任（《电子商务法》第三十七条第二款）：因产品缺陷受到损害的人，即使不是消费者，也可以向销售者请求赔偿（《民法典》第一千二百零三条，本教程的补充）。",
                      "The platform sold the goods itself and bears a seller's civil liability under law (ECL art. 37 "
                      "para. 2): whoever a defect in a product injures, consumer or not, may claim from its seller "
                      "(Civil Code art. 1203; the tutorial's addition)."),
    "cc1203_appears": _l("平台只是看起来像自营：《网络消费规定（一）》第四条第二款保护被标识误导的消费者；第三人并未因标识而信赖，平台也不是产品的销售者（本教程的解读）。",
                         "The platform only looked self-operated: SPC Online Consumption Provisions (I) art. 4 para. 2 "
                         "protects consumers misled by the marks; a third party relied on no mark, and the platform is "
                         "not the product's seller (the tutorial's reading)."),
    # food
    "fsl131_not_food": _l("不是通过网络食品交易平台购买的食品：此条不适用。",
                          "Not food bought through an online food trading platform: this article does not apply."),
    "fsl131_review": _l("食品平台未对入网食品经营者进行实名登记、审查许可证，并因此使消费者的合法权益受到损害：与食品经营者承担连带责任。作为食品领域的特别规定，排除《电子商务法》第三十八条。",
                        "The food platform failed to register the seller's real name or review its licence, and that "
                        "failure harmed the consumer: joint liability with the food seller. As the special rule for "
                        "food it displaces ECL art. 38."),
    "fsl131_report": _l("平台知道入网食品经营者的违法行为却未制止、报告或停止提供服务，并因此使消费者受到损害：与食品经营者承担连带责任。",
                        "The platform knew of the seller's violation but did not stop it, report it or stop its "
                        "service, and that failure harmed the consumer: joint liability with the food seller."),
    "fsl131_no_cause": _l("平台未尽食品平台的义务，但这一失职并未使消费者受到损害（无因果关系）：“使消费者的合法权益受到损害”的要件不满足，不依此条承担连带责任。",
                          "The platform failed a food platform's duty, but that failure did not cause the consumer's "
                          "harm (no causal link): \"thereby harms the lawful rights and interests of consumers\" is "
                          "not met, so no joint liability under this article."),
    "fsl131_duties_met": _l("平台已登记、审查许可证，也没有知道违法而不处置的情形。",
                            "The platform registered the seller and reviewed its licence, and did not ignore a known violation."),
    # knowledge
    "k_none": _l("平台既不知道也不应当知道经营者的侵权行为。", "The platform neither knew nor should have known of the infringement."),
    "k_measures": _l("平台{knowledge}，但采取了必要措施：不因此承担连带责任。",
                     "Platform: {knowledge}; but it took necessary measures, so it is not jointly liable on this ground."),
    "cc1197_joint": _l("平台{knowledge}平台内经营者利用其服务侵害他人民事权益，却未采取必要措施：与该经营者承担连带责任，受害人不必是消费者（《民法典》第一千一百九十七条，本教程的补充）。",
                       "Platform: {knowledge} that a seller using its service infringed another's rights, and took no "
                       "necessary measures: joint and several liability with that seller, toward a victim who need not "
                       "be a consumer (Civil Code art. 1197; the tutorial's addition)."),
    "k_joint": _l("平台{knowledge}经营者侵害消费者合法权益，却未采取必要措施：依法与该经营者承担连带责任。",
                  "Platform: {knowledge} that the seller infringed consumers' rights, and took no necessary measures: "
                  "joint and several liability with the seller."),
    # promise, disclosure
    "promise_yes": _l("平台作出了更有利于消费者的承诺，应当履行。本教程假设其为先行赔付：平台先赔，再向销售者追偿。",
                      "The platform made a promise more favourable to consumers and must keep it. The tutorial assumes "
                      "a promise of advance compensation: the platform pays first, then recovers from the seller."),
    "promise_no": _l("平台没有作出更有利于消费者的承诺。", "The platform made no promise beyond the law."),
    "disclose_no": _l("平台不能提供销售者的真实名称、地址和有效联系方式：消费者可以直接向平台要求赔偿全部损失（扣除自身过错部分），没有先后顺序，也没有上限；平台赔偿后可向销售者全额追偿。",
                      "The platform cannot give the seller's real name, address and valid contact details: the "
                      "consumer may claim the whole loss (less their own fault) from the platform directly, with no "
                      "order of claims and no cap; the platform may recover all of it from the seller after paying."),
    "disclose_yes": _l("平台能提供销售者的真实名称、地址和有效联系方式：此条不使平台承担责任。",
                       "The platform can give the seller's real name, address and contact details: no liability here."),
    # ECL 38(2)
    "l38_not_life": _l("商品或服务不关系消费者生命健康：第三十八条第二款不适用。",
                       "The goods or services do not concern life and health: ECL art. 38 para. 2 does not apply."),
    "l38_duties_met": _l("平台已尽资质资格审核义务和安全保障义务。",
                         "The platform fulfilled both its review of qualifications and its safety-assurance duty."),
    "l38_no_cause": _l("平台未尽：{failed}；但这与损害没有因果关系，“造成消费者损害”的要件不满足。",
                       "The platform failed: {failed}; but that did not cause the harm, so \"causing harm to the "
                       "consumer\" is not met."),
    "l38_held": _l("关系生命健康，平台未尽：{failed}，并造成消费者损害：依法承担“相应的责任”，即{form}。",
                   "Life and health goods, the platform failed: {failed}, and this caused the consumer harm: "
                   "\"corresponding liability\", that is: {form}."),
    "seller_alone": _l("消费者总可以向销售者或者服务者要求赔偿。", "The consumer can always claim from the seller."),
    "third_party_alone": _l("没有任何依据使平台对这位第三人承担责任：消费者保护规则（《电子商务法》第三十八条、《消费者权益保护法》第四十四条、《食品安全法》第一百三十一条）不及于第三人；第三人依一般侵权法（《民法典》第一千一百六十五条）向侵权人请求赔偿，这超出本教程的范围。",
                            "No basis makes the platform answer to this third party: the consumer-protection rules "
                            "(ECL art. 38, CRPL art. 44, FSL art. 131) do not reach a third party; the third party "
                            "claims from whoever harmed them under general tort law (Civil Code art. 1165), which is "
                            "outside this tutorial."),
    "displaced": _l("但被“{by}”排除（特别规定优先）。", "But displaced by \"{by}\" (the special rule prevails)."),
    "outranked": _l("但“{by}”对消费者更有利，由其决定。", "But \"{by}\" protects the consumer more, and decides."),
    "basis_worst": _l("现行法下责任形态未定：在法官选择解释之前，金额按对消费者最不利的解释（{form}）计算。",
                      "The form is open under the statute: until a judge picks a reading, the amounts follow the "
                      "reading least favourable to the consumer ({form})."),
    "basis_tie": _l("现行法下责任形态未定，但在这些事实上四种解释下消费者得到的赔偿相同：法官选哪一种，消费者都获赔同样的金额（由谁支付可能不同）。",
                    "The form is open under the statute, but on these facts the four readings give the consumer the "
                    "same recovery: whichever a judge picks, the consumer recovers the same amount (who pays it may "
                    "differ)."),
    "cc1173": _l("消费者自身过错占{share}：相应减轻侵权人的责任，这一部分由消费者自担。",
                 "The consumer's own fault is {share}: the others' liability is reduced by that share, which the "
                 "consumer bears."),
    # the proposal
    "cite_paper_411": _l("论文§4.1.1", "Paper §4.1.1"),
    "theory_joint": _l("风险控制理论与信赖利益保护理论", "risk-control and reliance theories"),
    "theory_supp": _l("受益报偿理论", "benefit-and-reward theory"),
    "theory_csr": _l("企业社会责任理论：大型平台的阶梯式责任", "corporate social responsibility: the ladder for large platforms"),
    "prop_no_ladder": _l("按因果关系强度：{causation} → {causal}（{theories}）。阶梯式责任只针对大型平台，此处不适用。",
                         "By the strength of causation: {causation} → {causal} ({theories}). The ladder is for large "
                         "platforms only and does not apply here."),
    "prop_ladder_silent": _l("按因果关系强度：{causation} → {causal}（{theories}）。大型平台的阶梯只区分重大公共安全与低风险标签瑕疵，“{risk}”不在其中。",
                             "By the strength of causation: {causation} → {causal} ({theories}). The large-platform "
                             "ladder speaks only of major public safety and low-risk label defects, not of \"{risk}\"."),
    "prop_agree": _l("因果关系（{causation}）与大型平台阶梯（{risk}）都指向{form}（{theories}）。",
                     "Causation ({causation}) and the large-platform ladder ({risk}) both point to: {form} ({theories})."),
    "prop_conflict_causation": _l("因果关系（{causation}）指向{causal}，大型平台阶梯（{risk}）指向{ladder}。论文以因果关系强度为最终标准，但未说明二者冲突时如何处理；本引擎选择因果关系：{form}（{theories}）。",
                                  "Causation ({causation}) points to {causal}; the large-platform ladder ({risk}) to "
                                  "{ladder}. The paper ends by making the strength of causation the criterion but does "
                                  "not say what happens when the two conflict; this engine lets causation decide: "
                                  "{form} ({theories})."),
    "prop_property_extension": _l("论文的连带责任档针对“导致消费者生命健康受到伤害”的情形；本案只有财产损失，把它适用于财产损失是本教程的延伸。",
                                  "The paper states the joint rung for harm that injures the consumer's life or health "
                                  "(§4.1.1); here the harm is to property only, and applying the rung to it is the "
                                  "tutorial's extension."),
    "prop_conflict_ladder": _l("因果关系（{causation}）指向{causal}，大型平台阶梯（{risk}）指向{ladder}。此方案让阶梯优先：{form}（{theories}）。",
                               "Causation ({causation}) points to {causal}; the large-platform ladder ({risk}) to "
                               "{ladder}. This variant lets the ladder decide: {form} ({theories})."),
    # summaries, in plain words
    "summary_none": _l("平台不承担责任：消费者向销售者要求赔偿。", "The platform owes nothing: the consumer claims from the seller."),
    "summary_no_harm": _l("没有损害：无人须赔偿损失。", "No harm: nobody owes compensation for a loss."),
    "summary_none_third_party": _l("平台不对这位第三人承担责任：消费者保护规则不及于第三人，其向侵权人的请求依一般侵权法（《民法典》第一千一百六十五条），超出本教程的范围。",
                                   "The platform owes this third party nothing: the consumer-protection rules do not "
                                   "reach a third party, whose claim against whoever harmed them lies in general tort "
                                   "law (Civil Code art. 1165), outside this tutorial."),
    "summary_as_seller_third_party": _l("平台作为自营产品的销售者，对因产品缺陷受到损害的第三人承担责任：受害人可以直接要求平台赔偿全部损失（《民法典》第一千二百零三条）。",
                                        "The platform, as seller of its own goods, answers to the third party whom a "
                                        "defect injured: the harmed person may ask it for the whole loss (Civil Code "
                                        "art. 1203)."),
    "summary_joint_third_party": _l("平台与销售者对第三人承担连带责任（《民法典》第一千一百九十七条）：受害人可以要求任何一方赔偿全部损失；平台赔偿超出自己份额的部分，可向销售者追偿。",
                                    "The platform and the seller are jointly and severally liable to the third party "
                                    "(Civil Code art. 1197): the harmed person may ask either for the whole; the "
                                    "platform recovers from the seller what it paid beyond its own share."),
    "summary_disclosure": _l("平台不能提供销售者的真实信息：消费者可以直接向平台要求赔偿全部损失（扣除自身过错部分），没有先后顺序、没有上限；平台赔偿后可向销售者全额追偿。论文称之为“补充赔偿责任”，另一种解释是不真正连带（先行赔付）。",
                             "The platform cannot identify the seller: the consumer may claim the whole loss (less their "
                             "own fault) from the platform directly, with no order of claims and no cap; the platform "
                             "then recovers all of it from the seller. The paper calls this supplementary compensation "
                             "liability; another reading is non-genuine joint liability (advance compensation)."),
    "summary_as_seller": _l("平台按销售者承担责任：消费者可以直接要求平台赔偿全部损失。",
                            "The platform answers as the seller: the consumer may ask it for the whole loss."),
    "summary_joint": _l("平台与销售者承担连带责任：消费者可以要求任何一方赔偿全部损失；平台赔偿超出自己份额的部分，可向销售者追偿。",
                        "The platform and the seller are jointly and severally liable: the consumer may ask either for "
                        "the whole; the platform recovers from the seller what it paid beyond its own share."),
    "summary_supplementary": _l("平台承担补充责任：先由销售者赔偿，销售者赔不了的差额由平台补足，平台赔偿后可向销售者追偿。",
                                "The platform's liability is supplementary: the seller pays first, the platform makes up "
                                "the shortfall, then recovers from the seller."),
    "summary_proportional": _l("平台承担按份责任：只按自己的过错份额赔偿，其余由销售者负担。",
                               "The platform's liability is several: it pays only its own share of fault; the seller "
                               "owes the rest."),
    "summary_non_genuine_joint": _l("平台承担不真正连带责任：消费者可以要求平台赔偿全部损失，平台赔偿后可向销售者全额追偿。",
                                    "Non-genuine joint liability: the consumer may ask the platform for the whole; the "
                                    "platform then recovers all of it from the seller."),
    "summary_undetermined": _l("平台应承担“相应的责任”，但法律没有规定是哪一种：结果取决于法官采用哪种解释。",
                               "The platform owes \"corresponding liability\", but the law does not say which kind: the "
                               "outcome depends on the reading the judge adopts."),
    # the engine's declared choices
    "choice_most_protective": _l("多条规则同时成立时，消费者可以援引对自己最有利的请求权基础，本引擎据此选择（本教程的处理，论文未论及）；特别规定明确排除一般规定的，按其声明。",
                                 "Where several rules hold, the consumer may rely on the basis most favourable to them, "
                                 "and the engine chooses that one (the tutorial's approach; the paper does not discuss "
                                 "it); a special rule that displaces a general one does so by declaration."),
    "choice_causation_first": _l("因果关系规则与大型平台阶梯冲突时，本引擎以因果关系强度为准（论文结论句的标准）；这是一个选择，论文未明言。可与“建议方案（阶梯优先）”比较。",
                                 "Where the causation rule and the large-platform ladder conflict, the engine follows "
                                 "the strength of causation (the paper's closing criterion). This is a choice the paper "
                                 "does not make; compare the 'proposal (ladder first)' variant."),
    "choice_ladder_first": _l("此变体让大型平台阶梯在其所涉领域优先于因果关系；这是一个选择，论文未明言。",
                              "This variant lets the large-platform ladder prevail in the fields it names; a choice "
                              "the paper does not make."),
    "choice_joint_rung_property": _l("论文§4.1.1 的连带责任档针对生命健康受到伤害的情形；本引擎把同一档也适用于只有财产损失的情形（本教程的延伸，论文未论及）。",
                                     "Paper §4.1.1 states the joint rung for injury to life or health; the engine applies "
                                     "the same rung where the harm is to property only (the tutorial's extension, not "
                                     "discussed by the paper)."),
    "choice_1197_bystander": _l("本引擎把《民法典》第一千一百九十七条（网络服务提供者知道或者应当知道网络用户侵权而未采取必要措施）适用于平台内经营者的商品或服务伤害第三人的情形：这是本教程的解读，论文未论及。",
                                "The engine applies Civil Code art. 1197 (a network service provider that knew or should "
                                "have known of a user's infringement and took no necessary measures) to goods or services "
                                "of a seller on the platform that harm a third party: the tutorial's reading, not the "
                                "paper's."),
    "choice_appearance_third_party": _l("看起来像自营的标识只约束平台对被误导的消费者（《网络消费规定（一）》第四条第二款）；本引擎不让第三人依此把平台当作销售者（本教程的解读）。",
                                        "Marks that make a business look self-operated bind the platform toward the "
                                        "consumers they mislead (SPC Online Consumption Provisions (I) art. 4 para. 2); "
                                        "the engine does not let a third party treat the platform as seller on that "
                                        "ground (the tutorial's reading)."),
    "choice_promise": _l("承诺的内容取决于平台的条款；本教程假设为先行赔付（示例性假设）。",
                         "What a promise covers depends on its terms; the tutorial assumes advance compensation (an "
                         "illustrative assumption)."),
    # open points
    "open_corresponding": _l("“相应的责任”的形态法律未明确：四种解释各有依据，尚未达成统一的规范性解释（论文§3.2.1）。",
                             "The form of \"corresponding liability\" is undefined: each of the four readings has its "
                             "grounds and no authoritative interpretation exists (paper §3.2.1)."),
    "open_third_party": _l("受害人不是消费者时，平台是否、如何承担责任，论文未讨论；本教程只加入了《民法典》第一千一百九十七条和第一千二百零三条。实务中这一点尚不统一：有法院判令网约车平台对其司机撞伤的第三人（骑车人）承担连带责任。",
                           "Whether and how the platform answers to a harmed third party, the paper does not discuss; "
                           "the tutorial adds only Civil Code arts. 1197 and 1203. Practice is unsettled: a court has "
                           "held a ride-hailing platform jointly liable toward a cyclist hurt by its driver."),
    "open_unnamed_seller_as_seller": _l("有的法院把不能说明谁是销售者的平台直接当作销售者：消费者得到的金额相同，只是名目不同。",
                                        "Some courts treat a platform that cannot show who the seller was as the seller "
                                        "itself: the consumer recovers the same money under another label."),
    "open_44_label": _l("论文称第四十四条第一款的责任为“补充赔偿责任”；另一种常见解释是不真正连带（先行赔付）。无论如何称呼，消费者找不到销售者时由平台赔偿全部，赔偿后追偿。",
                        "The paper calls liability under CRPL art. 44 para. 1 \"supplementary\"; a common alternative "
                        "reading is non-genuine joint (advance compensation). Whatever the label, a consumer who cannot "
                        "find the seller is paid in full by the platform, which then recovers."),
    "open_ladder": _l("论文未说明：只增加风险的不作为发生在重大公共安全领域，或决定性的因果关系发生在低风险标签瑕疵场景时，适用哪条规则。",
                      "The paper does not say which rule governs a risk-only omission in a field of major public "
                      "safety, or a decisive breach in a low-risk label case."),
    "open_punitive_joint": _l("平台的连带责任是否及于价款十倍或损失三倍的赔偿金，论文未讨论。",
                              "Whether the platform's joint liability extends to the ten-fold price or three-fold loss, "
                              "the paper does not discuss."),
    # FSL art. 148 para. 2
    "pun_not_consumer": _l("价款十倍或者损失三倍的赔偿金属于消费者（为生活消费需要购买食品的人）；受害人不是消费者，不适用。",
                           "The ten-fold price or three-fold loss is the consumer's (a buyer of food for living "
                           "consumption); the harmed person is not a consumer, so it does not apply."),
    "pun_proviso": _l("食品唯一的问题是不影响食品安全且不会对消费者造成误导的标签、说明书瑕疵：适用第一百四十八条第二款但书，不支持十倍赔偿（《食品药品惩罚性赔偿解释》第六条至第八条）。",
                      "The food's only defect is a label or instruction flaw that neither affects food safety nor "
                      "misleads consumers: the proviso of FSL art. 148 para. 2 applies and the ten-fold is not owed "
                      "(2024 punitive-damages interpretation arts. 6-8)."),
    "pun_platform_owes": _l("平台作为食品经营者（自营或足以误导为自营，《食品安全民事纠纷解释（一）》第二条）明知食品不符合食品安全标准仍然销售：平台在赔偿损失之外支付赔偿金 {amount}，不以人身损害为条件。生产者也负有此责任。",
                            "The platform, answering as the food operator (self-operated or marked so as to look it, "
                            "SPC food-safety (I) art. 2), sold the food knowing it was unsafe: it owes {amount} beyond "
                            "the damages, with no personal injury needed. The producer owes it too."),
    "pun_platform_operator_unaware": _l("平台作为食品经营者，但没有证据表明它明知食品不符合食品安全标准：经营者只在“明知”时承担十倍赔偿（可依《食品安全民事纠纷解释（一）》第六条认定明知），所以平台不承担；生产者无论是否明知都应承担（{amount}，生产者不是本场景的当事人）。",
                                      "The platform answers as the food operator, but it is not shown to have known the "
                                      "food was unsafe: an operator owes the ten-fold only if it knew (SPC food-safety "
                                      "(I) art. 6 lists what counts), so the platform does not owe it; the producer owes "
                                      "it whatever it knew ({amount}; the producer is not a party in this scenario)."),
    "pun_seller_unaware": _l("没有证据表明销售者明知食品不符合食品安全标准：经营者只在“明知”时承担十倍赔偿（可依《食品安全民事纠纷解释（一）》第六条认定明知），所以销售者和平台都不承担；生产者无论是否明知都应承担（{amount}，生产者不是本场景的当事人）。",
                             "The seller is not shown to have known the food was unsafe: an operator owes the ten-fold "
                             "only if it knew (SPC food-safety (I) art. 6 lists what counts), so neither the seller nor "
                             "the platform owes it; the producer owes it whatever it knew ({amount}; the producer is "
                             "not a party in this scenario)."),
    "pun_seller_owes": _l("销售者明知食品不符合食品安全标准仍然销售：销售者在赔偿损失之外支付赔偿金 {amount}，不以人身损害为条件；平台不是经营者，不因此承担。",
                          "The seller sold the food knowing it was unsafe: the seller owes {amount} beyond the damages, "
                          "with no personal injury needed; the platform is not the operator and does not owe it."),
    "pun_seller_owes_open": _l("销售者明知食品不符合食品安全标准仍然销售：销售者在赔偿损失之外支付赔偿金 {amount}，不以人身损害为条件。平台的连带责任是否及于这笔赔偿金，论文未讨论（开放问题）。",
                               "The seller sold the food knowing it was unsafe: the seller owes {amount} beyond the "
                               "damages, with no personal injury needed. Whether the platform's joint liability extends "
                               "to it, the paper does not discuss (an open point)."),
    "pivot": _l("若“{field}”改为“{value}”，结果变为：{form}", "If \"{field}\" were \"{value}\", the result would be: {form}"),
    # burden of proof
    "fact_transaction": _l("交易关系（订单、付款、交付）", "The transaction (order, payment, delivery)"),
    "fact_harm": _l("损害及其数额", "The harm and its amount"),
    "fact_seller_infringement": _l("商家的侵权行为", "The seller's infringement"),
    "fact_platform_mode": _l("自营或足以误导的标识", "Self-operation or misleading marks"),
    "fact_seller_identity": _l("销售者的真实名称、地址和联系方式", "The seller's real name, address and contact"),
    "fact_favourable_promise": _l("平台的承诺及其内容", "The platform's promise and its terms"),
    "fact_platform_knowledge": _l("平台知道或者应当知道", "That the platform knew or should have known"),
    "fact_necessary_measures": _l("平台未采取必要措施", "That the platform took no necessary measures"),
    "fact_qualification_review": _l("资质资格审核的履行", "Whether qualifications were reviewed"),
    "fact_safety_duty": _l("安全保障义务的履行", "Whether the safety duty was performed"),
    "fact_causation": _l("违反义务与损害的因果关系", "The causal link between breach and harm"),
    "bp_transaction": _l("消费者证明交易关系。电子商务经营者应当提供原始合同和交易记录（《电子商务法》第六十二条）。",
                         "The consumer proves the transaction. The business must produce the original contract and "
                         "transaction records (ECL art. 62)."),
    "bp_harm": _l("消费者证明损害及其数额。", "The consumer proves the harm and its amount."),
    "bp_seller_infringement": _l("“谁主张谁举证”：消费者证明商家的侵权行为。", "Who asserts proves: the consumer proves the seller's infringement."),
    "bp_seller_infringement_proposal": _l("论文§4.2.3：对“商家是否存在侵权行为”等关键事实，应适当加重平台的举证责任。",
                                          "Paper §4.2.3: on key facts such as whether the merchant infringed, the "
                                          "platform's burden should be \"appropriately increased\"."),
    "bp_platform_mode": _l("消费者证明平台标记为自营，或其标识足以误导。", "The consumer proves the self-operated mark or the misleading marks."),
    "bp_seller_identity": _l("平台须能提供销售者的真实名称、地址和有效联系方式；论文指出，平台只需证明这一点就能“轻松摆脱其他责任并胜诉”（§3.3.2）。",
                             "The platform must be able to give the seller's details; the paper notes that proving "
                             "this alone lets platforms \"easily escape other liability and win\" (§3.3.2)."),
    "bp_favourable_promise": _l("消费者证明平台的承诺及其内容。", "The consumer proves the promise and its terms."),
    "bp_platform_knowledge": _l("“谁主张谁举证”：消费者须证明平台知道或者应当知道，而数据在平台手中（论文§3.3.2）。平台控制证据无正当理由拒不提交的，法院可以认定对其不利的主张成立（《民事诉讼证据规定》第九十五条）。",
                                "Who asserts proves: the consumer must show what the platform knew, though the platform "
                                "holds the data (paper §3.3.2). If the platform withholds evidence it controls, the "
                                "court may accept the consumer's account of it (Evidence Rules art. 95)."),
    "bp_platform_knowledge_open": _l("论文§4.2.3 没有点名这一事实：本教程仍由消费者证明；这是开放问题。",
                                     "Paper §4.2.3 does not name this fact: the tutorial leaves it with the consumer; "
                                     "an open point."),
    "bp_necessary_measures": _l("“谁主张谁举证”（《民诉法解释》第九十一条）：依《电子商务法》第三十八条第一款、《消费者权益保护法》第四十四条第二款主张连带责任的消费者，须证明平台知道或者应当知道，并且未采取必要措施（论文§3.3.2：现行做法由消费者承担全部举证责任）。平台会拿出已采取措施的证据来反驳（第九十条），但那是它的抗辩，不是它的举证责任。",
                                "Who asserts proves (CPL Interpretation art. 91): the consumer claiming joint liability "
                                "under ECL art. 38 para. 1 / CRPL art. 44 para. 2 must prove both that the platform knew "
                                "or should have known and that it took no necessary measures (paper §3.3.2: today the "
                                "consumer bears the whole burden). The platform will answer with its evidence of "
                                "measures taken (art. 90), but that is its rebuttal, not its burden."),
    "bp_necessary_measures_proposal": _l("论文§4.2.3：对“平台是否履行审核、监督义务”，应适当加重平台的举证责任。知道后采取必要措施属于平台的监督义务（本教程的解读），所以由平台证明其已采取必要措施。",
                                         "Paper §4.2.3: on whether the platform performed its review and supervision "
                                         "duties, the platform's burden is \"appropriately increased\". Taking necessary "
                                         "measures once it knew is part of its supervision (the tutorial's reading), so "
                                         "the platform proves the measures it took."),
    "bp_qualification_review": _l("现行实践：消费者须证明平台未尽审核义务（论文§3.3.2）。",
                                  "Current practice: the consumer must prove the platform failed to review (paper §3.3.2)."),
    "bp_qualification_review_proposal": _l("论文§4.2.3：平台是否履行审核、监督义务，应适当加重平台的举证责任。",
                                           "Paper §4.2.3: whether the platform performed its review and supervision "
                                           "duties, the platform's burden is \"appropriately increased\"."),
    "bp_safety_duty": _l("现行实践：消费者须证明平台未尽安全保障义务，而该义务的范围本不明确（论文§3.2.2、§3.3.2）。",
                         "Current practice: the consumer must prove the platform failed its safety duty, whose scope "
                         "is itself undefined (paper §3.2.2, §3.3.2)."),
    "bp_safety_duty_proposal": _l("论文§4.2.3：平台须“证明其已经按照标准履行了安全保障义务”。",
                                  "Paper §4.2.3: the platform must prove \"that it performed its safety-assurance duty "
                                  "to the standard\"."),
    "bp_causation": _l("消费者证明平台违反义务与损害之间的因果关系；论文指出这一判断很难（§3.2.2）。",
                       "The consumer proves that the breach caused the harm; the paper notes how hard that is (§3.2.2)."),
    "bp_causation_open": _l("论文§4.2.3 没有提到因果关系由谁证明：本教程仍由消费者证明；这是开放问题。",
                            "Paper §4.2.3 does not say who proves causation: the tutorial leaves it with the consumer; "
                            "an open point."),
}
