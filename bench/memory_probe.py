"""Where the daemon's memory goes: the daemon run in this process, inspected after each pass.

    .venv/bin/python bench/memory_probe.py [--sources 1000] [--cycles 3] [--every 120]
        [--trace 0] [--trim] [--types 12] [--gc] [--scrapy NAME=INT ...]

Starts bench/fixture_server.py and runs ``advisorywatch run`` (the real CLI entry point, the
config of bench/run.py) in this process's main thread. A sampler thread waits for each pass
(every source's ``last_fetch_at`` moved, as bench/daemon_bench.py counts passes) and prints:

- RSS, and how it splits (after the pass, and at the pass's highest sample, with RSS over the
  pass in 1 s steps): its anonymous and file-backed parts (``RssAnon``, ``RssFile``: the
  pages of shared libraries and mapped files touched), pymalloc's arenas (Python objects of
  up to 512 bytes, from ``sys._debugmallocstats``), glibc's heap (``mallinfo2``: in use and
  free but kept) and the rest (code, shared libraries, thread stacks);
- the object types whose count grew most since the previous sample (``gc.get_objects``);
- with ``--trace N``: tracemalloc's top growth by line (N frames; slows the daemon down and
  doubles the memory of what it traces, so read its diffs, not the RSS, in such a run);
- with ``--gc``: the garbage collector's work since the previous sample (collections per
  generation, objects found unreachable, seconds spent), from ``gc.callbacks``;
- with ``--trim``: RSS again after ``malloc_trim(0)``, i.e. how much is free memory glibc
  kept rather than memory in use.

The daemon limits glibc to two arenas unless ``MALLOC_ARENA_MAX`` is set: run it with e.g.
``MALLOC_ARENA_MAX=16`` to see the per-thread arenas' share. ``--scrapy`` overrides a Scrapy
setting (to try one). Not a timed benchmark: the numbers are for comparing samples within one run.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import re
import signal
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

import daemon_bench
from run import DAEMON_CRAWLER, FixtureServer, write_config

from advisorywatch.cli.main import main as cli_main

MB = 1024 * 1024


class Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


LIBC = ctypes.CDLL("libc.so.6")
LIBC.mallinfo2.restype = Mallinfo2
SQLITE = ctypes.CDLL("libsqlite3.so.0")  # the library the sqlite3 module uses
SQLITE.sqlite3_memory_used.restype = ctypes.c_int64


def rss_mb() -> float:
    return daemon_bench.rss_mb(os.getpid())


def pymalloc_mb() -> tuple[float, float] | None:
    """Memory in pymalloc's arenas and in the blocks in use in them, from
    ``sys._debugmallocstats`` (which writes to fd 2; nothing while tracemalloc runs)."""
    with tempfile.TemporaryFile("w+") as out:
        saved = os.dup(2)
        try:
            sys.stderr.flush()
            os.dup2(out.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read()
    used = re.search(r"^# bytes in allocated blocks\s*=\s*([\d,]+)", text, re.M)
    total = re.search(r"^\s*\d+ arenas \* \d+ bytes/arena\s*=\s*([\d,]+)", text, re.M)
    if used is None or total is None:
        return None
    return int(total.group(1).replace(",", "")) / MB, int(used.group(1).replace(",", "")) / MB


def split() -> str:
    info = LIBC.mallinfo2()
    heap = (info.arena + info.hblkhd) / MB
    pymalloc = pymalloc_mb()
    arenas = f"pymalloc arenas {pymalloc[0]:.1f} (in use {pymalloc[1]:.1f}), " if pymalloc else ""
    anon, files = (daemon_bench._status_mb(os.getpid(), f) for f in ("RssAnon", "RssFile"))
    return (
        f"anonymous {anon:.1f}, files {files:.1f} (code of the libraries touched); "
        f"{arenas}glibc heap {heap:.1f} "
        f"(in use {(info.uordblks + info.hblkhd) / MB:.1f}, free kept {info.fordblks / MB:.1f}; "
        f"of the memory in use, SQLite's {SQLITE.sqlite3_memory_used() / MB:.1f})"
    )


def type_counts() -> Counter[str]:
    return Counter(type(o).__qualname__ for o in gc.get_objects())


def print_diff(later: tracemalloc.Snapshot, earlier: tracemalloc.Snapshot, top: int) -> None:
    for stat in later.compare_to(earlier, "lineno")[:top]:
        print(f"    {stat.size_diff / MB:+7.2f} MB {stat.count_diff:+8d}  {stat}")


class GcStats:
    """Collections, unreachable objects found and seconds, per generation (``gc.callbacks``)."""

    def __init__(self) -> None:
        self._started = 0.0
        self.reset()
        gc.callbacks.append(self.callback)

    def reset(self) -> None:
        self.runs = [0, 0, 0]
        self.found = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]

    def callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        g = info["generation"]
        self.runs[g] += 1
        self.found[g] += info["collected"]
        self.seconds[g] += time.perf_counter() - self._started

    def report(self) -> str:
        parts = [
            f"gen{g} {self.runs[g]} runs, {self.found[g]} found, {self.seconds[g]:.2f} s"
            for g in range(3)
        ]
        self.reset()  # counts since the previous sample
        return "; ".join(parts)


class Sampler(threading.Thread):
    def __init__(self, args: argparse.Namespace, db: Path, port: int) -> None:
        super().__init__(daemon=True)
        self.args = args
        self.db = db
        self.port = port
        self.error: BaseException | None = None
        self.high: tuple[int, tracemalloc.Snapshot] | None = None  # the pass's highest trace
        self.gc = GcStats() if args.gc else None
        self.highest = (0.0, "")  # the pass's highest RSS sample and how it split
        self.timeline: list[float] = []  # RSS at each poll of the pass (0.2 s apart)

    def run(self) -> None:
        try:
            self.sample_passes()
        except BaseException as exc:  # reported by the main thread
            self.error = exc
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    def wait_pass(self, since: float) -> tuple[float, float]:
        """The pass's last stored fetch (epoch seconds) and its wall time (from the first poll
        that saw a stored fetch to the last one)."""
        deadline = time.monotonic() + 120 + 2 * self.args.every
        first: float | None = None
        while True:
            count, last = daemon_bench.fetched_since(self.db, since)
            if count and first is None:
                first = time.time()
            if count >= self.args.sources:
                return last, max(0.0, last - (first or last))  # polls are 0.2 s apart
            if time.monotonic() > deadline:
                raise RuntimeError(f"pass stalled at {count}/{self.args.sources} sources")
            rss = rss_mb()
            self.timeline.append(rss)
            if rss > self.highest[0] + 0.5:
                self.highest = rss, split()
            if self.args.trace:
                traced = tracemalloc.get_traced_memory()[0]
                if self.high is None or traced > self.high[0] + 2 * MB:
                    self.high = traced, tracemalloc.take_snapshot()
            time.sleep(0.2)

    def sample_passes(self) -> None:
        args = self.args
        while daemon_bench.fetches(self.port) is None:  # as bench/memory_bench.py's start
            time.sleep(0.05)
        types = type_counts()
        snap = tracemalloc.take_snapshot() if args.trace else None
        print(f"start: RSS {rss_mb():.1f} MB; {split()}", flush=True)
        since = 0.0
        for cycle in range(1, args.cycles + 1):
            since, wall = self.wait_pass(since)
            time.sleep(1)  # the last outcomes' transaction and the sends it kicked
            peak = daemon_bench.peak_rss_mb(os.getpid())
            cpu = sum(os.times()[:2])
            print(
                f"\ncycle {cycle} ({wall:.1f} s, CPU {cpu:.1f} s since start): "
                f"RSS {rss_mb():.1f} MB (peak {peak:.1f})"
            )
            print(f"  {split()}")
            high, how = self.highest
            print(f"  at the pass's highest RSS sample, {high:.1f} MB: {how}")
            self.highest = (0.0, "")
            steps = " ".join(f"{mb:.0f}" for mb in self.timeline[::5])
            print(f"  RSS over the pass, 1 s steps: {steps}")
            self.timeline = []
            now = type_counts()
            grown = (now - types).most_common(args.types)
            print(
                "  objects", sum(now.values()), "grown:", ", ".join(f"{t} +{n}" for t, n in grown)
            )
            types = now
            if self.gc is not None:
                print(f"  garbage collector: {self.gc.report()}")
            if snap is not None:
                later = tracemalloc.take_snapshot()
                current, peak = tracemalloc.get_traced_memory()
                print(f"  traced {current / MB:.1f} MB (peak {peak / MB:.1f})")
                print_diff(later, snap, args.types)
                if self.high is not None:
                    print(f"  at the pass's highest sample ({self.high[0] / MB:.1f} MB traced):")
                    print_diff(self.high[1], snap, args.types)
                    self.high = None
                snap = later
            if args.trim:
                took = time.perf_counter()
                LIBC.malloc_trim(0)
                took = time.perf_counter() - took
                print(f"  after malloc_trim(0) ({1000 * took:.0f} ms): RSS {rss_mb():.1f} MB")
            sys.stdout.flush()


def override_scrapy_settings(values: dict[str, str]) -> None:
    """For trying settings: crawler/runner.py, imported later, takes the wrapped function."""
    from advisorywatch.crawler.fetch import settings

    original = settings.scrapy_settings

    def wrapped(cfg: Any = None, long_lived: bool = False) -> dict[str, Any]:
        return {**original(cfg, long_lived), **{k: int(v) for k, v in values.items()}}

    settings.scrapy_settings = wrapped


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sources", type=int, default=1000)
    p.add_argument("--cycles", type=int, default=3)
    p.add_argument("--every", type=int, default=120, help="schedule of every source, seconds")
    p.add_argument("--trace", type=int, default=0, help="tracemalloc frames (0: off)")
    p.add_argument("--gc", action="store_true", help="the garbage collector's work per pass")
    p.add_argument("--trim", action="store_true", help="malloc_trim(0) after each sample")
    p.add_argument("--types", type=int, default=12, help="lines per listing")
    p.add_argument(
        "--scrapy", action="append", default=[], metavar="NAME=INT", help="a Scrapy setting"
    )
    args = p.parse_args()
    if args.scrapy:
        override_scrapy_settings(dict(s.split("=", 1) for s in args.scrapy))
    if args.trace:
        tracemalloc.start(args.trace)
    n = args.sources
    server = FixtureServer(["--sources", str(n), "--hosts", str(max(1, n // 10))])
    port = daemon_bench.free_port()
    try:
        with tempfile.TemporaryDirectory(prefix="advisorywatch-probe-") as tmp:
            config = write_config(Path(tmp), server, DAEMON_CRAWLER, f"{args.every}s", port)
            sampler = Sampler(args, Path(tmp) / "bench.db", port)
            sampler.start()
            cli_main(["--config", str(config), "run"])
            if sampler.error is not None:
                raise sampler.error
    finally:
        server.stop()


if __name__ == "__main__":
    main()
