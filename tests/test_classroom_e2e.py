"""A class in the browser (issue 16, points 10-12), in one session: a teacher starts a class from chapter 09, a
student opens the students' link (in Chinese), the teacher the teacher's link (in English); the student's prediction
shows in the teacher's tally without the teacher touching anything, a change replaces it, and the answer shows on
the student's page only after the teacher reveals it. The student's page never holds the teacher's secret."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urljoin

import pytest

from e2e_helpers import axe_check, format_violations

pytestmark = pytest.mark.browser

RENDERED = "() => !document.querySelector('#loading, .voila-spinner-color1') && document.querySelector('.ll-class-panel')"


def _open(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="commit", timeout=90_000)
    page.wait_for_function(RENDERED, timeout=90_000)
    return context, page, errors


def test_a_class_from_the_teachers_link_to_the_students_pages_and_back(browser, voila_server, artifacts_dir):
    store = Path(os.environ["LL_CLASSROOM_DB"])  # tests/conftest.py: a temporary file for every server of the run
    base = voila_server("notebooks")
    pages = []
    try:
        ctx, free, errors = _open(browser, f"{base}voila/render/09_exercises.ipynb?lang=en")
        pages.append(ctx)
        assert free.locator(".ll-teacher-view, .ll-teacher-toggle, .ll-class-panel input[type=checkbox]").count() == 0
        free.locator("button.ll-class-start").click()
        student_box = free.locator(".ll-class-student-url input")
        student_box.wait_for(state="visible", timeout=30_000)
        student_url = urljoin(free.url, student_box.input_value())
        teacher_url = urljoin(free.url, free.locator(".ll-class-teacher-url input").input_value())
        secret = teacher_url.split("teacher=", 1)[1]
        assert "class=" in student_url and "teacher=" not in student_url and secret

        ctx, student, student_errors = _open(browser, student_url.replace("lang=en", "lang=zh"))
        pages.append(ctx)
        assert "你在班级" in student.locator(".ll-class-status").inner_text()
        assert student.locator(".ll-teacher-view, .ll-live-tally, .ll-class-start").count() == 0
        first, second = student.locator(".ll-exercise-answer button").nth(0), student.locator(
            ".ll-exercise-answer button").nth(1)
        first.click()
        student.locator(".ll-class-notice").wait_for(timeout=30_000)

        ctx, teacher, teacher_errors = _open(browser, teacher_url)
        pages.append(ctx)
        teacher.wait_for_selector(".ll-tally-item[data-total='1']", timeout=30_000)
        assert teacher.locator(".ll-teacher-answers tr[data-item]").count() >= 1
        counted = teacher.locator(".ll-tally-item").first.locator(".ll-tally-row").first.get_attribute("data-form")
        # The student changes their mind: the teacher's screen follows by itself (the kernel polls).
        second.click()
        teacher.wait_for_function(
            "(old) => { const rows = [...document.querySelectorAll('.ll-tally-item')][0]"
            ".querySelectorAll('.ll-tally-row[data-count=\"1\"]');"
            " return rows.length === 1 && rows[0].dataset.form !== old; }", arg=counted, timeout=30_000)
        assert teacher.locator(".ll-tally-item").first.get_attribute("data-total") == "1"

        student.locator("button.ll-exercise-reveal").click()
        student.wait_for_function("() => /还没有揭晓/.test(document.querySelector('.ll-exercise-feedback').innerText)",
                                  timeout=30_000)
        assert student.locator(".ll-exercise-feedback [data-liability-form]").count() == 0
        teacher.locator("button.ll-tally-reveal").click()
        teacher.wait_for_selector(".ll-tally-item[data-revealed='true']", timeout=30_000)
        student.locator("button.ll-exercise-reveal").click()
        student.wait_for_selector(".ll-exercise-feedback [data-liability-form]", timeout=30_000)

        assert secret not in student.content() and secret not in student.evaluate("() => document.body.innerText")
        teacher.screenshot(path=str(artifacts_dir / "class-teacher-1280.png"), full_page=True)
        student.screenshot(path=str(artifacts_dir / "class-student-1280.png"), full_page=True)
        assert not (errors or student_errors or teacher_errors), errors + student_errors + teacher_errors
        for shown in (teacher, student):
            violations = axe_check(shown)
            assert not violations, format_violations(violations)
    finally:
        for ctx in pages:
            ctx.close()
    assert store.is_file()  # the server's kernels kept the class there
