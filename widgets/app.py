"""AnalyzerApp: the practitioner's page. Facts in, one analysis per change, pushed to every view.

The app owns the facts, the regime and the language; it runs :func:`casebook.engine.analyze` once per change and
hands the result to each view through its ``analysis`` trait, the language with it (one render per view per change:
a separate link per trait would render each view twice on a language switch, and the outcome card goes first, the
other views a moment later: widgets/_kernel.py). The rest is wired by traitlets: the language with the switch
(``link``), to the fact panel and the case browser (``dlink``); the regime with its dropdown (``link``; the app
refuses a regime the engine does not know); the fact panel's assumption notes to the share panel and the memo
(``dlink``). It decides nothing itself.
"""

from __future__ import annotations

from traitlets import Bool, Dict, List, Unicode, dlink, link, observe, validate

from casebook.engine import REGIMES, analyze
from casebook.scenario import ScenarioError

from casebook.share import parse_query

from .base import Lang, esc, safe_lang, tr
from .burden_matrix import BurdenMatrix
from .case_browser import CaseBrowser
from .controls import Accordion, Display, Dropdown, FixedHBox, FixedVBox, ShownMarker
from .evidence_view import EvidenceView
from .fact_panel import FactPanel
from .language_switch import LanguageSwitch
from .memo_export import MemoExport
from .outcome_bar import OutcomeBar, changed_facts
from .outcome_card import OutcomeCard
from .page import contents_link, page_mark
from .payments_chart import PaymentsChart
from .pivotal_facts import PivotalFacts
from . import query as _query
from .regime_comparison import RegimeComparison, regime_name
from .share_panel import SharePanel
from .similar_view import SimilarCasesView
from .theme import style_widget
from .trace_view import TraceView
from ._view import FixedButton, shared_layout
from .words import table

UI = table("app")

