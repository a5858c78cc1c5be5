"""The cold, warm and changed passes inside a running daemon (no process start-up).

Used by bench/run.py. The daemon runs every source ``every`` seconds (each source is its own
job, all due at once). Every fetch writes its source's ``last_fetch_at`` in the (SQLite)
database when it is stored, so a pass is done when all N sources have a ``last_fetch_at``
later than the previous pass's last one. Its wall time runs from the pass's first request
as the fixture server saw it (``/first-request``) to the last stored fetch; its CPU time is
the daemon's (``/proc/PID/stat``, all threads) from the last poll before that request to
the end (sending the previous pass's alerts can fall in it). The cold pass starts after
imports and database set-up. (Until 2026-11-28 17:45 UTC a pass ran from its first *stored*
fetch, which left out everything before it: fetching and storing started later in the old
code, so that flattered it.)

The passes are not counted through /metrics: rendering it takes ~0.2 s of the daemon's CPU
at 1000 sources (26,000 samples), so polling it every 0.1 s would measure the polling.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
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


def fetched_since(db: Path, since: float) -> tuple[int, float]:
    """(sources stored after ``since``, the last such ``last_fetch_at``), in epoch seconds
    (the database holds naive UTC)."""
    after = datetime.fromtimestamp(since, UTC).replace(tzinfo=None).isoformat(sep=" ")
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
        count, last = conn.execute(
            "SELECT count(*), max(last_fetch_at) FROM sources WHERE last_fetch_at > ?",
            (after,),
        ).fetchone()
    return int(count), datetime.fromisoformat(last).replace(tzinfo=UTC).timestamp() if last else 0.0


FirstRequest = Callable[[float], float | None]  # the first feed request after a time, if any


class Daemon:
    def __init__(self, cmd: list[str], log: Path, port: int) -> None:
        self.port = port
        self.log = log
        self._log = log.open("w")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_for(
        self, count: int, timeout: float, counter: Callable[[], int | None] | None = None
    ) -> tuple[float, float, float]:
        """Waits until ``count`` fetches are counted (by the daemon's /metrics, or by
        ``counter``); (wall from the first new fetch, CPU from the last poll before it, peak
        RSS MB)."""
        fetched = counter or (lambda: fetches(self.port))
        cpu0 = cpu_seconds(self.proc.pid)
        deadline = time.monotonic() + timeout
        first: float | None = None
        seen = fetched() or 0
        while seen < count:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"daemon pass stalled at {seen}/{count} fetches")
            if first is None:  # idle until the pass is due: leave that CPU out
                cpu0 = cpu_seconds(self.proc.pid)
            time.sleep(0.1)
            now = fetched()
            if now is not None and now > seen and first is None:
                first = time.monotonic()
            seen = now if now is not None else seen
        end = time.monotonic()
        return end - (first or end), cpu_seconds(self.proc.pid) - cpu0, peak_rss_mb(self.proc.pid)

    def wait_pass(
        self, db: Path, n: int, since: float, timeout: float, first_request: FirstRequest
    ) -> tuple[float, float, float, float]:
        """Waits until all ``n`` sources have been stored after ``since`` (epoch seconds);
        (wall from the pass's first request at the fixture server to its last stored fetch,
        CPU from the last poll before that request, peak RSS MB, the last stored fetch)."""
        cpu0 = cpu_seconds(self.proc.pid)
        deadline = time.monotonic() + timeout
        first = first_request(since)
        while first is None:  # idle until the pass is due: leave that CPU out
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("daemon pass did not start")
            cpu0 = cpu_seconds(self.proc.pid)
            time.sleep(0.1)
            first = first_request(since)
        count, last = fetched_since(db, since)
        while count < n:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"daemon pass stalled at {count}/{n} sources")
            time.sleep(0.1)
            count, last = fetched_since(db, since)
        return last - first, cpu_seconds(self.proc.pid) - cpu0, peak_rss_mb(self.proc.pid), last

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
    cmd: list[str],
    log: Path,
    port: int,
    db: Path,
    n: int,
    every: float,
    publish: Callable[[], None],
    first_request: FirstRequest,
) -> list[tuple[str, float, float, float]]:
    """(pass, wall, CPU, peak RSS MB) of the cold, warm and changed passes in one daemon."""
    since = time.time()
    daemon = Daemon(cmd, log, port)
    results = []
    try:
        daemon.wait_ready(120)
        for name, timeout in (("cold", 30 + every), ("warm", 30 + 2 * every)):
            wall, cpu, rss, since = daemon.wait_pass(db, n, since, timeout, first_request)
            results.append((name, wall, cpu, rss))
        publish()
        wall, cpu, rss, _ = daemon.wait_pass(db, n, since, 30 + 2 * every, first_request)
        results.append(("10% changed", wall, cpu, rss))
    finally:
        daemon.stop()
    return results
