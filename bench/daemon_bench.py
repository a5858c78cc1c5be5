"""The cold, warm and changed passes inside a running daemon (no process start-up).

Used by bench/run.py. The daemon runs every source ``every`` seconds (each source is its own
job, all due at once); its /metrics endpoint counts fetches, so a pass is done when the
count has grown by N. A pass's CPU time is the daemon's (``/proc/PID/stat``, all threads)
from the last poll before its first fetch to its end (sending the previous pass's alerts
can fall in it); its wall time runs from the first fetch seen to the last (polled every
0.1 s, so it misses up to the first fetch's own time). The cold pass starts when /metrics
first answers, after imports and database set-up.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb(pid: int) -> float:
    return _status_mb(pid, "VmHWM")


def rss_mb(pid: int) -> float:
    """The process's resident memory now (``peak_rss_mb`` is its high-water mark)."""
    return _status_mb(pid, "VmRSS")


def fetches(port: int) -> int | None:
    """Fetches the daemon has counted so far, or None while /metrics does not answer."""
    try:
        with urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            text = response.read().decode()
    except (URLError, OSError):
        return None
    return int(
        sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("advisorywatch_fetches_total{")
        )
    )


class Daemon:
    def __init__(self, cmd: list[str], log: Path, port: int) -> None:
        self.port = port
        self.log = log
        self._log = log.open("w")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_for(self, count: int, timeout: float) -> tuple[float, float, float]:
        """Waits until ``count`` fetches are counted; (wall from the first new fetch, CPU from
        the last poll before it, peak RSS MB)."""
        cpu0 = cpu_seconds(self.proc.pid)
        deadline = time.monotonic() + timeout
        first: float | None = None
        seen = fetches(self.port) or 0
        while seen < count:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"daemon pass stalled at {seen}/{count} fetches")
            if first is None:  # idle until the pass is due: leave that CPU out
                cpu0 = cpu_seconds(self.proc.pid)
            time.sleep(0.1)
            now = fetches(self.port)
            if now is not None and now > seen and first is None:
                first = time.monotonic()
            seen = now if now is not None else seen
        end = time.monotonic()
        return end - (first or end), cpu_seconds(self.proc.pid) - cpu0, peak_rss_mb(self.proc.pid)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while fetches(self.port) is None:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                tail = self.log.read_text()[-2000:]
                raise RuntimeError(f"daemon did not start; its output ends:\n{tail}")
            time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def passes(
    cmd: list[str], log: Path, port: int, n: int, every: float, publish: Callable[[], None]
) -> list[tuple[str, float, float, float]]:
    """(pass, wall, CPU, peak RSS MB) of the cold, warm and changed passes in one daemon."""
    daemon = Daemon(cmd, log, port)
    results = []
    try:
        daemon.wait_ready(120)
        results.append(("cold", *daemon.wait_for(n, 30 + every)))
        results.append(("warm", *daemon.wait_for(2 * n, 30 + 2 * every)))
        publish()
        results.append(("10% changed", *daemon.wait_for(3 * n, 30 + 2 * every)))
    finally:
        daemon.stop()
    return results
