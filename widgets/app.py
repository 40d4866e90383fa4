"""AnalyzerApp: the practitioner's page. Facts in, one analysis per change, pushed to every view.

The app owns the facts, the regime and the language; it runs :func:`casebook.engine.analyze` once per change and
hands the result to each component through its ``analysis`` trait. It decides nothing itself. Components written
elsewhere in the kit (burden matrix, pivotal facts, case browser, share panel, evidence checklist, memo export)
are imported when present, so the page still works while one of them is missing.
"""

from __future__ import annotations

import importlib
import os

from traitlets import Dict, List, Unicode, observe

from casebook.engine import REGIMES, analyze
from casebook.scenario import ScenarioError

from .base import esc, safe_lang, tr
from .controls import Accordion, Display, Dropdown, FixedHBox, FixedVBox
from .fact_panel import FactPanel
from .language_switch import LanguageSwitch
from .outcome_card import OutcomeCard
from .payments_chart import PaymentsChart
from .regime_comparison import RegimeComparison, regime_name
from .theme import style_widget
from .trace_view import TraceView
from ._view import shared_layout

UI = {
    "title": {"zh": "平台责任实验室 · 案例分析器", "en": "Platform Liability Lab · Case analyzer"},
    "regime": {"zh": "规则方案", "en": "Regime"},
    "cases": {"zh": "案例：载入论文中的判决", "en": "Cases: load a decision from the paper"},
    "loaded": {"zh": "已载入判决“{name}”。标有“示例性假设”的事实是本教程的假设，不是论文报告的事实。",
               "en": "Loaded the decision \"{name}\". Facts marked \"Illustrative assumption\" are the tutorial's "
                     "assumptions, not facts the paper reports."},
    "case_unknown": {"zh": "没有找到判决 {id}。", "en": "No decision {id} was found."},
    "bad_facts": {"zh": "这些事实无法使用，保留原来的事实：{detail}", "en": "Those facts cannot be used; the previous facts are kept: {detail}"},
    "regime_refused": {"zh": "未接受对规则方案的修改：{detail}", "en": "The change of regime was not accepted: {detail}"},
    "share": {"zh": "分享与导出", "en": "Share and export"},
    "credit": {"zh": "内容依据：刘燕婷《消费者权益保护视角下电商平台法律责任问题研究》，汉斯出版社，2025，CC BY 4.0。"
                     "法条原文来自 LawRefBook/Laws；英文为非官方译文。教学工具，不构成法律意见。",
               "en": "Based on 刘燕婷 (Liu Yanting), 《消费者权益保护视角下电商平台法律责任问题研究》, Hans Publishers 2025, "
                     "CC BY 4.0. Statute texts from LawRefBook/Laws; English renderings unofficial. A teaching tool, "
                     "not legal advice."},
}

# The page's own corrections to ipywidgets' box model, measured at 1280x720 with visible scrollbars: a control or
# box of width 100% keeps ipywidgets' 2px side margins, so each fact field, the facts column and the share panel
# were 4px wider than their box and showed a sideways scrollbar; the header's controls were 4px taller than their
# row and showed a vertical one. A link inside muted help text (the share panel's "open this link") took the
# text's grey and no underline: on a projector nobody could tell it was a link.
APP_CSS = """
.ll-app .ll-field > .lm-Widget, .ll-app .ll-share > .lm-Widget, .ll-app .ll-col-facts > .lm-Widget
  { margin-left: 0; margin-right: 0; }
.ll-app .ll-header, .ll-app .ll-header-controls { overflow: visible; height: auto; }
.ll-app p > a[href]:not([download]) { color: #1a56a6; text-decoration: underline; }
"""

# Components from the other half of the kit: (module, class). Missing ones are skipped.
OPTIONAL = {
    "burden": ("widgets.burden_matrix", "BurdenMatrix"),
    "pivotal": ("widgets.pivotal_facts", "PivotalFacts"),
    "cases": ("widgets.case_browser", "CaseBrowser"),
    "share": ("widgets.share_panel", "SharePanel"),
    "evidence": ("widgets.evidence_view", "EvidenceView"),
    "similar": ("widgets.similar_view", "SimilarCasesView"),
    "memo": ("widgets.memo_export", "MemoExport"),
}


