"""Running crawls on the shared asyncio loop: one long-lived Scrapy crawl, fed with jobs.

Starting a Scrapy crawl (crawler, spider, middlewares, stats, robots.txt) is not free, so the
daemon does not start one per source run: every ``CrawlRunner.crawl`` call hands its jobs to
the same open crawl and waits for their outcomes. Per-domain politeness
(``concurrent_per_domain``, ``delay_seconds``, AutoThrottle) then comes from Scrapy's downloader
slots, across all sources and runs.

Import only after :func:`advisorywatch.crawler.fetch.reactor.install`.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable, Iterable

from scrapy import signals
from scrapy.crawler import AsyncCrawlerRunner

from advisorywatch.crawler.fetch.config import CrawlerConfig
from advisorywatch.crawler.fetch.settings import scrapy_settings
from advisorywatch.crawler.fetch.spider import (
    Batch,
    Batches,
    OnOutcome,
    Parse,
    SourceJob,
    SourcesSpider,
    parse_in_thread,
)

log = logging.getLogger(__name__)
# A crawl is replaced by a fresh one after this long: Scrapy keeps each host's robots.txt for
# the crawl's lifetime, and RFC 9309 asks crawlers not to cache it for more than a day.
RECYCLE_AFTER_SECONDS = 3600.0


class CrawlRunner:
    def __init__(self, config: CrawlerConfig | None = None, long_lived: bool = False) -> None:
        self._config = config or CrawlerConfig()
        self._long_lived = long_lived  # the daemon's (see scrapy_settings)
        self._live: _LiveCrawl | None = None
        self._crawls: set[_LiveCrawl] = set()  # the live one and any still finishing
        self._stopped = False

    async def crawl(
        self, jobs: Iterable[SourceJob], on_outcome: OnOutcome, parse: Parse = parse_in_thread
    ) -> None:
        """Fetch the given sources in the running crawl; returns when each of their responses
        has been parsed by ``parse`` and handed to ``on_outcome``, or when the crawl ended
        without them."""
        batch = Batch(list(jobs), on_outcome, parse)
        if self._stopped or batch.done.is_set():
            return
        self._current().feed(batch)
        try:
            await batch.done.wait()
        finally:  # cancelled at shutdown: what still arrives for it is not stored
            batch.abandon()

    def reconfigure(self, config: CrawlerConfig) -> bool:
        """New crawler settings apply to the jobs fed from now on: the running crawl finishes
        what it was given (with the old settings) while a new one starts. False if unchanged."""
        if config == self._config:
            return False
        self._config = config
        self._retire()
        return True

    async def stop(self) -> None:
        """Stop every crawl: in-flight fetches end (Scrapy waits for them), jobs not started
        end without an outcome, and no crawl starts again."""
        self._stopped = True
        if self._crawls:
            await asyncio.gather(*(c.stop() for c in list(self._crawls)))

    def _current(self) -> _LiveCrawl:
        live = self._live
        if live is not None and live.ended:
            live = None
        elif live is not None and live.age() > RECYCLE_AFTER_SECONDS:
            self._retire()
            live = None
        if live is None:
            live = self._live = _LiveCrawl(self._config, self._long_lived, self._crawls.discard)
            self._crawls.add(live)
        return live

    def _retire(self) -> None:
        if self._live is not None:
            self._live.finish()
            self._live = None


class _LiveCrawl:
    """One Scrapy crawl whose spider takes batches from a queue until told to finish."""

    def __init__(
        self, config: CrawlerConfig, long_lived: bool, on_end: Callable[[_LiveCrawl], None]
    ) -> None:
        runner = AsyncCrawlerRunner(scrapy_settings(config, long_lived))
        crawler = runner.create_crawler(SourcesSpider)
        crawler.signals.connect(self._closed, signal=signals.spider_closed)
        self._crawler = crawler
        self._queue: Batches = asyncio.Queue()
        self._batches: weakref.WeakSet[Batch] = weakref.WeakSet()  # kept alive by their waiters
        self._finishing = False
        self._reason = "no reason given"
        self._on_end = on_end
        self._started = asyncio.get_running_loop().time()
        self.ended = False
        self._task = runner.crawl(crawler, batches=self._queue)
        self._task.add_done_callback(self._ended)

    def age(self) -> float:
        return asyncio.get_running_loop().time() - self._started

    def feed(self, batch: Batch) -> None:
        self._batches.add(batch)
        self._queue.put_nowait(batch)

    def finish(self) -> None:
        """Take no more batches; end once those already fed are done."""
        self._finishing = True
        self._queue.put_nowait(None)

    async def stop(self) -> None:
        self._finishing = True
        while not self._queue.empty():  # batches not started yet: nothing was fetched for them
            queued = self._queue.get_nowait()
            if queued is not None:
                queued.abandon()
        self._queue.put_nowait(None)  # a crawl still opening ends as soon as it has started
        await self._crawler.stop_async()
        await asyncio.wait([self._task])

    def _closed(self, reason: str) -> None:
        self._reason = reason

    def _ended(self, task: asyncio.Task[None]) -> None:
        self.ended = True
        error = None if task.cancelled() else task.exception()
        for batch in list(self._batches):
            batch.abandon()
        self._on_end(self)
        if not self._finishing:
            log.error(
                "the crawl ended unexpectedly (%s); its waiting sources end without a response "
                "and the next runs start a new crawl",
                f"{type(error).__name__}: {error}" if error else self._reason,
            )
