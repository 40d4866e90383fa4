"""Two settings of a page's kernel process, so that a click's answer leaves the kernel sooner.

Both were measured on the analyzer (``benchmarks/run.py``; the figures are in docs/deploy.md):

- **The GIL switch interval.** ipykernel sends every message from a thread of its own (the IOPub thread), and that
  thread must take the GIL from the main thread, which is still working through the rest of the change. CPython
  hands the GIL over every 5 ms by default, so the outcome's message, ready 0.8 ms after the click, reached the
  browser about 5 ms late. At 0.5 ms it leaves at once. Nothing changes while only one thread runs.
- **Freezing the page's objects.** A built page holds some hundred thousand long-lived objects (widgets, statute
  texts, cases). Every tenth or so change of facts, Python's cyclic garbage collector walked all of them: a click
  then took 27-35 ms in the kernel instead of 6 ms. ``gc.freeze()`` once the page is built moves them out of the
  collector's way; the objects a click creates and drops are still collected as before.

Both apply only inside a Jupyter kernel (a Voila page, a notebook), never to a test run or the command line.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.0005


def in_kernel() -> bool:
    """True in an IPython kernel (Voila, JupyterLab), False in a plain interpreter or a test run."""
    if "ipykernel" not in sys.modules:
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


def settle() -> bool:
    """Call once a page has built its widgets (and again after it changes them wholesale, e.g. on applying the
    URL in a preheated kernel). Returns True when the settings were applied (inside a kernel)."""
    if not in_kernel():
        return False
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.freeze()
    return True
