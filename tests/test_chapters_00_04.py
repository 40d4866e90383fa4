"""Chapters 00-04: the lesson data, the chapter widgets and the notebooks, tested without a browser.

Every quotation of the paper in the lesson files and in the chapters' Chinese narrative must be the paper's exact
words: :func:`test_quotations.is_papers_words` checks it against the copy of the paper in ``casebook/data/paper``.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from casebook import lessons, statutes
from test_quotations import is_papers_words
from widgets.base import part
from casebook.engine import FORMS, READINGS, RULES, analyze, payments
from casebook.scenario import FIELD_BY_NAME, validate
from casebook.texts import FORM_NAMES

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ("00_start_here", "01_platform_status", "02_rights_and_duties", "03_legal_bases",
            "04_corresponding_liability")
MY_WIDGETS = ("common", "fact_subset", "controls_tour", "instruments_table", "status_theories",
              "duty_theories", "decision_path", "crpl44_readings", "readings_compare")


ALL_STATUTE_TEXT = "\n".join(statutes.paragraph_text(law, a, None, lang)
                             for law in statutes.LAWS for a in statutes.articles(law) for lang in ("zh", "en"))


def visible(widget_html: str) -> str:
    """The text a reader sees in a widget's HTML (tags and the style sheet removed, entities decoded)."""
    text = re.sub(r"<style>.*?</style>", "", widget_html, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def all_html(widget) -> str:
    """Every HTML value inside a widget tree."""
    out = []
    stack = [widget]
    while stack:
        w = stack.pop()
        if hasattr(w, "value") and isinstance(getattr(w, "value"), str) and "<" in w.value:
            out.append(w.value)
        stack.extend(getattr(w, "children", ()))
    return "\n".join(out)


# --- the lesson data ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", lessons.LESSONS)
def test_every_lesson_file_loads_and_every_statement_names_its_source(name):
    data = lessons.load(name)
    found = list(lessons.statements(data))
    assert found, f"{name} has no statements"
    for s in found:
        kind = lessons.kind(s)
        assert kind in ("paper", "summary", "open", "addition")
        for lang in ("zh", "en"):
            assert lessons.text(s, lang).strip()
            assert lessons.source(s, lang).strip()
        if kind in ("paper", "summary", "open"):
            assert s["section"].strip()


def test_every_quotation_of_the_paper_in_the_lesson_files_is_the_papers_words():
    wrong = [q for q in lessons.quotes() if not is_papers_words(q)]
    assert not wrong, "not the paper's words: " + repr(wrong)


def test_load_returns_a_copy():
    a = lessons.load("status_theories")
    a["theories"].clear()
    assert lessons.load("status_theories")["theories"]


@pytest.mark.parametrize("where, bad, message", [
    ("crpl_44_readings.common", {"quote": "q", "en": "e"}, "common.section: required key is missing"),
    ("crpl_44_readings.common", {"zh": "z", "en": "e", "addition": "yes"}, 'common.addition: got "yes"; must be true'),
    ("crpl_44_readings.common", {"zh": "z", "en": "", "section": "2.1"}, 'common.en: got ""; allowed: non-empty text'),
    ("crpl_44_readings.common", {"quote": "q", "en": "e", "section": "2.1", "addition": True},
     "common.addition: unknown key; allowed: quote, en, section"),
    ("neighbours.0.ref", ["e-commerce-law", 999, None], "neighbours[0].ref: e-commerce-law art. 999 para. None is "
                                                        "not in the statute data"),
    ("steps.harm_required.show", [["e-commerce-law", 38]], "show[0]: got [\"e-commerce-law\", 38]; allowed: an "
                                                            "article reference"),
])
def test_a_statement_without_a_proper_source_is_refused(where, bad, message):
    data = lessons.load("decision_path")
    *parents, last = where.split(".")
    node = data
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    node[last] = bad
    with pytest.raises(lessons.LessonDataError) as err:
        lessons.check("decision_path", data)
    assert str(err.value).startswith("decision_path.yaml: ") and message in str(err.value)


def test_the_decision_path_has_a_step_for_every_rule_of_the_engine_and_nothing_else():
    data = lessons.load("decision_path")
    assert set(data["steps"]) == {r.id for r in RULES}
    assert all(f in FIELD_BY_NAME for f in data["facts"])
    for key in ("paper", "alternative"):
        assert data["crpl_44_readings"][key]["form"] in FORMS
    assert lessons.kind(data["crpl_44_readings"]["alternative"]["statement"]) == "addition"


def test_the_tutorials_additions_beyond_section_3_1_are_flagged_by_the_engine():
    flagged = {r.id for r in RULES if r.addition}
    assert {"platform_as_seller", "fsl_131_1", "fsl_131_2"} <= flagged
    for n in lessons.load("decision_path")["neighbours"]:
        assert n["note"].get("addition") is True


def test_every_status_theory_marks_what_it_implies_as_the_tutorials_addition():
    data = lessons.load("status_theories")
    assert [t["id"] for t in data["theories"]] == ["seller_or_joint_operator", "intermediary", "counter_lessor",
                                                   "new_market_subject"]
    for t in data["theories"]:
        assert lessons.kind(t["paper"]) == "paper"
        assert lessons.kind(t["implies"]) == "addition"
        assert t["paper_ref"] in data["references"]
    assert [t["assessment"] for t in data["theories"]] == ["critique", "critique", "critique", "preferred"]


def test_every_duty_theory_is_linked_to_the_form_it_supports_in_section_4_1_1():
    data = lessons.load("duty_theories")
    supports = {t["id"]: {(s["by"], s["form"]) for s in t["supports"]} for t in data["theories"]}
    assert supports == {
        "risk_control": {("causation", "joint")},
        "reliance": {("causation", "joint")},
        "benefit_reward": {("causation", "supplementary")},
        "csr": {("ladder", "joint"), ("ladder", "supplementary")},
    }
    for t in data["theories"]:
        for s in t["supports"]:
            assert s["paper"]["section"] == "4.1.1"


def test_the_four_readings_are_the_engines_and_the_judges_picks_follow_the_paper():
    data = lessons.load("corresponding_liability")
    assert [r["id"] for r in data["readings"]] == list(READINGS)
    assert data["judge"]["picks"] == {"consumers": "joint", "platforms": "supplementary"}
    validate(data["facts"])
    assert analyze(data["facts"], "statute")["liability_form"] == "undetermined"


def test_the_lessons_loader_imports_no_ui_library():
    code = ("import sys, casebook.lessons as l; l.load('decision_path'); "
            "bad = [m for m in ('ipywidgets', 'IPython', 'pandas', 'matplotlib') if m in sys.modules]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_importing_the_chapter_widgets_does_not_import_pandas():
    mods = ", ".join(f"widgets.lessons.{m}" for m in MY_WIDGETS)
    code = f"import sys; import {mods}; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_chapter_widget_calls_display():
    for m in MY_WIDGETS:
        src = (ROOT / "widgets" / "lessons" / f"{m}.py").read_text(encoding="utf-8")
        assert not re.search(r"(?<![\w.])display\(", src), m


# --- the widgets ----------------------------------------------------------------------------------------------------


def test_controls_tour_follows_the_language_and_the_facts():
    from widgets.lessons.controls_tour import ControlsTour

    w = ControlsTour()
    assert w.analysis["liability_form"] == "none"
    zh = visible(part(w, "ll-outcome-html").value)
    assert "结论" in zh
    w.facts.control("platform_knowledge").value = "should_have_known"
    assert w.analysis["liability_form"] == "joint"
    assert FORM_NAMES["joint"]["zh"] in visible(part(w, "ll-outcome-html").value)
    w.facts.control("necessary_measures").value = True
    assert w.analysis["liability_form"] == "none"
    w.lang = "en"
    assert "Result" in visible(part(w, "ll-outcome-html").value) and "结论" not in visible(part(w, "ll-outcome-html").value)
    assert w.facts.control("platform_knowledge").description == FIELD_BY_NAME["platform_knowledge"].label["en"]


def test_controls_tour_carries_the_outcome_page_hook():
    from widgets.lessons.controls_tour import ControlsTour

    w = ControlsTour(lang="en")
    assert 'class="ll-card ll-card-on ll-outcome" data-liability-form="none"' in part(w, "ll-outcome-html").value
    assert "ll-fact-platform_knowledge" in w.facts.control("platform_knowledge")._dom_classes


def test_instruments_table_lists_the_five_instruments_in_both_languages():
    from widgets.lessons.instruments_table import InstrumentsTable

    w = InstrumentsTable()
    frame = w.frame()
    assert len(frame) == 5 and len(frame.columns) == 4
    assert list(frame.iloc[:, 1]) == ["电子商务平台", "网络交易平台", "第三方交易平台", "网络交易平台提供者", "电子商务平台经营者"]
    assert len(w.frame(words=False).columns) == 3
    w.lang = "en"
    assert "Instrument" in part(w, "ll-instruments-table").value and "规范" not in visible(part(w, "ll-instruments-table").value)
    assert "e-commerce platform operator (电子商务平台经营者)" in part(w, "ll-instruments-table").value
    part(w, "ll-show-words").value = False
    assert "The paper&#x27;s words" not in part(w, "ll-instruments-table").value
    ecl9 = statutes.paragraph_text("e-commerce-law", 9, 2, "zh")
    assert html.escape(ecl9, quote=True) in part(w, "ll-instruments-after").value


def test_instruments_table_escapes_its_cells(monkeypatch):
    import copy

    from widgets.lessons import instruments_table
    from widgets.lessons.instruments_table import InstrumentsTable

    real_load = instruments_table.lessons.load

    def hostile_load(name):  # the lesson's data file with a cell changed (a copy: the cached data stays as it is)
        data = copy.deepcopy(real_load(name))
        data["instruments"][0]["term"]["zh"] = "<script>x</script>"
        return data

    monkeypatch.setattr(instruments_table.lessons, "load", hostile_load)
    w = InstrumentsTable()
    # A changed cell has no stored rendering: pandas renders the table live, escaped.
    assert "<script>x</script>" not in part(w, "ll-instruments-table").value
    assert "&lt;script&gt;x&lt;/script&gt;" in part(w, "ll-instruments-table").value


class _TableCells(__import__("html.parser").parser.HTMLParser):
    """Header and body cell texts of an HTML table."""

    def __init__(self):
        super().__init__()
        self.head, self.body, self._cell, self._in = [], [], None, None

    def handle_starttag(self, tag, attrs):
        if tag in ("thead", "tbody"):
            self._in = tag
        elif tag == "tr" and self._in == "tbody":
            self.body.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell).strip()
            (self.head if self._in == "thead" else self.body[-1]).append(text)
            self._cell = None


def _table_cells(table_html):
    parser = _TableCells()
    parser.feed(table_html)
    return parser.head, parser.body


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("words", [True, False])
def test_the_stored_instruments_table_is_pandas_rendering_of_the_current_data(lang, words):
    import pandas as pd

    from widgets.lessons import instruments_table as T

    T.stored_renderings.cache_clear()
    rows = T.rows(lessons.load("platform_terms"), lang, words)
    stored = T.stored_renderings().get(T.rows_key(rows))
    assert stored is not None, "platform_terms.rendered.json is stale: run tools/render_tables.py"
    live = pd.DataFrame(rows).to_html(**T.TO_HTML)
    assert _table_cells(stored) == _table_cells(live)
    head, body = _table_cells(stored)
    assert head == list(rows[0]) and body == [list(r.values()) for r in rows] and len(body) == 5
    assert stored.startswith('<table class="dataframe ll-tbl">')


def test_chapter_01_shows_its_table_without_importing_pandas():
    code = ("import sys\n"
            "from widgets.base import part\n"
            "from widgets.lessons.instruments_table import InstrumentsTable\n"
            "w = InstrumentsTable()\n"
            "words = part(w, 'll-show-words')\n"
            "words.value = False; w.lang = 'en'; words.value = True\n"
            "table = part(w, 'll-instruments-table').value\n"
            "assert 'll-tbl' in table and 'Instrument' in table\n"
            "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    # The reader who codes still gets a DataFrame.
    from widgets.lessons.instruments_table import InstrumentsTable

    assert type(InstrumentsTable().frame()).__module__.startswith("pandas")


def test_a_missing_or_broken_rendering_file_only_makes_the_page_render_live(tmp_path, monkeypatch):
    from widgets.lessons import instruments_table as T

    for content in (None, "not json", '{"tables": [1, 2]}', '{"tables": {"x": 1}}'):
        path = tmp_path / "r.json"
        if content is not None:
            path.write_text(content)
        monkeypatch.setattr(T, "RENDERED", path)
        T.stored_renderings.cache_clear()
        assert T.stored_renderings() == {}
        w = T.InstrumentsTable(lang="en")
        assert "e-commerce platform operator (电子商务平台经营者)" in part(w, "ll-instruments-table").value
    T.stored_renderings.cache_clear()


def test_status_theories_shows_one_theory_with_the_papers_words_and_the_marked_addition():
    from widgets.lessons.status_theories import StatusTheories

    w = StatusTheories()
    card = visible(part(w, "ll-theory-card").value)
    assert "卖方或合营方说" in card and "本教程的补充" in card and "以偏概全" in card
    part(w, "ll-theory-pick").value = "new_market_subject"
    assert w.theory == "new_market_subject"
    card = visible(part(w, "ll-theory-card").value)
    assert "新型市场主体说" in card and "更倾向于此种观点" in card and "新型交易中介" in card
    w.lang = "en"
    card = visible(part(w, "ll-theory-card").value)
    assert "new-type market subject" in card.lower() and "Tutorial's addition" in card
    w.theory = "no_such_theory"
    assert w.theory == "new_market_subject"


def test_duty_theories_lights_the_theory_the_engine_cites():
    from widgets.lessons.duty_theories import DutyTheories

    w = DutyTheories()
    assert w.analysis["liability_form"] == "joint"
    assert w.states()["risk_control"][0] == w.states()["reliance"][0] == "supports"
    assert w.states()["benefit_reward"][0] == "idle"
    w.facts.control("causation").value = "risk_increasing"
    assert w.analysis["liability_form"] == "supplementary"
    assert w.states()["benefit_reward"][0] == "supports" and w.states()["risk_control"][0] == "idle"
    w.facts.control("risk_level").value = "major_public_safety"
    assert w.ladder_analysis["liability_form"] == "joint"
    assert w.states()["csr"] == ("conflicts", "joint")
    assert "论文未明言" in visible(part(w, "ll-duty-result").value)
    w.facts.control("risk_level").value = "label_defect"
    assert w.states()["csr"] == ("supports", "supplementary")
    w.facts.control("platform_tier").value = "medium"
    assert w.states()["csr"][0] == "idle"
    w.facts.control("causation").value = "none"
    assert w.analysis["liability_form"] == "none"
    assert all(state == "idle" for state, _ in w.states().values())
    w.lang = "en"
    assert "The paper's proposal" in visible(part(w, "ll-duty-result").value)


def test_decision_path_walks_the_engines_trace_step_by_step():
    from widgets.lessons.decision_path import DecisionPath

    w = DecisionPath()
    rules = [s["rule"] for s in w.steps]
    assert rules == [r.id for r in RULES]
    assert w.step == 0 and part(w, "ll-path-prev").disabled and not part(w, "ll-path-next").disabled
    seen = []
    while w.step < len(w.steps):
        s = w.steps[w.step]
        detail = part(w, "ll-path-step").value
        assert f'data-rule="{s["rule"]}"' in detail
        info = lessons.load("decision_path")["steps"][s["rule"]]
        for ref in info["show"]:
            assert html.escape(lessons.article_text(ref, "zh"), quote=True) in detail
        if s["addition"]:
            assert "本教程的补充" in visible(detail)
        seen.append(s["rule"])
        part(w, "ll-path-next").click()
    assert seen == rules and part(w, "ll-path-next").disabled
    assert part(w, "ll-path-outcome").children and 'data-liability-form="none"' in all_html(part(w, "ll-path-outcome"))
    part(w, "ll-path-first").click()
    assert w.step == 0
    w.step = 999
    assert w.step == len(w.steps)


def test_decision_path_changes_outcome_with_the_facts_and_keeps_the_step():
    from widgets.lessons.decision_path import DecisionPath

    w = DecisionPath(lang="en")
    w.step = 4
    w.facts.control("platform_knowledge").value = "knew"
    assert w.analysis["liability_form"] == "joint" and w.step == 4
    assert "holds" in visible(part(w, "ll-path-step").value) and "ecl_38_1" in part(w, "ll-path-step").value
    w.facts.control("platform_knowledge").value = "none"
    w.facts.control("life_health_goods").value = True
    w.facts.control("safety_duty").value = "failed"
    assert w.analysis["liability_form"] == "undetermined"
    part(w, "ll-path-last").click()
    result = visible(part(w, "ll-path-step").value)
    assert "four readings" in result
    for reading in READINGS:
        assert FORM_NAMES[reading]["en"] in result
    w.facts.control("harm").value = "none"
    assert [s["rule"] for s in w.steps] == ["harm_required"]
    assert w.step == 1
    assert "not reached" in visible(part(w, "ll-path-list").value)
    w.lang = "zh"
    assert "走完全程" in visible(part(w, "ll-path-list").value)


def test_decision_path_food_flags_the_special_law_as_the_tutorials_addition():
    from widgets.lessons.decision_path import DecisionPath

    w = DecisionPath()
    w.facts.control("food").value = True
    assert w.facts.control("life_health_goods").value is True
    w.facts.control("qualification_review").value = "failed"
    assert w.analysis["deciding_rule"] == "fsl_131_1"
    w.step = [s["rule"] for s in w.steps].index("fsl_131_1")
    assert "本教程的补充" in visible(part(w, "ll-path-step").value)
    assert html.escape(statutes.paragraph_text("food-safety-law", 131, 1, "zh"), quote=True) in part(w, "ll-path-step").value


def test_crpl44_readings_shows_the_engines_numbers_under_both_labels():
    from widgets.lessons.crpl44_readings import Crpl44Readings

    w = Crpl44Readings()
    nums = w.numbers()
    s = validate(w.facts.facts)
    assert nums["paper"]["unknown"] == payments(s, "supplementary", seller_reachable=False)
    assert nums["alternative"]["unknown"] == payments(s, "non_genuine_joint", seller_reachable=False)
    whole = s.damages
    assert nums["paper"]["unknown"]["payments"]["platform"] == nums["alternative"]["unknown"]["payments"]["platform"] == whole
    assert nums["paper"]["later"]["platform_exposure"] != nums["alternative"]["later"]["platform_exposure"]
    text = visible(part(w, "ll-crpl44-body").value)
    assert "补充赔偿责任" in text and "不真正连带" in text and "本教程的补充" in text
    w.facts.control("seller_can_pay").value = 0.4
    assert w.numbers()["paper"]["later"]["payments"]["seller"] == pytest.approx(0.4 * whole)
    w.lang = "en"
    assert "supplementary compensation liability" in visible(part(w, "ll-crpl44-body").value)


def test_readings_compare_puts_the_four_readings_side_by_side_with_the_engines_money():
    from widgets.lessons.readings_compare import ReadingsCompare

    w = ReadingsCompare()
    assert set(w.analyses) == set(READINGS)
    for r, a in w.analyses.items():
        assert a == analyze(w.scenario, r, "zh", pivotal=False)
        assert f'data-reading="{r}"' in part(w, "ll-readings-cols").value
    assert "相应的补充责任" in visible(part(w, "ll-readings-cols").value)
    w.facts.control("seller_can_pay").value = 0.3
    w.facts.control("consumer_fault").value = 0.2
    assert w.scenario["seller_can_pay"] == 0.3 and w.scenario["consumer_fault"] == 0.2
    s = validate(w.scenario)
    for r in READINGS:
        assert w.analyses[r]["payments"] == payments(s, r)["payments"]
    series = w.series((0.0, 0.5))
    assert series["proportional"][0][1] == payments(validate({**w.scenario, "seller_can_pay": 0.0}), "proportional")["payments"]
    assert series["supplementary_capped"][1][1] == payments(validate({**w.scenario, "seller_can_pay": 0.5}), "supplementary")["capped_payments"]
    p = payments(validate({**w.scenario, "seller_can_pay": 0.25}), "joint")["payments"]
    assert f'{p["platform"]:,.0f} / {p["consumer_unrecovered"]:,.0f}' in part(w, "ll-readings-table").value
    assert "<svg" in part(w, "ll-readings-chart").value and part(w, "ll-readings-chart").value.count("<figure") == 5


def test_readings_compare_judge_and_language_and_impossible_shares():
    from widgets.lessons.readings_compare import ReadingsCompare

    w = ReadingsCompare()
    part(w, "ll-judge").value = "consumers"
    assert w.picked() == "joint"
    assert re.search(r'class="ll-card ll-card-on" data-reading="joint"', part(w, "ll-readings-cols").value)
    w.judge = "platforms"
    assert part(w, "ll-judge").value == "platforms" and w.picked() == "supplementary"
    w.judge = "nobody"
    assert w.judge == "platforms"
    w.lang = "en"
    assert "this judge applies this reading" in visible(part(w, "ll-readings-cols").value)
    assert part(w, "ll-judge").description == "The judge leans towards"
    part(w, "ll-fact-platform_fault_share-auto").value = False
    part(w, "ll-fact-platform_fault_share").value = 0.5
    w.facts.control("consumer_fault").value = 0.6
    assert w.analyses == {} and "Not a possible combination" in visible(part(w, "ll-readings-cols").value)
    part(w, "ll-fact-platform_fault_share-auto").value = True
    assert set(w.analyses) == set(READINGS) and w.scenario["platform_fault_share"] is None


def test_readings_compare_takes_the_platforms_share_in_percent_as_the_fact_panel_does():
    from widgets.lessons.readings_compare import ReadingsCompare

    w = ReadingsCompare()
    share, auto = part(w, "ll-fact-platform_fault_share"), part(w, "ll-fact-platform_fault_share-auto")
    # Automatic by default (no share given: Civil Code art. 177's equal split), shown greyed in percent.
    assert auto.value and share.disabled and w.scenario["platform_fault_share"] is None
    assert share.get_state()["value"] == "50%" and share.description == "平台的过错份额（%）"
    assert "自动" in auto.description
    share.set_state({"value": "30"})  # a locked field takes nothing
    assert w.share is None and share.error
    auto.value = False
    assert not share.disabled and w.share == 0.5
    share.set_state({"value": "30"})  # as the page sends it: 30 means 30 %
    assert w.share == 0.3 and share.get_state()["value"] == "30%" and share.error == ""
    damages = w.scenario["damages"]
    assert w.analyses["proportional"]["payments"]["platform"] == pytest.approx(0.3 * damages)
    assert w.analyses == {r: analyze(w.scenario, r, "zh", pivotal=False) for r in READINGS}
    share.set_state({"value": "150"})  # out of range: refused beside the field, the last good value kept
    assert w.share == 0.3 and "150%" in share.error and "0 到 100" in share.error
    assert "150%" in share.feedback.value and "ll-message" in share.feedback.value
    w.facts.control("consumer_fault").value = 0.2
    share.set_state({"value": "90"})  # 90 % + the consumer's 20 % is more than the whole
    assert w.share == 0.3 and "110%" in share.error
    w.lang = "en"
    assert share.description == "Platform's share of fault (%)" and "110%" in share.error
    assert "add up to" in share.error and auto.description.startswith("Auto")
    share.set_state({"value": "35"})
    assert w.share == 0.35 and share.error == "" and w.scenario["platform_fault_share"] == 0.35
    auto.value = True  # back to automatic: the field shows the equal split of what the consumer does not bear
    assert w.share is None and share.disabled and share.get_state()["value"] == "40%"


def test_guarded_controls_refuse_what_a_browser_should_not_send():
    from widgets.controls import FixedButton as Button
    from widgets.lessons.fact_subset import FactSubset

    panel = FactSubset(["seller_can_pay", "platform_knowledge"])
    share = panel.control("seller_can_pay")
    assert share.value == 1.0 and share.get_state()["value"] == "100%"  # a share is shown in percent
    for bad in ({"value": "101"}, {"value": "-1"}, {"value": "abc"}, {"value": True}, {"value": 0.5},
                {"placeholder": "x"}, {"index": 3}):
        share.set_state(bad)
        assert share.value == 1.0 and panel.facts["seller_can_pay"] == 1.0
    assert "⚠" in part(panel, "ll-subset-status").value
    share.set_state({"value": "25"})
    assert panel.facts["seller_can_pay"] == 0.25 and part(panel, "ll-subset-status").value == "" and share.error == ""
    panel.control("platform_knowledge").set_state({"index": 7})
    assert panel.facts["platform_knowledge"] == "none"
    b = Button(description="ok")
    b.set_state({"description": "<img src=x onerror=alert(1)>"})
    assert b.description == "ok"


def test_fact_subset_shows_a_share_that_is_not_on_the_grid():
    from widgets.lessons.fact_subset import FactSubset

    panel = FactSubset(["seller_can_pay"], fixed={"seller_can_pay": 0.333})
    assert panel.control("seller_can_pay").value == 0.333
    panel.set_facts({"seller_can_pay": 0.123})
    assert panel.control("seller_can_pay").value == 0.123 and panel.facts["seller_can_pay"] == 0.123


def test_fact_subset_keeps_the_fixed_facts_and_refuses_impossible_ones():
    from widgets.lessons.fact_subset import FactSubset

    panel = FactSubset(["consumer_fault"], fixed={"platform_fault_share": 0.6, "harm": "personal_injury"})
    assert panel.facts["harm"] == "personal_injury"
    panel.control("consumer_fault").value = 0.7
    assert panel.facts["consumer_fault"] == 0.0 and panel.control("consumer_fault").value == 0.0
    assert "100%" in panel.control("consumer_fault").error  # said beside the field: 70% + 60% is over 100%
    with pytest.raises(ValueError):
        FactSubset(["no_such_field"])


# --- the notebooks --------------------------------------------------------------------------------------------------


def _cells(stem):
    return json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]


def _zh_en(src: str):
    m = re.fullmatch(r'<div class="ll-zh" lang="zh">\n\n(.*)\n\n</div>\n<div class="ll-en" lang="en">\n\n(.*)\n\n</div>',
                     src, re.S)
    return m.groups() if m else None


@pytest.mark.parametrize("stem", CHAPTERS)
def test_chapter_notebook_is_thin_bilingual_and_credited(stem):
    cells = _cells(stem)
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert code[0] == f'from widgets.page import PageShell\nshell = PageShell.from_environment("{stem}")\nshell'
    for src in code:
        assert "def " not in src and "display(" not in src
        assert len(src.splitlines()) <= 3
    for c in cells:
        if c["cell_type"] == "markdown":
            assert _zh_en("".join(c["source"])), f"{stem}: a markdown cell is not <div ll-zh> then <div ll-en>"
    last = "".join(cells[-1]["source"])
    assert cells[-1]["cell_type"] == "markdown"
    for needed in ("CC BY 4.0", "LawRefBook/Laws", "刘燕婷"):
        assert needed in last


@pytest.mark.parametrize("stem", CHAPTERS)
def test_chapter_quotations_are_the_papers_or_the_statutes_exact_words(stem):
    for c in _cells(stem):
        if c["cell_type"] != "markdown":
            continue
        zh, en = _zh_en("".join(c["source"]))
        for q in re.findall(r"“([^“”]{12,})”", zh):
            assert is_papers_words(q) or q in ALL_STATUTE_TEXT, f"{stem}: not the paper's words: “{q}”"
        for line in re.findall(r"^> (.+)$", zh + "\n" + en, re.M):
            if line.startswith(("——", "— ")):
                continue
            assert line in ALL_STATUTE_TEXT, f"{stem}: block quote is not a statute's text: {line[:60]}"


def test_chapter_notebooks_link_their_neighbours_in_the_same_language():
    pairs = [_zh_en("".join(c["source"])) for c in _cells("00_start_here") if c["cell_type"] == "markdown"]
    zh, en = "".join(p[0] for p in pairs), "".join(p[1] for p in pairs)
    for stem in CHAPTERS[1:] + ("analyzer",):
        assert f"({stem}.ipynb?lang=zh)" in zh
        assert f"({stem}.ipynb?lang=en)" in en
