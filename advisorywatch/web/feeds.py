"""Alerts as feeds: Atom (RFC 4287) and JSON Feed 1.1. An entry's id is the alert's id."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from lxml import etree

from advisorywatch.web.data import AlertView
from advisorywatch.web.text import plain

ATOM = "http://www.w3.org/2005/Atom"
TITLE = "advisorywatch alerts"


def _entry_title(a: AlertView) -> str:
    return plain(f"[{a.severity}] {a.rule}: {a.title}")


def _summary(a: AlertView) -> str:
    terms = ", ".join(a.terms) or "-"
    places = "; ".join(p.label for p in a.places)
    where = f" | places: {places}" if places else ""
    return plain(f"{a.source} | {a.severity} | rule {a.rule} | matched: {terms}{where}")


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


def atom_id(alert_id: int) -> str:
    return f"urn:advisorywatch:alert:{alert_id}"


def atom_feed(
    alerts: list[AlertView], feed_id: str, self_url: str, page_url: str, alert_url: str
) -> bytes:
    """``alert_url`` has ``{id}`` where an alert's id goes (a link to its page)."""
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})

    def sub(parent: Any, tag: str, text: str | None = None, **attrib: str) -> Any:
        el = etree.SubElement(parent, f"{{{ATOM}}}{tag}", attrib)
        el.text = text
        return el

    sub(feed, "id", feed_id)
    sub(feed, "title", TITLE, type="text")
    sub(feed, "updated", _iso(max((a.created_at for a in alerts), default=_EPOCH)))
    sub(sub(feed, "author"), "name", "advisorywatch")
    sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=page_url, type="text/html")
    sub(feed, "generator", "advisorywatch")
    for a in alerts:
        entry = sub(feed, "entry")
        sub(entry, "id", atom_id(a.id))
        sub(entry, "title", _entry_title(a), type="text")
        sub(entry, "updated", _iso(a.created_at))
        if a.published:
            sub(entry, "published", _iso(a.published))
        sub(entry, "link", rel="alternate", href=alert_url.format(id=a.id), type="text/html")
        if a.link:
            sub(entry, "link", rel="related", href=plain(a.link))
        sub(entry, "category", term=a.severity, label=f"severity {a.severity}")
        sub(entry, "category", term=plain(a.rule), label="rule")
        for place in a.places:
            sub(entry, "category", term=plain(place.code), label=plain(place.label))
        sub(entry, "summary", _summary(a), type="text")
    return bytes(etree.tostring(feed, xml_declaration=True, encoding="utf-8"))


_EPOCH = datetime.fromisoformat("1970-01-01T00:00:00+00:00")


def json_feed(alerts: list[AlertView], self_url: str, page_url: str, alert_url: str) -> bytes:
    """A JSON Feed 1.1 document (https://jsonfeed.org/version/1.1)."""
    items = []
    for a in alerts:
        item: dict[str, Any] = {
            "id": str(a.id),
            "url": alert_url.format(id=a.id),
            "title": _entry_title(a),
            "content_text": _summary(a),
            "date_published": _iso(a.created_at),
            "tags": [a.severity, plain(a.rule), plain(a.source)]
            + [plain(p.label) for p in a.places],
        }
        if a.link:
            item["external_url"] = plain(a.link)
        items.append(item)
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": TITLE,
        "home_page_url": page_url,
        "feed_url": self_url,
        "authors": [{"name": "advisorywatch"}],
        "items": items,
    }
    return json.dumps(doc, ensure_ascii=False).encode()
