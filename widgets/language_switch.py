"""LanguageSwitch: 中文 / English, with a visible label. Page hook: the buttons carry ``ll-lang``."""

from __future__ import annotations

from traitlets import observe

from .base import Lang, safe_lang
from .controls import FixedHBox, ToggleButtons


class LanguageSwitch(FixedHBox):
    """Trait ``lang`` ("zh" or "en"), kept in step with the buttons both ways."""

    lang = Lang()

    def __init__(self, lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self.add_class("ll-lang-switch")
        self._buttons = ToggleButtons(
            options=[("中文", "zh"), ("English", "en")], value=safe_lang(lang),
            description="语言 Language", style={"description_width": "initial", "button_width": "auto"},
            tooltips=["切换为中文", "Switch to English"])
        self._buttons.add_class("ll-lang")
        self._buttons.observe(self._on_buttons, "value")
        self.lang = safe_lang(lang)
        self.children = [self._buttons]

    def _on_buttons(self, change) -> None:
        self.lang = safe_lang(change["new"])

    @observe("lang")
    def _on_lang(self, change) -> None:
        lang = change["new"]
        if hasattr(self, "_buttons") and self._buttons.value != lang:
            self._buttons.value = lang
