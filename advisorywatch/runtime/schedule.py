"""Source schedules: ``every: 10m`` intervals or ``cron:`` expressions, as APScheduler triggers."""

from __future__ import annotations

import functools
import random
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

from advisorywatch.crawler.sources.base import SourceConfig
from advisorywatch.schema import parse_timezone

GRID_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@functools.cache
def grid_trigger_type() -> Any:
    """APScheduler 3's interval trigger, kept on its grid: it counts each run from the one
    before (the daemon's first run at start, and any jitter, would shift every later slot);
    this one picks the first slot of the grid at least half an interval after the run, as
    :func:`next_slot` does on several nodes: a late run skips a slot rather than running twice
    in a row. One class for every source (a class per trigger cost kilobytes per source);
    made on first use, so that commands which never schedule do not import APScheduler."""
    from apscheduler.triggers.interval import IntervalTrigger

    class GridTrigger(IntervalTrigger):  # type: ignore[misc]
        def get_next_fire_time(self, previous: datetime | None, now: datetime) -> Any:
            if previous is not None:
                now = max(now, previous) + self.interval / 2
            return super().get_next_fire_time(None, now)

    return GridTrigger


def build_trigger(
    every: timedelta | None,
    cron: str | None,
    tz: str,
    jitter: float = 0,
    start: datetime | None = None,
) -> Any:
    """An APScheduler 3 trigger for a source schedule. Intervals count elapsed time, so DST
    changes do not shift them; cron expressions follow the wall clock of ``tz``."""
    from apscheduler.triggers.cron import CronTrigger

    if cron is not None:
        trigger = CronTrigger.from_crontab(cron, timezone=parse_timezone(tz))
        trigger.jitter = jitter or None
        return trigger
    assert every is not None
    return grid_trigger_type()(
        seconds=every.total_seconds(),
        start_date=start,
        timezone=parse_timezone(tz),
        jitter=jitter or None,
    )


def grid_start(src: SourceConfig) -> datetime | None:
    """The first slot of an interval schedule (None for cron): an offset from ``GRID_EPOCH``
    derived from the source's name, the same on every node and at every start, which also
    spreads the sources of one interval over it."""
    if src.interval is None:
        return None
    step = int(src.interval.total_seconds() * 1000)
    return GRID_EPOCH + timedelta(milliseconds=zlib.crc32(src.name.encode()) % step)


def source_trigger(src: SourceConfig, jitter: bool = True) -> Any:
    """The trigger of a source's schedule, on its grid: in one daemon as on several nodes, the
    sources of one interval are spread over it instead of all falling due at the same moment."""
    seconds = src.jitter_seconds if jitter else 0
    return build_trigger(src.interval, src.cron, src.timezone, seconds, start=grid_start(src))


def next_slot(src: SourceConfig, now: datetime) -> datetime:
    """When a source fetched at ``now`` is next due, on its schedule's grid: the first slot at
    least half an interval ahead (a late run skips to the next slot instead of running twice
    in a row), plus the source's jitter. Every node computes the same grid (:func:`grid_start`)."""
    trigger = source_trigger(src, jitter=False)
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first)
    slot: datetime = trigger.get_next_fire_time(None, now + (second - first) / 2)
    return slot.astimezone(UTC) + timedelta(seconds=random.uniform(0, src.jitter_seconds))
