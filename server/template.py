"""The project's Voila template, ``liability-lab``: Voila's ``lab`` template with ``<html lang>`` on the pages Voila
serves itself (the tree of notebooks at ``/`` that ``make demo`` opens, and the error pages), and no icon font from a
CDN there.

Voila finds templates by name in ``<jupyter data dir>/voila/templates/<name>``; :data:`DATA_DIR` is such a directory
shipped inside the package. A server uses the template with both of:

- the environment from :func:`environ` (``JUPYTER_PATH`` starting with :data:`DATA_DIR`), and
- the flags from :func:`voila_flags` (``--VoilaConfiguration.template=liability-lab``).

The chapter pages come from the ``lab`` template with two changes (``index.html.j2``: ``<html lang>`` follows the
page's language; ``spinner.macro.html.j2``: a bilingual loading display that costs the browser little).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

TEMPLATE = "liability-lab"
DATA_DIR = Path(__file__).resolve().parent / "templates"


def voila_flags() -> list[str]:
    """The Voila command-line flags that select the template (and its plain contents page, ``tree.html``: Voila's
    JupyterLab-based tree logged a 404 and three errors on every visit)."""
    return [f"--VoilaConfiguration.template={TEMPLATE}", "--VoilaConfiguration.classic_tree=True"]


def environ(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with :data:`DATA_DIR` first on ``JUPYTER_PATH``."""
    env = dict(os.environ if base is None else base)
    rest = [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != str(DATA_DIR)]
    env["JUPYTER_PATH"] = os.pathsep.join([str(DATA_DIR), *rest])
    return env
