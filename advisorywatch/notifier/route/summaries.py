"""Storm summaries and digests: a channel's open summary of each kind collects the alerts the
``storm`` and ``digest`` stages batch; once due, the sender closes it, renders the alerts it
collected into one notice and queues it for every destination of the channel.

Several nodes may route and send at once (PostgreSQL): the sender closes a summary under its
row lock (``FOR UPDATE SKIP LOCKED``: one node closes it, the others pass it by), and routing
adds to an open summary under a share lock of the same row, so that an alert is never added to
a summary being closed (routing then waits, finds it closed and opens another). A unique index
allows one open summary per kind and channel: of two nodes opening one at once, the second
waits for the first to commit and adds to its summary."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from advisorywatch.db.models import Alert, Delivery, Item, Notice
from advisorywatch.model import SEVERITY_RANK, NoticeKind, distinct_terms, most_severe
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.message import notify_type
from advisorywatch.notifier.notices import open_summary_once, queue_deliveries
from advisorywatch.notifier.route.context import Routing

MAX_LINES = 50


def open_summary(routing: Routing, kind: NoticeKind, channel: str, now: datetime) -> Notice | None:
    """The channel's summary of this kind that is still collecting alerts. Kept for the
    transaction until it falls due (a storm of alerts asks for it once each): only the sender
    closes a summary, and only once it is due."""
    notice = routing.summaries.get((kind, channel))
    if notice is not None and notice.due_at is not None and now < notice.due_at:
        return notice
    notice = routing.session.scalars(
        select(Notice)
        .where(Notice.kind == kind, Notice.channel == channel, Notice.closed_at.is_(None))
        .limit(1)
        .with_for_update(read=True)
    ).first()
    if notice is not None:
        routing.summaries[kind, channel] = notice
    return notice


def start_summary(
    routing: Routing, kind: NoticeKind, channel: str, now: datetime, due: datetime
) -> Notice:
    """Open a summary of this kind for the channel, to be sent at ``due``; or, when another
    node opened one meanwhile, that one (there is one open summary per kind and channel)."""
    while True:  # again only if the one another node opened was closed meanwhile
        notice = open_summary_once(routing.session, kind, channel, now, due) or open_summary(
            routing, kind, channel, now
        )
        if notice is not None:
            routing.summaries[kind, channel] = notice
            return notice


def close_due_summaries(s: Session, channels: Channels, now: datetime) -> int:
    """Close the summaries due by ``now`` that no other transaction holds, queue their
    messages, and return how many. The rows stay locked until ``s`` commits."""
    due = s.scalars(
        select(Notice)
        .where(
            Notice.kind.in_((NoticeKind.STORM, NoticeKind.DIGEST)),
            Notice.closed_at.is_(None),
            Notice.due_at <= now,
        )
        .with_for_update(skip_locked=True)
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
        notice.notify_type = notify_type(most_severe(a.severity for a in alerts))
        notice.closed_at = now
        if alerts and notice.channel in channels.names():
            queue_deliveries(s, notice, channels, now)
    return len(due)


def _summary_text(notice: Notice, alerts: Sequence[Alert]) -> tuple[str, str]:
    """One line per item (its alerts' rules and matched terms together), most severe first."""
    by_item: dict[int, list[Alert]] = {}
    for a in alerts:
        by_item.setdefault(a.item_id, []).append(a)
    groups = sorted(
        by_item.values(), key=lambda g: -SEVERITY_RANK[most_severe(a.severity for a in g)]
    )
    since = notice.created_at.strftime("%Y-%m-%d %H:%M UTC")
    if notice.kind == NoticeKind.STORM:
        title = f"[STORM] {len(groups)} more alerts for {notice.channel} since {since}"
    else:
        title = f"[DIGEST] {len(groups)} alerts for {notice.channel} since {since}"
    lines = [_line(group) for group in groups[:MAX_LINES]]
    if len(groups) > MAX_LINES:
        lines.append(f"… and {len(groups) - MAX_LINES} more (advisorywatch alerts)")
    return title, "\n".join(lines)


def _line(alerts: list[Alert]) -> str:
    item = alerts[0].item
    severity = most_severe(a.severity for a in alerts).upper()
    rules = ", ".join(dict.fromkeys(a.rule for a in alerts))
    terms = ", ".join(distinct_terms(m["text"] for a in alerts for m in a.matched))
    return (
        f"- [{severity}] {item.title or '(untitled)'} ({item.source.name}) · {rules}"
        f"{f' · matched: {terms}' if terms else ''} {item.url or ''}"
    ).rstrip()
