"""Measuring one page load and its fact changes in headless Chromium, against the floor page.

The probes that run in the page are JavaScript, in ``probes.js`` beside this module."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .config import PREFERRED_FIELDS, TICK, log
from .harness import VoilaServer as Server, pss_uss_mb, rss_mb, system_cpu


def _load_probes(path: Path = Path(__file__).resolve().parent / "probes.js") -> dict[str, str]:
    """``{"READY_JS": source, ...}`` from probes.js (each probe starts at a ``// @probe NAME`` line)."""
    probes, name, body = {}, None, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("// @probe "):
            if name:
                probes[name] = "\n".join(body).strip() + "\n"
            name, body = line.split()[-1] + "_JS", []
        elif name and not line.startswith("//"):
            body.append(line)
    if name:
        probes[name] = "\n".join(body).strip() + "\n"
    return probes


_PROBES = _load_probes()
READY_JS, HOOKS_JS, SELECTS_JS, CHANGE_JS = (_PROBES[k] for k in ("READY_JS", "HOOKS_JS", "SELECTS_JS", "CHANGE_JS"))
FAILED_PAGE_JS, KERNEL_ID_JS, SHUTDOWN_JS = (_PROBES[k] for k in ("FAILED_PAGE_JS", "KERNEL_ID_JS", "SHUTDOWN_JS"))


def wait_quiet(servers: list[Server], *, settle: float = 1.5, window: float = 1.0, max_cores: float = 0.06,
               timeout: float = 240.0, system_timeout: float = 8.0) -> dict:
    """Wait until the servers and their kernels are idle (pools refilled, kernels culled or started), then briefly
    for the machine as a whole. Returns how long it took and the machine's load in the last window."""
    start = time.monotonic()
    time.sleep(settle)  # Voila waits fill_delay (1 s) before refilling a preheated pool
    while time.monotonic() - start < timeout:
        before = sum(s.tree_cpu_ticks() for s in servers)
        time.sleep(window)
        used = (sum(s.tree_cpu_ticks() for s in servers) - before) / TICK / window
        if used <= max_cores:
            break
    sys_start = time.monotonic()
    load = None
    while time.monotonic() - sys_start < system_timeout:
        b0, t0 = system_cpu()
        time.sleep(0.5)
        b1, t1 = system_cpu()
        load = (b1 - b0) / max(1, t1 - t0) * os.cpu_count()
        if load < 0.3:
            break
    return {"waited_s": round(time.monotonic() - start, 1), "machine_cores_busy": round(load or 0.0, 2)}


def page_url(server: Server, notebook: str, query: str = "") -> str:
    return f"{server.url}voila/render/{notebook}{query}"


@dataclass
class Change:
    field: str
    index: int
    back: int
    label: str = ""
    watch: str = "outcome"  # what shows the result: the outcome's form, or (no outcome display) the page


@dataclass
class Profile:
    """How a page is measured: `mode` hooks (fact control + outcome) or widgets (no hooks: every widget shown)."""
    mode: str = "hooks"
    change: Change | None = None
    widgets: int = 0  # widget outputs the page shows once loaded

    @property
    def ready_arg(self):
        return [self.change.field if (self.change and self.mode == "hooks") else None, self.mode, self.widgets]


async def _close_page(server: Server, page, context, kernel_id: str | None) -> bool:
    """Close like a student closing the tab (Voila shuts the kernel on beforeunload); True if the kernel went."""
    status = None
    try:
        # What Voila's page does on beforeunload (a beacon that Chromium may drop while a context is torn down),
        # awaited here so the next measurement starts without this kernel. Plain Voila 0.5 refuses it (it never
        # sets the _xsrf cookie the request needs): its kernels stay until the server stops.
        status = await page.evaluate(SHUTDOWN_JS)
    except Exception:
        pass
    gone = status is not None and status < 300
    if kernel_id and gone:
        deadline = time.monotonic() + 8
        while kernel_id in server.kernels():
            if time.monotonic() > deadline:
                gone = False
                break
            await asyncio.sleep(0.1)
    await context.close()
    return gone


async def discover_profile(browser, server: Server, notebook: str, timeout_s: float) -> Profile:
    """Load the page once (a warm-up, not counted): does it have the hooks, and which fact change shows a result?"""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    kernel_id = None
    profile = Profile()
    try:
        await page.goto(page_url(server, notebook), wait_until="commit", timeout=timeout_s * 1000)
        # Until the page has stopped growing: how many widget outputs it shows, and whether it has the hooks.
        deadline, stable, last, hooks = time.monotonic() + timeout_s, 0.0, None, {"widgets": 0}
        while time.monotonic() < deadline and stable < 2.0:
            hooks = await page.evaluate(HOOKS_JS)
            stable = stable + 0.25 if hooks == last and hooks["widgets"] else 0.0
            last = hooks
            await asyncio.sleep(0.25)
        profile.widgets = hooks["widgets"]
        profile.mode = "hooks" if hooks["outcomes"] and hooks["facts"] else "widgets"
        if profile.mode == "hooks":
            await page.wait_for_function(READY_JS, arg=[None, "hooks", 0], polling="raf", timeout=timeout_s * 1000)
        kernel_id = await page.evaluate(KERNEL_ID_JS)
        selects = await page.evaluate(SELECTS_JS)
        order = {f: i for i, f in enumerate(PREFERRED_FIELDS)}
        selects.sort(key=lambda s: order.get(s["field"], len(order)))
        for watch in (("outcome", "page") if hooks["outcomes"] else ("page",)):
            for s in selects:
                if s["index"] < 0:  # toggle buttons with none chosen: no way back to how the page was
                    continue
                others = [i for i in reversed(range(len(s["options"]))) if i != s["index"]]
                for idx in others:
                    r = await page.evaluate(CHANGE_JS, [s["field"], idx, 3000, 250, watch])
                    if r.get("outcome_ms") is not None:
                        back = await page.evaluate(CHANGE_JS, [s["field"], s["index"], 3000, 250, watch])
                        if back.get("outcome_ms") is not None:
                            profile.change = Change(s["field"], idx, s["index"], s["options"][idx], watch)
                            return profile
                    await page.evaluate(CHANGE_JS, [s["field"], s["index"], 1000, 150, watch])
        return profile
    except Exception as exc:
        log(f"{notebook}: the warm-up visit failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
        return profile
    finally:
        await _close_page(server, page, context, kernel_id)


def change_phases(clicks: int, visit: int, visits: int) -> list[float]:
    """Where in the display's frame each change of a visit starts (a fraction of a frame; CHANGE_JS): the `clicks`
    changes of visit `visit` (0-based, of `visits`) are spread evenly over one frame, and each visit's spread is
    offset by a further 1/visits of a step, so that all the visits together cover the frame evenly. The floor and
    every page get the same phases."""
    clicks, visits = max(1, clicks), max(1, visits)
    offset = (visit % visits + 0.5) / visits
    return [(i + offset) / clicks for i in range(clicks)]


async def measure_load(browser, server: Server, notebook: str, profile: Profile, timeout_s: float,
                       clicks: int, quiet_servers: list[Server], phases: list[float] | None = None) -> dict:
    """One visit: TTI, then (on a quiet machine) `clicks` alternating fact changes, then the kernel's memory.
    `phases`: where in the frame each change starts (change_phases); None starts each as soon as it is asked."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    out: dict = {"notebook": notebook}
    kernel_id = None
    try:
        t0 = time.perf_counter()
        await page.goto(page_url(server, notebook), wait_until="commit", timeout=timeout_s * 1000)
        change = profile.change
        handle = await page.wait_for_function(READY_JS, arg=profile.ready_arg, polling="raf", timeout=timeout_s * 1000)
        ready = await handle.json_value()
        out["tti_ms"] = round(ready["t"], 1)
        out["tti_wall_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        out["controls"] = ready["controls"]
        kernel_id = await page.evaluate(KERNEL_ID_JS)
        out["quiet_before_clicks"] = await asyncio.to_thread(wait_quiet, quiet_servers)
        if change:
            samples, settles, doms = [], [], []
            for i in range(clicks):
                idx = change.index if i % 2 == 0 else change.back
                phase = phases[i % len(phases)] if phases else None
                r = await page.evaluate(CHANGE_JS, [change.field, idx, 10000, 300, change.watch, phase])
                samples.append(r.get("outcome_ms"))
                settles.append(r.get("settle_ms"))
                doms.append(r.get("dom_ms"))
            out["click_ms"] = samples[0]
            out["click_repeat_ms"] = samples[1:]
            out["settle_ms"] = settles[0]
            out["dom_ms"] = doms
            out["phases"] = phases
        pid = server.kernels().get(kernel_id) if kernel_id else None
        out["kernel_pid"] = pid
        out["mem_mb"] = round(rss_mb(pid), 1) if pid else None
        if pid:
            pss, uss = pss_uss_mb(pid)
            out["pss_mb"], out["uss_mb"] = (round(pss, 1) if pss else None), (round(uss, 1) if uss else None)
    except Exception as exc:  # a failed visit is recorded, not fatal
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    finally:
        out["kernel_shut_down"] = await _close_page(server, page, context, kernel_id)
    return out


def executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def browser_version(path: str) -> str | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0][:120] if text else None


def med(values) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def ratio(a, b) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def verdict(value: float | None, goal: float) -> str:
    if value is None:
        return "n/a"
    return "PASS" if value <= goal else "FAIL"


def summarise(samples: list[dict]) -> dict:
    ok = [s for s in samples if "error" not in s]
    repeats = [x for s in ok for x in (s.get("click_repeat_ms") or []) if x is not None]
    firsts = [s.get("click_ms") for s in ok if s.get("click_ms") is not None]
    return {
        "n": len(samples), "errors": [s["error"] for s in samples if "error" in s],
        "tti_ms": med(s.get("tti_ms") for s in ok),
        "tti_wall_ms": med(s.get("tti_wall_ms") for s in ok),
        # The figure: every timed change of every visit. The outcome shows at the browser's next frame, 0-16.7 ms
        # after it reached the page, and that wait is as large as the change itself (~6 ms in the page): the median
        # of one change per visit over 5 visits moved by ±0.3x from run to run, the pages passing or failing by lot.
        "click_ms": med(firsts + repeats),
        "click_first_ms": med(firsts),
        "click_repeat_ms": med(repeats),
        "click_n": len(firsts) + len(repeats),
        # For information: from the change until the outcome is in the page's DOM (no frame wait).
        "dom_ms": med(x for s in ok for x in (s.get("dom_ms") or []) if x is not None),
        "settle_ms": med(s.get("settle_ms") for s in ok),
        "mem_mb": med(s.get("mem_mb") for s in ok),
        "pss_mb": med(s.get("pss_mb") for s in ok),
        "uss_mb": med(s.get("uss_mb") for s in ok),
        "kernels_left_running": sum(1 for s in samples if not s.get("kernel_shut_down", True)),
    }
