"""CaseBrowser: the casebook's decisions, as the paper reports them, and a button that loads one into the analyzer.

Court, case number, holding and reasoning come verbatim from the case files (:mod:`casebook.cases`); a case number
is shown exactly as the paper cites it, or as "not given" where the paper gives none. Every scenario value the paper
does not state is listed with its note as an illustrative assumption. When a case has more than one decision (two
instances), they are shown side by side whichever is selected.
"""

from __future__ import annotations

import copy

from ipywidgets import Layout
from traitlets import Unicode, observe, validate

from casebook.scenario import FIELD_BY_NAME
from casebook.texts import FORM_NAMES, fmt_share

from .base import Lang, esc, tr
from .words import table
from ._view import BORDER, FONT, MUTED, FixedButton, text_in
from .controls import Display, Dropdown, FixedHBox, FixedVBox

UI = table("case_browser")


# The label above a full-width list: in the analyzer's narrow facts column a label beside the list left it too
# little room, and a decision's name was cut off ("Cong v. Taobao · Secor…").
CSS = """
.ll-cases .ll-case-select { flex-wrap: wrap; height: auto; width: 100%; }
.ll-cases .ll-case-select > .widget-label { width: 100% !important; max-width: 100%; text-align: left;
  font-weight: 600; font-size: 16px; line-height: 1.35; height: auto; margin: 0 0 2px; padding: 0; }
.ll-cases .ll-case-select > select { flex: 1 1 100%; min-width: 0; width: 100%; height: 34px; font-size: 16px; }
"""


def _load_decisions() -> list[dict]:
    from casebook.cases import decisions

    return decisions()


