"""The clock that leases run on."""

from __future__ import annotations

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
