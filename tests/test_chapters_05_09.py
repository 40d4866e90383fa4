"""Chapters 05-09 without a browser: their data, the proving model, and every chapter widget.

The widgets are driven as a reader would drive them (ticks, buttons, choices) and their rendered HTML is read back.
"""

from __future__ import annotations

import json
import subprocess
import sys

import ipywidgets as W
import pytest

from casebook import lessons, replay
from casebook.cases import decision, decisions
from casebook.engine import READINGS, analyze
from casebook.proving import UNPROVEN, assess
from casebook.scenario_sets import MAX_BYTES, check_answer, verify_set
from widgets.base import part
from widgets.lessons.case_replay import CaseReplay
from widgets.lessons.evidence_checker import EvidenceChecker
from widgets.lessons.exercise_deck import ExerciseDeck
from widgets.lessons.instance_comparison import InstanceComparison
from widgets.lessons.safety_duty_checklist import SafetyDutyChecklist
from widgets.lessons.set_upload import SetUpload
from widgets.lessons.teacher_view import TeacherView
from widgets.lessons.tier_ladder import TierLadder
from widgets.lessons.unification_table import UnificationTable

DECISION_IDS = [d["id"] for d in decisions()]


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _html(widget) -> str:
    return "".join(w.value for w in _walk(widget) if isinstance(w, W.HTML))


# --- the lesson data ----------------------------------------------------------------------------------------------


def test_lesson_files_load_and_every_quotation_names_its_section():
    for data in (lessons.safety_duty(), lessons.burden_of_proof(), lessons.reforms()):
        text = json.dumps(data, ensure_ascii=False)
        assert '"quote"' in text
    sd = lessons.safety_duty()
    assert [m["id"] for m in sd["measures"]] == ["pre_entry_review", "anti_counterfeit_team", "routine_sampling",
                                                 "focused_checks", "graduated_sanctions"]
    assert all(m["section"] == "4.1.2" for m in sd["measures"])
    assert [f["id"] for f in sd["factors"]][:2] == ["participation", "earnings"]
    assert [lv["id"] for lv in sd["tiers"]["levels"]] == ["large", "medium", "small"]
    assert all(lv["unsaid"]["open"] is True for lv in sd["tiers"]["levels"])


def test_the_burden_data_quotes_section_4_2_3_and_marks_its_open_points():
    bp = lessons.burden_of_proof()
    words = " ".join(s["quote"] for s in bp["proposal"])
    assert "初步的举证责任" in words and "适当加重平台的举证责任" in words
    assert all(p["open"] is True and p["section"] == "4.2.3" for p in bp["open_points"])
    assert [e["fact"] for e in bp["evidence"]] == list(UNPROVEN)
    assert all(e["example"]["addition"] is True for e in bp["evidence"])


def test_the_loader_names_the_file_and_key_of_a_broken_lesson(tmp_path, monkeypatch):
    real = (lessons.LESSONS_DIR / "reforms.yaml").read_text(encoding="utf-8")
    (tmp_path / "reforms.yaml").write_text(real + "\nsurprise: 1\n", encoding="utf-8")
    monkeypatch.setattr(lessons, "LESSONS_DIR", tmp_path)
    lessons._reforms.cache_clear()
    try:
        with pytest.raises(lessons.LessonDataError) as err:
            lessons.reforms()
        assert str(err.value) == ("reforms.yaml: surprise: unknown key; allowed: rule, guiding_cases, review, "
                                  "open_points")
    finally:
        lessons._reforms.cache_clear()


def test_the_casebook_questions_are_a_sound_scenario_set():
    loaded = replay.case_exercise_set()
    assert len(loaded["scenarios"]) == len(lessons.exercises()["items"])
    assert verify_set(loaded) == []
    sources = replay.case_exercise_sources()
    assert set(sources.values()) == set(DECISION_IDS)


def test_a_what_if_question_marks_its_changed_fact():
    item = next(i for i in replay.case_exercise_set()["scenarios"] if i["id"] == "cong-what-if-no-review")
    assert item["scenario"]["qualification_review"] == "failed"
    assert "练习" in item["scenario"]["assumptions"]["qualification_review"]["zh"]


