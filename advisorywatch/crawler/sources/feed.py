"""RSS and Atom feeds, parsed with feedparser."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any, Literal

import feedparser

from advisorywatch.crawler.sources import register
from advisorywatch.crawler.sources.base import (
    Fetched,
    ParsedItem,
    SourceConfig,
    SourceError,
    SourceType,
)
from advisorywatch.text import html_to_text


class FeedConfig(SourceConfig):
    type: Literal["feed"]


@register
class FeedSource(SourceType):
    type_name = "feed"
    config_model = FeedConfig

    def parse(self, fetched: Fetched) -> list[ParsedItem]:
        headers = {"content-location": fetched.url}
        if "content-type" in fetched.headers:
            headers["content-type"] = fetched.headers["content-type"]
        parsed = feedparser.parse(fetched.body, response_headers=headers)
        if not parsed.entries and (parsed.bozo or not parsed.get("version")):
            reason = parsed.get("bozo_exception") or "no feed found"
            raise SourceError(f"{fetched.url} is not a readable RSS/Atom feed: {reason}")
        return [_entry_to_item(e) for e in parsed.entries]


def _entry_to_item(entry: Any) -> ParsedItem:
    html = ""
    if entry.get("content"):
        html = "\n".join(c.get("value", "") for c in entry.content)
    if not html:
        html = entry.get("summary", "") or ""
    title = html_to_text(entry.get("title", "") or "")
    return ParsedItem(
        title=title,
        text=html_to_text(html),
        html=html or None,
        url=(entry.get("link") or "").strip() or None,
        guid=(entry.get("id") or "").strip() or None,
        published=_date(entry),
    )


def _date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None
