"""The clock that leases run on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from advisorywatch.db.models import utcnow


def database_now(s: Session) -> datetime:
    """The database's clock on PostgreSQL (the transaction's start), for lease arithmetic that
    several nodes must agree on; SQLite has one node, whose clock it is."""
    if s.get_bind().dialect.name != "postgresql":
        return utcnow()
    now = s.scalar(select(func.now()))
    assert isinstance(now, datetime)
    return now.astimezone(UTC)


def transaction_clock(s: Session) -> Callable[[], datetime]:
    """:func:`database_now` for the rest of ``s``'s transaction, asked once: PostgreSQL's
    ``now()`` is the transaction's start anyway, so a batch of fetches stored together needs one
    query, not one each; on SQLite each call reads this node's clock."""
    if s.get_bind().dialect.name != "postgresql":
        return utcnow
    now = database_now(s)
    return lambda: now
