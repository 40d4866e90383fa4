"""Issue 16 points 1, 8 and 9 in a browser: one session on the project's template (server.template), as `make demo`
serves it. Shares are typed in percent and refused beside the field; the contents page loads clean; the analyzer
links back to it, names its tab in the page's language, keeps the language in the URL across a reload, copies its
share link with a button, shows no "(0)" and no "null"; the memo panel takes a title and gives a Word file.
Screenshots: ``artifacts/screenshots/classroom-*.png``.
"""

from __future__ import annotations

import base64
import io
import os

import pytest

from server import template as voila_template

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

ANALYZER = "voila/render/analyzer.ipynb"
READY = '.ll-outcome[data-liability-form]:not([data-liability-form=""])'


@pytest.fixture(scope="module")
def base(voila_server):
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = voila_template.environ()["JUPYTER_PATH"]  # inherited by the server
    try:
        yield voila_server("notebooks", *voila_template.voila_flags())
    finally:
        if old is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = old


def test_percent_fields_contents_titles_language_url_copy_and_memo(base, browser, artifacts_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        # --- the contents page: no 404, no console error, a human title -------------------------------------
        page.goto(base)
        page.wait_for_function("() => document.body.innerText.includes('analyzer.ipynb')", timeout=30_000)
        page.wait_for_timeout(800)
        assert not errors and not failed, (errors, failed)
        assert "目录" in page.title() and "Contents" in page.title()

        # --- the analyzer: link back, tab title, ?lang= --------------------------------------------------------
        page.goto(base + ANALYZER)
        page.locator(READY).wait_for(timeout=90_000)
        page.wait_for_function("() => document.title === '平台责任实验室 · 案例分析器'", timeout=5_000)
        page.wait_for_function("() => new URL(location.href).searchParams.get('lang') === 'zh'", timeout=5_000)
        assert page.locator(".ll-contents-nav a[href^='00_start_here.ipynb']").count() == 1

        # --- point 1: 30 typed is 30 %, 150 typed is refused beside the field ------------------------------------
        field = page.locator(".ll-fact-consumer_fault input")
        assert field.input_value() == "0%"
        field.fill("30")
        field.press("Enter")
        page.wait_for_function("() => document.querySelector('.ll-fact-consumer_fault input').value === '30%'",
                               timeout=10_000)
        outcome = page.locator(".ll-outcome")
        page.wait_for_function("() => document.querySelector('.ll-outcome').innerText.includes('3,000.00')",
                               timeout=10_000)  # 30 % of the 10,000 yuan stays with the consumer
        field.fill("150")
        field.press("Enter")
        message = page.locator(".ll-field-message .ll-message").first
        message.wait_for(timeout=10_000)
        assert "150%" in message.inner_text() and "0 到 100" in message.inner_text()
        page.wait_for_function("() => document.querySelector('.ll-fact-consumer_fault input').value === '30%'",
                               timeout=10_000)
        assert "3,000.00" in outcome.inner_text()  # the scenario kept its last valid value
        message.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts_dir / "classroom-percent-refused-zh.png"))

        # --- point 9: no "null" anywhere, no "(0)" on the upload, a copy button --------------------------------
        assert page.locator('[title="null"]').count() == 0
        assert "null" not in page.evaluate("() => document.body.innerText")
        page.wait_for_function("() => document.querySelector('.ll-upload').innerText.trim() === '上传场景文件'",
                               timeout=5_000)  # not "上传场景文件 (0)"
        share = page.locator(".ll-share")
        assert "Ctrl" not in share.inner_text()
        link = page.locator(".ll-share-link input").input_value()
        page.locator(".ll-copy-link").click()
        page.wait_for_function("() => document.querySelector('.ll-copy-link').textContent === '已复制'",
                               timeout=5_000)
        assert page.evaluate("() => navigator.clipboard.readText()") == link
        share.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts_dir / "classroom-share-zh.png"))

        # --- the language goes into the URL and survives a reload --------------------------------------------------
        page.locator(".ll-lang button", has_text="English").click()
        page.wait_for_function("() => new URL(location.href).searchParams.get('lang') === 'en'", timeout=10_000)
        page.wait_for_function("() => document.title === 'Platform Liability Lab · Case analyzer'", timeout=5_000)
        page.reload()
        page.locator(READY).wait_for(timeout=90_000)
        page.wait_for_function("() => document.title === 'Platform Liability Lab · Case analyzer'", timeout=5_000)
        assert page.locator("h1.ll-h1").inner_text() == "Platform Liability Lab · Case analyzer"

        # --- point 8: the memo panel takes a title and notes and gives a Word file --------------------------------
        memo = page.locator(".ll-memo")
        memo.scroll_into_view_if_needed()
        page.locator(".ll-memo-title input").fill("Zhang v. <Platform>")
        page.locator(".ll-memo-title input").press("Enter")
        page.locator(".ll-memo-notes textarea").fill("Met the client on 1 March.")
        page.locator(".ll-memo-title input").click()  # leaving the notes sends them
        page.locator(".ll-memo-prepare").click()
        word = page.locator("a.ll-memo-docx")
        word.wait_for(timeout=30_000)
        page.screenshot(path=str(artifacts_dir / "classroom-memo-en.png"))
        import docx

        data = base64.b64decode(word.get_attribute("href").split(",", 1)[1])
        document = docx.Document(io.BytesIO(data))
        text = "\n".join(p.text for p in document.paragraphs)
        assert "Zhang v. <Platform>" in document.paragraphs[0].text and "Met the client on 1 March." in text
        assert not errors, errors
    finally:
        context.close()
