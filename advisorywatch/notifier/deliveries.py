"""Writing the outbox: one delivery row per destination of a channel, for an alert or a
notice. Every row the sender will ever see is written here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from advisorywatch.db.models import Delivery
from advisorywatch.model import DeliveryStatus
from advisorywatch.notifier.channels import Channels


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
    part_of: Sequence[Delivery] = (),
) -> list[Delivery]:
    """Add one row per destination of ``channel`` that sends the alert or the notice (exactly
    one of ``alert_id`` and ``notice_id``); ``summary_id`` names the summary a ``batched``
    alert row is folded into, ``part_of`` the rows (of the same channel) whose message carries
    a ``merged`` one."""
    leads = {row.destination: row for row in part_of}
    rows = [
        Delivery(
            alert_id=alert_id,
            notice_id=notice_id,
            summary_id=summary_id,
            lead=leads.get(d.key),
            channel=channel,
            destination=d.key,
            destination_label=d.label,
            status=status,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        for d in channels.destinations(channel)
    ]
    s.add_all(rows)
    return rows
