"""What the coordinator costs at 10,000 sources on PostgreSQL: claiming due sources, renewing
the claims, and ending each claim as its fetch is stored (no fetching: the database side of
one pass of every source, next to nothing else).

    scripts/with-postgres .venv/bin/python bench/claims_bench.py [--sources 10000]
        [--hosts 100] [--nodes 1] [--batch 500]

A fresh database gets N sources over ``--hosts`` hosts, all due. ``--nodes`` threads, each
one node with its own connection pool, claim in passes of ``--batch`` (as the daemon's claim
job did before ``daemon.claim_at_most``) until nothing is left, end each claim with the
ingest's fencing update (one transaction per 200, as the ingest batches), and renew what they
hold once per pass. Printed: passes, claims per second, the slowest pass, and whether any
source was claimed twice.

``--idle K``: instead, what a claiming pass costs a node with nothing due (every source's next
slot an hour away), as the daemon asks it (its own third of the hosts, claiming 6 s ahead):
K passes, the node's CPU and wall time per pass, and the server's CPU per pass.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pg_database import server_cpu_seconds, throwaway_database
from sqlalchemy import text

from advisorywatch.crawler.sources.types.feed import FeedConfig
from advisorywatch.db.claims import Claim, claim_due, finish, renew
from advisorywatch.db.session import Database
from advisorywatch.ingest.sync import sync_sources

LEASE = timedelta(seconds=60)
STORE_BATCH = 200  # outcomes per ingest transaction (runtime/app.py's ingest queue)


def _node(db: Database, names: list[str], batch: int, out: dict[str, object]) -> None:
    node = uuid.uuid4().hex
    claimed: list[str] = []
    passes: list[float] = []
    claiming = 0.0
    while True:
        started = time.perf_counter()
        with db.session() as s:
            got = claim_due(s, node, names, LEASE, batch)
        claiming += time.perf_counter() - started
        claims = [Claim(i, n, h, got.token, got.now + LEASE) for i, n, h in got.sources]
        for k in range(0, len(claims), STORE_BATCH):
            with db.session() as s:
                for c in claims[k : k + STORE_BATCH]:
                    assert finish(s, c)
        with db.session() as s:
            renew(s, node, LEASE)
        passes.append(time.perf_counter() - started)
        if not claims:
            break
        claimed += [c.name for c in claims]
    out["claimed"], out["passes"], out["claiming"] = claimed, passes, claiming


def idle(db: Database, names: list[str], hosts: list[str], passes: int) -> None:
    """``passes`` claiming passes that find nothing due, as one node of three asks them."""
    with db.session() as s:
        s.execute(text("UPDATE sources SET next_run_at = now() + interval '1 hour'"))
    node, ahead = uuid.uuid4().hex, timedelta(seconds=6)
    mine = hosts[::3]
    for _ in range(5):  # warm: connections, statement caches, the array literals
        with db.session() as s:
            claim_due(s, node, names, LEASE, 200, ahead, mine, 2 * ahead)
    server, cpu, wall = server_cpu_seconds(), time.process_time(), time.perf_counter()
    for _ in range(passes):
        with db.session() as s:
            got = claim_due(s, node, names, LEASE, 200, ahead, mine, 2 * ahead)
        assert not got.sources
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    server = server_cpu_seconds() - server
    print(
        f"{len(names)} sources, idle claiming pass x {passes}: node CPU "
        f"{1000 * cpu / passes:.2f} ms, wall {1000 * wall / passes:.2f} ms, server CPU "
        f"{1000 * server / passes:.2f} ms per pass"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--nodes", type=int, default=1)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--idle", type=int, default=0, help="idle claiming passes to time")
    args = parser.parse_args()

    with throwaway_database() as url:
        db = Database(url)
        db.upgrade()
        sources = [
            FeedConfig(
                name=f"s{i}", type="feed", url=f"http://127.0.0.{2 + i % args.hosts}/{i}.xml"
            )
            for i in range(args.sources)
        ]
        sync_sources(db, sources)
        names = [s.name for s in sources]
        if args.idle:
            hosts = sorted({f"127.0.0.{2 + i % args.hosts}" for i in range(args.sources)})
            idle(db, names, hosts, args.idle)
            db.dispose()
            return
        db.dispose()
        results: list[dict[str, object]] = [{} for _ in range(args.nodes)]
        dbs = [Database(url) for _ in range(args.nodes)]
        threads = [
            threading.Thread(target=_node, args=(dbs[k], names, args.batch, results[k]))
            for k in range(args.nodes)
        ]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - started
        every: Counter[str] = Counter()
        for r in results:
            every.update(r["claimed"])  # type: ignore[arg-type]
        passes = [p for r in results for p in r["passes"]]  # type: ignore[attr-defined]
        claiming = sum(r["claiming"] for r in results)  # type: ignore[misc]
        print(
            f"{args.sources} sources on {args.hosts} hosts, {args.nodes} node(s), batch "
            f"{args.batch}: {took:.2f} s for all, {len(every) / took:,.0f} claimed+stored "
            f"per second, {len(passes)} passes, slowest {max(passes) * 1000:.0f} ms, claiming "
            f"alone {len(every) / claiming:,.0f} per second of a node's time; "
            f"claimed {len(every)} of {args.sources}, twice: {sum(n > 1 for n in every.values())}"
        )
        for d in dbs:
            d.dispose()


if __name__ == "__main__":
    main()
