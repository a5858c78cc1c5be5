"""Item identity and content hashes: the fast paths give what the plain definitions give."""

from __future__ import annotations

import random
import unicodedata

from advisorywatch.ingest.identities import _fold, content_hash

# Every kind of whitespace str.split() knows, invisible and compatibility characters, case.
_ALPHABET = [*"aZé ß", "\n", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2003"]
_ALPHABET += ["\u2028", "\u3000", "\u200b", "\ufb01", "\u2460", "Ǆ"]


def test_folding_equals_the_plain_definition() -> None:
    rng = random.Random(7)
    for _ in range(50_000):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(0, 12)))
        expected = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
        assert _fold(text) == expected, repr(text)


def test_whitespace_and_case_do_not_change_the_content_hash() -> None:
    assert content_hash("Air strike", "Port hit.\nMore soon") == content_hash(
        " AIR  strike ", "Port hit. \u00a0More\tsoon\n"
    )
    assert content_hash("Air strike", "Port hit") != content_hash("Air strike", "Port hit 2")


def test_links_urllib_cannot_read_still_have_an_identity() -> None:
    from advisorywatch.ingest.identities import canonical_url, item_identity, link_key

    bsky = "at://did:plc:abc/app.bsky.feed.post/xyz"
    other = "at://did:plc:def/app.bsky.feed.post/xyz"
    for url in (bsky, "http://[::1/x", "http://example.org:99999/x"):
        assert len(item_identity(None, url, "t", "x")) == 64
        assert link_key(url) is not None
    assert canonical_url(bsky) != canonical_url(other)
    assert canonical_url("HTTPS://Example.org:443/a/?utm_source=x") == "http://example.org/a"
