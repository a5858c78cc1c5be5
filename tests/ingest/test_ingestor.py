"""Storing several fetches in one transaction: each in its own savepoint, in feed order."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from advisorywatch.db.claims import Claim, Claimed, claim_due
from advisorywatch.db.clock import database_now
from advisorywatch.db.models import Alert, Delivery, Incident, Item, Source
from advisorywatch.ingest.ingestor import CLAIM_LOST, IngestResult
from advisorywatch.model import FetchOutcome, ParsedItem
from advisorywatch.runtime.batch_queue import BatchQueue

from .conftest import URL, MakeIngestor
from conftest import POSTGRES, FeedServer, Project, Sink, db_json, rss


def _items(prefix: str, n: int) -> list[ParsedItem]:
    return [
        ParsedItem(title=f"{prefix} story {i}", text="calm", url=f"https://x.org/{prefix}/{i}")
        for i in range(n)
    ]


def test_one_failing_fetch_loses_nothing_else(make_ingestor: MakeIngestor) -> None:
    db, ingestor = make_ingestor(["a", "b"])
    results = ingestor.ingest_many(
        [
            FetchOutcome("a", URL, 200, _items("a", 3)),
            FetchOutcome("gone", URL, 200, _items("gone", 2)),  # no such source row
            FetchOutcome("b", URL, 304, not_modified=True, etag='"e1"'),
            FetchOutcome("b", URL, 200, _items("b", 2)),
        ]
    )
    assert [(r.source, r.ok, r.new) for r in results] == [
        ("a", True, 3),
        ("gone", False, 0),
        ("b", True, 0),
        ("b", True, 2),
    ]
    assert "storing failed" in (results[1].error or "")
    with db.session() as s:
        titles = s.scalars(select(Item.title).order_by(Item.id)).all()
        etag = s.scalar(select(Source.etag).where(Source.name == "b"))
    assert titles == ["a story 0", "a story 1", "a story 2", "b story 0", "b story 1"]
    assert etag is None  # the later 200 without validators replaced the 304's


def test_story_repeated_under_two_guids_alerts_once(make_ingestor: MakeIngestor) -> None:
    db, ingestor = make_ingestor(["a"])
    items = [
        ParsedItem(guid="g1", title="Air strike on the port", text="", url="https://x.org/p/1"),
        # The same link under another guid: the same story, revised, with the same concept.
        ParsedItem(guid="g2", title="Air strike, updated", text="", url="https://x.org/p/1"),
    ]
    result = ingestor.ingest(FetchOutcome("a", URL, 200, items))
    assert (result.new, result.updated, result.alerts) == (1, 1, 1)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 1
        assert s.scalar(select(func.count()).select_from(Alert)) == 1
        assert s.scalar(select(Item.title)) == "Air strike, updated"


def test_queue_batches_concurrent_outcomes(make_ingestor: MakeIngestor) -> None:
    names = [f"s{i}" for i in range(40)]
    db, ingestor = make_ingestor(names)
    batches: list[int] = []

    async def store_many(outcomes: list[FetchOutcome]) -> list[IngestResult]:
        batches.append(len(outcomes))
        if any(o.source == "boom" for o in outcomes):
            raise RuntimeError("database went away")
        return await asyncio.to_thread(ingestor.ingest_many, outcomes)

    async def main() -> tuple[list[IngestResult], BaseException | None, IngestResult]:
        queue = BatchQueue(store_many, 200)
        results = await asyncio.gather(
            *(queue.submit(FetchOutcome(n, URL, 200, _items(n, 2))) for n in names)
        )
        try:
            await queue.submit(FetchOutcome("boom", URL, 200, []))
            failure = None
        except RuntimeError as exc:
            failure = exc
        after = await queue.submit(FetchOutcome("s0", URL, 304, not_modified=True))
        return results, failure, after

    results, failure, after = asyncio.run(main())
    assert [(r.source, r.new) for r in results] == [(n, 2) for n in names]
    assert sum(batches[:-2]) == 40 and len(batches) - 2 < 40  # stored together, not one by one
    assert str(failure) == "database went away"
    assert after.ok and after.not_modified  # the queue goes on after a failed batch
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 80


def test_one_story_from_three_sources_in_one_batch_is_one_incident(
    make_ingestor: MakeIngestor,
) -> None:
    db, ingestor = make_ingestor(["a", "b", "c"])
    text = "Witnesses reported an air strike on the port district overnight, officials said today"

    def story(source: str) -> FetchOutcome:
        item = ParsedItem(title="Air strike on the port", text=text, url=f"https://{source}.org/1")
        return FetchOutcome(source, URL, 200, [item])

    results = ingestor.ingest_many([story("a"), story("b"), story("c")])
    assert [r.alerts for r in results] == [1, 1, 1]
    with db.session() as s:
        assert s.execute(select(Incident.reports)).scalars().all() == [3]
        statuses = s.execute(select(Delivery.status).order_by(Delivery.id)).scalars().all()
    assert statuses == ["pending", "attached", "attached"]  # one ping for the event


def test_alerts_after_a_rolled_back_fetch_concern_the_items_stored_after_it(
    make_ingestor: MakeIngestor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fetch that fails after inserting its items leaves their ids free again (SQLite reuses
    them): the next fetch's items get them, and its alerts must be about those items."""
    from advisorywatch.ingest import alerts

    db, ingestor = make_ingestor(["a", "b"])
    routed: list[str] = []
    plan = alerts.plan_deliveries

    def plan_or_fail(routing: Any, item: Item, raised: Any, now: Any) -> None:
        if item.source.name == "a":
            raise RuntimeError("routing broke")
        routed.append(item.title)
        plan(routing, item, raised, now)

    monkeypatch.setattr(alerts, "plan_deliveries", plan_or_fail)

    def strikes(source: str) -> FetchOutcome:
        items = [
            ParsedItem(title=f"Air strike {i} reported by {source}", text="", url=f"{URL}{i}")
            for i in range(2)
        ]
        return FetchOutcome(source, URL, 200, items)

    results = ingestor.ingest_many([strikes("a"), strikes("b")])
    assert [(r.ok, r.new, r.alerts) for r in results] == [(False, 0, 0), (True, 2, 2)]
    assert routed == ["Air strike 0 reported by b", "Air strike 1 reported by b"]
    with db.session() as s:
        stored = s.scalars(select(Item.title).join(Alert.item).order_by(Alert.id)).all()
    assert stored == routed


