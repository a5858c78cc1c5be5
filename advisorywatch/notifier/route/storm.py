"""The storm brake: once a channel had ``storm_max`` messages within ``storm_window``, further
alerts for it are collected (``batched``) and sent as one summary when the window ends. Alerts
of a severity in ``storm_exempt`` (critical, by default) are never held. A reload applies new
settings to the open storms (:func:`apply_storm_settings`).

Several nodes (PostgreSQL): a transaction counts a channel's messages under the channel's
transaction-scoped advisory lock (:mod:`.locks`), held until it commits, so two nodes never
both find the threshold not reached and each send one more: the second counts the first's."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from advisorywatch.db.models import Delivery, Notice
from advisorywatch.model import SENDER_STATUSES, DeliveryStatus, NoticeKind
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import NotifierConfig
from advisorywatch.notifier.route.context import Routing
from advisorywatch.notifier.route.grouping import one_message
from advisorywatch.notifier.route.locks import take_lock
from advisorywatch.notifier.route.stage import Decision, NewAlert, PerChannel
from advisorywatch.notifier.route.summaries import open_summary, start_summary

log = logging.getLogger(__name__)
STORM_LOCKS = 0x4159  # advisory lock namespace: one key per channel (hashtext of its name)


def storm(routing: Routing, new: NewAlert) -> PerChannel | None:
    """The stage: ``batched`` into the channel's storm summary while one is open, or once the
    channel's messages within the window reach ``storm_max``; exempt severities pass."""
    now, settings = new.now, routing.settings
    if new.alert.severity in settings.storm_exempt:
        return None

    def decide(channel: str) -> Decision | None:
        summary = open_summary(routing, NoticeKind.STORM, channel, now)
        if summary is None and take_lock(routing, STORM_LOCKS, channel):
            # Another node may have opened a storm since, and committed (its lock released).
            summary = open_summary(routing, NoticeKind.STORM, channel, now)
        if summary is None:
            if _recent(routing.session, channel, now - settings.storm_window) < settings.storm_max:
                return None
            summary = start_summary(
                routing, NoticeKind.STORM, channel, now, now + settings.storm_window
            )
        return Decision(DeliveryStatus.BATCHED, summary)

    return decide


def _recent(s: Session, channel: str, since: datetime) -> int:
    """The alerts with a message of their own on the channel within the storm window (merged
    ones ride in another's, so a message counts once)."""
    recent = s.scalar(
        select(func.count(func.distinct(Delivery.alert_id))).where(
            Delivery.channel == channel,
            Delivery.alert_id.is_not(None),
            Delivery.status.in_(SENDER_STATUSES),
            Delivery.created_at > since,
        )
    )
    return recent or 0


def storm_settings(settings: NotifierConfig) -> tuple[int, timedelta, tuple[str, ...]]:
    """What a reload must apply to open storms when it changes."""
    return settings.storm_max, settings.storm_window, tuple(settings.storm_exempt)


def apply_storm_settings(s: Session, channels: Channels, now: datetime) -> int:
    """After a reload: each open storm ends at its start plus the (new) ``storm_window``; what
    it holds of an exempt severity, and as many items as the channel's messages within the
    window leave room for under the (new) ``storm_max``, oldest first, are released (one
    message per item, ``pending`` now). A storm left holding nothing is closed. Returns how
    many alerts were released."""
    settings = channels.settings
    released = 0
    open_storms = (
        select(Notice)
        .where(Notice.kind == NoticeKind.STORM, Notice.closed_at.is_(None))
        .with_for_update()  # not one a sender (on another node) is closing meanwhile
    )
    for notice in s.scalars(open_storms).all():
        if notice.channel not in channels.names():
            continue  # closed when due, with nothing to send
        notice.due_at = notice.created_at + settings.storm_window
        held = s.scalars(
            select(Delivery)
            .where(Delivery.summary_id == notice.id, Delivery.status == DeliveryStatus.BATCHED)
            .order_by(Delivery.id)
            .options(selectinload(Delivery.alert))
        ).all()
        by_item: dict[int, list[Delivery]] = defaultdict(list)
        for row in held:
            assert row.alert is not None
            by_item[row.alert.item_id].append(row)
        room = settings.storm_max - _recent(s, notice.channel, now - settings.storm_window)
        let_go: list[list[Delivery]] = []
        for rows in by_item.values():
            exempt = [r for r in rows if r.alert and r.alert.severity in settings.storm_exempt]
            if room > 0:
                let_go.append(rows)
                room -= 1
            elif exempt:
                let_go.append(exempt)
        for rows in let_go:
            _release(rows, now)
            released += len(rows)
        if len(held) == sum(len(rows) for rows in let_go):
            notice.closed_at = now  # nothing left to summarise: no message
        if let_go:
            log.info(
                "storm summary %d on %s: %d held alert(s) released under the new settings",
                notice.id,
                notice.channel,
                sum(len(rows) for rows in let_go),
            )
    return released


def _release(rows: list[Delivery], now: datetime) -> None:
    """One item's held rows on a channel go out as one message per destination."""
    by_destination: dict[str, list[Delivery]] = defaultdict(list)
    for row in rows:
        by_destination[row.destination].append(row)
    for group in by_destination.values():
        lead, statuses = one_message(
            [(r.alert.severity if r.alert else "info", DeliveryStatus.PENDING) for r in group]
        )
        assert lead is not None
        for row, status in zip(group, statuses, strict=True):
            row.status, row.summary_id, row.next_attempt_at = status, None, now
            row.lead = group[lead] if status == DeliveryStatus.MERGED else None