def _optional(key: str):
    module, name = OPTIONAL[key]
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _message_text(message, lang: str) -> str:
    if isinstance(message, dict):
        return str(message.get(lang) or message.get("zh") or message.get("en") or "")
    return str(message)


def _card(widget, cls: str):
    box = FixedVBox([widget], layout=shared_layout(width="100%"))
    box.add_class("ll-card")
    box.add_class(cls)
    return box


class AnalyzerApp(FixedVBox):
    """The case analyzer.

    Traits: ``facts`` (the current valid scenario), ``regime``, ``lang``, ``analysis`` (the engine's analysis of
    the facts under the regime, in the language), ``messages`` (what the status line shows: text or {zh, en}).
    Build it with :meth:`from_environment` on a Voila page, or directly: ``AnalyzerApp(facts, lang=, regime=)``.
    """

    facts = Dict()
    regime = Unicode("statute")
    lang = Unicode("zh")
    analysis = Dict()
    messages = List()

    def __init__(self, facts=None, lang: str = "zh", regime: str = "statute", case: str | None = None,
                 messages=(), base_url: str = "", **kwargs):
        kwargs.setdefault("layout", shared_layout(width="100%"))
        super().__init__(**kwargs)
        self.add_class("ll-app")
        self._batch = True
        lang = safe_lang(lang)
        regime = regime if regime in REGIMES else "statute"
        self.set_trait("lang", lang)
        self.set_trait("regime", regime)
        self._url_messages = list(messages)
        self._info = None  # an informational line ({zh, en}), e.g. after loading a decision

        self._switch = LanguageSwitch(lang=lang)
        self._switch.observe(lambda c: setattr(self, "lang", c["new"]), "lang")
        self._regime = Dropdown(options=[(regime_name(r, lang), r) for r in REGIMES], value=regime,
                                style={"description_width": "initial"}, layout=shared_layout(width="auto"),
                                on_reject=self._regime_refused)
        self._regime.add_class("ll-regime")
        self._regime.observe(lambda c: setattr(self, "regime", c["new"]), "value")
        self._title = Display()
        self._status = Display()
        self._status.add_class("ll-status")
        self._footer = Display()
        self._footer.add_class("ll-footer")
        # The notebook's narrative holds both languages in .ll-zh / .ll-en blocks: show the page's one.
        self._lang_style = Display()

        self.fact_panel = FactPanel(facts=None, lang=lang)
        self.outcome = OutcomeCard(lang=lang)
        self.comparison = RegimeComparison(lang=lang)
        self.trace = TraceView(lang=lang)
        self.chart = PaymentsChart(lang=lang)
        self.parts = {}
        for key in OPTIONAL:
            cls = _optional(key)
            if cls is None:
                continue
            try:
                self.parts[key] = cls(lang=lang, base_url=base_url) if key == "share" else cls(lang=lang)
            except Exception as exc:  # a broken optional part must not take the page down
                self._url_messages.append({"zh": f"组件 {key} 无法加载：{exc}", "en": f"Component {key} failed: {exc}"})
        self._wire_parts()

        header = FixedHBox([self._title, FixedHBox([self._switch, self._regime], layout=shared_layout(width="auto"))],
                           layout=shared_layout(width="100%"))
        header.add_class("ll-header")
        header.children[1].add_class("ll-header-controls")
        left = [self.fact_panel]
        self._cases_box = None
        if "cases" in self.parts:
            # Collapsed at first: the facts come first on a small screen; one click opens the casebook.
            self._cases_box = Accordion(children=[self.parts["cases"]], selected_index=None)
            self._cases_box.add_class("ll-cases-accordion")
            left.insert(0, self._cases_box)
        right = [self.outcome]
        order = [("pivotal", None), ("comparison", self.comparison), ("chart", self.chart), ("burden", None),
                 ("evidence", None), ("similar", None), ("trace", self.trace)]
        for key, widget in order:
            widget = widget if widget is not None else self.parts.get(key)
            if widget is not None:
                right.append(_card(widget, f"ll-card-{key}"))
        col_left = FixedVBox(left)
        col_left.add_class("ll-col-facts")
        col_right = FixedVBox(right)
        col_right.add_class("ll-col-results")
        main = FixedHBox([col_left, col_right], layout=shared_layout(width="100%"))
        main.add_class("ll-main")
        bottom = [self.parts[k] for k in ("share", "memo") if k in self.parts]
        app_style = Display(f"<style>{APP_CSS}</style>")
        app_style.add_class("ll-app-style")
        self.children = [style_widget(), app_style, self._lang_style, header, self._status, main,
                         *[_card(w, "ll-card-export") for w in bottom], self._footer]

        self.fact_panel.observe(self._on_panel_facts, "facts")
        self.fact_panel.observe(self._on_panel_message, "message")
        self.fact_panel.observe(self._on_notes, "notes")
        if facts is not None:
            self._set_facts_or_report(facts)
        if case:
            self.load_case(case)
        self._batch = False
        self.facts = dict(self.fact_panel.facts)
        self._relabel()
        self._recompute()

    # --- construction from the page's URL ----------------------------------------------------------------------

    @classmethod
    def from_environment(cls, **kwargs) -> "AnalyzerApp":
        """The app as the page's URL asks for it (``?lang=``, ``?scenario=``, ``?case=``, ``?regime=``).

        In a preheated kernel (Voila's pool) the page is built with the defaults *before* the visitor's request
        arrives, while the kernel waits in the pool; the URL is applied when it comes (:meth:`apply_query`). The
        ~470 widget models are then created ahead of time instead of in the visitor's second, when a class's
        burst of requests arrives together (measured: benchmarks/run.py, docs/deploy.md).
        """
        from ._kernel import settle
        from .query import _preheated

        base_url = kwargs.pop("base_url", None)
        if _preheated():
            app = cls(**kwargs)
            settle()
            query = _query_string()  # waits for the request
            app.apply_query(query, base_url=base_url or _request_url())
        else:
            app = cls.from_query(_query_string(), base_url=base_url or _request_url(), **kwargs)
        settle()  # the page is built: see widgets/_kernel.py
        return app

    def apply_query(self, query_string, base_url: str = "") -> None:
        """Apply a URL query string to an app built with the defaults: the result is the app :meth:`from_query`
        builds for it (same facts, regime, language, messages and views; the tests compare the two)."""
        wanted = _query_settings(query_string)
        share = self.parts.get("share")
        if share is not None and base_url:
            share.base_url = base_url
        self._batch = True
        try:
            self._url_messages.extend(wanted["messages"])
            self.lang = safe_lang(wanted["lang"])
            if wanted["regime"] in REGIMES:
                self.regime = wanted["regime"]
            if wanted["facts"] is not None:
                self._set_facts_or_report(wanted["facts"])
            if wanted["case"]:
                self.load_case(wanted["case"])
        finally:
            self._batch = False
        self._switch.lang = self.lang
        self.fact_panel.lang = self.lang
        if self._regime.value != self.regime:
            self._regime.value = self.regime
        self.facts = dict(self.fact_panel.facts)
        self._relabel()
        self._recompute()

    @classmethod
    def from_query(cls, query_string, **kwargs) -> "AnalyzerApp":
        """The app for a URL query string; every bad parameter is reported on the page and defaults are used."""
        return cls(**_query_settings(query_string), **kwargs)

    # --- public ------------------------------------------------------------------------------------------------

    def set_facts(self, mapping) -> bool:
        """Replace the facts (a scenario mapping, optionally with ``assumptions``). False, with a message, if invalid."""
        return self._set_facts_or_report(mapping)

    def change(self, field: str, value) -> bool:
        """Change one fact, as if on the panel. False, with a message, if the model refuses it."""
        return self.fact_panel.change(field, value)

    def load_case(self, decision_id: str) -> bool:
        """Load a casebook decision's facts and its assumption notes."""
        browser = self.parts.get("cases")
        if browser is not None and decision_id in getattr(browser, "decision_ids", ()):
            browser.selected = decision_id
            return browser.load(decision_id)
        try:
            from casebook.cases import decision

            dec = decision(decision_id)
        except (KeyError, ImportError, ValueError):
            self._add_message({k: tr(UI, "case_unknown", k).format(id=str(decision_id)[:60]) for k in ("zh", "en")})
            return False
        return self._loaded(dec["id"], dec["scenario"], dec.get("short_name"))

    @property
    def status_html(self) -> str:
        return self._status.value

    # --- wiring ------------------------------------------------------------------------------------------------

    def _wire_parts(self) -> None:
        p = self.parts
        if "pivotal" in p and hasattr(p["pivotal"], "on_apply"):
            p["pivotal"].on_apply(lambda field, value: self.fact_panel.change(field, value))
        if "cases" in p and hasattr(p["cases"], "on_load"):
            p["cases"].on_load(self._on_case_loaded)
        if "share" in p and hasattr(p["share"], "on_upload"):
            p["share"].on_upload(self._set_facts_or_report)

    def _on_case_loaded(self, decision_id: str, scenario) -> None:
        name = None
        browser = self.parts.get("cases")
        dec = getattr(browser, "_by_id", {}).get(decision_id) if browser is not None else None
        if dec is not None:
            name = dec.get("short_name")
        self._loaded(decision_id, scenario, name)

    def _loaded(self, decision_id: str, scenario, name) -> bool:
        if not self._set_facts_or_report(scenario):
            return False
        label = name if isinstance(name, dict) else {"zh": str(name or decision_id), "en": str(name or decision_id)}
        self._info = {k: tr(UI, "loaded", k).format(name=label.get(k) or label.get("zh", "")) for k in ("zh", "en")}
        self._render_status()
        return True

    def _set_facts_or_report(self, mapping) -> bool:
        try:
            self.fact_panel.set_facts(mapping)
        except ScenarioError as exc:
            self._add_message({k: tr(UI, "bad_facts", k).format(detail=str(exc)) for k in ("zh", "en")})
            return False
        return True

    def _regime_refused(self, control, detail: str) -> None:
        self._add_message({k: tr(UI, "regime_refused", k).format(detail=detail) for k in ("zh", "en")})

    def _add_message(self, message) -> None:
        self._url_messages.append(message)
        self._render_status()

    def _on_panel_facts(self, change) -> None:
        self._info = None if not self.fact_panel.notes else self._info
        self.facts = dict(change["new"])

    def _on_panel_message(self, change) -> None:
        self._render_status()

    def _on_notes(self, change) -> None:
        for part in self.parts.values():
            if hasattr(part, "assumptions"):
                part.assumptions = dict(change["new"])

    # --- reacting ----------------------------------------------------------------------------------------------

    @observe("facts", "regime")
    def _on_inputs(self, change) -> None:
        if change["name"] == "regime" and change["new"] not in REGIMES:
            self.regime = change["old"] if change["old"] in REGIMES else "statute"
            return
        if self._batch:
            return
        if change["name"] == "regime" and self._regime.value != change["new"]:
            self._regime.value = change["new"]
        self._recompute(outcome_first=True)

    @observe("lang")
    def _on_lang(self, change) -> None:
        lang = safe_lang(change["new"])
        if lang != change["new"]:
            self.lang = lang
            return
        if self._batch:
            return
        self._switch.lang = lang
        self.fact_panel.lang = lang
        self._relabel()
        self._recompute()

    def _relabel(self) -> None:
        lang = self.lang
        self._title.value = f'<h1 class="ll-h1">{esc(tr(UI, "title", lang))}</h1>'
        self._lang_style.value = (f'<style>.ll-{"en" if lang == "zh" else "zh"} {{ display: none !important; }}</style>'
                                  f'<span data-ll-page-lang="{lang}" hidden></span>')  # <html lang>: index.html.j2
        labels = [regime_name(r, lang) for r in REGIMES]
        if list(self._regime._options_labels) != labels:
            value = self._regime.value
            with self._regime.hold_sync():
                self._regime.options = list(zip(labels, REGIMES))
                self._regime.value = value
        self._regime.description = tr(UI, "regime", lang)
        if self._cases_box is not None:
            self._cases_box.titles = (tr(UI, "cases", lang),)
        self._footer.value = f'<p>{esc(tr(UI, "credit", lang))}</p>'
        self._render_status()

    def _render_status(self) -> None:
        lang = self.lang
        lines = [f'<div class="ll-message" role="alert">⚠ {esc(_message_text(m, lang))}</div>'
                 for m in self._url_messages]
        if self.fact_panel.message:
            lines.append(f'<div class="ll-message" role="alert">⚠ {esc(self.fact_panel.message)}</div>')
        if self._info:
            lines.append(f'<div class="ll-info" role="status">{esc(_message_text(self._info, lang))}</div>')
        self.messages = [*self._url_messages, *([self.fact_panel.message] if self.fact_panel.message else [])]
        self._status.value = "".join(lines)

    def _recompute(self, outcome_first: bool = False) -> None:
        """One analysis per change of facts, regime or language, pushed to every view.

        ``outcome_first`` (a change from the browser): the outcome card is updated at once and the other views a
        moment later (widgets/_kernel.py, :func:`later`), so that the browser paints the outcome before it works
        through the rest; any message from the browser first completes the update.
        """
        from ._kernel import cancel, later

        cancel(self)
        a = analyze(self.facts, self.regime, self.lang)
        self.analysis = a
        with self.outcome.hold_trait_notifications():
            self.outcome.lang = self.lang
            self.outcome.analysis = a
        if outcome_first:
            later(self, self._push_views)
        else:
            self._push_views()

    def _push_views(self) -> None:
        """Every view but the outcome card gets the current analysis."""
        a = self.analysis
        lang = self.lang
        for view in (self.comparison, self.chart, self.trace):
            with view.hold_trait_notifications():
                view.lang = lang
                view.analysis = a
        by_regime = getattr(self.comparison, "by_regime", {})
        # The fact panel's assumption notes (a loaded decision's, an uploaded file's) go to every part that takes
        # them: the share panel carries them in its link and files, the memo flags them next to their facts.
        notes = dict(self.fact_panel.notes)
        for key, part in self.parts.items():
            with part.hold_trait_notifications():
                if hasattr(part, "lang"):
                    part.lang = lang
                if key == "burden" and "proposal" in by_regime and hasattr(part, "proposal_analysis"):
                    part.proposal_analysis = by_regime["proposal"]
                if hasattr(part, "assumptions"):
                    part.assumptions = dict(notes)
                if key == "share":
                    part.scenario = dict(self.facts)
                    if hasattr(part, "regime"):
                        part.regime = self.regime
                elif hasattr(part, "analysis"):
                    part.analysis = a


