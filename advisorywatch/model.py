"""The types handed from one step of the flow to the next (crawler -> ingest -> notifier), and
the states they carry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Severity = Literal["info", "warning", "critical"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "critical": 2}

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


@dataclass(frozen=True, slots=True)
class AdvisoryLevel:
    """A travel-advisory level as a source publishes it, mapped onto one scale:
    1 normal precautions, 2 increased caution, 3 reconsider travel, 4 do not travel."""

    country: str  # as the issuer names it, e.g. "Ukraine"
    level: int
    label: str  # the issuer's own wording, e.g. "Level 4: Do Not Travel"
    issuer: str  # e.g. "US State Department"


@dataclass(slots=True)
class ParsedItem:
    """One entry of a source, before identity and storage."""

    title: str
    text: str
    url: str | None = None
    guid: str | None = None
    published: datetime | None = None
    advisory: AdvisoryLevel | None = None
    extra: dict[str, Any] = field(default_factory=dict)


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
