"""Retention: rows older than the ``retention:`` ages deleted in short batches.

Each batch is one transaction of at most ``batch`` rows, taken in primary-key order; the caller
pauses between batches (the daemon stores fetches meanwhile). In this order:

- alerts created before the cutoff, with their deliveries and incident links, unless one of
  their deliveries is still to be sent (pending, sending, or held in a summary not yet closed)
  or their source still lists their item (the alerts on an item are what keeps a revision of
  it from alerting again); an incident left without alerts goes with its last one;
- items last listed before the cutoff that have no alert left, and that the source's latest
  response with items did not list (``Source.listed_since``, kept by
  :mod:`advisorywatch.ingest.items`): an item a source still lists is never pruned, else it
  would come back as new and alert again;
- closed notices created before the cutoff, with their deliveries, unless one is still to be
  sent;
- silences that ended before the cutoff;
- destination backoffs that have run out (a destination that asked to wait, which the
  senders may call again).

On PostgreSQL one node prunes at a time (a session advisory lock; the others skip). The
``maintenance`` row records when a run finished and what it deleted (``advisorywatch status``
shows it), so that it runs once per ``every`` whichever node or ``run --once`` starts it.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Executable,
    ScalarSelect,
    and_,
    delete,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from advisorywatch.db.clock import database_now
from advisorywatch.db.config import RetentionConfig
from advisorywatch.db.models import (
    Alert,
    Delivery,
    DestinationBackoff,
    Incident,
    IncidentAlert,
    Item,
    Maintenance,
    Notice,
    Silence,
    Source,
)
from advisorywatch.db.session import Database
from advisorywatch.model import DeliveryStatus

PRUNE = "prune"  # the maintenance row
PRUNE_LOCK = 0x41570002  # PostgreSQL advisory lock key held while pruning
_TO_SEND = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


@dataclass(slots=True)
class Pruned:
    """Rows deleted so far by one run."""

    items: int = 0
    alerts: int = 0
    deliveries: int = 0
    incidents: int = 0
    notices: int = 0
    silences: int = 0
    destination_backoff: int = 0

    def counts(self) -> dict[str, int]:
        return asdict(self)


# One batch: delete up to ``limit`` rows of one kind with keys above ``after`` (None: from the
# first), count them in ``Pruned``; returns the keys looked at, in order.
_Batch = Callable[[Session, datetime, Any, int, Pruned], Sequence[Any]]


def prune_steps(
    db: Database, cfg: RetentionConfig, force: bool = False
) -> Generator[Pruned, None, None]:
    """Prune, one transaction per step; yields the running counts after each. Yields nothing
    when another node is pruning, or (unless ``force``) when the last run is not ``every``
    old yet. Closing the iterator early ends the run; it is then not recorded as done."""
    with db.engine.connect() as conn:
        shared = conn.dialect.name == "postgresql"
        if shared and not _advisory(conn, "pg_try_advisory_lock"):
            return
        try:
            with Session(bind=conn) as s, s.begin():
                now = database_now(s)
                last = s.get(Maintenance, PRUNE)
                if not force and last is not None and last.done_at > now - cfg.every:
                    return
            pruned = Pruned()
            yield pruned
            for keep, batch in (
                (cfg.alerts, _alerts),
                (cfg.items, _items),
                (cfg.notices, _notices),
                (cfg.silences, _ended(Silence.id, Silence.expires_at)),
                (
                    timedelta(0),
                    _ended(DestinationBackoff.destination, DestinationBackoff.blocked_until),
                ),
            ):
                if keep is not None:
                    yield from _batches(conn, batch, now - keep, cfg.batch, pruned)
            with Session(bind=conn) as s, s.begin():
                row = s.get(Maintenance, PRUNE)
                if row is None:
                    s.add(Maintenance(name=PRUNE, done_at=now, counts=pruned.counts()))
                else:
                    row.done_at, row.counts = now, pruned.counts()
        finally:
            if shared:
                _advisory(conn, "pg_advisory_unlock")


def _batches(
    conn: Connection, batch: _Batch, cutoff: datetime, limit: int, pruned: Pruned
) -> Iterator[Pruned]:
    after = None
    while True:
        with Session(bind=conn) as s, s.begin():
            ids = batch(s, cutoff, after, limit, pruned)
        yield pruned
        if len(ids) < limit:
            return
        after = ids[-1]  # rows kept below it are not looked at again


def _alerts(
    s: Session, cutoff: datetime, after: int | None, limit: int, pruned: Pruned
) -> list[int]:
    open_summaries = select(Notice.id).where(Notice.closed_at.is_(None))
    unsent = exists().where(
        Delivery.alert_id == Alert.id,
        or_(
            Delivery.status.in_(_TO_SEND),
            and_(
                Delivery.status == DeliveryStatus.BATCHED, Delivery.summary_id.in_(open_summaries)
            ),
        ),
    )
    unlisted = exists().where(Item.id == Alert.item_id, Item.last_seen_at < _listed_since())
    ids = _ids(s, Alert.id, limit, after, Alert.created_at < cutoff, ~unsent, unlisted)
    if not ids:
        return ids
    incidents = set(
        s.scalars(select(IncidentAlert.incident_id).where(IncidentAlert.alert_id.in_(ids)))
    )
    s.execute(delete(IncidentAlert).where(IncidentAlert.alert_id.in_(ids)))
    pruned.deliveries += _delete(s, delete(Delivery).where(Delivery.alert_id.in_(ids)))
    pruned.alerts += _delete(s, delete(Alert).where(Alert.id.in_(ids)))
    if incidents:
        linked = exists().where(IncidentAlert.incident_id == Incident.id)
        pruned.incidents += _delete(s, delete(Incident).where(Incident.id.in_(incidents), ~linked))
    return ids


def _items(
    s: Session, cutoff: datetime, after: int | None, limit: int, pruned: Pruned
) -> list[int]:
    ids = _ids(
        s,
        Item.id,
        limit,
        after,
        Item.last_seen_at < cutoff,
        Item.last_seen_at < _listed_since(),  # empty listed_since: nothing is pruned
        ~exists().where(Alert.item_id == Item.id),
    )
    if ids:
        pruned.items += _delete(s, delete(Item).where(Item.id.in_(ids)))
    return ids


def _listed_since() -> ScalarSelect[datetime | None]:
    """The ``listed_since`` of the item's source: an item last seen before it is one the
    source no longer lists."""
    return select(Source.listed_since).where(Source.id == Item.source_id).scalar_subquery()


def _notices(
    s: Session, cutoff: datetime, after: int | None, limit: int, pruned: Pruned
) -> list[int]:
    unsent = exists().where(Delivery.notice_id == Notice.id, Delivery.status.in_(_TO_SEND))
    ids = _ids(
        s,
        Notice.id,
        limit,
        after,
        Notice.created_at < cutoff,
        Notice.closed_at.is_not(None),
        ~unsent,
    )
    if ids:
        pruned.deliveries += _delete(s, delete(Delivery).where(Delivery.notice_id.in_(ids)))
        pruned.notices += _delete(s, delete(Notice).where(Notice.id.in_(ids)))
    return ids


def _ended(pk: InstrumentedAttribute[Any], ends: InstrumentedAttribute[datetime]) -> _Batch:
    """Batches of the rows of ``pk``'s table whose ``ends`` is before the cutoff, counted under
    the table's name."""
    table = pk.class_.__tablename__

    def batch(s: Session, cutoff: datetime, after: Any, limit: int, pruned: Pruned) -> list[Any]:
        # Checked again as it deletes: a sender on another node may have just extended one.
        over = ends < cutoff
        keys = _ids(s, pk, limit, after, over)
        if keys:
            gone = _delete(s, delete(pk.class_).where(pk.in_(keys), over))
            setattr(pruned, table, getattr(pruned, table) + gone)
        return keys

    return batch


def _ids(
    s: Session,
    pk: InstrumentedAttribute[Any],
    limit: int,
    after: Any,
    *where: ColumnElement[bool],
) -> list[Any]:
    above = () if after is None else (pk > after,)
    return list(s.scalars(select(pk).where(*above, *where).order_by(pk).limit(limit)))


def last_prune(db: Database) -> Maintenance | None:
    """When the last prune finished, and what it deleted (None: never)."""
    with db.session() as s:
        return s.get(Maintenance, PRUNE)


def _delete(s: Session, statement: Executable) -> int:
    return int(getattr(s.execute(statement), "rowcount", 0))


def _advisory(conn: Connection, fn: str) -> bool:
    """Take (try) or give back the session-level advisory lock, outside any transaction."""
    got = conn.execute(select(getattr(func, fn)(PRUNE_LOCK))).scalar()
    conn.commit()
    return bool(got)
