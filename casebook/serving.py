"""Voila settings for a public demo, each with the reason it is there (the README lists them too).

Every flag below was checked against Voila 0.5's own source (``voila/app.py``, ``voila/configuration.py``,
``voila/handler.py``) and jupyter_server's ``MappingKernelManager``; ``tests/test_public_security.py`` checks that
each one reaches the running app. ``liability-lab serve --public`` runs them through :mod:`casebook.voila_public`,
which adds what Voila has no setting for: the cap on kernels and the notice when a session ends.
"""

from __future__ import annotations

import json
import os

# (flag, reason). Kept as data so the README, the tests and the command line share one list. List-valued settings
# are given one item per flag (traitlets 5 collects repeated flags into the list and replaces the default).
PUBLIC_SETTINGS = (
    ("--VoilaConfiguration.show_tracebacks=False", "a visitor never sees a traceback or a path on the server"),
    ("--VoilaConfiguration.strip_sources=True", "the page carries no source code"),
    ("--VoilaConfiguration.allow_template_override=NO",
     "neither ?template= in the URL nor a notebook's metadata can change what is rendered"),
    ("--VoilaConfiguration.allow_theme_override=NO", "?theme= in the URL cannot change the theme"),
    ("--VoilaConfiguration.file_allowlist=.*\\.(png|jpe?g|gif|svg|webp|css)",
     "only images and styles beside the pages are served as files"),
    ("--VoilaConfiguration.file_denylist=.*\\.(ipynb|py|pyc|json|ya?ml|md|txt|cfg|ini|toml|sh|csv|log)",
     "notebooks, sources and data are never served as files, whatever the allowlist says"),
    ("--VoilaConfiguration.file_denylist=(^|.*/)\\..*", "hidden files and folders are never served"),
    ("--MappingKernelManager.cull_idle_timeout=300", "kernels idle for five minutes are shut down"),
    ("--MappingKernelManager.cull_interval=60", "idle kernels are looked for every minute"),
    ("--MappingKernelManager.cull_connected=True", "an open but abandoned tab does not keep its kernel forever"),
    ("--MappingKernelManager.cull_busy=True",
     "a kernel stuck computing is shut down too (no page computes for five minutes)"),
    ("--Voila.port_retries=0", "if the port is taken the server stops, instead of quietly serving on another port"),
)

# What `serve --public` adds besides PUBLIC_SETTINGS (documented in the README's table with the same reasons).
DEFAULT_MAX_KERNELS = 20
MAX_KERNELS_REASON = ("at most this many visitors have a kernel at once; the next one gets a bilingual 503 page "
                      "with Retry-After at once, never a hang")
LOOPBACK = "127.0.0.1"
# Per client address (issue 18: one visitor took the whole demo down). A class behind one school address raises it
# to the class's size (`--max-per-client 45`); behind a reverse proxy `--client-ip-header` names the header the proxy
# sets (docs/deploy.md).
DEFAULT_MAX_PER_CLIENT = 6
MAX_PER_CLIENT_REASON = ("at most this many pages with a kernel per client address; the next gets a bilingual 429 "
                         "page. Page renders per address are rate-limited too (twice this a minute)")
DEFAULT_CONNECT_TIMEOUT_S = 30.0


def public_settings() -> list[str]:
    return [flag for flag, _reason in PUBLIC_SETTINGS]


# Speed (measured with `make bench`; docs/deploy.md explains the sizes). Kept apart from the hardening above.
# Pool sizes per notebook: a pooled kernel costs ~45 MB (PSS) while it waits, so only the analyzer, the page a
# visitor most often opens first, gets more than one; a class sets its own (docs/deploy.md: "A class of 40").
POOL_SIZES = {"default": 1, "analyzer.ipynb": 4}
FILL_DELAY_S = 120
PERFORMANCE_SETTINGS = (
    ("--VoilaConfiguration.preheat_kernel=True",
     "each page's kernel is started, and its notebook run up to reading the URL, before a visitor asks: the visitor "
     "does not wait for Python to start (the pages read the URL only after the request: widgets/query.py)"),
    ("--VoilaKernelManager.kernel_pools_config="
     + json.dumps({name: {"pool_size": size} for name, size in POOL_SIZES.items()}, separators=(",", ":")),
     "how many preheated kernels wait for each page: 4 for the analyzer, 1 for every other page"),
    (f"--VoilaKernelManager.fill_delay={FILL_DELAY_S}",
     "kernels taken from the pool in a burst (less than 5 s apart: a class opening the link together) are replaced "
     "two minutes later; a lone visitor's after 1 s, Voila's default (casebook/voila_public.py). Starting 40 "
     "replacements, a Python process and a page of widgets each, competed with the burst they replaced: measured on "
     "2 cores, a class of 40 took 300 s with 3 pages never served with 1 s for all, 78 s with all served"),
)


# Not speed but robustness under a burst, measured: with 40 pages opening at once on 2 cores, nbclient's default
# 4 s wait for a cell's output after its reply ran out for every page, and Voila dropped the output (the widgets):
# the pages never became interactive, under plain Voila as under these settings (benchmarks/run.py, class of 40).
# A late output is still only waited for while it is late; a page whose kernel died is not (nbclient watches it).
RESILIENCE_SETTINGS = (
    ("--VoilaExecutor.iopub_timeout=60",
     "under a burst (a class opening the link together) a page waits for its widgets' output up to a minute "
     "instead of dropping it after nbclient's default 4 s and never becoming interactive"),
) + ((
    ("--KernelManager.transport=ipc",
     "kernels talk to the server over Unix sockets, not TCP ports on 127.0.0.1: with 20 kernels starting at once, "
     "6 died with 'Address already in use' (a port picked free was taken before the kernel bound it) and their "
     "pages never loaded; Unix sockets have no ports to race for (not on Windows, which has no Unix sockets)"),
) if os.name == "posix" else ())

def performance_settings() -> list[str]:
    return [flag for flag, _reason in PERFORMANCE_SETTINGS]


def resilience_settings() -> list[str]:
    """For every server, public or not (a teacher's own laptop serving a class has the same burst)."""
    return [flag for flag, _reason in RESILIENCE_SETTINGS]
