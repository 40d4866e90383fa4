"""The analyzer end to end: Voila -> kernel -> widgets -> headless Chromium, as a student or a teacher uses it.

Every test opens ``voila/render/analyzer.ipynb`` from one shared Voila server, in a 1280x720 window (a projector)
of a Chromium that shows its scrollbars (Playwright hides them by default, which would hide a sideways scrollbar
from every screenshot). Expected outcomes come from the engine (:func:`casebook.engine.analyze`), labels from the
scenario model, verbatim statute text from the statute files: the page must show what the project's own layers say.

Screenshots go to ``artifacts/screenshots/analyzer-*.png``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from casebook import share, statutes
from casebook.cases import decision
from casebook.engine import analyze
from casebook.scenario import FIELD_BY_NAME, FIELDS, validate
from e2e_helpers import projector_browser  # noqa: F401 (a fixture this module uses)
from e2e_helpers import axe_check, format_violations, set_fact

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

ANALYZER = "voila/render/analyzer.ipynb"
PROJECTOR = {"width": 1280, "height": 720}
FIELD_NAMES = [f.name for f in FIELDS]
TITLE = {"zh": "平台责任实验室 · 案例分析器", "en": "Platform Liability Lab · Case analyzer"}
# Chinese that an English page may still show: the switch's own label and button, court case numbers, and the
# paper's title and author, which are names and are quoted as the paper gives them.
ALLOWED_CJK = [re.compile(p) for p in (
    r"语言", r"中文", r"[(（]\d{4}[)）][^\s;；,，、]*?号", r"《[^》]*》", r"刘燕婷", r"相应的责任")]
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# Every scrollable box in the app that actually overflows: with visible scrollbars each one is a scrollbar.
OVERFLOWING_BOXES_JS = """() => {
    const out = [];
    for (const e of document.querySelectorAll('.ll-app, .ll-app *')) {
        const s = getComputedStyle(e);
        const x = ['auto', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1;
        const y = ['auto', 'scroll'].includes(s.overflowY) && e.scrollHeight > e.clientHeight + 1
                  && e.clientHeight > 0;
        if ((x || y) && e.checkVisibility())
            out.push(`${x ? 'sideways' : 'vertical'}: ${e.className.toString().replace(/lm-\\S+|jupyter-\\S+/g, '')
                      .trim().slice(0, 80)} (${e.scrollWidth}x${e.scrollHeight} in ${e.clientWidth}x${e.clientHeight})`);
    }
    return out;
}"""

ENGLISH_PAGE_CJK_JS = """() => {
    const app = document.querySelector('.ll-app');
    const out = [];
    const walker = document.createTreeWalker(app, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        const el = node.parentElement;
        if (!el || el.closest('[lang=zh]') || !el.checkVisibility()) continue;
        if (node.textContent.trim()) out.push(node.textContent.trim());
    }
    for (const o of app.querySelectorAll('option')) out.push(o.textContent);
    for (const e of app.querySelectorAll('[title]')) if (!e.closest('.ll-lang')) out.push(e.title);
    return out;
}"""


# --- fixtures ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(voila_server) -> str:
    """One Voila server for the whole module (the fixture reuses it for identical arguments)."""
    return voila_server("notebooks")


@pytest.fixture
def projector(projector_browser):
    """A fresh 1280x720 browser context (downloads accepted); yields a function that opens new pages in it."""
    context = projector_browser.new_context(viewport=PROJECTOR, accept_downloads=True)
    try:
        yield context
    finally:
        context.close()


# --- helpers -------------------------------------------------------------------------------------------------


class Analyzer:
    """One analyzer page, with the page's JavaScript errors collected from the start."""

    def __init__(self, context, base: str, query: str = ""):
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.url = f"{base}{ANALYZER}" + (f"?{query}" if query else "")
        self.page.goto(self.url)
        self.page.locator(".ll-outcome[data-liability-form]").wait_for(state="visible", timeout=60_000)
        self.page.wait_for_function(
            "(fields) => fields.every(f => document.querySelector('.ll-fact-' + f))"
            " && document.querySelector('.ll-footer p')"
            " && (document.querySelector('.ll-share-link input') || {}).value",
            arg=FIELD_NAMES, timeout=30_000)  # interactive: every control, the footer and the share link drawn

    # reading

    @property
    def form(self) -> str:
        return self.page.locator(".ll-outcome").get_attribute("data-liability-form")

    def text(self, selector: str) -> str:
        # ipywidgets writes the spaces of labels and options as no-break spaces
        return self.page.locator(selector).first.inner_text().replace("\xa0", " ")

    def facts(self, lang: str) -> dict:
        """Every fact control's value as the page shows it, mapped back to scenario values."""
        raw = self.page.evaluate(
            """(fields) => Object.fromEntries(fields.map(f => {
                const el = document.querySelector('.ll-fact-' + f);
                const select = el.querySelector('select');
                if (select) return [f, select.value];
                const box = el.querySelector('input[type=checkbox]');
                if (box) return [f, box.checked];
                const auto = document.querySelector('.ll-fact-' + f + '-auto input[type=checkbox]');
                if (auto && auto.checked) return [f, null];
                return [f, el.querySelector('input').value];
            }))""",
            FIELD_NAMES)
        out = {}
        for name, shown in raw.items():
            spec = FIELD_BY_NAME[name]
            if spec.kind == "choice":
                by_label = {spec.label_of(v, lang): v for v in spec.options}
                assert shown in by_label, f"{name}: the page shows {shown!r}, not one of {list(by_label)}"
                out[name] = by_label[shown]
            elif spec.kind == "number" and shown is not None:  # a share is shown in percent ("30%")
                out[name] = float(shown[:-1]) / 100 if shown.endswith("%") else float(shown)
            else:
                out[name] = shown
        return out

    # acting

    def set_fact(self, name: str, value, lang: str) -> None:
        set_fact(self.page, name, value, lang)

    def wait_for(self, facts: dict, regime: str = "statute") -> dict:
        """Wait until the kernel has answered: the outcome is the engine's and the share link holds ``facts``."""
        expected = analyze(facts, regime, "en")
        self.page.locator(f'.ll-outcome[data-liability-form="{expected["liability_form"]}"]'
                          f'[data-regime="{regime}"]').wait_for(timeout=15_000)
        self.page.wait_for_function(
            """([token, regime]) => {
                const link = document.querySelector('.ll-share-link input').value;
                return link.includes('scenario=' + token + '&') && link.endsWith('regime=' + regime);
            }""",
            arg=[share.encode(facts), regime], timeout=15_000)
        return expected

    def shot(self, directory: Path, name: str, element: str | None = None) -> Path:
        if element:  # to the top of the screen, as a teacher scrolls to it
            self.page.locator(element).first.evaluate("e => e.scrollIntoView({block: 'start'})")
        path = directory / f"analyzer-{name}.png"
        self.page.screenshot(path=str(path))
        assert path.stat().st_size > 10_000, f"{path} looks empty"
        return path


def assert_clean(app: Analyzer) -> None:
    """No traceback, no Voila error, no stderr output, no JavaScript error, no warning in the status line."""
    body = app.page.locator("body").inner_text()
    bad = re.findall(r"Traceback|There was an error when executing|\b[A-Z]\w*(?:Error|Exception)\b", body)
    assert not bad, f"error text on the page: {bad}"
    assert app.page.locator('[data-mime-type="application/vnd.jupyter.stderr"], '
                            '[data-mime-type="application/vnd.jupyter.error"]').count() == 0
    assert app.page.locator(".ll-status .ll-message").count() == 0, app.text(".ll-status")
    assert not app.errors, f"JavaScript errors: {app.errors}"


def assert_projector_fit(app: Analyzer) -> None:
    """Nothing scrolls sideways at 1280x720, and no box in the app shows a scrollbar of its own."""
    page = app.page
    assert page.evaluate("document.documentElement.scrollWidth") <= PROJECTOR["width"]
    cells = page.evaluate("(() => { const c = document.querySelector('#rendered_cells');"
                          " return c ? [c.scrollWidth, c.clientWidth] : [0, 0]; })()")
    assert cells[0] <= cells[1] + 1, f"the page scrolls sideways: {cells}"
    boxes = page.evaluate(OVERFLOWING_BOXES_JS)
    assert not boxes, "boxes with their own scrollbar:\n" + "\n".join(boxes)


def assert_accessible(app: Analyzer, when: str) -> None:
    violations = axe_check(app.page)
    assert not violations, f"{when}:\n{format_violations(violations)}"


# --- tests ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_analyzer_loads_in_each_language(projector, base, artifacts_dir, lang):
    app = Analyzer(projector, base, f"lang={lang}")
    page = app.page
    assert_clean(app)

    # The contract's page hooks: a control per fact, the outcome with its form, the language switch.
    for name in FIELD_NAMES:
        assert page.locator(f".ll-fact-{name}").count() == 1, name
    expected = analyze({}, "statute", lang)
    assert app.form == expected["liability_form"] == "none"
    assert page.locator(".ll-lang button").all_inner_texts() == ["中文", "English"]
    assert page.locator(".ll-lang button.mod-active").inner_text() == {"zh": "中文", "en": "English"}[lang]

    # The page speaks the chosen language: title, fact labels and choices, the outcome, the trace, the narrative.
    assert app.text(".ll-h1") == TITLE[lang]
    spec = FIELD_BY_NAME["platform_knowledge"]
    assert app.text(".ll-fact-platform_knowledge .widget-label") == spec.label[lang]
    assert [t.replace("\xa0", " ") for t in page.locator(".ll-fact-platform_knowledge option").all_inner_texts()] \
        == [spec.label_of(v, lang) for v in spec.options]
    assert app.text(".ll-fact-food .widget-label-basic") == FIELD_BY_NAME["food"].label[lang]
    assert app.text(".ll-outcome .ll-form-name") == expected["form_name"]
    assert app.text(".ll-trace .ll-rule-name") == expected["trace"][0]["name"]
    other = {"zh": "en", "en": "zh"}[lang]
    assert page.locator(f".jp-RenderedMarkdown .ll-{lang}").first.is_visible()
    assert not page.locator(f".jp-RenderedMarkdown .ll-{other}").first.is_visible()

    # A projector: the outcome and the first facts are on the first screen; nothing scrolls sideways.
    first_screen = PROJECTOR["height"]
    assert page.locator(".ll-outcome .ll-form-name").bounding_box()["y"] + 40 < first_screen
    box = page.locator(".ll-fact-platform_mode select").bounding_box()
    assert box["y"] + box["height"] <= first_screen, "the first fact is below the first screen"
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('.ll-app *')]
        .filter(e => e.checkVisibility() && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .map(e => parseFloat(getComputedStyle(e).fontSize)))""")
    assert smallest >= 13, f"text as small as {smallest}px is unreadable on a projector"
    assert_projector_fit(app)
    app.shot(artifacts_dir, lang)
    assert_accessible(app, f"the {lang} page")


def test_the_language_switch_changes_every_text_at_once(projector, base, artifacts_dir):
    app = Analyzer(projector, base, "lang=zh")
    page = app.page
    zh, en = analyze({}, "statute", "zh"), analyze({}, "statute", "en")
    assert app.text(".ll-outcome .ll-form-name") == zh["form_name"]
    page.evaluate("window.__llSamePage = 'yes'")

    page.locator(".ll-lang button", has_text="English").click()
    spec = FIELD_BY_NAME["platform_knowledge"]
    page.wait_for_function(
        """([title, label, option, form, step, summary]) => {
            const t = (s) => ((document.querySelector(s) || {}).textContent || '').replace(/\u00a0/g, ' ');
            return t('.ll-h1') === title && t('.ll-fact-platform_knowledge .widget-label') === label
                && t('.ll-fact-platform_knowledge option') === option && t('.ll-outcome .ll-form-name') === form
                && t('.ll-trace .ll-rule-name') === step && t('.ll-outcome .ll-summary') === summary
                && t('.ll-memo-prepare') === 'Prepare memo';
        }""",
        arg=[TITLE["en"], spec.label["en"], spec.label_of("none", "en"), en["form_name"], en["trace"][0]["name"],
             en["summary"]],
        timeout=10_000)  # every part of the page switched (speed: benchmarks/, not a test)

    # The same page (no reload), the same URL, and nothing left in Chinese but names and the switch itself.
    assert page.evaluate("window.__llSamePage") == "yes"
    assert page.url == app.url
    assert page.locator(".ll-lang button.mod-active").inner_text() == "English"
    # The switch reaches the page as one batch of messages, but the browser applies them over several tasks: under
    # load the last labels land a moment after the ones waited for above. Poll (no wall-clock limit is judged).
    def leftover() -> list:
        found = []
        for text in page.evaluate(ENGLISH_PAGE_CJK_JS):
            for allowed in ALLOWED_CJK:
                text = allowed.sub("", text)
            if CJK.search(text):
                found.append(text[:100])
        return found

    left = leftover()
    for _ in range(40):
        if not left:
            break
        page.wait_for_timeout(250)
        left = leftover()
    assert not left, "Chinese left on the English page:\n" + "\n".join(left)
    assert page.locator(".jp-RenderedMarkdown .ll-en").first.is_visible()
    assert not page.locator(".jp-RenderedMarkdown .ll-zh").first.is_visible()
    trace_steps = page.locator(".ll-trace .ll-rule-name").all_inner_texts()
    assert trace_steps == [step["name"] for step in en["trace"]]
    app.shot(artifacts_dir, "switched-en")

    # And back: one click, Chinese again.
    page.locator(".ll-lang button", has_text="中文").click()
    page.wait_for_function("(title) => document.querySelector('.ll-h1').textContent === title", arg=TITLE["zh"])
    page.wait_for_function("(form) => document.querySelector('.ll-outcome .ll-form-name').textContent === form",
                           arg=zh["form_name"])
    assert_clean(app)


def test_changing_facts_changes_the_outcome(projector, base, artifacts_dir):
    app = Analyzer(projector, base, "lang=en")
    facts: dict = {}
    assert app.form == "none"

    # ECL art. 38 para. 1: a platform that knew and took no measures is jointly liable.
    app.set_fact("platform_knowledge", "knew", "en")
    facts["platform_knowledge"] = "knew"
    assert app.wait_for(facts)["liability_form"] == "joint"
    assert app.text(".ll-outcome .ll-form-name") == "Joint and several liability"

    # ... unless it took the necessary measures.
    app.set_fact("necessary_measures", True, "en")
    facts["necessary_measures"] = True
    assert app.wait_for(facts)["liability_form"] == "none"

    # CRPL art. 44 para. 1: a platform that cannot identify the seller answers to the consumer.
    app.set_fact("seller_identity_disclosed", False, "en")
    facts["seller_identity_disclosed"] = False
    expected = app.wait_for(facts)
    assert expected["liability_form"] not in ("none", "joint")
    assert app.text(".ll-outcome .ll-form-name") == expected["form_name"]

    # Food ticks and locks "life and health"; the money follows the damages.
    app.set_fact("food", True, "en")
    facts.update(food=True, life_health_goods=True)  # the panel ticks what food implies
    app.set_fact("damages", 2500.0, "en")
    facts["damages"] = 2500.0
    expected = app.wait_for(facts)
    boxes = app.page.locator(".ll-fact-life_health_goods input[type=checkbox]")
    assert boxes.is_checked() and boxes.is_disabled()
    assert "2,500.00" in app.text(".ll-outcome .ll-money-damages")
    assert app.text(".ll-trace .ll-rule-name") == expected["trace"][0]["name"]
    app.shot(artifacts_dir, "after-change", ".ll-header")

    # A pivotal-fact button changes the fact on the panel and the outcome with it.
    app.set_fact("seller_identity_disclosed", True, "en")
    facts["seller_identity_disclosed"] = True
    expected = app.wait_for(facts)
    pivot = next(p for p in expected["pivotal_facts"] if p["field"] == "necessary_measures")
    app.page.locator(".ll-pivot-necessary_measures").click()
    facts["necessary_measures"] = pivot["value"]
    assert app.wait_for(facts)["liability_form"] == pivot["liability_form"]
    assert app.page.locator(".ll-fact-necessary_measures input").is_checked() is pivot["value"]
    assert app.facts("en") == validate(facts).to_dict()
    assert_clean(app)


def test_a_share_link_reproduces_the_scenario(projector, base, artifacts_dir):
    app = Analyzer(projector, base, "lang=en")
    facts = {"life_health_goods": True, "safety_duty": "failed", "harm": "personal_injury",
             "causation": "risk_increasing", "risk_level": "major_public_safety", "platform_tier": "medium",
             "damages": 2500.0, "consumer_fault": 0.2, "seller_can_pay": 0.4}
    for name, value in facts.items():
        app.set_fact(name, value, "en")
    from widgets.regime_comparison import regime_name

    app.page.locator(".ll-regime select").select_option(value=regime_name("proposal", "en"))
    expected = app.wait_for(facts, regime="proposal")
    shown = app.facts("en")
    assert shown == validate(facts).to_dict()

    link = app.page.locator(".ll-share-link input").input_value()
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{base}{ANALYZER}"
    query = parse_qs(parts.query)
    assert query["lang"] == ["en"] and query["regime"] == ["proposal"]
    assert share.decode(query["scenario"][0]).to_dict() == validate(facts).to_dict()

    other = Analyzer(projector, base, parts.query)
    assert other.facts("en") == shown
    assert other.form == app.form == expected["liability_form"]
    assert other.page.locator(".ll-outcome").get_attribute("data-regime") == "proposal"
    assert other.page.locator(".ll-regime select").input_value() == regime_name("proposal", "en")
    assert other.text(".ll-outcome .ll-form-name") == app.text(".ll-outcome .ll-form-name")
    assert other.text(".ll-outcome .ll-money") == app.text(".ll-outcome .ll-money")
    assert other.page.locator(".ll-share-link input").input_value() == link
    assert_clean(other)


def test_a_scenario_parameter_loads_the_scenario_and_a_bad_one_is_reported(projector, base):
    facts = {"food": True, "qualification_review": "failed", "damages": 800.0, "price": 100.0,
             "ten_fold_claim": True}
    app = Analyzer(projector, base, f"lang=zh&scenario={share.encode(facts)}")
    assert_clean(app)
    assert app.facts("zh") == validate({**facts, "life_health_goods": True}).to_dict()
    expected = analyze(facts, "statute", "zh")
    assert app.form == expected["liability_form"]
    assert app.text(".ll-outcome .ll-form-name") == expected["form_name"]
    assert app.page.locator(".ll-fact-life_health_goods input").is_disabled()

    bad = Analyzer(projector, base, "lang=en&scenario=zZZZ%3Cscript%3E")
    assert "shared scenario could not be read" in bad.text(".ll-status .ll-message")
    assert "<script" not in bad.page.locator(".ll-status").inner_html()
    assert bad.form == "none" and bad.facts("en") == validate({}).to_dict()
    assert "Traceback" not in bad.page.locator("body").inner_text()


def test_the_memo_downloads_with_the_law_the_outcome_and_the_assumptions(projector, base, tmp_path):
    case = decision("zhang-v-jd")
    notes = case["scenario"]["assumptions"]
    app = Analyzer(projector, base, "lang=en&case=zhang-v-jd")
    assert_clean(app)
    expected = analyze(case["scenario"], "statute", "en")
    assert app.form == expected["liability_form"] == "joint"
    assert "Loaded the decision" in app.text(".ll-status .ll-info")

    app.page.locator(".ll-memo-prepare").click()
    app.page.locator("a.ll-memo-md").wait_for(timeout=20_000)
    verbatim = statutes.paragraph_text("e-commerce-law", 38, 1, "zh")
    phrase = "知道或者应当知道平台内经营者销售的商品或者提供的服务不符合保障人身、财产安全的要求"
    assert phrase in verbatim

    files = {}
    for kind, selector, name in (("md", "a.ll-memo-md", "liability-memo.md"),
                                 ("html", "a.ll-memo-html", "liability-memo.html")):
        with app.page.expect_download(timeout=15_000) as info:
            app.page.locator(selector).click()
        download = info.value
        assert download.suggested_filename == name
        target = tmp_path / name
        download.save_as(target)
        files[kind] = target.read_text(encoding="utf-8")

    md, html = files["md"], files["html"]
    assert md.startswith("# Platform liability memo")
    assert "**Conclusion:** Joint and several liability" in md
    assert phrase in md and phrase in html
    assert "Joint and several liability" in html and html.lstrip().lower().startswith(("<!doctype html", "<html"))
    # Each assumption of the loaded decision is flagged next to its fact.
    for field in notes:
        row = next(line for line in md.splitlines() if line.startswith(f"| {FIELD_BY_NAME[field].label['en']} |"))
        assert "assumption" in row.lower() and "Assumption: Illustrative" not in row, row
    assert html.count("Illustrative assumption") >= sum(
        1 for n in notes.values() if "Illustrative assumption" in n["en"])


def test_scenario_files_download_and_upload_through_the_share_panel(projector, base, artifacts_dir, tmp_path):
    facts = {"platform_mode": "appears_self_operated", "harm": "personal_injury", "damages": 3200.0,
             "seller_can_pay": 0.5, "life_health_goods": True}
    app = Analyzer(projector, base, "lang=en")
    for name, value in facts.items():
        app.set_fact(name, value, "en")
    expected = app.wait_for(facts)

    downloaded = {}
    for selector, name in (("a.ll-download-yaml", "scenario.yaml"), ("a.ll-download-json", "scenario.json")):
        with app.page.expect_download(timeout=15_000) as info:
            app.page.locator(selector).click()
        assert info.value.suggested_filename == name
        downloaded[name] = tmp_path / name
        info.value.save_as(downloaded[name])
    assert validate(yaml.safe_load(downloaded["scenario.yaml"].read_text(encoding="utf-8"))).to_dict() == \
        validate(facts).to_dict()
    assert validate(json.loads(downloaded["scenario.json"].read_text(encoding="utf-8"))).to_dict() == \
        validate(facts).to_dict()

    # A fresh page takes the downloaded file back through the upload button.
    fresh = Analyzer(projector, base, "lang=en")
    assert fresh.form == "none"
    with fresh.page.expect_file_chooser() as chooser:
        fresh.page.locator(".ll-upload").click()
    chooser.value.set_files(downloaded["scenario.yaml"])
    fresh.wait_for(facts)
    assert fresh.form == expected["liability_form"]
    assert fresh.facts("en") == validate(facts).to_dict()
    assert "scenario.yaml" in fresh.text(".ll-upload-ok")

    # A file with an unknown field changes nothing and says which field.
    bad = tmp_path / "bad.yaml"
    bad.write_text("platform_mood: cheerful\ndamages: 1\n", encoding="utf-8")
    with fresh.page.expect_file_chooser() as chooser:
        fresh.page.locator(".ll-upload").click()
    chooser.value.set_files(bad)
    fresh.page.locator(".ll-upload-error").wait_for(timeout=15_000)
    assert "platform_mood" in fresh.text(".ll-upload-error")
    assert fresh.facts("en") == validate(facts).to_dict()
    fresh.shot(artifacts_dir, "upload", ".ll-share")
    assert_clean(fresh)


def test_expanded_trace_and_casebook_stay_accessible_and_fit_the_projector(projector, base, artifacts_dir):
    facts = {"life_health_goods": True, "safety_duty": "failed", "harm": "personal_injury"}
    app = Analyzer(projector, base, f"lang=zh&scenario={share.encode(facts)}")
    page = app.page
    expected = analyze(facts, "statute", "zh")
    assert app.form == expected["liability_form"] == "undetermined"

    # Open the article of the decisive step: the verbatim Chinese text of the statute appears.
    article = page.locator(".ll-trace .ll-decisive details.ll-article").first
    article.locator("summary").click()
    assert article.evaluate("e => e.open")
    law, number = article.get_attribute("data-law"), int(article.get_attribute("data-article"))
    quote = article.locator("blockquote.ll-verbatim")
    quote.wait_for(state="visible")
    assert quote.inner_text().strip()[:30] in statutes.paragraph_text(
        law, number, next(r["paragraph"] for s in expected["trace"] if s.get("decisive") for r in s["refs"]
                          if r["law"] == law and r["article"] == number), "zh")
    assert_projector_fit(app)
    app.shot(artifacts_dir, "trace-expanded", ".ll-trace .ll-decisive")
    assert_accessible(app, "with a trace article open")

    # Open the casebook: every decision's name fits in its list, in the narrow facts column.
    page.locator("button.ll-cases-toggle").click()  # a real button (keyboard); the accordion's header is hidden
    select = page.locator(".ll-case-select select")
    select.wait_for(state="visible")
    clipped = select.evaluate("""(s) => {
        const font = getComputedStyle(s).font;
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = font;
        const room = s.clientWidth - 28;  // the arrow and the padding
        return [...s.options].map(o => o.textContent).filter(t => ctx.measureText(t).width > room);
    }""")
    assert not clipped, f"decision names cut off in the case list: {clipped}"
    assert_projector_fit(app)
    app.shot(artifacts_dir, "cases", ".ll-cases-accordion")
    assert_accessible(app, "with the casebook open")
    assert_clean(app)
