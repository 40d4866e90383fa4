"""Two guarded controls the kit does not have: a slider and a button whose state only the kernel sets.

As in :mod:`widgets.controls`, the browser may change only what a user can change (a slider's ``value``, inside its
range); anything else is undone and re-sent.
"""

from __future__ import annotations

import math

import ipywidgets as W


class Slider(W.FloatSlider):
    """A slider that accepts from the browser only a finite ``value`` inside [min, max]; anything else is undone."""

    def __init__(self, *args, on_reject=None, **kwargs):
        self.on_reject = on_reject
        super().__init__(*args, **kwargs)

    def set_state(self, sync_data):
        if not isinstance(sync_data, dict):
            return
        value = sync_data.get("value")
        ok = (set(sync_data) == {"value"} and isinstance(value, (int, float)) and not isinstance(value, bool)
              and math.isfinite(value) and self.min <= value <= self.max and not self.disabled)
        if not ok:
            self.send_state([k for k in sync_data if k in self.keys] or ["value"])
            if self.on_reject is not None:
                self.on_reject(self, f"{str(value)[:40]} is not a number from {self.min:g} to {self.max:g}")
            return
        super().set_state({"value": float(value)})


class Button(W.Button):
    """A button: the page may click it, never change it."""

    def set_state(self, sync_data):
        if isinstance(sync_data, dict):
            keys = [k for k in sync_data if k in self.keys]
            if keys:
                self.send_state(keys)
