"""Writing the outbox: one delivery row per destination of a channel, for an alert or a
notice. Every row the sender will ever see is written here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from advisorywatch.db.models import Delivery
from advisorywatch.model import DeliveryStatus
from advisorywatch.notifier.channels import Channels

_DELIVERIES: Table = Delivery.__table__  # type: ignore[assignment]  # declarative tables are Tables
# Built once: building an INSERT costs as much as running it. Each row comes back with its
# destination, unique per alert (or notice) and channel.
_INSERT = insert(_DELIVERIES).returning(_DELIVERIES.c.destination, _DELIVERIES.c.id)


def add_deliveries(
    s: Session,
    channels: Channels,
    channel: str,
    now: datetime,
    *,
    alert_id: int | None = None,
    notice_id: int | None = None,
    status: DeliveryStatus = DeliveryStatus.PENDING,
    summary_id: int | None = None,
    part_of: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Insert one row per destination of ``channel`` that sends the alert or the notice
    (exactly one of ``alert_id`` and ``notice_id``); ``summary_id`` names the summary a
    ``batched`` alert row is folded into, ``part_of`` the rows (of the same channel, by
    destination) whose message carries a ``merged`` one. Returns the new rows' ids by
    destination. One Core statement, not the ORM's flush: a cold pass writes a row per alert."""
    rows = [
        {
            "alert_id": alert_id,
            "notice_id": notice_id,
            "summary_id": summary_id,
            "part_of": part_of.get(d.key) if part_of else None,
            "channel": channel,
            "destination": d.key,
            "destination_label": d.label,
            "status": status,
            "attempts": 0,
            "unconfirmed": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for d in channels.destinations(channel)
    ]
    if not rows:
        return {}
    return {key: id_ for key, id_ in s.connection().execute(_INSERT, rows)}
