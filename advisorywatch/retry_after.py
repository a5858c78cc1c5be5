"""``Retry-After`` (RFC 9110, 10.2.3) as seconds to wait, for the crawler's retries and the
notifier's outbox alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

# Longer than any wait either caller honours (both cap far lower or give up), and small
# enough that ``now + timedelta(seconds=...)`` cannot overflow.
MAX_SECONDS = timedelta(days=365).total_seconds()


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds from ``now``: delta-seconds or an HTTP date (a past date is
    0), at most :data:`MAX_SECONDS`; None if absent or unreadable."""
    if not value:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isascii() and text.isdigit():
        return min(float(text), MAX_SECONDS)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(0.0, seconds), MAX_SECONDS)
