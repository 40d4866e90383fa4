"""The page's URL, read in the kernel. Everything read here is untrusted and goes through casebook.share."""

from __future__ import annotations

import os


def query_string() -> str:
    """The query string of the request that opened this page ('' when there is none).

    With Voila's preheated kernels the kernel starts before any request: wait for it (the helper is imported only
    then, so a plain kernel does not pay for the import).
    """
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        from voila.utils import get_query_string

        return get_query_string() or ""
    return os.environ.get("QUERY_STRING", "")


def request_url() -> str:
    """The page's own URL without its query, for share links ('' outside Voila)."""
    url = os.environ.get("VOILA_REQUEST_URL", "")
    return url.split("?", 1)[0]