class CaseBrowser(FixedVBox):
    """Browse the casebook's decisions and load one.

    Constructor: ``CaseBrowser(lang="zh", decisions=None)``; ``decisions`` defaults to
    :func:`casebook.cases.decisions`. Traits: ``lang`` (in), ``selected`` (in/out: the id of the decision shown),
    ``loaded`` (out: the id of the decision last loaded; passes through ``""`` when the same one is loaded again).
    :meth:`on_load` registers ``callback(decision_id, scenario)``, where ``scenario`` is a copy of the decision's
    scenario mapping, with its ``assumptions``.
    """

    lang = Lang()
    selected = Unicode("")
    loaded = Unicode("")

    def __init__(self, lang="zh", decisions=None, **kwargs):
        self._decisions = list(_load_decisions() if decisions is None else decisions)
        self._by_id = {d["id"]: d for d in self._decisions}
        self._callbacks: list = []
        # The label above a full-width list: in the analyzer's narrow facts column a label beside the list left
        # it too little room, and a decision's name was cut off ("Cong v. Taobao · Secor…").
        self._select = Dropdown(style={"description_width": "initial"}, layout=Layout(width="100%"))
        self._select.add_class("ll-case-select")
        self._load = FixedButton(icon="folder-open", layout=Layout(width="auto"))
        self._load.add_class("ll-case-load")
        self._load.on_click(lambda _button: self.load())
        self._detail = Display()
        self._detail.add_class("ll-case-detail")
        self._status = Display()
        self._status.add_class("ll-case-status")
        style = Display(f"<style>{CSS}</style>")
        super().__init__(
            children=[style, FixedHBox([self._select, self._load],
                                layout=Layout(flex_flow="row wrap", align_items="center", width="100%")),
                      self._status, self._detail],
            **kwargs,
        )
        self.add_class("ll-cases")
        self._select.observe(self._on_select, names="value")
        self.lang = lang
        self._relabel()
        self.selected = self._decisions[0]["id"] if self._decisions else ""

    # --- public API -------------------------------------------------------------------------------------------

    @property
    def decision_ids(self) -> tuple:
        return tuple(self._by_id)

    def decision(self, decision_id: str) -> dict | None:
        """The casebook decision with this id, as the browser lists it, or None."""
        return self._by_id.get(decision_id) if isinstance(decision_id, str) else None

    def on_load(self, callback, remove: bool = False) -> None:
        """Register ``callback(decision_id, scenario)`` (``remove=True`` unregisters it)."""
        if remove:
            self._callbacks = [c for c in self._callbacks if c is not callback]
        else:
            self._callbacks.append(callback)

    def load(self, decision_id: str | None = None) -> bool:
        """Load the selected decision (or ``decision_id``): emit its id and its scenario. False for an unknown id."""
        decision_id = self.selected if decision_id is None else decision_id
        dec = self._by_id.get(decision_id) if isinstance(decision_id, str) else None
        if dec is None:
            return False
        if self.loaded == decision_id:
            self.loaded = ""
        self.loaded = decision_id
        self._show_loaded()
        for callback in list(self._callbacks):
            callback(decision_id, copy.deepcopy(dec["scenario"]))
        return True

    def show_loaded(self, decision_id: str) -> bool:
        """Show ``decision_id`` as the loaded decision without loading it again (its facts are on the page already,
        e.g. from a ``?case=`` link read before the casebook was built). False for an unknown id."""
        if decision_id not in self._by_id:
            return False
        self.selected = decision_id
        self.loaded = decision_id
        self._show_loaded()
        return True

    # --- traits -----------------------------------------------------------------------------------------------

    @validate("selected")
    def _valid_selected(self, proposal):
        value = proposal["value"]
        if value in self._by_id or (value == "" and not self._by_id):
            return value
        return self.selected  # an unknown id changes nothing

    @observe("lang")
    def _on_lang(self, change):
        self._relabel()

    @observe("selected")
    def _on_selected(self, change):
        if self._select.value != change["new"]:
            self._select.value = change["new"]
        self._status.value = ""
        self._render()

    def _on_select(self, change):
        if getattr(self, "_relabelling", False):
            return
        # The dropdown's value comes from the browser: only a known decision id gets through.
        if change["new"] in self._by_id:
            self.selected = change["new"]
        elif self._select.value != self.selected:
            self._select.value = self.selected or None

    # --- rendering --------------------------------------------------------------------------------------------

    def _name(self, dec: dict, lang: str) -> str:
        return f"{text_in(dec.get('short_name'), lang)} · {tr(UI, dec.get('instance', ''), lang)}"

    def _relabel(self):
        lang = self.lang
        self._select.description = tr(UI, "select", lang)
        options = [(self._name(d, lang), d["id"]) for d in self._decisions]
        current = self.selected
        # New labels, same selection. (Not under hold_trait_notifications: there the options' reset of the index
        # wins over the value set after it, and a change of language fell back to the first decision.)
        self._relabelling = True
        try:
            with self._select.hold_sync():
                self._select.options = options
                self._select.value = current if current in self._by_id else None
        finally:
            self._relabelling = False
        self._load.description = tr(UI, "load", lang)
        self._load.tooltip = tr(UI, "load_tip", lang)
        self._load.disabled = not self._decisions
        if self.loaded in self._by_id:
            self._show_loaded()
        self._render()

    def _show_loaded(self):
        name = self._name(self._by_id[self.loaded], self.lang)
        self._status.value = (f'<p role="status" style="{FONT}margin:2px 0;">'
                              f'{esc(tr(UI, "loaded", self.lang).format(name=name))}</p>')

    def _render(self):
        lang = self.lang
        dec = self._by_id.get(self.selected)
        if dec is None:
            self._detail.value = f'<p style="{FONT}">{esc(tr(UI, "none", lang))}</p>'
            return
        group = [d for d in self._decisions if d.get("case_id") == dec.get("case_id")] or [dec]
        group.sort(key=lambda d: (d.get("instance") != "first", d["id"]))
        cards = "".join(self._card(d, lang, d["id"] == dec["id"], len(group) > 1) for d in group)
        note = (f'<p style="{FONT}color:{MUTED};margin:4px 0;">{esc(tr(UI, "sibling", lang))}</p>'
                if len(group) > 1 else "")
        self._detail.value = f'{note}<div style="display:flex;flex-wrap:wrap;gap:12px;">{cards}</div>'

    def _card(self, dec: dict, lang: str, selected: bool, several: bool) -> str:
        not_given = f'<em class="ll-not-given">{esc(tr(UI, "not_given", lang))}</em>'
        court = esc(text_in(dec.get("court"), lang)) if dec.get("court") else not_given
        number = (f'<span class="ll-case-number">{esc(dec["case_number"])}</span>'
                  if dec.get("case_number") else not_given)
        form = dec.get("liability_form", "")
        held = esc(FORM_NAMES.get(form, {}).get(lang, form))
        rows = [
            ("court", court),
            ("case_number", number),
            ("instance", esc(tr(UI, dec.get("instance", ""), lang))),
            ("held", f"<strong>{held}</strong>"),
        ]
        shares = dec.get("shares")
        if isinstance(shares, dict) and shares:
            sep = "、" if lang == "zh" else ", "
            rows.append(("shares", esc(sep.join(f"{tr(UI, party, lang)} {fmt_share(float(share), lang)}"
                                               for party, share in shares.items()))))
        rows += [
            ("holding", esc(text_in(dec.get("holding"), lang))),
            ("reasoning", esc(text_in(dec.get("reasoning"), lang))),
            ("facts", esc(text_in(dec.get("facts_text"), lang))),
        ]
        source = dec.get("source") or {}
        if source:
            rows.append(("source", esc(tr(UI, "source_text", lang).format(
                section=source.get("section", ""), footnote=source.get("footnote", "")))))
        # float/width reset: the page's stock style floats <dt> into a fifth of the card, one word a line.
        dl = "".join(
            f'<dt style="font-weight:bold;margin-top:6px;float:none;width:auto;text-align:left;">'
            f'{esc(tr(UI, key, lang))}</dt>'
            f'<dd style="margin:0 0 0 12px;float:none;width:auto;">{value}</dd>'
            for key, value in rows
        )
        scenario = dec.get("scenario") or {}
        given = dec.get("given") or {}
        colon = "：" if lang == "zh" else ": "
        given_items = "".join(
            f"<li>{esc(self._field_value(name, scenario.get(name), lang))}{colon}“{esc(text_in(words, lang))}”</li>"
            for name, words in given.items()
        )
        notes = scenario.get("assumptions") or {}
        assumed = "".join(
            f'<li class="ll-assumption" data-field="{esc(name)}">'
            f"<strong>{esc(self._field_value(name, scenario.get(name), lang))}</strong> — {esc(text_in(note, lang))}"
            "</li>"
            for name, note in notes.items()
        )
        border = "3px solid #1a56a6" if selected and several else f"1px solid {BORDER}"
        title = esc(self._name(dec, lang)) + (f" {esc(tr(UI, 'selected', lang))}" if selected and several else "")
        return (
            f'<section class="ll-case-card" data-decision="{esc(dec["id"])}" '
            f'style="flex:1 1 420px;min-width:300px;border:{border};border-radius:6px;padding:8px 12px;{FONT}">'
            f'<h4 style="margin:2px 0 4px;font-size:17px;">{title}</h4><dl style="margin:0;">{dl}</dl>'
            + (f'<h5 style="margin:10px 0 2px;font-size:15px;">{esc(tr(UI, "given", lang))}</h5>'
               f'<ul style="margin:0;padding-left:20px;">{given_items}</ul>' if given_items else "")
            + (f'<details class="ll-assumptions"><summary style="margin-top:10px;font-weight:bold;cursor:pointer;">'
               f'{esc(tr(UI, "assumptions", lang))} ({len(notes)})</summary>'
               f'<ul style="margin:0;padding-left:20px;">{assumed}</ul></details>' if assumed else "")
            + "</section>"
        )

    @staticmethod
    def _field_value(name: str, value, lang: str) -> str:
        spec = FIELD_BY_NAME.get(name)
        if spec is None:
            return str(name)
        return f"{spec.label[lang]} = {spec.label_of(value, lang)}"
