"""A class in chapter 09 (issue 16, points 10-12): set links, the teacher's key kept from students, the live tally.

The store is the real SQLite one, in a temporary file; 40 writer processes answer at once and the counts are exact.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import subprocess
import sys
from urllib.parse import urlsplit

import ipywidgets as W
import pytest

from casebook.engine import analyze
from casebook.scenario_sets import example_set_path, load_set_file
from classroom import links
from classroom.codes import new_page_id, normal_class_code
from classroom.live import TallyPoller
from classroom.sqlite_store import SQLiteClassStore
from classroom.store import ClassError, Limits, default_path
from widgets.lessons import class_session
from widgets.lessons.class_session import MAX_CHANGES_PER_ITEM, ClassPanel, class_page

BASICS = load_set_file(example_set_path("classroom-basics"))
IDS = [item["id"] for item in BASICS["scenarios"]]


@pytest.fixture
def store(tmp_path):
    s = SQLiteClassStore(tmp_path / "classes.sqlite3")
    yield s
    s.close()


def _new_class(store, loaded=BASICS):
    return store.create_class(json.dumps(loaded, ensure_ascii=False), [i["id"] for i in loaded["scenarios"]])


def _query(url: str) -> str:
    return urlsplit(url).query


def _shows(text: str, state: str) -> bool:
    """``text`` is in the widgets' state, as plain text or escaped into HTML."""
    return text in state or html.escape(text, quote=True) in state


def _widget_state(*roots) -> str:
    """Everything the browser receives of these widgets: every model's state, as JSON."""
    seen, out, stack = set(), [], list(roots)
    while stack:
        w = stack.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        out.append(json.dumps(w.get_state(), default=str, ensure_ascii=False))
        stack.extend(getattr(w, "children", ()) or ())
        for name in ("layout", "style"):
            sub = getattr(w, name, None)
            if isinstance(sub, W.Widget):
                stack.append(sub)
    return "\n".join(out)


# --- 10. set links ----------------------------------------------------------------------------------------------


def test_a_set_link_round_trips_the_questions_and_leaves_the_key_out():
    token = links.encode_set(BASICS)
    assert len(token) <= links.MAX_SET_TOKEN
    back = links.decode_set(token)
    assert [i["id"] for i in back["scenarios"]] == IDS
    for mine, theirs in zip(BASICS["scenarios"], back["scenarios"]):
        assert (theirs["title"], theirs["question"], theirs["scenario"], theirs["regime"]) == (
            mine["title"], mine["question"], mine["scenario"], mine["regime"])
        assert theirs["explanation"] is None  # the key stays out of the link
        assert theirs["expected"]["liability_form"] == analyze(mine["scenario"], mine["regime"])["liability_form"]
    raw = json.dumps(json.loads(__import__("zlib").decompress(
        __import__("base64").urlsafe_b64decode(token[1:] + "=" * (-len(token[1:]) % 4)))), ensure_ascii=False)
    assert "expected" not in raw and "explanation" not in raw
    assert BASICS["scenarios"][0]["explanation"]["en"] not in raw


def test_a_set_link_opens_the_same_questions_on_every_page():
    deck, panel = class_page("", "en")
    deck.current = "classroom-basics"
    url = panel.make_set_link()
    assert panel.links["set"] == url and "set=z" in url
    first, _ = class_page(_query(url), "en")
    second, _ = class_page(_query(url), "zh")
    assert first.current == second.current == class_session.LINK_KEY
    assert [i["id"] for i in first.current_set()["scenarios"]] == IDS
    assert first.question_html.count("data-item") == 1


def _zlib_token(raw: bytes) -> str:
    import base64
    import zlib

    return "z" + base64.urlsafe_b64encode(zlib.compress(raw)).rstrip(b"=").decode()


@pytest.mark.parametrize("token, words", [
    ("z" + "A" * (links.MAX_SET_TOKEN + 1), "too long"),
    ("jeyJ0aXRsZSI6IngifQ", "not a valid token"),
    ("z!!!", "not a valid token"),
    ("zAAAA", "corrupt"),
    (_zlib_token(b"\0" * (300 * 1024)), "inflates beyond"),
    (_zlib_token(b"{not json"), "not valid JSON"),
    (_zlib_token(b"[1, 2]"), "does not have the form"),
    (_zlib_token(json.dumps({"title": "t", "scenarios": [{"id": "a", "title": "t", "question": "q",
                                                          "scenario": {}, "explanation": "x"}]}).encode()),
     "may not carry"),
    (_zlib_token(json.dumps({"title": "t", "scenarios": [{"id": "a", "title": "t", "question": "q",
                                                          "scenario": {"harm": "lots"}}]}).encode()),
     "scenarios[0].scenario.harm"),
], ids=["too long", "another format", "not base64url", "not zlib", "a zlib bomb", "not json", "not a mapping",
        "a key in the link", "a bad fact"])
