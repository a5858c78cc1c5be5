"""Every feed of feedparser's and gofeed's test corpora (tests/corpora) through the real parse
path: nothing escapes but a SourceError, every feed the fast path takes gives feedparser's
items, and feedparser's own claims about the fields we store hold for our items."""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path
from typing import Any

import feedparser

from advisorywatch.crawler.sources.base import Fetched, SourceError
from advisorywatch.crawler.sources.feed_lxml import read_entries
from advisorywatch.crawler.sources.registry import make_source
from advisorywatch.crawler.sources.text.decode import xml_as_utf8
from advisorywatch.crawler.sources.types.feed import FeedConfig, entry_to_item
from advisorywatch.ingest.identities import item_identity
from advisorywatch.model import ParsedItem

CORPORA = Path(__file__).parents[2] / "corpora"
FEEDS = sorted(CORPORA.rglob("*.xml"))
# feedparser's tests were served from here, and some claim links resolved against it.
SERVER = "http://127.0.0.1:8097/tests/"
# Claims this product does not share, by design or with the feedparser it runs.
KNOWN = {
    # feedparser 6.0 resolves every Atom id against the feed's URL; these tests are from its
    # development branch, which stopped doing that. Both paths read ids as 6.0 does.
    "feedparser/wellformed/atom10/entry_id_no_normalization_4.xml",
    "feedparser/wellformed/atom10/entry_id_with_attributes.xml",
    # Links are resolved against the URL fetched, not a Content-Location header.
    "feedparser/wellformed/base/http_entry_id_base_content_location.xml",
    "feedparser/wellformed/base/http_item_link_base_content_location.xml",
}
# The fast path's share of the corpus: 1231 files before issue 17, 1824 after (bench/README.md).
FAST_AT_LEAST = 1824
_HEADER = re.compile(rb"^Header:\s*([\w-]+):\s*(.*?)\s*$", re.M)
_EXPECT = re.compile(rb"^Expect:\s*(.*?)\s*$", re.M)
# feedparser's claims about a field we store: entries[N]['field'] == literal
_CLAIM = re.compile(
    r"entries\[(\d+)\]\[['\"](link|id|published_parsed|updated_parsed)['\"]\]\s*==\s*(.+)"
)


def _headers(body: bytes) -> dict[str, str]:
    return {k.decode().lower(): v.decode() for k, v in _HEADER.findall(body[:4096])}


def _key(item: ParsedItem) -> tuple[object, ...]:
    identity = item_identity(item.guid, item.url, item.title, item.text)
    return (identity, item.title, item.url, item.published, item.text)


def _claims(body: bytes) -> list[tuple[int, str, Any]]:
    """feedparser's ``Expect:`` claims of the form we can check, as (entry, field, value)."""
    found = _EXPECT.search(body[:4096])
    if not found:
        return []
    claims = []
    for part in found.group(1).decode("utf-8", "replace").split(" and "):
        if m := _CLAIM.fullmatch(part.strip()):
            try:
                claims.append((int(m.group(1)), m.group(2), ast.literal_eval(m.group(3))))
            except (ValueError, SyntaxError):
                continue
    return claims


def _broken_claims(items: list[ParsedItem], claims: list[tuple[int, str, Any]]) -> list[str]:
    """The claims our items contradict (an unknown date contradicts none)."""
    broken = []
    for n, name, value in claims:
        item = items[n] if n < len(items) else None
        if name == "link":
            ok = item is not None and item.url == (value or None)
        elif name == "id":
            ok = item is not None and item.guid == (" ".join(value.split()) or None)
        else:
            got = item.published if item is not None else None
            ok = got is None or value is None or tuple(got.timetuple())[:6] == tuple(value)[:6]
        if not ok:
            broken.append(f"{name}: {value!r} claimed, {item!r} given")
    return broken


def test_every_corpus_feed() -> None:
    source = make_source(FeedConfig(name="corpus", type="feed", url=SERVER))
    fast = refused = claims = 0
    differ, broken = [], []
    started = time.monotonic()
    for path in FEEDS:
        body = path.read_bytes()
        headers = _headers(body)
        name = str(path.relative_to(CORPORA))
        url = SERVER + name.removeprefix("feedparser/")
        try:
            items = source.parse(Fetched(url, 200, headers, body))
        except SourceError:
            refused += 1  # one clear line in the fetch's outcome; nothing else may escape
            continue
        normalised = xml_as_utf8(body, headers.get("content-type"))
        if read_entries(normalised, url) is not None:
            fast += 1
            parsed = feedparser.parse(
                normalised,
                response_headers={"content-location": url, "content-type": "application/xml"},
            )
            expected = [entry_to_item(e, url) for e in parsed.entries]
            real = [_key(i) for i in expected if i.title or i.text or i.url or i.guid]
            if [_key(i) for i in items] != real:
                differ.append(name)
        expectations = _claims(body)
        claims += len(expectations)
        if name not in KNOWN:
            broken += [f"{name}: {b}" for b in _broken_claims(items, expectations)]
    assert differ == [], differ
    assert broken == [], "\n".join(broken)
    assert fast >= FAST_AT_LEAST
    print(
        f"{len(FEEDS)} feeds, {fast} on the fast path, {refused} refused, {claims} claims held, "
        f"{time.monotonic() - started:.1f} s"
    )
