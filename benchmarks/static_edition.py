"""The static edition in a browser: serve ``build/static`` on 127.0.0.1, open a page in headless Chromium with every
other request blocked, and time it (``make bench``'s static section and tests/test_static_edition.py).

    python benchmarks/static_edition.py [--site build/static] [--rounds 3] [--pages analyzer,03_legal_bases]

prints each page's cold time to interactive (a new browser profile: everything downloaded), warm time (a second
visit in the same profile: the service worker answers from the browser's cache), bytes downloaded and requests.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "build" / "static"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
# A page is interactive when its Python has built its widgets: the analyzer's outcome, a chapter's navigation.
READY = {"analyzer": ".ll-outcome[data-liability-form]"}
READY_CHAPTER = ".ll-shell-nav a"


def page_path(page_id: str) -> str:
    return f"voici/render/{page_id}.html"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """A static file host: files with their types, revalidated by Last-Modified (as any web server does)."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".js": "application/javascript", ".mjs": "application/javascript", ".json": "application/json",
                      ".whl": "application/octet-stream", ".woff2": "font/woff2"}

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self):
        self.server.requested.append(self.path)
        super().do_GET()

    def log_message(self, *args):  # quiet
        pass


class StaticServer:
    """``build/static`` on http://127.0.0.1:<free port>/, in a thread of this process."""

    def __init__(self, site: Path = SITE):
        if not (site / page_path("analyzer")).is_file():
            raise FileNotFoundError(f"{site / page_path('analyzer')} not found: run `make static` first")
        handler = functools.partial(_Handler, directory=str(site))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.requested = []  # every path asked for, in order (what reached the server, not the cache)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def requested(self) -> list[str]:
        return self.httpd.requested

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Traffic:
    """Every request of a browser context: those that left 127.0.0.1 are blocked (and counted), failures kept."""

    def __init__(self, context, origin: str):
        self.origin = origin.rstrip("/")
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.requests: list[str] = []
        self.bytes = 0
        context.route("**/*", self._route)
        context.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        context.on("requestfinished", self._finished)
        context.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} HTTP {r.status}"))

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.origin + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort("blockedbyclient")

    def _finished(self, request):
        self.requests.append(request.url)
        try:
            sizes = request.sizes()
            self.bytes += sizes.get("responseBodySize", 0) + sizes.get("responseHeadersSize", 0)
        except Exception:  # a request the service worker answered has no sizes
            pass


def wait_interactive(page, page_id: str, timeout_s: float = 90.0) -> None:
    page.locator(READY.get(page_id, READY_CHAPTER)).first.wait_for(state="visible", timeout=timeout_s * 1000)


# The page shows JupyterLite a stand-in for navigator.serviceWorker (deploy/static/page_setup.js); the real one is
# Navigator.prototype's. Its worker is active once it has fetched every file into the cache (its install step).
_WORKER_STATE = """async () => {
    const container = Object.getOwnPropertyDescriptor(Navigator.prototype, "serviceWorker").get.call(navigator);
    const registration = await container.getRegistration();
    return registration && registration.active ? registration.active.state : "none";
}"""


