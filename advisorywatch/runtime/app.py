"""The application core shared by the daemon, ``run --once`` and the demo: crawl sources,
store what they produced, and send what the outbox holds."""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from advisorywatch.config import Config
from advisorywatch.crawler.sources.base import SourceConfig
from advisorywatch.crawler.sources.registry import make_source
from advisorywatch.db.claims import Claim, finish, release
from advisorywatch.db.models import utcnow
from advisorywatch.db.preflight import describe_error
from advisorywatch.db.session import Database
from advisorywatch.ingest.ingestor import Ingestor, IngestResult
from advisorywatch.ingest.sync import fetch_validators, sync_sources
from advisorywatch.model import FetchOutcome
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.outbox import DrainResult, Outbox
from advisorywatch.notifier.route.storm import apply_storm_settings
from advisorywatch.rules.engine import RuleEngine
from advisorywatch.runtime.batch_queue import BatchQueue
from advisorywatch.runtime.throttle import Throttled
from advisorywatch.runtime.workers import ParseWorkers, Rules

log = logging.getLogger(__name__)
Progress = Callable[[IngestResult], None]
Validators = dict[str, tuple[str | None, str | None]]  # source -> (ETag, Last-Modified)
P = ParamSpec("P")
R = TypeVar("R")


class App:
    def __init__(self, config: Config, linger: float = 0, long_lived: bool = False) -> None:
        """``linger``: seconds a fetch's validators lookup and its store each wait for other
        fetches' to share them (the daemon's ``store_linger_ms``; see :class:`BatchQueue`).
        ``long_lived``: the daemon's (its crawl's settings)."""
        self.db = Database(config.database.url)
        self.stopping = threading.Event()
        size = config.crawler.workers
        self.workers = ParseWorkers(size, _rules(config)) if size else None
        self.apply(config)
        # One writer thread: storage never blocks the event loop, and SQLite sees one writer.
        self._db_thread = ThreadPoolExecutor(1, thread_name_prefix="db-writer")
        self._deliver_lock: asyncio.Lock | None = None
        self.ingest_queue = BatchQueue(self._ingest_many, max_batch=200, linger=linger)
        # In the daemon every source's job reads its validators; those starting together
        # share one query.
        self._validators = BatchQueue(self._validators_many, max_batch=200, linger=linger)
        from advisorywatch.crawler.fetch.runner import CrawlRunner

        self.crawler = CrawlRunner(config.crawler, long_lived)
        self.store_problem: str | None = None  # why the last fetch could not be stored
        self._throttled = Throttled(log)

    def apply(self, config: Config) -> None:
        """Use a new config's sources, rules and channels (the database stays the same)."""
        self.config = config
        self.channels = Channels(config.channels, config.notifier)
        self.ingestor = Ingestor(
            self.db,
            RuleEngine(config.rules, config.concepts, config.source_tags),
            self.channels,
            config.health,
        )
        self.outbox = Outbox(self.db, self.channels, config.notifier, self.stopping)
        if self.workers is not None:
            self.workers.configure(_rules(config))

    def apply_storm_settings(self) -> int:
        """Apply the notifier's storm settings to open storms (after a reload); blocking.
        Returns how many held alerts were released."""
        with self.db.session() as s:
            return apply_storm_settings(s, self.channels, utcnow())

    def prepare(self) -> None:
        """Migrate the schema and register sources. Blocking; call once at start."""
        self.db.upgrade()
        sync_sources(self.db, self.config.sources)

    def enabled_sources(self, names: Sequence[str] = ()) -> list[SourceConfig]:
        if names:
            return [self.config.source(n) for n in names]
        return [s for s in self.config.sources if s.enabled]

    async def in_db_thread(self, fn: Callable[P, R], *args: P.args, **kw: P.kwargs) -> R:
        """Run blocking database work off the event loop, on the single writer thread."""
        call = functools.partial(fn, *args, **kw)
        return await asyncio.get_running_loop().run_in_executor(self._db_thread, call)

    async def _ingest_many(
        self, fetched: list[tuple[FetchOutcome, Claim | None]]
    ) -> list[IngestResult]:
        claims = {c.name: c for _, c in fetched if c is not None}
        return await self.in_db_thread(self.ingestor.ingest_many, [o for o, _ in fetched], claims)

    async def _validators_many(self, requests: list[list[str]]) -> list[Validators]:
        everyone = [name for names in requests for name in names]
        found = await self.in_db_thread(fetch_validators, self.db, everyone)
        return [{n: found[n] for n in names if n in found} for names in requests]

    async def crawl(
        self,
        sources: Sequence[SourceConfig],
        progress: Progress | None = None,
        claims: Mapping[str, Claim] | None = None,
    ) -> list[IngestResult]:
        """Fetch and store ``sources``; with ``claims`` (several nodes), each fetch is stored
        only while its claim stands, and a claim whose source got no response is ended."""
        from advisorywatch.crawler.fetch.spider import SourceJob, parse_in_thread

        claims = claims or {}
        claimed = [claims[s.name].validators for s in sources if s.name in claims]
        if len(claimed) == len(sources) and None not in claimed:  # read by the claiming pass
            validators = {s.name: v for s, v in zip(sources, claimed, strict=True) if v}
        else:
            validators = await self._validators.submit([s.name for s in sources])
        jobs = [SourceJob(make_source(s), *validators.get(s.name, (None, None))) for s in sources]
        results: list[IngestResult] = []

        async def on_outcome(outcome: FetchOutcome) -> None:
            try:
                result = await self.ingest_queue.submit((outcome, claims.get(outcome.source)))
                self.store_problem = None
            except SQLAlchemyError as exc:
                # A full disk, a database gone: nothing of this fetch is stored, not even its
                # validators, so the source's next run fetches it again in full.
                reason = describe_error(self.db.url, exc)
                self.store_problem = reason
                self._throttled.error("store", "cannot store fetches: %s", reason)
                result = IngestResult(outcome.source, ok=False, error=f"not stored: {reason}")
            else:
                _log_result(result)
            results.append(result)
            if progress is not None:
                progress(result)

        parse = parse_in_thread if self.workers is None else self.workers.parse
        await self.crawler.crawl(jobs, on_outcome, parse)
        seen = {r.source for r in results}
        unanswered = [s.name for s in sources if s.name not in seen]
        for name in unanswered:  # a crawl stopped early leaves sources without an outcome
            results.append(IngestResult(name, ok=False, error="crawl ended before a response"))
        left = [claims[n] for n in unanswered if n in claims]
        if left:
            await self.in_db_thread(self._end_claims, left)
        return results

    def _end_claims(self, left: list[Claim]) -> None:
        """Claims whose source got no response: on shutdown they go back as they were (another
        node fetches the sources at once); otherwise the next slot is the retry."""
        with self.db.session() as s:
            if self.stopping.is_set():
                release(s, left)
            else:
                for claim in left:
                    finish(s, claim)

    async def deliver(self) -> DrainResult:
        if self._deliver_lock is None:
            self._deliver_lock = asyncio.Lock()
        async with self._deliver_lock:
            return await asyncio.to_thread(self.outbox.drain)

    async def stop(self) -> None:
        """Stop in-flight crawls and let the sender finish the message it is sending."""
        self.stopping.set()
        self._validators.flush()
        self.ingest_queue.flush()
        await self.crawler.stop()

    async def close(self) -> None:
        """Release the database; call after the last crawl has finished or been stopped."""
        await asyncio.to_thread(self._db_thread.shutdown, wait=True)
        if self.workers is not None:
            await asyncio.to_thread(self.workers.close)
        self.db.dispose()


def _rules(config: Config) -> Rules:
    return Rules(config.rules, config.concepts, config.source_tags)


def _log_result(r: IngestResult) -> None:
    if not r.ok:
        log.warning("source %s failed: %s", r.source, r.error)
    elif r.not_modified:
        log.info("source %s: not modified", r.source)
    else:
        log.info("source %s: %d new, %d updated, %d alerts", r.source, r.new, r.updated, r.alerts)
