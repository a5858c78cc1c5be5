"""Tables. Times are stored as naive UTC and returned timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    select,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from advisorywatch.model import DeliveryStatus, SourceStatus


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Source(Base):
    """A configured source and its fetch state (conditional-GET validators, health)."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Health (advisorywatch.ingest.health): new, ok, failing, blocked or degraded.
    status: Mapped[str] = mapped_column(
        String(20), default=SourceStatus.NEW, server_default=SourceStatus.NEW
    )
    last_error_kind: Mapped[str | None] = mapped_column(String(40))
    items_last_run: Mapped[int | None] = mapped_column(Integer)
    empty_runs: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_items_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Retention (advisorywatch.db.retention): every item of the latest response with items was
    # seen at or after this time; empty: no such response since 1200, so nothing is pruned.
    listed_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Several nodes on PostgreSQL (advisorywatch.db.claims): the slot the source is next due
    # (empty: due now), the node holding it, until when, and the fencing token its fetch
    # must still hold to be stored. ``host`` groups sources for per-domain politeness.
    host: Mapped[str | None] = mapped_column(String(255))
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claim_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))


class Item(Base):
    """Everything a source published, once per identity (guid, canonical link or content hash)."""

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("source_id", "identity", name="uq_items_source_identity"),
        Index("ix_items_source_link_key", "source_id", "link_key"),
        Index("ix_items_source_content_hash", "source_id", "content_hash"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(String(64))
    guid: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    published: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Hash of the canonical link: finds the item again when a site rewrites its guids.
    link_key: Mapped[str | None] = mapped_column(String(64))
    # The travel-advisory level the item last stated (see crawler.sources.base.AdvisoryLevel).
    advisory_country: Mapped[str | None] = mapped_column(Text)
    advisory_level: Mapped[int | None] = mapped_column(Integer)
    # The places it names (advisorywatch.rules.places.extract.places_in), worked out when it
    # raises an alert; None: not worked out.
    places: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # When a response last listed it (refreshed at most daily: advisorywatch.ingest.items):
    # retention prunes by this.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    source: Mapped[Source] = relationship()


class Alert(Base):
    """A rule fired on an item: once, and again only when a revision of the item adds a
    concept or keyword the rule had not matched on it before. An advisory-level change names
    itself in ``occasion`` (text rules leave it empty)."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_item_rule", "item_id", "rule"),
        Index("ix_alerts_source_id", "source_id", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    # Its item's source (set on insert, see _alert_source): a source's newest alerts by index.
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(200))
    occasion: Mapped[str] = mapped_column(String(200), default="", server_default="")
    severity: Mapped[str] = mapped_column(String(20))
    # Why ``severity`` is below the rule's (a reopening, a retrospective), in words; or "".
    lowered: Mapped[str] = mapped_column(String(500), default="", server_default="")
    matched: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    places: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # its item's, when raised

    item: Mapped[Item] = relationship()


@event.listens_for(Alert, "before_insert")
def _alert_source(mapper: Any, connection: Any, alert: Alert) -> None:
    """An alert's ``source_id`` is its item's, however the alert was made."""
    if alert.source_id is None:
        item = alert.item if "item" in alert.__dict__ else None
        alert.source_id = (
            item.source_id
            if item is not None
            else connection.scalar(select(Item.source_id).where(Item.id == alert.item_id))
        )


class AlertPlace(Base):
    """The places an alert is filed under, for finding alerts by place with an index: each
    place's code (``UA-30``, ``geonames:703448``) and its country's (``UA``)."""

    __tablename__ = "alert_places"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    alert_id: Mapped[int] = mapped_column(
        ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    @staticmethod
    def codes(places: list[dict[str, Any]] | None) -> list[str]:
        """The codes an alert with ``places`` (``alerts.places``) is filed under."""
        return sorted({c for p in places or () for c in (p["code"], p["country"])})


class Incident(Base):
    """One event, possibly reported by several sources: the alerts of one rule whose items are
    similar (see advisorywatch.notifier.route.incidents). Only its first alert pings."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_rule_seen", "rule", "last_seen_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(200))
    words: Mapped[list[str]] = mapped_column(JSON)
    # What makes a report the same event (see advisorywatch.notifier.route.incidents): its
    # concepts and the codes of the places it is about; None for incidents from before 0600.
    concepts: Mapped[list[str] | None] = mapped_column(JSON)
    places: Mapped[list[str] | None] = mapped_column(JSON)
    reports: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IncidentAlert(Base):
    """Which incident an alert belongs to (a table of its own, so ``alerts`` is unchanged)."""

    __tablename__ = "incident_alerts"
    alert_id: Mapped[int] = mapped_column(
        ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True
    )
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )


