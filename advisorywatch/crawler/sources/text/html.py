"""Turning fetched HTML fragments into plain text, safely."""

from __future__ import annotations

import html
import re

from lxml import etree
from lxml import html as lxml_html

_WS_RE = re.compile(r"[ \t\r\f\v\u00a0]+")
_NL_RE = re.compile(r"\s*\n\s*")
# Whitespace _WS_RE would change: most text has none, and looking is cheaper than rewriting
# (six substring tests, each a C scan, are quicker than one regex with alternatives).
_WS_TO_SQUASH = ("  ", "\t", "\r", "\f", "\v", "\u00a0")
_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: tags dropped, scripts removed, entities decoded."""
    if "<" not in fragment:
        return _squash(html.unescape(fragment))
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _squash(html.unescape(re.sub(r"<[^>]*>", " ", fragment)))
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for el in root.iter(*_BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
    return _squash(root.text_content())


def plain_text(text: str) -> str:
    """Text typed as text, whitespace squashed as in :func:`html_to_text`; nothing else read."""
    return _squash(text)


def _squash(text: str) -> str:
    if "\0" in text:  # PostgreSQL text cannot hold NUL; no feed means one
        text = text.replace("\0", "")
    if any(ws in text for ws in _WS_TO_SQUASH):
        text = _WS_RE.sub(" ", text)
    if "\n" in text:
        text = _NL_RE.sub("\n", text)
    return text.strip()
