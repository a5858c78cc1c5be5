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

from pg_database import throwaway_database

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--nodes", type=int, default=1)
    parser.add_argument("--batch", type=int, default=500)
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
        db.dispose()
        names = [s.name for s in sources]
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
