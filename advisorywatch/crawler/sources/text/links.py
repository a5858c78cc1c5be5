"""Resolving an item's link against the URL of the feed or page it came from.

Nearly every link in a feed is already absolute, and joining costs a parse and an unparse of
both URLs, so a link that joining would return unchanged is recognised by one regular
expression and returned as it is.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

# An http(s) URL with a host, made of characters urllib neither drops, strips nor splits on:
# no whitespace or control characters, no ";" (path parameters), no "[" "]" (IPv6 hosts).
_PLAIN = re.compile(
    r"https?://[A-Za-z0-9\-._~:@!$&'()*+,=%]+(?:[/?#][A-Za-z0-9\-._~:/?#@!$&'()*+,=%]*)?"
)


def is_plain_absolute(link: str) -> bool:
    """Whether ``urljoin(base, link)`` is ``link`` for any http(s) base (feedparser's join too):
    also no empty query or fragment, which urllib would drop."""
    return _PLAIN.fullmatch(link) is not None and "?#" not in link and link[-1] not in "?#"


def resolve(base: str, link: str) -> str:
    """``link`` made absolute against ``base``, as :func:`urllib.parse.urljoin` does."""
    return link if is_plain_absolute(link) else urljoin(base, link)
