"""A routing stage, as in Alertmanager's ``notify.MultiStage``: each looks at a new alert and
either decides the status of its deliveries on a channel or passes it to the next stage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from advisorywatch.db.models import Alert, Item, Notice
from advisorywatch.model import DeliveryStatus
from advisorywatch.notifier.route.context import Routing


@dataclass(frozen=True, slots=True)
class Decision:
    """The status of an alert's rows on one channel; a ``batched`` one names its summary,
    ``note`` what else the log line about a held alert should name (the silence, the incident)."""

    status: DeliveryStatus
    summary: Notice | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class NewAlert:
    """A just-flushed alert to route, with its item and the time it was stored."""

    alert: Alert
    item: Item
    now: datetime
    incidents: bool  # False: never the same event as another (advisory level changes)


PerChannel = Callable[[str], Decision | None]  # a channel's name -> its decision, or pass


class Stage(Protocol):
    """Looks at an alert once (what must happen once per alert, such as joining an incident,
    happens here) and returns how it decides per channel, or None to pass on every channel."""

    def __call__(self, routing: Routing, new: NewAlert, /) -> PerChannel | None: ...


def every_channel(decision: Decision) -> PerChannel:
    """The same decision on every channel."""
    return lambda _channel: decision
