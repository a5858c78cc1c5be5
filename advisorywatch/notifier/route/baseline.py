"""The baseline: with ``notifier.baseline`` on, the first crawl that stores items for a source
sends nothing (its deliveries are ``suppressed``), so adding a feed does not page anyone about
its back catalogue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from advisorywatch.db.models import Item
from advisorywatch.model import DeliveryStatus
from advisorywatch.notifier.route.context import Routing
from advisorywatch.notifier.route.stage import Decision, NewAlert, PerChannel, every_channel

_SUPPRESSED = every_channel(Decision(DeliveryStatus.SUPPRESSED))


def baseline(routing: Routing, new: NewAlert) -> PerChannel | None:
    """The stage: ``suppressed`` on every channel during the source's first crawl."""
    if routing.settings.baseline and _first_crawl(routing, new.item.source_id, new.now):
        return _SUPPRESSED
    return None


def _first_crawl(routing: Routing, source_id: int, now: datetime) -> bool:
    """Whether this is the first crawl that stored items for the source: asked once per
    source and transaction (what the transaction stores is seen at ``now``, never before)."""
    first = routing.first_crawls.get(source_id)
    if first is None:
        earlier = routing.session.scalar(
            select(Item.id).where(Item.source_id == source_id, Item.first_seen < now).limit(1)
        )
        first = routing.first_crawls[source_id] = earlier is None
    return first
