"""Item identity: feed guid, else canonical link, else a hash of normalised title and text."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|yclid|_ga|ref|ref_src)$", re.I)


def canonical_url(url: str) -> str:
    """Lower-case host, http≡https, no fragment, no tracking parameters, no trailing slash.
    A link urllib cannot split (``http://[::1``) is its own canonical form; one whose host has
    no numeric port (``at://did:plc:abc/...``) keeps its whole authority."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port, host = None, parts.netloc.rpartition("@")[2].lower()
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING_PARAMS.match(k)
        )
    )
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("http", host, path, query, ""))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fold(text: str) -> str:
    if text.isascii():  # NFKC leaves ASCII alone, and casefold() is lower() there
        return _single_spaced(text.lower())
    return _single_spaced(unicodedata.normalize("NFKC", text).casefold())


def _single_spaced(text: str) -> str:
    """``" ".join(text.split())``, without splitting text that is single-spaced already once
    its line breaks are spaces (most item text: splitting a long text is most of hashing it).
    ``isprintable()`` is False for every whitespace character but the space."""
    spaced = text.replace("\n", " ")
    if spaced.isprintable() and "  " not in spaced and spaced[:1] != " " and spaced[-1:] != " ":
        return spaced
    return " ".join(text.split())


def content_hash(title: str, text: str) -> str:
    return _digest(_fold(title) + "\n" + _fold(text))


def item_identity(guid: str | None, url: str | None, title: str, text: str) -> str:
    """A stable 64-character key; the prefix says which rule produced it."""
    if guid:
        return _digest("guid:" + guid.strip())
    if url:
        return _digest("url:" + canonical_url(url))
    return _digest("hash:" + content_hash(title, text))


def link_key(url: str | None) -> str | None:
    """Hash of the canonical link, a secondary key that survives a change of guid scheme."""
    return _digest("url:" + canonical_url(url)) if url and url.strip() else None
