"""RSS 0.9x/1.0/2.0 and Atom feeds, after charset normalisation: read with lxml when the feed
has the common shape (:mod:`feedxml`), else with feedparser, which also serves presets that read
levels from feedparser's entries."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Literal, NamedTuple, TypeVar

from advisorywatch.crawler.sources.base import Fetched, SourceConfig, SourceError, SourceType
from advisorywatch.crawler.sources.presets import extractor
from advisorywatch.crawler.sources.registry import register
from advisorywatch.crawler.sources.text.dates import parse_date
from advisorywatch.crawler.sources.text.decode import xml_as_utf8
from advisorywatch.crawler.sources.text.html import html_to_text, plain_text
from advisorywatch.crawler.sources.text.links import resolve
from advisorywatch.model import ParsedItem

log = logging.getLogger(__name__)
E = TypeVar("E")


class FeedConfig(SourceConfig):
    type: Literal["feed"]


@register
class FeedSource(SourceType):
    type_name = "feed"
    config_model = FeedConfig

    def parse(self, fetched: Fetched) -> list[ParsedItem]:
        # The feed readers are imported on the first response with a body: a pass in which
        # every source answers 304 Not Modified needs neither.
        import feedparser

        from advisorywatch.crawler.sources.feed_lxml import read_entries

        # The body is re-encoded as UTF-8 with a matching prolog, so no charset header is passed.
        body = xml_as_utf8(fetched.body, fetched.headers.get("content-type"))
        levels = extractor(self.config.preset)
        fast = read_entries(body, fetched.url) if levels is None else None
        if fast is not None:
            return _each(
                fast,
                fetched.url,
                lambda e: _item(
                    _Text(e.title, e.title_html),
                    _Text("\n".join(e.content) or e.summary, e.text_html),
                    e.origlink or e.link,
                    e.guid,
                    fetched.url,
                    e.date,
                ),
            )
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

        def convert(entry: Any) -> ParsedItem:
            item = entry_to_item(entry, fetched.url)
            if levels is not None and _real(item):
                item.advisory = levels.advisory(entry, item)
            return item

        return _each(parsed.entries, fetched.url, convert)


def _each(entries: Iterable[E], url: str, convert: Callable[[E], ParsedItem]) -> list[ParsedItem]:
    """The real items of ``entries``: an entry that cannot be read is left out, and the feed
    logs one line saying how many and why the first failed."""
    items, failed, first = [], 0, ""
    for entry in entries:
        try:
            item = convert(entry)
        except Exception as exc:  # one entry's bad field must not cost the others
            failed, first = failed + 1, first or f"{type(exc).__name__}: {exc}"
            continue
        if _real(item):
            items.append(item)
    if failed:
        log.warning("%s: %d entries left out, unreadable (first: %s)", url, failed, first)
    return items


def entry_to_item(entry: Any, base_url: str) -> ParsedItem:
    content: list[Any] = entry.get("content") or []
    text = (
        _Text("\n".join(c.get("value", "") for c in content), _is_html(content[0]))
        if any(c.get("value") for c in content)
        else _Text(entry.get("summary", ""), _is_html(entry.get("summary_detail")))
    )
    return _item(
        _Text(entry.get("title", ""), _is_html(entry.get("title_detail"))),
        text,
        entry.get("feedburner_origlink") or entry.get("link"),  # FeedBurner's original first
        entry.get("id"),
        base_url,
        lambda: _published(entry),
    )


class _Text(NamedTuple):
    """A title or text as the feed typed it: HTML, or text that stays text even where it
    names a tag (``History of the <blink> tag``)."""

    value: str | None
    html: bool

    def plain(self) -> str:
        return html_to_text(self.value or "") if self.html else plain_text(self.value or "")


def _is_html(detail: Any) -> bool:
    """Whether feedparser typed a field (its ``*_detail``) as HTML."""
    return detail is not None and detail.get("type") in ("text/html", "application/xhtml+xml")


def _item(
    title: _Text,
    text: _Text,
    link: str | None,
    guid: str | None,
    base_url: str,
    published: Callable[[], datetime | None],
) -> ParsedItem:
    link = (link or "").strip()
    return ParsedItem(
        title=title.plain(),
        text=text.plain(),
        url=resolve(base_url, link) if link else None,  # relative links resolved
        guid=" ".join((guid or "").split()) or None,
        published=published(),
    )


def _real(item: ParsedItem) -> bool:
    """False for the stub a truncated download leaves behind."""
    return bool(item.title or item.text or item.url or item.guid)


def _published(entry: Any) -> datetime | None:
    # dict.get: FeedParserDict.get maps a missing 'published' to 'updated' with a warning.
    for key in ("published", "updated"):
        found = parse_date(dict.get(entry, key), dict.get(entry, f"{key}_parsed"))
        if found is not None:
            return found
    return None
