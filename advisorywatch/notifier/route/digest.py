"""Digests: a channel with ``digest: {below: SEVERITY, every: hourly|daily}`` collects the
alerts below that severity (``batched``) and sends them as one message at the top of the hour,
or at midnight UTC."""

from __future__ import annotations

from datetime import timedelta

from advisorywatch.model import SEVERITY_RANK, DeliveryStatus, NoticeKind
from advisorywatch.notifier.route.context import Routing
from advisorywatch.notifier.route.stage import Decision, NewAlert, PerChannel
from advisorywatch.notifier.route.summaries import open_summary, start_summary


def digest(routing: Routing, new: NewAlert) -> PerChannel:
    """The stage: ``batched`` into the channel's digest when the alert is below its severity."""
    now = new.now

    def decide(channel: str) -> Decision | None:
        config = routing.channels.configs[channel].digest
        if config is None or SEVERITY_RANK[new.alert.severity] >= SEVERITY_RANK[config.below]:
            return None
        if config.every == "hourly":
            due = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        else:
            due = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        summary = open_summary(routing, NoticeKind.DIGEST, channel, now) or start_summary(
            routing, NoticeKind.DIGEST, channel, now, due
        )
        return Decision(DeliveryStatus.BATCHED, summary)

    return decide
