"""Running crawls on the shared asyncio loop.

Import only after :func:`advisorywatch.reactor.install`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from contextlib import AsyncExitStack
from urllib.parse import urlsplit

from scrapy.crawler import AsyncCrawlerRunner

from advisorywatch.config import CrawlerConfig
from advisorywatch.crawler.settings import scrapy_settings
from advisorywatch.crawler.spider import OnOutcome, SourceJob, SourcesSpider


class CrawlRunner:
    """Scrapy limits requests per domain within one crawl; the daemon runs one crawl per
    source, so across crawls this runner keeps one crawl per host at a time, started at least
    ``delay_seconds`` after the previous one on that host finished."""

    def __init__(self, config: CrawlerConfig | None = None) -> None:
        self._config = config or CrawlerConfig()
        self._runner = AsyncCrawlerRunner(scrapy_settings(self._config))
        self._host_locks: dict[str, asyncio.Lock] = {}
        self._host_done: dict[str, float] = {}

    async def crawl(self, jobs: Iterable[SourceJob], on_outcome: OnOutcome) -> None:
        """One crawl over the given sources; returns when every response has been handled."""
        jobs = list(jobs)
        hosts = sorted({_host(url) for job in jobs for url in job.source.start_urls()})
        loop = asyncio.get_running_loop()
        async with AsyncExitStack() as held:
            try:
                await self._take_turn(held, hosts)
            except asyncio.CancelledError:
                # Shutdown cancels jobs still waiting for their turn: nothing was fetched, so
                # end like a crawl that was stopped, without a traceback in the log.
                return
            try:
                await self._runner.crawl(SourcesSpider, jobs=jobs, on_outcome=on_outcome)
            finally:
                for host in hosts:
                    self._host_done[host] = loop.time()

    async def _take_turn(self, held: AsyncExitStack, hosts: list[str]) -> None:
        for host in hosts:  # always in the same order: no deadlock between crawls
            await held.enter_async_context(self._host_locks.setdefault(host, asyncio.Lock()))
        ready_at = max((self._host_done.get(h, 0.0) for h in hosts), default=0.0)
        wait = ready_at + self._config.delay_seconds - asyncio.get_running_loop().time()
        if wait > 0:
            await asyncio.sleep(wait)

    async def stop(self) -> None:
        await self._runner.stop()


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
