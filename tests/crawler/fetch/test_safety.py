"""Hostile and broken servers, one run: each source ends in the right health status and error
kind, and the healthy source next to them still delivers. Then the kinds by exception type,
for the failures a test server cannot cause on demand."""

from __future__ import annotations

import gzip
import json
import zlib

import brotli
import pytest
from hostile import BILLION_LAUGHS, BOMB_BYTES
from rawserver import RawHttpServer, Reply
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet.defer import CancelledError
from twisted.internet.error import ConnectionDone, DNSLookupError
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from advisorywatch.crawler.fetch.safety import (
    DecompressedTooLarge,
    RobotsDenied,
    UnsafeRequest,
    describe_failure,
    failure_kind,
)
from advisorywatch.model import ErrorKind

from conftest import FeedServer, Project, Sink, fixture_bytes, rss

FEED = rss([{"guid": "g1", "title": "Serangan udara di Kyiv", "description": "x"}])
HTML = {"Content-Type": "text/html; charset=utf-8"}


def _config(sources: dict[str, str], sink: Sink, extra: str = "") -> str:
    lines = "\n".join(f'  - {{name: {n}, type: feed, url: "{u}"}}' for n, u in sources.items())
    return f"""
database: {{url: "sqlite:///state.db"}}
crawler:
  timeout_seconds: 2
  max_bytes: 1000000
  retries: 0
  delay_seconds: 0
  autothrottle: false
  user_agent_contact: "mailto:ops@example.org"
sources:
{lines}
rules:
  - {{name: air-strike, concepts: [air_strike], notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
{extra}"""


def _health(project: Project) -> dict[str, dict[str, object]]:
    out = project.cli("sources", "--json")
    assert out.returncode == 0, out.stderr
    return {r["name"]: r for r in json.loads(out.stdout)}


def test_each_failure_gets_its_status_while_the_good_source_delivers(
    project: Project, raw_server: RawHttpServer, feeds: FeedServer, sink: Sink
) -> None:
    r = raw_server.route
    sources = {
        "good": feeds.put("/good.xml", FEED),
        "forbidden": r(
            "/cf403", Reply(403, HTML, fixture_bytes("blockpage_cloudfront_403_SYNTHETIC.html"))
        ),
        "challenge": r(
            "/challenge",
            Reply(200, HTML, fixture_bytes("blockpage_cloudflare_challenge_SYNTHETIC.html")),
        ),
        "ratelimited": r("/429", Reply(429, {"Retry-After": "3600"}, b"slow down")),
        "error500": r("/500", Reply(500, {}, b"oops")),
        "reset": r("/reset", Reply(200, {"ETag": '"r"'}, FEED.encode() * 50, action="reset")),
        "short": r("/short", Reply(200, {"ETag": '"s"', "Content-Length": "99999"}, FEED.encode())),
        "gzipbomb": r(
            "/gz",
            Reply(200, {"Content-Encoding": "gzip"}, gzip.compress(b"\0" * BOMB_BYTES)),
        ),
        "deflatebomb": r(
            "/deflate",
            Reply(200, {"Content-Encoding": "deflate"}, zlib.compress(b"\0" * BOMB_BYTES)),
        ),
        "brbomb": r(
            "/br", Reply(200, {"Content-Encoding": "br"}, brotli.compress(b"\0" * BOMB_BYTES))
        ),
        "huge": r("/huge", Reply(200, {}, b" " * 2_000_000)),
        "laughs": r("/laughs", Reply(200, {"Content-Type": "application/rss+xml"}, BILLION_LAUGHS)),
        "hang": r("/hang", Reply(action="hang")),
        "drip": r("/drip", Reply(action="drip")),
        "tofile": r("/tofile", Reply(302, {"Location": "file:///etc/passwd"})),
    }
    project.write_config(_config(sources, sink))

    result = project.cli("run", "--once", timeout=60)

    assert result.returncode == 1
    assert len(sink.received) == 1 and "Serangan udara" in sink.received[0]["title"]
    health = _health(project)
    expected = {
        "good": ("ok", None),
        "forbidden": ("blocked", "blocked"),
        "challenge": ("blocked", "blocked"),
        "ratelimited": ("blocked", "blocked"),
        "error500": ("failing", "http"),
        "reset": ("failing", "truncated"),
        "short": ("failing", "truncated"),
        "gzipbomb": ("failing", "too_large"),
        "deflatebomb": ("failing", "too_large"),
        "brbomb": ("failing", "too_large"),
        "huge": ("failing", "too_large"),
        "laughs": ("failing", "unsafe"),
        "hang": ("failing", "timeout"),
        "drip": ("failing", "timeout"),
        "tofile": ("failing", "unsafe"),
    }
    got = {n: (h["status"], h["last_error_kind"]) for n, h in health.items()}
    assert got == expected, {n: health[n]["last_error"] for n in health}
    assert health["good"]["items_last_run"] == 1
    assert health["good"]["consecutive_failures"] == 0
    assert all(health[n]["consecutive_failures"] == 1 for n in expected if n != "good")
    assert "file:///etc/passwd" in str(health["tofile"]["last_error"])
    assert "only http, https" in str(health["tofile"]["last_error"])
    assert "Cloudflare" in str(health["challenge"]["last_error"])
    assert "truncated" in str(health["reset"]["last_error"])
    assert "<!ENTITY" in str(health["laughs"]["last_error"])
    assert "tofile: FAILED" in result.stdout and "file:///etc/passwd" in result.stdout
    # A 429 whose Retry-After is beyond max_retry_after_seconds is not waited for.
    assert len(raw_server.hits("/429")) == 1
    # Nothing from a failed fetch was stored: no items, no validators.
    assert project.sql("SELECT count(*) FROM items") == [(1,)]
    etags = dict(project.sql("SELECT name, etag FROM sources"))
    assert etags["good"] and all(etags[n] is None for n in expected if n != "good")


