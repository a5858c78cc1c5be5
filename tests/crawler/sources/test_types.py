"""Every fixture through its real parser: item counts, titles, links, dates and advisory levels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from advisorywatch.crawler.sources.base import Fetched, ParseResult, SourceError
from advisorywatch.crawler.sources.presets import expand_preset
from advisorywatch.crawler.sources.registry import SOURCE_TYPES, make_source
from advisorywatch.ingest.identities import item_identity
from advisorywatch.model import ParsedItem

from conftest import FIXTURES, fixture_bytes

BASE = "https://feeds.example.org/path/feed.xml"


def parse(name: str, config: dict[str, Any], url: str = BASE) -> ParseResult:
    entry = {"name": "t", "url": url, **config}
    if "preset" in entry:
        entry = expand_preset(entry)
    cfg = SOURCE_TYPES[entry["type"]].config_model.model_validate(entry)
    return make_source(cfg).parse_result(Fetched(url, 200, {}, fixture_bytes(name)))


def parse_bytes(body: bytes) -> list[ParsedItem]:
    cfg = SOURCE_TYPES["feed"].config_model.model_validate(
        {"name": "t", "type": "feed", "url": BASE}
    )
    return make_source(cfg).parse(Fetched(BASE, 200, {}, body))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@dataclass
class Case:
    fixture: str
    config: dict[str, Any]
    count: int
    first: dict[str, Any] = field(default_factory=dict)  # expected fields of items[0]
    levels: list[int | None] | None = None


FEED = {"type": "feed"}
US = {"preset": "us-state-dept"}
CASES = [
    Case("dup_feed_a_SYNTHETIC.xml", FEED, 2, {"published": utc(2024, 11, 20, 8, 5)}),
    Case("dup_feed_b_SYNTHETIC.xml", FEED, 3),
    Case("gdacs_rss_2019-12-30.xml", {"preset": "gdacs"}, 4, {"guid": "TC1000643"}),
    Case(
        "govuk_foreign-travel-advice_ukraine_atom_SYNTHETIC.atom",
        FEED,
        1,
        {"title": "Ukraine travel advice", "published": utc(2024, 11, 20, 9, 12)},
    ),
    Case(
        "messy_atom_xml_base_relative_links_SYNTHETIC.atom",
        FEED,
        2,
        {"url": "https://atom.example.org/news/2024/11/20/posolstvo-ssha"},
    ),
    Case("messy_bad_dates_SYNTHETIC.xml", FEED, 15),
    Case("messy_bom_and_leading_whitespace_SYNTHETIC.xml", FEED, 2),
    Case(
        "messy_charset_lie_declares_iso-8859-1_is_utf-8_SYNTHETIC.xml",
        FEED,
        1,
        {"title": "У Києві оголошено повітряну тривогу"},
    ),
    Case(
        "messy_missing_guid_html_in_title_SYNTHETIC.xml",
        FEED,
        5,
        {"title": "BREAKING: US Embassy in Kyiv closed over air strike threat", "guid": None},
    ),
    Case("messy_truncated_SYNTHETIC.xml", FEED, 1),
    Case(
        "news_en_cnn_world_rss_2020-01-01.xml",
        FEED,
        6,
        {
            "url": "https://www.cnn.com/2020/01/01/australia/"
            "australia-fires-explainer-intl-hnk-scli/index.html",
            "published": utc(2020, 1, 1, 8, 21, 39),
        },
    ),
    Case("news_es_europapress_rss_2020-10-25_undefined_entity.xml", FEED, 10),
    Case(
        "news_id_antaranews_terkini_SYNTHETIC.xml",
        FEED,
        4,
        {"title": "Kedubes AS di Kyiv tutup karena ancaman serangan udara besar"},
    ),
    Case("news_ru_liga_rss_2021-08-22_no_xml_decl.xml", FEED, 12),
    Case(
        "news_ru_windows-1251_SYNTHETIC.xml",
        FEED,
        2,
        {"published": utc(2024, 11, 20, 6, 2)},
    ),
    Case("news_uk_unian_rss_2020-09-28.xml", FEED, 50, {"published": utc(2020, 9, 28, 13, 35, 12)}),
    Case("reliefweb_updates_rss_country-ukr_2020-09-17.xml", FEED, 5),
    Case("smartraveller_rss_SYNTHETIC.xml", FEED, 3, {"title": "Ukraine"}),
    Case(
        "state_dept_tastws_2025-10-07.xml",
        US,
        12,
        {"title": "Madagascar - Level 3: Reconsider Travel", "published": utc(2025, 9, 27)},
    ),
    Case(
        "state_dept_tastws_2025-10-08.xml",
        US,
        12,
        {"title": "Sao Tome and Principe - Level 2: Exercise Increased Caution"},
        [2, 3, 2, 4, 4, 2, 4, 2, 4, 2, 2, 2],
    ),
    Case("state_dept_tastws_2025-10-14.xml", US, 12),
    Case(
        "usembassy_ua_category_alert_feed_SYNTHETIC.xml",
        {"preset": "us-embassy", "host": "ua.usembassy.gov"},
        4,
        {"guid": "https://ua.usembassy.gov/?p=151208", "published": utc(2024, 11, 20, 5, 19, 43)},
    ),
    Case(
        "govuk_content_api_foreign-travel-advice_ukraine_SYNTHETIC.json",
        {"preset": "uk-fcdo", "country": "ukraine"},
        1,
        {"url": "https://www.gov.uk/foreign-travel-advice/ukraine"},
        [3],
    ),
    Case(
        "govuk_content_api_travel_advice_turkey_example.json",
        {"preset": "uk-fcdo", "country": "turkey"},
        1,
        {"title": "Turkey travel advice"},
        [1],
    ),
    Case(
        "smartraveller_destinations-export_SYNTHETIC.json",
        {"preset": "au-smartraveller"},
        5,
        {"title": "Ukraine: Do not travel", "published": utc(2024, 11, 20, 18, 5)},
        [4, 2, 3, 2, None],
    ),
    Case(
        "canada_index-updated_SYNTHETIC.json",
        {"preset": "ca-travel"},
        4,
        {"guid": "UA", "published": utc(2024, 11, 20, 13, 14, 31, 203333)},
        [4, 3, 2, 1],
    ),
    Case(
        "canada_index-alpha-eng_2014-03-02_real_trimmed.json",
        {"preset": "ca-travel"},
        12,
        {"title": "Afghanistan: AVOID ALL TRAVEL"},
        [4, 1, 1, 2, 2, 2, 2, 2, 1, 1, 4, 3],
    ),
    Case(
        "auswaertiges_amt_travelwarning_index_SYNTHETIC.json",
        {"preset": "de-auswaertiges-amt"},
        3,
        {"guid": "UA", "published": utc(2024, 11, 20, 9)},
        [4, 3, 2],
    ),
    Case(
        "auswaertiges_amt_travelwarning_detail_199124_SYNTHETIC.json",
        {"type": "json", "items": "response.* | [?title]", "fields": {"title": "title"}},
        1,
    ),
    Case(
        "govuk_content_api_travel_advice_index_example.json",
        {
            "type": "json",
            "items": "links.children",
            "fields": {"title": "title", "link": "web_url", "date": "public_updated_at"},
        },
        7,
    ),
    Case(
        "reliefweb_api_v1_reports_page1_2020-09.json",
        {
            "type": "json",
            "items": "data",
            "fields": {
                "title": "fields.title",
                "link": "fields.url_alias",
                "date": "fields.date.original",
                "guid": "id",
            },
        },
        4,
        {"guid": "3670885", "published": utc(2020, 9, 17)},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.fixture)
def test_fixture_parses(case: Case) -> None:
    items = parse(case.fixture, case.config).items
    assert len(items) == case.count
    for key, expected in case.first.items():
        assert getattr(items[0], key) == expected, key
    if case.levels is not None:
        assert [i.advisory.level if i.advisory else None for i in items] == case.levels
    for it in items:
        assert "<" not in it.title and "&amp;" not in it.title, it.title
        assert it.url is None or it.url.startswith("http"), it.url
        assert it.published is None or it.published.tzinfo is not None


def test_every_fixture_is_covered() -> None:
    covered = {c.fixture for c in CASES} | {
        "news_id_seed.xml",  # the seed article, tested end to end in test_end_to_end.py
        "usembassy_ua_category_alert_page1_SYNTHETIC.html",  # test_sources_follow.py
        "usembassy_ua_alert_article_2024-11-20_SYNTHETIC.html",
        *BLOCK_PAGES,  # test_block_pages_are_errors_not_empty_results
    }
    kinds = {".xml", ".json", ".atom", ".html"}
    present = {p.name for p in FIXTURES.iterdir() if p.suffix in kinds}
    assert present - covered == set()


def test_bad_dates_read_or_left_empty() -> None:
    items = {i.guid.rsplit("/", 1)[-1]: i.published for i in parse_items("messy_bad_dates")}
    assert items["messy-1"] == utc(2024, 11, 20)
    assert items["messy-3"] == utc(2024, 11, 20)
    assert items["messy-4"] == utc(2019, 8, 5)  # "05 Agustus 2019"
    assert items["messy-5"] == utc(2024, 11, 20, 7, 5)  # "Rab, 20 Nov 2024 14:05:00 +0700"
    assert items["messy-7"] == utc(2024, 11, 20, 7, 15)  # EET is UTC+2, not UTC
    assert items["messy-8"] == utc(2024, 11, 20, 7, 15)
    assert items["messy-10"] == utc(2024, 11, 20, 9, 15)  # "20.11.2024 09:15"
    assert items["messy-13"] is None  # empty
    assert items["messy-14"] == utc(2024, 11, 20, 7, 15)  # dc:date
    assert items["messy-15"] is None


def parse_items(prefix: str) -> list[ParsedItem]:
    (name,) = [p.name for p in FIXTURES.iterdir() if p.name.startswith(prefix)]
    return parse(name, FEED).items


def test_markup_and_links_cleaned() -> None:
    items = parse_items("messy_missing_guid")
    assert items[1].title == 'Air raid alert in Kyiv: "go to shelters" & stay away from windows'
    assert items[1].url == "https://feeds.example.org/kyiv/air-raid-alert"  # relative, resolved
    assert items[2].text == "Ordered departure announced."  # <script> dropped
    assert items[3].title == "" and "explosion" in items[3].text


def test_duplicate_feed_yields_each_story_once() -> None:
    for name, stories in (("dup_feed_a_SYNTHETIC.xml", 2), ("dup_feed_b_SYNTHETIC.xml", 2)):
        items = parse(name, FEED).items
        keys = {item_identity(i.guid, i.url, i.title, i.text) for i in items}
        assert len(keys) == stories, name


BLOCK_PAGES = [
    "blockpage_cloudflare_challenge_SYNTHETIC.html",
    "blockpage_cloudfront_403_SYNTHETIC.html",
]


@pytest.mark.parametrize("name", BLOCK_PAGES)
def test_block_pages_are_errors_not_empty_results(name: str) -> None:
    with pytest.raises(SourceError):
        parse(name, FEED)
    with pytest.raises(SourceError, match="no items match"):
        parse(name, {"type": "html", "item": "article.post"})


RSS_091 = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>t</title>
<link>http://old.example.org/</link><description>d</description>
<item><title>Old &amp; simple</title><link>http://old.example.org/1</link>
<description>Body one</description></item></channel></rss>"""

