"""Storing what a fetch produced: items, and in the same transaction the alerts they raise and
one outbox row per destination that must hear about each alert."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, Table, bindparam, insert, select
from sqlalchemy.orm import Session

from advisorywatch.config.schema import HealthConfig
from advisorywatch.db.models import Alert, Item, Source, utcnow
from advisorywatch.db.session import Database
from advisorywatch.ingest.health import queue_notice, record_fetch
from advisorywatch.ingest.identities import content_hash, item_identity, link_key
from advisorywatch.ingest.levels import previous_level
from advisorywatch.model import FetchOutcome, ParsedItem
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.route.incidents import IncidentWords
from advisorywatch.notifier.route.plan import plan_deliveries
from advisorywatch.rules.engine import RuleEngine, RuleMatch, hit_record, match_keys
from advisorywatch.rules.levels import LevelChange, detect_change, rules_for_change

log = logging.getLogger(__name__)
_EARLIEST = datetime(1971, 1, 1, tzinfo=UTC)
_FUTURE_SLACK = timedelta(days=1)


@dataclass(slots=True)
class IngestResult:
    source: str
    ok: bool
    new: int = 0
    updated: int = 0
    alerts: int = 0
    not_modified: bool = False
    error: str | None = None
    notice: bool = False  # a health notice (source down, back) was queued for sending


class Ingestor:
    def __init__(
        self,
        db: Database,
        rules: RuleEngine,
        channels: Channels,
        health: HealthConfig | None = None,
    ) -> None:
        self.db, self.rules, self.channels = db, rules, channels
        self.health = health or HealthConfig()
        self.incidents = IncidentWords()

    def ingest(self, outcome: FetchOutcome) -> IngestResult:
        return self.ingest_many([outcome])[0]

    def ingest_many(self, outcomes: list[FetchOutcome]) -> list[IngestResult]:
        """Store several fetches in one transaction (a commit per 304 is most of what a warm
        pass costs), each fetch with items in a savepoint: one whose storage fails is reported
        as failed and rolled back alone."""
        results = []
        with self.db.session() as s:
            names = {o.source for o in outcomes}
            sources = {r.name: r for r in s.scalars(select(Source).where(Source.name.in_(names)))}
            if any(o.items for o in outcomes):
                # Sources with no items yet (a first crawl) need no lookups: one query for all.
                s.info[_STOCKED] = set(
                    s.scalars(
                        select(Item.source_id)
                        .where(Item.source_id.in_([r.id for r in sources.values()]))
                        .distinct()
                    )
                )
            for outcome in outcomes:
                src = sources.get(outcome.source)
                if src is not None and not outcome.items:
                    # Fetch state only (a 304, a failure, an empty feed): no savepoint, whose
                    # flush per fetch was most of what storing a warm pass cost. A bug here
                    # fails the whole batch, which is then reported failed and fetched again.
                    results.append(self._ingest(s, src, outcome))
                    continue
                try:
                    with s.begin_nested():
                        results.append(self._ingest(s, sources[outcome.source], outcome))
                except Exception as exc:  # a storage bug in one source must not lose the rest
                    s.info.clear()  # what was memoised in the rolled-back savepoint is gone
                    log.exception("source %s: storing the fetch failed", outcome.source)
                    error = f"storing failed: {type(exc).__name__}: {exc}"
                    results.append(IngestResult(outcome.source, ok=False, error=error))
        return results

    def _ingest(self, s: Session, src: Source, outcome: FetchOutcome) -> IngestResult:
        now = utcnow()
        notice = record_fetch(src, outcome, self.health, now)
        if notice:
            queue_notice(s, src, notice, self.health, self.channels, now)
        if not outcome.ok:  # fetch state only: validators and items stay as they were
            return IngestResult(outcome.source, ok=False, error=outcome.error, notice=bool(notice))
        if (
            outcome.etag is not None
            or outcome.last_modified is not None
            or not outcome.not_modified
        ):
            src.etag, src.last_modified = outcome.etag, outcome.last_modified
        result = IngestResult(
            outcome.source, ok=True, not_modified=outcome.not_modified, notice=bool(notice)
        )
        if not outcome.not_modified:
            self._store_items(s, src, outcome.items, now, result)
        return result

    def _store_items(
        self, s: Session, src: Source, items: list[ParsedItem], now: datetime, result: IngestResult
    ) -> None:
        """New items are inserted in one statement; known items are updated through the ORM.
        Alerts are raised afterwards, in feed order, once every item has its id."""
        fresh: dict[str, _Seen] = {}
        for it in items:
            identity = item_identity(it.guid, it.url, it.title, it.text)
            if identity not in fresh:
                fresh[identity] = _Seen(it, content_hash(it.title, it.text), link_key(it.url))
        stocked: set[int] | None = s.info.get(_STOCKED)  # None: forgotten after a rollback
        existing: dict[str, Item] = {}
        elsewhere = _StoredElsewhere()
        if stocked is None or src.id in stocked:
            existing = {
                row.identity: row
                for row in s.scalars(_BY_IDENTITY, {"source": src.id, "keys": list(fresh)})
            }
            elsewhere = _StoredElsewhere.load(
                s, src.id, [seen for i, seen in fresh.items() if i not in existing]
            )
        claimed: set[Row] = set(existing.values())
        levels: dict[str, int] = {}  # country -> level stated earlier in this response
        new: list[NewItem] = []
        todo: list[tuple[Row, list[RuleMatch], LevelChange | None]] = []
        for identity, seen in fresh.items():
            it = seen.item
            row = existing.get(identity) or elsewhere.take(seen, claimed)
            if row is not None:
                claimed.add(row)
                row.identity = identity  # adopt the source's current identity scheme
            change = None
            if it.advisory is not None:
                country = it.advisory.country
                previous = levels.get(country)
                if previous is None:
                    stored = row if isinstance(row, Item) else None
                    previous = previous_level(s, src.id, stored, it.advisory)
                change = detect_change(previous, it.advisory)
                levels[country] = it.advisory.level
            if row is None:
                row = NewItem(identity, _plausible(it.published, now))
                new.append(row)
                elsewhere.add(row, seen)
                result.new += 1
            elif row.content_hash == seen.digest:
                _state_level(row, it)
                if change is not None:
                    todo.append((row, [], change))
                continue
            else:
                if isinstance(row, Item):  # a NewItem gets its times when it is inserted
                    row.updated_at = now
                result.updated += 1
            row.guid, row.url, row.title, row.text = it.guid, it.url, it.title, it.text
            row.content_hash, row.link_key = seen.digest, seen.link_key
            _state_level(row, it)
            matches = self.rules.evaluate(src.name, {"title": it.title, "text": it.text})
            if matches or change is not None:
                todo.append((row, matches, change))
        if new:
            # Core, not the ORM's bulk insert: half the cost per row.
            ids = s.connection().execute(_INSERT_ITEMS, [row.values(src.id, now) for row in new])
            for row, item_id in zip(new, ids.scalars(), strict=True):
                row.id = item_id
            if stocked is not None:
                stocked.add(src.id)
        # The inserted items that raise alerts, loaded in one query (alerts need ORM items).
        inserted = [row.id for row, _, _ in todo if isinstance(row, NewItem)]
        loaded: dict[int | None, Item] = {}
        if inserted:
            loaded = {i.id: i for i in s.scalars(select(Item).where(Item.id.in_(inserted)))}
        alerted: set[Row] = set()
        for row, matches, change in todo:
            # A new item can have alerts already when the response repeated it.
            known = isinstance(row, Item) or row in alerted
            alerted.add(row)
            item = row if isinstance(row, Item) else loaded[row.id]
            if matches:
                result.alerts += self._raise_alerts(s, item, matches, now, known)
            if change is not None:
                result.alerts += self._level_alerts(s, src, item, change, now)

    def _level_alerts(
        self, s: Session, src: Source, item: Item, change: LevelChange, now: datetime
    ) -> int:
        """Alert the level rules of a changed advisory level."""
        raised = 0
        for rule in rules_for_change(self.rules.configs, src.name, change):
            alert = Alert(
                item_id=item.id,
                rule=rule.name,
                occasion=change.occasion(now),
                severity=rule.severity,
                created_at=now,
                matched=change.matched(),
            )
            s.add(alert)
            s.flush()
            # Each country's change is its own event: never folded into an incident.
            plan_deliveries(s, alert, item, rule.notify, self.channels, now, incidents=None)
            raised += 1
        return raised

    def _raise_alerts(
        self, s: Session, item: Item, matches: list[RuleMatch], now: datetime, known: bool
    ) -> int:
        """Alerts for the rules that matched; ``known`` items may have alerts already."""
        # A rule fires again on a revision only for a concept/keyword it had not matched here.
        before: dict[str, set[str]] = {}
        if known:
            for rule, matched in s.execute(
                select(Alert.rule, Alert.matched).where(Alert.item_id == item.id)
            ):
                before.setdefault(rule, set()).update(match_keys(matched))
        raised = 0
        for m in matches:
            records = [hit_record(h) for h in m.hits]
            if m.rule.name in before and match_keys(records) <= before[m.rule.name]:
                continue
            alert = Alert(
                item_id=item.id,
                rule=m.rule.name,
                severity=m.severity,
                created_at=now,
                matched=records,
            )
            s.add(alert)
            s.flush()
            plan_deliveries(s, alert, item, m.rule.notify, self.channels, now, self.incidents)
            raised += 1
        return raised


def _items_by(column: Any) -> Select[Item]:
    """A source's items whose ``column`` is one of ``keys``: built once, executed per response
    (building and caching a statement costs as much as running it)."""
    return (
        select(Item)
        .where(Item.source_id == bindparam("source"), column.in_(bindparam("keys", expanding=True)))
        .order_by(Item.id)
    )


_STOCKED = "advisorywatch.ingest.store.stocked"  # Session.info: ids of sources with stored items
_ITEMS: Table = Item.__table__  # type: ignore[assignment]  # declarative tables are Tables
_INSERT_ITEMS = insert(_ITEMS).returning(_ITEMS.c.id, sort_by_parameter_order=True)
_BY_IDENTITY = _items_by(Item.identity)
_BY_LINK = _items_by(Item.link_key)
_BY_CONTENT = _items_by(Item.content_hash)


@dataclass(slots=True)
class _Seen:
    """An item of the response with the keys computed once."""

    item: ParsedItem
    digest: str
    link_key: str | None


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
            "link_key": self.link_key,
            "advisory_country": self.advisory_country,
            "advisory_level": self.advisory_level,
        }


Row = Item | NewItem


def _state_level(row: Row, it: ParsedItem) -> None:
    """Store the advisory level the item states now."""
    if it.advisory is not None:
        row.advisory_country, row.advisory_level = it.advisory.country, it.advisory.level


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
    def load(cls, s: Session, source_id: int, items: list[_Seen]) -> _StoredElsewhere:
        found = cls()
        links = {seen.link_key for seen in items if seen.link_key is not None}
        contents = {seen.digest for seen in items if seen.link_key is None}
        if links:
            for row in s.scalars(_BY_LINK, {"source": source_id, "keys": list(links)}):
                found._by_link[row.link_key or ""].append(row)
        if contents:
            for row in s.scalars(_BY_CONTENT, {"source": source_id, "keys": list(contents)}):
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
