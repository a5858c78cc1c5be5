"""The Scrapy spider: one request per source URL, conditional GET, and each response handed to
its source type and then to its batch's ``on_outcome`` coroutine (storage), source by source.

The spider stays open as long as it is fed: ``start()`` takes batches of jobs from a queue
until it gets ``None`` (Scrapy keeps a spider open while ``start()`` has not finished)."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from advisorywatch.crawler.fetch import safety
from advisorywatch.crawler.fetch.guard import ALLOWANCE_META, allowance, note_allowance
from advisorywatch.crawler.sources.base import (
    Fetched,
    FollowUp,
    ParseResult,
    SourceError,
    SourceType,
)
from advisorywatch.model import ErrorKind, FetchOutcome, ParsedItem
from advisorywatch.redaction import redact

# Statuses our callback sees instead of Scrapy dropping them: 304 and every error.
_HANDLED_STATUSES = [304, *range(400, 600)]
MAX_ERROR_BODY = 200
# Follow-up requests (next pages, article pages) one source may make in one crawl.
MAX_FOLLOW_UPS = 100
# Threads that parse responses, instead of asyncio's default pool (up to 32 threads, shared
# with the sends): the parsing holds the GIL but for lxml's own parse, and each further thread
# left more of the C allocator's heap fragmented at a cold pass's peak, for no faster pass
# (bench/README.md, "Daemon memory, seventh round").
PARSE_THREADS = 2
_parsers = ThreadPoolExecutor(PARSE_THREADS, thread_name_prefix="parse")
P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class SourceJob:
    source: SourceType
    etag: str | None = None
    last_modified: str | None = None


OnOutcome = Callable[[FetchOutcome], Awaitable[None]]
# How a start URL's response is parsed: by default in a thread (runtime/workers.py: in a
# worker process).
Parse = Callable[[SourceType, Fetched], Awaitable[ParseResult]]


async def in_parse_thread(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``asyncio.to_thread``, on one of the parsing threads."""
    call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_parsers, call)


async def parse_in_thread(source: SourceType, fetched: Fetched) -> ParseResult:
    return await in_parse_thread(source.parse_result, fetched)


class Batch:
    """The jobs of one ``CrawlRunner.crawl`` call: where their outcomes go, and ``done`` once
    every start URL has had its outcome stored, or the crawl ended without them (``abandon``).
    An outcome that arrives after that is dropped: its caller has moved on."""

    def __init__(
        self, jobs: list[SourceJob], on_outcome: OnOutcome, parse: Parse = parse_in_thread
    ) -> None:
        self.fetches = [(job, url) for job in jobs for url in job.source.start_urls()]
        self._on_outcome = on_outcome
        self.parse = parse
        self._left = len(self.fetches)
        self.done = asyncio.Event()
        if not self._left:
            self.done.set()

    async def deliver(self, outcome: FetchOutcome) -> None:
        if self.done.is_set():
            return
        try:
            await self._on_outcome(outcome)
        finally:
            self._left -= 1
            if self._left == 0:
                self.done.set()

    def abandon(self) -> None:
        self.done.set()


Batches = asyncio.Queue[Batch | None]


