"""Voila settings for a public demo, each with the reason it is there (the README lists them too).

Every flag below was checked against Voila 0.5's own source (``voila/app.py``, ``voila/configuration.py``,
``voila/handler.py``) and jupyter_server's ``MappingKernelManager``; ``tests/test_public_security.py`` checks that
each one reaches the running app. ``liability-lab serve --public`` runs them through :mod:`server.public`,
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
DEFAULT_CONNECT_TIMEOUT_S = 30.0

# What `serve --public` adds against one visitor taking the demo down (issue 18), each (name, reason), with the
# flag or PublicVoila setting that changes it. Implemented in server/public.py; the README's table names each
# one (tests/test_public_security.py checks it), and tests/test_public_attacks.py replays each attack.
PUBLIC_LIMITS = (
    ("--max-per-client", "pages with a kernel per client address (default 6; 429 beyond): three plain GETs filled "
                         "a server of three; a class behind one school address raises it to the class"),
    ("--client-ip-header", "behind a reverse proxy, the header the proxy sets to the visitor's address"),
    ("renders_per_minute", "page renders per client address a minute (default twice --max-per-client, at least 12)"),
    ("connect_timeout", "a served page that opens no websocket within 30 s has its kernel stopped (up to three "
                        "minutes while its browser still loads the page's scripts)"),
    ("/voila/query/", "Voila's request-info socket replaced: only the machine's own kernels, one socket per live "
                      "kernel; sockets on made-up ids unhooked every preheated kernel"),
    ("?template=", "?template= and ?theme= are ignored before the preheated pool is chosen: a loop over them "
                   "started 77 kernels a minute"),
    ("max_kernel_memory_mb", "a kernel over 500 MB is stopped and its page shows the session-ended notice"),
    ("2 MiB", "websocket messages from a page at most 2 MiB; at most 20 widget models created from the pages"),
    ("60 a second", "messages from a page: 60 a second after a burst of 300, the rest queued; a flood is cut off"),
    ("header_timeout", "20 s to send a request's headers (slow clients dropped), 20 s for a body"),
    ("max_connections", "1,000 connections in all, and per client address ten per allowed page (at least 64)"),
    ("Content-Security-Policy", "styles, fonts, images and connections only from the server; on a page only the "
                                "scripts the server wrote into it (a nonce each) and what they load"),
    ("Referrer-Policy", "no-referrer: share links carry the visitor's facts"),
    ("SameSite", "cookies SameSite=Lax, and Secure over TLS"),
    ("<kernel>", "kernel ids are kept out of the log below DEBUG; versions are kept out of pages and headers"),
)


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
     "two minutes later; a lone visitor's after 1 s, Voila's default (server/public.py). Starting 40 "
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

# Set in the kernels of a pool sized for a class (``serve --class N``): the analyzer then lets every student's first
# screen come before anyone's views below it while the machine is busy (widgets/_kernel.py, later_when_quiet; the
# same name is read there).
CLASS_ENV = "LL_CLASS_SIZE"


def pools_flag(sizes: dict[str, int], env: dict[str, dict[str, str]] | None = None) -> str:
    """Voila's flag for per-notebook pool sizes (``"default"`` for every other page), with environment variables for
    the kernels of the pools named in ``env``."""
    config = {name: {"pool_size": size} for name, size in sizes.items()}
    for name, variables in (env or {}).items():
        if name in config:
            config[name]["kernel_env_variables"] = dict(variables)
    return "--VoilaKernelManager.kernel_pools_config=" + json.dumps(config, separators=(",", ":"))


def performance_settings(pools: dict[str, int] | None = None, env: dict[str, dict[str, str]] | None = None) -> list[str]:
    """PERFORMANCE_SETTINGS, with ``pools`` (per-notebook sizes) instead of POOL_SIZES when given, and ``env`` for
    the kernels of the pools it names (:func:`pools_flag`)."""
    flags = [flag for flag, _reason in PERFORMANCE_SETTINGS]
    if pools is not None or env:
        flags = [pools_flag(POOL_SIZES if pools is None else pools, env)
                 if f.startswith("--VoilaKernelManager.kernel_pools_config=") else f for f in flags]
    return flags


# `liability-lab serve` without --public (`make demo`, a laptop, a teacher's machine): the same preheating, but only
# for what a learner opens first: the analyzer (two, so that a second tab or a reload finds one) and the start page.
# The budget: 3 pooled kernels × 45-60 MB ≈ 135-180 MB while they wait, besides the server's ~120 MB; every other
# page starts its kernel when opened (about a second) and frees it when closed.
LOCAL_POOL_SIZES = {"default": 0, "analyzer.ipynb": 2, "00_start_here.ipynb": 1}

# What frees a page's kernel on the default server (issue 16 point 2: ~80 page views left 86 kernels and 4.9 GB).
# The server is server/local.py: Voila's page handler there sets the _xsrf cookie, so the shutdown request a page
# sends when its tab closes is accepted (it was refused with 403); the culler is the safety net for a tab that never
# sent it (a crashed browser, a laptop lid closed) or was left open and idle.
LOCAL_SETTINGS = (
    ("--MappingKernelManager.cull_idle_timeout=1800",
     "a page idle for half an hour (no click, no change: a tab left open or a browser gone without closing its tab) "
     "loses its kernel; the page then shows the session-ended notice with a reload button"),
    ("--MappingKernelManager.cull_interval=60", "idle kernels are looked for every minute"),
    ("--MappingKernelManager.cull_connected=True", "a tab left open but unused does not keep its kernel forever"),
)


def local_settings() -> list[str]:
    return [flag for flag, _reason in LOCAL_SETTINGS]


# `serve --class N`: a class opening one link together (docs/deploy.md, "A class of 40"). The analyzer's pool holds a
# kernel for every student; the cap leaves room for half the class opening a second page; the class sits behind one
# school address, so the per-client cap is the class plus a margin, and the page rate lets everyone reload twice.
def class_sizes(n: int, pools: dict[str, int] | None = None) -> dict:
    """The pools (``pools``, default POOL_SIZES, with the analyzer's sized for the class) and caps for a class of n."""
    per_client = n + max(5, n // 8)
    return {"pools": dict(POOL_SIZES if pools is None else pools, **{"analyzer.ipynb": n}),
            "pool_env": {"analyzer.ipynb": {CLASS_ENV: str(n)}}, "max_kernels": max(DEFAULT_MAX_KERNELS, n + n // 2),
            "max_per_client": per_client, "renders_per_minute": max(12, 4 * per_client)}


def resilience_settings() -> list[str]:
    """For every server, public or not (a teacher's own laptop serving a class has the same burst)."""
    return [flag for flag, _reason in RESILIENCE_SETTINGS]
