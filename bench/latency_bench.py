"""Detection latency: from the fixture server publishing an item to its notification at the
sink, through a running daemon with every source on a short schedule.

    .venv/bin/python bench/latency_bench.py [--sources 100] [--every 10] [--items 50]

Starts bench/fixture_server.py and ``advisorywatch run`` (every source ``every: 10s``, the
storm brake off and incidents off (window 0) so each alert is its own notification, a
json:// channel into the fixture server), waits for the first pass, then publishes
``--items`` alert items on
random sources, one per ``--spacing`` seconds (so they fall at every phase of the
schedule), and waits until each one's notification arrives (matched by the ``[AWB<serial>]``
tag in its title). Prints p50, p95 and max.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import daemon_bench
import yaml
from run import PYTHON, FixtureServer, write_config


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sources", type=int, default=100)
    p.add_argument("--every", type=int, default=10, help="schedule of every source, seconds")
    p.add_argument("--items", type=int, default=50)
    p.add_argument("--spacing", type=float, default=1.0, help="seconds between publications")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    rng = random.Random(args.seed)
    hosts = max(1, args.sources // 10)
    server = FixtureServer(["--sources", str(args.sources), "--hosts", str(hosts)])
    crawler = argparse.Namespace(per_host=4, delay=0.0, autothrottle=False, timeout=30.0)
    port = daemon_bench.free_port()
    try:
        with tempfile.TemporaryDirectory(prefix="advisorywatch-latency-") as tmp:
            sink = server.control.replace("http://", "json://") + "/notify"
            sources = server.get("/sources")
            config = write_config(Path(tmp), sources, sink, crawler, f"{args.every}s", port)
            data = yaml.safe_load(config.read_text())
            data["notifier"] = {"baseline": False, "storm_max": 100000, "incident_window": 0}
            config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
            cmd = [PYTHON, "-m", "advisorywatch", "--config", str(config), "run"]
            daemon = daemon_bench.Daemon(cmd, Path(tmp) / "daemon.log", port)
            try:
                daemon.wait_ready(120)
                daemon.wait_for(args.sources, 120)
                published: dict[str, float] = {}
                for _ in range(args.items):
                    source = rng.randrange(args.sources)
                    item = server.post(f"/publish?source={source}&alert=1")[0]
                    published[item["title"].split("]", 1)[0] + "]"] = item["published"]
                    time.sleep(args.spacing)
                latencies = wait_for_notifications(server, published, args.every * 3 + 30)
                rss = daemon_bench.peak_rss_mb(daemon.proc.pid)
            finally:
                daemon.stop()
    finally:
        server.stop()
    report(latencies, len(published), args, rss)


def wait_for_notifications(
    server: FixtureServer, published: dict[str, float], timeout: float
) -> list[float]:
    """Latency of each published item whose notification arrived before the timeout."""
    deadline = time.monotonic() + timeout
    arrived: dict[str, float] = {}
    while time.monotonic() < deadline and len(arrived) < len(published):
        for note in server.get("/notifications"):
            text = json.dumps(note["body"], ensure_ascii=False)
            for tag in published:
                if tag in text and tag not in arrived:
                    arrived[tag] = note["received"]
        time.sleep(0.5)
    return [arrived[t] - published[t] for t in arrived]


def report(latencies: list[float], count: int, args: argparse.Namespace, rss: float) -> None:
    if len(latencies) < 2:
        print(f"only {len(latencies)} of {count} notifications arrived", file=sys.stderr)
        sys.exit(1)
    cuts = statistics.quantiles(latencies, n=20)
    print(
        f"detection latency, {args.sources} sources every {args.every}s, "
        f"{len(latencies)}/{count} items notified: p50 {statistics.median(latencies):.1f} s, "
        f"p95 {cuts[18]:.1f} s, max {max(latencies):.1f} s; daemon peak RSS {rss:.0f} MB"
    )


if __name__ == "__main__":
    main()
