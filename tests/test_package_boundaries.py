"""The law is pure: every module of casebook imports no UI and no server library, checked module by module in a
fresh interpreter under an import guard; the pages' server lives in a package of its own (server/)."""

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import casebook

FORBIDDEN = ("ipywidgets", "traitlets", "IPython", "ipykernel", "voila", "tornado", "jupyter_server", "server", "pandas",
             "matplotlib", "classroom", "sqlite3")  # classroom/: a class's storage, never the law's
MODULES = sorted(m.name for m in pkgutil.walk_packages(casebook.__path__, "casebook."))


def test_every_module_of_the_law_is_listed():
    assert {"casebook.engine", "casebook.engine.provisions", "casebook.scenario", "casebook.statutes",
            "casebook.cases", "casebook.lessons", "casebook.replay", "casebook.share"} <= set(MODULES)


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


def test_the_server_is_a_package_of_its_own():
    import server

    names = {m.name for m in pkgutil.iter_modules(server.__path__)}
    assert {"cli", "settings", "template", "public", "limits", "security", "kernels", "handlers"} <= names
    assert not {"serving", "voila_public", "voila_template", "cli"} & {
        m.name for m in pkgutil.iter_modules(casebook.__path__)}
