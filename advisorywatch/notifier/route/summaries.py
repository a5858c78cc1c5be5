"""Closing storm summaries and digests that fell due: render the alerts they collected into one
notice and queue it for every destination of the channel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from advisorywatch.db.models import Alert, Delivery, Item, Notice
from advisorywatch.model import NoticeKind
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.notices import queue_deliveries

MAX_LINES = 50


def close_due_summaries(s: Session, channels: Channels, now: datetime) -> int:
    due = s.scalars(
        select(Notice).where(
            Notice.kind.in_((NoticeKind.STORM, NoticeKind.DIGEST)),
            Notice.closed_at.is_(None),
            Notice.due_at <= now,
        )
    ).all()
    for notice in due:
        alerts = s.scalars(
            select(Alert)
            .where(
                Alert.id.in_(
                    select(Delivery.alert_id).where(Delivery.summary_id == notice.id).distinct()
                )
            )
            .order_by(Alert.id)
            .options(selectinload(Alert.item).selectinload(Item.source))
        ).all()
        notice.title, notice.body = _summary_text(notice, alerts)
        notice.closed_at = now
        if alerts and notice.channel in channels.names():
            queue_deliveries(s, notice, channels, now)
    return len(due)


def _summary_text(notice: Notice, alerts: Sequence[Alert]) -> tuple[str, str]:
    since = notice.created_at.strftime("%Y-%m-%d %H:%M UTC")
    if notice.kind == NoticeKind.STORM:
        title = f"[STORM] {len(alerts)} more alerts for {notice.channel} since {since}"
    else:
        title = f"[DIGEST] {len(alerts)} alerts for {notice.channel} since {since}"
    lines = [
        f"- [{a.severity.upper()}] {a.rule}: {a.item.title or '(untitled)'} "
        f"({a.item.source.name}) {a.item.url or ''}".rstrip()
        for a in alerts[:MAX_LINES]
    ]
    if len(alerts) > MAX_LINES:
        lines.append(f"… and {len(alerts) - MAX_LINES} more (advisorywatch alerts)")
    return title, "\n".join(lines)
