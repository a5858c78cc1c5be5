"""Bytes to text before parsing: the charset from BOM, HTTP header, XML prolog or HTML meta,
with the common lie (a Latin-1 declaration over UTF-8 bytes) detected. Labels mean what they
mean to browsers (the WHATWG Encoding Standard, as w3lib reads it): ``latin1``, ``iso-8859-1``
and ``ascii`` are windows-1252, ``gb2312`` is gb18030. Never fails: bytes that fit no candidate
are replaced with U+FFFD."""

from __future__ import annotations

import codecs
import re

from w3lib.encoding import resolve_encoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_PROLOG_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)[\"']", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>")
# What servers and CMSes declare by default without checking (latin1 and ascii included), and
# what bodies that declare nothing and are not UTF-8 are, as browsers read them.
_WINDOWS_1252 = "cp1252"


def _codec(name: str | None) -> str | None:
    """The Python codec a charset label means to a browser; None for an unknown label."""
    return resolve_encoding(name) if name else None


def _sniff_utf16(body: bytes) -> str | None:
    """UTF-16 without a BOM: ``<`` followed or preceded by a NUL byte."""
    if body[:2] == b"<\x00":
        return "utf-16-le"
    if body[:2] == b"\x00<":
        return "utf-16-be"
    return None


def declared_charsets(body: bytes, content_type: str | None) -> list[str]:
    """The charsets the response claims: HTTP header, then XML prolog or HTML meta."""
    found = []
    if content_type and (header := _HEADER_CHARSET.search(content_type)):
        found.append(_codec(header.group(1)))
    head = body[:2048]
    m = _PROLOG_ENCODING.search(head) or _META_CHARSET.search(head)
    if m:
        found.append(_codec(m.group(1).decode("ascii")))
    return list(dict.fromkeys(c for c in found if c))


def decode(body: bytes, content_type: str | None = None) -> str:
    """The text of a response body.

    Order of evidence: a BOM; UTF-16 sniffed from NUL bytes; then UTF-8 if the bytes are valid
    UTF-8 (multi-byte UTF-8 is almost never valid by accident, while servers and CMSes often
    declare Latin-1 over it); then the declared charsets, windows-1252 last since it accepts
    nearly any bytes, and for a body that declares nothing windows-1252. Bytes no candidate
    accepts are replaced."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace")
    if sniffed := _sniff_utf16(body):
        return body.decode(sniffed, errors="replace")
    declared = [c for c in declared_charsets(body, content_type) if not c.startswith("utf-16")]
    trusted = [c for c in declared if c != _WINDOWS_1252]
    candidates = dict.fromkeys(["utf-8", *trusted, *([] if trusted else [_WINDOWS_1252])])
    for name in candidates:
        try:
            return body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode(trusted[0] if trusted else _WINDOWS_1252, errors="replace")


def xml_as_utf8(body: bytes, content_type: str | None = None) -> bytes:
    """The document re-encoded as UTF-8 with its prolog saying so and leading junk removed,
    so that XML parsers see one consistent encoding."""
    text = decode(body, content_type).lstrip("\ufeff \t\r\n")
    text = _PROLOG.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    return text.encode("utf-8")
