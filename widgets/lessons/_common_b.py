"""Shared pieces of the chapter 05-09 widgets: words, small HTML fragments, relabelling a choice without losing it.

Nothing here decides anything. HTML goes through :func:`widgets.base.esc`; the look is the chapters' common style
(:mod:`widgets.lessons._render`).
"""

from __future__ import annotations

from contextlib import contextmanager

from casebook.scenario import FIELD_BY_NAME
from casebook.texts import FORM_NAMES, fmt_share

from ..base import esc, safe_lang
from . import _render

# Controls sized for a projector at 1280x720, on top of the chapters' common style. Scoped to .ll-b, the class every
# chapter 05-09 widget carries.
CSS_B = """<style>
.ll-b .widget-label, .ll-b .widget-label-basic, .ll-b .widget-checkbox label { font-size: 16px !important; }
.ll-b .widget-inline-hbox > .widget-label { font-weight: 600; color: #1b1b1b; }
.ll-b .widget-dropdown { max-width: 46em; width: auto; }
.ll-b .widget-dropdown select { font-size: 16px; height: 34px; }
.ll-b .widget-checkbox { height: auto; min-height: 30px; width: auto; }
.ll-b .widget-checkbox input[type="checkbox"] { width: 20px; height: 20px; margin: 3px 10px 0 0; flex: none; }
.ll-b .widget-checkbox label, .ll-b .widget-checkbox .widget-label-basic { white-space: normal; height: auto;
  line-height: 1.4; align-items: flex-start; font-weight: 600; }
.ll-b .widget-toggle-buttons { flex-wrap: wrap; height: auto; }
.ll-b .widget-toggle-buttons > .widget-label { font-weight: 600; color: #1b1b1b; }
.ll-b .widget-toggle-buttons .widget-toggle-button { font-size: 16px; height: 36px; padding: 0 14px; margin: 2px 6px 2px 0;
  border: 1px solid #8a8a8a; }
.ll-b .widget-toggle-buttons .widget-toggle-button.mod-active { background: #1a4480; color: #fff; border-color: #1a4480; }
.ll-b .jupyter-button { font-size: 16px; height: 36px; padding: 0 16px; }
.ll-b .jupyter-button.mod-primary { background: #1a4480; }
.ll-b .widget-upload { align-self: flex-start; }
.ll-b .ll-row-b { gap: 8px 20px; }
.ll-b .ll-measure-quote { margin: 0 0 12px 30px; font-size: 15px; color: #333; }
.ll-b .ll-measure-quote .ll-src { font-size: 14px; }
</style>"""


# ``body`` in the chapters' common style; the sheets themselves are the widget's :func:`style_widget`.
section = _render.section


def style_widget():
    """The chapters' common style sheet plus the projector sizing of these widgets: a lesson widget's first child."""
    return _render.style_widget(CSS_B)


UI = {
    "not_given": {"zh": "论文未给出", "en": "not given by the paper"},
    "first": {"zh": "一审", "en": "first instance"},
    "second": {"zh": "二审", "en": "second instance"},
    "seller": {"zh": "销售者", "en": "seller"},
    "platform": {"zh": "平台", "en": "platform"},
    "consumer": {"zh": "消费者", "en": "consumer"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "open_readings": {"zh": "未定：法官可在四种解释中选择", "en": "open: the judge may choose among four readings"},
    "illustrative": {"zh": "示例性假设", "en": "illustrative assumption"},
}


def t(key: str, lang: str, table: dict | None = None) -> str:
    entry = (table or UI)[key]
    return entry.get(safe_lang(lang)) or entry["zh"]


def text_of(value, lang: str) -> str:
    """A {zh, en} mapping (or plain text) in ``lang``."""
    if isinstance(value, dict):
        chosen = value.get(safe_lang(lang)) or value.get("zh") or ""
        return chosen if isinstance(chosen, str) else str(chosen)
    return "" if value is None else str(value)


def form_name(form: str, lang: str) -> str:
    entry = FORM_NAMES.get(form)
    return entry[safe_lang(lang)] if entry else str(form)


def form_html(form: str, lang: str) -> str:
    return f'<span class="ll-form" data-liability-form="{esc(form)}">{esc(form_name(form, lang))}</span>'


def value_label(field: str, value, lang: str) -> str:
    spec = FIELD_BY_NAME.get(field)
    if spec is None:
        return str(value)
    if spec.kind == "number" and spec.maximum == 1.0 and value is not None:
        return fmt_share(float(value), lang)
    return spec.label_of(value, lang)


def field_label(field: str, lang: str) -> str:
    spec = FIELD_BY_NAME.get(field)
    return spec.label[safe_lang(lang)] if spec else str(field)


def decision_label(dec: dict, lang: str) -> str:
    """Short name and instance of a casebook decision, for a choice list."""
    name = text_of(dec.get("short_name"), lang)
    return f"{name}（{t(dec['instance'], lang)}）" if lang == "zh" else f"{name} ({t(dec['instance'], lang)})"


def shares_text(shares: dict | None, lang: str) -> str:
    if not shares:
        return ""
    sep = "、" if lang == "zh" else ", "
    return sep.join(f"{t(party, lang)} {fmt_share(share, lang)}" for party, share in shares.items())


@contextmanager
def keeping_choice(control):
    """Relabel a selection control inside this block; its chosen value survives the new options."""
    value = control.value
    yield
    if value is not None and value in [v for _, v in control.options]:
        control.value = value


def follow_choice(widget, change, known, control: str) -> bool:
    """The guard of a trait whose value is one of ``known`` and is shown by the selection ``widget.<control>``.

    Before the widget is built nothing happens; an unknown value is refused (the trait goes back to the old one); a
    known one is shown by the control. True when the widget should go on to show the new choice.
    """
    if not widget._built:
        return False
    if change["new"] not in known:
        setattr(widget, change["name"], change["old"])
        return False
    control = getattr(widget, control)
    if control.value != change["new"]:
        control.value = change["new"]
    return True
