"""Publication dates as sources write them.

feedparser handles RFC 822 and ISO 8601 quickly but returns None for month and weekday names in
other languages (``05 Agustus 2019``, ``Rab, 20 Nov 2024``) and dotted dates
(``20.11.2024 09:15``), and silently reads zone names it does not know (``EET``) as UTC. Those
cases go to dateparser (far slower, so only as a fallback). Sources parse in worker
threads and dateparser keeps shared caches, so calls to it are serialised.
"""

from __future__ import annotations

import calendar
import re
import threading
import time
from datetime import UTC, datetime

# Zone names feedparser's RFC 822 parser knows; any other trailing name it reads as UTC.
_FEEDPARSER_ZONES = frozenset(
    {"gmt", "ut", "utc", "z", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt"}
)
_TRAILING_ZONE = re.compile(r"\b([A-Za-z]{2,5})\s*$")
_DATEPARSER_LOCK = threading.Lock()
_LANGUAGES = ["en", "id", "uk", "ru", "de", "fr", "es"]
_SETTINGS = {
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "DATE_ORDER": "DMY",
    "PREFER_DAY_OF_MONTH": "first",
}


def _unknown_zone(raw: str) -> bool:
    m = _TRAILING_ZONE.search(raw)
    return m is not None and m.group(1).lower() not in _FEEDPARSER_ZONES


def from_struct(value: time.struct_time) -> datetime:
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)


def parse_date(raw: str | None, parsed: time.struct_time | None = None) -> datetime | None:
    """A timezone-aware UTC datetime for ``raw``; ``parsed`` is feedparser's reading of it,
    used when it can be trusted. None when the text is empty or not a date."""
    raw = (raw or "").strip()
    if parsed is not None and not (raw and _unknown_zone(raw)):
        return from_struct(parsed)
    if not raw:
        return None
    with _DATEPARSER_LOCK:
        import dateparser  # slow to import and large: only when a source needs it

        result = dateparser.parse(raw, languages=_LANGUAGES, settings=_SETTINGS)
    return result.astimezone(UTC) if result else None
