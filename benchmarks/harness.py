"""One harness to start and stop a Voila server, for the tests and the benchmark (issue 15: there were three).

:class:`VoilaServer` runs a server as a subprocess on a free loopback port: ``liability-lab serve [--public]`` (the
real command, :meth:`VoilaServer.serve`) or plain ``voila`` (:meth:`VoilaServer.plain`, the benchmark's floor and the
browser tests' pages). It waits for the server to answer, reads its log, finds its kernels and their memory and CPU
in ``/proc``, sends verbatim HTTP requests, and stops the server and every kernel it left. :func:`wait_until` polls a
condition with a deadline.

It lives beside the benchmark, not in the shipped ``server`` package: nothing a deployment runs needs it. The tests
import it as ``benchmarks.harness`` (the repository's root is on pytest's path), the benchmark as a sibling module.
The small process helpers a running server itself needs are in :mod:`server.processes`.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from server.processes import free_port, is_kernel, rss

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


def wait_until(predicate: Callable[[], object], timeout: float, step: float = 0.3) -> bool:
    """Poll ``predicate`` every ``step`` seconds until it is true or ``timeout`` has passed; its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


# --- /proc: process trees, CPU time, memory ----------------------------------------------------------------------

def proc_table() -> dict[int, tuple[int, int, int]]:
    """pid -> (ppid, utime+stime ticks, rss pages) for every process that can be read."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                data = fh.read().decode(errors="replace")
        except OSError:
            continue
        rest = data[data.rfind(")") + 2:].split()
        # rest[0] is the state (field 3); ppid is field 4, utime 14, stime 15, rss 24.
        table[int(entry.name)] = (int(rest[1]), int(rest[11]) + int(rest[12]), int(rest[21]))
    return table


def descendants(root_pid: int, table=None) -> list[int]:
    """``root_pid`` and every process below it."""
    table = table or proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _cpu, _rss) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        if pid in table:
            out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return [p.decode(errors="replace") for p in fh.read().split(b"\0") if p]
    except OSError:
        return []


def rss_mb(pid: int) -> float | None:
    value = rss(pid)
    return value / 2**20 if value else None


def pss_uss_mb(pid: int) -> tuple[float | None, float | None]:
    """Proportional and unique set size: what one more kernel really costs (shared libraries counted once)."""
    pss = uss = None
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            priv = 0
            for line in fh:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) / 1024.0
                elif line.startswith(("Private_Clean:", "Private_Dirty:")):
                    priv += int(line.split()[1])
            uss = priv / 1024.0
    except OSError:
        pass
    return pss, uss


def system_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine."""
    with open("/proc/stat") as fh:
        parts = [int(x) for x in fh.readline().split()[1:]]
    idle = parts[3] + (parts[4] if len(parts) > 4 else 0)
    return sum(parts) - idle, sum(parts)


# --- the server ------------------------------------------------------------------------------------------------

