"""A feed server for benchmarks: N sources x M items on many loopback addresses.

    .venv/bin/python bench/fixture_server.py --sources 1000 --items 20 [--hosts 100]
        [--format rss|atom|mixed] [--slow 10 --failing 5 --reset 0 --hanging 0]

Sources are spread over ``--hosts`` loopback addresses (127.0.0.2, 127.0.0.3, ...; Linux
routes all of 127/8 to lo without setup), each with its own port, so per-host politeness
applies as it would on the internet. Item text is real advisory and news text from
tests/fixtures (11 languages), and ``--alert-rate`` of items carry an ``air_strike`` term.
Every feed has a strong ETag and a Last-Modified and answers 304 when either matches.

Faults are chosen once, by seed, among the sources: ``--slow`` % answer after
``--slow-seconds``, ``--failing`` % answer 500, ``--reset`` % drop the connection,
``--hanging`` % answer after ``--hang-seconds``. /robots.txt allows everything.

The control server on 127.0.0.1 (its URL is the first line printed, as JSON):

- ``GET /sources``: every source's name, url and fault, as JSON;
- ``POST /publish?percent=P`` (or ``?source=I[&alert=1]``): a new item on top of P % of the
  sources (chosen by seed, without repeats until all were chosen), or of source I (with
  ``alert=1`` one that fires the rule, titled ``[AWB<serial>] ...``); answers the items
  with their time;
- ``POST /notify``: a sink for Apprise ``json://``; ``GET /notifications`` lists what arrived
  with the arrival time; ``GET /stats``: responses served by status; ``GET
  /requests-by-source?since=T``: every feed request's time, per source.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import functools
import hashlib
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml
from aiohttp import web
from lxml import etree, html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests/fixtures"
LEXICON = ROOT / "advisorywatch/rules/lexicon/air_strike.yaml"
FAULTS = ("slow", "failing", "reset", "hanging")
_ATOM = "{http://www.w3.org/2005/Atom}"


def text_pool() -> list[tuple[str, str]]:
    """(title, text) of every item in the RSS and Atom fixtures, markup stripped, each
    fixture decoded as the product decodes it (one says ISO-8859-1 and is UTF-8: read as
    declared, its text would be mojibake, which sends a feed to feedparser)."""
    from advisorywatch.crawler.sources.text.decode import xml_as_utf8

    pool: list[tuple[str, str]] = []
    parser = etree.XMLParser(recover=True, resolve_entities=False)
    for path in sorted(FIXTURES.glob("*")):
        if path.suffix not in (".xml", ".atom"):
            continue
        root = etree.fromstring(xml_as_utf8(path.read_bytes()), parser)
        if root is None:
            continue
        for item in root.iter("item", f"{_ATOM}entry"):
            title = _text(item, ("title", f"{_ATOM}title"))
            body = _text(item, ("description", f"{_ATOM}summary", f"{_ATOM}content"))
            if title and body:
                pool.append((title, body))
    return pool


def _text(item: etree._Element, tags: tuple[str, ...]) -> str:
    for tag in tags:
        found = item.find(tag)
        if found is not None and (found.text or "").strip():
            raw = found.text or ""
            plain = html.fromstring(raw).text_content() if "<" in raw else raw
            return re.sub(r"\s+", " ", plain).strip()
    return ""


def alert_terms() -> list[str]:
    data = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    return [t for terms in data["terms"].values() for t in terms]


@functools.cache
def _engine() -> Any:
    from advisorywatch.rules.config import RuleConfig
    from advisorywatch.rules.engine import RuleEngine

    return RuleEngine([RuleConfig(name="r", concepts=["air_strike"], notify=["x"])], {})


def fires(item: tuple[str, str]) -> bool:
    """Whether the benchmark's rule (the built-in ``air_strike`` concept) fires on the item."""
    return bool(_engine().evaluate(None, {"title": item[0], "text": item[1]}))


@dataclass
class Item:
    guid: str
    title: str
    text: str
    published: float


@dataclass
class Source:
    index: int
    host: str
    fault: str | None = None
    items: list[Item] = field(default_factory=list)
    modified: float = 0.0
    body: bytes = b""
    etag: str = ""

    @property
    def name(self) -> str:
        return f"bench-{self.index:05d}"


