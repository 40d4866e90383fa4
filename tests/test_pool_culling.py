"""A kernel taken from the preheated pool is not culled while its page loads, however long it waited in the pool.

Voila's culler spares kernels in the pool, but a kernel handed to a visitor after waiting in the pool longer than
the idle timeout carried its start-up time as its last activity: the next culler pass shut it down while its page
was loading ("Culling 'busy' kernel ... 482 seconds of inactivity" in a class burst), and the page never became
interactive. The manager here is the public server's own class over Voila's pooled manager; only the kernels are
stand-ins (no process is started)."""

from __future__ import annotations

import asyncio
import datetime
import types
from concurrent.futures import ThreadPoolExecutor

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets.config import LoggingConfigurable
from voila.voila_kernel_manager import voila_kernel_manager_factory

from server.public import capped_kernel_manager


class _App(LoggingConfigurable):
    root_dir = "."
    notebook_path = "analyzer.ipynb"


def _manager():
    base = capped_kernel_manager(voila_kernel_manager_factory(AsyncMappingKernelManager, True, 1))

    class Manager(base):
        def fill_if_needed(self, *args, **kwargs):  # no replacement kernels: nothing is started here
            return None

    return Manager(parent=_App(), cull_idle_timeout=300, cull_busy=True, cull_connected=True)


def test_a_kernel_that_waited_in_the_pool_longer_than_the_idle_timeout_survives_its_hand_out():
    stopped: list[str] = []

    async def scenario():
        km = _manager()
        waited = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=482)
        km._kernels["k"] = types.SimpleNamespace(execution_state="busy", kernel_name="python3", last_activity=waited,
                                                 kernel_spec=types.SimpleNamespace(metadata={}))

        async def shutdown(kernel_id, *args, **kwargs):
            stopped.append(kernel_id)

        km.shutdown_kernel = shutdown
        loop = asyncio.get_running_loop()
        render = loop.create_future()
        render.set_result(None)
        item = loop.create_future()
        item.set_result({"kernel_id": "k", "task": render,
                         "renderer": types.SimpleNamespace(stop_generator=False, rendered_cache=[])})
        km._pools = {"analyzer.ipynb": [item]}

        await km.cull_kernel_if_idle("k")
        assert stopped == []  # in the pool: Voila spares it
        _task, _cache, kernel_id = await km.get_rendered_notebook("analyzer.ipynb")
        assert kernel_id == "k" and km._pools["analyzer.ipynb"] == []
        await km.cull_kernel_if_idle("k")  # the culler's next pass, while the visitor's page loads
        assert stopped == []
        # ... and the culler still works: a visitor's kernel idle past the timeout goes.
        km._kernels["k"].last_activity = waited
        await km.cull_kernel_if_idle("k")
        assert stopped == ["k"]

    # In a thread of its own: a test process that has used Playwright's sync API has an event loop running here.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()
