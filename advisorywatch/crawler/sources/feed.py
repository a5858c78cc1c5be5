"""RSS 0.9x/1.0/2.0 and Atom feeds, parsed with feedparser after charset normalisation."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from urllib.parse import urljoin

import feedparser

from advisorywatch.crawler.dates import parse_date
from advisorywatch.crawler.decode import xml_as_utf8
from advisorywatch.crawler.sources import register
from advisorywatch.crawler.sources.base import (
    Fetched,
    ParsedItem,
    SourceConfig,
    SourceError,
    SourceType,
)
from advisorywatch.crawler.sources.presets import extractor
from advisorywatch.text import html_to_text


class FeedConfig(SourceConfig):
    type: Literal["feed"]


@register
class FeedSource(SourceType):
    type_name = "feed"
    config_model = FeedConfig

    def parse(self, fetched: Fetched) -> list[ParsedItem]:
        # The body is re-encoded as UTF-8 with a matching prolog, so no charset header is passed.
        body = xml_as_utf8(fetched.body, fetched.headers.get("content-type"))
        parsed = feedparser.parse(
            body,
            response_headers={
                "content-location": fetched.url,
                "content-type": "application/xml; charset=utf-8",
            },
        )
        if not parsed.entries and (parsed.bozo or not parsed.get("version")):
            reason = parsed.get("bozo_exception") or "no feed found"
            raise SourceError(f"{fetched.url} is not a readable RSS/Atom feed: {reason}")
        levels = extractor(self.config.preset)
        items = []
        for entry in parsed.entries:
            item = entry_to_item(entry, fetched.url)
            if not (item.title or item.text or item.url or item.guid):
                continue  # the stub a truncated download leaves behind
            if levels is not None:
                item.advisory = levels.advisory(entry, item)
            items.append(item)
        return items


def entry_to_item(entry: Any, base_url: str) -> ParsedItem:
    html = ""
    if entry.get("content"):
        html = "\n".join(c.get("value", "") for c in entry.content)
    if not html:
        html = entry.get("summary", "") or ""
    return ParsedItem(
        title=html_to_text(entry.get("title", "") or ""),
        text=html_to_text(html),
        html=html or None,
        url=_link(entry, base_url),
        guid=" ".join((entry.get("id") or "").split()) or None,
        published=_published(entry),
    )


def _link(entry: Any, base_url: str) -> str | None:
    """FeedBurner's original link over its redirect; relative links resolved."""
    link = (entry.get("feedburner_origlink") or entry.get("link") or "").strip()
    return urljoin(base_url, link) if link else None


def _published(entry: Any) -> datetime | None:
    # dict.get: FeedParserDict.get maps a missing 'published' to 'updated' with a warning.
    for key in ("published", "updated"):
        found = parse_date(dict.get(entry, key), dict.get(entry, f"{key}_parsed"))
        if found is not None:
            return found
    return None
