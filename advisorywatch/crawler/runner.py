"""Running crawls on the shared asyncio loop.

Import only after :func:`advisorywatch.reactor.install`.
"""

from __future__ import annotations

from collections.abc import Iterable

from scrapy.crawler import AsyncCrawlerRunner

from advisorywatch.config import CrawlerConfig
from advisorywatch.crawler.settings import scrapy_settings
from advisorywatch.crawler.spider import OnOutcome, SourceJob, SourcesSpider


class CrawlRunner:
    def __init__(self, config: CrawlerConfig | None = None) -> None:
        self._runner = AsyncCrawlerRunner(scrapy_settings(config))

    async def crawl(self, jobs: Iterable[SourceJob], on_outcome: OnOutcome) -> None:
        """One crawl over the given sources; returns when every response has been handled."""
        await self._runner.crawl(SourcesSpider, jobs=list(jobs), on_outcome=on_outcome)

    async def stop(self) -> None:
        await self._runner.stop()
