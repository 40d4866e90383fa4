"""The engine is pure: importing and running it pulls in no UI library and touches no file."""

import json
import subprocess
import sys

UI = ("ipywidgets", "IPython", "pandas", "matplotlib", "traitlets", "voila", "yaml")


def test_the_engine_imports_no_ui_library_and_reads_no_file():
    code = (
        "import sys, json, builtins\n"
        "opened = []\n"
        "real = builtins.open\n"
        "builtins.open = lambda *a, **k: (opened.append(str(a[0])), real(*a, **k))[1]\n"
        "from casebook.engine import analyze\n"
        "analyze({'food': True, 'qualification_review': 'failed'}, 'proposal', 'en')\n"
        f"print(json.dumps({{'mods': sorted(m for m in sys.modules if m.split('.')[0] in {UI!r}), 'opened': opened}}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    result = json.loads(out)
    assert result["mods"] == []
    assert result["opened"] == []
