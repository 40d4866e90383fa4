"""The benchmark's command line works. The benchmark itself is not a test (it is timed, and takes minutes):
``make bench`` runs it and prints the ratios."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_help() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--help"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for option in ("--pages", "--rounds", "--quick", "--class-size", "--extra"):
        assert option in proc.stdout


def test_floor_page_has_the_hooks() -> None:
    import nbformat

    nb = nbformat.read(ROOT / "benchmarks" / "floor" / "floor.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "ll-fact-x" in code and "ll-outcome" in code and "data-liability-form" in code
    assert code.count("W.Dropdown(") == 1 and code.count("W.HTML(") == 1


def _bench_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _burst(ok: int, p95: float, n: int = 40) -> dict:
    return {"n": n, "ok": ok, "p95_s": p95, "median_s": p95 / 2, "kernel_mb_median": 50.0}


def test_class_goals_are_judged_on_every_burst_and_against_a_served_floor() -> None:
    bench = _bench_module()
    cpu = {"floor_plain": [0.5], "analyzer_public": [0.4]}
    inf = float("inf")

    def judge(floor, analyzer):
        return bench.summarise_class({"floor_plain": floor, "analyzer_public": analyzer}, cpu, 40)

    served = judge([_burst(40, 50.0), _burst(40, 48.0), _burst(40, 52.0)],
                   [_burst(40, 37.0), _burst(40, 40.0), _burst(40, 39.0)])
    assert served["pass"] == {"all_served": "PASS", "p95": "PASS"}
    assert round(served["p95_ratio"], 3) == round(39.0 / 50.0, 3)

    # One load in 120 left unserved fails "all served", whatever the medians say.
    one_short = judge([_burst(40, 50.0)] * 3, [_burst(40, 37.0), _burst(39, inf), _burst(40, 39.0)])
    assert one_short["pass"]["all_served"] == "FAIL" and one_short["analyzer_public"]["ok_min"] == 39

    slower = judge([_burst(40, 50.0)] * 3, [_burst(40, 55.0)] * 3)
    assert slower["pass"]["p95"] == "FAIL"

    # A floor that was not served in most bursts gives nothing to compare with: no vacuous ratio of 0.
    no_floor = judge([_burst(0, inf), _burst(0, inf), _burst(40, 98.0)], [_burst(40, 80.0)] * 3)
    assert no_floor["p95_ratio"] is None and no_floor["pass"]["p95"] == "NO FLOOR"
    floor = {"tti_ms": 1400.0, "click_ms": 16.0, "mem_mb": 53.5, "pss_mb": 37.5, "n": 5}
    report = bench.report({"pages": {}, "class": no_floor, "machine": {"cores": 2}, "floor": floor, "rounds": 5},
                          None)
    assert "NO FLOOR" in report and "ALL GOALS HOLD" not in report