# --- replaying the holdings -------------------------------------------------------------------------------------


@pytest.mark.parametrize("decision_id", DECISION_IDS)
def test_replay_gives_the_holding_for_every_decision(decision_id):
    r = replay.replay(decision_id, "en")
    assert r["statute_allows"], "the statute must allow what the court held"
    assert r["replayed"], "the court's own reading must give what the court held"
    assert r["under_holding"]["liability_form"] == decision(decision_id)["liability_form"]


@pytest.mark.parametrize("decision_id", DECISION_IDS)
def test_the_replay_widget_shows_the_holding_matched(decision_id):
    w = CaseReplay(decision_id, lang="en")
    assert not w.replayed and part(w, "ll-replay-result").value == ""
    w.replay()
    assert w.replayed
    held = decision(decision_id)["liability_form"]
    assert f"data-liability-form='{held}'" in part(w, "ll-replay-result").value
    assert "data-replayed='true'" in part(w, "ll-replay-result").value


def test_the_case_card_lists_the_assumptions_and_says_what_the_paper_does_not_give():
    w = CaseReplay("sankuai-first-instance", lang="en")
    html = part(w, "ll-replay-card").value
    assert "not given by the paper" in html
    notes = decision("sankuai-first-instance")["scenario"]["assumptions"]
    assert f"({len(notes)})" in html
    assert "Illustrative assumption" in html


def test_what_if_changes_the_form():
    w = CaseReplay("wang-v-huolala", lang="en")
    w.whatif_regime = "proposal"
    assert w.what_if("causation", "decisive")
    assert "data-liability-form='joint'" in part(w, "ll-whatif-result").value
    assert "Supplementary liability" in part(w, "ll-whatif-result").value and "Joint and several liability" in part(w, "ll-whatif-result").value


def test_what_if_refuses_a_change_that_is_not_pivotal():
    w = CaseReplay("wang-v-huolala", lang="en")
    assert not w.what_if("platform_tier", "small")
    assert "data-field" not in part(w, "ll-whatif-result").value


def test_a_shared_link_opens_the_named_decision(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "lang=en&case=zhang-v-jd")
    assert CaseReplay.from_environment().decision == "zhang-v-jd"
    monkeypatch.setenv("QUERY_STRING", "case=<script>")
    assert CaseReplay.from_environment().decision == DECISION_IDS[0]


def test_changing_the_decision_hides_the_old_replay():
    w = CaseReplay("zhang-v-jd")
    w.replay()
    w.decision = "cong-v-taobao"
    assert not w.replayed and part(w, "ll-replay-result").value == ""
    w.decision = "no-such-decision"
    assert w.decision == "cong-v-taobao"


def test_the_two_instances_of_sankuai_replay_as_joint_and_as_50_30_20():
    w = InstanceComparison(lang="en")
    first, second = w.columns()
    assert first["held"]["liability_form"] == "joint"
    assert second["held"]["liability_form"] == "proportional"
    assert second["held"]["payments"] == {"seller": 5000.0, "platform": 3000.0, "consumer_unrecovered": 2000.0}
    assert first["held"]["platform_exposure"] > second["held"]["platform_exposure"]
    assert first["proposal"]["liability_form"] == second["proposal"]["liability_form"] == "joint"
    assert "come out the same" in part(w, "ll-instances").value


# --- the burden of proof and the evidence -------------------------------------------------------------------------


@pytest.mark.parametrize("regime", ["statute", "proposal"])
@pytest.mark.parametrize("decision_id", DECISION_IDS)
def test_with_all_the_evidence_the_court_finds_the_true_facts(decision_id, regime):
    scenario = decision(decision_id)["scenario"]
    r = assess(scenario, regime, list(UNPROVEN))
    assert r["unproven"] == []
    assert r["proven_form"] == r["true_form"]


