"""What one fetch of one source produced, handed from the crawler to storage."""

from __future__ import annotations

from dataclasses import dataclass, field

from advisorywatch.crawler.sources.base import ParsedItem

# Error kinds. "blocked" (a block page) makes a source's health status ``blocked``; every
# other kind ``failing``.
BLOCKED, HTTP, NETWORK, TIMEOUT, TOO_LARGE, TRUNCATED, UNSAFE, ROBOTS, PARSE = (
    "blocked",
    "http",
    "network",
    "timeout",
    "too_large",
    "truncated",
    "unsafe",
    "robots",
    "parse",
)


@dataclass(slots=True)
class FetchOutcome:
    source: str
    url: str
    status: int | None = None
    items: list[ParsedItem] = field(default_factory=list)
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    error_kind: str | None = None  # one of the kinds above

    @property
    def ok(self) -> bool:
        return self.error is None
