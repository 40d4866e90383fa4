"""Chapters on a phone (390x844, touch), where issue 16 found them wanting; one page load per chapter.

- Chapter 04 (point 1): the platform's share of fault is typed in percent like every other share (30 means 30 %),
  an automatic choice stands for "none given" (Civil Code art. 177's equal split), and an out-of-range entry is
  refused beside the field, the last good value kept.
- Chapter 07 (the "Done when" screenshots): the burden-of-proof matrix is one card per fact within the phone's
  width, each cell under its column's name (it ran off the screen: its card rules were in the analyzer's sheet
  only), and a label on a line of its own starts at the left.

Expected amounts come from the engine. Screenshots: ``artifacts/screenshots/chapter04-share-*.png``,
``chapter07-phone-*.png``.
"""

from __future__ import annotations

import pytest

from casebook import lessons
from casebook.engine import payments
from casebook.scenario import validate
from e2e_helpers import axe_check, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CARD = '.ll-readings-cols [data-reading="proportional"]'
READY_JS = f"""() => document.querySelector('{CARD}') && !document.querySelector('#loading')
    && document.querySelector('.ll-fact-platform_fault_share input')"""
FIELD = ".ll-fact-platform_fault_share input"


def platform_pays(share) -> str:
    """What the platform pays under the proportional reading on chapter 04's facts, as the card shows it."""
    facts = {**lessons.load("corresponding_liability")["facts"], "platform_fault_share": share}
    return f'{payments(validate(facts), "proportional")["payments"]["platform"]:,.0f}'


def card_text(page) -> str:
    return page.locator(CARD).inner_text()


def test_chapter_04_takes_the_platforms_share_in_percent_on_a_phone(voila_server, browser, artifacts_dir):
    base = voila_server("notebooks")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{base}voila/render/04_corresponding_liability.ipynb?lang=zh")
        page.wait_for_function(READY_JS, timeout=90_000)
        field, auto = page.locator(FIELD), page.locator(".ll-fact-platform_fault_share-auto input[type=checkbox]")
        label = page.locator(".ll-fact-platform_fault_share label").first.inner_text()
        assert "平台的过错份额" in label and "%" in label
        # Automatic at first: the equal split, shown in percent in a greyed field.
        assert auto.is_checked() and field.is_disabled() and field.input_value() == "50%"
        automatic = platform_pays(None)
        assert automatic in card_text(page)

        auto.scroll_into_view_if_needed()
        auto.uncheck()
        page.wait_for_function(f"() => !document.querySelector('{FIELD}').disabled", timeout=10_000)
        thirty = platform_pays(0.3)
        assert thirty != automatic
        field.fill("30")
        field.press("Enter")
        page.wait_for_function(f"() => document.querySelector('{FIELD}').value === '30%'", timeout=10_000)
        page.wait_for_function("([sel, want]) => document.querySelector(sel).innerText.includes(want)",
                               arg=[CARD, thirty], timeout=10_000)
        assert automatic not in card_text(page)

        field.fill("150")
        field.press("Enter")
        message = page.locator(".ll-field-message .ll-message").first
        message.wait_for(timeout=10_000)
        text = message.inner_text()
        assert "150%" in text and "0 到 100" in text, text
        page.wait_for_function(f"() => document.querySelector('{FIELD}').value === '30%'", timeout=10_000)
        assert thirty in card_text(page)  # the last good value kept
        # Beside the field: right under it, on screen, and within the phone's width.
        box, msg = field.bounding_box(), message.bounding_box()
        assert 0 <= msg["y"] - (box["y"] + box["height"]) < 40, (box, msg)
        assert msg["x"] >= 0 and msg["x"] + msg["width"] <= 390, msg
        assert page.evaluate("() => document.scrollingElement.scrollWidth <= innerWidth + 1")
        page.screenshot(path=str(artifacts_dir / "chapter04-share-refused-zh.png"))

        # The other language: the label and the message follow it.
        page.locator(".ll-lang button", has_text="English").click()
        page.wait_for_function("() => document.querySelector('.ll-field-message .ll-message')"
                               ".innerText.includes('out of range')", timeout=15_000)
        assert "Platform's share of fault (%)" in page.locator(".ll-fact-platform_fault_share label").first.inner_text()
        violations = axe_check(page)
        assert not violations, format_violations(violations)
        assert not errors, errors
    finally:
        context.close()


def test_chapter_07_shows_the_burden_of_proof_as_cards_within_a_phones_width(voila_server, browser, artifacts_dir):
    base = voila_server("notebooks")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{base}voila/render/07_burden_of_proof.ipynb?lang=en")
        page.wait_for_function("() => document.querySelector('.ll-burden-table tbody tr') && !document.querySelector('#loading')",
                               timeout=90_000)
        table = page.locator(".ll-burden-table").first
        table.scroll_into_view_if_needed()
        state = page.evaluate("""() => {
            const t = document.querySelector('.ll-burden-table');
            const rows = [...t.querySelectorAll('tbody tr')];
            const cap = t.querySelector('caption').getBoundingClientRect();
            const label = document.querySelector('.ll-evidence-case .widget-label');
            return {rows: rows.map(r => [getComputedStyle(r).display, r.getBoundingClientRect().left,
                                         r.getBoundingClientRect().right]),
                    labels: [...t.querySelectorAll('tbody td')].slice(0, 3)
                        .map(td => getComputedStyle(td, '::before').content),
                    head: getComputedStyle(t.querySelector('thead')).position,
                    caption: cap.width, tableRight: t.getBoundingClientRect().right,
                    clipped: t.scrollWidth - t.clientWidth, pick: getComputedStyle(label).textAlign}; }""")
        assert state["rows"] and all(d == "block" and left >= 0 and right <= 390 for d, left, right in state["rows"]), state
        assert state["tableRight"] <= 390 and state["clipped"] <= 1 and state["caption"] > 250, state
        # each cell under its column's name; the header row itself is kept only for screen readers
        assert [c.strip('"') for c in state["labels"]] == [
            page.locator(".ll-burden-table thead th").nth(i).inner_text().strip() for i in (1, 2, 3)], state
        assert state["head"] == "absolute" and state["pick"] in ("left", "start"), state
        page.screenshot(path=str(artifacts_dir / "chapter07-phone-burden-en.png"))
    finally:
        context.close()
