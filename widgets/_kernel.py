"""How a page's kernel answers a click sooner: two process settings (below) and the outcome first (:func:`later`,
further down).

The two settings were measured on the analyzer (``benchmarks/run.py``; the figures are in docs/deploy.md):

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


# --- the outcome first ----------------------------------------------------------------------------------------
# A change of facts updates a dozen views. Sent together, the browser works through all of them (about 100 KB of
# HTML) before it paints the outcome; measured, that put the analyzer's outcome on screen 1.3-2x later than the
# floor page's. A page can therefore push its outcome at once and hand the other views to :func:`later`: they follow
# DEFER_S later, when the browser has painted. Nothing ever acts on the half-updated page: every message from the
# browser (a click, a change, a comm opened or closed) first runs whatever is pending, so a quick second click is
# handled on fully updated views, exactly as without the deferral. Outside a kernel nothing is deferred.

DEFER_S = 0.03
_pending: dict = {}  # key -> callback, in the order they were asked for
_hooked: set = set()


def flush() -> None:
    """Run every pending callback now (in order). A failing one is logged, never raised into the page."""
    while _pending:
        key = next(iter(_pending))
        _run(_pending.pop(key))


def _run(callback) -> None:
    try:
        callback()
    except Exception:  # pragma: no cover - a view's own bug must not break the next message
        import logging

        logging.getLogger("liability_lab").exception("deferred update failed")


def pending() -> tuple:
    """The keys of the callbacks waiting to run, in order (empty when every view is up to date)."""
    return tuple(_pending)


def cancel(key) -> None:
    """Forget the pending callback of ``key`` (its owner is about to do the whole update itself)."""
    _pending.pop(key, None)


def _flushing(handler):
    def handle(*args, **kwargs):
        flush()
        return handler(*args, **kwargs)

    handle.__wrapped__ = handler
    return handle


def _hook(kernel) -> bool:
    """Make ``kernel`` run what is pending before it handles any message from the browser."""
    if id(kernel) in _hooked:
        return True
    handlers = getattr(kernel, "shell_handlers", None)
    if not isinstance(handlers, dict):
        return False
    for msg_type in ("comm_open", "comm_msg", "comm_close", "execute_request"):
        if msg_type in handlers:
            handlers[msg_type] = _flushing(handlers[msg_type])
    _hooked.add(id(kernel))
    return True


def _answering_the_browser(kernel) -> bool:
    """True while the kernel handles a widget message from the browser (not while it runs the notebook)."""
    try:
        parent = kernel.get_parent("shell")
    except Exception:
        return False
    return isinstance(parent, dict) and (parent.get("header") or {}).get("msg_type") == "comm_msg"


def event_loop_running() -> bool:
    """True inside a running asyncio event loop (a kernel answering a message, a notebook's cell)."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _defer_here() -> bool:
    """True when :func:`later` may defer: inside a kernel, with a running event loop, answering the browser."""
    if not in_kernel() or not event_loop_running():
        return False
    from IPython import get_ipython

    kernel = get_ipython().kernel
    return _answering_the_browser(kernel) and _hook(kernel)


def later(key, callback, delay: float = DEFER_S) -> bool:
    """Run ``callback`` ``delay`` seconds from now, or sooner if a message from the browser arrives first.

    Only while answering a message from the browser (a change, a click): while the notebook runs, building the
    page, nothing is deferred. When not deferring (outside a kernel, while the notebook runs, without a running
    event loop) ``callback`` runs at once, here. Returns whether it was deferred. A newer callback for the same
    ``key`` replaces a pending older one.
    """
    if not _defer_here():
        callback()
        return False
    import asyncio

    _pending.pop(key, None)
    _pending[key] = callback
    asyncio.get_running_loop().call_later(delay, flush)
    return True


# --- what can wait for a quieter machine ----------------------------------------------------------------------------
# When a class opens the page together, the server's CPU is what every student's first screen waits on. On a server
# that expects a class (its pool's kernels have CLASS_ENV), work no student needs yet (the analyzer's views below
# the first screen) then waits while the machine's CPU is under pressure, up to a limit; a message from the browser
# (a click, a change) still runs it at once. The measure is Linux's pressure stall information: the share of the
# last 10 s in which some task waited for a CPU. Measured in the class burst (docs/deploy.md): the server's CPU
# during the burst fell from 28-29 s to 18-23 s.

CLASS_ENV = "LL_CLASS_SIZE"  # set in the kernels of a pool sized for a class (server/settings.py, pools_flag)
PRESSURE_FILE = "/proc/pressure/cpu"
BUSY_PRESSURE = 40.0  # percent of the last 10 s with a task waiting for a CPU
RECHECK_S = 1.0


def cpu_pressure(path: str | None = None) -> float | None:
    """The ``some avg10`` of Linux's CPU pressure (0-100), or None where it cannot be read (not Linux, no PSI)."""
    try:
        with open(path or PRESSURE_FILE, encoding="ascii") as f:
            first = f.readline()
    except OSError:
        return None
    for part in first.split():
        if part.startswith("avg10="):
            try:
                return float(part[6:])
            except ValueError:
                return None
    return None


def class_expected() -> bool:
    """True in a kernel of a pool the server sized for a class (``serve --class N``)."""
    import os

    return bool(os.environ.get(CLASS_ENV))


def machine_busy() -> bool:
    pressure = cpu_pressure()
    return pressure is not None and pressure >= BUSY_PRESSURE


def later_when_quiet(key, callback, delay: float, max_wait: float) -> bool:
    """Like :func:`later` (a message from the browser runs it first), but once ``delay`` has passed it also waits
    while the machine is busy (:func:`machine_busy`), ``max_wait`` seconds at most. Returns whether it was
    deferred; where :func:`later` would not defer, ``callback`` runs at once."""
    if not _defer_here():
        callback()
        return False
    import asyncio

    loop = asyncio.get_running_loop()
    _pending.pop(key, None)
    _pending[key] = callback
    deadline = loop.time() + max_wait

    def check() -> None:
        if _pending.get(key) is not callback:  # already run (a message from the browser flushed it) or replaced
            return
        if loop.time() < deadline and machine_busy():
            loop.call_later(RECHECK_S, check)
            return
        _run(_pending.pop(key))

    loop.call_later(delay, check)
    return True