RSS_10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://rdf.example.org/"><title>t</title><link>http://rdf.example.org/</link>
<description>d</description></channel>
<item rdf:about="http://rdf.example.org/1"><title>RDF item</title>
<link>http://rdf.example.org/1</link><dc:date>2024-11-20T09:15:00+02:00</dc:date></item>
</rdf:RDF>"""


@pytest.mark.parametrize(
    ("body", "title", "published"),
    [(RSS_091, "Old & simple", None), (RSS_10, "RDF item", utc(2024, 11, 20, 7, 15))],
)
def test_rss_091_and_10(body: bytes, title: str, published: datetime | None) -> None:
    cfg = SOURCE_TYPES["feed"].config_model.model_validate(
        {"name": "t", "type": "feed", "url": BASE}
    )
    (item,) = make_source(cfg).parse(Fetched(BASE, 200, {}, body))
    assert (item.title, item.published) == (title, published)
    assert item.url is not None and item.url.endswith("/1")


BAD_DATES = [
    "0000-00-00 00:00:00",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "Fri, 31 Dec 9999 23:59:59 EST",
]


def _rss_with_dates(dates: list[str], extra: str = "") -> bytes:
    items = "".join(
        f"<item><title>t{n}</title><link>https://x.org/{n}</link><pubDate>{d}</pubDate></item>"
        for n, d in enumerate(dates)
    )
    return f"<rss version='2.0' {extra}><channel>{items}</channel></rss>".encode()


@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "feedparser"])
def test_an_impossible_date_costs_only_the_date(fast: bool) -> None:
    # xml:base sends the document to feedparser
    body = _rss_with_dates(
        [*BAD_DATES, "Mon, 01 Jan 2024 10:00:00 GMT"], "" if fast else "xml:base='https://x.org/'"
    )
    items = parse_bytes(body)
    assert [i.title for i in items] == ["t0", "t1", "t2", "t3", "t4"]
    assert [i.published for i in items] == [None] * 4 + [utc(2024, 1, 1, 10)]


def test_an_unreadable_entry_costs_only_that_entry(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from advisorywatch.crawler.sources.types import feed

    real = feed.resolve

    def fails_on_1(base: str, link: str) -> str:
        if link.endswith("/1"):
            raise RuntimeError("boom")
        return real(base, link)

    monkeypatch.setattr(feed, "resolve", fails_on_1)
    items = parse_bytes(_rss_with_dates(["", "", ""]))
    assert [i.title for i in items] == ["t0", "t2"]
    assert "1 entries left out, unreadable (first: RuntimeError: boom)" in caplog.text


def test_an_at_protocol_link_is_kept_and_has_an_identity() -> None:
    body = (
        b"<rss version='2.0'><channel><item><title>post</title>"
        b"<link>at://did:plc:abc/app.bsky.feed.post/xyz</link></item></channel></rss>"
    )
    (item,) = parse_bytes(body)
    assert item.url == "at://did:plc:abc/app.bsky.feed.post/xyz"
    assert item_identity(item.guid, item.url, item.title, item.text)
