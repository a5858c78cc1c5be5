"""The hand-off to the database thread lingers for company: fetches arriving apart are
stored in one transaction, a full batch goes at once, and shutdown stores what waits."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from ingest import conftest as ingest_fixtures
from ingest.conftest import URL, MakeIngestor
from sqlalchemy import event

from advisorywatch.db.session import Database
from advisorywatch.ingest.ingestor import Ingestor, IngestResult
from advisorywatch.model import FetchOutcome, ParsedItem
from advisorywatch.runtime.batch_queue import BatchQueue

from conftest import FeedServer, Project, rss, wait_for

Store = Callable[[list[FetchOutcome]], Awaitable[list[IngestResult]]]
make_ingestor = ingest_fixtures.make_ingestor  # the fixture of tests/ingest, shared
SAFETY = 60  # seconds: only a queue that waits out its hour-long linger gets near this


def _outcome(source: str) -> FetchOutcome:
    item = ParsedItem(title=f"News of {source}", text="calm", url=f"{URL}{source}")
    return FetchOutcome(source, URL, 200, [item])


def _commits(db: Database) -> list[int]:
    """A list that grows by one per committed transaction on ``db``."""
    seen: list[int] = []
    event.listen(db.engine, "commit", lambda _conn: seen.append(1))
    return seen


def _store(db: Database, ingestor: Ingestor, pool: ThreadPoolExecutor) -> Store:
    """As the application stores: ``ingest_many`` on one database thread."""

    async def store(outcomes: list[FetchOutcome]) -> list[IngestResult]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, ingestor.ingest_many, outcomes)

    return store


def test_outcomes_arriving_apart_are_stored_in_one_transaction(
    make_ingestor: MakeIngestor,
) -> None:
    names = ["a", "b", "c", "d"]
    db, ingestor = make_ingestor(names)
    commits = _commits(db)

    async def main() -> list[IngestResult]:
        with ThreadPoolExecutor(1) as pool:
            queue = BatchQueue(_store(db, ingestor, pool), max_batch=200, linger=2)
            submitted = []
            for name in names:
                submitted.append(asyncio.create_task(queue.submit(_outcome(name))))
                await asyncio.sleep(0.05)
            return await asyncio.wait_for(asyncio.gather(*submitted), SAFETY)

    results = asyncio.run(main())
    assert [(r.source, r.ok, r.new) for r in results] == [(n, True, 1) for n in names]
    assert len(commits) == 1


def test_without_linger_each_outcome_apart_is_its_own_transaction(
    make_ingestor: MakeIngestor,
) -> None:
    db, ingestor = make_ingestor(["a", "b"])
    commits = _commits(db)

    async def main() -> None:
        with ThreadPoolExecutor(1) as pool:
            queue = BatchQueue(_store(db, ingestor, pool), max_batch=200)
            for name in ["a", "b"]:
                await queue.submit(_outcome(name))

    asyncio.run(main())
    assert len(commits) == 2


def test_a_full_batch_is_stored_without_waiting_and_flush_ends_the_linger(
    make_ingestor: MakeIngestor,
) -> None:
    names = ["a", "b", "c", "d", "e"]
    db, ingestor = make_ingestor(names)
    commits = _commits(db)

    async def main() -> list[IngestResult]:
        with ThreadPoolExecutor(1) as pool:
            queue = BatchQueue(_store(db, ingestor, pool), max_batch=3, linger=3600)
            full = [asyncio.create_task(queue.submit(_outcome(n))) for n in names[:3]]
            stored = await asyncio.wait_for(asyncio.gather(*full), SAFETY)
            assert len(commits) == 1
            rest = [asyncio.create_task(queue.submit(_outcome(n))) for n in names[3:]]
            await asyncio.sleep(0)
            queue.flush()  # shutdown: what waits is stored now
            return stored + await asyncio.wait_for(asyncio.gather(*rest), SAFETY)

    results = asyncio.run(main())
    assert [(r.source, r.new) for r in results] == [(n, 1) for n in names]
    assert len(commits) == 2


def test_the_daemon_stopped_while_a_fetch_lingers_stores_it(
    project: Project, feeds: FeedServer
) -> None:
    url = feeds.put("/news.xml", rss([{"guid": "n1", "title": "Embassy closed"}]))
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
daemon: {{store_linger_ms: 5000}}
sources:
  - {{name: news, type: feed, url: "{url}", every: 1h}}
rules:
  - {{name: closures, keywords: [embassy closed], notify: [log]}}
channels:
  log: {{urls: ["json://127.0.0.1:9/"]}}
""")
    proc = project.popen("run")
    try:
        wait_for(lambda: feeds.hits("/news.xml") >= 1, 60, "the fetch")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert project.sql("SELECT title FROM items") == [("Embassy closed",)]
