"""Voila settings for a public demo, each with the reason it is there (the README lists them too)."""

from __future__ import annotations

# (setting, reason). Kept as data so the README, the tests and the command line share one list.
PUBLIC_SETTINGS = (
    ("--VoilaConfiguration.show_tracebacks=False", "a visitor never sees a traceback or a path on the server"),
    ("--VoilaConfiguration.strip_sources=True", "the page carries no source code"),
    ("--VoilaConfiguration.allow_template_override=NO", "?template= in the URL cannot change what is rendered"),
    ("--VoilaConfiguration.allow_theme_override=NO", "?theme= in the URL cannot change the theme"),
    ("--VoilaConfiguration.file_allowlist=['.*\\.(png|svg|css)']", "only images and styles beside the pages are served"),
    ("--VoilaConfiguration.file_denylist=['.*\\.(ipynb|py|json|yaml|yml|md|txt|cfg|toml|sh)','(^|.*/)\\..*']",
     "notebooks, sources, data and hidden files are never served as files"),
    ("--MappingKernelManager.cull_idle_timeout=300", "kernels idle for five minutes are shut down"),
    ("--MappingKernelManager.cull_interval=60", "idle kernels are looked for every minute"),
    ("--MappingKernelManager.cull_connected=True", "an open but abandoned tab does not keep its kernel forever"),
)


def public_settings() -> list[str]:
    return [flag for flag, _reason in PUBLIC_SETTINGS]