def _query_string() -> str:
    try:
        from .query import query_string

        return query_string()
    except ImportError:
        if os.environ.get("VOILA_PREHEAT", "False") != "False":
            from voila.utils import get_query_string

            return get_query_string() or ""
        return os.environ.get("QUERY_STRING", "")


def _request_url() -> str:
    try:
        from .query import request_url

        return request_url()
    except ImportError:
        return os.environ.get("VOILA_REQUEST_URL", "").split("?", 1)[0]


def _query_settings(query_string) -> dict:
    """What a URL query asks of the app, as :class:`AnalyzerApp`'s arguments (facts win over a case)."""
    parsed = _parse_query(query_string)
    facts = parsed.get("scenario_data") or (parsed["scenario"].to_dict() if parsed.get("scenario") else None)
    return {"facts": facts, "case": parsed.get("case") if facts is None else None,
            "lang": parsed.get("lang") or "zh", "regime": parsed.get("regime") or "statute",
            "messages": parsed.get("errors") or ()}


def _parse_query(query_string) -> dict:
    try:
        from casebook.share import parse_query
    except ImportError:
        parse_query = None
    if parse_query is not None:
        return parse_query(query_string)
    from urllib.parse import parse_qsl

    out = {"lang": None, "scenario": None, "scenario_data": None, "case": None, "regime": None, "errors": []}
    for key, value in parse_qsl(str(query_string or "").lstrip("?")):
        if key == "lang":
            out["lang"] = value if value in ("zh", "en") else None
        elif key == "regime":
            out["regime"] = value if value in REGIMES else None
    return out
