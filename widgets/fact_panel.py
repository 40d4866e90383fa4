"""FactPanel: one labelled control per scenario field, grouped as the scenario model groups them.

Everything shown (labels, choices, help, articles) comes from :data:`casebook.scenario.FIELDS` and ``GROUPS``; the
panel only asks. ``facts`` is always a valid scenario: a change the model refuses (from the page or from a hostile
comm message) leaves a message on the panel and puts the control back to its last good value.
"""

from __future__ import annotations

from contextlib import contextmanager

import ipywidgets as W
from traitlets import Dict, Unicode, observe

from casebook.scenario import FIELD_BY_NAME, FIELDS, GROUPS, ScenarioError, assumptions_of, validate

from .base import Lang, esc, relabel_fact, safe_lang, tr
from .controls import Checkbox, Display, Dropdown, FixedVBox, FloatText, PercentText
from ._view import shared_layout
from .words import table

UI = table("fact_panel")


def _note_text(note, lang: str) -> str:
    if isinstance(note, dict):
        return str(note.get(lang) or note.get("zh") or "")
    return "" if note is None else str(note)


class FactPanel(FixedVBox):
    """The facts of the dispute as controls.

    Traits: ``facts`` (dict field -> value, always a complete valid scenario), ``lang`` ("zh"/"en"),
    ``notes`` (field -> assumption note, shown under the field), ``message`` (the last refusal, "" when none).
    """

    facts = Dict()
    lang = Lang()
    notes = Dict()
    message = Unicode("")

    def __init__(self, facts=None, lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self.add_class("ll-fact-panel")
        self._built = False
        self._updating = False
        self._message_parts = None  # (field or None, detail) so the message can be relabelled
        lang = safe_lang(lang)
        self.set_trait("lang", lang)
        start = validate(facts or {}).to_dict()
        self._imply(start)
        self.set_trait("facts", start)

        self._controls: dict[str, W.Widget] = {}
        self._helps: dict[str, Display] = {}
        self._notes_html: dict[str, Display] = {}
        self._rows: dict[str, FixedVBox] = {}
        self._auto: Checkbox | None = None
        self._group_titles: dict[str, Display] = {}
        self._title = Display()
        self._title.add_class("ll-panel-title")
        self._status = Display()
        self._status.add_class("ll-fact-status")
        sections = []
        for group in GROUPS:
            title = Display()
            title.add_class("ll-group-title")
            self._group_titles[group] = title
            rows = [title] + [self._field_row(f) for f in FIELDS if f.group == group]
            box = FixedVBox(rows)
            box.add_class("ll-group")
            sections.append(box)
        self.children = [self._title, self._status, *sections]
        self._built = True
        self._relabel()

    # --- building ---------------------------------------------------------------------------------------------

    def _field_row(self, spec) -> W.Widget:
        value = self.facts[spec.name]
        common = dict(on_reject=self._on_reject, layout=shared_layout(width="100%"),
                      style={"description_width": "initial"})
        extra = []
        if spec.kind == "choice":
            ctrl = Dropdown(options=[(v, v) for v in spec.options], value=value, **common)
        elif spec.kind == "bool":
            ctrl = Checkbox(value=value, indent=False, **common)
        else:
            if spec.maximum == 1.0:  # a share: shown and typed in percent, kept as a fraction (the contract)
                ctrl = PercentText(value=value or 0.0, min=spec.minimum, max=spec.maximum, lang=self.lang, **common)
                extra.append(ctrl.feedback)
            else:
                ctrl = FloatText(value=value or 0.0, min=spec.minimum, max=spec.maximum, step=100.0, **common)
            if spec.optional:
                self._auto = Checkbox(value=value is None, indent=False, on_reject=self._on_reject,
                                      layout=shared_layout(width="100%"))
                self._auto.add_class(f"ll-fact-{spec.name}-auto")
                self._auto.observe(self._on_auto, "value")
                ctrl.disabled = value is None
                if value is None:
                    ctrl.value = self._auto_share(self.facts)
                extra.append(self._auto)
        ctrl.add_class(f"ll-fact-{spec.name}")
        ctrl.add_class("ll-control")
        ctrl.observe(lambda change, name=spec.name: self._on_control(name, change), "value")
        self._controls[spec.name] = ctrl
        help_ = Display()
        help_.add_class("ll-help")
        self._helps[spec.name] = help_
        # The field's assumption note (ll-note-<field>) is added under the help when a note first comes: most
        # pages never carry one, and 24 empty displays were a sixth of the models of the analyzer's first screen.
        row = FixedVBox([ctrl, *extra, help_])
        row.add_class("ll-field")
        row.add_class(f"ll-field-{spec.kind}")
        self._rows[spec.name] = row
        return row

    def _note_display(self, name: str) -> Display:
        note = self._notes_html.get(name)
        if note is None:
            note = self._notes_html[name] = Display()
            note.add_class("ll-note")
            note.add_class(f"ll-note-{name}")
            row = self._rows[name]
            row.children = [*row.children, note]
        return note

    # --- public ----------------------------------------------------------------------------------------------

    def control(self, name: str) -> W.Widget:
        """The control of one field (for page wiring and tests; its class is ``ll-fact-<name>``)."""
        return self._controls[name]

    def set_facts(self, mapping) -> None:
        """Replace all facts at once (omitted fields take their defaults); one ``facts`` change, one analysis.

        Raises :class:`casebook.scenario.ScenarioError` and changes nothing when the mapping is not a valid
        scenario. Assumption notes the mapping carries (``assumptions``) are shown under their fields.
        """
        new = validate(mapping).to_dict()
        self._imply(new)
        notes = assumptions_of(mapping) if isinstance(mapping, dict) else {}
        with self._quiet():
            for name, value in new.items():
                self._show_value(name, value, new)
            self._show_locks(new)
        self.notes = {k: v for k, v in notes.items() if k in FIELD_BY_NAME}
        self._set_message(None)
        self.facts = new

    # --- reacting --------------------------------------------------------------------------------------------

    @contextmanager
    def _quiet(self):
        was, self._updating = self._updating, True
        try:
            with self.hold_sync():
                yield
        finally:
            self._updating = was

    @staticmethod
    def _imply(facts: dict) -> None:
        # The contract: food implies life_health_goods. Shown ticked (and locked) so the page says so.
        if facts.get("food"):
            facts["life_health_goods"] = True

    def _show_value(self, name: str, value, facts: dict) -> None:
        ctrl = self._controls[name]
        with ctrl.hold_sync():
            if name == "platform_fault_share":
                self._auto.value = value is None
                ctrl.disabled = value is None
                ctrl.value = self._auto_share(facts) if value is None else value
            else:
                ctrl.value = value

    def _show_locks(self, facts: dict) -> None:
        food = bool(facts.get("food"))
        self._controls["life_health_goods"].disabled = food
        self._helps["life_health_goods"].value = self._help_html("life_health_goods", locked=food)

    @staticmethod
    def _auto_share(facts: dict) -> float:
        return validate({**facts, "platform_fault_share": None}).platform_share

    def _on_auto(self, change) -> None:
        if self._updating:
            return
        value = None if change["new"] else self._controls["platform_fault_share"].value
        self._propose("platform_fault_share", value)

    def _on_control(self, name: str, change) -> None:
        if self._updating:
            return
        value = change["new"]
        if name == "platform_fault_share" and self._auto.value:
            return
        self._propose(name, value)

    def change(self, name: str, value) -> bool:
        """Change one fact as if on its control; False (and a message on the panel) when the model refuses it."""
        if name not in self._controls:
            self._set_message(None, f"unknown field {str(name)[:40]!r}")
            return False
        return self._propose(name, value)

    def _propose(self, name: str, value) -> bool:
        candidate = {**self.facts, name: value}
        self._imply(candidate)
        try:
            good = validate(candidate).to_dict()
        except ScenarioError as exc:
            self._revert(name)
            beside = isinstance(self._controls[name], PercentText)
            if beside:
                self._controls[name].show_model_refusal(exc, candidate)
            self._set_message(name, str(exc), beside=beside)
            return False
        self._imply(good)
        with self._quiet():
            for key, val in good.items():
                if val != self.facts.get(key):
                    self._show_value(key, val, good)
            if name == "platform_fault_share" or good["platform_fault_share"] is None:
                self._show_value("platform_fault_share", good["platform_fault_share"], good)
            self._show_locks(good)
        if name in self.notes:
            self.notes = {k: v for k, v in self.notes.items() if k != name}
        self._set_message(None)
        self.facts = good
        return True

    def _revert(self, name: str) -> None:
        with self._quiet():
            self._show_value(name, self.facts[name], self.facts)
            self._show_locks(self.facts)
        # The page may still show the refused value when the kernel's did not change: send it again.
        if name == "platform_fault_share":
            self._controls[name].send_state(["value", "disabled"])
            self._auto.send_state(["value"])
        else:
            self._controls[name].send_state()

    def _on_reject(self, control, detail: str) -> None:
        name = next((n for n, c in self._controls.items() if c is control), None)
        if control is self._auto:
            name = "platform_fault_share"
        # A percent field's own refusal (what was typed) is said beside the field (controls.PercentText).
        self._set_message(name, detail, beside=isinstance(control, PercentText) and detail == control.error)

    def _set_message(self, field, detail=None, beside: bool = False) -> None:
        self._message_parts = None if field is None and detail is None else (field, detail)
        self._beside = beside
        self._render_message()

    def _render_message(self) -> None:
        if self._message_parts is None:
            self.message = ""
            self._status.value = ""
            return
        field, detail = self._message_parts
        spec = FIELD_BY_NAME.get(field) if isinstance(field, str) else None
        if spec is not None:
            text = tr(UI, "rejected", self.lang).format(field=spec.label[self.lang], detail=detail)
        else:
            text = tr(UI, "rejected_any", self.lang).format(detail=detail)
        self.message = text
        if getattr(self, "_beside", False):
            self._status.value = ""  # the field says it beside itself: one alert, where the user typed
            return
        self._status.value = f'<div class="ll-message" role="alert">⚠ {esc(text)}</div>'

    # --- language ----------------------------------------------------------------------------------------------

    @observe("lang")
    def _on_lang(self, change) -> None:
        if self._built:
            self._relabel()

    @observe("notes")
    def _on_notes(self, change) -> None:
        if self._built:
            self._render_notes()

    def _help_html(self, name: str, locked: bool = False) -> str:
        spec = FIELD_BY_NAME[name]
        lang = self.lang
        text = esc(spec.help[lang])
        if locked:
            text = f'<strong>{esc(tr(UI, "food_implies", lang))}</strong> ' + text
        return f'<div class="ll-help-text">{text}</div>'

    def _render_notes(self) -> None:
        for name in self._rows:
            note = _note_text(self.notes.get(name), self.lang)
            if not note and name not in self._notes_html:
                continue  # no note, and no display to empty
            self._note_display(name).value = "" if not note else (
                f'<div class="ll-assumption"><span class="ll-badge ll-badge-assumption">'
                f'{esc(tr(UI, "assumption", self.lang))}</span> {esc(note)}</div>')

    def _relabel(self) -> None:
        lang = self.lang
        with self._quiet():
            self._title.value = (f'<h2 class="ll-h2">{esc(tr(UI, "title", lang))}</h2>'
                                 f'<p class="ll-lead">{esc(tr(UI, "intro", lang))}</p>')
            for group, title in self._group_titles.items():
                title.value = f'<h3 class="ll-h3">{esc(GROUPS[group][lang])}</h3>'
            for spec in FIELDS:
                relabel_fact(self._controls[spec.name], spec, lang, spec.label[lang])
                self._helps[spec.name].value = self._help_html(
                    spec.name, locked=spec.name == "life_health_goods" and bool(self.facts.get("food")))
            if self._auto is not None:
                self._auto.description = tr(UI, "auto", lang)
            self._show_locks(self.facts)
        self._render_notes()
        self._render_message()
