"""The long-lived crawl behind ``CrawlRunner``: a crawl that dies ends the runs waiting for it
(none hangs) and the next run starts a new one; a crawl an hour old is renewed, so robots.txt
is read again. Runs in a subprocess: the reactor cannot be restarted within one process."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import FeedServer, rss

SCRIPT = """
import asyncio, json, sys

from advisorywatch.crawler.fetch import reactor

reactor.install()
from advisorywatch.crawler.fetch.runner import CrawlRunner
from advisorywatch.crawler.sources.types.feed import FeedConfig, FeedSource
from advisorywatch.crawler.fetch.spider import SourceJob


class Broken(FeedSource):  # a source type bug: Scrapy's start() fails on it, ending the crawl
    def start_urls(self):
        return ["not a url"]


def job(cls, name, url):
    return SourceJob(cls(FeedConfig(name=name, type="feed", url=url, robots=False)))


async def main():
    runner, got = CrawlRunner(), []

    async def on_outcome(outcome):
        got.append([outcome.source, outcome.ok])

    slow = asyncio.ensure_future(runner.crawl([job(FeedSource, "slow", sys.argv[2])], on_outcome))
    await asyncio.sleep(0.3)  # the slow fetch is in flight when the crawl dies
    await asyncio.wait_for(runner.crawl([job(Broken, "broken", sys.argv[1])], on_outcome), 20)
    await asyncio.wait_for(slow, 20)
    await asyncio.wait_for(runner.crawl([job(FeedSource, "good", sys.argv[1])], on_outcome), 20)
    await runner.stop()
    print(json.dumps(got))


reactor.run(main)
"""


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a crawl script in its own process (and reactor); it must exit cleanly."""
    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result


def test_a_crawl_that_dies_ends_its_runs_and_the_next_run_starts_a_new_one(
    feeds: FeedServer,
) -> None:
    feed = rss([{"guid": "g1", "title": "quiet"}])
    good = feeds.put("/good.xml", feed)
    slow = feeds.put("/slow.xml", feed, delay=1)
    result = _run(SCRIPT, good, slow)
    # The fetch in flight still completes; the broken source gets no outcome (its run ends
    # as "crawl ended before a response"); the next run works in a new crawl.
    assert result.stdout.strip() == '[["slow", true], ["good", true]]', result.stderr
    assert "the crawl ended unexpectedly (start_error)" in result.stderr
    assert feeds.hits("/good.xml") == 1


RECYCLE = """
import asyncio, json, sys

from advisorywatch.crawler.fetch import reactor

reactor.install()
from advisorywatch.crawler.fetch import runner as runner_module
from advisorywatch.crawler.sources.types.feed import FeedConfig, FeedSource
from advisorywatch.crawler.fetch.spider import SourceJob


async def main():
    runner, got = runner_module.CrawlRunner(), []

    async def on_outcome(outcome):
        got.append(outcome.ok)

    async def run():
        job = SourceJob(FeedSource(FeedConfig(name="news", type="feed", url=sys.argv[1])))
        await asyncio.wait_for(runner.crawl([job], on_outcome), 20)

    await run()
    await run()  # the same crawl: robots.txt is not read again
    runner._live._started -= runner_module.RECYCLE_AFTER_SECONDS  # the crawl is an hour old
    await run()  # a renewed crawl reads robots.txt again
    await runner.stop()
    print(json.dumps(got))


reactor.run(main)
"""


def test_the_crawl_is_renewed_and_robots_txt_read_again(feeds: FeedServer) -> None:
    feeds.put("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    news = feeds.put("/news.xml", rss([{"guid": "g1", "title": "quiet"}]))
    result = _run(RECYCLE, news)
    assert result.stdout.strip() == "[true, true, true]", result.stderr
    assert feeds.hits("/news.xml") == 3
    assert feeds.hits("/robots.txt") == 2


PARSERS = """
import asyncio, json, sys, threading, time

from advisorywatch.crawler.fetch import reactor

reactor.install()
from advisorywatch.crawler.fetch.runner import CrawlRunner
from advisorywatch.crawler.fetch.spider import SourceJob
from advisorywatch.crawler.sources.types.feed import FeedConfig, FeedSource

lock, active, seen = threading.Lock(), [0, 0], set()


class Slow(FeedSource):  # a parse that takes a while, to see how many run at once
    def parse_result(self, fetched):
        with lock:
            active[0] += 1
            active[1] = max(active)
            seen.add(threading.current_thread().name.split("_")[0])
        time.sleep(0.2)
        with lock:
            active[0] -= 1
        return super().parse_result(fetched)


async def main():
    runner, got = CrawlRunner(), []

    async def on_outcome(outcome):
        got.append(outcome.ok)

    jobs = [SourceJob(Slow(FeedConfig(name=f"s{i}", type="feed", url=url, robots=False)))
            for i, url in enumerate(sys.argv[1:])]
    await asyncio.wait_for(runner.crawl(jobs, on_outcome), 30)
    await runner.stop()
    print(json.dumps([got, active[1], sorted(seen)]))


reactor.run(main)
"""


def test_responses_are_parsed_on_the_parsing_threads_at_most_two_at_once(
    feeds: FeedServer,
) -> None:
    from advisorywatch.crawler.fetch.spider import PARSE_THREADS

    urls = [feeds.put(f"/f{i}.xml", rss([{"guid": f"g{i}", "title": "quiet"}])) for i in range(6)]
    got, most, threads = json.loads(_run(PARSERS, *urls).stdout)
    assert got == [True] * 6
    assert 1 <= most <= PARSE_THREADS == 2
    assert threads == ["parse"]
