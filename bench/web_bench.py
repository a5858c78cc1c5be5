"""Latency of ``advisorywatch web`` over a large database: p50/p95 per page, feed and API
call, measured over HTTP against the real command.

A fresh SQLite database gets ``--alerts`` alerts (default 100,000) spread over 90 days on
20 sources and 3 rules (70 % info, 25 % warning, 5 % critical; one source, ``rare``, has
0.1 % of them), each with one or two deliveries, every tenth in an incident, written through
the models' tables. Then ``advisorywatch web`` serves it and each URL is requested
``--requests`` times, one at a time on a keep-alive connection, after 3 warm-up requests.

    .venv/bin/python bench/web_bench.py                 # ~1 min
    .venv/bin/python bench/web_bench.py --alerts 10000 --requests 20
"""

from __future__ import annotations

import argparse
import http.client
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from advisorywatch.db.models import Alert, Delivery, Incident, IncidentAlert, Item, Source, utcnow
from advisorywatch.db.session import Database

PATHS = [
    "/",
    "/alerts",
    "/alerts?severity=critical",
    "/alerts?rule=embassy-closed&since=7d",
    "/alerts?source=rare",
    "/alerts/{middle}",
    "/incidents",
    "/sources",
    "/charts/alerts.svg",
    "/feeds/alerts.atom",
    "/feeds/alerts.atom?severity=critical&source=news-3",
    "/feeds/alerts.json",
    "/api/v1/alerts?limit=100",
    "/api/v1/status",
    "/api/v1/silences",
]
RULES = ["air-strike", "embassy-closed", "evacuation"]
SOURCES = [f"news-{n}" for n in range(19)] + ["rare"]

CONFIG = """
database: {{url: "sqlite:///{db}"}}
sources:
{sources}
rules:
{rules}
channels:
  ops: {{urls: ["json://127.0.0.1:9/ops"]}}
  duty: {{urls: ["json://127.0.0.1:9/duty"]}}
web: {{port: {port}}}
"""


def populate(db: Database, alerts: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    now = utcnow()
    with db.session() as s:
        s.execute(
            insert(Source),
            [
                {
                    "id": i + 1,
                    "name": n,
                    "type": "feed",
                    "url": f"https://example.org/{n}",
                    "status": "ok",
                    "consecutive_failures": 0,
                    "created_at": now,
                }
                for i, n in enumerate(SOURCES)
            ],
        )
        weights = [1.0] * 19 + [0.019]
        items, rows, deliveries, incidents, links = [], [], [], [], []
        for i in range(1, alerts + 1):
            created = now - timedelta(seconds=(alerts - i) * 90 * 86400 / alerts)
            source = rnd.choices(range(1, 21), weights)[0]
            title = f"Security alert {i}: air strike reported near the embassy, source {source}"
            items.append(
                {
                    "id": i,
                    "source_id": source,
                    "identity": f"i{i}",
                    "guid": f"g{i}",
                    "url": f"https://example.org/{source}/{i}",
                    "title": title,
                    "text": title * 4,
                    "content_hash": f"h{i}",
                    "first_seen": created,
                    "updated_at": created,
                    "published": created,
                }
            )
            severity = rnd.choices(["info", "warning", "critical"], [70, 25, 5])[0]
            rows.append(
                {
                    "id": i,
                    "item_id": i,
                    "rule": rnd.choice(RULES),
                    "severity": severity,
                    "occasion": "",
                    "created_at": created,
                    "matched": [
                        {"concept": "air_strike", "text": "air strike", "term": "air strike"}
                    ],
                }
            )
            for channel in ("ops", "duty")[: 1 + i % 2]:
                deliveries.append(
                    {
                        "alert_id": i,
                        "channel": channel,
                        "destination": channel,
                        "destination_label": f"json://127.0.0.1:9/{channel}",
                        "status": "sent",
                        "attempts": 1,
                        "created_at": created,
                        "next_attempt_at": created,
                        "sent_at": created,
                    }
                )
            if i % 10 == 0:
                incidents.append(
                    {
                        "id": i // 10,
                        "rule": rows[-1]["rule"],
                        "words": ["air"],
                        "reports": 1,
                        "created_at": created,
                        "last_seen_at": created,
                    }
                )
                links.append({"alert_id": i, "incident_id": i // 10})
        for table, values in (
            (Item, items),
            (Alert, rows),
            (Delivery, deliveries),
            (Incident, incidents),
            (IncidentAlert, links),
        ):
            s.execute(insert(table), values)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(port: int, path: str, requests: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    for n in range(requests + 3):
        start = time.perf_counter()
        conn.request("GET", path)
        answer = conn.getresponse()
        answer.read()
        if answer.status != 200:
            raise SystemExit(f"{path}: HTTP {answer.status}")
        if n >= 3:
            times.append(time.perf_counter() - start)
    conn.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "web.db"
        port = free_port()
        config = Path(tmp) / "config.yaml"
        config.write_text(
            CONFIG.format(
                db=db_path,
                port=port,
                sources="\n".join(
                    f'  - {{name: {n}, type: feed, url: "https://example.org/{n}"}}'
                    for n in SOURCES
                ),
                rules="\n".join(
                    f"  - {{name: {r}, keywords: [air strike], notify: [ops, duty]}}" for r in RULES
                ),
            )
        )
        db = Database(f"sqlite:///{db_path}")
        db.upgrade()
        start = time.perf_counter()
        populate(db, args.alerts)
        db.dispose()
        print(
            f"{args.alerts:,} alerts written in {time.perf_counter() - start:.1f} s; "
            f"database {db_path.stat().st_size / 1e6:.0f} MB"
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "advisorywatch", "--config", str(config), "web"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=tmp,
        )
        try:
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), 1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            print("\n| path | p50 ms | p95 ms | max ms | bytes |\n|---|---:|---:|---:|---:|")
            for path in (p.format(middle=args.alerts // 2) for p in PATHS):
                times = sorted(measure(port, path, args.requests))
                p95 = times[max(int(len(times) * 0.95) - 1, 0)]
                size = _size(port, path)
                print(
                    f"| `{path}` | {statistics.median(times) * 1000:.0f} | "
                    f"{p95 * 1000:.0f} | {times[-1] * 1000:.0f} | {size:,} |"
                )
        finally:
            proc.terminate()
            proc.wait(30)


def _size(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    size = len(conn.getresponse().read())
    conn.close()
    return size


if __name__ == "__main__":
    main()
