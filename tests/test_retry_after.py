"""``Retry-After`` as the crawler's retries and the notifier's outbox read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from advisorywatch.retry_after import MAX_SECONDS, retry_after_seconds

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (b"120", 120),  # delta-seconds, as Scrapy hands headers over
        ("120", 120),  # the same, as requests does
        (" 0 ", 0),
        (b"Sat, 28 Nov 2026 12:00:30 GMT", 30),  # HTTP date
        ("Sat, 28 Nov 2026 12:01:00 +0000", 60),
        ("Sat, 28 Nov 2026 12:00:30", 30),  # no zone: read as UTC
        (b"Sat, 28 Nov 2026 11:00:00 GMT", 0),  # past date: now
        ("99999999999999999999", MAX_SECONDS),  # cap: a finite wait that timedelta can hold
        ("Sat, 28 Nov 9999 12:00:00 GMT", MAX_SECONDS),
        (b"soon", None),  # garbage
        ("-5", None),
        ("1.5", None),  # delta-seconds are whole
        (b"\xb2", None),  # "²" counts as a digit for str.isdigit, not for HTTP
        ("\u0661\u0662", None),  # Arabic-Indic digits
        ("", None),
        (None, None),
    ],
)
def test_retry_after_seconds(value: str | bytes | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, NOW) == seconds


def test_the_cap_is_a_wait_a_timedelta_can_add_to_now() -> None:
    longest = retry_after_seconds("9" * 400, NOW)
    assert longest == MAX_SECONDS and NOW + timedelta(seconds=longest) > NOW


def test_without_now_the_wall_clock_is_used() -> None:
    in_a_minute = (datetime.now(UTC) + timedelta(minutes=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    seconds = retry_after_seconds(in_a_minute)
    assert seconds is not None and 50 < seconds <= 60
