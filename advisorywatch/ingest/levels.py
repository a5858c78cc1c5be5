"""The advisory level stored earlier for a country, which a new statement is compared with
(:func:`advisorywatch.rules.levels.detect_change`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisorywatch.db.models import Item
from advisorywatch.model import AdvisoryLevel


def previous_level(
    s: Session, source_id: int, row: Item | None, advisory: AdvisoryLevel | None
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
