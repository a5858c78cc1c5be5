"""Writing the outbox: one delivery row per destination of a channel, for an alert or a
notice. Every row the sender will ever see is written here."""

from __future__ import annotations

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
) -> None:
    """Add one row per destination of ``channel`` that sends the alert or the notice (exactly
    one of ``alert_id`` and ``notice_id``); ``summary_id`` names the summary a ``batched``
    alert row is folded into."""
    for d in channels.destinations(channel):
        s.add(
            Delivery(
                alert_id=alert_id,
                notice_id=notice_id,
                summary_id=summary_id,
                channel=channel,
                destination=d.key,
                destination_label=d.label,
                status=status,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
