"""The fast path for feeds: RSS 2.0 and Atom 1.0 and 0.3 read with lxml, far cheaper
than feedparser's SAX machinery.

It gives the same fields as feedparser for the feeds it accepts, and returns None for the rest,
which then go to feedparser: not well-formed XML, RSS 1.0/RDF, ``xml:base``, XHTML or base64
content, entity declarations, entries outside the usual place, links written in attributes or
text, markup where text belongs, Windows-1252 or double-encoded characters (which feedparser
repairs), HTML that lxml and feedparser's sanitizer read differently, and any element
feedparser would fold into a title, summary, content, link, id or date that this reader does
not read. Dates go through feedparser's own date parser, so both paths read a date the same
way, and ids and links are resolved against the feed's URL with feedparser's own function, so
an item keeps its identity whichever path read it. tests/crawler/sources/test_conformance.py
holds it to that over two parsers' test corpora.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from feedparser.datetimes import _parse_date as feedparser_date
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin as feedparser_urljoin
from lxml import etree

from advisorywatch.crawler.sources.text.dates import parse_date
from advisorywatch.crawler.sources.text.links import is_plain_absolute

looks_like_html = _FeedParserMixin.looks_like_html  # feedparser's guess for RSS text
_ATOM = "{http://www.w3.org/2005/Atom}"
_ATOM_FEEDS = frozenset({f"{_ATOM}feed", "{http://purl.org/atom/ns#}feed"})  # 1.0 and 0.3
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_ORIGLINK = "{http://rssnamespace.org/feedburner/ext/1.0}origLink"
_HTML_TYPES = frozenset({"text/html", "html", "application/xhtml+xml"})
# Atom text types feedparser neither decodes as base64 nor reads as XHTML.
_TEXT_TYPES = frozenset({"text", "html", "text/plain", "text/html"})
# Markers of what only feedparser handles the way readers expect.
_UNSUPPORTED = (b"xml:base", b'"xhtml"', b"'xhtml'", b"<!ENTITY")
# C1 controls: Windows-1252 code points (``Don\x92t``) or double-encoded UTF-8 (``â\x80¦``),
# which feedparser repairs.
_C1 = re.compile("[\x80-\x9f]")
# In HTML, a "<" that opens no tag or comment (``<!DOCTYPE``, ``<![CDATA[``, ``<>``) or opens
# an element whose content lxml's HTML parser reads as raw text: feedparser's sanitizer and
# lxml read what follows differently.
_ODD_HTML = re.compile(
    r"<(?![A-Za-z/?]|!--)|<(?:iframe|noscript|noembed|noframes|textarea|title|xmp|plaintext)\b",
    re.I,
)
_ENTRY_NAMES = frozenset({"item", "entry"})
# Elements feedparser reads into the fields we use, beyond those read below: anywhere inside
# an entry they send the feed to feedparser. (feedparser lower-cases names; so do we.)
_OTHER_FIELDS = frozenset(
    {
        "summary",
        "abstract",
        "body",
        "fullitem",
        "content",
        "id",
        "issued",
        "modified",
        "created",
        "published",
        "updated",
        "lastbuilddate",
        "expirationdate",
        f"{_DC}title",
        f"{_DC}description",
        "{http://search.yahoo.com/mrss/}title",
        "{http://search.yahoo.com/mrss/}description",
        "{http://www.itunes.com/dtds/podcast-1.0.dtd}summary",
        "{http://www.w3.org/1999/xhtml}body",
    }
)
_OTHER_NAMESPACES = ("{http://purl.org/dc/terms/}",)
# Hostile input: no entities, no network, no DTD, no huge text nodes.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)


class _Fallback(Exception):
    """The document needs feedparser."""


@dataclass(slots=True)
class RawEntry:
    """One entry's fields as the feed wrote them."""

    title: str = ""
    content: list[str] = field(default_factory=list)
    summary: str = ""
    title_html: bool = False
    text_html: bool = True  # the content, else the summary, is HTML
    link: str | None = None
    origlink: str | None = None
    guid: str | None = None
    published: str | None = None
    updated: str | None = None

    def date(self) -> datetime | None:
        for raw in (self.published, self.updated):
            found = parse_date(raw, _feedparser_reading(raw) if raw else None)
            if found is not None:
                return found
        return None