class VoilaServer:
    """A Voila server as a subprocess on 127.0.0.1 (see the module's docstring). ``argv`` must serve on ``port``."""

    def __init__(self, argv: list[str], log_path: Path, port: int, name: str = "voila", start: bool = True):
        self.name, self.argv, self.log_path, self.port = name, list(argv), Path(log_path), port
        self.url = f"http://127.0.0.1:{port}/"
        self.proc: subprocess.Popen | None = None
        self.seen_cpu: dict[int, int] = {}
        self._log = None
        if start:
            self.start()

    @classmethod
    def serve(cls, notebook_dir: Path, log_path: Path, *, public: bool = False, flags: list[str] | tuple = (),
              voila_flags: list[str] | tuple = (), start: bool = True) -> "VoilaServer":
        """``liability-lab serve [--public] FLAGS`` (the command execs into Voila: one process to watch), each of
        ``voila_flags`` passed as ``--voila=FLAG``."""
        port = free_port()
        argv = [sys.executable, "-m", "server.cli", "serve", *(["--public"] if public else []), "--port", str(port),
                "--notebooks", str(notebook_dir), *flags, *(f"--voila={flag}" for flag in voila_flags)]
        return cls(argv, log_path, port, "serve --public" if public else "serve", start)

    @classmethod
    def plain(cls, notebook_dir: Path, log_path: Path, extra: list[str] | tuple = (), port: int | None = None,
              start: bool = True) -> "VoilaServer":
        """Plain ``voila`` with its own defaults (and ``extra`` flags)."""
        port = port or free_port()
        argv = [sys.executable, "-m", "voila", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", *extra,
                str(notebook_dir)]
        return cls(argv, log_path, port, "plain voila", start)

    # --- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> None:
        from server.template import environ  # the project's template on the path, as `liability-lab serve` has it

        env = environ(dict(os.environ, JUPYTER_PLATFORM_DIRS="1", PYTHONUNBUFFERED="1"))
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, start_new_session=True)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, n: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-n:])

    def wait_ready(self, timeout: float = 120.0) -> "VoilaServer":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if self.get("/", timeout=5)[0] < 500:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name}: no answer on {self.url} within {timeout:.0f} s:\n{self.log_tail()}")

    def restart(self) -> None:
        """A fresh server on the same port (e.g. to drop the kernels plain Voila never shuts down)."""
        self.stop()
        self.seen_cpu = {}
        self.start()
        self.wait_ready()

    def stop(self) -> None:
        """SIGINT (Voila shuts its kernels down), then SIGTERM, SIGKILL; then any kernel it left (kernels run in
        sessions of their own) and anything else in its session."""
        if self.proc is None:
            return
        kernels = self.kernel_pids() if self.proc.poll() is None else []
        if self.proc.poll() is None:
            for sig, wait in ((signal.SIGINT, 15), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
                try:
                    self.proc.send_signal(sig)
                    self.proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        for pid in kernels:
            if is_kernel(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self._log is not None:
            self._log.close()
            self._log = None

    # --- HTTP, verbatim ---------------------------------------------------------------------------------------

    def get(self, path: str, timeout: float = 60.0, method: str = "GET", body=None, headers=None):
        """``(status, headers, body)`` for ``path`` sent exactly as given (no normalisation, no re-encoding)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path if path.startswith("/") else "/" + path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def shutdown_kernel(self, kernel_id: str) -> int:
        """Shut a kernel down through the API, as the page's beacon or the culler would (the ``_xsrf`` check is a
        double-submit cookie: any token works when the cookie and the header agree)."""
        status, _, _ = self.get(f"/api/kernels/{kernel_id}", method="DELETE",
                                headers={"Cookie": "_xsrf=c0ffee", "X-XSRFToken": "c0ffee"})
        return status

    # --- processes, memory, CPU -------------------------------------------------------------------------------

    def tree(self, table=None) -> list[int]:
        return descendants(self.proc.pid, table) if self.proc else []

    def kernel_pids(self) -> list[int]:
        return [pid for pid in self.tree()[1:] if is_kernel(pid)]

    def kernels(self) -> dict[str, int]:
        """kernel id -> pid of every kernel process under this server."""
        out = {}
        for pid in self.tree():
            for arg in cmdline(pid):
                m = re.search(r"kernel-([0-9a-f-]{36})\.json$", arg)
                if m:
                    out[m.group(1)] = pid
        return out

    def settle(self, timeout: float = 60.0, quiet: float = 2.0) -> int:
        """Wait until the number of kernels has not changed for ``quiet`` seconds (a preheated pool filling up);
        returns it."""
        deadline = time.monotonic() + timeout
        last, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            n = len(self.kernel_pids())
            if n != last:
                last, since = n, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return n
            time.sleep(0.2)
        return last

    def rss(self) -> dict:
        """Resident memory in bytes: ``{"server": .., "kernels": .., "total": .., "n_kernels": ..}``."""
        kernels = self.kernel_pids()
        server = rss(self.proc.pid)
        k = sum(rss(p) for p in kernels)
        return {"server": server, "kernels": k, "total": server + k, "n_kernels": len(kernels)}

    def memory(self) -> dict:
        """The same in MB, as the benchmark reports it."""
        kernels = self.kernels()
        k_rss = [rss_mb(pid) or 0.0 for pid in kernels.values()]
        return {"server_mb": round(rss_mb(self.proc.pid) or 0.0, 1), "kernels": len(kernels),
                "kernels_mb": round(sum(k_rss), 1)}

    def tree_cpu_ticks(self) -> int:
        """CPU ticks used by the server and every process it has ever been seen to have (exited ones keep their
        last reading), so a window's difference counts kernels that started inside it."""
        table = proc_table()
        for pid in self.tree(table):
            self.seen_cpu[pid] = table[pid][1]
        return sum(self.seen_cpu.values())
