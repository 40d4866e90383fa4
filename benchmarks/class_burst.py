"""The class of 40: a class opening one link at the same instant, the analyzer under the public server against the
floor under plain Voila, and the two goals judged over every burst."""

from __future__ import annotations

import asyncio
import json
import math
import statistics
import time

from .config import CHROMIUM, CHROMIUM_ARGS, CLASS_POLL_MS, GOALS, TICK, discover_pages, log
from .harness import VoilaServer as Server, pss_uss_mb, rss_mb
from .measure import (FAILED_PAGE_JS, KERNEL_ID_JS, READY_JS, SHUTDOWN_JS, Change, browser_version, med, page_url,
                      ratio, verdict, wait_quiet)


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


def pool_kernels_expected(args) -> int:
    """How many preheated kernels the pages' server keeps waiting: the analyzer's pool and one per other page
    (server.settings.POOL_SIZES, with the analyzer's pool as --analyzer-pool sets it)."""
    try:
        from server.settings import POOL_SIZES
    except ImportError:
        POOL_SIZES = {"default": 1}
    sizes = {f"{p}.ipynb": POOL_SIZES.get(f"{p}.ipynb", POOL_SIZES.get("default", 1)) for p in discover_pages()}
    if args.analyzer_pool is None:  # serve --class N: one per student
        sizes["analyzer.ipynb"] = args.class_size
    elif args.analyzer_pool:
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