def test_a_bad_set_link_gives_a_clear_message_in_both_languages(token, words):
    q = links.parse_class_query(f"set={token}")
    assert q["set"] is None and len(q["errors"]) == 1
    assert words in q["errors"][0]["en"] and q["errors"][0]["zh"]
    deck, panel = class_page(f"set={token}", "en")
    assert words in panel.message and deck.current == "cases"
    panel.lang = "zh"
    assert q["errors"][0]["zh"] in panel.message


def test_class_codes_are_read_forgivingly_and_refused_when_malformed():
    assert normal_class_code("abcd efgh jkmn") == "ABCD-EFGH-JKMN"
    assert normal_class_code("ABCD-EFGH-JKMO") == "ABCD-EFGH-JKM0"
    for bad in ("", "ABCD", "ABCD-EFGH-JKMU", "<script>", None, "A" * 100):
        assert normal_class_code(bad) is None
    q = links.parse_class_query("class=<b>x</b>&teacher=zzz")
    assert q["class"] is None and "not well formed" in q["errors"][0]["en"] and "<b>" not in q["errors"][0]["en"]


# --- 11. the key kept from students ------------------------------------------------------------------------------


def test_the_teachers_secret_is_needed_to_read_a_tally_or_reveal(store):
    made, other = _new_class(store), _new_class(store)
    assert store.is_teacher(made.code, made.teacher_secret)
    near = made.teacher_secret[:-1] + ("B" if made.teacher_secret.endswith("A") else "A")
    for secret in (other.teacher_secret, near, "", None, "x" * 200):
        assert not store.is_teacher(made.code, secret)
        with pytest.raises(ClassError) as exc:
            store.tally(made.code, secret)
        assert exc.value.key == "not_teacher"
        with pytest.raises(ClassError):
            store.reveal(made.code, secret, IDS[0])
    with pytest.raises(ClassError) as exc:
        store.tally("ABCD-EFGH-JKMN", made.teacher_secret)  # another class's code with this class's secret
    assert exc.value.key == "unknown_class"
    assert made.teacher_secret.encode() not in store.path.read_bytes()  # only its hash is kept


def test_a_student_link_opens_no_teachers_view_and_a_wrong_secret_is_refused(store):
    made = _new_class(store)
    urls = links.class_urls("09_exercises.ipynb", made.code, made.teacher_secret, "en")
    _deck, student = class_page(_query(urls["student"]), "en", store=store)
    assert student.mode == "student" and student.teacher_view is None and student.live is None
    forged = _query(urls["student"]) + "&teacher=" + "A" * 22
    _deck, refused = class_page(forged, "en", store=store)
    assert refused.mode == "student" and refused.teacher_view is None
    assert "opens only with the teacher's link" in refused.message
    _deck, teacher = class_page(_query(urls["teacher"]), "en", store=store)
    assert teacher.mode == "teacher" and teacher.teacher_view is not None and teacher.live is not None


def test_a_students_widgets_carry_no_answer_and_no_secret_before_the_reveal(store):
    made = _new_class(store)
    urls = links.class_urls("09_exercises.ipynb", made.code, made.teacher_secret, "en")
    deck, panel = class_page(_query(urls["student"]), "en", store=store)
    item = deck.item()
    engine = analyze(item["scenario"], item["regime"], "en")
    deck.predict("supplementary" if engine["liability_form"] != "supplementary" else "joint")
    assert deck.reveal() is None and "has not revealed" in deck.feedback_html
    state = _widget_state(deck, panel)
    explanations = [i["explanation"][lang] for i in BASICS["scenarios"] for lang in ("zh", "en")]
    assert not [e for e in explanations if _shows(e, state)]
    assert made.teacher_secret not in state and "teacher=" not in state
    assert "data-liability-form" not in state and "ll-teacher-answers" not in state
    assert not _shows(engine["trace"][0]["reason"], state)
    # Once the teacher reveals it, the same page shows the answer: the check above is not vacuous.
    store.reveal(made.code, made.teacher_secret, item["id"])
    assert deck.reveal()["engine_form"] == engine["liability_form"]
    state = _widget_state(deck, panel)
    assert _shows(item["explanation"]["en"], state) and "data-liability-form" in state


