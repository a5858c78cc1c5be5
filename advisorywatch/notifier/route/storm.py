"""The storm brake: once a channel had ``storm_max`` alerts within ``storm_window``, further
alerts for it are collected (``batched``) and sent as one summary when the window ends."""

from __future__ import annotations

from sqlalchemy import func, select

from advisorywatch.db.models import Delivery
from advisorywatch.model import SENDER_STATUSES, DeliveryStatus, NoticeKind
from advisorywatch.notifier.route.context import Routing
from advisorywatch.notifier.route.stage import Decision, NewAlert, PerChannel
from advisorywatch.notifier.route.summaries import open_summary, start_summary


def storm(routing: Routing, new: NewAlert) -> PerChannel:
    """The stage: ``batched`` into the channel's storm summary while one is open, or once the
    channel's alerts within the window reach ``storm_max``."""
    now, settings = new.now, routing.settings

    def decide(channel: str) -> Decision | None:
        summary = open_summary(routing, NoticeKind.STORM, channel, now)
        if summary is None:
            recent = routing.session.scalar(
                select(func.count(func.distinct(Delivery.alert_id))).where(
                    Delivery.channel == channel,
                    Delivery.alert_id.is_not(None),
                    Delivery.status.in_(SENDER_STATUSES),
                    Delivery.created_at > now - settings.storm_window,
                )
            )
            if (recent or 0) < settings.storm_max:
                return None
            summary = start_summary(
                routing, NoticeKind.STORM, channel, now, now + settings.storm_window
            )
        return Decision(DeliveryStatus.BATCHED, summary)

    return decide