# The first screen first (issue 16: a class of 40 opening the analyzer at once). A served page builds its header,
# facts, outcome and outcome bar, and the rest (the regimes compared, payments, reasoning, casebook, pivotal facts,
# burden of proof, evidence, similar cases, share panel, memo: two thirds of the page's widget models) only when the
# page reports that it shows the first screen (ShownMarker), REST_DELAY_S later; a click or a change from the page
# builds it at once. So a visitor's browser draws what it needs to be used before it draws the rest. Built directly
# (tests, the command line), the app is complete at once.
# Never on a timer: a page still loading its widget models (a slow phone, a class's burst) would receive the new
# models in the middle of it; ipywidgets' page then waited 2 s for each model it had not been sent and gave up, one
# after the other: measured, 9 of 20 pages of a burst showed nothing for two minutes (docs/deploy.md). The page's
# report comes after it holds every model of the first screen, so the rest then arrives as ordinary new widgets.
# On a server expecting a class (serve --class N), while the machine is busy (the class opening the page together:
# widgets/_kernel.py, later_when_quiet), the rest waits up to REST_MAX_WAIT_S more, so that every student's first
# screen comes before anyone's rest.
REST_DELAY_S = 0.05
REST_MAX_WAIT_S = 60.0

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
    complete = Bool(False)  # every view is built (page hook: .ll-complete); see "the first screen first" above
    present = Bool(False)  # presenter mode (?present=1): large type for the back row (theme.css: .ll-present)
    regime = Unicode("statute")
    lang = Lang()
    analysis = Dict()
    messages = List()

    def __init__(self, facts=None, lang: str = "zh", regime: str = "statute", case: str | None = None,
                 messages=(), base_url: str = "", present: bool = False, progressive: bool = False, **kwargs):
        kwargs.setdefault("layout", shared_layout(width="100%"))
        super().__init__(**kwargs)
        self.add_class("ll-app")
        self.present = bool(present)
        self._batch = True
        lang = safe_lang(lang)
        regime = regime if regime in REGIMES else "statute"
        self.set_trait("lang", lang)
        self.set_trait("regime", regime)
        self._url_messages = list(messages)
        self._info = None  # an informational line ({zh, en}), e.g. after loading a decision
        self._base_url = base_url
        self._case = None  # the decision whose facts are loaded (the casebook shows it once it is built)

        self._switch = LanguageSwitch(lang=lang)
        link((self, "lang"), (self._switch, "lang"))
        self._regime = Dropdown(options=[(regime_name(r, lang), r) for r in REGIMES], value=regime,
                                style={"description_width": "initial"}, layout=shared_layout(width="auto"),
                                on_reject=self._regime_refused)
        self._regime.add_class("ll-regime")
        # The regime both ways, but not by link(): relabelling the dropdown (a language switch) passes its value
        # through another option on the way back, which is not the user's choice (_on_regime_control).
        self._relabelling = False
        self._regime.observe(self._on_regime_control, "value")
        self._title = Display()
        self._title.add_class("ll-title")
        self._status = Display()
        self._status.add_class("ll-status")
        # The notebook's narrative holds both languages in .ll-zh / .ll-en blocks: show the page's one.
        self._lang_style = Display()

        self.fact_panel = FactPanel(facts=None, lang=lang)
        dlink((self, "lang"), (self.fact_panel, "lang"))
        self.outcome = OutcomeCard(lang=lang)
        self.bar = OutcomeBar(lang=lang)  # the outcome's gist, kept on screen (theme.css: sticky)
        # The views below the outcome (module docstring: "the first screen first"); built by _build_rest.
        self.comparison = self.trace = self.chart = self._footer = None
        self.parts: dict = {}

        header = FixedHBox([self._title, FixedHBox([self._switch, self._regime], layout=shared_layout(width="auto"))],
                           layout=shared_layout(width="100%"))
        header.add_class("ll-header")
        header.children[1].add_class("ll-header-controls")
        # The casebook collapsed at first: the facts come first on a small screen; one click opens it.
        self._cases_box = Accordion(children=[], selected_index=None)
        self._cases_box.add_class("ll-cases-accordion")
        # The accordion's own header is a <div> no keyboard reaches (issue 16 point 7): a real button opens and
        # closes it instead (theme.css hides the header).
        self._cases_toggle = FixedButton(layout=shared_layout(width="100%"))
        self._cases_toggle.add_class("ll-cases-toggle")
        self._cases_toggle.on_click(lambda _b: self.toggle_cases())
        self._cases_box.observe(lambda _c: self._label_cases_toggle(), "selected_index")
        self._col_left = FixedVBox([self._cases_toggle, self._cases_box, self.fact_panel])
        self._col_left.add_class("ll-col-facts")
        # Until the rest is built: one line saying it is coming, and the marker whose display the page reports.
        self._pending_note = self._shown = None
        if progressive:
            self._pending_note = Display()
            self._pending_note.add_class("ll-rest-pending")
            self._shown = ShownMarker(on_shown=self._on_first_screen_shown)
        self._col_right = FixedVBox([self.outcome, *([self._pending_note, self._shown] if progressive else [])])
        self._col_right.add_class("ll-col-results")
        main = FixedHBox([self._col_left, self._col_right], layout=shared_layout(width="100%"))
        main.add_class("ll-main")
        app_style = Display(f"<style>{APP_CSS}</style>")
        app_style.add_class("ll-app-style")
        self.children = [style_widget(), app_style, self._lang_style, header, self._status, self.bar, main]

        self.fact_panel.observe(self._on_panel_facts, "facts")
        self.fact_panel.observe(self._on_panel_message, "message")
        if not progressive:
            self._build_rest()
        if facts is not None:
            self._set_facts_or_report(facts)
        if case:
            self.load_case(case)
        self._batch = False
        self.facts = dict(self.fact_panel.facts)
        self._relabel()
        self._recompute()

    def _build_rest(self) -> None:
        """Build the views below the outcome: the regimes compared, the payments, the reasoning, the casebook,
        pivotal facts, burden of proof, evidence, similar cases, the share panel and the memo."""
        if self.complete:
            return
        lang = self.lang
        self.comparison = RegimeComparison(lang=lang)
        self.trace = TraceView(lang=lang)
        self.chart = PaymentsChart(lang=lang)
        self._footer = Display()
        self._footer.add_class("ll-footer")
        self.parts = {
            "burden": BurdenMatrix(lang=lang), "pivotal": PivotalFacts(lang=lang), "cases": CaseBrowser(lang=lang),
            "share": SharePanel(lang=lang, base_url=self._base_url), "evidence": EvidenceView(lang=lang),
            "similar": SimilarCasesView(lang=lang), "memo": MemoExport(lang=lang),
        }
        dlink((self, "lang"), (self.parts["cases"], "lang"))
        self._wire_parts()
        # The fact panel's assumption notes (a loaded decision's, an uploaded file's): the share panel carries them
        # in its link and files, the memo flags them next to their facts.
        for key in ("share", "memo"):
            dlink((self.fact_panel, "notes"), (self.parts[key], "assumptions"), dict)
        if self._case:
            self.parts["cases"].show_loaded(self._case)
        order = [("pivotal", self.parts["pivotal"]), ("comparison", self.comparison), ("chart", self.chart),
                 ("burden", self.parts["burden"]), ("evidence", self.parts["evidence"]),
                 ("similar", self.parts["similar"]), ("trace", self.trace)]
        cards = [_card(widget, f"ll-card-{key}") for key, widget in order]
        bottom = [_card(w, "ll-card-export") for w in (self.parts["share"], self.parts["memo"])]
        self._cases_box.children = [self.parts["cases"]]
        self.complete = True
        if not self._batch:  # the views get the page's analysis before they are shown: never an empty one
            self._relabel()
            self._push_views()
        with self.hold_sync():
            self._col_right.children = [self.outcome, *cards]
            self.children = [*self.children, *bottom, self._footer]
            self.add_class("ll-complete")
        if not self._batch:  # built after the page: its objects join the frozen ones (widgets/_kernel.py, settle)
            from ._kernel import settle

            settle()
        # The note and the marker stay open (two small models): closed, the page's report that their views went
        # away would reach a comm the kernel no longer knows ("No such comm" in the server's log).

    def _on_first_screen_shown(self) -> None:
        """The page shows the facts and the outcome: build the rest a moment later (the browser paints first), or,
        on a server expecting a class while the machine is busy, when it is quieter; any message from the page, a
        click, builds it at once (widgets/_kernel.py)."""
        from ._kernel import class_expected, later, later_when_quiet

        if class_expected():
            later_when_quiet((self, "rest"), self._build_rest, delay=REST_DELAY_S, max_wait=REST_MAX_WAIT_S)
        else:
            later((self, "rest"), self._build_rest, delay=REST_DELAY_S)

    # --- construction from the page's URL ----------------------------------------------------------------------

    @classmethod
    def from_environment(cls, **kwargs) -> "AnalyzerApp":
        """The app as the page's URL asks for it (``?lang=``, ``?scenario=``, ``?case=``, ``?regime=``).

        In a preheated kernel (Voila's pool) the page is built with the defaults *before* the visitor's request
        arrives, while the kernel waits in the pool; the URL is applied when it comes (:meth:`apply_query`). The
        ~470 widget models are then created ahead of time instead of in the visitor's second, when a class's
        burst of requests arrives together (measured: benchmarks/run.py, docs/deploy.md).
        """
        from ._kernel import event_loop_running, settle
        from .query import _preheated

        base_url = kwargs.pop("base_url", None)
        kwargs.setdefault("progressive", _progressive_here())
        if _preheated():
            app = cls(**kwargs)
            settle()
            query = _query_string()  # waits for the request
            app.apply_query(query, base_url=base_url or _request_url())
        else:
            app = cls.from_query(_query_string(), base_url=base_url or _request_url(), **kwargs)
        if not app.complete and not event_loop_running():
            app._build_rest()  # no event loop: no page can report back, so nothing waits for it
        settle()  # the page is built: see widgets/_kernel.py
        return app

    def apply_query(self, query_string, base_url: str = "") -> None:
        """Apply a URL query string to an app built with the defaults: the result is the app :meth:`from_query`
        builds for it (same facts, regime, language, messages and views; the tests compare the two)."""
        wanted = _query_settings(query_string)
        if base_url:
            self._base_url = base_url
            if "share" in self.parts:
                self.parts["share"].base_url = base_url
        self._batch = True
        try:
            self._url_messages.extend(wanted["messages"])
            self.lang = safe_lang(wanted["lang"])
            self.present = bool(wanted["present"])
            if wanted["regime"] in REGIMES:
                self.regime = wanted["regime"]
            if wanted["facts"] is not None:
                self._set_facts_or_report(wanted["facts"])
            if wanted["case"]:
                self.load_case(wanted["case"])
        finally:
            self._batch = False
        if self._regime.value != self.regime:  # set inside the batch: the dropdown follows now
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
        if browser is not None and decision_id in browser.decision_ids:
            browser.selected = decision_id
            return browser.load(decision_id)
        try:
            from casebook.cases import decision

            dec = decision(decision_id)
        except (KeyError, ValueError):
            self._add_message({k: tr(UI, "case_unknown", k).format(id=str(decision_id)[:60]) for k in ("zh", "en")})
            return False
        return self._loaded(dec["id"], dec["scenario"], dec.get("short_name"))

    @property
    def cases_open(self) -> bool:
        """Whether the casebook's section is open."""
        return self._cases_box.selected_index == 0

    def toggle_cases(self) -> None:
        """Open the casebook's section, or close it (the button above it does this)."""
        self._build_rest()  # the casebook is part of the rest
        self._cases_box.selected_index = None if self._cases_box.selected_index == 0 else 0

    @property
    def shown_marker(self):
        """The widget whose page reports that the first screen is shown (None once the rest is built)."""
        return None if self.complete else self._shown

    @property
    def status_html(self) -> str:
        return self._status.value

    # --- wiring ------------------------------------------------------------------------------------------------

    def _wire_parts(self) -> None:
        p = self.parts
        p["pivotal"].on_apply(lambda field, value: self.fact_panel.change(field, value))
        p["cases"].on_load(self._on_case_loaded)
        p["share"].on_upload(self._set_facts_or_report)

    def _on_case_loaded(self, decision_id: str, scenario) -> None:
        dec = self.parts["cases"].decision(decision_id)
        self._loaded(decision_id, scenario, dec.get("short_name") if dec else None)

    def _loaded(self, decision_id: str, scenario, name) -> bool:
        if not self._set_facts_or_report(scenario):
            return False
        label = name if isinstance(name, dict) else {"zh": str(name or decision_id), "en": str(name or decision_id)}
        self._info = {k: tr(UI, "loaded", k).format(name=label.get(k) or label.get("zh", "")) for k in ("zh", "en")}
        self._case = decision_id
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
        if not self._batch:  # name the fact the user changed in the outcome bar (a loaded decision changes many)
            changes = changed_facts(change["old"] or {}, change["new"] or {})
            self.bar.mark(changes if len(changes) <= 3 else [])
        self.facts = dict(change["new"])

    def _on_panel_message(self, change) -> None:
        self._render_status()

    # --- reacting ----------------------------------------------------------------------------------------------

    @validate("regime")
    def _valid_regime(self, proposal) -> str:
        """A regime the engine does not know leaves the current one in place."""
        value = proposal["value"]
        return value if value in REGIMES else (self.regime if self.regime in REGIMES else "statute")

    @observe("facts", "regime")
    def _on_inputs(self, change) -> None:
        if self._batch:
            return
        if change["name"] == "regime" and self._regime.value != change["new"]:
            self._regime.value = change["new"]
        if change["name"] == "regime":
            self.bar.mark([("regime", change["new"])])  # another regime: the bar names it
        self._recompute(outcome_first=True)

    @observe("present")
    def _on_present(self, change) -> None:
        (self.add_class if change["new"] else self.remove_class)("ll-present")

    @observe("lang")
    def _on_lang(self, change) -> None:
        if self._batch:
            return
        self._relabel()
        self._recompute()

    def _relabel(self) -> None:
        lang = self.lang
        self._title.value = f'{contents_link(lang)}<h1 class="ll-h1">{esc(tr(UI, "title", lang))}</h1>'
        self._lang_style.value = (f'<style>.ll-{"en" if lang == "zh" else "zh"} {{ display: none !important; }}</style>'
                                  + page_mark(lang, tr(UI, "title", lang)))  # lang, tab title, ?lang=: index.html.j2
        labels = [regime_name(r, lang) for r in REGIMES]
        if list(self._regime._options_labels) != labels:
            value = self._regime.value
            self._relabelling = True  # new options pass through another value: not the user's choice
            try:
                with self._regime.hold_sync():
                    self._regime.options = list(zip(labels, REGIMES))
                    self._regime.value = value
            finally:
                self._relabelling = False
        self._regime.description = tr(UI, "regime", lang)
        self._label_cases_toggle()
        if self.complete:
            self._cases_box.titles = (tr(UI, "cases", lang),)
            self._footer.value = f'<p>{esc(tr(UI, "credit", lang))}</p>'
        elif self._pending_note is not None:
            self._pending_note.value = f'<p class="ll-lead" role="status">{esc(tr(UI, "rest_pending", lang))}</p>'
        self._render_status()

    def _on_regime_control(self, change) -> None:
        if self._relabelling:  # new labels pass the dropdown through another value on the way back: not a choice
            return
        self.regime = change["new"]

    def _label_cases_toggle(self) -> None:
        arrow = "▾" if self._cases_box.selected_index == 0 else "▸"
        self._cases_toggle.description = f"{arrow} {tr(UI, 'cases', self.lang)}"

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
        for view in (self.outcome, self.bar):
            with view.hold_trait_notifications():
                view.lang = self.lang
                view.analysis = a
        if outcome_first:
            later(self, self._push_views)
        else:
            self._push_views()

    def _push_views(self) -> None:
        """Every view but the outcome card gets the current analysis."""
        if not self.complete:
            return  # the rest gets it when it is built
        a = self.analysis
        lang = self.lang
        for view in (self.comparison, self.chart, self.trace):
            with view.hold_trait_notifications():
                view.lang = lang
                view.analysis = a
        p = self.parts
        for key in ("pivotal", "burden", "evidence", "similar", "memo"):
            with p[key].hold_trait_notifications():
                p[key].lang = lang
                p[key].analysis = a
        if "proposal" in self.comparison.by_regime:
            p["burden"].proposal_analysis = self.comparison.by_regime["proposal"]
        with p["share"].hold_trait_notifications():
            p["share"].lang = lang
            p["share"].scenario = dict(self.facts)
            p["share"].regime = self.regime


def _progressive_here() -> bool:
    """Build the first screen first on a served page (a Jupyter kernel with a browser to report back), not in the
    static edition (its Python runs in the visitor's browser: nothing to save on the way) nor in a test run."""
    from ._kernel import in_kernel

    return in_kernel() and not _query.in_browser()


def _query_string() -> str:
    return _query.query_string()  # looked up on the module: the tests stand in for the request there


def _request_url() -> str:
    return _query.request_url()


def _query_settings(query_string) -> dict:
    """What a URL query asks of the app, as :class:`AnalyzerApp`'s arguments (facts win over a case)."""
    parsed = _parse_query(query_string)
    facts = parsed.get("scenario_data") or (parsed["scenario"].to_dict() if parsed.get("scenario") else None)
    return {"facts": facts, "case": parsed.get("case") if facts is None else None,
            "lang": parsed.get("lang") or "zh", "regime": parsed.get("regime") or "statute",
            "messages": parsed.get("errors") or (), "present": bool(parsed.get("present"))}


def _parse_query(query: str) -> dict:
    return parse_query(query)