@pytest.mark.parametrize("decision_id", DECISION_IDS)
def test_without_evidence_the_claim_against_the_platform_fails(decision_id):
    for regime in ("statute", "proposal"):
        assert not assess(decision(decision_id)["scenario"], regime, [])["succeeds"]


def test_the_proposal_shifts_review_and_safety_facts_to_the_platform():
    r = assess(decision("wang-v-huolala")["scenario"], "proposal", ["transaction", "harm", "causation"])
    status = {row["fact"]: row["status"] for row in r["rows"]}
    assert status["qualification_review"] == status["safety_duty"] == status["seller_infringement"] == "platform_fails"
    assert r["succeeds"] and r["proven_form"] == "supplementary"


def test_an_unknown_evidence_fact_is_refused():
    with pytest.raises(ValueError):
        assess(decision("zhang-v-jd")["scenario"], "statute", ["a_hunch"])


def test_evidence_ticks_change_the_verdict():
    w = EvidenceChecker("wang-v-huolala", lang="en")
    results = w.results()
    assert not results["statute"]["succeeds"] and not results["proposal"]["succeeds"]
    w.tick("transaction", "harm", "causation")
    results = w.results()
    assert not results["statute"]["succeeds"] and results["proposal"]["succeeds"]
    assert "data-regime='proposal' data-succeeds='true'" in part(w, "ll-evidence-result").value
    w.tick(*w.facts_to_prove())
    assert w.results()["statute"]["succeeds"]
    assert "a count, not a chance of winning" in part(w, "ll-evidence-result").value


def test_article_62_proves_the_transaction_and_article_95_the_platforms_records():
    w = EvidenceChecker("wang-v-huolala")
    w.tick("harm", "seller_infringement", "causation", ecl_62=True)
    statute = w.results()["statute"]
    assert "transaction" in statute["covered"] and not statute["succeeds"]
    w.tick("harm", "seller_infringement", "causation", ecl_62=True, art_95=True)
    assert w.results()["statute"]["succeeds"]


def test_the_evidence_checker_shows_the_burden_matrix_of_the_chosen_case():
    w = EvidenceChecker("zhang-v-jd", lang="en")
    assert "Burden of proof" in _html(w)
    assert "platform_knowledge" in w.facts_to_prove()
    w.decision = "cong-v-taobao"
    assert w.evidence == ""
    assert "platform_knowledge" not in w.facts_to_prove()


# --- the reforms ----------------------------------------------------------------------------------------------------


def test_one_rule_settles_all_five_decisions_and_aligns_sankuais_two_instances():
    s = replay.unification()["summary"]
    assert s["held"]["distinct"] == 4 and not s["held"]["instances_alike"]
    assert s["statute"]["settled"] == 2 and not s["statute"]["instances_alike"]
    assert s["statute"]["agree"] == 5
    assert s["proposal"]["settled"] == 5 and s["proposal"]["instances_alike"]
    assert s["proposal"]["agree_exactly"] == 4


def test_the_unification_table_shows_the_ladder_conflict_as_open():
    w = UnificationTable(lang="en")
    assert "does not say which prevails" not in part(w, "ll-unify-table").value
    w.risk_level = "major_public_safety"
    assert "does not say which prevails" in part(w, "ll-unify-table").value
    w.risk_level = "nonsense"
    assert w.risk_level == "major_public_safety"
    with pytest.raises(ValueError):
        replay.unification({"damages": 1})


def test_the_tier_ladder_disagrees_only_for_large_platforms():
    w = TierLadder(lang="en")
    cells = w.cells()
    conflicts = {k for k, v in cells.items() if v["proposal"] != v["proposal_ladder"]}
    assert conflicts == {("decisive", "label_defect"), ("risk_increasing", "major_public_safety")}
    for tier in ("medium", "small"):
        w.tier = tier
        assert all(v["proposal"] == v["proposal_ladder"] for v in w.cells().values())


