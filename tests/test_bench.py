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
