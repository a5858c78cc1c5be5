"""Source schedules: ``every: 10m`` intervals or ``cron:`` expressions, as APScheduler triggers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from advisorywatch.schema import parse_timezone


def build_trigger(every: timedelta | None, cron: str | None, tz: str, jitter: float = 0) -> Any:
    """An APScheduler 3 trigger for a source schedule. Intervals count elapsed time, so DST
    changes do not shift them; cron expressions follow the wall clock of ``tz``."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    if cron is not None:
        trigger = CronTrigger.from_crontab(cron, timezone=parse_timezone(tz))
        trigger.jitter = jitter or None
        return trigger
    assert every is not None
    return IntervalTrigger(
        seconds=every.total_seconds(), timezone=parse_timezone(tz), jitter=jitter or None
    )
