"""The law is pure: every module of casebook (but the three that still serve pages, to move out) imports no UI and
no server library, checked module by module in a fresh interpreter under an import guard."""

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import casebook

FORBIDDEN = ("ipywidgets", "traitlets", "IPython", "ipykernel", "voila", "tornado", "jupyter_server", "pandas",
             "matplotlib")
SERVING = {"serving", "voila_public", "voila_template"}  # the page server's modules: they leave casebook/ next
MODULES = sorted({m.name for m in pkgutil.walk_packages(casebook.__path__, "casebook.")}
                 - {f"casebook.{m}" for m in SERVING})


def test_every_module_of_the_law_is_listed():
    assert {"casebook.engine", "casebook.engine.provisions", "casebook.scenario", "casebook.statutes",
            "casebook.cases", "casebook.lessons", "casebook.replay", "casebook.cli"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_a_module_of_the_law_imports_no_ui_or_server_library(module):
    guard = (
        "import builtins, json, sys\n"
        f"forbidden = {FORBIDDEN!r}\n"
        "real = builtins.__import__\n"
        "def guarded(name, *a, **k):\n"
        "    if name.split('.')[0] in forbidden:\n"
        "        raise ImportError(f'the law imported {name}')\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = guarded\n"
        f"import {module}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in forbidden)))\n"
    )
    out = subprocess.run([sys.executable, "-c", guard], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr[-800:]
    assert json.loads(out.stdout) == []
