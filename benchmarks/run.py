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
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the package beside it

from benchmarks.class_burst import run_class, summarise_class  # noqa: E402,F401 (summarise_class: tests)
from benchmarks.config import (CHROMIUM, CHROMIUM_ARGS, CLASS_CHROMIUM, CLASS_SIZE, FLOOR_DIR, GOALS,  # noqa: E402
                               NOTEBOOKS, OUT_DIR, ROOT, discover_pages, log, resolve_pages)
from benchmarks.harness import VoilaServer as Server, free_port  # noqa: E402
from benchmarks.measure import (CHANGE_JS, Change, Profile, change_phases, discover_profile,  # noqa: E402,F401
                                executable, measure_load, ratio, summarise, verdict, wait_quiet)
from benchmarks.report import _fmt, _git_describe, plot, report  # noqa: E402


def _server(name: str, argv: list[str], log_path: Path, port: int) -> Server:
    """A server of the run, started later (all of them first, then waited for together)."""
    return Server(argv, log_path, port, name, start=False)


def public_argv(port: int, root: Path, extra: list[str], max_kernels: int | None = None,
                analyzer_pool: int | None = None, class_size: int | None = CLASS_SIZE) -> list[str]:
    """`liability-lab serve --public --class N [--max-kernels M]`'s command line (docs/deploy.md, "A class of 40"),
    with the analyzer's pool set apart when ``analyzer_pool`` is given (0: the project's own pool sizes) and any
    --extra flags. The class's browsers all come from 127.0.0.1: a class behind one school address."""
    sys.path.insert(0, str(ROOT))
    from server.cli import voila_argv
    from server.settings import POOL_SIZES, pools_flag

    argv = voila_argv(port, True, "127.0.0.1", root, max_kernels, class_size=class_size)
    if analyzer_pool is not None:
        pools = dict(POOL_SIZES, **({"analyzer.ipynb": analyzer_pool} if analyzer_pool else {}))
        argv.append(pools_flag(pools))
    argv += extra
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


async def run(args) -> dict:
    from playwright.async_api import async_playwright

    pages = resolve_pages(args.pages)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    logs = Path(tempfile.mkdtemp(prefix="ll-bench-"))
    extra = list(args.extra)
    p_port, f_port, plain_port = free_port(), free_port(), free_port()
    servers = {
        "pages": _server("pages (public)", public_argv(p_port, NOTEBOOKS, extra, args.max_kernels, args.analyzer_pool,
                                                       args.class_size),
                        logs / "pages.log", p_port) if args.pages_server == "public" else
        _server("pages (make demo)", demo_argv(p_port, NOTEBOOKS, extra), logs / "pages.log", p_port),
        "plain": _server("floor (plain voila)", plain_argv(plain_port, FLOOR_DIR), logs / "plain.log", plain_port),
    }
    # The floor of the per-page ratios: plain Voila defaults (as in the baseline figures), or, with
    # --floor-like-pages, the pages' own public settings (preheating included): a stricter yardstick.
    if args.floor_like_pages:
        servers["floor"] = _server("floor (public)", public_argv(f_port, FLOOR_DIR, extra, args.max_kernels,
                                                                    class_size=args.class_size),
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
    parser.add_argument("--max-kernels", type=int, default=None,
                        help="the public server's cap on visitors' kernels (default: what serve --public --class N "
                             "sets, 60 for the class of 40: the project's default of 20 would refuse half a class)")
    parser.add_argument("--analyzer-pool", type=int, default=None,
                        help="preheated kernels waiting for the analyzer (default: what --class N sets, one per "
                             "student); 0 uses the project's own pool sizes")
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
    if args.class_rounds:  # the class's live tally: 40 writers, the teacher's poll (benchmarks/class_tally.py)
        import importlib.util
        spec = importlib.util.spec_from_file_location("class_tally", Path(__file__).resolve().parent / "class_tally.py")
        tally = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(tally)
        result["class_tally"] = tally.run(1 if args.quick else 3)
        text += "\n\n" + tally.report(result["class_tally"])
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
