"""The routing policy: the ordered stages an alert goes through on each channel (see
:mod:`advisorywatch.notifier.route`), and the one place that writes an alert's deliveries.
A new stage is one module and one entry in :data:`STAGES`."""

from __future__ import annotations

from datetime import datetime

from advisorywatch.db.models import Alert, Item
from advisorywatch.model import DeliveryStatus
from advisorywatch.notifier.deliveries import add_deliveries
from advisorywatch.notifier.route.baseline import baseline
from advisorywatch.notifier.route.context import Routing
from advisorywatch.notifier.route.digest import digest
from advisorywatch.notifier.route.incidents import incident
from advisorywatch.notifier.route.silences import silenced
from advisorywatch.notifier.route.stage import Decision, NewAlert, Stage
from advisorywatch.notifier.route.storm import storm

STAGES: tuple[Stage, ...] = (silenced, baseline, incident, digest, storm)
PENDING = Decision(DeliveryStatus.PENDING)  # what no stage decided is sent


def plan_deliveries(
    routing: Routing,
    alert: Alert,
    item: Item,
    notify: list[str],
    now: datetime,
    *,
    incidents: bool = True,
) -> None:
    """Add the delivery rows for a just-flushed alert, one per destination of each channel in
    ``notify`` that accepts its severity. ``incidents`` is False for alerts that are never the
    same event as another (advisory level changes)."""
    new = NewAlert(alert, item, now, incidents)
    # Every stage sees the alert once, whichever channels it goes to.
    deciders = [decide for stage in STAGES if (decide := stage(routing, new)) is not None]
    for channel in notify:
        if not routing.channels.accepts(channel, alert.severity, alert.places):
            continue
        decision = next((d for decide in deciders if (d := decide(channel)) is not None), PENDING)
        add_deliveries(
            routing.session,
            routing.channels,
            channel,
            now,
            alert_id=alert.id,
            status=decision.status,
            summary_id=decision.summary.id if decision.summary else None,
        )
        routing.session.flush()
