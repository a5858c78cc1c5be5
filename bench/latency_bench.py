"""Detection latency: from the fixture server publishing an item to its notification at the
sink, through a running daemon with every source on a short schedule.

    .venv/bin/python bench/latency_bench.py [--sources 100] [--every 10] [--items 50]

Starts bench/fixture_server.py and ``advisorywatch run`` (every source ``every: 10s``, the
storm brake off and incidents off (window 0) so each alert is its own notification, a
json:// channel into the fixture server), waits for the first pass, then publishes
``--items`` alert items on
random sources, one per ``--spacing`` seconds (so they fall at every phase of the
schedule), and waits until each one's notification arrives (matched by the ``[AWB<serial>]``
tag in its title). Prints p50, p95 and max, and the same for the legs of the way, read from
the daemon's database: published -> stored (``items.first_seen``: the wait for the source's
next run plus its fetch), stored -> sent (``deliveries.sent_at``), sent -> at the sink.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import daemon_bench
import yaml
from run import DAEMON_CRAWLER, PYTHON, FixtureServer, write_config


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
    port = daemon_bench.free_port()
    try:
        with tempfile.TemporaryDirectory(prefix="advisorywatch-latency-") as tmp:
            config = write_config(Path(tmp), server, DAEMON_CRAWLER, f"{args.every}s", port)
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
                arrived = wait_for_notifications(server, published, args.every * 3 + 30)
                rss = daemon_bench.peak_rss_mb(daemon.proc.pid)
            finally:
                daemon.stop()
            legs = stored_and_sent(Path(tmp) / "bench.db", published, arrived)
    finally:
        server.stop()
    report([arrived[t] - published[t] for t in arrived], len(published), args, rss)
    for name, values in legs.items():
        print(f"  {name}: {quantiles(values)}")


def wait_for_notifications(
    server: FixtureServer, published: dict[str, float], timeout: float
) -> dict[str, float]:
    """When each published item's notification arrived (those that did before the timeout)."""
    deadline = time.monotonic() + timeout
    arrived: dict[str, float] = {}
    while time.monotonic() < deadline and len(arrived) < len(published):
        for note in server.get("/notifications"):
            text = json.dumps(note["body"], ensure_ascii=False)
            for tag in published:
                if tag in text and tag not in arrived:
                    arrived[tag] = note["received"]
        time.sleep(0.5)
    return arrived


def stored_and_sent(
    db: Path, published: dict[str, float], arrived: dict[str, float]
) -> dict[str, list[float]]:
    """The legs of each notified item's way, from the daemon's database (UTC, naive)."""
    legs: dict[str, list[float]] = {"published -> stored": [], "stored -> sent": []}
    legs["sent -> at the sink"] = []
    with sqlite3.connect(db) as conn:
        for tag, received in arrived.items():
            row = conn.execute(
                "SELECT i.first_seen, d.sent_at FROM items i JOIN alerts a ON a.item_id = i.id"
                " JOIN deliveries d ON d.alert_id = a.id WHERE i.title LIKE ? LIMIT 1",
                (tag + "%",),
            ).fetchone()
            if row is None or row[1] is None:
                continue
            stored, sent = (_epoch(v) for v in row)
            legs["published -> stored"].append(stored - published[tag])
            legs["stored -> sent"].append(sent - stored)
            legs["sent -> at the sink"].append(received - sent)
    return legs


def _epoch(value: str) -> float:
    return datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp()


def quantiles(values: list[float]) -> str:
    if len(values) < 2:
        return f"{len(values)} value(s)"
    cuts = statistics.quantiles(values, n=20)
    return f"p50 {statistics.median(values):.2f} s, p95 {cuts[18]:.2f} s, max {max(values):.2f} s"


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
