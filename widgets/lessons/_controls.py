"""A guarded control the kit does not have: a button whose state only the kernel sets.

As in :mod:`widgets.controls`, the browser may do only what a user can do (click it); any change it sends to the
button's state is undone and re-sent.
"""

from __future__ import annotations

import ipywidgets as W


class Button(W.Button):
    """A button: the page may click it, never change it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("tooltip", "")  # an unset tooltip shows as "null" on the page
        super().__init__(*args, **kwargs)

    def set_state(self, sync_data):
        if isinstance(sync_data, dict):
            keys = [k for k in sync_data if k in self.keys]
            if keys:
                self.send_state(keys)
