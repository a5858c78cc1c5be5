"""Grouping on a dev set of real reports (tests/fixtures/grouping/reports.yaml): each outlet's
reports are served as an RSS feed on 127.0.0.1, `advisorywatch run --once` fetches them into a
`json://` sink on the same server, and the database says which incident each report joined.

    .venv/bin/python bench/grouping_eval.py               # all reports in one pass
    .venv/bin/python bench/grouping_eval.py --passes 3    # published over three passes
    .venv/bin/python bench/grouping_eval.py --code ../main  # another checkout's code, to compare

Prints, per event, its reports, alerts, incidents and notifications, then the events that share
an incident with another event (the goal is none) and the reports that raised no alert.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "tests" / "fixtures" / "grouping" / "reports.yaml"
CONFIG = """\
database: {{url: "sqlite:///{db}"}}
sources:
{sources}
concepts:
  shelling_explosion: {{context_needed: false}}  # every report here names a place
  earthquake:
    severity: critical
    terms: {{en: [earthquake], th: [แผ่นดินไหว], it: [terremoto], de: [erdbeben]}}
rules:
  - name: events
    concepts: [air_strike, air_raid_alert, missile_attack, drone_attack, embassy_closed,
               shelling_explosion, earthquake]
    severity: critical
    notify: [ops]
channels:
  ops: {{urls: ["json://127.0.0.1:{port}/notify"]}}
notifier: {{baseline: false, storm_max: 1000}}
"""


@dataclass
class Served:
    """The feeds (path -> RSS) and what the sink received."""

    feeds: dict[str, str] = field(default_factory=dict)
    received: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(served: Served) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            body = served.feeds.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.end_headers()
            self.wfile.write((body or "").encode("utf-8"))

        def do_POST(self) -> None:
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with served.lock:
                served.received.append(json.loads(data or b"{}"))
            self.send_response(200)
            self.end_headers()

    return Handler


def _link(url: str, i: int) -> str:
    """The report's page, made unique: templated alerts share one page, and a feed's items with
    the same link are one item."""
    return f"{url}{'&' if '?' in url else '?'}report={i}"


def _rss(items: list[tuple[int, dict[str, Any]]]) -> str:
    body = "".join(
        f'<item><guid isPermaLink="false">report-{i}</guid><title>{escape(r["title"])}</title>'
        f"<link>{escape(_link(r['url'], i))}</link>"
        f"<description>{escape(r['text'])}</description></item>"
        for i, r in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>http://example.org/</link><description>d</description>{body}</channel></rss>"
    )


def evaluate(
    workdir: Path, passes: int = 1, python: str = sys.executable, code: Path = ROOT
) -> dict[str, Any]:
    """Run the dev set through ``passes`` runs (report i is published in pass i % passes) with
    the advisorywatch of checkout ``code``, and score it."""
    reports: list[dict[str, Any]] = yaml.safe_load(DATASET.read_text("utf-8"))["reports"]
    outlets = sorted({r["source"] for r in reports})
    served = Served()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        sources = "\n".join(
            f'  - {{name: "{o}", type: feed, url: "http://127.0.0.1:{port}/feed/{n}.xml", '
            "robots: false}"
            for n, o in enumerate(outlets)
        )
        config = workdir / "config.yaml"
        db = workdir / "state.db"
        config.write_text(CONFIG.format(db=db, sources=sources, port=port), "utf-8")
        env = {**os.environ, "PYTHONPATH": str(code)}
        for p in range(passes):
            for n, o in enumerate(outlets):
                published = [
                    (i, r) for i, r in enumerate(reports) if r["source"] == o and i % passes <= p
                ]
                served.feeds[f"/feed/{n}.xml"] = _rss(published)
            run = subprocess.run(
                [python, "-m", "advisorywatch", "--config", str(config), "run", "--once"],
                cwd=workdir,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            if run.returncode != 0:
                raise RuntimeError(f"run --once failed ({run.returncode}): {run.stderr[-2000:]}")
    finally:
        server.shutdown()
        server.server_close()
    return _score(reports, db, served.received)


def _score(
    reports: list[dict[str, Any]], db: Path, received: list[dict[str, Any]]
) -> dict[str, Any]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT items.guid, incident_alerts.incident_id FROM alerts"
            " JOIN items ON items.id = alerts.item_id"
            " LEFT JOIN incident_alerts ON incident_alerts.alert_id = alerts.id"
        ).fetchall()
    event_of = {f"report-{i}": r["event"] for i, r in enumerate(reports)}
    incidents: dict[str, set[int]] = defaultdict(set)
    events_of_incident: dict[int, set[str]] = defaultdict(set)
    alerted: set[str] = set()
    for guid, incident in rows:
        alerted.add(guid)
        if incident is not None:
            incidents[event_of[guid]].add(incident)
            events_of_incident[incident].add(event_of[guid])
    messages: dict[str, int] = defaultdict(int)
    for m in received:
        text = f"{m.get('title', '')}\n{m.get('message', '')}"
        for r in reports:
            if r["title"] in text:
                messages[r["event"]] += 1
                break
    events = sorted({r["event"] for r in reports})
    merged = sorted(sorted(e) for e in events_of_incident.values() if len(e) > 1)
    return {
        "events": {
            e: {
                "reports": sum(r["event"] == e for r in reports),
                "languages": sorted({r["lang"] for r in reports if r["event"] == e}),
                "alerts": sum(1 for g in alerted if event_of[g] == e),
                "incidents": len(incidents[e]),
                "notifications": messages[e],
            }
            for e in events
        },
        "merged": merged,
        "not_alerted": sorted(
            f"{r['event']}: {r['source']} ({r['lang']})"
            for i, r in enumerate(reports)
            if f"report-{i}" not in alerted
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose code to run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = evaluate(Path(tmp), args.passes, code=args.code.resolve())
    print(f"{'event':32} reports langs      alerts incidents notifications")
    for e, s in result["events"].items():
        langs = ",".join(s["languages"])
        print(
            f"{e:32} {s['reports']:7} {langs:10} {s['alerts']:6} {s['incidents']:9} "
            f"{s['notifications']:13}"
        )
    print(f"events sharing an incident: {result['merged'] or 'none'}")
    print(f"reports without an alert: {result['not_alerted'] or 'none'}")


if __name__ == "__main__":
    main()
