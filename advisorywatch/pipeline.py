"""Storing what a fetch produced: items, and in the same transaction the alerts they raise and
one outbox row per destination that must hear about each alert."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisorywatch.crawler.outcome import FetchOutcome
from advisorywatch.crawler.sources import ParsedItem, SourceConfig
from advisorywatch.db.models import Alert, Delivery, Item, Source, utcnow
from advisorywatch.db.session import Database
from advisorywatch.identity import content_hash, item_identity
from advisorywatch.notifier.channels import Channels
from advisorywatch.rules.engine import RuleEngine, RuleMatch, hit_record, match_keys

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
    def __init__(self, db: Database, rules: RuleEngine, channels: Channels) -> None:
        self.db, self.rules, self.channels = db, rules, channels

    def ingest(self, outcome: FetchOutcome) -> IngestResult:
        now = utcnow()
        with self.db.session() as s:
            src = s.scalars(select(Source).where(Source.name == outcome.source)).one()
            src.last_fetch_at, src.last_status = now, outcome.status
            if not outcome.ok:
                src.last_error = outcome.error
                src.consecutive_failures += 1
                return IngestResult(outcome.source, ok=False, error=outcome.error)
            src.last_error, src.consecutive_failures, src.last_success_at = None, 0, now
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
        for identity, it in by_identity.items():
            digest = content_hash(it.title, it.text)
            row = existing.get(identity)
            if row is None:
                row = Item(
                    source_id=src.id,
                    identity=identity,
                    first_seen=now,
                    published=_plausible(it.published, now),
                )
                s.add(row)
                result.new += 1
            elif row.content_hash != digest:
                result.updated += 1
            else:
                continue
            row.guid, row.url, row.title, row.text = it.guid, it.url, it.title, it.text
            row.content_hash, row.updated_at = digest, now
            s.flush()
            matches = self.rules.evaluate(src.name, {"title": it.title, "text": it.text})
            result.alerts += self._raise_alerts(s, row, matches, now)

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
            for channel in m.rule.notify:
                for d in self.channels.destinations(channel):
                    s.add(
                        Delivery(
                            alert_id=alert.id,
                            channel=channel,
                            destination=d.key,
                            destination_label=d.label,
                            status="pending",
                            attempts=0,
                            next_attempt_at=now,
                            created_at=now,
                        )
                    )
            raised += 1
        return raised


def _plausible(published: datetime | None, now: datetime) -> datetime | None:
    """Drop dates a feed got wrong (before 1971, or in the future) so ordering uses first_seen."""
    if published is None or published < _EARLIEST or published > now + _FUTURE_SLACK:
        return None
    return published
