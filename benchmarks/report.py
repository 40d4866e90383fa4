"""The benchmark's report: the table with PASS/FAIL per goal, the comparison with the previous run, the plot."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

from .config import CHROMIUM, GOALS, ROOT, log

def _git_describe() -> str | None:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                              text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


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