def _caused(exc: BaseException, cause: BaseException) -> BaseException:
    """``exc`` as raised ``from cause`` (how Scrapy wraps Twisted's errors)."""
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (UnsafeRequest("refusing file:///etc/passwd"), ErrorKind.UNSAFE),
        (RobotsDenied("Forbidden by robots.txt"), ErrorKind.ROBOTS),
        (DecompressedTooLarge("exceeded DOWNLOAD_MAXSIZE"), ErrorKind.TOO_LARGE),
        (IgnoreRequest("max redirections reached"), ErrorKind.NETWORK),
        # Words in a message decide nothing: the type does.
        (IgnoreRequest("Forbidden by robots.txt"), ErrorKind.NETWORK),
        (IgnoreRequest("exceeded DOWNLOAD_MAXSIZE"), ErrorKind.NETWORK),
        (DownloadTimeoutError("took longer than 2.0 seconds"), ErrorKind.TIMEOUT),
        (TxTimeoutError(), ErrorKind.TIMEOUT),
        (TimeoutError(), ErrorKind.TIMEOUT),
        (DownloadCancelledError("Expected to receive 2000000 bytes"), ErrorKind.TOO_LARGE),
        (_caused(DownloadCancelledError(), CancelledError()), ErrorKind.TOO_LARGE),
        (CancelledError(), ErrorKind.TOO_LARGE),
        (ResponseDataLossError(), ErrorKind.TRUNCATED),
        (ResponseFailed([Failure(ConnectionDone())]), ErrorKind.TRUNCATED),
        (ResponseNeverReceived([Failure(ConnectionDone())]), ErrorKind.NETWORK),
        (_caused(DownloadFailedError(), ResponseNeverReceived([])), ErrorKind.NETWORK),
        (DownloadConnectionRefusedError("refused"), ErrorKind.NETWORK),
        (DNSLookupError("no such host"), ErrorKind.NETWORK),
        (ValueError("anything else"), ErrorKind.NETWORK),
        (None, ErrorKind.NETWORK),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException | None) else str(v),
)
def test_failure_kind_by_exception_type(exc: BaseException | None, kind: ErrorKind) -> None:
    assert failure_kind(exc) == kind


def test_failure_messages_name_the_url_and_explain_bare_exceptions() -> None:
    url = "http://feeds.example.org/feed.xml"
    unsafe = UnsafeRequest("refusing file:///x: scheme 'file' is not allowed (only http, https)")
    assert describe_failure(unsafe, url) == (ErrorKind.UNSAFE, str(unsafe))
    assert describe_failure(ResponseDataLossError(), url) == (
        ErrorKind.TRUNCATED,
        f"fetching {url} failed: ResponseDataLossError: the body was truncated "
        "(connection lost or shorter than its Content-Length)",
    )
    assert describe_failure(RobotsDenied("Forbidden by robots.txt"), url) == (
        ErrorKind.ROBOTS,
        f"fetching {url} failed: RobotsDenied: Forbidden by robots.txt",
    )