def test_the_free_page_lists_no_answers_and_hands_out_both_links(store, monkeypatch):
    monkeypatch.setattr(class_session, "open_store", lambda: store)
    deck, panel = class_page("", "en")
    assert panel.teacher_view is None and not any(
        "ll-teacher-answers" in getattr(w, "_dom_classes", ()) for w in _walk(panel))
    assert not any(isinstance(w, W.Checkbox) for w in _walk(panel))  # no "teacher's view" box for students
    deck.current = "classroom-basics"
    made = panel.start_class()
    assert made["code"] in made["student"] and "teacher=" in made["teacher"] and "teacher=" not in made["student"]
    assert "keep the teacher's link to yourself" in panel.message
    panel.lang = "zh"
    assert "教师链接只留给自己" in panel.message
    teacher_deck, teacher = class_page(_query(made["teacher"]), "en", store=store)
    assert [i["id"] for i in teacher_deck.current_set()["scenarios"]] == IDS
    assert "Every stored answer agrees" in teacher.teacher_view.table_html


def _walk(widget):
    stack = [widget]
    while stack:
        w = stack.pop()
        yield w
        stack.extend(getattr(w, "children", ()) or ())


# --- 12. the live tally -----------------------------------------------------------------------------------------


def test_students_predictions_reach_the_teachers_tally_and_a_change_replaces(store):
    made = _new_class(store)
    urls = links.class_urls("x", made.code, made.teacher_secret, "en")
    teacher_deck, teacher = class_page(_query(urls["teacher"]), "en", store=store)
    students = [class_page(_query(urls["student"]), "en", store=store)[0] for _ in range(3)]
    for deck, form in zip(students, ("joint", "joint", "none")):
        deck.predict(form)
    students[2].predict("supplementary")  # a change replaces the page's answer
    assert teacher.live.poll() is not None
    assert teacher.live.tally[IDS[0]] == {"joint": 2, "supplementary": 1}
    html = teacher.live.bars_html
    assert f"data-item='{IDS[0]}' data-total='3'" in html and "data-form='joint' data-count='2'" in html
    assert teacher.live.poll() is None  # nothing new: nothing redrawn
    teacher.live.toggle_reveal()
    assert store.revealed(made.code) == {IDS[0]}
    assert "data-revealed='true'" in teacher.live.bars_html and "Hide question 1" in teacher.live.reveal_label
    teacher.lang = "zh"
    assert "对全班重新隐藏第 1 题" in teacher.live.reveal_label and "个答案" in teacher.live.bars_html


def _write_answers(path: str, code: str, barrier, i: int) -> None:
    s = SQLiteClassStore(path)
    page = new_page_id()
    barrier.wait()
    s.record(code, page, IDS[0], "joint" if i % 2 else "none")
    if i % 4 == 0:
        s.record(code, page, IDS[0], "supplementary")  # a change: replaces, never adds
    s.record(code, page, IDS[1], "joint")
    s.close()


