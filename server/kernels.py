"""The public server's kernel manager: a cap on live kernels in all and per client, kernels stopped when their page
never connects or when they grow past their memory, and memory handed back after the crowd."""

from __future__ import annotations

import asyncio
import time

from jupyter_core.utils import ensure_async

from .handlers import PublicRequestInfoHandler
from .limits import (_ACTIVITY, _COMM_OPENS, _REQUEST, _SOCKETS, ASSET_ACTIVITY_S, CONNECT_GRACE_FACTOR, ClientFull,
                     ServerFull, release_memory)

def capped_kernel_manager(base: type) -> type:
    """``base`` (Voila's kernel manager class, pooled or not) with a cap on the kernels given to visitors.

    Counting happens on the event loop without awaiting between the check and the reservation, so concurrent
    requests cannot overshoot the cap.
    """

    class CappedKernelManager(base):
        max_kernels = 0  # set by the app; 0 or less: no cap
        max_per_client = 0  # set by the app; 0 or less: no cap per client address
        connect_timeout = 0.0  # set by the app; 0: a served page's kernel may wait for its page forever

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self._visitor_ids: set[str] = set()
            self._reserved = 0
            self._trimmed = 0.0
            self._client_of: dict[str, str] = {}  # visitor kernel -> client address
            self._reserved_by: dict[str, int] = {}  # client address -> kernels being started for it
            self._connected: set[str] = set()  # kernels whose page has opened its websocket

        def client_kernels(self, client: str) -> int:
            live = set(self.list_kernel_ids())
            return sum(1 for k, c in self._client_of.items() if c == client and k in live and k in self._visitor_ids)

        def client_full(self, client: str | None) -> bool:
            return bool(client) and self.max_per_client > 0 and \
                self.client_kernels(client) + self._reserved_by.get(client, 0) >= self.max_per_client

        max_kernel_memory = 0  # bytes; set by the app; 0: no limit

        def kernel_rss(self, kernel_id: str) -> int:
            try:
                import psutil

                pid = getattr(self.get_kernel(kernel_id).provisioner, "pid", None)
                return psutil.Process(pid).memory_info().rss if pid else 0
            except Exception:
                return 0

        async def check_memory(self) -> None:
            """Shut down every kernel over ``max_kernel_memory`` (its page shows the session-ended notice)."""
            if self.max_kernel_memory <= 0:
                return
            for kernel_id in list(self.list_kernel_ids()):
                if self.kernel_rss(kernel_id) > self.max_kernel_memory:
                    self.log.warning("A kernel went over %d MB of memory: shut down",
                                     self.max_kernel_memory // 2**20)
                    try:
                        await self.shutdown_kernel(kernel_id)
                    except Exception:
                        pass

        async def cull_kernel_if_idle(self, kernel_id):
            # jupyter_server records a kernel's activity only once the kernel is ready; a culler pass in between
            # (with a short cull_interval and kernels starting under load) raised a TraitError and logged a
            # traceback. A kernel still starting is not idle: skip it.
            kernel = self._kernels.get(kernel_id)
            try:
                if kernel is None or kernel.last_activity is None:
                    return None
            except Exception:
                return None
            return await ensure_async(super().cull_kernel_if_idle(kernel_id))

        def mark_connected(self, kernel_id: str) -> None:
            self._connected.add(kernel_id)

        def expect_connection(self, kernel_id: str) -> None:
            """The page of ``kernel_id`` has been served: unless it opens its websocket within ``connect_timeout``,
            the kernel is shut down. A request without a browser (no script ever runs) held a kernel under the
            cap for the whole idle timeout: three plain GETs filled ``--max-kernels 3`` for five minutes."""
            if self.connect_timeout <= 0 or kernel_id in self._connected:
                return
            loop = asyncio.get_event_loop()
            loop.call_later(self.connect_timeout, lambda: asyncio.ensure_future(self._unconnected(kernel_id)))

        async def _unconnected(self, kernel_id: str, waited: float | None = None) -> None:
            if kernel_id in self._connected or kernel_id not in set(self.list_kernel_ids()):
                return
            waited = self.connect_timeout if waited is None else waited
            # A browser still loading the page's scripts (a slow network, a class sharing one Wi-Fi) is given more
            # time, up to CONNECT_GRACE_FACTOR times the timeout; a request without a browser loads nothing.
            client = self._client_of.get(kernel_id)
            if client and time.monotonic() - _ACTIVITY.get(client, -1e9) < ASSET_ACTIVITY_S and \
                    waited < CONNECT_GRACE_FACTOR * self.connect_timeout:
                asyncio.get_event_loop().call_later(
                    ASSET_ACTIVITY_S, lambda: asyncio.ensure_future(self._unconnected(kernel_id, waited + ASSET_ACTIVITY_S)))
                return
            self.log.warning("A page was served but never connected to its kernel within %g s: kernel shut down",
                             waited)
            try:
                await self.shutdown_kernel(kernel_id)
            except Exception:  # already gone
                pass

        def visitor_kernels(self) -> int:
            """Live kernels in use by visitors (pooled kernels not yet handed out are not counted)."""
            self._visitor_ids &= set(self.list_kernel_ids())
            return len(self._visitor_ids)

        def is_full(self) -> bool:
            return self.max_kernels > 0 and self.visitor_kernels() + self._reserved >= self.max_kernels

        def _reserve(self) -> str | None:
            """Reserve a place for the request being served (its client's, too); returns the client."""
            request = _REQUEST.get()
            client = request["client"] if request else None
            if self.is_full():
                self.log.warning("Kernel cap reached (%d in use); refusing a visitor", self.max_kernels)
                raise ServerFull()
            if self.client_full(client):
                self.log.warning("Per-client kernel cap reached (%d); refusing a page", self.max_per_client)
                raise ClientFull()
            self._reserved += 1
            if client:
                self._reserved_by[client] = self._reserved_by.get(client, 0) + 1
            return client

        def _release(self, client: str | None) -> None:
            self._reserved -= 1
            if client:
                left = self._reserved_by.get(client, 1) - 1
                if left > 0:
                    self._reserved_by[client] = left
                else:
                    self._reserved_by.pop(client, None)

        def _handed(self, kernel_id: str, client: str | None) -> None:
            self._visitor_ids.add(kernel_id)
            if client:
                self._client_of[kernel_id] = client
            request = _REQUEST.get()
            if request is not None:
                request["kernels"].append(kernel_id)

        async def start_kernel(self, *args, **kwargs):
            # Only visitors' kernels come through here: Voila's pool starts its kernels with super().start_kernel
            # from a class below this one.
            client = self._reserve()
            try:
                kernel_id = await ensure_async(super().start_kernel(*args, **kwargs))
            finally:
                self._release(client)
            self._handed(kernel_id, client)
            return kernel_id

        async def shutdown_kernel(self, kernel_id, *args, **kwargs):
            # Culled, closed by its tab, or stopped by the server: the page must know (see QuietKernelWebsocketHandler).
            for socket in list(_SOCKETS.pop(kernel_id, ())):
                socket.end_session()
            self._client_of.pop(kernel_id, None)
            self._connected.discard(kernel_id)
            _COMM_OPENS.pop(kernel_id, None)
            PublicRequestInfoHandler.forget(kernel_id)
            result = await ensure_async(super().shutdown_kernel(kernel_id, *args, **kwargs))
            # After the last visitor (a preheated pool may still hold kernels), or at most every 30 s while busy.
            now = time.monotonic()
            if self.visitor_kernels() == 0 or now - self._trimmed > 30:
                self._trimmed = now
                release_memory()
            return result

        if hasattr(base, "get_rendered_notebook"):  # preheated kernels

            @staticmethod
            def _ready(item) -> bool:
                return item.done() and not item.cancelled() and item.exception() is None

            def get_pool_size(self, notebook_name: str) -> int:
                # Voila's pool also holds replacements still waiting for their fill delay or still starting, and
                # hands the next visitor the first item, ready or not: after a burst that visitor would wait for
                # the delay (two minutes). Count only kernels that are ready; without one, the visitor gets a
                # kernel of their own at once, as without a pool.
                return sum(1 for item in self._pools.get(notebook_name, ()) if self._ready(item))

            async def get_rendered_notebook(self, *args, **kwargs):
                name = kwargs.get("notebook_name", args[0] if args else None)
                pool = self._pools.get(name, [])
                ready = next((item for item in pool if self._ready(item)), None)
                if ready is not None and pool[0] is not ready:  # Voila takes the first: make it a ready one
                    pool.remove(ready)
                    pool.insert(0, ready)
                client = self._reserve()
                try:
                    render_task, rendered_cache, kernel_id = await super().get_rendered_notebook(*args, **kwargs)
                finally:
                    self._release(client)
                self._handed(kernel_id, client)
                self.touch(kernel_id)
                return render_task, rendered_cache, kernel_id

            def touch(self, kernel_id: str) -> None:
                """A kernel taken from the pool starts its idle time now. Voila's culler spares pooled kernels, but
                one that waited in the pool longer than the idle timeout (a class arriving ten minutes after the
                server started) still carried its start-up time as its last activity: a culler pass while its page
                was loading shut it down (seen in the class burst: "Culling 'busy' kernel" at a hand-out after
                482 s in the pool), and the page never became interactive."""
                from jupyter_server._tz import utcnow

                try:
                    self.get_kernel(kernel_id).last_activity = utcnow()
                except Exception:  # gone already: nothing to keep alive
                    pass

        if hasattr(base, "fill_if_needed"):  # preheated kernels: when to replace a kernel taken from the pool

            # Voila replaces a taken kernel ``fill_delay`` seconds later. A lone visitor's kernel is replaced
            # after QUICK_REFILL_S (Voila's own default), so the next visitor finds the pool full again. When takes
            # come less than BURST_GAP_S apart (a class opening the link together), the replacements wait the full
            # ``fill_delay`` (server/settings.py): starting 40 Python processes and their pages' widgets during the
            # burst competed with serving it (measured: benchmarks/run.py, docs/deploy.md).
            QUICK_REFILL_S = 1.0
            BURST_GAP_S = 5.0
            _last_take = -1e9

            def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
                if delay is None:  # a kernel was just taken (the start-up fill passes delay=0)
                    delay = self.refill_delay()
                return super().fill_if_needed(delay=delay, notebook_name=notebook_name, **kwargs)

            def refill_delay(self, now: float | None = None) -> float:
                now = time.monotonic() if now is None else now
                in_burst = now - self._last_take < self.BURST_GAP_S
                self._last_take = now
                return float(self.fill_delay) if in_burst else self.QUICK_REFILL_S

    CappedKernelManager.__qualname__ = f"Capped{base.__name__}"
    return CappedKernelManager
