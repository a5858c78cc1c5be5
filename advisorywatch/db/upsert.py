"""INSERT ... ON CONFLICT, in the dialect of the session's database (PostgreSQL or SQLite):
rows that several nodes may write at once, where the loser's insert does nothing or updates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite


def insert(s: Session, entity: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into ``entity`` that offers ``on_conflict_do_nothing`` / ``..._do_update``.
    Each dialect is imported when a session of it first inserts: SQLAlchemy's PostgreSQL
    dialect takes ~40 ms to import, which a process on SQLite never needs."""
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(entity)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(entity)
