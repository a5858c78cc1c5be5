"""Publication dates as sources write them.

feedparser handles RFC 822 and ISO 8601 quickly but returns None for month and weekday names in
other languages (``05 Agustus 2019``, ``Rab, 20 Nov 2024``) and dotted dates
(``20.11.2024 09:15``), and silently skips words it does not know: a zone (``EET`` read as
UTC), ``PM``, the ``xx`` of ``2013-xx-27``. Those cases go to dateparser (far slower, so only
as a fallback), which must read a whole date or none. Sources parse in worker threads and
dateparser keeps shared caches, so calls to it are serialised.
"""

from __future__ import annotations

import calendar
import re
import threading
import time
from datetime import UTC, datetime

# Zone names feedparser's RFC 822 parser knows (``feedparser.datetimes.rfc822.timezone_names``
# plus UTC); any other trailing name it reads as UTC.
FEEDPARSER_ZONES = frozenset(
    [
        "ut",
        "utc",
        "gmt",
        "z",
        "adt",
        "ast",
        "at",
        "edt",
        "est",
        "et",
        "cdt",
        "cst",
        "ct",
        "mdt",
        "mst",
        "mt",
        "pdt",
        "pst",
        "pt",
        "a",
        "n",
        "m",
        "y",
        "met",
        "mest",
    ]
)
# The other words feedparser reads: English month and weekday names, ISO's T and Z.
_KNOWN_WORDS = FEEDPARSER_ZONES | frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "t",
    ]
)
_WORDS = re.compile(r"[A-Za-z]+")
# An offset written after a zone name (``UTC+03:00``, ``GMT-5``): feedparser drops the time.
_NAMED_OFFSET = re.compile(r"(?:UTC|GMT)\s*[+-]\d", re.I)
_DATEPARSER_LOCK = threading.Lock()
_LANGUAGES = ["en", "id", "uk", "ru", "de", "fr", "es", "pt"]
_SETTINGS = {
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "DATE_ORDER": "DMY",
    "PREFER_DAY_OF_MONTH": "first",
    "REQUIRE_PARTS": ["day", "month", "year"],  # a partial reading is no date, not today's
}


def _feedparser_misread(raw: str) -> bool:
    """Whether feedparser's reading of ``raw`` skipped part of it: a word it does not know
    (``EET``, ``PM``, the ``xx`` of ``2013-xx-27``) or an offset after a zone name."""
    if _NAMED_OFFSET.search(raw):
        return True
    return any(w.lower() not in _KNOWN_WORDS for w in _WORDS.findall(raw))


def from_struct(value: time.struct_time) -> datetime | None:
    """The UTC datetime of feedparser's reading; None for one outside years 1 to 9999."""
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def parse_date(raw: str | None, parsed: time.struct_time | None = None) -> datetime | None:
    """A timezone-aware UTC datetime for ``raw``; ``parsed`` is feedparser's reading of it,
    used when it can be trusted. None when the text is empty, not a whole date, or a date no
    datetime can hold (``0000-00-00``, ``9999-12-31T23:59:59-01:00``)."""
    raw = (raw or "").strip()
    if parsed is not None and not (raw and _feedparser_misread(raw)):
        return from_struct(parsed)
    if not raw:
        return None
    with _DATEPARSER_LOCK:
        import dateparser  # slow to import and large: only when a source needs it

        try:
            result = dateparser.parse(raw, languages=_LANGUAGES, settings=_SETTINGS)
            return result.astimezone(UTC) if result else None
        except (ValueError, OverflowError):
            return None
