"""The clock that leases run on."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from advisorywatch.db.models import utcnow


def database_now(s: Session) -> datetime:
    """The database's clock on PostgreSQL (the transaction's start), for lease arithmetic that
    several nodes must agree on; SQLite has one node, whose clock it is. On PostgreSQL it is
    asked once per transaction (``now()`` does not move within one; a batch of stores asked it
    for every fetch)."""
    if s.get_bind().dialect.name != "postgresql":
        return utcnow()
    transaction = s.get_transaction()
    known: tuple[object, datetime] | None = s.info.get(_NOW)
    if transaction is not None and known is not None and known[0] is transaction:
        return known[1]
    now = s.scalar(select(func.now()))
    assert isinstance(now, datetime)
    now = now.astimezone(UTC)
    s.info[_NOW] = (s.get_transaction(), now)
    return now


_NOW = "advisorywatch.database_now"  # Session.info key: (the transaction, its now())