def test_the_safety_checklist_counts_ticks_but_never_turns_them_into_a_finding():
    w = SafetyDutyChecklist(lang="en")
    before = part(w, "ll-safety-result").value
    for box in w.measures:
        box.value = True
    assert w.ticked.count(",") == len(w.measures) - 1
    assert "5 of 5 ticked" in part(w, "ll-measure-count").value
    assert part(w, "ll-safety-result").value == before, "ticks alone must not change the engine's result"
    part(w, "ll-safety-judgment").value = "fulfilled"
    assert "No liability" in part(w, "ll-safety-result").value


# --- the exercises ----------------------------------------------------------------------------------------------


def test_a_wrong_prediction_names_the_deciding_rule_and_the_missed_fact():
    deck = ExerciseDeck(lang="en")
    deck.current = "cases"
    deck.index = next(i for i, it in enumerate(deck.current_set()["scenarios"]) if it["id"] == "huolala-proposal")
    deck.predict("joint")
    graded = deck.reveal()
    assert not graded["correct"] and graded["engine_form"] == "supplementary"
    html = part(deck, "ll-exercise-feedback").value
    assert "Deciding rule" in html and "ECL art. 38 para. 2" in html
    assert "The fact your answer missed" in html and "Decisive" in html
    assert part(deck, "ll-exercise-answer").disabled


def test_a_right_prediction_is_confirmed_and_scored():
    deck = ExerciseDeck(lang="en")
    item = deck.item()
    deck.predict(check_answer(item, "none")["engine_form"])
    assert deck.reveal()["correct"]
    assert "Correct" in part(deck, "ll-exercise-feedback").value
    assert "1 revealed, 1 correct" in part(deck, "ll-exercise-score").value


def test_revealing_without_a_prediction_asks_for_one():
    deck = ExerciseDeck(lang="en")
    assert deck.reveal() is None
    assert "Pick your prediction first" in part(deck, "ll-exercise-feedback").value


def test_the_missed_fact_is_a_pivot_that_gives_the_answer():
    a = analyze(decision("wang-v-huolala")["scenario"], "proposal", "en")
    missed = replay.missed_facts(a, "joint")
    assert {(p["field"], p["value"]) for p in missed} >= {("causation", "decisive")}
    assert replay.missed_facts(a, "supplementary") == []


def test_the_teachers_view_lists_every_answer_of_the_set():
    deck = ExerciseDeck(lang="en")
    teacher = TeacherView(deck, lang="en")
    assert part(teacher, "ll-teacher-answers").value == ""
    teacher.show()
    html = part(teacher, "ll-teacher-answers").value
    for item in deck.current_set()["scenarios"]:
        assert f"data-item='{item['id']}'" in html
    assert "Every stored answer agrees with the engine." in html
    deck.current = "classroom-basics"
    html = part(teacher, "ll-teacher-answers").value
    assert html.count("data-item=") == len(deck.current_set()["scenarios"])


def test_the_teachers_view_shows_what_was_answered_here():
    deck = ExerciseDeck(lang="en")
    teacher = TeacherView(deck, lang="en")
    teacher.show()
    deck.predict("joint")
    deck.reveal()
    assert "✗ Joint and several liability" in part(teacher, "ll-teacher-answers").value


# --- uploads ------------------------------------------------------------------------------------------------------

GOOD_SET = (b'{"title": "<script>alert(1)</script>", "scenarios": [{"id": "a", "title": "<b>t</b>", '
            b'"scenario": {"platform_knowledge": "knew"}, "question": "<img src=x onerror=alert(1)>", '
            b'"expected": {"liability_form": "none"}}]}')


@pytest.mark.parametrize("name, content, status, words", [
    ("set.txt", b"title: x", "bad_name", "must end in .yaml"),
    ("set.yaml", b"x" * (MAX_BYTES + 1), "too_big", "too large"),
    ("set.yaml", b"\xff\xfe\x00", "invalid", "not UTF-8"),
    ("set.yaml", b"title: x\nscenarios: []\n", "invalid", "scenarios"),
    ("set.yaml", b"title: &a x\nscenarios: *a\n", "invalid", "anchors and aliases"),
    ("set.yaml", b"", "invalid", "empty"),
    ("set.json", b'{"title": "x", "scenarios": [{"id": "a", "title": "t", "scenario": {"harm": "lots"}, '
                 b'"question": "q", "expected": {"liability_form": "none"}}]}', "invalid",
     "scenarios[0].scenario.harm"),
], ids=["a file that is not yaml or json", "a file over the size limit", "bytes that are not utf-8",
        "a set without questions", "yaml aliases", "an empty file", "a scenario with a bad value"])
