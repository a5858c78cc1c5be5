"""Storing what a fetch produced: items, and in the same transaction the alerts they raise and
one outbox row per destination that must hear about each alert."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisorywatch.config import HealthConfig
from advisorywatch.crawler.outcome import FetchOutcome
from advisorywatch.crawler.sources import ParsedItem, SourceConfig
from advisorywatch.db.models import Alert, Item, Source, utcnow
from advisorywatch.db.session import Database
from advisorywatch.health import queue_notice, record_fetch
from advisorywatch.identity import content_hash, item_identity, link_key
from advisorywatch.incidents import IncidentWords
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.routing import plan_deliveries
from advisorywatch.rules.engine import RuleEngine, RuleMatch, hit_record, match_keys
from advisorywatch.rules.levels import detect_change, previous_level, rules_for_change

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


def sync_sources(db: Database, sources: Iterable[SourceConfig]) -> None:
    """Make sure every configured source has a row; keep type and URL current."""
    with db.session() as s:
        rows = {r.name: r for r in s.scalars(select(Source))}
        for cfg in sources:
            row = rows.get(cfg.name)
            if row is None:
                s.add(Source(name=cfg.name, type=cfg.type, url=cfg.url, consecutive_failures=0))
            else:
                row.type, row.url = cfg.type, cfg.url


def fetch_validators(
    db: Database, names: Iterable[str]
) -> dict[str, tuple[str | None, str | None]]:
    """ETag and Last-Modified per source, for conditional GET."""
    with db.session() as s:
        rows = s.execute(
            select(Source.name, Source.etag, Source.last_modified).where(
                Source.name.in_(list(names))
            )
        )
        return {name: (etag, lm) for name, etag, lm in rows}


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
        now = utcnow()
        with self.db.session() as s:
            src = s.scalars(select(Source).where(Source.name == outcome.source)).one()
            notice = record_fetch(src, outcome, self.health, now)
            if notice:
                queue_notice(s, src, notice, self.health, self.channels, now)
            if not outcome.ok:  # fetch state only: validators and items stay as they were
                return IngestResult(outcome.source, ok=False, error=outcome.error)
            if (
                outcome.etag is not None
                or outcome.last_modified is not None
                or not outcome.not_modified
            ):
                src.etag, src.last_modified = outcome.etag, outcome.last_modified
            result = IngestResult(outcome.source, ok=True, not_modified=outcome.not_modified)
            if not outcome.not_modified:
                self._store_items(s, src, outcome.items, now, result)
            return result

    def _store_items(
        self, s: Session, src: Source, items: list[ParsedItem], now: datetime, result: IngestResult
    ) -> None:
        by_identity: dict[str, ParsedItem] = {}
        for it in items:
            by_identity.setdefault(item_identity(it.guid, it.url, it.title, it.text), it)
        existing = {
            row.identity: row
            for row in s.scalars(
                select(Item).where(Item.source_id == src.id, Item.identity.in_(list(by_identity)))
            )
        }
        digests = {
            identity: content_hash(it.title, it.text) for identity, it in by_identity.items()
        }
        elsewhere = _StoredElsewhere.load(
            s, src.id, [(it, digests[i]) for i, it in by_identity.items() if i not in existing]
        )
        claimed: set[Item] = set(existing.values())
        for identity, it in by_identity.items():
            digest = digests[identity]
            row = existing.get(identity) or elsewhere.take(it, digest, claimed)
            if row is not None:
                claimed.add(row)
                row.identity = identity  # adopt the source's current identity scheme
            previous = previous_level(s, src.id, row, it.advisory)
            if row is None:
                row = Item(
                    source_id=src.id,
                    identity=identity,
                    first_seen=now,
                    published=_plausible(it.published, now),
                )
                s.add(row)
                elsewhere.add(row, it, digest)
                result.new += 1
            elif row.content_hash != digest:
                result.updated += 1
            else:
                result.alerts += self._advisory_change(s, src, row, it, previous, now)
                continue
            row.guid, row.url, row.title, row.text = it.guid, it.url, it.title, it.text
            row.content_hash, row.updated_at, row.link_key = digest, now, link_key(it.url)
            matches = self.rules.evaluate(src.name, {"title": it.title, "text": it.text})
            if matches:
                s.flush()  # alerts need the item's id; other rows are inserted in one batch
                result.alerts += self._raise_alerts(s, row, matches, now)
            result.alerts += self._advisory_change(s, src, row, it, previous, now)

    def _advisory_change(
        self,
        s: Session,
        src: Source,
        row: Item,
        it: ParsedItem,
        previous: int | None,
        now: datetime,
    ) -> int:
        """Store the item's advisory level; alert the level rules when it changed."""
        if it.advisory is None:
            return 0
        row.advisory_country, row.advisory_level = it.advisory.country, it.advisory.level
        change = detect_change(previous, it.advisory)
        if change is None:
            return 0
        s.flush()
        raised = 0
        for rule in rules_for_change(self.rules.configs, src.name, change):
            alert = Alert(
                item_id=row.id,
                rule=rule.name,
                occasion=change.occasion(now),
                severity=rule.severity,
                created_at=now,
                matched=change.matched(),
            )
            s.add(alert)
            s.flush()
            # Each country's change is its own event: never folded into an incident.
            plan_deliveries(s, alert, row, rule.notify, self.channels, now, incidents=None)
            raised += 1
        return raised

    def _raise_alerts(self, s: Session, item: Item, matches: list[RuleMatch], now: datetime) -> int:
        if not matches:
            return 0
        # A rule fires again on a revision only for a concept/keyword it had not matched here.
        before: dict[str, set[str]] = {}
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


class _StoredElsewhere:
    """Items this source stored under another identity (what a site migration that rewrites
    every guid looks like), looked up once per response: by canonical link, or by content when
    the item has no link. Items with different links are different items even when their text is
    the same. Rows created in this response count too, so a feed repeating a story under two
    guids stores it once."""

    def __init__(self) -> None:
        self._by_link: dict[str, list[Item]] = defaultdict(list)
        self._by_content: dict[str, list[Item]] = defaultdict(list)

    @classmethod
    def load(
        cls, s: Session, source_id: int, items: list[tuple[ParsedItem, str]]
    ) -> _StoredElsewhere:
        found = cls()
        links = {key for it, _ in items if (key := link_key(it.url)) is not None}
        contents = {digest for it, digest in items if link_key(it.url) is None}
        if links:
            for row in s.scalars(
                select(Item)
                .where(Item.source_id == source_id, Item.link_key.in_(links))
                .order_by(Item.id)
            ):
                found._by_link[row.link_key or ""].append(row)
        if contents:
            for row in s.scalars(
                select(Item)
                .where(Item.source_id == source_id, Item.content_hash.in_(contents))
                .order_by(Item.id)
            ):
                found._by_content[row.content_hash].append(row)
        return found

    def take(self, it: ParsedItem, digest: str, claimed: set[Item]) -> Item | None:
        key = link_key(it.url)
        rows = self._by_link.get(key, []) if key is not None else self._by_content.get(digest, [])
        return next((row for row in rows if row not in claimed), None)

    def add(self, row: Item, it: ParsedItem, digest: str) -> None:
        key = link_key(it.url)
        if key is not None:
            self._by_link[key].append(row)
        self._by_content[digest].append(row)


def _plausible(published: datetime | None, now: datetime) -> datetime | None:
    """Drop dates a feed got wrong (before 1971, or in the future) so ordering uses first_seen."""
    if published is None or published < _EARLIEST or published > now + _FUTURE_SLACK:
        return None
    return published
