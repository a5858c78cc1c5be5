"""The ``retention:`` section: how long stored rows are kept (advisorywatch.db.retention)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import Field, field_validator

from advisorywatch.schema import Strict, parse_duration


class RetentionConfig(Strict):
    """Ages after which rows are pruned; ``null`` keeps them forever. An item still listed by
    its source, or with an alert still kept, is never pruned; an alert is kept while one of its
    notifications is still to be sent. Expired destination backoffs always go."""

    # Long enough to recognise an item a site drops and lists again months later, so it is
    # not alerted twice; the items a source lists now are kept whatever their age.
    items: timedelta | None = timedelta(days=90)
    # Alerts with their deliveries and incident links: half a year of "what did we send,
    # to whom, when" for reviews and the web pages.
    alerts: timedelta | None = timedelta(days=180)
    # Storm summaries, digests, health and fallback warnings, with their deliveries.
    notices: timedelta | None = timedelta(days=180)
    # Silences that ended this long ago (who muted what, when, and why: kept for reviews).
    silences: timedelta | None = timedelta(days=180)
    # How often the daemon prunes (one node at a time); `run --once` prunes when this is due.
    every: timedelta = timedelta(hours=1)
    # Rows deleted per transaction: short transactions that never hold up storing fetches.
    batch: int = Field(default=1000, ge=1, le=100_000)

    @field_validator("items", "alerts", "notices", "silences", "every", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> Any:
        return v if v is None or isinstance(v, timedelta) else parse_duration(v)
