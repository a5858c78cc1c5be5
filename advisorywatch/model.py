"""The types handed from one step of the flow to the next (crawler -> ingest -> notifier), and
the states they carry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

Severity = Literal["info", "warning", "critical"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "critical": 2}


def most_severe(severities: Iterable[str]) -> str:
    return max(severities, key=SEVERITY_RANK.__getitem__, default="info")


def distinct_terms(texts: Iterable[str]) -> list[str]:
    """Matched texts without case duplicates ("Air strike", "air strike" -> the first seen),
    sorted case-insensitively."""
    first: dict[str, str] = {}
    for text in texts:
        first.setdefault(text.casefold(), text)
    return [first[k] for k in sorted(first)]


class ErrorKind(StrEnum):
    """Why a fetch failed. ``blocked`` (a block page) makes a source's health status
    ``blocked``; every other kind ``failing``."""

    BLOCKED = "blocked"
    HTTP = "http"
    NETWORK = "network"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    TRUNCATED = "truncated"
    UNSAFE = "unsafe"
    ROBOTS = "robots"
    PARSE = "parse"


class SourceStatus(StrEnum):
    """A source's health (``advisorywatch sources``), see :mod:`advisorywatch.ingest.health`."""

    NEW = "new"  # never fetched
    OK = "ok"
    FAILING = "failing"  # the last fetch failed
    BLOCKED = "blocked"  # the last fetch met a block page
    DEGRADED = "degraded"  # a source that yielded items has yielded none for a while


class DeliveryStatus(StrEnum):
    """One outbox row's state: the first four are the sender's, the others routing's
    decision that it is never sent on its own (see :mod:`advisorywatch.notifier.route`)."""

    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender until its lease ends
    SENT = "sent"
    FAILED = "failed"  # permanently, or out of attempts
    SILENCED = "silenced"
    SUPPRESSED = "suppressed"  # a new source's baseline
    ATTACHED = "attached"  # a later report of an incident that already pinged
    BATCHED = "batched"  # folded into a digest or a storm summary
    MERGED = "merged"  # sent as part of another alert's message about the same item


# Statuses of alerts that do not ping on their own: each is logged once when decided.
HELD_STATUSES = (
    DeliveryStatus.SILENCED,
    DeliveryStatus.SUPPRESSED,
    DeliveryStatus.ATTACHED,
    DeliveryStatus.BATCHED,
)

SENDER_STATUSES = (
    DeliveryStatus.PENDING,
    DeliveryStatus.SENDING,
    DeliveryStatus.SENT,
    DeliveryStatus.FAILED,
)


class NoticeKind(StrEnum):
    """A message that is not one alert: a summary of several, or a source's health."""

    STORM = "storm"
    DIGEST = "digest"
    HEALTH = "health"
    FALLBACK = "fallback"


@dataclass(frozen=True, slots=True)
class AdvisoryLevel:
    """A travel-advisory level as a source publishes it, mapped onto one scale:
    1 normal precautions, 2 increased caution, 3 reconsider travel, 4 do not travel."""

    country: str  # as the issuer names it, e.g. "Ukraine"
    level: int
    label: str  # the issuer's own wording, e.g. "Level 4: Do Not Travel"
    issuer: str  # e.g. "US State Department"


@dataclass(frozen=True, slots=True)
class Prepared:
    """What a parsing worker process (``runtime/workers.py``) worked out for an item, so that
    the storing process does not: its keys (``ingest/identities.py``) and, per rule that
    matched its text, ``(index of the rule in the config, severity, hits, lowered_by, dated)``
    (as :class:`~advisorywatch.rules.engine.RuleMatch`)."""

    identity: str
    content_hash: str
    link_key: str | None
    matches: tuple[tuple[int, str, tuple[Any, ...], frozenset[str], int | None], ...]


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
    prepared: Prepared | None = None  # set by a parsing worker process, where there is one


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
    error_kind: ErrorKind | None = None

    @property
    def ok(self) -> bool:
        return self.error is None