def test_forty_pages_writing_at_once_give_exact_counts(store):
    made = _new_class(store)
    assert store.journal_mode() == "wal"
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(40)
    procs = [ctx.Process(target=_write_answers, args=(str(store.path), made.code, barrier, i)) for i in range(40)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * 40
    tally = store.tally(made.code, made.teacher_secret)
    assert tally[IDS[0]] == {"joint": 20, "none": 10, "supplementary": 10}
    assert tally[IDS[1]] == {"joint": 40}
    assert all(tally[i] == {} for i in IDS[2:])


def test_a_hostile_page_cannot_flood_a_class(tmp_path):
    store = SQLiteClassStore(tmp_path / "c.sqlite3", Limits(max_pages_per_class=5, max_classes=3))
    made = _new_class(store)
    page = new_page_id()
    for form in ("joint", "none") * 50:
        store.record(made.code, page, IDS[0], form)
    assert store.tally(made.code, made.teacher_secret)[IDS[0]] == {"none": 1}
    for _ in range(4):
        store.record(made.code, new_page_id(), IDS[0], "joint")
    with pytest.raises(ClassError) as exc:
        store.record(made.code, new_page_id(), IDS[0], "joint")
    assert exc.value.key == "class_full" and "at most 5 pages" in str(exc.value)
    store.record(made.code, page, IDS[1], "joint")  # a page already counted may still answer
    for bad, key in (((made.code, page, "not-an-item", "joint"), "unknown_item"),
                     ((made.code, page, IDS[0], "<script>"), "bad_answer"),
                     ((made.code, "short", IDS[0], "joint"), "bad_page"),
                     (("ZZZZ-ZZZZ-ZZZZ", page, IDS[0], "joint"), "unknown_class")):
        with pytest.raises(ClassError) as exc:
            store.record(*bad)
        assert exc.value.key == key
    _new_class(store), _new_class(store)
    with pytest.raises(ClassError) as exc:
        _new_class(store)
    assert exc.value.key == "too_many_classes"
    assert store.tally(made.code, made.teacher_secret)[IDS[0]] == {"none": 1, "joint": 4}


def test_a_page_sends_a_bounded_number_of_changes(store):
    made = _new_class(store)
    deck, _panel = class_page(f"class={made.code}", "en", store=store)
    forms = ["joint", "none"]
    for n in range(MAX_CHANGES_PER_ITEM + 5):
        deck.predict(forms[n % 2])
    assert "not counted" in deck.feedback_html
    assert sum(store.tally(made.code, made.teacher_secret)[IDS[0]].values()) == 1


def test_the_poller_reports_only_changes_and_keeps_a_store_error(store):
    made = _new_class(store)
    seen = []
    poller = TallyPoller(store, made.code, made.teacher_secret, seen.append)
    assert poller.poll() is not None and poller.poll() is None and len(seen) == 1
    store.record(made.code, new_page_id(), IDS[0], "joint")
    assert poller.poll()[IDS[0]] == {"joint": 1} and len(seen) == 2
    # A thread with no running event loop (a kernel has one; a test process that has used Playwright's sync API may
    # have one running in its main thread): the poller says it cannot start.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(poller.start).result() is False
    bad = TallyPoller(store, made.code, "A" * 22, seen.append)
    assert bad.poll() is None and bad.error.key == "not_teacher"


# --- the static edition, the store's place, the package's boundaries ------------------------------------------------


def test_the_static_edition_says_a_class_cannot_work_and_set_links_still_do(monkeypatch):
    from widgets import query

    monkeypatch.setattr(query, "in_browser", lambda: True)
    deck, panel = class_page("", "en")
    assert panel.mode == "static" and _shows("the live tally needs the tutorial's server", _widget_state(panel))
    assert panel.start_class() is None
    deck.current = "classroom-basics"
    url = panel.make_set_link()
    linked, _ = class_page(_query(url), "en")
    assert [i["id"] for i in linked.current_set()["scenarios"]] == IDS
    _deck, student = class_page("class=ABCD-EFGH-JKMN", "en")
    assert student.mode == "static" and "cannot work in this edition" in student.message
    student.lang = "zh"
    assert "无法使用" in student.message


def test_the_store_lives_where_the_server_says(monkeypatch, tmp_path):
    monkeypatch.setenv("LL_CLASSROOM_DB", str(tmp_path / "x.sqlite3"))
    assert default_path() == tmp_path / "x.sqlite3"
    monkeypatch.delenv("LL_CLASSROOM_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "platform-liability-lab" / "classroom.sqlite3"
    unknown, _ = class_page("class=ABCD-EFGH-JKMN", "en", store=SQLiteClassStore(tmp_path / "y.sqlite3"))
    assert unknown.current == "cases"


def test_the_class_widgets_carry_the_lesson_style_once_as_first_child(store):
    made = _new_class(store)
    _deck, panel = class_page(f"class={made.code}&teacher={made.teacher_secret}", "en", store=store)
    for widget in (panel, panel.live, ClassPanel(_deck)):
        assert "ll-lesson-style" in widget.children[0]._dom_classes
        assert sum("ll-lesson-style" in getattr(w, "_dom_classes", ()) for w in widget.children) == 1


def test_the_classroom_package_imports_no_ui_library_and_the_law_no_storage():
    code = ("import sys, classroom.store, classroom.sqlite_store, classroom.links, classroom.live, classroom.codes; "
            "print(sorted(m for m in ('ipywidgets', 'traitlets', 'voila', 'tornado', 'widgets', 'server') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_tally_benchmark_counts_every_writer_and_shows_them_to_the_teacher():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "class_tally.py"
    spec = importlib.util.spec_from_file_location("class_tally", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run(1, writers=4)
    (only,) = result["rounds"]
    assert only["counted"] == 4 and only["shown"] and only["last_answer_to_tally_s"] is not None
    assert "last answer -> tally" in bench.report(result)


def test_the_server_tells_its_kernels_where_the_class_store_is(monkeypatch, tmp_path):
    from server import cli

    seen = {}
    monkeypatch.setattr(cli.os, "execve", lambda exe, argv, env: seen.update(env))
    monkeypatch.delenv("LL_CLASSROOM_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert cli.main(["serve", "--notebooks", str(tmp_path)]) == 0
    assert seen["LL_CLASSROOM_DB"] == str(tmp_path / "platform-liability-lab" / "classroom.sqlite3")
