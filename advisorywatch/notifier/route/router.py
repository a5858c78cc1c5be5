"""The routing policy: the ordered stages an alert goes through on each channel (see
:mod:`advisorywatch.notifier.route`), and the one place that writes alerts' deliveries: an
item's alerts together, as one message per channel (:mod:`.grouping`). A new stage is one
module and one entry in :data:`STAGES`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from advisorywatch.db.models import Alert, Item
from advisorywatch.model import HELD_STATUSES, DeliveryStatus
from advisorywatch.notifier.deliveries import add_deliveries
from advisorywatch.notifier.route.baseline import baseline
from advisorywatch.notifier.route.context import Routing
from advisorywatch.notifier.route.digest import digest
from advisorywatch.notifier.route.grouping import one_message
from advisorywatch.notifier.route.incidents import incident
from advisorywatch.notifier.route.silences import silenced
from advisorywatch.notifier.route.stage import Decision, NewAlert, PerChannel, Stage
from advisorywatch.notifier.route.storm import storm

log = logging.getLogger(__name__)
STAGES: tuple[Stage, ...] = (silenced, baseline, incident, digest, storm)
PENDING = Decision(DeliveryStatus.PENDING)  # what no stage decided is sent


@dataclass(frozen=True, slots=True)
class Raised:
    """A just-flushed alert, the channels its rule notifies, and whether it may join an
    incident (False for alerts that are never the same event as another: level changes)."""

    alert: Alert
    notify: Sequence[str]
    incidents: bool = True


def plan_deliveries(routing: Routing, item: Item, raised: Sequence[Raised], now: datetime) -> None:
    """Add the delivery rows for the alerts an item raised in this transaction: on each
    channel of their rules that accepts an alert's severity, one row per destination, and
    one message per item (:func:`~.grouping.one_message`). Every held alert is logged."""
    news = [NewAlert(r.alert, item, now, r.incidents) for r in raised]
    # Every stage sees each alert once, whichever channels it goes to.
    deciders = [[d for stage in STAGES if (d := stage(routing, new)) is not None] for new in news]
    held: dict[int, list[str]] = {}
    for channel in dict.fromkeys(c for r in raised for c in r.notify):
        parts = [
            (new, _decide(decide, channel))
            for r, new, decide in zip(raised, news, deciders, strict=True)
            if channel in r.notify
            and routing.channels.accepts(channel, new.alert.severity, new.alert.places)
        ]
        lead, statuses = one_message([(new.alert.severity, d.status) for new, d in parts])
        order = sorted(range(len(parts)), key=lambda i: i != lead)  # the lead's rows first
        lead_rows: dict[str, int] = {}
        for i in order:
            new, decision = parts[i]
            status = statuses[i]
            rows = add_deliveries(
                routing.session,
                routing.channels,
                channel,
                now,
                alert_id=new.alert.id,
                status=status,
                summary_id=decision.summary.id
                if decision.summary and status == DeliveryStatus.BATCHED
                else None,
                part_of=lead_rows if status == DeliveryStatus.MERGED else None,
            )
            if i == lead:
                lead_rows = rows
            if status in HELD_STATUSES:
                held.setdefault(new.alert.id, []).append(
                    f"{channel}: {_why(routing, new, decision)}"
                )
    for new in news:
        if new.alert.id in held:
            log.info(
                "alert %d (%s) on %r from %s not sent now: %s",
                new.alert.id,
                new.alert.rule,
                item.title[:120],
                item.source.name,
                "; ".join(held[new.alert.id]),
            )


def _decide(deciders: list[PerChannel], channel: str) -> Decision:
    return next((d for decide in deciders if (d := decide(channel)) is not None), PENDING)


def _why(routing: Routing, new: NewAlert, decision: Decision) -> str:
    """What holds an alert back on a channel, for the log."""
    status = decision.status
    if status == DeliveryStatus.SILENCED:
        return f"silenced by {decision.note}"
    if status == DeliveryStatus.SUPPRESSED:
        return f"suppressed, the baseline of source {new.item.source.name}'s first crawl"
    if status == DeliveryStatus.ATTACHED:
        return f"attached to {decision.note}, which has pinged"
    summary = decision.summary
    assert summary is not None and summary.due_at is not None
    due = summary.due_at.strftime("%Y-%m-%d %H:%M UTC")
    return f"batched into {summary.kind} summary {summary.id}, sent at {due}"
