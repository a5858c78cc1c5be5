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


def _rss(item: str, channel: bool = True) -> bytes:
    inner = f"<item><title>t</title>{item}</item>"
    return (
        f"<rss version='2.0'>{f'<channel>{inner}</channel>' if channel else inner}</rss>".encode()
    )


def _atom(entry: str) -> bytes:
    return f"<feed xmlns='http://www.w3.org/2005/Atom'><entry>{entry}</entry></feed>".encode()


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (_rss("", channel=False), "an item outside <channel>"),
        (_rss("<link href='https://x.org/a'/>"), "a link in href"),
        (_rss("<link uri='at://did:plc:abc/app.bsky.feed.post/xyz'>https://x.org/</link>"), "uri"),
        (_atom("<link>https://x.org/a</link>"), "an Atom link holding its URL as text"),
        (_atom("<content mode='base64'>aGk=</content>"), "base64 content"),
        (_atom("<content type='application/octet-stream'>aGk=</content>"), "binary content"),
        (_rss("<description>Don\u0092t</description>"), "a Windows-1252 character"),
        (_rss("<description>\u00e2\u0080\u00a6</description>"), "double-encoded UTF-8"),
        (_rss("<guid isPermaLink='false'><p>abc</p></guid>"), "markup where text belongs"),
        (
            b"<!DOCTYPE rss [<!ENTITY x 'y'>]>"
            b"<rss version='2.0'><channel><item><guid>&x;</guid></item></channel></rss>",
            "an entity declaration",
        ),
        (_rss("<description>&lt;iframe>&lt;b>x&lt;/b>&lt;/iframe></description>"), "raw text"),
    ],
)
def test_shapes_feedparser_reads_differently_go_to_it(body: bytes, why: str) -> None:
    assert read_entries(body, URL) is None, why
    assert _parse(body) == [i for i in _with_feedparser(body) if i.title or i.text or i.url]


def test_empty_link_is_no_link() -> None:
    body = _rss("<link/><guid isPermaLink='false'>g1</guid>")
    (entry,) = read_entries(body, URL) or []
    assert entry.link == ""
    (item,) = _parse(body)
    assert item.url is None
    assert _fields(item) == _fields(_with_feedparser(body)[0])


@pytest.mark.parametrize(
    ("body", "link", "guid"),
    [
        (_rss("<guid ispermalink='true'>https://x.org/p</guid>"), "https://x.org/p", None),
        (_rss("<guid IsPermaLink='false'>https://x.org/p</guid>"), None, None),
        (_atom("<link rel='Alternate' type='TEXT/HTML' href='https://x.org/a'/>"), None, None),
    ],
)
def test_attributes_in_any_letter_case(body: bytes, link: str | None, guid: str | None) -> None:
    (item,) = _parse(body)
    assert read_entries(body, URL) is not None
    assert _fields(item) == _fields(_with_feedparser(body)[0])
    if link:
        assert item.url == link


@pytest.mark.parametrize(
    "title",
    ["XSS via &lt;script&gt; tag in login form: evacuation", "History of the &lt;blink&gt; tag"],
)
def test_titles_typed_as_text_stay_whole(title: str) -> None:
    expected = title.replace("&lt;", "<").replace("&gt;", ">")
    for body in (
        f"<rss version='2.0'><channel><item><title>{title}</title></item></channel></rss>",
        f"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>{title}</title></entry></feed>",
        f"<rss version='2.0' xml:base='{URL}'><channel><item><title>{title}</title></item>"
        "</channel></rss>",  # feedparser's path
    ):
        (item,) = _parse(body.encode())
        assert item.title == expected


def test_titles_typed_as_html_are_read_as_html() -> None:
    atom = _atom("<title type='html'>&lt;b&gt;Alert&lt;/b&gt; &amp;amp; more</title>")
    rss = _rss("").replace(b"<title>t</title>", b"<title>&lt;b&gt;Alert&lt;/b&gt;</title>")
    assert _parse(atom)[0].title == "Alert & more"
    assert _parse(rss)[0].title == "Alert"
