#!/usr/bin/env python3
"""How fast is the tutorial for a whole class? One run, headless Chromium, real Voila servers.

Each tutorial page is measured against a *floor page* (``benchmarks/floor/floor.ipynb``: one labelled dropdown
wired to one HTML output, nothing else) served the same way, in alternating rounds; the medians give ratios:

- time to interactive (TTI): from navigation until the page's fact control (``.ll-fact-<field>``) and its outcome
  (``.ll-outcome[data-liability-form]``) are on screen (measured in the page: ``performance.now()``);
- one fact change: from the ``change`` event on a ``.ll-fact-<field> select`` until the outcome's
  ``data-liability-form`` shows the new result, at the start of the animation frame that paints it; the median of
  every change of every visit (7 a visit, there and back: the frame's wait, 0-16.7 ms, is as large as the change
  itself, and one change a visit was too few to tell a page from the floor). Each change starts at a set point of
  the display's frame, the floor and every page at the same evenly spread points (``--change-start phased``,
  :func:`change_phases`), so that the frame's wait is averaged over the frame instead of drawn by lot. A page
  without an outcome display is timed until it shows anything new; a chapter without fact controls, on a control
  of its own instead (a select or toggle buttons with an ``ll-*`` class: a tier, a decision, an exercise set),
  until it shows anything new;
- kernel memory: resident set size of the page's own kernel process (found in /proc by the page's kernel id);
- a class of 40: 40 browser contexts open the analyzer at the same instant, under the project's public settings,
  against 40 opening the floor under plain Voila defaults: how many get the outcome on screen within the timeout,
  and the 95th percentile of their waits.

The servers are started here: the pages and the floor under ``liability-lab serve --public``'s command line
(:func:`server.cli.voila_argv`), and a second floor under plain ``voila`` for the class comparison.

Output: a table with PASS/FAIL per goal, ``artifacts/bench/bench-<timestamp>.json`` and ``artifacts/bench/latest.json``
(compared with the previous ``latest.json``), and a PNG plot when matplotlib is installed (``pip install -e '.[bench]'``).
Exit status 0 when every goal holds, 1 when one does not, 2 when the benchmark could not run.

The static edition (``make static``: build/static, Voici + Pyodide, no server) is measured after the Voila pages when
it is built (``--static-only`` measures it alone; ``--no-static`` skips it): its analyzer's and two chapters' cold and
warm time to interactive, download size and one fact change, served by a plain static file server on 127.0.0.1 with
every other request blocked (benchmarks/static_edition.py), printed beside the Voila figures.

This is a benchmark, not a test: the test suite only checks that ``--help`` works.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import json
import math
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR_DIR = Path(__file__).resolve().parent / "floor"
NOTEBOOKS = ROOT / "notebooks"
OUT_DIR = ROOT / "artifacts" / "bench"
CHROMIUM = os.environ.get("LL_CHROMIUM_PATH", "/usr/bin/chromium")
# The class's 40 browsers stand in for 40 students' own devices, but here they share the server's two cores; the
# lighter they are, the more the class's figures tell about the server. Chromium's headless shell (Debian's
# chromium-headless-shell: the same Blink engine without the full browser's UI, the build Playwright itself uses
# for headless runs) spent 57-73 s of CPU on a burst of 40 where the full browser spent 119-169 s (docs/deploy.md).
# Without it the class falls back to CHROMIUM and the run records which browser it used.
CLASS_CHROMIUM = os.environ.get("LL_CLASS_CHROMIUM_PATH", "/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]

# The goals of the issue: page/floor ratios of the medians, and the class of 40.
GOALS = {"tti": 1.25, "click": 1.25, "mem": 1.6, "class_p95": 1.0}
CLASS_SIZE = 40
CLASS_POLL_MS = 250

# Which fact to change on each page, in order of preference: (field, option labels to try first). Every option of
# every .ll-fact-* select is tried after these, so a page never needs an entry here.
PREFERRED_FIELDS = ("platform_knowledge", "harm", "platform_mode", "qualification_review", "safety_duty",
                    "causation", "risk_level", "platform_tier")
NON_FIELD_CLASSES = {"panel", "status", "x-auto"}
TICK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------------------------
# /proc: process trees, CPU time, memory

def _proc_table() -> dict[int, tuple[int, int, int]]:
    """pid -> (ppid, utime+stime ticks, rss pages) for every process that can be read."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                data = fh.read().decode(errors="replace")
        except OSError:
            continue
        rest = data[data.rfind(")") + 2:].split()
        # rest[0] is the state (field 3); ppid is field 4, utime 14, stime 15, rss 24.
        table[int(entry.name)] = (int(rest[1]), int(rest[11]) + int(rest[12]), int(rest[21]))
    return table


def descendants(root_pid: int, table=None) -> list[int]:
    table = table or _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _cpu, _rss) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        if pid in table:
            out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return [p.decode(errors="replace") for p in fh.read().split(b"\0") if p]
    except OSError:
        return []


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def pss_uss_mb(pid: int) -> tuple[float | None, float | None]:
    """Proportional and unique set size: what one more kernel really costs (shared libraries counted once)."""
    pss = uss = None
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            priv = 0
            for line in fh:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) / 1024.0
                elif line.startswith(("Private_Clean:", "Private_Dirty:")):
                    priv += int(line.split()[1])
            uss = priv / 1024.0
    except OSError:
        pass
    return pss, uss


