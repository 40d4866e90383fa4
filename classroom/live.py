"""The teacher's live tally: the store polled every :data:`POLL_S` seconds from the teacher's kernel.

:class:`TallyPoller` is what the teacher's view runs (and what ``benchmarks/class_tally.py`` measures): it reads
:meth:`ClassStore.tally <classroom.store.ClassStore.tally>` and reports a tally only when it has changed.
"""

from __future__ import annotations

import asyncio

from .store import ClassError, ClassStore

POLL_S = 0.5  # seconds between two reads of the tally: a class's answers show within about this long


def total(tally: dict, item_id: str) -> int:
    return sum(tally.get(item_id, {}).values())


class TallyPoller:
    """Reads a class's tally for its teacher; calls ``on_change(tally)`` when it differs from the last read."""

    def __init__(self, store: ClassStore, code: str, secret: str, on_change, interval: float = POLL_S):
        self.store, self.code, self.secret = store, code, secret
        self.on_change = on_change
        self.interval = interval
        self.last: dict | None = None
        self.error: ClassError | None = None
        self._task = None

    def poll(self) -> dict | None:
        """Read once; the tally when it changed (``on_change`` called), else None. A store error is kept in
        ``error`` (and polling goes on: a busy database is a moment's matter)."""
        try:
            tally = self.store.tally(self.code, self.secret)
        except ClassError as exc:
            self.error = exc
            return None
        self.error = None
        if tally == self.last:
            return None
        self.last = tally
        self.on_change(tally)
        return tally

    async def run(self) -> None:
        while True:
            self.poll()
            await asyncio.sleep(self.interval)

    def start(self) -> bool:
        """Poll in the background on the running event loop (the kernel's); False where there is none."""
        if self._task is not None:
            return True
        try:
            loop = asyncio.get_running_loop()  # a kernel runs its cells on its event loop
        except RuntimeError:
            return False
        self._task = loop.create_task(self.run())
        return True

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
