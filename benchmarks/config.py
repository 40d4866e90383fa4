"""The benchmark's settings: where things are, which browsers, the goals, and its log line."""

from __future__ import annotations

import os
import sys
import time
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
TICK = os.sysconf("SC_CLK_TCK")


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


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
