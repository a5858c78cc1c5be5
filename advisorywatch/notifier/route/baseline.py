"""The baseline: with ``notifier.baseline`` on, the first crawl that stores items for a source
sends nothing (its deliveries are ``suppressed``), so adding a feed does not page anyone about
its back catalogue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisorywatch.db.models import Item
from advisorywatch.model import DeliveryStatus
from advisorywatch.notifier.route.context import Routing
from advisorywatch.notifier.route.stage import Decision, NewAlert, PerChannel, every_channel

_SUPPRESSED = every_channel(Decision(DeliveryStatus.SUPPRESSED))


def baseline(routing: Routing, new: NewAlert) -> PerChannel | None:
    """The stage: ``suppressed`` on every channel during the source's first crawl."""
    if routing.settings.baseline and _first_crawl(routing.session, new.item, new.now):
        return _SUPPRESSED
    return None


def _first_crawl(s: Session, item: Item, now: datetime) -> bool:
    """Whether this is the first crawl that stored items for the item's source."""
    earlier = s.scalar(
        select(Item.id).where(Item.source_id == item.source_id, Item.first_seen < now).limit(1)
    )
    return earlier is None
