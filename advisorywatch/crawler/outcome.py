"""What one fetch of one source produced, handed from the crawler to storage."""

from __future__ import annotations

from dataclasses import dataclass, field

from advisorywatch.crawler.sources.base import ParsedItem


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
    error_kind: str | None = None  # see crawler.safety: blocked, timeout, too_large...

    @property
    def ok(self) -> bool:
        return self.error is None