def system_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine."""
    with open("/proc/stat") as fh:
        parts = [int(x) for x in fh.readline().split()[1:]]
    idle = parts[3] + (parts[4] if len(parts) > 4 else 0)
    return sum(parts) - idle, sum(parts)


# --------------------------------------------------------------------------------------------------------------------
# Voila servers

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    argv: list[str]
    log_path: Path
    port: int
    proc: subprocess.Popen | None = None
    seen_cpu: dict[int, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        from server.template import environ  # the project template, as `liability-lab serve` has it

        env = environ(dict(os.environ, JUPYTER_PLATFORM_DIRS="1", PYTHONUNBUFFERED="1"))
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, start_new_session=True)

    def log_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name}: voila exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as resp:
                    if resp.status < 500:
                        return
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name}: no answer on {self.url} within {timeout:.0f} s:\n{self.log_tail()}")

    def tree(self, table=None) -> list[int]:
        return descendants(self.proc.pid, table) if self.proc else []

    def tree_cpu_ticks(self) -> int:
        """CPU ticks used by the server and every process it has ever been seen to have (exited ones keep their
        last reading), so a window's difference counts kernels that started inside it."""
        table = _proc_table()
        for pid in self.tree(table):
            self.seen_cpu[pid] = table[pid][1]
        return sum(self.seen_cpu.values())

    def kernels(self) -> dict[str, int]:
        """kernel id -> pid of every kernel process under this server."""
        out = {}
        for pid in self.tree():
            args = cmdline(pid)
            for a in args:
                m = re.search(r"kernel-([0-9a-f-]{36})\.json$", a)
                if m:
                    out[m.group(1)] = pid
        return out

    def memory(self) -> dict:
        kernels = self.kernels()
        k_rss = [rss_mb(pid) or 0.0 for pid in kernels.values()]
        return {"server_mb": round(rss_mb(self.proc.pid) or 0.0, 1), "kernels": len(kernels),
                "kernels_mb": round(sum(k_rss), 1)}

    def restart(self) -> None:
        """A fresh server on the same port (e.g. to drop the kernels plain Voila never shuts down)."""
        self.stop()
        self.seen_cpu = {}
        self.start()
        self.wait_ready()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            for sig, wait in ((signal.SIGINT, 15), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
                try:
                    self.proc.send_signal(sig)
                    self.proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        # Kernels are in the server's session; none may outlive the benchmark.
        if self.proc:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if getattr(self, "_log", None):
            self._log.close()


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


# --------------------------------------------------------------------------------------------------------------------
# In the page

# Ready. "hooks": a visible fact control (the one the benchmark will change, or any) and a visible outcome with its
# form. "widgets" (a page without those hooks): every widget output of the page rendered.
READY_JS = r"""
([field, mode, count]) => {
  const vis = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  if (mode === 'widgets') {
    const shown = [...document.querySelectorAll('.jp-OutputArea-output')]
        .filter((o) => vis(o.querySelector('.jupyter-widgets'))).length;
    if (!shown || shown < (count || 1)) return false;
    return {t: performance.now(), controls: 0, outcomes: 0, widgets: shown};
  }
  const outs = [...document.querySelectorAll('.ll-outcome[data-liability-form]')]
      .filter((e) => vis(e) && e.getAttribute('data-liability-form') !== '');
  if (!outs.length) return false;
  const isFact = (c) => /^ll-fact-[a-z_]+$/.test(c) && !['ll-fact-panel', 'll-fact-status'].includes(c);
  let controls = [...document.querySelectorAll('[class*="ll-fact-"]')]
      .filter((e) => [...e.classList].some(isFact))
      .map((e) => e.querySelector('select, input, textarea, button') || e)
      .filter(vis);
  if (field) controls = controls.filter((e) => e.closest('.ll-fact-' + field));
  if (!controls.length) return false;
  return {t: performance.now(), controls: controls.length, outcomes: outs.length};
}
"""

# What the page shows of the hooks, once it has settled: does it have an outcome and fact controls?
HOOKS_JS = r"""
() => ({outcomes: document.querySelectorAll('.ll-outcome[data-liability-form]').length,
        facts: document.querySelectorAll('[class*="ll-fact-"] select, [class*="ll-fact-"] input').length,
        widgets: [...document.querySelectorAll('.jp-OutputArea-output')]
            .filter((o) => { const w = o.querySelector('.jupyter-widgets'); return w && w.getClientRects().length; })
            .length})
"""

# Every select fact control: field, option labels, the selected index. Then, for a page without fact controls (a
# chapter that asks something else: a tier, a decision, an exercise set), every other control of the page's own
# (a widget with an ll-* class, the language switch aside): its selects, then its toggle buttons. Such a control is
# named by its class ("ll-safety-tier") where a fact control is named by its field.
SELECTS_JS = r"""
() => {
  const facts = [...document.querySelectorAll('[class*="ll-fact-"]')].flatMap((e) => {
    const cls = [...e.classList].find((c) => /^ll-fact-[a-z_]+$/.test(c) && !['ll-fact-panel', 'll-fact-status'].includes(c));
    const sel = e.querySelector('select');
    if (!cls || !sel || sel.disabled) return [];
    return [{field: cls.slice(8), options: [...sel.options].map((o) => o.textContent), index: sel.selectedIndex}];
  });
  const root = document.getElementById('rendered_cells') || document.body;
  const own = (e) => [...e.classList].find((c) => /^ll-[a-z0-9-]+$/.test(c) && !/^ll-(fact|lang|buttons|controls)/.test(c));
  const controls = [];
  for (const e of root.querySelectorAll('.widget-dropdown, .widget-toggle-buttons')) {
    const cls = own(e);
    if (!cls || e.closest('[class*="ll-fact-"]')) continue;
    const sel = e.querySelector('select');
    if (sel && !sel.disabled) {
      controls.push({field: cls, options: [...sel.options].map((o) => o.textContent), index: sel.selectedIndex});
    } else if (!sel) {
      const buttons = [...e.querySelectorAll('button')];
      if (buttons.length > 1) controls.push({field: cls, options: buttons.map((b) => b.textContent),
                                             index: buttons.findIndex((b) => b.classList.contains('mod-active'))});
    }
  }
  return facts.length ? facts : controls;
}
"""

# One fact change, timed in the page: change event -> the outcome's form differs -> next painted frame.
# Then keeps watching until the page has been still for `still` ms: `settle` is when it last changed.
# `phase` (a fraction of a frame, or null): start the change that far into the display's frame, not at whatever
# moment the call arrives. The wait from the outcome reaching the DOM to the frame that paints it is 0 to one frame
# (16.7 ms at 60 Hz) and depends only on where in the frame the change began; left to chance, it is the largest
# part of a change's spread. Every page and the floor are given the same evenly spread phases (measure_load), so
# they sample that wait alike and the figure is its average, not a lottery. The frame is timed by two
# animation frames; the start is then held by a busy wait, to well under a millisecond.
CHANGE_JS = r"""
async ([field, index, timeout, still, watch, phase]) => {
  // A fact control (.ll-fact-<field>) or another control of the page (its class, ll-...): a select, or toggle buttons.
  const box = document.querySelector(field.startsWith('ll-') ? '.' + field : '.ll-fact-' + field);
  const select = box && box.querySelector('select');
  const buttons = box && !select ? [...box.querySelectorAll('button')] : [];
  if (!select && !buttons[index]) return {error: 'no control for ' + field};
  const sel = box;  // the control itself: its own changes are not the page's answer
  // watch 'outcome': the outcome's form must change; 'page' (a page without an outcome display): anything the
  // page shows changes, other than the select itself.
  let changes = 0;
  const forms = watch === 'page'
      ? () => String(changes)
      : () => [...document.querySelectorAll('.ll-outcome[data-liability-form]')]
          .map((e) => e.getAttribute('data-liability-form')).join('|');
  const before = forms();
  const root = document.getElementById('rendered_cells') || document.body;
  let period = null, frameAt = null;
  if (typeof phase === 'number' && phase >= 0 && phase < 1) {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const a = await frame(), b = await frame();
    period = b - a;
    if (!(period > 4 && period < 50)) period = 1000 / 60;
    await new Promise((r) => setTimeout(r, 0));  // let the frame of b finish
    frameAt = b;
    let target = b + phase * period;
    while (target < performance.now() + 0.3) target += period;
    while (performance.now() < target) { /* hold the start to the phase */ }
  }
  return await new Promise((resolve) => {
    let t0 = 0, outcome = null, dom = null, last = 0, done = false;
    const finish = (extra) => {
      if (done) return; done = true; mo.disconnect();
      resolve(Object.assign({outcome_ms: outcome, dom_ms: dom, settle_ms: last ? last - t0 : null, before,
                             after: forms(), frame_ms: period,
                             start_phase: period ? ((t0 - frameAt) % period) / period : null},
                            extra || {}));
    };
    const mo = new MutationObserver((records) => {
      last = performance.now();
      if (records.some((r) => !sel.contains(r.target))) changes += 1;
      if (outcome === null && forms() !== before) {
        if (dom === null) dom = performance.now() - t0;
        requestAnimationFrame(() => { if (outcome === null) outcome = performance.now() - t0; });
      }
    });
    mo.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
    const poll = () => {
      if (done) return;
      const now = performance.now();
      if (outcome !== null && now - last >= still) return finish();
      if (now - t0 > timeout) return finish({timed_out: true});
      setTimeout(poll, 25);
    };
    t0 = performance.now();
    last = t0;
    if (select) {
      select.selectedIndex = index;
      select.dispatchEvent(new Event('change', {bubbles: true}));
    } else {
      buttons[index].click();
    }
    setTimeout(poll, 25);
  });
}
"""

# What a page that never became interactive shows: the start of its text, how many outputs and rendered widgets it
# has, whether the loading display or a widget error is still there, and whether the hooks exist at all.
FAILED_PAGE_JS = r"""
() => ({text: (document.body ? document.body.innerText : '').replace(/\s+/g, ' ').slice(0, 240),
        outputs: document.querySelectorAll('.jp-OutputArea-output').length,
        widgets: document.querySelectorAll('.jupyter-widgets').length,
        widget_errors: document.querySelectorAll('.jupyter-widgets.widget-error, .widget-error').length,
        loading: [...document.querySelectorAll('#loading')].some((e) => e.getClientRects().length > 0),
        outcomes: document.querySelectorAll('.ll-outcome[data-liability-form]').length,
        facts: document.querySelectorAll('[class*="ll-fact-"] select').length})
"""

KERNEL_ID_JS = r"""
() => { const el = document.getElementById('jupyter-config-data');
        try { return JSON.parse(el.textContent).kernelId || null; } catch (e) { return null; } }
"""


SHUTDOWN_JS = r"""
async () => {
  const cfg = JSON.parse(document.getElementById('jupyter-config-data').textContent);
  const m = document.cookie.match('\\b_xsrf=([^;]*)\\b');
  const body = new FormData();
  body.append('_xsrf', (m && m[1]) || '');
  const r = await fetch(cfg.baseUrl + 'voila/api/shutdown/' + cfg.kernelId, {method: 'POST', body});
  return r.status;
}
"""


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


async def class_burst(pw, server: Server, notebook: str, n: int, timeout_s: float, field_name: str | None,
                      per_browser: int = 5, browser_path: str = CHROMIUM) -> dict:
    """n students open the page at the same instant, each in a fresh browser context, `per_browser` contexts to a
    browser. (One browser for all would serialise the pages' kernel websockets: Chromium opens one WebSocket at a
    time to a given host, as RFC 6455 asks; a class uses many browsers.)"""
    browsers = [await pw.chromium.launch(executable_path=browser_path, headless=True, args=CHROMIUM_ARGS)
                for _ in range(math.ceil(n / per_browser))]
    contexts = [await browsers[i // per_browser].new_context(viewport={"width": 1280, "height": 900})
                for i in range(n)]
    pages = [await c.new_page() for c in contexts]
    url = page_url(server, notebook)
    cpu0 = server.tree_cpu_ticks()
    t0 = time.perf_counter()

    failures: list[dict] = []

    async def one(page):
        # The page's warnings and errors, kept to say why a load that never became interactive did not.
        console: list[str] = []
        page.on("console", lambda m: console.append(f"{time.perf_counter() - t0:.1f} s {m.type}: {m.text[:200]}")
                if m.type in ("warning", "error") else None)
        page.on("pageerror", lambda e: console.append(f"{time.perf_counter() - t0:.1f} s pageerror: {str(e)[:200]}"))
        try:
            await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
            remaining = max(1.0, timeout_s - (time.perf_counter() - t0))
            # Polled every 250 ms: 40 pages polled every 50 ms kept the Playwright driver and the pages' renderers
            # busy with the measurement itself, on the cores the class shares with the server.
            await page.wait_for_function(READY_JS, arg=[field_name, "hooks", 0], polling=CLASS_POLL_MS,
                                         timeout=remaining * 1000)
            return time.perf_counter() - t0, None
        except Exception as exc:
            try:
                state = await page.evaluate(FAILED_PAGE_JS)
            except Exception as exc2:
                state = {"unreadable": f"{type(exc2).__name__}: {str(exc2).splitlines()[0][:120]}"}
            failures.append({"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}", "page": state,
                             "console": console[-12:]})
            return None, f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"

    results = await asyncio.gather(*(one(p) for p in pages))
    wall = time.perf_counter() - t0
    cpu_burst = (server.tree_cpu_ticks() - cpu0) / TICK
    mem = server.memory()
    kernel_ids = [await p.evaluate(KERNEL_ID_JS) for p in pages]
    pids = server.kernels()
    page_rss = [rss_mb(pids[k]) for k in kernel_ids if k in pids]
    page_pss = [pss_uss_mb(pids[k])[0] for k in kernel_ids if k in pids]
    async def leave(page):
        try:
            await page.evaluate(SHUTDOWN_JS)
        except Exception:
            pass

    await asyncio.gather(*(leave(p) for p in pages))
    for browser in browsers:
        await browser.close()
    times = [t for t, _e in results if t is not None]
    errors = sorted({e for _t, e in results if e})
    ok = len(times)
    # p95 by nearest rank over all n loads; a load that failed counts as infinitely slow.
    ranked = sorted(times) + [math.inf] * (n - ok)
    p95 = ranked[max(0, math.ceil(0.95 * n) - 1)]
    return {"n": n, "ok": ok, "p95_s": p95, "median_s": statistics.median(ranked), "max_s": max(ranked),
            "wall_s": round(wall, 2), "errors": errors, "failures": failures, "server_cpu_s_burst": round(cpu_burst, 2),
            "memory_after": mem, "kernel_mb_median": round(statistics.median(page_rss), 1) if page_rss else None,
            "kernel_pss_mb_median": round(med(page_pss), 1) if med(page_pss) else None,
            "_visitor_kernels": [k for k in kernel_ids if k]}


# --------------------------------------------------------------------------------------------------------------------
# The run

def discover_pages() -> list[str]:
    pages = []
    if (NOTEBOOKS / "analyzer.ipynb").exists():
        pages.append("analyzer")
    pages += sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    return pages


def resolve_pages(spec: str | None) -> list[str]:
    available = discover_pages()
    if not spec:
        return available
    chosen = []
    for item in (s.strip() for s in spec.split(",") if s.strip()):
        item = item.removesuffix(".ipynb")
        matches = [p for p in available if p == item or p.startswith(item + "_") or p.startswith(item)]
        if not matches:
            raise SystemExit(f"bench: no notebook {item!r} in {NOTEBOOKS} (have: {', '.join(available) or 'none'})")
        chosen.append(matches[0])
    return list(dict.fromkeys(chosen))


def public_argv(port: int, root: Path, extra: list[str], max_kernels: int | None = None,
                analyzer_pool: int | None = None) -> list[str]:
    """The project's public-demo command line, as `liability-lab serve --public [--max-kernels N]` runs it, with the
    analyzer's preheated pool sized for a class (docs/deploy.md, "A class of 40") and any --extra flags."""
    sys.path.insert(0, str(ROOT))
    from server.cli import voila_argv

    if analyzer_pool is not None:
        try:
            from server.settings import POOL_SIZES
        except ImportError:  # a checkout without the pool settings
            POOL_SIZES = {"default": 1}
        pools = dict(POOL_SIZES, **{"analyzer.ipynb": analyzer_pool})
        extra = ["--VoilaConfiguration.preheat_kernel=True",
                 "--VoilaKernelManager.kernel_pools_config="
                 + json.dumps({k: {"pool_size": v} for k, v in pools.items()}, separators=(",", ":")), *extra]
    # The class's browsers all come from 127.0.0.1: a class behind one school address, which raises the cap per
    # client address to the class (docs/deploy.md) and its page rate with it.
    per_client = max_kernels or 60
    argv = voila_argv(port, True, "127.0.0.1", root, max_kernels, max_per_client=per_client) + [
        f"--PublicVoila.renders_per_minute={10 * per_client}"] + extra
    # A flag given twice is an error for Voila: keep the last value of each --Key=value.
    last = {}
    for i, a in enumerate(argv):
        if a.startswith("--") and "=" in a:
            last[a.split("=", 1)[0]] = i
    return [a for i, a in enumerate(argv) if not (a.startswith("--") and "=" in a and last[a.split("=", 1)[0]] != i)]


def demo_argv(port: int, root: Path, extra: list[str]) -> list[str]:
    """`make demo`'s command line (`liability-lab serve`, no --public), with any --extra flags."""
    sys.path.insert(0, str(ROOT))
    from server.cli import voila_argv

    return voila_argv(port, False, "127.0.0.1", root, extra=list(extra))


def plain_argv(port: int, root: Path) -> list[str]:
    return [sys.executable, "-m", "voila", str(root), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"]


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


async def run(args) -> dict:
    from playwright.async_api import async_playwright

    pages = resolve_pages(args.pages)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    logs = Path(tempfile.mkdtemp(prefix="ll-bench-"))
    extra = list(args.extra)
    p_port, f_port, plain_port = free_port(), free_port(), free_port()
    servers = {
        "pages": Server("pages (public)", public_argv(p_port, NOTEBOOKS, extra, args.max_kernels, args.analyzer_pool or None),
                        logs / "pages.log", p_port) if args.pages_server == "public" else
        Server("pages (make demo)", demo_argv(p_port, NOTEBOOKS, extra), logs / "pages.log", p_port),
        "plain": Server("floor (plain voila)", plain_argv(plain_port, FLOOR_DIR), logs / "plain.log", plain_port),
    }
    # The floor of the per-page ratios: plain Voila defaults (as in the baseline figures), or, with
    # --floor-like-pages, the pages' own public settings (preheating included): a stricter yardstick.
    if args.floor_like_pages:
        servers["floor"] = Server("floor (public)", public_argv(f_port, FLOOR_DIR, extra, args.max_kernels),
                                  logs / "floor.log", f_port)
    else:
        servers["floor"] = servers["plain"]
    result: dict = {
        "timestamp": _dt.datetime.now().isoformat(timespec="seconds"),
        "git": _git_describe(),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "mem_gb": round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1)},
        "goals": GOALS, "rounds": args.rounds, "clicks_per_visit": args.clicks, "change_start": args.change_start,
        "argv": {k: s.argv[1:] for k, s in servers.items()}, "logs": str(logs),
        "floor_served": "like the pages" if args.floor_like_pages else "plain voila",
        "pages_server": args.pages_server,
    }
    log(f"pages: {', '.join(pages) or '(none yet: only the floor)'}; logs in {logs}")
    try:
        all_servers = list({id(s): s for s in servers.values()}.values())
        for s in all_servers:
            s.start()
        for s in all_servers:
            s.wait_ready()
        log("servers up; waiting for kernel pools and the machine to be quiet")
        result["startup_quiet"] = wait_quiet(all_servers, timeout=300)
        result["idle_memory"] = {k: s.memory() for k, s in servers.items() if k != "floor" or args.floor_like_pages}

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            floor_profile = Profile("hooks", Change("x", 1, 0, "knew"))
            profiles: dict[str, Profile] = {}
            # Warm-up (not counted): the floor, then each page once, which also finds how to measure it.
            await measure_load(browser, servers["floor"], "floor.ipynb", floor_profile, args.timeout, 1, all_servers)
            for name in pages:
                profiles[name] = prof = await discover_profile(browser, servers["pages"], f"{name}.ipynb",
                                                               args.timeout)
                if prof.change is None and prof.widgets == 0:  # the warm-up visit failed: once more
                    await asyncio.to_thread(wait_quiet, all_servers)
                    profiles[name] = prof = await discover_profile(browser, servers["pages"], f"{name}.ipynb",
                                                                   args.timeout)
                c = prof.change
                log(f"{name}: ready when {'its fact control and outcome' if prof.mode == 'hooks' else 'every widget'}"
                    " is shown; fact change " + (f"{c.field} -> option {c.index} ({c.label}), watching the {c.watch}"
                                                 if c else "none"))
                await asyncio.to_thread(wait_quiet, all_servers)

            samples: dict[str, list[dict]] = {"floor": []}
            samples.update({p: [] for p in pages})
            sequence = []
            for name in pages or [None]:
                sequence += [("floor", None), ("page", name)] if name else [("floor", None)]
            for r in range(args.rounds):
                order = sequence if r % 2 == 0 else list(reversed(sequence))
                log(f"round {r + 1}/{args.rounds}")
                phases = change_phases(args.clicks, r, args.rounds) if args.change_start == "phased" else None
                for kind, name in order:
                    await asyncio.to_thread(wait_quiet, all_servers)
                    if kind == "floor":
                        s = await measure_load(browser, servers["floor"], "floor.ipynb", floor_profile, args.timeout,
                                               args.clicks, all_servers, phases)
                        samples["floor"].append(s)
                    else:
                        s = await measure_load(browser, servers["pages"], f"{name}.ipynb", profiles[name],
                                               args.timeout, args.clicks, all_servers, phases)
                        samples[name].append(s)
                    log(f"  {name or 'floor':24} tti {s.get('tti_ms')} ms  click {s.get('click_ms')} ms  "
                        f"mem {s.get('mem_mb')} MB {s.get('error', '')}")
            await browser.close()

            result["samples"] = samples
            result["profiles"] = {k: {"mode": v.mode, "change": vars(v.change) if v.change else None}
                                  for k, v in profiles.items()}
            floor = summarise(samples["floor"])
            result["floor"] = floor
            result["pages"] = {}
            for name in pages:
                summ = summarise(samples[name])
                summ["ratios"] = {"tti": ratio(summ["tti_ms"], floor["tti_ms"]),
                                  "click": ratio(summ["click_ms"], floor["click_ms"]),
                                  "mem": ratio(summ["mem_mb"], floor["mem_mb"])}
                summ["pass"] = {k: verdict(summ["ratios"][k], GOALS[k]) for k in ("tti", "click", "mem")}
                prof = profiles[name]
                summ["mode"] = prof.mode
                notes = []
                if prof.mode == "widgets":
                    notes.append("no fact control + outcome: TTI until every widget is shown")
                if prof.change is None:
                    notes.append("no fact control (.ll-fact-* select) and no other control of its own on the page: "
                                 "no change to time")
                elif prof.change.field.startswith("ll-"):
                    notes.append(f"no fact control: the change of its own control .{prof.change.field} "
                                 f"(-> {prof.change.label}) is timed until the page shows anything new")
                elif prof.change.watch == "page":
                    notes.append(f"no outcome display: the change of {prof.change.field} is timed until the page "
                                 "shows anything new")
                summ["note"] = "; ".join(notes)
                result["pages"][name] = summ

            if args.class_rounds and "analyzer" in (discover_pages()):
                if servers["plain"].kernels():
                    log("restarting the plain floor server (plain Voila keeps every visited page's kernel)")
                    servers["plain"].restart()
                analyzer = profiles.get("analyzer")
                result["class"] = await run_class(pw, servers, args, analyzer.change if analyzer else None,
                                                  all_servers)
        result["memory_end"] = {k: s.memory() for k, s in servers.items() if k != "floor" or args.floor_like_pages}
    finally:
        for s in {id(s): s for s in servers.values()}.values():
            s.stop()
    return result


def pool_kernels_expected(args) -> int:
    """How many preheated kernels the pages' server keeps waiting: the analyzer's pool and one per other page
    (server.settings.POOL_SIZES, with the analyzer's pool as --analyzer-pool sets it)."""
    try:
        from server.settings import POOL_SIZES
    except ImportError:
        POOL_SIZES = {"default": 1}
    sizes = {f"{p}.ipynb": POOL_SIZES.get(f"{p}.ipynb", POOL_SIZES.get("default", 1)) for p in discover_pages()}
    if args.analyzer_pool:
        sizes["analyzer.ipynb"] = args.analyzer_pool
    return sum(sizes.values())


def wait_pool_full(server: Server, expected: int, visitors: set, timeout: float = 420.0) -> dict:
    """Wait until the server has its preheated pool back: ``expected`` kernels besides the burst's ``visitors``."""
    start = time.monotonic()
    count = 0
    while time.monotonic() - start < timeout:
        count = len(set(server.kernels()) - visitors)
        if count >= expected:
            break
        time.sleep(1.0)
    return {"waited_s": round(time.monotonic() - start, 1), "kernels": count, "expected": expected}


async def run_class(pw, servers: dict[str, Server], args, change: Change | None, all_servers) -> dict:
    n = args.class_size
    pool_total = pool_kernels_expected(args)
    runs = {"floor_plain": [], "analyzer_public": []}
    cpu_per_load = {"floor_plain": [], "analyzer_public": []}
    for r in range(args.class_rounds):
        order = [("floor_plain", "plain", "floor.ipynb", "x"), ("analyzer_public", "pages", "analyzer.ipynb",
                                                                 change.field if change else None)]
        if r % 2:
            order.reverse()
        for key, server_key, nb, fld in order:
            server = servers[server_key]
            if server_key == "plain" and server.kernels():
                server.restart()  # plain Voila keeps the last burst's kernels: start each burst from a fresh server
            await asyncio.to_thread(wait_quiet, all_servers, timeout=300)
            cpu0 = server.tree_cpu_ticks()
            log(f"class of {n}: {key} (round {r + 1}/{args.class_rounds})")
            res = await class_burst(pw, server, nb, n, args.class_timeout, fld, browser_path=args.class_browser)
            # Server-side cost of the burst, until the server is quiet again (kernels shut, pool refilled: a burst's
            # refill is postponed by the pool's fill delay, so wait for the pool to be full, then for quiet).
            if server_key == "pages":
                res["pool_refill"] = await asyncio.to_thread(wait_pool_full, server, pool_total,
                                                             set(res["_visitor_kernels"]))
            res.pop("_visitor_kernels", None)
            res["quiet_after"] = await asyncio.to_thread(wait_quiet, [server], timeout=300)
            res["server_cpu_s_total"] = round((server.tree_cpu_ticks() - cpu0) / TICK, 2)
            cpu_per_load[key].append(res["server_cpu_s_total"] / n)
            runs[key].append(res)
            log(f"  {res['ok']}/{n} served, p95 {res['p95_s']:.1f} s, median {res['median_s']:.1f} s, "
                f"server CPU {res['server_cpu_s_total']:.1f} s" + (f" errors: {res['errors'][:2]}" if res["errors"] else ""))
            for failure in res["failures"][:3]:
                log(f"    not interactive: {json.dumps(failure['page'], ensure_ascii=False)[:300]}")
                for line in failure["console"][-4:]:
                    log(f"      {line}")
    return summarise_class(runs, cpu_per_load, n, {"path": args.class_browser,
                                                   "version": browser_version(args.class_browser)})


def summarise_class(runs: dict[str, list[dict]], cpu_per_load: dict[str, list[float]], n: int,
                    browser: dict | None = None) -> dict:
    """The class's figures over its bursts (medians), and the two goals: every analyzer load served in every
    burst, and the analyzer's p95 at most the floor's."""
    def side(key: str) -> dict:
        rs = runs[key]
        return {"ok_min": min(r["ok"] for r in rs), "p95_s": med(r["p95_s"] for r in rs),
                "median_s": med(r["median_s"] for r in rs), "server_cpu_s_per_load": med(cpu_per_load[key]),
                "kernel_mb": med(r.get("kernel_mb_median") for r in rs),
                "kernel_pss_mb": med(r.get("kernel_pss_mb_median") for r in rs)}

    f, a = side("floor_plain"), side("analyzer_public")
    summary = {"n": n, "rounds": len(runs["analyzer_public"]), "runs": runs, "browser": browser or {},
               "floor_plain": f, "analyzer_public": a}
    if f["p95_s"] is None or not math.isfinite(f["p95_s"]):
        # The floor left loads unserved in most bursts: there is nothing to compare with (a ratio of 0 would pass
        # vacuously), so the goal is not shown to hold.
        summary["p95_ratio"] = None
        p95_verdict = "NO FLOOR"
    else:
        a_p95 = a["p95_s"]
        summary["p95_ratio"] = ratio(a_p95, f["p95_s"]) if (a_p95 is not None and math.isfinite(a_p95)) else math.inf
        p95_verdict = verdict(summary["p95_ratio"], GOALS["class_p95"])
    summary["pass"] = {"all_served": "PASS" if a["ok_min"] == n else "FAIL", "p95": p95_verdict}
    return summary


def _git_describe() -> str | None:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                              text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


# --------------------------------------------------------------------------------------------------------------------
# Report

def _fmt(v, unit="", digits=0):
    if v is None:
        return "—"
    if isinstance(v, float) and math.isinf(v):
        return "∞"
    return f"{v:.{digits}f}{unit}"


def report(result: dict, previous: dict | None) -> str:
    lines = []
    fl = result["floor"]
    m = result["machine"]
    lines.append(f"{m['cores']} cores; load average before/after {m.get('loadavg_before', ['?'])[0]}/"
                 f"{m.get('loadavg_after', ['?'])[0]}; {result['rounds']} alternating rounds; git {result.get('git')}")
    lines.append(f"Floor page ({result.get('floor_served', 'plain voila')}): TTI {_fmt(fl['tti_ms'], ' ms')}, one fact change "
                 f"{_fmt(fl['click_ms'], ' ms')}, kernel {_fmt(fl['mem_mb'], ' MB', 1)} RSS / "
                 f"{_fmt(fl.get('pss_mb'), ' MB', 1)} PSS (medians of {fl['n']})")
    lines.append("")
    head = (f"{'page':24} {'TTI ms':>7} {'ratio':>6} {'':4}  {'change ms':>9} {'ratio':>6} {'':4}  {'kernel MB':>9} "
            f"{'ratio':>6} {'':4}  {'settle ms':>9} {'PSS MB':>7} {'DOM ms':>7}")
    lines.append(head)
    lines.append("-" * len(head))
    for name, p in result["pages"].items():
        r, ok = p["ratios"], p["pass"]
        lines.append(f"{name:24} {_fmt(p['tti_ms']):>7} {_fmt(r['tti'], '', 2):>6} {ok['tti']:4}  "
                     f"{_fmt(p['click_ms']):>9} {_fmt(r['click'], '', 2):>6} {ok['click']:4}  "
                     f"{_fmt(p['mem_mb'], '', 1):>9} {_fmt(r['mem'], '', 2):>6} {ok['mem']:4}  "
                     f"{_fmt(p['settle_ms']):>9} {_fmt(p.get('pss_mb'), '', 1):>7} {_fmt(p.get('dom_ms'), '', 1):>7}")
    for name, p in result["pages"].items():
        if p.get("note"):
            lines.append(f"  {name}: {p['note']}")
    start = ("started at evenly spread points of the frame" if result.get("change_start") == "phased"
             else "started freely")
    lines.append(f"goals: TTI ≤ {GOALS['tti']}x, one fact change ≤ {GOALS['click']}x, kernel memory ≤ {GOALS['mem']}x "
                 f"the floor (a change: until the outcome is painted; the median of every change, "
                 f"{result.get('clicks_per_visit', '?')} per visit, {start}); 'settle' (the page still again after "
                 f"the change), PSS (kernel memory with shared pages divided among the kernels) and 'DOM' (the change "
                 f"until the outcome is in the page, before the frame that paints it; floor "
                 f"{_fmt(fl.get('dom_ms'), ' ms', 1)}) are for information")
    c = result.get("class")
    if c:
        f, a = c["floor_plain"], c["analyzer_public"]
        lines.append("")
        lines.append(f"Class of {c['n']} (medians of {c['rounds']} alternating bursts; the students' browser: "
                     f"{(c.get('browser') or {}).get('version') or (c.get('browser') or {}).get('path')}):")
        lines.append(f"  floor, plain Voila      : {f['ok_min']}/{c['n']} served, p95 {_fmt(f['p95_s'], ' s', 1)}, "
                     f"median {_fmt(f['median_s'], ' s', 1)}, server CPU {_fmt(f['server_cpu_s_per_load'], ' s', 2)}/load")
        lines.append(f"  analyzer, public demo   : {a['ok_min']}/{c['n']} served, p95 {_fmt(a['p95_s'], ' s', 1)}, "
                     f"median {_fmt(a['median_s'], ' s', 1)}, server CPU {_fmt(a['server_cpu_s_per_load'], ' s', 2)}/load")
        lines.append(f"  all served: {c['pass']['all_served']}   p95 ratio {_fmt(c['p95_ratio'], '', 2)} "
                     f"(goal ≤ {GOALS['class_p95']}): {c['pass']['p95']}")
        for key, label in (("floor_plain", "floor"), ("analyzer_public", "analyzer")):
            bursts = ", ".join(f"{r['ok']}/{r['n']} p95 {_fmt(r['p95_s'], ' s', 1)}" for r in c["runs"][key])
            lines.append(f"  {label} bursts: {bursts}")
        if f["ok_min"] < c["n"]:
            lines.append("  note: the floor left loads unserved in a burst; a load never served counts as infinitely "
                         "slow, so the median p95 and the ratio lean on that: read the bursts above")
    verdicts = [v for p in result["pages"].values() for v in p["pass"].values()]
    if c:
        verdicts += list(c["pass"].values())
    # "n/a": nothing to time on that page (e.g. no fact control); it is listed, not counted as a failure.
    result["all_pass"] = bool(verdicts) and all(v in ("PASS", "n/a") for v in verdicts)
    lines.append("")
    lines.append("ALL GOALS HOLD" if result["all_pass"] else "SOME GOALS DO NOT HOLD")
    if previous:
        lines.append("")
        lines.append(f"Compared with the previous run ({previous.get('timestamp')}, {previous.get('git')}):")
        same_start = previous.get("change_start", "free") == result.get("change_start", "free")
        if not same_start:
            lines.append(f"  changes: not comparable (their start was {previous.get('change_start', 'free')}, now "
                         f"{result.get('change_start', 'free')}: see --change-start)")
        for name, p in result["pages"].items():
            q = (previous.get("pages") or {}).get(name)
            if not q:
                continue
            parts = []
            for k in ("tti", "click", "mem") if same_start else ("tti", "mem"):
                a, b = p["ratios"].get(k), (q.get("ratios") or {}).get(k)
                if a is not None and b is not None:
                    parts.append(f"{k} {b:.2f}→{a:.2f}")
            lines.append(f"  {name:24} " + ", ".join(parts))
        pc = previous.get("class")
        if c and pc and (pc.get("browser") or {}).get("path") != (c.get("browser") or {}).get("path"):
            lines.append(f"  class: not comparable (the students' browser was "
                         f"{(pc.get('browser') or {}).get('path') or CHROMIUM}, now {(c.get('browser') or {}).get('path')})")
        elif c and pc:
            lines.append(f"  class p95 ratio {_fmt(pc.get('p95_ratio'), '', 2)}→{_fmt(c['p95_ratio'], '', 2)}; analyzer "
                         f"p95 {_fmt(pc['analyzer_public']['p95_s'], ' s', 1)}→{_fmt(c['analyzer_public']['p95_s'], ' s', 1)}")
    return "\n".join(lines)


def plot(result: dict, path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib is not installed (pip install -e '.[bench]'): no plot")
        return False
    names = list(result["pages"])
    fig, axes = plt.subplots(1, 2, figsize=(13, 5), gridspec_kw={"width_ratios": [3, 1.4]})
    ax = axes[0]
    width = 0.27
    for i, (k, label) in enumerate((("tti", "time to interactive"), ("click", "one fact change"),
                                    ("mem", "kernel memory"))):
        vals = [result["pages"][n]["ratios"][k] or 0 for n in names]
        xs = [j + (i - 1) * width for j in range(len(names))]
        ax.bar(xs, vals, width, label=f"{label} (goal ≤ {GOALS[k]})")
    for k, style in (("tti", "--"), ("mem", ":")):
        ax.axhline(GOALS[k], color="grey", linestyle=style, linewidth=1)
    ax.axhline(1.0, color="black", linewidth=0.6)
    ax.set_xticks(range(len(names)), names, rotation=35, ha="right", fontsize=8)
    ax.set_ylabel("page / floor (median)")
    ax.set_title(f"Pages vs floor ({result['timestamp']}, {result.get('git')})", fontsize=10)
    ax.legend(fontsize=8)
    ax = axes[1]
    c = result.get("class")
    if c:
        for key, label, color in (("floor_plain", "floor, plain Voila", "tab:grey"),
                                  ("analyzer_public", "analyzer, public", "tab:blue")):
            runs = c["runs"][key]
            done = [r["p95_s"] for r in runs if math.isfinite(r["p95_s"])]
            ax.scatter([label] * len(done), done, color=color)
            # A burst with loads never served has no p95: marked at the top with how many were served, not at 0.
            top = max([r.get("max_s", 0) for r in runs if math.isfinite(r.get("max_s", math.inf))] +
                                     [p for r in c["runs"].values() for p in (x["p95_s"] for x in r)
                                      if math.isfinite(p)] + [1.0])
            for r in runs:
                if not math.isfinite(r["p95_s"]):
                    ax.scatter([label], [top * 1.08], color=color, marker="x")
                    ax.annotate(f"{r['ok']}/{r['n']} served", (label, top * 1.08), textcoords="offset points",
                                xytext=(8, -3), fontsize=8)
            m = c[key]["p95_s"]
            if m is not None and math.isfinite(m):
                ax.hlines(m, -0.3 if key == "floor_plain" else 0.7, 0.3 if key == "floor_plain" else 1.3, color=color)
        ax.set_ylabel(f"class of {c['n']}: p95 seconds to interactive")
        ax.set_title(f"p95 ratio {_fmt(c['p95_ratio'], '', 2)} (goal ≤ 1.0)", fontsize=10)
        ax.set_ylim(bottom=0)
    else:
        ax.set_axis_off()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", help="comma-separated notebooks to measure, e.g. analyzer,00,01_platforms "
                                        "(default: analyzer and every chapter)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating floor/page rounds (default 5)")
    parser.add_argument("--clicks", type=int, default=7,
                        help="fact changes per visit, there and back (default 7); the figure is the median of all the "
                             "changes of all the visits (see summarise)")
    parser.add_argument("--change-start", choices=("phased", "free"), default="phased",
                        help="phased (default): each change starts at a set point of the display's frame, the same "
                             "evenly spread points for the floor and every page (change_phases, CHANGE_JS); free: "
                             "each starts whenever it is asked, as runs before 2026-11-29 did (their figures compare "
                             "only with free runs)")
    parser.add_argument("--class-size", type=int, default=CLASS_SIZE)
    parser.add_argument("--class-rounds", type=int, default=3,
                        help="alternating bursts of the class (floor plain / analyzer public); 0 skips the class")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds for one page to become interactive")
    parser.add_argument("--class-timeout", type=float, default=180.0,
                        help="seconds within which a class load counts as served")
    parser.add_argument("--class-browser", default=None, metavar="PATH",
                        help="the browser the class's 40 students use (default: Chromium's headless shell, "
                             f"{CLASS_CHROMIUM}, if installed, else {CHROMIUM}; see the note at CLASS_CHROMIUM)")
    parser.add_argument("--quick", action="store_true", help="2 rounds, 1 class burst each: a quick look")
    parser.add_argument("--max-kernels", type=int, default=60,
                        help="the public server's cap on visitors' kernels (serve --public --max-kernels; default 60, "
                             "the class setting of docs/deploy.md: the project's default of 20 would refuse half a "
                             "class)")
    parser.add_argument("--analyzer-pool", type=int, default=40,
                        help="preheated kernels waiting for the analyzer (default 40: the class setting of "
                             "docs/deploy.md); 0 uses the project's own pool sizes")
    parser.add_argument("--pages-server", choices=("public", "demo"), default="public",
                        help="the server of the measured pages: public (serve --public with the class's settings, "
                             "default) or demo (make demo's `liability-lab serve`, its laptop-sized pool); the class "
                             "of 40 is measured only against the public server")
    parser.add_argument("--floor-like-pages", action="store_true",
                        help="serve the floor of the per-page ratios with the pages' public settings instead of plain "
                             "Voila defaults (the class of 40 always compares with plain Voila)")
    parser.add_argument("--extra", action="append", default=[], metavar="--Class.trait=VALUE",
                        help="one more Voila flag for the public servers, replacing the project's of the same name "
                             "(repeatable; write it as --extra=--Class.trait=value): for measuring a lever")
    parser.add_argument("--label", default="", help="a note stored in the JSON (what changed)")
    parser.add_argument("--nice", type=int, default=-10 if os.geteuid() == 0 else 0,
                        help="change the benchmark's priority (its servers, kernels and browsers inherit it) so other "
                             "work on a shared machine disturbs it less; every measured process gets the same "
                             "(default -10 as root, else 0)")
    parser.add_argument("--no-save", action="store_true", help="print only; do not write artifacts/bench")
    parser.add_argument("--no-static", action="store_true", help="skip the static edition (build/static)")
    parser.add_argument("--static-only", action="store_true",
                        help="measure only the static edition (make static), beside the Voila figures of the last "
                             "saved run (artifacts/bench/latest.json)")
    parser.add_argument("--static-pages", default="analyzer,03_legal_bases,09_exercises",
                        help="the static edition's pages to measure (default analyzer,03_legal_bases,09_exercises)")
    args = parser.parse_args(argv)
    if args.static_only or args.pages_server == "demo":
        args.class_rounds = 0
    if args.quick:
        args.rounds = min(args.rounds, 2)
        args.class_rounds = min(args.class_rounds, 1)
    if not executable(CHROMIUM):
        print(f"bench: Chromium not found at {CHROMIUM} (make browser)", file=sys.stderr)
        return 2
    if args.class_browser is None:
        args.class_browser = CLASS_CHROMIUM if executable(CLASS_CHROMIUM) else CHROMIUM
        if args.class_rounds and args.class_browser != CLASS_CHROMIUM:
            log(f"the class uses {CHROMIUM}: {CLASS_CHROMIUM} is not installed (make headless-shell); its figures "
                "do not compare with runs that used the headless shell")
    elif args.class_rounds and not executable(args.class_browser):
        print(f"bench: --class-browser {args.class_browser} is not an executable file", file=sys.stderr)
        return 2
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("bench: the playwright package is missing (pip install -e '.[test]')", file=sys.stderr)
        return 2

    if args.nice:
        try:
            os.nice(args.nice)
        except OSError as exc:
            log(f"cannot change priority by {args.nice}: {exc}")
    if args.static_only:
        return static_only(args)
    load_before = os.getloadavg()
    result = asyncio.run(run(args))
    result["label"] = args.label
    result["machine"].update(loadavg_before=[round(x, 2) for x in load_before],
                             loadavg_after=[round(x, 2) for x in os.getloadavg()],
                             niceness=os.nice(0))
    latest = OUT_DIR / "latest.json"
    previous = None
    if latest.exists():
        try:
            previous = json.loads(latest.read_text())
        except (OSError, ValueError):
            previous = None
    text = report(result, previous)
    static = None if args.no_static else measure_static(args)
    if static is not None:
        result["static"] = static
        text += "\n\n" + static_report(static, result)
    print(text)
    if not args.no_save:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = OUT_DIR / f"bench-{stamp}.json"
        data = json.dumps(result, indent=1, ensure_ascii=False, default=str)
        path.write_text(data)
        latest.write_text(data)
        png = OUT_DIR / f"bench-{stamp}.png"
        if plot(result, png):
            (OUT_DIR / "latest.png").write_bytes(png.read_bytes())
            print(f"\nsaved {path.relative_to(ROOT)}, {png.relative_to(ROOT)} (and latest.json, latest.png)")
        else:
            print(f"\nsaved {path.relative_to(ROOT)} and latest.json")
    return 0 if result["all_pass"] else 1


# --- the static edition ---------------------------------------------------------------------------------------


def _static_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("static_edition", Path(__file__).resolve().parent /
                                                  "static_edition.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure_static(args) -> dict | None:
    """The static edition's figures (None, with a note, when build/static is not built)."""
    module = _static_module()
    if not (module.SITE / module.page_path("analyzer")).is_file():
        log(f"the static edition is not built ({module.SITE}): run `make static` to measure it")
        return None
    pages = [p for p in args.static_pages.split(",") if p]
    rounds = 1 if args.quick else 3
    log(f"static edition: {', '.join(pages)}, {rounds} round(s) of a cold and a warm visit")
    return module.run(pages, rounds, timeout_s=args.timeout)


def static_report(static: dict, voila: dict | None) -> str:
    """The static edition's table, with the Voila analyzer's figures of ``voila`` (a run's result) beside it."""
    lines = [_static_module().report(static)]
    page = (voila or {}).get("pages", {}).get("analyzer")
    if page:
        when = " ".join(str(voila.get(k)) for k in ("timestamp", "git") if voila.get(k))
        lines.append(f"  beside it, Voila's analyzer ({when}): TTI {_fmt(page.get('tti_ms'), ' ms')}, one fact change "
                     f"{_fmt(page.get('click_ms'), ' ms')}, a kernel of {_fmt(page.get('mem_mb'), ' MB')} on the "
                     "server per visitor")
    else:
        lines.append("  (no Voila figures to show beside it: no saved run in artifacts/bench/latest.json; `make bench` "
                     "measures both)")
    analyzer = static["pages"].get("analyzer")
    if analyzer:
        cold, warm = analyzer["cold"]["seconds_median"], analyzer["warm"]["seconds_median"]
        lines.append(f"  goals: cold analyzer < 6 s: {'PASS' if cold < 6 else 'FAIL'} ({cold:.1f} s); second visit "
                     f"< 3 s: {'PASS' if warm < 3 else 'FAIL'} ({warm:.1f} s); no outside or failed request: "
                     f"{'PASS' if not (analyzer['cold']['outside'] + analyzer['cold']['failed']) else 'FAIL'}")
    return "\n".join(lines)


def static_only(args) -> int:
    static = measure_static(args)
    if static is None:
        return 2
    previous = None
    latest = OUT_DIR / "latest.json"
    if latest.exists():
        try:
            previous = json.loads(latest.read_text())
        except (OSError, ValueError):
            previous = None
    print(static_report(static, previous))
    if not args.no_save:
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        path = OUT_DIR / f"static-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.write_text(json.dumps(static, indent=1))
        print(f"\nsaved {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