@pytest.mark.skipif(not POSTGRES, reason="claims are for several nodes: PostgreSQL")
def test_a_fetch_is_stored_only_under_the_claim_that_stands(make_ingestor: MakeIngestor) -> None:
    db, ingestor = make_ingestor(["a"])
    with db.session() as s:
        stale = _claim_of(claim_due(s, "A", ["a"], timedelta(seconds=30), limit=1))
        s.execute(update(Source).values(claim_until=database_now(s) - timedelta(seconds=1)))
    with db.session() as s:  # node A stalled past its lease; node B claims and fetches
        fresh = _claim_of(claim_due(s, "B", ["a"], timedelta(seconds=30), limit=1))
    outcome = FetchOutcome("a", URL, 200, [ParsedItem(title="air strike", text="", url=URL)])

    late = ingestor.ingest_many([outcome], {"a": stale})
    assert [(r.ok, r.error) for r in late] == [(False, CLAIM_LOST)]
    current = ingestor.ingest_many([outcome, outcome], {"a": fresh})
    assert [(r.ok, r.new, r.alerts) for r in current[:1]] == [(True, 1, 1)]
    assert [(r.ok, r.error) for r in current[1:]] == [(False, CLAIM_LOST)]  # spent
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 1
        assert s.scalar(select(func.count()).select_from(Alert)) == 1
        row = s.scalars(select(Source)).one()
        assert (row.claim_token, row.next_run_at) == (None, fresh.next_run_at)


def _claim_of(got: Claimed) -> Claim:
    ((i, name, host),) = got.sources
    return Claim(i, name, host, got.token, got.now + timedelta(minutes=10))


PLACES_CONFIG = """
database:
  url: sqlite:///state.db
sources:
  - name: news
    type: feed
    url: {news}
rules:
  - name: strike
    keywords: [air strike]
{where}    notify: [ops]
channels:
  ops:
    urls: ["{sink}"]
"""
# ``run --once``, then whether the process opened the places store.
_RUN_ONCE = (
    "import sys\n"
    "from advisorywatch.cli.main import main\n"
    "code = main(sys.argv[1:])\n"
    "print('places:', 'advisorywatch.rules.places.store' in sys.modules)\n"
    "sys.exit(code)"
)


def _run_once_loads_places(project: Project) -> bool:
    cmd = [sys.executable, "-c", _RUN_ONCE, "--config", str(project.config), "run", "--once"]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=120, env=project.env(), cwd=project.dir
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.splitlines()[-1] == "places: True"


def test_the_places_lookup_is_loaded_only_by_a_pass_whose_items_fire(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    """New items that fire no rule need no places; the first that fires gets its places (the
    store opened outside the storing transaction, which is then stored again)."""
    calm = [
        {"guid": f"c{i}", "title": f"Market report {i}", "description": "Calm"} for i in range(3)
    ]
    news = feeds.put("/news.xml", rss(calm).encode())
    project.write_config(PLACES_CONFIG.format(news=news, sink=sink.apprise_url, where=""))
    assert not _run_once_loads_places(project)
    assert project.sql("SELECT count(*) FROM items") == [(3,)]

    strike = {"guid": "s", "title": "Air strike in Kyiv", "description": "Overnight."}
    feeds.put("/news.xml", rss([strike, *calm]).encode())
    assert _run_once_loads_places(project)
    assert project.sql("SELECT count(*) FROM items") == [(4,)]
    (places,) = project.sql("SELECT places FROM alerts")[0]
    assert [(p["name"], p["country"], p["in"]) for p in db_json(places)] == [
        ("Kyiv", "UA", "title")
    ]
    assert len(sink.received) == 1
    assert not _run_once_loads_places(project)  # 304: nothing new
    assert len(sink.received) == 1


def test_a_rule_limited_to_countries_has_the_places_store_opened_before_storing(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    """Matching such a rule looks places up: the store is opened before the transaction, for
    new items whether they fire or not."""
    calm = [{"guid": "c", "title": "Market report", "description": "Calm"}]
    news = feeds.put("/news.xml", rss(calm).encode())
    where = "    countries: [UA]\n"
    project.write_config(PLACES_CONFIG.format(news=news, sink=sink.apprise_url, where=where))
    assert _run_once_loads_places(project)
    elsewhere = {"guid": "p", "title": "Air strike in Lima", "description": "Overnight."}
    strike = {"guid": "s", "title": "Air strike in Kyiv", "description": "Overnight."}
    feeds.put("/news.xml", rss([elsewhere, strike, *calm]).encode())
    assert _run_once_loads_places(project)
    assert project.sql("SELECT rule FROM alerts") == [("strike",)]
    assert sink.titles() and "Kyiv" in sink.titles()[0]
