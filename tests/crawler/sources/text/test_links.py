"""Links returned as they are must be exactly what joining them would give."""

from __future__ import annotations

import random
from urllib.parse import urljoin

from feedparser.urls import _urljoin as feedparser_urljoin

from advisorywatch.crawler.sources.feed_lxml import resolve_like_feedparser
from advisorywatch.crawler.sources.text.links import is_plain_absolute, resolve

BASES = ["http://127.0.0.1:8080/feeds/a.xml", "https://example.org/x/y/?q=1#f"]
PREFIXES = ["http://", "https://", "HTTP://", "http:///", "https:", "//", "/", "", "ftp://"]
SAFE = "abcXYZ019-._~:/?#@!$&'()*+,=%"
RISKY = ';[] \t\n\\|"<>^`{}éß\u00a0\u200b'


def test_plain_absolute_links_are_what_joining_gives() -> None:
    rng = random.Random(20261128)
    taken = 0
    for _ in range(30_000):
        alphabet = SAFE if rng.random() < 0.7 else SAFE + RISKY
        tail = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 14)))
        link = rng.choice(PREFIXES) + tail
        if not link or not is_plain_absolute(link):
            continue
        taken += 1
        for base in BASES:
            assert urljoin(base, link) == link, link
            assert feedparser_urljoin(base, link) == link, link
    assert taken > 2_000  # the random links did exercise the shortcut


def test_everything_else_is_joined() -> None:
    base = "https://example.org/news/feed.xml"
    assert resolve(base, "item/1") == "https://example.org/news/item/1"
    assert resolve(base, "https://example.org/a?") == "https://example.org/a"
    assert resolve(base, "https://example.org/a/../b") == "https://example.org/a/../b"
    assert resolve_like_feedparser(base, "https:///example.org/a") == "https://example.org/a"
    assert resolve(base, "https://example.org/story/42?id=7#top") == (
        "https://example.org/story/42?id=7#top"
    )
