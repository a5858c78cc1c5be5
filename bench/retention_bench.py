"""Database size per 1,000 sources per day, and what retention keeps it at, through the real
ingest path (no HTTP: the fetch does not change what is stored).

    .venv/bin/python bench/retention_bench.py [--sources 1000] [--cycles 288]
    scripts/with-postgres .venv/bin/python bench/retention_bench.py   # SQLite, then PostgreSQL

Every source is polled once per cycle (a five-minute slot: 288 cycles are a day). The first
cycle lists ``--items`` items per source; after it, ``--changing`` of the sources (a different
tenth each cycle) list one new item and drop their oldest, and the others answer 304, as the
daemon sees them with conditional GET. ``--alerting`` of the new items name an air strike and
raise an alert with one delivery. Outcomes are stored 200 to a transaction by the real
``Ingestor`` (as the daemon's ingest queue batches them).

Printed per database: the size after the first cycle (sources and the items they list), the
growth per day by table (tables with their indexes), the steady state under the default
``retention:`` (the first cycle's size, items' daily growth kept ``items`` days, alerts' and
deliveries' kept ``alerts`` days), CPU per 1,000 polls (this process; on PostgreSQL also the
server's, from /proc), rows written per poll (PostgreSQL's statistics), and then the cost of
pruning the simulated rows once they are old, against the cost of storing them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pg_database import server_cpu_seconds, throwaway_database

from advisorywatch.config.schema import HealthConfig
from advisorywatch.crawler.sources.types.feed import FeedConfig
from advisorywatch.db.config import RetentionConfig
from advisorywatch.db.retention import prune_steps
from advisorywatch.db.session import Database
from advisorywatch.ingest.ingestor import Ingestor
from advisorywatch.ingest.sync import sync_sources
from advisorywatch.model import FetchOutcome, ParsedItem
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import ChannelConfig
from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.engine import RuleEngine

CYCLES_PER_DAY = 288  # every five minutes
STORE_BATCH = 200  # outcomes per ingest transaction (runtime/app.py's ingest queue)
ALERT_TABLES = ("alerts", "deliveries", "incidents", "incident_alerts", "notices")
# A typical feed entry: a headline and a summary paragraph (RSS <description>).
SUMMARY = (
    "Officials said the situation in the region remained tense on {day}, with transport "
    "services running on a reduced timetable and several roads closed to traffic. Travellers "
    "are advised to follow the instructions of local authorities, monitor local media and "
    "keep their travel documents with them at all times. The ministry will publish a further "
    "update as the situation develops; consular assistance remains available by telephone. "
    "Item {n} of source {src}."
)


def _item(src: int, n: int, alerting: bool) -> ParsedItem:
    what = "Air strike reported near the city" if alerting else "Transport update for the city"
    return ParsedItem(
        title=f"{what} ({src}-{n})",
        text=SUMMARY.format(day=n % 28 + 1, n=n, src=src),
        url=f"https://news{src % 97}.example.org/{src}/{n}",
        guid=f"urn:src{src}:item{n}",
    )


class Feeds:
    """What each source lists: its latest ``per_feed`` items, one more whenever it changes."""

    def __init__(self, sources: int, per_feed: int, alerting: float) -> None:
        self.per_feed, self.alerting = per_feed, alerting
        self.latest = [per_feed - 1] * sources
        self._new_items = 0

    def listing(self, src: int) -> list[ParsedItem]:
        top = self.latest[src]
        return [self._make(src, n) for n in range(top, top - self.per_feed, -1)]

    def change(self, src: int) -> None:
        self.latest[src] += 1

    def _make(self, src: int, n: int) -> ParsedItem:
        # Every 1/alerting-th new item (counted over all sources) names an air strike.
        step = round(1 / self.alerting) if self.alerting else 0
        return _item(src, n, bool(step) and (src * 7919 + n) % step == 0)


def _outcome(name: str, items: list[ParsedItem] | None) -> FetchOutcome:
    if items is None:
        return FetchOutcome(name, "https://x/", status=304, not_modified=True, etag='"e"')
    return FetchOutcome(name, "https://x/", status=200, items=items, etag=f'"{uuid.uuid4()}"')


def _store(ingestor: Ingestor, outcomes: list[FetchOutcome]) -> None:
    for k in range(0, len(outcomes), STORE_BATCH):
        for r in ingestor.ingest_many(outcomes[k : k + STORE_BATCH]):
            assert r.ok, r.error


def _table_bytes(db: Database) -> dict[str, int]:
    """Bytes per table, its indexes included."""
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            owner = dict(conn.execute(text("SELECT name, tbl_name FROM sqlite_master")).all())
            sizes: dict[str, int] = defaultdict(int)
            for name, size in conn.execute(text("SELECT name, sum(pgsize) FROM dbstat GROUP BY 1")):
                sizes[owner.get(name, name)] += int(size)
            return dict(sizes)
        rows = conn.execute(
            text(
                "SELECT relname, pg_total_relation_size(relid)"
                " FROM pg_catalog.pg_statio_user_tables"
            )
        )
        return {name: int(size) for name, size in rows}


def _pg_counters(db: Database) -> tuple[int, int]:
    """(transactions committed, rows inserted + updated + deleted) of this database so far."""
    with db.engine.connect() as conn:
        conn.execute(text("SELECT pg_stat_force_next_flush()"))
        row = conn.execute(
            text(
                "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted"
                " FROM pg_stat_database WHERE datname = current_database()"
            )
        ).one()
    return int(row[0]), int(row[1])


@contextmanager
def _database(kind: str) -> Iterator[Database]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{tmp}/bench.db")
            yield db
            db.dispose()
        return
    with throwaway_database() as url:
        db = Database(url)
        yield db
        db.dispose()


def _ingestor(db: Database) -> Ingestor:
    rules = RuleEngine([RuleConfig(name="air-strike", concepts=["air_strike"], notify=["ops"])])
    channels = Channels({"ops": ChannelConfig(urls=["json://127.0.0.1:9/notify"])})
    return Ingestor(db, rules, channels, HealthConfig())


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def run(kind: str, args: argparse.Namespace) -> None:
    with _database(kind) as db:
        db.upgrade()
        names = [f"s{i}" for i in range(args.sources)]
        sync_sources(db, [FeedConfig(name=n, type="feed", url=f"https://x/{n}") for n in names])
        ingestor = _ingestor(db)
        feeds = Feeds(args.sources, args.items, args.alerting)
        _store(ingestor, [_outcome(n, feeds.listing(i)) for i, n in enumerate(names)])
        base, first = _table_bytes(db), _rows(db)
        pg = kind == "postgresql"
        counters = _pg_counters(db) if pg else (0, 0)
        server = server_cpu_seconds() if pg else 0.0
        every = max(1, round(1 / args.changing))
        cpu, wall = time.process_time(), time.perf_counter()
        for cycle in range(1, args.cycles + 1):
            outcomes = []
            for i, name in enumerate(names):
                if (i + cycle) % every == 0:
                    feeds.change(i)
                    outcomes.append(_outcome(name, feeds.listing(i)))
                else:
                    outcomes.append(_outcome(name, None))
            _store(ingestor, outcomes)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        polls = args.cycles * args.sources
        after = _table_bytes(db)
        scale = CYCLES_PER_DAY / args.cycles * 1000 / args.sources  # per day per 1,000 sources
        grew = {t: (after.get(t, 0) - base.get(t, 0)) * scale for t in after}
        items_day = grew.get("items", 0)
        alerts_day = sum(grew.get(t, 0) for t in ALERT_TABLES)
        per_day = sum(grew.values())
        keep = RetentionConfig()
        assert keep.items is not None and keep.alerts is not None
        steady = (
            sum(base.values()) * 1000 / args.sources
            + items_day * keep.items.days
            + alerts_day * keep.alerts.days
        )
        print(f"\n{kind}: {args.sources} sources, {args.cycles} cycles ({polls:,} polls)")
        print(f"  after the first cycle: {_mb(sum(base.values()))}, rows {first}")
        print(f"  after the last: {_mb(sum(after.values()))}, rows {_rows(db)}")
        print(
            f"  growth per 1,000 sources per day: {_mb(per_day)} "
            f"(items {_mb(items_day)}, alerts+deliveries+incidents {_mb(alerts_day)}, "
            f"sources and the rest {_mb(per_day - items_day - alerts_day)})"
        )
        print(
            f"  steady state per 1,000 sources under the default retention "
            f"(items {keep.items.days} d, alerts {keep.alerts.days} d): {_mb(steady)}"
        )
        print(
            f"  ingest: {cpu / polls * 1000:.3f} CPU s per 1,000 polls in this process, "
            f"{polls / wall:,.0f} polls per second (wall)"
        )
        if pg:
            commits, written = (b - a for a, b in zip(counters, _pg_counters(db), strict=True))
            cpu = (server_cpu_seconds() - server) / polls * 1000
            print(
                f"  server: {cpu:.3f} CPU s per 1,000 polls; "
                f"{written / polls:.2f} rows written and {commits / polls:.3f} commits per poll"
            )
        _prune(db, ingestor, feeds, names, wall, cpu)


def _rows(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
            for t in ("items", "alerts", "deliveries")
        }


def _prune(
    db: Database,
    ingestor: Ingestor,
    feeds: Feeds,
    names: list[str],
    ingest_wall: float,
    ingest_cpu: float,
) -> None:
    """Everything the cycles stored made 400 days old, the deliveries sent, then one more
    cycle in which every source lists its items (the listed ones are seen again), and pruned:
    its cost against storing the cycles."""
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "sqlite":
            old = "datetime({}, '-400 days')"
        else:
            old = "{} - interval '400 days'"
        for table, column in (
            ("items", "last_seen_at"),
            ("sources", "listed_since"),
            ("alerts", "created_at"),
            ("notices", "created_at"),
        ):
            conn.execute(text(f"UPDATE {table} SET {column} = {old.format(column)}"))
        conn.execute(text("UPDATE deliveries SET status = 'sent'"))
    for i in range(len(names)):
        feeds.change(i)
    _store(ingestor, [_outcome(n, feeds.listing(i)) for i, n in enumerate(names)])
    before = _rows(db)
    cpu, wall = time.process_time(), time.perf_counter()
    [pruned] = deque(prune_steps(db, RetentionConfig(), force=True), maxlen=1)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"  prune once old: {before} -> {_rows(db)}, deleted {pruned.counts()}; "
        f"wall {wall / ingest_wall:.3f}x and CPU {cpu / ingest_cpu:.3f}x of storing it"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--cycles", type=int, default=CYCLES_PER_DAY)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--changing", type=float, default=0.1)
    parser.add_argument("--alerting", type=float, default=0.1)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default=None)
    args = parser.parse_args()
    both = args.database == "both" or (
        args.database is None and bool(os.environ.get("ADVISORYWATCH_TEST_POSTGRES"))
    )
    for kind in ["sqlite", "postgresql"] if both else [args.database or "sqlite"]:
        run(kind, args)


if __name__ == "__main__":
    main()
