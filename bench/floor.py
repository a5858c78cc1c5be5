"""The floor of a cold pass with the product's stack: each step a cold ``run --once`` cannot
skip, measured alone, next to the bare reference client in the same run.

    .venv/bin/python bench/floor.py [--sources 1000] [--items 20] [--repeat 3]

Issue 7 asks for a cold pass of 1000 feeds x 20 items within 6x the reference client. This
script asks what the stack itself costs before any of the product's own logic, so that a
missed target can be told apart from slow code:

- start: a Python process that imports what ``run --once`` needs (Scrapy on the asyncio
  reactor, SQLAlchemy, pydantic, lxml, feedparser, the rule engine) and exits;
- scrapy: the N feeds fetched by a Scrapy crawl with the product's settings
  (``crawler/settings.py``) whose callback throws the body away (the crawl's wall time,
  timed inside its own process);
- then, in this process, over the N bodies fetched once beforehand: parse them with the
  product's feed reader; compute the identity, content and link hashes of every item;
  evaluate the benchmark's rule (the built-in ``air_strike`` concept, 11 languages) on
  every item; insert every item into a fresh SQLite database with one Core
  ``INSERT ... RETURNING`` per feed and one transaction per 200 feeds, as the product does.

The sum is what a cold pass costs with no alerts raised, no fetch state written, no
redirect/robots/size checks, no batching between threads, and every step at its best
(each is the fastest of ``--repeat`` runs). Times are CPU seconds of the step, except
start and crawl (wall).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.request import urlopen

from run import PYTHON, FixtureServer

_START = """
from advisorywatch.crawler.fetch.reactor import install
install()
import advisorywatch.runtime.once, advisorywatch.crawler.fetch.runner, advisorywatch.crawler.sources
import scrapy.crawler, feedparser, lxml.html
"""

_SCRAPY = """
import asyncio, json, sys, time
from advisorywatch.crawler.fetch.reactor import install, run
install()
import scrapy
from scrapy.crawler import AsyncCrawlerRunner
from advisorywatch.crawler.fetch.config import CrawlerConfig
from advisorywatch.crawler.fetch.settings import scrapy_settings

urls = json.loads(sys.argv[1])
got = []

class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for url in urls:
            yield scrapy.Request(url, dont_filter=True)
    def parse(self, response):
        got.append(len(response.body))
        return None

cfg = CrawlerConfig(concurrent_per_domain=4, delay_seconds=0, autothrottle=False)
settings = {**scrapy_settings(cfg), "ROBOTSTXT_OBEY": False}

async def main():
    start = time.perf_counter()
    await AsyncCrawlerRunner(settings).crawl(Bare)
    return time.perf_counter() - start

