"""INSERT ... ON CONFLICT, in the dialect of the session's database (PostgreSQL or SQLite):
rows that several nodes may write at once, where the loser's insert does nothing or updates."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert(s: Session, entity: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into ``entity`` that offers ``on_conflict_do_nothing`` / ``..._do_update``."""
    if s.get_bind().dialect.name == "postgresql":
        return postgresql.insert(entity)
    return sqlite.insert(entity)
