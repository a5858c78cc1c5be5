"""Prometheus metrics and the health state behind ``/healthz``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge

from advisorywatch.runtime.compact_metrics import CompactCounter, CompactHistogram


class Metrics:
    """The daemon's metrics; those with a series per source are compact (see
    :mod:`.compact_metrics`)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.items = CompactCounter(
            "advisorywatch_items", "New items stored", ["source"], registry=r
        )
        self.revisions = CompactCounter(
            "advisorywatch_item_revisions", "Changed items stored", ["source"], registry=r
        )
        self.alerts = CompactCounter(
            "advisorywatch_alerts", "Alerts raised", ["source"], registry=r
        )
        self.fetches = CompactCounter(
            "advisorywatch_fetches",
            "Fetches by result (ok, not_modified, failed)",
            ["source", "result"],
            registry=r,
        )
        self.crawl_seconds = CompactHistogram(
            "advisorywatch_crawl_duration_seconds",
            "Fetch, parse and store time per source crawl",
            ["source"],
            registry=r,
            buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
        )
        self.overruns = CompactCounter(
            "advisorywatch_crawl_overruns",
            "Crawls that outlasted their interval",
            ["source"],
            registry=r,
        )
        self.stuck = Gauge(
            "advisorywatch_crawls_stuck",
            "Crawls running for more than three intervals",
            registry=r,
        )
        self.deliveries = Gauge(
            "advisorywatch_deliveries", "Outbox rows by status", ["status"], registry=r
        )
        self.backlog = Gauge(
            "advisorywatch_outbox_backlog", "Notifications waiting to be delivered", registry=r
        )
        self.heartbeat = Gauge(
            "advisorywatch_scheduler_heartbeat_timestamp_seconds",
            "Last scheduler heartbeat",
            registry=r,
        )
        self.pruned = Counter(
            "advisorywatch_pruned_rows",
            "Rows deleted by retention (items, alerts, deliveries, incidents, notices)",
            ["table"],
            registry=r,
        )
        self.last_success = Gauge(
            "advisorywatch_last_successful_cycle_timestamp_seconds",
            "End of the last crawl in which every source succeeded",
            registry=r,
        )


@dataclass(frozen=True, slots=True)
class HealthReport:
    healthy: bool
    detail: dict[str, object]


class Health:
    """Heartbeat, last successful cycle and named problems (a background task that failed, a
    database that cannot be written, deliveries overdue), read by the HTTP thread even when
    the loop stalls. A problem makes the daemon unhealthy until it is cleared."""

    def __init__(self, stale_after: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.stale_after = stale_after
        self._clock = clock
        self._lock = threading.Lock()
        self._started = clock()
        self._beat = self._started
        self._success: float | None = None
        self._stuck: list[str] = []
        self._problems: dict[str, str] = {}

    def problem(self, name: str, reason: str | None) -> None:
        """Set the problem ``name`` (``reason`` None clears it: the next success)."""
        with self._lock:
            if reason is None:
                self._problems.pop(name, None)
            else:
                self._problems[name] = reason

    def beat(self, stuck: list[str]) -> None:
        with self._lock:
            self._beat, self._stuck = self._clock(), stuck

    def cycle_succeeded(self) -> None:
        with self._lock:
            self._success = self._clock()

    def report(self) -> HealthReport:
        with self._lock:
            now = self._clock()
            beat_age = now - self._beat
            success_age = None if self._success is None else now - self._success
            stuck = list(self._stuck)
            problems = dict(self._problems)
        healthy = beat_age <= self.stale_after and not stuck and not problems
        return HealthReport(
            healthy,
            {
                "status": "ok" if healthy else "unhealthy",
                "heartbeat_age_seconds": round(beat_age, 1),
                "last_successful_cycle_age_seconds": (
                    None if success_age is None else round(success_age, 1)
                ),
                "stuck_sources": stuck,
                "problems": problems,
            },
        )