seconds = run(main)
print(json.dumps({"responses": len(got), "seconds": seconds}))
"""


def child(code: str, *args: str) -> tuple[float, float, str]:
    """Wall and CPU seconds of a Python child running ``code``, and its output."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [PYTHON, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"child failed:\n{out[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, out.strip()


def cpu(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    result = fn()
    return time.process_time() - start, result


def best(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    runs = [cpu(fn) for _ in range(repeat)]
    return min(t for t, _ in runs), runs[-1][1]


def in_process(urls: list[str], repeat: int) -> list[tuple[str, float, str]]:
    """The steps after the fetch, on bodies fetched once."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from reference_client import parse_items
    from sqlalchemy import insert, select

    from advisorywatch.crawler.sources.base import Fetched
    from advisorywatch.crawler.sources.registry import make_source
    from advisorywatch.crawler.sources.types.feed import FeedConfig
    from advisorywatch.db.models import Item, Source, utcnow
    from advisorywatch.db.session import Database
    from advisorywatch.ingest.identities import content_hash, item_identity, link_key
    from advisorywatch.ingest.sync import sync_sources
    from advisorywatch.rules.config import RuleConfig
    from advisorywatch.rules.engine import RuleEngine

    bodies = []
    for url in urls:
        with urlopen(url) as response:
            bodies.append((url, response.headers.get("content-type", ""), response.read()))
    configs = [FeedConfig(name=f"s{i}", type="feed", url=u) for i, (u, _, _) in enumerate(bodies)]
    sources = [make_source(c) for c in configs]

    def parse() -> list[list[Any]]:
        return [
            src.parse(Fetched(url, 200, {"content-type": ctype}, body))
            for src, (url, ctype, body) in zip(sources, bodies, strict=True)
        ]

    t_parse, feeds = best(repeat, parse)
    items = [it for feed in feeds for it in feed]
    t_lxml, _ = best(repeat, lambda: [parse_items(body) for _, _, body in bodies])

    def hashes() -> list[tuple[str, str, str | None]]:
        return [
            (
                item_identity(it.guid, it.url, it.title, it.text),
                content_hash(it.title, it.text),
                link_key(it.url),
            )
            for it in items
        ]

    t_hash, keys = best(repeat, hashes)
    keys_by_feed, k = [], 0
    for feed in feeds:
        keys_by_feed.append(keys[k : k + len(feed)])
        k += len(feed)
    rule = RuleConfig(name="r", concepts=["air_strike"], notify=["x"])
    engine = RuleEngine([rule], {})
    evaluate = engine.evaluate
    evaluate(None, {"title": "warm-up", "text": ""})  # builds the automaton
    t_rules, fired = best(
        repeat, lambda: sum(bool(evaluate("s", {"title": i.title, "text": i.text})) for i in items)
    )

    table = Item.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)

    def store() -> float:
        with tempfile.TemporaryDirectory(prefix="advisorywatch-floor-") as tmp:
            db = Database(f"sqlite:///{tmp}/floor.db")
            db.upgrade()
            sync_sources(db, configs)
            with db.session() as s:
                ids = dict(s.execute(select(Source.name, Source.id)).all())
            start, now = time.process_time(), utcnow()
            for first in range(0, len(feeds), 200):
                with db.session() as s:
                    for index in range(first, min(first + 200, len(feeds))):
                        rows = [
                            {
                                "source_id": ids[configs[index].name],
                                "identity": identity,
                                "guid": it.guid,
                                "url": it.url,
                                "title": it.title,
                                "text": it.text,
                                "content_hash": digest,
                                "published": it.published,
                                "first_seen": now,
                                "updated_at": now,
                                "link_key": link,
                                "advisory_country": None,
                                "advisory_level": None,
                            }
                            for it, (identity, digest, link) in zip(
                                feeds[index], keys_by_feed[index], strict=True
                            )
                        ]
                        s.connection().execute(statement, rows).all()
            elapsed = time.process_time() - start
            db.dispose()
            return elapsed

    t_store = min(store() for _ in range(repeat))
    return [
        ("parse (product's feed reader)", t_parse, f"{len(items)} items; bare lxml {t_lxml:.2f} s"),
        ("identity, content and link hashes", t_hash, f"{len(keys)} items"),
        ("rule evaluation (air_strike, 11 languages)", t_rules, f"{fired} items fire"),
        ("insert (Core INSERT ... RETURNING, SQLite)", t_store, f"{len(items)} rows"),
    ]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sources", type=int, default=1000)
    p.add_argument("--items", type=int, default=20)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    n = args.sources
    server = FixtureServer(
        ["--sources", str(n), "--hosts", str(max(1, n // 10)), "--items", str(args.items)]
    )
    try:
        urls = [s["url"] for s in server.get("/sources")]
        reference = Path(__file__).resolve().parent / "reference_client.py"
        ref_code = f"import runpy, sys; sys.argv = ['ref', '--control', {server.control!r}]; "
        ref_code += f"runpy.run_path({str(reference)!r}, run_name='__main__')"
        ref = min((child(ref_code) for _ in range(args.repeat)), key=lambda r: r[0])
        start = min((child(_START) for _ in range(args.repeat)), key=lambda r: r[0])
        crawls = [json.loads(child(_SCRAPY, json.dumps(urls))[2]) for _ in range(args.repeat)]
        crawl = min(crawls, key=lambda c: float(c["seconds"]))
        steps = in_process(urls, args.repeat)
    finally:
        server.stop()
    rows = [
        ("python start + imports of run --once", start[0], f"CPU {start[1]:.2f} s"),
        ("Scrapy crawl, body discarded", crawl["seconds"], f"{crawl['responses']} responses"),
        *steps,
    ]
    print(f"floor of a cold pass, {n} feeds x {args.items} items, best of {args.repeat}")
    print(f"reference client (aiohttp + lxml, whole process): {ref[0]:.2f} s wall, {ref[2]}")
    print("| step | seconds | x reference | note |\n|---|---|---|---|")
    for name, seconds, note in rows:
        print(f"| {name} | {seconds:.2f} | {seconds / ref[0]:.1f}x | {note} |")
    total = sum(seconds for _, seconds, _ in rows)
    print(f"| **sum** | **{total:.2f}** | **{total / ref[0]:.1f}x** | target 6x |")


if __name__ == "__main__":
    main()
