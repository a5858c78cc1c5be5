"""Latency of ``advisorywatch web`` over a large database: p50/p95 per page, feed and API
call, measured over HTTP against the real command, on SQLite and PostgreSQL.

A fresh database gets ``--alerts`` alerts (default 100,000) spread over 90 days on 20
sources and 3 rules (70 % info, 25 % warning, 5 % critical; one source, ``rare``, has 0.1 %
of them), each naming places found by the real extractor in real-looking titles of several
languages (0.1 % name Tbilisi), with one or two deliveries in every status, every tenth in an
incident, and 30 silences, written through the models' tables. Then ``advisorywatch web``
serves it and each URL is requested ``--requests`` times, one at a time on a keep-alive
connection, after 3 warm-up requests.

    .venv/bin/python bench/web_bench.py                 # SQLite, ~1 min
    .venv/bin/python bench/web_bench.py --alerts 10000 --requests 20
    scripts/with-postgres .venv/bin/python bench/web_bench.py --databases sqlite,postgres
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from advisorywatch.db.models import (
    Alert,
    AlertPlace,
    Delivery,
    Incident,
    IncidentAlert,
    Item,
    Silence,
    Source,
    utcnow,
)
from advisorywatch.db.session import Database
from advisorywatch.rules.places.extract import places_in

PATHS = [
    "/",
    "/alerts",
    "/alerts?severity=critical",
    "/alerts?rule=embassy-closed&since=7d",
    "/alerts?source=rare",
    "/alerts?place=Kyiv",
    "/alerts?place=Tbilisi",
    "/alerts?place=UA&severity=critical",
    "/alerts/{middle}",
    "/incidents",
    "/incidents/{incident}",
    "/sources",
    "/charts/alerts.svg",
    "/feeds/alerts.atom",
    "/feeds/alerts.atom?severity=critical&source=news-3",
    "/feeds/alerts.json",
    "/feeds/alerts.json?place=%D0%9A%D0%B8%D1%97%D0%B2",  # Київ
    "/api/v1/alerts?limit=100",
    "/api/v1/alerts?place=GE",
    "/api/v1/incidents",
    "/api/v1/status",
    "/api/v1/silences",
]
TITLES = [
    "Air strike reported near the embassy in Kyiv, Ukraine",
    "Посольство в Києві тимчасово зачинене після авіаудару",
    "Serangan udara di Kharkiv, kedutaan di Kyiv tutup",
    "Ambassade de France à Beyrouth fermée, frappe aérienne au Liban",
    "Luftangriff auf Damaskus: Botschaft geschlossen",
    "Air strike on Khan Younis, Gaza; embassy in Amman on alert",
    "Embassy in Khartoum, Sudan, suspends operations after air strike",
    "Air strike reported near the border, no place named",
]
RARE_TITLE = "Air strike reported near Tbilisi, Georgia; embassy closed"
STATUSES = ["sent", "failed", "pending", "silenced", "attached", "batched", "merged"]
STATUS_WEIGHTS = [80, 3, 2, 5, 4, 5, 1]
RULES = ["air-strike", "embassy-closed", "evacuation"]
SOURCES = [f"news-{n}" for n in range(19)] + ["rare"]

CONFIG = """
database: {{url: "{url}"}}
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
    found = {t: places_in(t, "") for t in [*TITLES, RARE_TITLE]}
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
        filed: list[dict[str, Any]] = []
        for i in range(1, alerts + 1):
            created = now - timedelta(seconds=(alerts - i) * 90 * 86400 / alerts)
            source = rnd.choices(range(1, 21), weights)[0]
            headline = RARE_TITLE if rnd.random() < 0.001 else rnd.choice(TITLES)
            title = f"{headline} ({i})"
            places = found[headline]
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
                    "places": places,
                }
            )
            severity = rnd.choices(["info", "warning", "critical"], [70, 25, 5])[0]
            rows.append(
                {
                    "id": i,
                    "item_id": i,
                    "source_id": source,
                    "rule": rnd.choice(RULES),
                    "severity": severity,
                    "occasion": "",
                    "created_at": created,
                    "matched": [
                        {"concept": "air_strike", "text": "air strike", "term": "air strike"}
                    ],
                    "places": places,
                }
            )
            filed += [{"code": c, "alert_id": i} for c in AlertPlace.codes(places)]
            for channel in ("ops", "duty")[: 1 + i % 2]:
                status = rnd.choices(STATUSES, STATUS_WEIGHTS)[0]
                deliveries.append(
                    {
                        "alert_id": i,
                        "channel": channel,
                        "destination": channel,
                        "destination_label": f"json://127.0.0.1:9/{channel}",
                        "status": status,
                        "attempts": {"sent": 1, "failed": 5}.get(status, 0),
                        "last_error": "HTTP 503 from the destination"
                        if status == "failed"
                        else None,
                        "created_at": created,
                        "next_attempt_at": created,
                        "sent_at": created if status == "sent" else None,
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
                if i > 1:
                    links.append({"alert_id": i - 1, "incident_id": i // 10})
        silences = [
            {
                "rule": RULES[n % 3] if n % 2 else None,
                "channel": "duty" if n % 2 == 0 else None,
                "place": ["UA", "geonames:703448", None][n % 3],
                "created_at": now - timedelta(days=3 * n),
                "starts_at": now - timedelta(days=3 * n),
                "expires_at": now - timedelta(days=3 * n - 2),
                "created_by": "ops@example.org",
                "comment": f"maintenance {n}",
            }
            for n in range(30)
        ]
        for table, values in (
            (Item, items),
            (Alert, rows),
            (AlertPlace, filed),
            (Delivery, deliveries),
            (Incident, incidents),
            (IncidentAlert, links),
            (Silence, silences),
        ):
            for start in range(0, len(values), 20_000):
                s.execute(insert(table), values[start : start + 20_000])


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


def postgres_database(server: str) -> str:
    """A fresh database on the PostgreSQL server at ``server`` (a superuser URL)."""
    name = f"web_bench_{os.getpid()}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def run(kind: str, url: str, tmp: Path, args: argparse.Namespace) -> dict[str, tuple[float, float]]:
    """Populate the database at ``url``, serve it, and time each path: {path: (p50, p95)} in s."""
    port = free_port()
    config = tmp / f"config-{kind}.yaml"
    config.write_text(
        CONFIG.format(
            url=url,
            port=port,
            sources="\n".join(
                f'  - {{name: {n}, type: feed, url: "https://example.org/{n}"}}' for n in SOURCES
            ),
            rules="\n".join(
                f"  - {{name: {r}, keywords: [air strike], notify: [ops, duty]}}" for r in RULES
            ),
        )
    )
    db = Database(url)
    db.upgrade()
    start = time.perf_counter()
    populate(db, args.alerts)
    if kind == "postgres":  # what autovacuum does soon after: statistics, visibility map
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    db.dispose()
    print(f"{kind}: {args.alerts:,} alerts written in {time.perf_counter() - start:.1f} s")
    proc = subprocess.Popen(
        [sys.executable, "-m", "advisorywatch", "--config", str(config), "web"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp,
    )
    out = {}
    try:
        for _ in range(400):
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.05)
        for path in (p.format(middle=args.alerts // 2, incident=args.alerts // 20) for p in PATHS):
            times = sorted(measure(port, path, args.requests))
            out[path] = (statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)])
    finally:
        proc.terminate()
        proc.wait(30)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument(
        "--databases",
        default="sqlite",
        help="sqlite, postgres or both (sqlite,postgres); postgres needs "
        "ADVISORYWATCH_TEST_POSTGRES (scripts/with-postgres sets it)",
    )
    args = parser.parse_args()
    kinds = args.databases.split(",")
    results = {}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for kind in kinds:
            if kind == "sqlite":
                url = f"sqlite:///{tmp / 'web.db'}"
            elif kind == "postgres":
                server = os.environ.get("ADVISORYWATCH_TEST_POSTGRES")
                if not server:
                    raise SystemExit("postgres: run under scripts/with-postgres")
                url = postgres_database(server)
            else:
                raise SystemExit(f"--databases: unknown {kind!r}")
            results[kind] = run(kind, url, tmp, args)
    print("\n| path | " + " | ".join(f"{k} p50 ms | {k} p95 ms" for k in kinds) + " |")
    print("|---|" + "---:|---:|" * len(kinds))
    for path in results[kinds[0]]:
        cells = " | ".join(
            f"{results[k][path][0] * 1000:.0f} | {results[k][path][1] * 1000:.0f}" for k in kinds
        )
        print(f"| `{path}` | {cells} |")


if __name__ == "__main__":
    main()
