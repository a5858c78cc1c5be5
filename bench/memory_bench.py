"""Daemon memory over many cycles (issue 7 (g)): resident memory after cycle 5 and after the
last cycle, and the peak.

    .venv/bin/python bench/memory_bench.py [--sources 50] [--cycles 500] [--every 1]
        [--sample-at 5] [--publish-every 10] [--percent 10] [--alerts 2]

Starts bench/fixture_server.py and ``advisorywatch run`` with every source ``every: --every``
seconds (the config of bench/run.py: one rule on ``air_strike``, a json:// channel into the
fixture server, /metrics on a free port). A cycle is N fetches counted by the fixture server
(not by the daemon's /metrics: rendering 26,000 samples ten times a second, in a new thread
each time, added 10-20 MB to the daemon's RSS before 2026-11-28 18:00 UTC), i.e.
every source fetched once on average. Every ``--publish-every`` cycles the server publishes a
new item on ``--percent`` % of the sources and ``--alerts`` alert items on random ones, so
items, alerts and notifications keep arriving. RSS is read from ``/proc/PID/status`` (VmRSS;
the peak is VmHWM) right after cycle ``--sample-at`` and after the last cycle (the peak by
cycle 1 is the cold pass's).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import daemon_bench
from run import DAEMON_CRAWLER, PYTHON, FixtureServer, write_config


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sources", type=int, default=50)
    p.add_argument("--cycles", type=int, default=500)
    p.add_argument("--every", type=int, default=1, help="schedule of every source, seconds")
    p.add_argument("--sample-at", type=int, default=5, help="the early cycle to compare with")
    p.add_argument("--publish-every", type=int, default=10, help="cycles between publications")
    p.add_argument("--percent", type=float, default=10, help="%% of sources given a new item")
    p.add_argument("--alerts", type=int, default=2, help="alert items per publication")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--workers", default="", help="crawler.workers (unset: the product's default)")
    p.add_argument("--report-every", type=int, default=50, help="cycles between RSS lines")
    args = p.parse_args()
    if not 1 <= args.sample_at <= args.cycles:
        p.error("--sample-at must be between 1 and --cycles")
    return args


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    n = args.sources
    server = FixtureServer(["--sources", str(n), "--hosts", str(max(1, n // 10))])
    port = daemon_bench.free_port()
    samples: dict[int, float] = {}
    early_peak = 0.0  # VmHWM right after cycle --sample-at
    published = 0
    start = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="advisorywatch-memory-") as tmp:
            config = write_config(
                Path(tmp), server, DAEMON_CRAWLER, f"{args.every}s", port, args.workers
            )
            cmd = [PYTHON, "-m", "advisorywatch", "--config", str(config), "run"]
            before = int(server.get("/requests"))

            def requests() -> int:
                return int(server.get("/requests")) - before

            daemon = daemon_bench.Daemon(cmd, Path(tmp) / "daemon.log", port)
            try:
                daemon.wait_ready(120)
                samples[0] = daemon_bench.rss_mb(daemon.proc.pid)
                for cycle in range(1, args.cycles + 1):
                    daemon.wait_for(cycle * n, 120 + 10 * args.every, requests)
                    if cycle in (args.sample_at, args.cycles):
                        samples[cycle] = daemon_bench.rss_mb(daemon.proc.pid)
                    if cycle == args.sample_at:
                        early_peak = daemon_bench.peak_rss_mb(daemon.proc.pid)
                    if cycle % args.publish_every == 0:
                        published += len(server.post(f"/publish?percent={args.percent}"))
                        for _ in range(args.alerts):
                            server.post(f"/publish?source={rng.randrange(n)}&alert=1")
                            published += 1
                    if cycle % args.report_every == 0:
                        rss = daemon_bench.rss_mb(daemon.proc.pid)
                        print(f"  cycle {cycle}: RSS {rss:.0f} MB", file=sys.stderr)
                peak = daemon_bench.peak_rss_mb(daemon.proc.pid)
                workers = [daemon_bench.peak_rss_mb(pid) for pid in _children(daemon.proc.pid)]
            finally:
                daemon.stop()
        notified = len(server.get("/notifications"))
    finally:
        server.stop()
    wall = time.monotonic() - start
    early, last = samples[args.sample_at], samples[args.cycles]
    print(
        "| N | every | cycles | RSS at start MB | RSS after cycle "
        f"{args.sample_at} MB | RSS after cycle {args.cycles} MB | growth "
        f"| peak RSS by cycle {args.sample_at} MB | peak RSS MB "
        "| items published | notifications | wall s | worker processes' peaks MB |"
    )
    print("|" + "---|" * 13)
    print(
        f"| {n} | {args.every}s | {args.cycles} | {samples[0]:.0f} | {early:.0f} | {last:.0f} "
        f"| {100 * (last - early) / early:+.1f} % | {early_peak:.0f} | {peak:.0f} | {published} "
        f"| {notified} "
        f"| {wall:.0f} | {', '.join(f'{mb:.0f}' for mb in workers) or 'none'} |"
    )


def _children(pid: int) -> list[int]:
    """The daemon's child processes (parsing workers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


if __name__ == "__main__":
    main()
