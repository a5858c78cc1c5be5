"""The advisory level stored earlier for a country, which a new statement is compared with
(:func:`advisorywatch.rules.levels.detect_change`), and the changes a response states."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisorywatch.db.models import Item
from advisorywatch.model import AdvisoryLevel
from advisorywatch.rules.levels import LevelChange, detect_change

if TYPE_CHECKING:
    from advisorywatch.ingest.items import StoredItem  # which imports this module


def previous_level(
    s: Session, source_id: int, row: StoredItem | None, advisory: AdvisoryLevel | None
) -> int | None:
    """The level last stored for ``advisory.country`` in this source: on the item itself, else
    on the most recently updated item of the same country."""
    if advisory is None:
        return None
    if row is not None and row.advisory_country == advisory.country:
        return row.advisory_level
    return s.scalars(
        select(Item.advisory_level)
        .where(Item.source_id == source_id, Item.advisory_country == advisory.country)
        .order_by(Item.updated_at.desc(), Item.id.desc())
        .limit(1)
    ).first()


class LevelChanges:
    """The advisory-level changes a response's items state, in feed order: a country's first
    statement in the response is compared with the level stored earlier, a later one with the
    statement before it."""

    def __init__(self, s: Session, source_id: int) -> None:
        self._s, self._source_id = s, source_id
        self._levels: dict[str, int] = {}  # country -> level stated earlier in this response

    def change(self, row: StoredItem | None, advisory: AdvisoryLevel | None) -> LevelChange | None:
        """``row``: the item's stored row, before it takes the level ``advisory`` states."""
        if advisory is None:
            return None
        previous = self._levels.get(advisory.country)
        if previous is None:
            previous = previous_level(self._s, self._source_id, row, advisory)
        self._levels[advisory.country] = advisory.level
        return detect_change(previous, advisory)
