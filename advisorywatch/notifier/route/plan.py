"""Which deliveries an alert gets, decided in the transaction that stores it.

For each channel of the rule that accepts the alert's severity, one row per destination, with
a status saying what happens to it:

- ``silenced``: an active silence covers the rule, source or channel; stored, never sent.
- ``suppressed``: the source's first crawl (the baseline), when ``notifier.baseline`` is on:
  a new source's back catalogue must not page anyone.
- ``attached``: a later report of an incident that already pinged (see
  :mod:`advisorywatch.notifier.route.incidents`).
- ``batched``: folded into a digest (the channel collects alerts below a severity) or into a
  storm summary (the channel already had ``storm_max`` alerts within ``storm_window``); the
  summary is sent once when it falls due.
- ``pending``: sent by the outbox.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from advisorywatch.db.models import Alert, Delivery, Item, Notice
from advisorywatch.model import SENDER_STATUSES, SEVERITY_RANK, DeliveryStatus, NoticeKind
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import NotifierConfig
from advisorywatch.notifier.route.incidents import IncidentWords, attach_incident
from advisorywatch.notifier.route.silences import is_silenced


def plan_deliveries(
    s: Session,
    alert: Alert,
    item: Item,
    notify: list[str],
    channels: Channels,
    now: datetime,
    incidents: IncidentWords | None,
) -> None:
    """Add the delivery rows for a just-flushed alert; ``incidents`` is None for alerts that are
    never the same event as another (advisory level changes)."""
    settings = channels.settings
    baseline = settings.baseline and _first_crawl(s, item, now)
    attached = (
        incidents is not None
        and bool(settings.incident_window)
        and attach_incident(
            s,
            incidents,
            alert,
            item.title,
            item.text,
            settings.incident_window,
            settings.incident_similarity,
            now,
        )
    )
    for channel in notify:
        if not channels.accepts(channel, alert.severity):
            continue
        summary: Notice | None = None
        if is_silenced(s, alert.rule, item.source.name, channel, now):
            status = DeliveryStatus.SILENCED
        elif baseline:
            status = DeliveryStatus.SUPPRESSED
        elif attached:
            status = DeliveryStatus.ATTACHED
        else:
            summary = _digest(s, channels, channel, alert.severity, now) or _storm(
                s, channel, settings, now
            )
            status = DeliveryStatus.BATCHED if summary else DeliveryStatus.PENDING
        for d in channels.destinations(channel):
            s.add(
                Delivery(
                    alert_id=alert.id,
                    summary_id=summary.id if summary else None,
                    channel=channel,
                    destination=d.key,
                    destination_label=d.label,
                    status=status,
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        s.flush()


def _first_crawl(s: Session, item: Item, now: datetime) -> bool:
    """Whether this is the first crawl that stored items for the item's source."""
    earlier = s.scalar(
        select(Item.id).where(Item.source_id == item.source_id, Item.first_seen < now).limit(1)
    )
    return earlier is None


def _digest(
    s: Session, channels: Channels, channel: str, severity: str, now: datetime
) -> Notice | None:
    digest = channels.configs[channel].digest
    if digest is None or SEVERITY_RANK[severity] >= SEVERITY_RANK[digest.below]:
        return None
    if digest.every == "hourly":
        due = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    else:
        due = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return _open_notice(s, NoticeKind.DIGEST, channel, now) or _new_notice(
        s, NoticeKind.DIGEST, channel, now, due
    )


def _storm(s: Session, channel: str, settings: NotifierConfig, now: datetime) -> Notice | None:
    open_storm = _open_notice(s, NoticeKind.STORM, channel, now)
    if open_storm is not None:
        return open_storm
    recent = s.scalar(
        select(func.count(func.distinct(Delivery.alert_id))).where(
            Delivery.channel == channel,
            Delivery.alert_id.is_not(None),
            Delivery.status.in_(SENDER_STATUSES),
            Delivery.created_at > now - settings.storm_window,
        )
    )
    if (recent or 0) < settings.storm_max:
        return None
    return _new_notice(s, NoticeKind.STORM, channel, now, now + settings.storm_window)


def _open_notice(s: Session, kind: str, channel: str, now: datetime) -> Notice | None:
    """The channel's summary of this kind that is still collecting alerts. Kept in
    ``Session.info`` for the transaction until it falls due (a storm of alerts asked for it
    once each): only the sender closes a summary, and only once it is due."""
    known: dict[tuple[str, str], Notice] = s.info.setdefault(_OPEN_NOTICES, {})
    notice = known.get((kind, channel))
    if notice is not None and notice.due_at is not None and now < notice.due_at:
        return notice
    notice = s.scalars(
        select(Notice)
        .where(Notice.kind == kind, Notice.channel == channel, Notice.closed_at.is_(None))
        .limit(1)
    ).first()
    if notice is not None:
        known[kind, channel] = notice
    return notice


def _new_notice(s: Session, kind: str, channel: str, now: datetime, due: datetime) -> Notice:
    row = Notice(kind=kind, channel=channel, title="", body="", created_at=now, due_at=due)
    s.add(row)
    s.flush()
    s.info.setdefault(_OPEN_NOTICES, {})[kind, channel] = row
    return row


_OPEN_NOTICES = "advisorywatch.routing.open_notices"
