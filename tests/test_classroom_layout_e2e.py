"""Issue 16 points 4-7 and 13 in a browser, each at the window where it failed: a phone (390x844, touch), a 1024x768
projector (with the keyboard and the printer), and 1920x1080 at 150 % (a 1280x720 window at device scale 1.5) in
presenter mode. One browser context per window, several checks per page load (the suite's time budget is tight).

Expected outcomes come from the engine, labels from the scenario model. Screenshots go to
``artifacts/screenshots/classroom-*.png``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casebook.engine import analyze
from casebook.scenario import FIELD_BY_NAME
from e2e_helpers import projector_browser  # noqa: F401 (a fixture this module uses: scrollbars shown)
from e2e_helpers import axe_check, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PROJECTOR = {"viewport": {"width": 1024, "height": 768}}
HIDPI = {"viewport": {"width": 1280, "height": 720}, "device_scale_factor": 1.5}
READY_JS = """() => document.querySelector('.ll-lang') && !document.querySelector('#loading')
    && [...document.querySelectorAll('#rendered_cells .jp-OutputArea-output')].every(o => o.querySelector('.jupyter-widgets'))"""
ANALYZER_READY_JS = """() => { const o = document.querySelector('.ll-outcome');
    return o && o.getAttribute('data-liability-form') && document.querySelector('.ll-outcome-bar[data-liability-form]')
        && document.querySelector('.ll-pivotal button') && document.querySelector('.ll-footer p'); }"""
IN_VIEW_JS = """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
    return r.top >= 0 && r.bottom <= innerHeight && r.height > 0; }"""
# Every control a finger must hit, visible, smaller than 44 px in height (a checkbox counts by its label, which is
# the target). Links inside running text are exempt (WCAG 2.5.8), as are the browser's own file input internals.
SMALL_TARGETS_JS = """(root) => [...document.querySelectorAll(root + ' :is(button, select, input[type=number], '
        + 'input[type=text], summary, .widget-checkbox label, nav a)')]
    .filter(e => e.checkVisibility() && e.getBoundingClientRect().width > 0)
    .map(e => [e.tagName.toLowerCase() + '.' + e.className.toString().slice(0, 60) + ' "' + e.innerText.slice(0, 30)
               + '"', e.getBoundingClientRect().height])
    .filter(([_, h]) => h < 43.5)"""
FOCUSED_JS = """() => { const a = document.activeElement; const s = getComputedStyle(a);
    return {tag: a.tagName.toLowerCase(), cls: a.className.toString(), text: a.innerText || '',
            outline: parseFloat(s.outlineWidth) || 0, style: s.outlineStyle}; }"""


@pytest.fixture(scope="module")
def base(voila_server) -> str:
    return voila_server("notebooks")


def open_page(context, url: str, ready: str = READY_JS):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_function(ready, timeout=90_000)
    page.wait_for_function(READY_JS, timeout=90_000)
    page.errors = errors
    return page


def assert_accessible(page, when: str) -> None:
    violations = axe_check(page)
    assert not violations, f"{when}:\n{format_violations(violations)}"


def select_fact(page, field: str, value, lang: str) -> None:
    page.locator(f".ll-fact-{field} select").select_option(value=FIELD_BY_NAME[field].label_of(value, lang))


def shot(page, artifacts_dir: Path, name: str) -> None:
    path = artifacts_dir / f"classroom-{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000, f"{path} looks empty"


# --- a phone: 390x844, touch ---------------------------------------------------------------------------------


def test_on_a_phone_the_outcome_stays_in_view_tables_fit_and_targets_are_large(base, projector_browser, artifacts_dir):
    context = projector_browser.new_context(**PHONE)
    try:
        page = open_page(context, f"{base}voila/render/analyzer.ipynb?lang=en", ANALYZER_READY_JS)
        # One outcome card (the contract's hook), one bar: the same form.
        assert page.locator(".ll-outcome").count() == 1
        width = page.evaluate("() => document.querySelector('.ll-col-facts').getBoundingClientRect().width")
        assert width >= 340, f"the facts column is {width}px wide on a 390px phone"
        facts: dict = {}  # the page opens on the model's defaults
        start = analyze(facts, "statute", "en")["liability_form"]
        assert page.locator(".ll-outcome-bar").get_attribute("data-liability-form") == start

        # Change a fact far down the facts column: the bar, on screen beside it, shows the new form and names the
        # change; the card is screens away below.
        page.locator(".ll-fact-platform_knowledge select").scroll_into_view_if_needed()
        select_fact(page, "platform_knowledge", "knew", "en")
        want = analyze({**facts, "platform_knowledge": "knew"}, "statute", "en")["liability_form"]
        assert want != start
        page.wait_for_function("(f) => document.querySelector('.ll-outcome-bar').dataset.liabilityForm === f", arg=want,
                               timeout=15_000)
        bar = page.locator(".ll-outcome-bar")
        assert "ll-bar-flash" in bar.get_attribute("class")
        text = bar.inner_text().replace("\xa0", " ")
        assert FIELD_BY_NAME["platform_knowledge"].label["en"] in text and "Changed" in text, text
        assert page.evaluate(IN_VIEW_JS, ".ll-outcome-bar"), "the outcome bar is off screen"
        assert page.evaluate(IN_VIEW_JS, ".ll-fact-platform_knowledge select")
        assert not page.evaluate(IN_VIEW_JS, ".ll-outcome"), "the card was expected below the facts on a phone"
        shot(page, artifacts_dir, "phone-analyzer-bar")

        # Wide tables: the comparison scrolls inside its own box, with a hint, and nothing else does; the burden of
        # proof is one card per fact.
        page.locator(".ll-compare-table").scroll_into_view_if_needed()
        wrap = page.evaluate("""() => { const w = document.querySelector('.ll-table-wrap');
            const card = document.querySelector('.ll-card-comparison');
            return {scrolls: w.scrollWidth > w.clientWidth, card: card.scrollWidth - card.clientWidth,
                    hint: document.querySelector('.ll-scroll-hint').checkVisibility(),
                    page: document.querySelector('#rendered_cells').scrollWidth
                          - document.querySelector('#rendered_cells').clientWidth}; }""")
        assert wrap == {"scrolls": True, "card": 0, "hint": True, "page": 0}, wrap
        rows = page.evaluate("""() => [...document.querySelectorAll('.ll-burden-table tbody tr')]
            .map(r => [getComputedStyle(r).display, r.getBoundingClientRect().width])""")
        assert rows and all(d == "block" and w <= 390 for d, w in rows), rows
        shot(page, artifacts_dir, "phone-analyzer-tables")

        # What-if buttons: whole labels (no "..."), all different.
        labels = page.evaluate("""() => [...document.querySelectorAll('.ll-pivotal button')].map(b =>
            [b.innerText, b.scrollWidth <= b.clientWidth + 1, getComputedStyle(b).whiteSpace])""")
        assert labels and all(fits and ws == "normal" for _, fits, ws in labels), labels
        assert len({t for t, _, _ in labels}) == len(labels), labels

        small = page.evaluate(SMALL_TARGETS_JS, ".ll-app")
        assert not small, f"touch targets under 44 px: {small}"
        assert_accessible(page, "the analyzer on a phone (en)")
        page.locator(".ll-lang button", has_text="中文").click()
        page.wait_for_function("() => document.querySelector('.ll-outcome-bar').innerText.includes('结论')",
                               timeout=15_000)
        assert_accessible(page, "the analyzer on a phone (zh)")
        assert not page.errors, page.errors
        page.close()

        # Chapter 06: the what-if result shows where the user is (at the foot of the screen, under the buttons).
        page = open_page(context, f"{base}voila/render/06_four_cases.ipynb?lang=en")
        button = page.locator(".ll-case-replay .ll-pivotal button").first
        button.scroll_into_view_if_needed()
        before = page.locator(".ll-whatif-result").inner_text()
        button.tap()
        page.wait_for_function("(b) => document.querySelector('.ll-whatif-result').innerText !== b", arg=before,
                               timeout=15_000)
        page.wait_for_timeout(300)
        assert page.evaluate(IN_VIEW_JS, ".ll-whatif-result .ll-whatif-card"), "the what-if result is off screen"
        labels = page.locator(".ll-case-replay .ll-pivotal button").evaluate_all(
            "bs => bs.map(b => b.scrollWidth <= b.clientWidth + 1)")
        assert all(labels), "a what-if label is cut off"
        small = page.evaluate(SMALL_TARGETS_JS, ".ll-case-replay")
        assert not small, f"touch targets under 44 px: {small}"
        shot(page, artifacts_dir, "phone-chapter06-whatif")
        assert_accessible(page, "chapter 06 on a phone (en)")
        page.close()

        # Chapter 07 in Chinese: its tables fit the phone (they scroll inside their own box), nothing else does.
        page = open_page(context, f"{base}voila/render/07_burden_of_proof.ipynb?lang=zh")
        wide = page.evaluate("""() => { const c = document.querySelector('#rendered_cells');
            return c.scrollWidth - c.clientWidth; }""")
        assert wide <= 1, f"chapter 07 scrolls sideways by {wide}px on a phone"
        shot(page, artifacts_dir, "phone-chapter07")
        assert_accessible(page, "chapter 07 on a phone (zh)")
        page.close()
    finally:
        context.close()


# --- a 1024x768 projector, the keyboard, the printer ---------------------------------------------------------


def test_on_a_projector_two_columns_the_keyboard_and_print(base, projector_browser, artifacts_dir):
    context = projector_browser.new_context(**PROJECTOR)
    try:
        page = open_page(context, f"{base}voila/render/analyzer.ipynb?lang=en", ANALYZER_READY_JS)
        cols = page.evaluate("""() => { const f = document.querySelector('.ll-col-facts').getBoundingClientRect();
            const r = document.querySelector('.ll-col-results').getBoundingClientRect();
            const o = document.querySelector('.ll-outcome').getBoundingClientRect();
            return {side: r.left >= f.right - 1 && r.top < f.top + 60, outcome: o.top}; }""")
        assert cols["side"] and cols["outcome"] < 768, f"one column at 1024 px, or the outcome below the fold: {cols}"
        boxes = page.evaluate("""() => [...document.querySelectorAll('.ll-app *')].filter(e => {
            const s = getComputedStyle(e); return ['auto', 'scroll'].includes(s.overflowX)
                && e.scrollWidth > e.clientWidth + 1 && e.checkVisibility(); }).map(e => e.className.toString())""")
        assert not boxes, f"boxes scrolling sideways at 1024 px: {boxes}"
        assert_accessible(page, "the analyzer at 1024x768 (en)")
        shot(page, artifacts_dir, "projector-analyzer")

        # Keyboard: Tab reaches the casebook's header, Enter opens it, and the focus ring is at least 3 px.
        page.locator(".ll-regime select").focus()
        for _ in range(8):
            page.keyboard.press("Tab")
            if "ll-cases-toggle" in page.evaluate(FOCUSED_JS)["cls"]:
                break
        focused = page.evaluate(FOCUSED_JS)
        assert "ll-cases-toggle" in focused["cls"], f"Tab never reached the casebook header: {focused}"
        assert focused["outline"] >= 3 and focused["style"] == "solid", focused
        page.keyboard.press("Enter")
        page.locator(".ll-case-select select").wait_for(state="visible", timeout=10_000)
        page.keyboard.press("Space")  # closes it again: the button still has the focus
        page.locator(".ll-case-select select").wait_for(state="hidden", timeout=10_000)

        # A what-if button pressed with the keyboard changes the facts; the focus stays among the what-if buttons.
        first = page.locator(".ll-pivotal button").first
        first.focus()
        pressed = first.inner_text()
        page.keyboard.press("Enter")
        # the pressed change is no longer pivotal: its button has left the page (the focus with it, before)
        page.wait_for_function("""(t) => { const bs = [...document.querySelectorAll('.ll-pivotal button')];
            return bs.length && !bs.some(b => b.innerText === t); }""", arg=pressed, timeout=15_000)
        page.wait_for_function("() => document.activeElement.closest('.ll-pivotal')", timeout=10_000)
        focused = page.evaluate(FOCUSED_JS)
        assert focused["tag"] == "button" and focused["outline"] >= 3, focused
        shot(page, artifacts_dir, "projector-keyboard-focus")

        # Print: the whole app across pages, the language switch hidden, every <details> open.
        check_print(page, "the analyzer", pages_over=3)
        page.close()

        page = open_page(context, f"{base}voila/render/05_safety_duty.ipynb?lang=zh")
        assert_accessible(page, "chapter 05 at 1024x768 (zh)")
        shot(page, artifacts_dir, "projector-chapter05")
        check_print(page, "chapter 05", pages_over=1)
        page.close()
    finally:
        context.close()


def check_print(page, what: str, pages_over: int) -> None:
    page.emulate_media(media="print")
    try:
        state = page.evaluate("""() => { const r = document.querySelector('#rendered_cells');
            const cells = [...document.querySelectorAll('#rendered_cells .jp-Cell')].filter(c => c.innerText.trim());
            const last = cells[cells.length - 1];
            const closed = [...document.querySelectorAll('#rendered_cells details')].filter(d => d.checkVisibility()
                && [...d.children].some(c => c.tagName !== 'SUMMARY' && !c.checkVisibility()));
            return {clipped: r.scrollHeight - r.clientHeight, docHeight: document.documentElement.scrollHeight,
                    lastBottom: last.getBoundingClientRect().bottom, lastShown: last.checkVisibility(),
                    closed: closed.length, lang: document.querySelector('.ll-lang').checkVisibility()}; }""")
        assert state["clipped"] <= 1, f"{what}: printing still clips the scrolling panel: {state}"
        assert state["lastShown"] and state["lastBottom"] <= state["docHeight"] + 1, f"{what}: {state}"
        assert state["closed"] == 0 and not state["lang"], f"{what}: {state}"
        pdf = page.pdf(format="A4", print_background=True)
        pages = len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))  # Chromium writes its page objects uncompressed
        assert pages > pages_over, f"{what}: the PDF has {pages} pages"
    finally:
        page.emulate_media(media="screen")


# --- 1920x1080 at 150 %: presenter mode ----------------------------------------------------------------------


def test_presenter_mode_at_150_percent(base, projector_browser, artifacts_dir):
    context = projector_browser.new_context(**HIDPI)
    try:
        page = open_page(context, f"{base}voila/render/analyzer.ipynb?lang=en&present=1", ANALYZER_READY_JS)
        assert page.locator(".ll-app.ll-present").count() == 1
        assert page.locator(".ll-status .ll-message").count() == 0, "?present=1 was reported as a bad parameter"
        zoom = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.ll-app')).zoom)")
        assert zoom >= 1.25, zoom
        # The outcome stays on screen wherever the presenter is in the facts.
        page.locator(".ll-fact-label_defect_only").scroll_into_view_if_needed()
        assert page.evaluate(IN_VIEW_JS, ".ll-outcome-bar"), "the outcome bar is off screen in presenter mode"
        shot(page, artifacts_dir, "present-analyzer")
        assert_accessible(page, "the analyzer in presenter mode")
        page.close()

        page = open_page(context, f"{base}voila/render/00_start_here.ipynb?lang=zh&present=1")
        zoom = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('#rendered_cells > *')).zoom)")
        assert zoom >= 1.25, zoom
        tour = page.locator(".ll-controls-tour .ll-fact-platform_knowledge select")
        tour.scroll_into_view_if_needed()
        assert page.evaluate(IN_VIEW_JS, ".ll-controls-tour .ll-outcome"), "the chapter's outcome is off screen"
        shot(page, artifacts_dir, "present-chapter00")
        page.close()
    finally:
        context.close()
