"""Voila for ``liability-lab serve`` without ``--public`` (``make demo``, a laptop, a teacher's own machine).

Plain Voila never freed a page's kernel: the page's shutdown request on closing its tab was refused (403, standalone
Voila sets no ``_xsrf`` cookie) and nothing culled idle kernels, so ~80 page views left 86 kernels and 4.9 GB (issue
16 point 2). This app is the public server's (:mod:`server.public`) without what only a server open to anyone needs
(caps per visitor and per address, security headers, memory limits): it keeps

* the page handler that sets the ``_xsrf`` cookie, so that closing a tab frees its kernel at once;
* the culler (:data:`server.settings.LOCAL_SETTINGS`) for a tab that never said goodbye or was left idle;
* the preheated pool with its burst-aware refill, sized for a laptop (:data:`server.settings.LOCAL_POOL_SIZES`), so
  that what a learner opens first (the analyzer, the start page) is ready before it is asked for;
* the request-info socket that only the machine's own kernels may use, and the session-ended notice.

Run it as ``python -m server.local [voila options] NOTEBOOK_DIR``; ``liability-lab serve`` does.
"""

from __future__ import annotations

from traitlets import Float, Integer

from .public import PublicVoila


class LocalVoila(PublicVoila):
    """:class:`server.public.PublicVoila` with no caps and no public hardening (see the module's docstring)."""

    hardened = False
    max_kernels = Integer(0, config=True, help="Most kernels in use at once (0: no cap, the default here).")
    max_per_client = Integer(0, config=True, help="Most kernels per client address (0: no cap, the default here).")
    max_kernel_memory_mb = Integer(0, config=True, help="A kernel using more memory (MB) is shut down. 0: none.")
    # A page whose browser never connects keeps its kernel until the culler frees it (LOCAL_SETTINGS): the public
    # server's 30 s rule guards a cap, and this server has none.
    connect_timeout = Float(0.0, config=True,
                            help="Seconds a served page has to open its kernel's websocket. 0: until culled.")


main = LocalVoila.launch_instance

if __name__ == "__main__":
    main()
