"""What the outbox costs per delivery, and whether several senders share it: N pending
deliveries to one local ``json://`` sink (a real HTTP server on 127.0.0.1 that answers 200),
drained by ``--senders`` threads, each an :class:`Outbox` with its own connection pool (as
several nodes would be).

    scripts/with-postgres .venv/bin/python bench/outbox_bench.py [--deliveries 300]
        [--senders 1] [--code /path/to/checkout]

``--code`` runs another checkout's advisorywatch (e.g. the main branch, for a before/after in
one run). SQLite is measured unless ``$ADVISORYWATCH_TEST_POSTGRES`` is set (one sender:
SQLite has one daemon). Printed: deliveries sent, requests the sink got (more than the
deliveries: a row sent twice), wall time and CPU seconds of this process per 100 deliveries.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def _sink() -> tuple[ThreadingHTTPServer, list[int]]:
    hits = [0]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                hits[0] += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, hits


def _database_url() -> tuple[str, Any]:
    """A fresh database and a function that drops it."""
    pg = os.environ.get("ADVISORYWATCH_TEST_POSTGRES")
    if not pg:
        path = Path(tempfile.mkdtemp()) / "bench.db"
        return f"sqlite:///{path}", lambda: None
    from sqlalchemy import create_engine, make_url, text

    name = f"b_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return make_url(pg).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=300)
    parser.add_argument("--senders", type=int, default=1)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    sys.path.insert(0, str(args.code))

    from advisorywatch.db.models import Alert, Delivery, Item, Source, utcnow
    from advisorywatch.db.session import Database
    from advisorywatch.notifier.channels import Channels
    from advisorywatch.notifier.config import ChannelConfig, NotifierConfig
    from advisorywatch.notifier.outbox import Outbox

    server, hits = _sink()
    url, drop = _database_url()
    channels = Channels(
        {"ops": ChannelConfig(urls=[f"json://127.0.0.1:{server.server_port}/"])},
        NotifierConfig(timeout_seconds=5, incident_window=0),
    )
    dest = channels.destinations("ops")[0]
    db = Database(url)
    db.upgrade()
    now = utcnow()
    with db.session() as s:
        src = Source(name="bench", type="feed", url="http://127.0.0.1:9/")
        s.add(src)
        s.flush()
        for i in range(args.deliveries):
            item = Item(source_id=src.id, identity=f"i{i}", content_hash=f"h{i}", title=f"t {i}")
            s.add(item)
            s.flush()
            alert = Alert(item_id=item.id, rule="r", severity="warning", matched=[])
            s.add(alert)
            s.flush()
            s.add(
                Delivery(
                    alert_id=alert.id,
                    channel="ops",
                    destination=dest.key,
                    destination_label=dest.label,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    senders = [Database(url) for _ in range(args.senders)]
    outboxes = [Outbox(d, channels, channels.settings) for d in senders]
    sent = [0] * args.senders

    def drain(i: int) -> None:
        sent[i] = outboxes[i].drain().sent

    cpu, wall = time.process_time(), time.perf_counter()
    threads = [threading.Thread(target=drain, args=(i,)) for i in range(args.senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    per = 100 / max(1, sum(sent))
    print(
        f"{db.engine.dialect.name} senders={args.senders} sent={sum(sent)} "
        f"requests={hits[0]} wall_per_100={wall * per:.3f}s cpu_per_100={cpu * per:.3f}s"
    )
    for d in [db, *senders]:
        d.dispose()
    server.shutdown()
    drop()


if __name__ == "__main__":
    main()