def _feedparser_reading(raw: str) -> time.struct_time | None:
    """feedparser's reading of a date, None where its parser raises (``0000-00-00``)."""
    try:
        found: time.struct_time | None = feedparser_date(raw)
        return found
    except (ValueError, OverflowError):
        return None


def read_entries(body: bytes, base_url: str) -> list[RawEntry] | None:
    """The entries of an RSS 2.0 or Atom 1.0 document; None when feedparser must read it."""
    if any(marker in body for marker in _UNSUPPORTED):
        return None
    try:
        root = etree.fromstring(body, _PARSER)
        if root.tag == "rss" and root.get("version", "2.0")[:1] in ("0", "2"):
            channel = root.find("channel")
            found = [] if channel is None else list(channel.iterfind("item"))
            return _checked(root, found, [_rss_item(el, base_url) for el in found])
        if root.tag in _ATOM_FEEDS:
            ns = root.tag.removesuffix("feed")
            found = list(root.iterfind(f"{ns}entry"))
            return _checked(root, found, [_atom_entry(el, base_url, ns) for el in found])
    except (etree.XMLSyntaxError, ValueError, _Fallback):
        pass
    return None


def _checked(root: Any, found: list[Any], entries: list[RawEntry]) -> list[RawEntry]:
    """``entries``, unless feedparser would read the document otherwise: it also reads an
    ``item`` or ``entry`` of any namespace or letter case anywhere (outside ``channel``, in an
    Atom feed), repairs C1 characters, and sanitizes HTML that lxml reads another way."""
    expected = sum(
        1
        for el in root.iter()
        if isinstance(tag := el.tag, str) and etree.QName(tag).localname.lower() in _ENTRY_NAMES
    )
    if expected != len(found):
        raise _Fallback("entries elsewhere")
    for e in entries:
        for text in (e.title, e.summary, *e.content):
            if _C1.search(text):
                raise _Fallback("Windows-1252 or double-encoded characters")
        html = [e.title] if e.title_html else []
        if e.text_html:
            html.append("\n".join(e.content) or e.summary)
        for text in html:
            if "<" in text and _ODD_HTML.search(text):
                raise _Fallback("a '<' that opens no tag")
    return entries


def resolve_like_feedparser(base: str, link: str) -> str:
    """``link`` made absolute as feedparser does it (it also drops extra slashes after the
    scheme), so that both readers give an item the same link and identity."""
    return link if is_plain_absolute(link) else feedparser_urljoin(base, link)


def _text(el: Any) -> str:
    if len(el):
        raise _Fallback("markup where text belongs")  # feedparser keeps or drops it
    return el.text or ""


def _attributes(el: Any) -> dict[str, str]:
    """``el``'s attributes as feedparser sees them: names in lower case, and the values of
    ``rel`` and ``type`` too."""
    found = {str(k).lower(): str(v) for k, v in el.attrib.items()}
    for name in ("rel", "type"):
        if name in found:
            found[name] = found[name].lower()
    return found


def _id(el: Any, base_url: str, is_link: bool) -> tuple[str, bool]:
    """feedparser resolves an id that may be a link (a permalink guid, any Atom id)."""
    value = _text(el).strip()
    return (resolve_like_feedparser(base_url, value) if is_link and value else value), is_link


@functools.cache
def _lowered(tags: frozenset[str]) -> frozenset[str]:
    return frozenset(t.lower() for t in tags)


def _check_nested(entry: Any, handled: frozenset[str]) -> None:
    """Raise _Fallback for an element feedparser would read into our fields that we do not:
    one of ours nested deeper, in other letter case, or another field's element."""
    lowered = _lowered(handled)
    for el in entry.iterdescendants():
        tag = el.tag
        if not isinstance(tag, str):
            continue  # comments, processing instructions
        if tag in handled:
            if el.getparent() is not entry:
                raise _Fallback(tag)
            continue
        low = tag.lower()
        if low in lowered or low in _OTHER_FIELDS or low.startswith(_OTHER_NAMESPACES):
            raise _Fallback(tag)


