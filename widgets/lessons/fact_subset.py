"""FactSubset: labelled controls for a few scenario fields, the others held fixed.

The chapters let the reader change only the facts the paper argues about at that point; the kit's FactPanel shows
every field. Labels, choices and ranges come from :data:`casebook.scenario.FIELDS`; ``facts`` is always a complete,
valid scenario (the fixed facts plus the controls). A value the model refuses is undone and the refusal shown.
"""

from __future__ import annotations

import ipywidgets as W
from traitlets import Dict

from casebook.scenario import FIELD_BY_NAME, ScenarioError, validate
from ..base import Lang, LangGuard, esc, quietly, relabel_fact, safe_lang
from ..controls import Checkbox, Display, Dropdown, FixedVBox, FloatText, PercentText
from ..words import table
from .._view import shared_layout

UI = table("lessons/fact_subset")


class FactSubset(LangGuard, FixedVBox):
    """Controls for ``fields``; every other fact stays as in ``fixed``. Traits: ``facts`` (out), ``lang`` (in)."""

    facts = Dict()
    lang = Lang()

    def __init__(self, fields, fixed=None, lang: str = "zh", control_layout=None, **kwargs):
        super().__init__(**kwargs)
        # The controls' layout (shared by all of them): by default a full-width column, capped for wide screens.
        self._control_layout = control_layout or {"width": "100%", "max_width": "860px"}
        self.add_class("ll-controls")
        self._fields = tuple(fields)
        unknown = [f for f in self._fields if f not in FIELD_BY_NAME]
        if unknown:
            raise ValueError(f"unknown scenario fields: {', '.join(unknown)}")
        self._quiet = False
        self._refusal = None
        self.set_trait("facts", validate(fixed or {}).to_dict())
        self._controls = {name: self._make(name) for name in self._fields}
        self._status = Display(layout=W.Layout())  # its own: shown only when a choice is refused
        self._status.add_class("ll-subset-status")
        rows = []
        for ctrl in self._controls.values():
            rows += [ctrl, ctrl.feedback] if isinstance(ctrl, PercentText) else [ctrl]
        self.children = [*rows, self._status]
        self.set_trait("lang", safe_lang(lang))
        self._relabel()

    def control(self, name: str) -> W.Widget:
        return self._controls[name]

    def _make(self, name: str) -> W.Widget:
        spec = FIELD_BY_NAME[name]
        value = self.facts[name]
        common = dict(layout=shared_layout(**self._control_layout), style={"description_width": "initial"})
        if spec.kind == "choice":
            ctrl = Dropdown(options=[(v, v) for v in spec.options], value=value, on_reject=self._reject, **common)
        elif spec.kind == "bool":
            ctrl = Checkbox(value=bool(value), indent=False, on_reject=self._reject, **common)
        elif spec.maximum == 1.0:
            # A share: shown and typed in percent (the scenario keeps the fraction), refused beside the field.
            ctrl = PercentText(value=0.0 if value is None else float(value), min=spec.minimum, max=spec.maximum,
                               on_reject=self._reject, **common)
        else:
            ctrl = FloatText(value=value or 0.0, min=spec.minimum, max=min(spec.maximum or 1e12, 1e12), step=1000.0,
                             on_reject=self._reject, **common)
        ctrl.add_class(f"ll-fact-{name}")
        ctrl.observe(lambda change, n=name: self._on_change(n, change), "value")
        return ctrl

    def _show(self, name: str, value) -> None:
        ctrl = self._controls[name]
        if isinstance(ctrl, PercentText):
            value = 0.0 if value is None else float(value)
        ctrl.value = value

    def set_facts(self, mapping) -> None:
        """Replace the facts (omitted fields take their defaults); raises ScenarioError and changes nothing if bad."""
        new = validate(mapping).to_dict()
        with quietly(self):
            for name in self._controls:
                self._show(name, new[name])
        self._refusal = None
        self.facts = new
        self._render_status()

    def _on_change(self, name: str, change) -> None:
        if self._quiet:
            return
        candidate = {**self.facts, name: change["new"]}
        if name == "food" and change["new"]:
            candidate["life_health_goods"] = True  # the contract: food implies life and health
        try:
            good = validate(candidate).to_dict()
        except ScenarioError as exc:
            with quietly(self):
                self._show(name, self.facts[name])
            if isinstance(self._controls[name], PercentText):  # said beside the field, once
                self._controls[name].show_model_refusal(exc, candidate)
                self._refusal = None
            else:
                self._refusal = (name, exc.message)
            self._render_status()
            return
        if good.get("food") and "life_health_goods" in self._controls and not self._controls["life_health_goods"].value:
            with quietly(self):
                self._controls["life_health_goods"].value = True
        self._refusal = None
        self.facts = good
        self._render_status()

    def _reject(self, control, detail: str) -> None:
        name = next((n for n, c in self._controls.items() if c is control), "")
        if isinstance(control, PercentText) and detail == control.error:
            return  # what was typed is refused beside the field itself
        self._refusal = (name, detail)
        self._render_status()

    def _render_status(self) -> None:
        if self._refusal is None:
            self._status.value = ""
            self._status.layout.display = "none"  # no empty row under the controls
            return
        self._status.layout.display = None
        name, detail = self._refusal
        spec = FIELD_BY_NAME.get(name)
        field = spec.label[self.lang] if spec else name
        text = UI["refused"][self.lang].format(field=field, detail=detail)
        self._status.value = f'<div role="alert" style="color:#7a1010;font-weight:600">⚠ {esc(text)}</div>'

    def _relabel(self) -> None:
        lang = self.lang
        with quietly(self):
            for name, ctrl in self._controls.items():
                spec = FIELD_BY_NAME[name]
                relabel_fact(ctrl, spec, lang, spec.help[lang])
        self._render_status()


class FactsDriven(LangGuard):
    """Mixin for a chapter widget built on a :class:`FactSubset` (``self._facts``): :attr:`facts` is that control,
    and a new language goes to it before the widget redraws (:meth:`_redraw`, by default ``self._render()``)."""

    @property
    def facts(self) -> FactSubset:
        return self._facts

    def _apply_lang(self, lang: str) -> None:
        self._facts.lang = lang
        self._redraw()

    def _redraw(self) -> None:
        self._render()