class Fixtures:
    """The sources' content, rendered once per change."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.rng = random.Random(args.seed)
        self.items_per_feed: int = args.items
        self.format: str = args.format
        self.alert_rate: float = args.alert_rate
        # Quiet text is text the benchmark's rule does not fire on; alerts come at --alert-rate.
        self.quiet = [p for p in text_pool() if not fires(p)]
        self.terms = alert_terms()
        self.hosts = [_loopback(i) for i in range(min(args.hosts, args.sources))]
        self.sources = [Source(i, self.hosts[i % len(self.hosts)]) for i in range(args.sources)]
        order = list(range(args.sources))
        self.rng.shuffle(order)
        start = 0
        for fault in FAULTS:
            count = round(args.sources * getattr(args, fault) / 100)
            for i in order[start : start + count]:
                self.sources[i].fault = fault
            start += count
        self._publish_order: list[int] = []
        self.serial = 0
        now = time.time()
        for source in self.sources:
            for k in range(self.items_per_feed):
                source.items.append(self.new_item(now - 3600 * (k + 1)))
            self.render(source, now - 3600)

    def new_item(self, when: float, alert: bool = False) -> Item:
        """An item; with ``alert`` one that fires the rule, its title tagged ``[AWB<serial>]``
        so its notification can be told apart."""
        self.serial += 1
        title, text = self.rng.choice(self.quiet)
        extra = self.rng.choice(self.quiet)[1]
        text = f"{text} {extra}"
        if alert or self.rng.random() < self.alert_rate:
            text = f"{text} Reports of {self.rng.choice(self.terms)} near the city centre."
        if alert:
            title = f"[AWB{self.serial}] {title}"
        return Item(f"urn:bench:item:{self.serial}", title, text, when)

    def publish(self, percent: float) -> list[tuple[Source, Item]]:
        count = max(1, round(len(self.sources) * percent / 100))
        published = []
        for _ in range(count):
            if not self._publish_order:
                self._publish_order = list(range(len(self.sources)))
                self.rng.shuffle(self._publish_order)
            published.append(self.publish_to(self.sources[self._publish_order.pop()]))
        return published

    def publish_to(self, source: Source, alert: bool = False) -> tuple[Source, Item]:
        now = time.time()
        item = self.new_item(now, alert)
        source.items.insert(0, item)
        del source.items[self.items_per_feed :]
        self.render(source, now)
        return source, item

    def render(self, source: Source, modified: float) -> None:
        fmt = self.format
        if fmt == "mixed":
            fmt = "atom" if source.index % 2 else "rss"
        body = _atom(source) if fmt == "atom" else _rss(source)
        source.body = body.encode("utf-8")
        source.etag = '"' + hashlib.sha1(source.body).hexdigest()[:20] + '"'
        source.modified = int(modified)

    def path(self, source: Source) -> str:
        fmt = self.format
        if fmt == "mixed":
            fmt = "atom" if source.index % 2 else "rss"
        return f"/s/{source.index}/feed.{'atom' if fmt == 'atom' else 'xml'}"


def _loopback(i: int) -> str:
    n = i + 2  # 127.0.0.1 is the control server's
    return f"127.0.{n // 254}.{n % 254 + 1}" if n >= 254 else f"127.0.0.{n}"


def _date(ts: float) -> str:
    from datetime import UTC, datetime

    return format_datetime(datetime.fromtimestamp(ts, UTC), usegmt=True)


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def _rss(source: Source) -> str:
    link = f"http://{source.host}/s/{source.index}/"
    items = "".join(
        f"<item><title>{escape(i.title)}</title><link>{link}{i.guid.rsplit(':', 1)[1]}</link>"
        f'<guid isPermaLink="false">{i.guid}</guid><pubDate>{_date(i.published)}</pubDate>'
        f"<description>{escape(i.text)}</description></item>\n"
        for i in source.items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{source.name}</title><link>{link}</link>"
        f"<description>Benchmark source {source.index}</description>\n{items}</channel></rss>\n"
    )


def _atom(source: Source) -> str:
    link = f"http://{source.host}/s/{source.index}/"
    entries = "".join(
        f'<entry><title>{escape(i.title)}</title><link href="{link}{i.guid.rsplit(":", 1)[1]}"/>'
        f"<id>{i.guid}</id><updated>{_iso(i.published)}</updated>"
        f"<summary>{escape(i.text)}</summary></entry>\n"
        for i in source.items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{source.name}</title><id>{link}</id><updated>{_iso(source.modified)}</updated>"
        f'<link href="{link}"/>\n{entries}</feed>\n'
    )


class Server:
    def __init__(self, fixtures: Fixtures, args: argparse.Namespace) -> None:
        self.fx = fixtures
        self.slow_seconds: float = args.slow_seconds
        self.hang_seconds: float = args.hang_seconds
        self.stats: dict[str, int] = {}
        self.requested: list[float] = []  # when each feed request arrived (time.time())
        self.by_source: dict[int, list[float]] = {}  # the same, per source index
        self.notifications: list[dict[str, Any]] = []
        self.ports: dict[str, int] = {}

    def url(self, source: Source) -> str:
        return f"http://{source.host}:{self.ports[source.host]}{self.fx.path(source)}"

    def _count(self, key: str) -> None:
        self.stats[key] = self.stats.get(key, 0) + 1

    async def feed(self, request: web.Request) -> web.StreamResponse:
        self.requested.append(time.time())
        index = int(request.match_info["index"])
        if not 0 <= index < len(self.fx.sources):
            raise web.HTTPNotFound()
        self.by_source.setdefault(index, []).append(self.requested[-1])
        source = self.fx.sources[index]
        if source.fault == "slow":
            await asyncio.sleep(self.slow_seconds)
        elif source.fault == "hanging":
            await asyncio.sleep(self.hang_seconds)
        elif source.fault == "failing":
            self._count("500")
            return web.Response(status=500, text="internal error (benchmark fault)")
        elif source.fault == "reset":
            self._count("reset")
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError
        headers = {
            "ETag": source.etag,
            "Last-Modified": _date(source.modified),
            "Cache-Control": "no-cache",
        }
        if self._not_modified(request, source):
            self._count("304")
            return web.Response(status=304, headers=headers)
        self._count("200")
        content_type = "application/atom+xml" if "atom" in request.path else "application/rss+xml"
        headers["Content-Type"] = f"{content_type}; charset=utf-8"
        return web.Response(body=source.body, headers=headers)

    @staticmethod
    def _not_modified(request: web.Request, source: Source) -> bool:
        tags = request.headers.get("If-None-Match")
        if tags is not None:
            return source.etag in [t.strip() for t in tags.split(",")]
        since = request.headers.get("If-Modified-Since")
        if since:
            try:
                return parsedate_to_datetime(since).timestamp() >= source.modified
            except (TypeError, ValueError):
                return False
        return False

    async def robots(self, request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nAllow: /\n")

    async def list_sources(self, request: web.Request) -> web.Response:
        return web.json_response(
            [
                {"name": s.name, "url": self.url(s), "fault": s.fault, "host": s.host}
                for s in self.fx.sources
            ]
        )

    async def publish(self, request: web.Request) -> web.Response:
        if "source" in request.query:
            source = self.fx.sources[int(request.query["source"])]
            published = [self.fx.publish_to(source, request.query.get("alert") == "1")]
        else:
            published = self.fx.publish(float(request.query.get("percent", "10")))
        return web.json_response(
            [
                {"source": s.name, "guid": i.guid, "title": i.title, "published": i.published}
                for s, i in published
            ]
        )

    async def notify(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.notifications.append({"received": time.time(), "body": body})
        return web.json_response({"ok": True})

    async def list_notifications(self, request: web.Request) -> web.Response:
        return web.json_response(self.notifications)

    async def get_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats)

    async def request_count(self, request: web.Request) -> web.Response:
        return web.json_response(len(self.requested))

    async def requests_by_source(self, request: web.Request) -> web.Response:
        """Every feed request after ``since`` (epoch seconds), as {source name: [times]}."""
        since = float(request.query.get("since", "0"))
        return web.json_response(
            {
                self.fx.sources[i].name: [t for t in times if t > since]
                for i, times in self.by_source.items()
            }
        )

    async def first_request(self, request: web.Request) -> web.Response:
        """When the first feed request after ``since`` (epoch seconds) arrived, or null."""
        at = bisect.bisect_right(self.requested, float(request.query.get("since", "0")))
        return web.json_response(self.requested[at] if at < len(self.requested) else None)


async def serve(args: argparse.Namespace) -> None:
    server = Server(Fixtures(args), args)
    feeds = web.Application()
    feeds.router.add_get("/s/{index}/{file}", server.feed)
    feeds.router.add_get("/robots.txt", server.robots)
    control = web.Application()
    control.router.add_get("/sources", server.list_sources)
    control.router.add_post("/publish", server.publish)
    control.router.add_post("/notify", server.notify)
    control.router.add_get("/notifications", server.list_notifications)
    control.router.add_get("/stats", server.get_stats)
    control.router.add_get("/first-request", server.first_request)
    control.router.add_get("/requests", server.request_count)
    control.router.add_get("/requests-by-source", server.requests_by_source)
    runners = [web.AppRunner(feeds, access_log=None), web.AppRunner(control, access_log=None)]
    for runner in runners:
        await runner.setup()
    for host in server.fx.hosts:
        site = web.TCPSite(runners[0], host, 0, backlog=1024)
        await site.start()
        server.ports[host] = _port(site)
    site = web.TCPSite(runners[1], "127.0.0.1", args.port)
    await site.start()
    print(json.dumps({"control": f"http://127.0.0.1:{_port(site)}"}), flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        for runner in runners:
            await runner.cleanup()


def _port(site: web.TCPSite) -> int:
    server = site._server  # aiohttp keeps the bound socket here; port 0 picks a free one
    assert isinstance(server, asyncio.base_events.Server)
    port: int = server.sockets[0].getsockname()[1]
    return port


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sources", type=int, default=100)
    p.add_argument("--items", type=int, default=20)
    p.add_argument("--hosts", type=int, default=10, help="loopback addresses to spread over")
    p.add_argument("--format", choices=["rss", "atom", "mixed"], default="rss")
    p.add_argument("--alert-rate", type=float, default=0.03, help="items with an alert term")
    p.add_argument("--port", type=int, default=0, help="control server port (0: any)")
    p.add_argument("--seed", type=int, default=7)
    for fault in FAULTS:
        p.add_argument(f"--{fault}", type=float, default=0, help=f"%% of sources {fault}")
    p.add_argument("--slow-seconds", type=float, default=2)
    p.add_argument("--hang-seconds", type=float, default=10)
    return p.parse_args(argv)


def main() -> None:
    try:
        asyncio.run(serve(parse_args()))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