_RSS_HANDLED = frozenset(
    {"title", "description", "link", "guid", "pubDate", _CONTENT, _ORIGLINK, f"{_DC}date"}
)


def _rss_item(item: Any, base_url: str) -> RawEntry:
    _check_nested(item, _RSS_HANDLED)
    if any(isinstance(t := el.tag, str) and t.startswith(_ATOM) for el in item):
        raise _Fallback("atom elements in an RSS item")
    e = RawEntry()
    guid_is_link = False
    for child in item:
        tag = child.tag
        if tag == "title":
            e.title = _text(child)
            e.title_html = looks_like_html(e.title)  # feedparser guesses for RSS titles
        elif tag == "description":
            if e.summary:
                raise _Fallback("two descriptions")  # feedparser makes the second the content
            e.summary = _text(child)
        elif tag == _CONTENT:
            e.content.append(_text(child))
        elif tag == "link":
            if len(child.attrib):
                raise _Fallback("an attribute on an RSS link")  # feedparser reads href, uri, url
            link = _text(child).strip()
            e.link = resolve_like_feedparser(base_url, link) if link else ""
        elif tag == _ORIGLINK:
            e.origlink = _text(child).strip()
        elif tag == "guid":
            is_link = _attributes(child).get("ispermalink", "true") == "true"
            e.guid, guid_is_link = _id(child, base_url, is_link)
        elif tag == "pubDate":
            e.published = _text(child)
        elif tag == f"{_DC}date":
            e.updated = _text(child)
    if e.link is None and guid_is_link:  # feedparser: a permalink guid is the link
        e.link = e.guid
    return e


@functools.cache
def _atom_handled(ns: str) -> frozenset[str]:
    names = ("title", "content", "summary", "link", "id", "published", "updated")
    return frozenset(f"{ns}{t}" for t in names) | {_ORIGLINK}


def _atom_entry(entry: Any, base_url: str, ns: str) -> RawEntry:
    """An Atom entry; ``ns`` is the namespace of its Atom version in braces."""
    _check_nested(entry, _atom_handled(ns))
    e = RawEntry()
    summary_html = content_html = False
    for child in entry:
        tag = child.tag
        if tag == f"{ns}title":
            e.title, e.title_html = _atom_text(child)
        elif tag == f"{ns}content":
            text, content_html = _atom_text(child)
            e.content.append(text)
        elif tag == f"{ns}summary":
            e.summary, summary_html = _atom_text(child)
        elif tag == f"{ns}link":
            a = _attributes(child)
            if not a.get("href") or "uri" in a or "url" in a:
                raise _Fallback("an Atom link without href")  # feedparser reads uri, url, text
            rel, kind = a.get("rel", "alternate"), a.get("type", "text/html")
            if rel == "alternate" and kind in _HTML_TYPES:
                e.link = resolve_like_feedparser(base_url, a["href"].strip())
        elif tag == _ORIGLINK:
            e.origlink = _text(child).strip()
        elif tag == f"{ns}id":
            e.guid, _ = _id(child, base_url, True)
        elif tag == f"{ns}published":
            e.published = _text(child)
        elif tag == f"{ns}updated":
            e.updated = _text(child)
    if e.link is None:  # feedparser: the id stands in for a missing link
        e.link = e.guid
    e.text_html = content_html if any(e.content) else summary_html
    return e


def _atom_text(el: Any) -> tuple[str, bool]:
    """An Atom text construct and whether it is HTML; base64 and XHTML go to feedparser."""
    a = _attributes(el)
    kind = a.get("type", "text")
    if a.get("mode", "escaped") != "escaped" or kind not in _TEXT_TYPES:
        raise _Fallback(f"Atom content of type {kind}")
    return _text(el), kind in _HTML_TYPES