def test_a_bad_set_upload_gives_a_clear_message(name, content, status, words):
    up = SetUpload(lang="en")
    loaded = []
    up.on_load(lambda key, s: loaded.append(s))
    assert up.load_bytes(name, content) is None
    assert loaded == []
    assert f"data-status='{status}'" in part(up, "ll-set-status").value
    assert words in up.message


def test_a_good_upload_is_loaded_into_the_deck_and_its_text_escaped():
    deck = ExerciseDeck(lang="en")
    teacher = TeacherView(deck, lang="en")
    assert teacher.upload.load_bytes("mine.json", GOOD_SET) is not None
    assert deck.current == "upload"
    assert "differ from the engine" in teacher.upload.message
    teacher.show()
    for html in (part(deck, "ll-exercise-question").value, part(teacher, "ll-teacher-answers").value, part(teacher.upload, "ll-set-status").value):
        assert "<script>" not in html and "<img" not in html and "<b>t</b>" not in html
    assert "&lt;img src=x" in part(deck, "ll-exercise-question").value


def test_the_browser_cannot_push_a_hostile_upload():
    up = SetUpload(lang="en")
    upload = next(w for w in _walk(up) if isinstance(w, W.FileUpload))
    upload.set_state({"value": [{"name": "a.yaml"}, {"name": "b.yaml"}]})
    assert "one file at a time" in up.message
    upload.set_state({"value": [{"name": "a.yaml", "type": "", "size": 1, "last_modified": 0,
                                 "content": memoryview(b"x" * (MAX_BYTES + 10))}]})
    assert "too large" in up.message
    upload.set_state({"description": "pwned"})
    assert upload.description != "pwned"
    upload.set_state({"value": "not a list"})
    assert "refused" in up.message
    upload.set_state({"value": [{"name": "ok.json", "type": "application/json", "size": len(GOOD_SET),
                                 "last_modified": 0, "content": memoryview(GOOD_SET)}]})
    assert "Loaded" in up.message and upload.value == ()


# --- every widget -------------------------------------------------------------------------------------------------


def _all_widgets():
    deck = ExerciseDeck()
    return [SafetyDutyChecklist(), TierLadder(), CaseReplay(), InstanceComparison(), EvidenceChecker(),
            UnificationTable(), deck, TeacherView(deck), SetUpload()]


def test_every_control_has_a_visible_label():
    for widget in _all_widgets():
        for w in _walk(widget):
            if isinstance(w, (W.Dropdown, W.ToggleButtons, W.Checkbox, W.Button, W.FileUpload)):
                assert w.description.strip(), f"{type(widget).__name__}: a {type(w).__name__} has no label"


def test_every_widget_follows_the_language_and_refuses_a_bad_one():
    for widget in _all_widgets():
        zh = _html(widget)
        widget.lang = "en"
        en = _html(widget)
        assert en != zh, type(widget).__name__
        widget.lang = "xx"
        assert widget.lang == "zh"


def test_the_chapter_widgets_load_no_plotting_or_dataframe_library():
    code = ("import sys, widgets.lessons.case_replay, widgets.lessons.evidence_checker, widgets.lessons.teacher_view, "
            "widgets.lessons.unification_table, widgets.lessons.safety_duty_checklist, widgets.lessons.tier_ladder, "
            "widgets.lessons.instance_comparison; "
            "print(sorted(m for m in ('pandas', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_readings_named_after_holdings_exist():
    assert {replay.holding_regime(d) for d in decisions()} <= set(READINGS) | {"statute"}
