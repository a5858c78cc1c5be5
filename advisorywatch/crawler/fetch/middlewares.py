"""Downloader middlewares: only http(s), even across redirects; retries that back off and
honour ``Retry-After`` (Scrapy's own RetryMiddleware retries at once); and Scrapy's robots.txt
and decompression middlewares raising exceptions of their own, so that
:func:`~advisorywatch.crawler.fetch.safety.failure_kind` tells their refusals apart by type."""

from __future__ import annotations

import asyncio
import random
from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.response import response_status_message

from advisorywatch.crawler.fetch.safety import (
    DecompressedTooLarge,
    RobotsDenied,
    UnsafeRequest,
    unsafe_scheme,
)
from advisorywatch.retry_after import retry_after_seconds

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_BACKOFF_SECONDS = 60.0


class SchemeGuardMiddleware:
    """Refuse any request, and any redirect, to a scheme other than http or https.

    Scrapy's RedirectMiddleware silently hands back the 3xx for such a redirect; this turns it
    into a clear source error. Sits at a higher number than RedirectMiddleware (600) so that it
    sees the 3xx first."""

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        scheme = unsafe_scheme(request.url)
        if scheme:
            raise UnsafeRequest(
                f"refusing {request.url}: scheme {scheme!r} is not allowed (only http, https)"
            )

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        location = response.headers.get(b"Location")
        if response.status in REDIRECT_STATUSES and location:
            target = urljoin(request.url, location.decode("latin-1").strip())
            scheme = unsafe_scheme(target)
            if scheme:
                raise UnsafeRequest(
                    f"{request.url} redirects to {target}: scheme {scheme!r} is not allowed "
                    "(only http, https)"
                )
        return response


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware with exponential backoff and jitter between attempts, and
    ``Retry-After`` honoured on 429 and 503 up to ``RETRY_AFTER_MAX`` seconds (longer: give up
    now rather than hold the crawl)."""

    def __init__(self, settings: object) -> None:
        super().__init__(settings)  # type: ignore[arg-type]
        get = settings.getfloat  # type: ignore[attr-defined]
        self.base = get("RETRY_BACKOFF_BASE")
        self.retry_after_max = get("RETRY_AFTER_MAX")

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        delay = self._backoff(request)
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is not None:
            if wait > self.retry_after_max:
                return response
            delay = max(delay, wait)
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await asyncio.sleep(delay)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await asyncio.sleep(self._backoff(request))
        return retry

    def _backoff(self, request: Request) -> float:
        attempt = int(request.meta.get("retry_times", 0))
        return float(min(self.base * 2**attempt, MAX_BACKOFF_SECONDS) * random.uniform(0.8, 1.2))


class RobotsMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, raising :class:`RobotsDenied` for a forbidden URL."""

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as exc:  # its only one: robots.txt forbids the URL
            raise RobotsDenied(str(exc)) from exc


class DecompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression, raising :class:`DecompressedTooLarge` when the decompressed
    body passes ``DOWNLOAD_MAXSIZE``."""

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:  # its only one: the size cap during decompression
            raise DecompressedTooLarge(str(exc)) from exc
