"""Scrapy settings that bound memory: responses waiting to be stored hold back new downloads by
their bytes. Runs in a subprocess: the reactor cannot be restarted within one process."""

from __future__ import annotations

import json
import subprocess
import sys

from advisorywatch.crawler.fetch.settings import SCRAPER_ACTIVE_BYTES

from conftest import FeedServer, rss

SCRIPT = """
import asyncio, json, sys

from advisorywatch.crawler.fetch import reactor

reactor.install()
from advisorywatch.crawler.fetch.config import CrawlerConfig
from advisorywatch.crawler.fetch.runner import CrawlRunner
from advisorywatch.crawler.fetch.spider import SourceJob
from advisorywatch.crawler.sources.types.feed import FeedConfig, FeedSource


async def main():
    runner = CrawlRunner(CrawlerConfig(delay_seconds=0, autothrottle=False))
    stored, waiting = [], []
    release = asyncio.Event()

    async def on_outcome(outcome):  # a store that cannot keep up, until released
        waiting.append(outcome.source)
        await release.wait()
        stored.append([outcome.source, outcome.ok, len(outcome.items)])

    jobs = [
        SourceJob(FeedSource(FeedConfig(name=f"s{i}", type="feed", url=url, robots=False)))
        for i, url in enumerate(sys.argv[1:])
    ]
    crawl = asyncio.ensure_future(runner.crawl(jobs, on_outcome))
    while len(waiting) < 3:  # the bound exceeded
        await asyncio.sleep(0.05)
    await asyncio.sleep(3)  # ample for the other downloads, were they not held back
    held = len(waiting)
    release.set()
    await asyncio.wait_for(crawl, 30)
    await runner.stop()
    print(json.dumps({"waiting_while_held": held, "stored": stored}))


reactor.run(main)
"""


def test_responses_waiting_to_be_stored_hold_back_downloads_by_their_bytes(
    feeds: FeedServer,
) -> None:
    padding = "<!--" + "x" * (SCRAPER_ACTIVE_BYTES // 3) + "-->"  # 3 waiting exceed the bound
    feed = rss([{"guid": "g1", "title": "small"}]).replace("<channel>", "<channel>" + padding)
    urls = [feeds.put(f"/{i}.xml", feed) for i in range(60)]
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *urls], capture_output=True, text=True, timeout=90
    )
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    # Downloads stop once more than the bound waits; requests already handed to Scrapy's
    # downloader still arrive: here 11 waited; with Scrapy's default bound, 30.
    assert got["waiting_while_held"] <= 15
    assert sum(feeds.hits(f"/{i}.xml") for i in range(60)) == 60
    assert sorted(got["stored"]) == sorted([f"s{i}", True, 1] for i in range(60))
