"""What a message says about the ones before it: whether it updates an item that notified
before, and which reports joined its incident since that incident's last message on the
channel ("also reported by"), so that attached reports are listed instead of dropped."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from advisorywatch.db.models import Alert, Delivery, IncidentAlert, Item, Source
from advisorywatch.model import DeliveryStatus

# A message that went out or will: what "the incident's last message" is made of.
_MESSAGES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.SENT)


def is_update(s: Session, alerts: Sequence[Alert]) -> bool:
    """A text match on an item that had alerts before: a revision added a concept or keyword
    (an advisory-level change is an event of its own)."""
    if any(a.occasion for a in alerts):
        return False
    first = min(a.id for a in alerts)
    earlier = select(Alert.id).where(Alert.item_id == alerts[0].item_id, Alert.id < first)
    return s.scalar(earlier.limit(1)) is not None


def also_reported(s: Session, alerts: Sequence[Alert], channel: str) -> list[str]:
    """The sources (with the language they matched in) of the reports attached to the
    message's incidents on ``channel`` since each incident's last message there."""
    ids = [a.id for a in alerts]
    incidents = s.scalars(
        select(IncidentAlert.incident_id).where(IncidentAlert.alert_id.in_(ids)).distinct()
    ).all()
    found: dict[str, None] = {}
    for incident in incidents:
        in_incident = (
            select(Alert)
            .join(IncidentAlert, IncidentAlert.alert_id == Alert.id)
            .join(Delivery, Delivery.alert_id == Alert.id)
            .where(
                IncidentAlert.incident_id == incident,
                Delivery.channel == channel,
                Alert.id.not_in(ids),
            )
        )
        last = s.scalar(
            in_incident.where(Delivery.status.in_(_MESSAGES)).with_only_columns(
                func.max(Alert.created_at)
            )
        )
        if last is None:
            continue
        attached = s.execute(
            in_incident.where(Delivery.status == DeliveryStatus.ATTACHED, Alert.created_at >= last)
            .join(Item, Item.id == Alert.item_id)
            .join(Source, Source.id == Item.source_id)
            .with_only_columns(Source.name, Alert.matched)
            .order_by(Alert.id)
        )
        for name, matched in attached:
            language = next((m["language"] for m in matched if m.get("language")), None)
            found[f"{name} ({language})" if language else name] = None
    return list(found)