class SourcesSpider(scrapy.Spider):
    name = "advisorywatch"

    def __init__(self, batches: Batches, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.batches = batches

    async def start(self) -> AsyncIterator[scrapy.Request]:
        while (batch := await self.batches.get()) is not None:
            metas = [_request_meta(job) for job, _ in batch.fetches]
            note_allowance(o for meta in metas for o in meta[ALLOWANCE_META])
            for (job, url), meta in zip(batch.fetches, metas, strict=True):
                yield scrapy.Request(
                    url,
                    headers=_request_headers(job),
                    callback=self.parse,
                    errback=self.failed,
                    cb_kwargs={"job": job, "batch": batch},
                    dont_filter=True,
                    meta=meta,
                )

    async def parse(self, response: Response, job: SourceJob, batch: Batch) -> None:
        name = job.source.config.name
        headers = _headers(response)
        outcome = FetchOutcome(
            source=name,
            url=response.url,
            status=response.status,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
        )
        blocked = safety.block_page(response.status, headers, response.body)
        if response.status == 304:
            outcome.not_modified = True
            outcome.etag = outcome.etag or job.etag
            outcome.last_modified = outcome.last_modified or job.last_modified
        elif blocked:
            _fail(outcome, ErrorKind.BLOCKED, f"{blocked} from {response.url} (blocked)")
        elif response.status >= 400:
            _fail(outcome, ErrorKind.HTTP, f"HTTP {response.status} from {response.url}")
        elif safety.entity_declaration(response.body):
            _fail(
                outcome,
                ErrorKind.UNSAFE,
                f"{response.url} declares XML entities (<!ENTITY); refused as unsafe",
            )
        else:
            try:
                outcome.items = await self._parse_and_follow(
                    job, Fetched(response.url, response.status, headers, response.body), batch.parse
                )
            except SourceError as exc:
                _fail(outcome, ErrorKind.PARSE, str(exc))
            except safety.UnsafeAddress as exc:  # a follow-up to a refused address
                _fail(outcome, ErrorKind.UNSAFE, f"{exc} (a link on {response.url})")
            except Exception as exc:  # a parser bug in one source must not stop the others
                self.logger.exception("source %s: parser failed on %s", name, response.url)
                _fail(outcome, ErrorKind.PARSE, f"parser failed: {type(exc).__name__}: {exc}")
        await batch.deliver(outcome)

    async def failed(self, failure: Failure) -> None:
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]
        job: SourceJob = request.cb_kwargs["job"]
        outcome = FetchOutcome(source=job.source.config.name, url=request.url)
        _fail(outcome, *safety.describe_failure(failure.value, request.url))
        await request.cb_kwargs["batch"].deliver(outcome)

    async def _parse_and_follow(
        self, job: SourceJob, fetched: Fetched, parse: Parse
    ) -> list[ParsedItem]:
        """Parse a response and fetch the follow-ups the source asks for, breadth first, so a
        source's pages and articles end up in one outcome. A failed follow-up keeps its
        fallback items; the first response's SourceError fails the whole fetch. ``parse`` runs in
        a worker thread or process: a large feed must not stall the loop. A follow-up to an
        address the source may not reach fails the whole fetch (UnsafeAddress): the page is
        hostile."""
        result = await parse(job.source, fetched)
        items, queue = list(result.items), list(result.follow)
        seen, budget = {fetched.url}, MAX_FOLLOW_UPS
        while queue and budget > 0:
            batch: list[FollowUp] = []
            for f in queue:
                if f.url not in seen and len(batch) < budget:
                    seen.add(f.url)
                    batch.append(f)
            queue = []
            budget -= len(batch)
            for got in await asyncio.gather(*(self._follow(job, f) for f in batch)):
                items.extend(got.items)
                queue.extend(got.follow)
        if left := [f for f in queue if f.url not in seen]:
            self.logger.warning(
                "source %s: stopped after %d follow-ups, %d left unfetched",
                job.source.config.name,
                MAX_FOLLOW_UPS,
                len(left),
            )
            items.extend(item for f in left for item in f.fallback)
        return items

    async def _follow(self, job: SourceJob, follow: FollowUp) -> ParseResult:
        name = job.source.config.name
        try:
            response = await self.crawler.engine.download_async(
                scrapy.Request(follow.url, dont_filter=True, meta=_fetch_meta(job))
            )
            if response.status >= 400:
                raise SourceError(f"HTTP {response.status} from {response.url}")
            fetched = Fetched(response.url, response.status, _headers(response), response.body)
            return await in_parse_thread(follow.parse, fetched)
        except safety.UnsafeAddress:
            raise
        except Exception as exc:  # one bad page must not lose the rest of the crawl
            self.logger.warning("source %s: follow-up %s failed: %s", name, follow.url, exc)
            return ParseResult(list(follow.fallback))


def _headers(response: Response) -> dict[str, str]:
    """The response's headers with lower-case names, repeated ones joined with commas (as
    Scrapy's ``to_unicode_dict``, without its case-insensitive dict: this runs per response)."""
    encoding = response.headers.encoding
    return {
        name.decode(encoding).lower(): b",".join(values).decode(encoding)
        for name, values in response.headers.items()
    }


def _request_headers(job: SourceJob) -> dict[str, str]:
    headers = dict(job.source.config.headers)
    if job.etag:
        headers["If-None-Match"] = job.etag
    if job.last_modified:
        headers["If-Modified-Since"] = job.last_modified
    return headers


def _request_meta(job: SourceJob) -> dict[str, Any]:
    meta = _fetch_meta(job)
    meta["handle_httpstatus_list"] = _HANDLED_STATUSES
    if not job.source.config.robots:
        meta["dont_obey_robotstxt"] = True
    return meta


def _fetch_meta(job: SourceJob) -> dict[str, Any]:
    """What the source's start requests and follow-ups share: the proxy, and the origins they
    may reach on private addresses (guard.py)."""
    cfg = job.source.config
    meta: dict[str, Any] = {ALLOWANCE_META: allowance(job.source.start_urls(), cfg.allow_private)}
    if cfg.proxy:
        meta["proxy"] = cfg.proxy
    return meta


def _fail(outcome: FetchOutcome, kind: ErrorKind, message: str) -> None:
    outcome.error_kind, outcome.error = kind, redact(message)[:500]
