"""The lxml fast path reads feeds exactly as feedparser does, and hands everything else over."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from advisorywatch.crawler.sources.base import Fetched
from advisorywatch.crawler.sources.feed_lxml import read_entries
from advisorywatch.crawler.sources.registry import make_source
from advisorywatch.crawler.sources.text.decode import xml_as_utf8
from advisorywatch.crawler.sources.types.feed import FeedConfig, entry_to_item
from advisorywatch.model import ParsedItem

from conftest import FIXTURES

FEEDS = sorted([*FIXTURES.glob("*.xml"), *FIXTURES.glob("*.atom")])
URL = "https://example.org/feed/"


def _fields(item: ParsedItem) -> tuple[object, ...]:
    return (item.title, item.text, item.url, item.guid, item.published)


def _with_feedparser(body: bytes) -> list[ParsedItem]:
    parsed = feedparser.parse(
        body,
        response_headers={"content-location": URL, "content-type": "application/xml"},
    )
    return [entry_to_item(e, URL) for e in parsed.entries]


def _parse(body: bytes) -> list[ParsedItem]:
    source = make_source(FeedConfig(name="f", type="feed", url=URL))
    return source.parse(Fetched(URL, 200, {}, body))


@pytest.mark.parametrize("path", FEEDS, ids=lambda p: p.name)
def test_same_items_as_feedparser(path: Path) -> None:
    body = xml_as_utf8(path.read_bytes(), None)
    expected = [_fields(i) for i in _with_feedparser(body) if i.title or i.text or i.url]
    assert [_fields(i) for i in _parse(body)] == expected


def test_common_feeds_take_the_fast_path() -> None:
    fast = [p.name for p in FEEDS if read_entries(xml_as_utf8(p.read_bytes(), None), URL)]
    assert "news_id_seed.xml" in fast
    assert "news_uk_unian_rss_2020-09-28.xml" in fast
    assert len(fast) >= len(FEEDS) // 2


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"<rss version='2.0'><channel><item><title>a</title>", "not well-formed"),
        (b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>", "RSS 1.0"),
        (
            b"<feed xmlns='http://www.w3.org/2005/Atom' xml:base='https://x.org/a/'>"
            b"<entry><link href='b'/></entry></feed>",
            "xml:base",
        ),
        (
            b"<rss version='2.0'><channel><item><title>a</title>"
            b"<media:group xmlns:media='http://search.yahoo.com/mrss/'>"
            b"<media:description>long</media:description></media:group></item></channel></rss>",
            "a description feedparser would read",
        ),
        (
            b"<rss version='2.0'><channel><item><title>a</title>"
            b"<dcterms:modified xmlns:dcterms='http://purl.org/dc/terms/'>2024-01-01"
            b"</dcterms:modified></item></channel></rss>",
            "a date feedparser would read",
        ),
    ],
)
def test_hands_over_to_feedparser(body: bytes, why: str) -> None:
    assert read_entries(body, URL) is None, why


def test_permalink_guid_is_the_link_and_origlink_wins() -> None:
    body = (
        b"<rss version='2.0' xmlns:feedburner='http://rssnamespace.org/feedburner/ext/1.0'>"
        b"<channel><item><title>one</title><guid>https://x.org/1</guid></item>"
        b"<item><title>two</title><link>https://fb.example/r/2</link>"
        b"<feedburner:origLink>https://x.org/2</feedburner:origLink>"
        b"<guid isPermaLink='false'>id-2</guid></item></channel></rss>"
    )
    items = _parse(body)
    assert [(i.url, i.guid) for i in items] == [
        ("https://x.org/1", "https://x.org/1"),
        ("https://x.org/2", "id-2"),
    ]
    assert [_fields(i) for i in items] == [_fields(i) for i in _with_feedparser(body)]


ATOM = (
    b"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
    b"<title>t</title><entry><title type='html'>Serangan &lt;b&gt;udara&lt;/b&gt;</title>"
    b"<link rel='self' href='/self/1'/><link href='/news/1'/><id>tag:x.org,2024:1</id>"
    b"<published>2024-11-20T09:15:00+02:00</published><summary>Short</summary>"
    b"<content type='html'>&lt;p&gt;Long &amp;amp; full&lt;/p&gt;</content></entry>"
    b"<entry><title>No link</title><id>https://x.org/2</id>"
    b"<updated>Wed, 20 Nov 2024 09:15:00 EET</updated></entry></feed>"
)


def test_atom_reads_like_feedparser() -> None:
    assert read_entries(ATOM, URL) is not None
    items = _parse(ATOM)
    assert [_fields(i) for i in items] == [_fields(i) for i in _with_feedparser(ATOM)]
    assert items[0].title == "Serangan udara"
    assert items[0].text == "Long & full"
    assert items[0].url == "https://example.org/news/1"
    assert items[1].url == "https://x.org/2"  # the id stands in for the missing link
