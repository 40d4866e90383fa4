"""The processes of a running server, for the tests and the benchmark that start one: a free port on this machine,
a server's kernels and their memory. One place, so that each harness does not write its own.
"""

from __future__ import annotations

import socket
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    """Every descendant of process ``pid`` (empty when it is gone)."""
    import psutil  # jupyter_client's own dependency

    try:
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


def cmdline(pid: int) -> list[bytes]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return []


def is_kernel(pid: int) -> bool:
    """Whether process ``pid`` is an IPython kernel."""
    return any(b"ipykernel" in part for part in cmdline(pid))


def kernel_pid(kernel_id: str) -> int | None:
    """The process of the kernel with this id (its connection file names it), or None."""
    needle = f"kernel-{kernel_id}.json".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and any(needle in part for part in cmdline(int(entry.name))):
            return int(entry.name)
    return None


def rss(pid: int) -> int:
    """Resident memory of process ``pid`` in bytes (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0