class Delivery(Base):
    """The outbox: one row per alert and destination, written with the alert, sent from here."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("alert_id", "channel", "destination", name="uq_deliveries_target"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        # A status's rows by age: what a silence held while it was active (the web's API).
        Index("ix_deliveries_status_created", "status", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # Exactly one of alert_id / notice_id is set: the row sends that alert or that notice.
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    notice_id: Mapped[int | None] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), index=True
    )
    # An alert delivery folded into a storm summary or digest (status "batched").
    summary_id: Mapped[int | None] = mapped_column(
        ForeignKey("notices.id", ondelete="SET NULL"), index=True
    )
    # A "merged" row: the row (same item, channel and destination) whose message carries it.
    part_of: Mapped[int | None] = mapped_column(
        ForeignKey("deliveries.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(200))
    destination: Mapped[str] = mapped_column(String(64))
    destination_label: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Sends begun whose outcome was never recorded (the sender died mid-send): after one, the
    # row is sent once more as a possible duplicate; after two, never again (notifier/outbox.py).
    unconfirmed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    alert: Mapped[Alert | None] = relationship()
    notice: Mapped[Notice | None] = relationship(foreign_keys=[notice_id])
    lead: Mapped[Delivery | None] = relationship(remote_side=[id])


OPEN_SUMMARY = "closed_at IS NULL AND kind IN ('storm', 'digest')"


class Notice(Base):
    """A message that is not one alert: a fallback warning about a broken destination, a storm
    summary or a digest. Summaries and digests stay open (``closed_at`` empty) until ``due_at``,
    collecting alert deliveries; then they are rendered and get deliveries of their own."""

    __tablename__ = "notices"
    __table_args__ = (
        # Several senders (1100): one fallback warning per key, i.e. per failure episode of a
        # destination (notifier/outbox.py); the insert that loses the race does nothing.
        # Partial on both databases: migration 1100 creates it with ``postgresql_where`` too.
        # Naming that here would import SQLAlchemy's PostgreSQL dialect (~40 ms) in every
        # process, SQLite ones included, to validate the keyword; the schema is the migrations'.
        Index(
            "uq_notices_fallback_key", "key", unique=True, sqlite_where=text("kind = 'fallback'")
        ),
        # Several nodes (1400): one open summary per kind and channel; the node whose insert
        # loses the race adds to the winner's (notifier/route/summaries.py). Partial on both
        # databases: migration 1400 creates it with ``postgresql_where`` too (not named here,
        # as above).
        Index(
            "uq_notices_open_summary",
            "kind",
            "channel",
            unique=True,
            sqlite_where=text(OPEN_SUMMARY),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # fallback, storm, digest, health
    channel: Mapped[str] = mapped_column(String(200))
    key: Mapped[str | None] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # Apprise's notify type: info, success, warning or failure (the colour chat services show).
    notify_type: Mapped[str] = mapped_column(String(10), default="info", server_default="info")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def _when_created(context: DefaultExecutionContext) -> Any:
    """A silence starts when it is created unless it says otherwise."""
    return context.get_current_parameters()["created_at"]  # type: ignore[no-untyped-call]


class Silence(Base):
    """Mutes alerts matching every given field (rule, source, channel, place) from
    ``starts_at`` until ``expires_at``."""

    __tablename__ = "silences"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(200))
    # A place's code (see AlertPlace): alerts naming it, or for a country any of its places.
    place: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_when_created)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_by: Mapped[str | None] = mapped_column(String(200))
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")


class DaemonLease(Base):
    """Which daemon owns this database (one row), renewed by its heartbeat."""

    __tablename__ = "daemon_lease"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Node(Base):
    """A running daemon sharing a PostgreSQL database with others (advisorywatch.runtime
    .coordination); ``heartbeat_at`` is database time."""

    __tablename__ = "nodes"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    version: Mapped[str] = mapped_column(String(40))
    config_hash: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Several senders (1100): the hash of each top-level config key, so that a node whose
    # config differs can say which keys (advisorywatch.runtime.coordination).
    config_keys: Mapped[dict[str, str] | None] = mapped_column(JSON)


class Maintenance(Base):
    """When a periodic task shared by every node (``prune``: advisorywatch.db.retention) last
    ran, so that it runs once per period whichever node or cron job starts it."""

    __tablename__ = "maintenance"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What the last run did (1400): for ``prune``, the rows it deleted per table.
    counts: Mapped[dict[str, int] | None] = mapped_column(JSON)


class DestinationBackoff(Base):
    """Several senders (1100): a destination that asked to wait (a 429's Retry-After) or did
    not answer is left alone by every node's sender until ``blocked_until`` (database time).
    ``destination`` is the key of its URL (notifier.channels.destination_key), never the URL."""

    __tablename__ = "destination_backoff"
    destination: Mapped[str] = mapped_column(String(64), primary_key=True)
    blocked_until: Mapped[datetime] = mapped_column(UTCDateTime)