def wait_service_worker(page, timeout_s: float = 120.0) -> bool:
    """Wait until the site's service worker is activated (its cache filled); False if it never was."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if page.evaluate(_WORKER_STATE) == "activated":
            return True
        page.wait_for_timeout(250)
    return False


def launch(pw, chromium: str | None = None, profile: str | None = None, service_workers: str = "allow"):
    """A browser (no profile) or a persistent browser context in ``profile``. ``pw`` is a Playwright instance or its
    ``chromium`` browser type (in the tests: the session's browser's ``browser_type``, as one process may run one
    Playwright). Playwright's routes do not see what a service worker answers: where every request must be checked,
    pass ``service_workers="block"``."""
    chromium = chromium or os.environ.get("LL_CHROMIUM_PATH", "/usr/bin/chromium")
    browser_type = getattr(pw, "chromium", pw)
    if profile:
        return browser_type.launch_persistent_context(profile, executable_path=chromium, headless=True,
                                                      args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900},
                                                      accept_downloads=True, service_workers=service_workers)
    return browser_type.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)


# One fact change on the analyzer, timed in the page: from the select's change event until the outcome shows the
# new form (at the animation frame that paints it). The kernel is Pyodide, in this browser.
CHANGE_JS = """async ([field, label]) => {
    const select = document.querySelector('.ll-fact-' + field + ' select');
    const outcome = () => document.querySelector('.ll-outcome').getAttribute('data-liability-form');
    const before = outcome();
    const option = [...select.options].find(o => o.value === label || o.textContent === label);
    const t0 = performance.now();
    select.value = option.value;
    select.dispatchEvent(new Event('change', {bubbles: true}));
    return await new Promise((resolve) => {
        const tick = () => outcome() !== before ? resolve(performance.now() - t0)
                           : (performance.now() - t0 > 20000 ? resolve(null) : requestAnimationFrame(tick));
        requestAnimationFrame(tick);
    });
}"""


def fact_change_ms(page) -> float | None:
    """Milliseconds for the analyzer's outcome to follow a change of the platform's knowledge (none -> joint)."""
    from casebook.scenario import FIELD_BY_NAME

    label = FIELD_BY_NAME["platform_knowledge"].label_of("knew", "zh")
    ms = page.evaluate(CHANGE_JS, ["platform_knowledge", label])
    return None if ms is None else round(ms, 1)


def browser_cpu_seconds(profile: str) -> float:
    """CPU seconds used so far by the Chromium started with ``profile`` and every process under it (renderer, GPU,
    network, the page's Web Worker lives in the renderer): what the page costs the visitor's device, which other work
    on a shared machine does not inflate as it inflates wall-clock time."""
    procs = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read()
        except OSError:
            continue
        procs[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]), cmdline)
    roots = {pid for pid, (_, _, cmd) in procs.items() if f"--user-data-dir={profile}".encode() in cmd}
    tree, grew = set(roots), True
    while grew:
        grew = False
        for pid, (ppid, _, _) in procs.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(procs[pid][1] for pid in tree) / os.sysconf("SC_CLK_TCK")


def measure_page(pw, base: str, page_id: str, timeout_s: float = 90.0) -> dict:
    """Cold then warm (second visit, same profile) time to interactive of one page, with its traffic."""
    with tempfile.TemporaryDirectory(prefix="ll-static-profile-") as profile:
        context = launch(pw, profile=profile)
        try:
            out = {}
            for visit in ("cold", "warm"):
                traffic = Traffic(context, base)
                page = context.new_page()
                cpu_before = browser_cpu_seconds(profile)
                started = time.monotonic()
                page.goto(base + page_path(page_id), wait_until="commit")  # a busy machine delays "load"
                wait_interactive(page, page_id, timeout_s)
                seconds = round(time.monotonic() - started, 2)
                cpu = round(browser_cpu_seconds(profile) - cpu_before, 2)
                downloaded, requests = traffic.bytes, len(traffic.requests)
                if visit == "cold" and page_id == "analyzer":
                    out["change_ms"] = fact_change_ms(page)
                if visit == "cold":
                    out["service_worker"] = wait_service_worker(page)
                out[visit] = {"seconds": seconds, "cpu_seconds": cpu, "bytes": downloaded,
                              "requests": requests, "outside": len(traffic.outside),
                              "failed": len(traffic.failed)}
                page.close()
                context.unroute("**/*")
            return out
        finally:
            context.close()


def site_size(site: Path = SITE) -> dict:
    files = [p for p in site.rglob("*") if p.is_file()]
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def run(pages: list[str], rounds: int, site: Path = SITE, timeout_s: float = 90.0) -> dict:
    from playwright.sync_api import sync_playwright

    results = {"site": site_size(site), "pages": {}, "loadavg_before": [round(x, 2) for x in os.getloadavg()]}
    with StaticServer(site) as server, sync_playwright() as pw:
        for page_id in pages:
            runs = [measure_page(pw, server.url, page_id, timeout_s) for _ in range(rounds)]
            results["pages"][page_id] = {
                visit: {"seconds_median": statistics.median(r[visit]["seconds"] for r in runs),
                        "seconds": [r[visit]["seconds"] for r in runs],
                        "cpu_seconds_median": statistics.median(r[visit]["cpu_seconds"] for r in runs),
                        "bytes": runs[-1][visit]["bytes"], "requests": runs[-1][visit]["requests"],
                        "outside": max(r[visit]["outside"] for r in runs),
                        "failed": max(r[visit]["failed"] for r in runs)}
                for visit in ("cold", "warm")}
            changes = [r["change_ms"] for r in runs if r.get("change_ms") is not None]
            results["pages"][page_id]["change_ms_median"] = statistics.median(changes) if changes else None
            results["pages"][page_id]["service_worker"] = all(r.get("service_worker") for r in runs)
    results["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return results


def report(results: dict) -> str:
    site = results["site"]
    lines = [f"Static edition (build/static: {site['files']} files, {site['bytes'] / 1e6:.1f} MB on disk; Pyodide in "
             f"the browser, no server-side Python; load average {results.get('loadavg_before', ['?'])[0]} -> "
             f"{results.get('loadavg_after', ['?'])[0]})",
             f"  {'page':<22}{'cold TTI':>10}{'(CPU)':>8}{'warm TTI':>10}{'(CPU)':>8}{'cold download':>15}"
             f"{'requests':>10}{'warm download':>15}{'outside/failed':>16}{'fact change':>13}"]
    for page_id, r in results["pages"].items():
        lines.append(f"  {page_id:<22}{r['cold']['seconds_median']:>9.1f}s{r['cold']['cpu_seconds_median']:>7.1f}s"
                     f"{r['warm']['seconds_median']:>9.1f}s{r['warm']['cpu_seconds_median']:>7.1f}s"
                     f"{r['cold']['bytes'] / 1e6:>13.1f}MB{r['cold']['requests']:>10}"
                     f"{r['warm']['bytes'] / 1e6:>13.1f}MB"
                     f"{r['cold']['outside'] + r['warm']['outside']:>10}/{r['cold']['failed'] + r['warm']['failed']:<5}"
                     + (f"{r['change_ms_median']:>10.0f} ms" if r.get("change_ms_median") is not None else ""))
    lines.append("  cold: a new browser profile; warm: the second visit (the service worker answers from the cache); "
                 "TTI: until the page's widgets are on screen; (CPU): the browser's CPU seconds until then, all its "
                 "processes (on a loaded machine the wall-clock TTI grows, the CPU much less)")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=SITE)
    parser.add_argument("--pages", default="analyzer")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        results = run(args.pages.split(","), args.rounds, args.site)
    except FileNotFoundError as exc:
        print(f"static edition: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(results, indent=1) if args.json else report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
