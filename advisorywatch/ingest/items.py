"""A response's items as rows: who they are (identity, content and link keys), the rows this
source stored for them earlier (plain rows, not ORM objects), and writing them with Core
statements: what changed in known rows, and the new ones together in one INSERT."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, Table, Update, and_, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from advisorywatch.db.models import Item
from advisorywatch.ingest.identities import content_hash, item_identity, link_key
from advisorywatch.ingest.levels import LevelChanges
from advisorywatch.model import ParsedItem
from advisorywatch.rules.levels import LevelChange

_EARLIEST = datetime(1971, 1, 1, tzinfo=UTC)
_FUTURE_SLACK = timedelta(days=1)
# A listed item's ``last_seen_at`` is written when it is older than this: once a day per item,
# not once per fetch. Every item of a response is then seen at or after ``now - SEEN_REFRESH``
# (the source's ``listed_since``), which is what keeps retention off the items a source lists.
SEEN_REFRESH = timedelta(days=1)


@dataclass(slots=True)
class Changed:
    """An item of the response that is new or changed: its text, or the level it states."""

    row: Row
    item: ParsedItem
    revised: bool  # new, or its text changed: the text rules run on it
    change: LevelChange | None  # the advisory level it states changed


@dataclass(slots=True)
class StoredItems:
    """What storing a response did: the counts, and the items alerts may concern."""

    new: int = 0
    updated: int = 0
    changed: list[Changed] = field(default_factory=list)  # in feed order


def stocked_sources(s: Session, source_ids: list[int]) -> set[int]:
    """Which of a batch's sources have stored items, in one query: :func:`store_items` looks a
    response's items up only for these (a first crawl needs no lookups), and adds a source when
    it inserts its first items. ``None`` instead of this set means not known (after a savepoint
    was rolled back): every source is looked up."""
    return set(s.scalars(select(Item.source_id).where(Item.source_id.in_(source_ids)).distinct()))


def store_items(
    s: Session, source_id: int, items: list[ParsedItem], now: datetime, stocked: set[int] | None
) -> StoredItems:
    """Store a response's items: each matched with its stored row, if any, and the advisory
    level it states compared with the one before (while the row still holds it); then the new
    ones inserted."""
    fresh = _identify(items)
    existing, elsewhere = _find_stored(s, source_id, fresh, stocked)
    claimed: set[Row] = set(existing.values())
    levels = LevelChanges(s, source_id)
    out = StoredItems()
    new: list[NewItem] = []
    for identity, seen in fresh.items():
        it = seen.item
        row = existing.get(identity) or elsewhere.take(seen, claimed)
        if row is not None:
            claimed.add(row)
            row.set(identity=identity)  # adopt the source's current identity scheme
            if isinstance(row, StoredItem) and row.last_seen_at < now - SEEN_REFRESH:
                row.set(last_seen_at=now)
        change = levels.change(row if isinstance(row, StoredItem) else None, it.advisory)
        if row is None:
            row = NewItem(identity, _plausible(it.published, now))
            new.append(row)
            elsewhere.add(row, seen)
            out.new += 1
        elif row.content_hash == seen.digest:
            _state_level(row, it)
            if change is not None:
                out.changed.append(Changed(row, it, revised=False, change=change))
            continue
        else:
            if isinstance(row, StoredItem):  # a NewItem gets its times when it is inserted
                row.set(updated_at=now)
            out.updated += 1
        row.set(guid=it.guid, url=it.url, title=it.title, text=it.text)
        row.set(content_hash=seen.digest, link_key=seen.link_key)
        _state_level(row, it)
        out.changed.append(Changed(row, it, revised=True, change=change))
    if new:
        _insert(s, source_id, new, now)
        if stocked is not None:
            stocked.add(source_id)
    _update(
        s,
        sorted((r for r in claimed if isinstance(r, StoredItem) and r.written), key=lambda r: r.id),
    )
    return out


def as_items(s: Session, rows: list[Row]) -> list[Item]:
    """``rows`` as ORM items (alerts need them). An inserted one is made from what was inserted,
    without reading it back, in place of any object a rolled-back savepoint left in the
    session under the same id (SQLite reuses the ids: that object is another source's item).
    A stored one is read whole, as :func:`store_items` wrote it."""
    items, made = [], {}  # made: a row the response repeated is one object
    for row in rows:
        if isinstance(row, StoredItem):
            items.append(s.get_one(Item, row.id, populate_existing=True))
            continue
        assert row.id is not None, "an item is inserted before it can raise alerts"
        if row.id not in made:
            made[row.id] = _persistent(s, row)
        items.append(made[row.id])
    return items


def set_places(s: Session, places: dict[Item, list[dict[str, Any]]]) -> None:
    """Store the places of items that fire: one UPDATE for a response's, on the session's
    connection, the objects given the values as if loaded (no flush of their own)."""
    for item, found in places.items():
        set_committed_value(item, "places", found)
    rows = [{"item": item.id, "found": found} for item, found in places.items()]
    s.connection().execute(_SET_PLACES, rows)


def _persistent(s: Session, row: NewItem) -> Item:
    assert row.inserted is not None
    item = Item(id=row.id, places=None, **row.inserted)
    make_transient_to_detached(item)  # as if loaded: no pending changes
    if (left := s.identity_map.get(identity_key(Item, row.id))) is not None:
        s.expunge(left)
    s.add(item)
    return item


def _identify(items: list[ParsedItem]) -> dict[str, _Seen]:
    """The response's items by identity, the first of each, with their keys computed once."""
    fresh: dict[str, _Seen] = {}
    for it in items:
        if (p := it.prepared) is not None:  # worked out by a parsing worker
            if p.identity not in fresh:
                fresh[p.identity] = _Seen(it, p.content_hash, p.link_key)
            continue
        identity = item_identity(it.guid, it.url, it.title, it.text)
        if identity not in fresh:
            fresh[identity] = _Seen(it, content_hash(it.title, it.text), link_key(it.url))
    return fresh


def _find_stored(
    s: Session, source_id: int, fresh: dict[str, _Seen], stocked: set[int] | None
) -> tuple[dict[str, StoredItem], _StoredElsewhere]:
    """The rows stored for ``fresh``: by identity, and for the others under another identity
    (by link, or by content for an item without one), in one query."""
    if not fresh or (stocked is not None and source_id not in stocked):
        return {}, _StoredElsewhere()
    links = list({seen.link_key for seen in fresh.values() if seen.link_key is not None})
    contents = list({seen.digest for seen in fresh.values() if seen.link_key is None})
    keys = {"source": source_id, "identities": list(fresh), "links": links, "contents": contents}
    rows = [StoredItem(*r) for r in s.execute(_STORED[bool(links), bool(contents)], keys)]
    existing = {row.identity: row for row in rows if row.identity in fresh}
    missing = [seen for identity, seen in fresh.items() if identity not in existing]
    return existing, _StoredElsewhere.of(rows, missing)


def _insert(s: Session, source_id: int, new: list[NewItem], now: datetime) -> None:
    """Core, not the ORM's bulk insert: half the cost per row. One multi-row INSERT: each id
    comes back with its identity (unique in a response), not in the order of the rows, which
    SQLAlchemy can promise on SQLite only by inserting one row per statement."""
    values = [row.values(source_id, now) for row in new]
    ids = {identity: item_id for identity, item_id in s.connection().execute(_INSERT_ITEMS, values)}
    for row, inserted in zip(new, values, strict=True):
        row.id, row.inserted = ids[row.identity], inserted


def _stored(
    links: bool, contents: bool
) -> Select[int, str, str, str | None, datetime, str | None, int | None]:
    """A source's items with one of the ``identities`` (or ``links``, or ``contents``): built
    once, executed per response (building and caching a statement costs as much as running it).
    Each alternative names the source, so that SQLite searches each index ("MULTI-INDEX OR")
    instead of every item of the source. Only the columns storing reads, as plain rows: a
    changed feed's listed items are mostly unchanged, and building ORM objects for them was
    most of what looking them up cost."""
    columns: list[tuple[str, Any]] = [("identities", Item.identity)]
    columns += [("links", Item.link_key)] if links else []
    columns += [("contents", Item.content_hash)] if contents else []
    source = Item.source_id == bindparam("source")
    return (
        select(*_LOOKED_UP)
        .where(or_(*(and_(source, c.in_(bindparam(k, expanding=True))) for k, c in columns)))
        .order_by(Item.id)
    )


_ITEMS: Table = Item.__table__  # type: ignore[assignment]  # declarative tables are Tables
# What matching a response's items with their rows and comparing their levels reads: the
# fields of a StoredItem, in order.
_LOOKED_UP = (
    Item.id,
    Item.identity,
    Item.content_hash,
    Item.link_key,
    Item.last_seen_at,
    Item.advisory_country,
    Item.advisory_level,
)
_INSERT_ITEMS = insert(_ITEMS).returning(_ITEMS.c.identity, _ITEMS.c.id)
_SET_PLACES = (
    update(_ITEMS)
    .where(_ITEMS.c.id == bindparam("item"))
    .values(places=bindparam("found", type_=_ITEMS.c.places.type))
)
_STORED = {(a, b): _stored(a, b) for a in (False, True) for b in (False, True)}


@dataclass(slots=True)
class _Seen:
    """An item of the response with the keys computed once."""

    item: ParsedItem
    digest: str
    link_key: str | None


@dataclass(eq=False, slots=True)
class StoredItem:
    """A stored item as storing reads it (:data:`_LOOKED_UP`), and the columns it
    :meth:`set` to new values (``written``), which :func:`_update` writes."""

    id: int
    identity: str
    content_hash: str
    link_key: str | None
    last_seen_at: datetime
    advisory_country: str | None
    advisory_level: int | None
    written: dict[str, Any] = field(default_factory=dict)

    def set(self, **values: Any) -> None:
        for key, value in values.items():
            if key in _READ:
                if getattr(self, key) == value:
                    continue
                setattr(self, key, value)
            self.written[key] = value


_READ = frozenset(f.name for f in fields(StoredItem)) - {"written"}


@dataclass(eq=False, slots=True)
class NewItem:
    """An item to insert: the fields the ingest loop sets, as on :class:`Item`."""

    identity: str
    published: datetime | None
    guid: str | None = None
    url: str | None = None
    title: str = ""
    text: str = ""
    content_hash: str = ""
    link_key: str | None = None
    advisory_country: str | None = None
    advisory_level: int | None = None
    id: int | None = None
    inserted: dict[str, Any] | None = None  # the row's values, once inserted

    def set(self, **values: Any) -> None:
        for key, value in values.items():
            setattr(self, key, value)

    def values(self, source_id: int, now: datetime) -> dict[str, Any]:
        return {
            "source_id": source_id,
            "identity": self.identity,
            "guid": self.guid,
            "url": self.url,
            "title": self.title,
            "text": self.text,
            "content_hash": self.content_hash,
            "published": self.published,
            "first_seen": now,
            "updated_at": now,
            "last_seen_at": now,
            "link_key": self.link_key,
            "advisory_country": self.advisory_country,
            "advisory_level": self.advisory_level,
        }


Row = StoredItem | NewItem


def _state_level(row: Row, it: ParsedItem) -> None:
    """Store the advisory level the item states now."""
    if it.advisory is not None:
        row.set(advisory_country=it.advisory.country, advisory_level=it.advisory.level)


def _update(s: Session, rows: list[StoredItem]) -> None:
    """Write what changed in stored rows: one executemany per set of columns changed (a
    response's revised items share one; its unchanged listed items write nothing)."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        columns = tuple(sorted(row.written))
        by_columns[columns].append({"b_id": row.id, **{f"b_{k}": row.written[k] for k in columns}})
    for columns, params in by_columns.items():
        s.connection().execute(_updating(columns), params)


@functools.cache
def _updating(columns: tuple[str, ...]) -> Update:
    """An UPDATE of these columns of one item, built once per set of columns."""
    values = {k: bindparam(f"b_{k}", type_=_ITEMS.c[k].type) for k in columns}
    return update(_ITEMS).where(_ITEMS.c.id == bindparam("b_id")).values(values)


class _StoredElsewhere:
    """Items this source stored under another identity (what a site migration that rewrites
    every guid looks like), looked up once per response: by canonical link, or by content when
    the item has no link. Items with different links are different items even when their text is
    the same. Rows created in this response count too, so a feed repeating a story under two
    guids stores it once."""

    def __init__(self) -> None:
        self._by_link: dict[str, list[Row]] = defaultdict(list)
        self._by_content: dict[str, list[Row]] = defaultdict(list)

    @classmethod
    def of(cls, rows: Sequence[StoredItem], items: list[_Seen]) -> _StoredElsewhere:
        """The ``rows`` (in id order) that share a link with one of ``items``, or the content
        of one without a link."""
        found = cls()
        links = {seen.link_key for seen in items if seen.link_key is not None}
        contents = {seen.digest for seen in items if seen.link_key is None}
        for row in rows:
            if row.link_key is not None and row.link_key in links:
                found._by_link[row.link_key].append(row)
            if row.content_hash in contents:
                found._by_content[row.content_hash].append(row)
        return found

    def take(self, seen: _Seen, claimed: set[Row]) -> Row | None:
        key = seen.link_key
        rows = (
            self._by_link.get(key, []) if key is not None else self._by_content.get(seen.digest, [])
        )
        return next((row for row in rows if row not in claimed), None)

    def add(self, row: Row, seen: _Seen) -> None:
        if seen.link_key is not None:
            self._by_link[seen.link_key].append(row)
        self._by_content[seen.digest].append(row)


def _plausible(published: datetime | None, now: datetime) -> datetime | None:
    """Drop dates a feed got wrong (before 1971, or in the future) so ordering uses first_seen."""
    if published is None or published < _EARLIEST or published > now + _FUTURE_SLACK:
        return None
    return published
