"""The outbox sender: claims due delivery rows, sends each to its one destination, and records
the outcome. A claim is a lease (``status='sending'`` with ``next_attempt_at`` in the future), so
a sender that crashed mid-send leaves rows that become due again when the lease ends."""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from advisorywatch.config import NotifierConfig
from advisorywatch.db.models import Alert, Delivery, Item, utcnow
from advisorywatch.db.session import Database
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.message import Message, render
from advisorywatch.notifier.send import SendResult, send

log = logging.getLogger(__name__)
BATCH = 20
MIN_LEASE = timedelta(minutes=5)


@dataclass(slots=True)
class DrainResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class _Job:
    delivery_id: int
    channel: str
    destination: str
    label: str
    attempts: int
    message: Message


def delivery_counts(db: Database) -> dict[str, int]:
    """Outbox rows by status."""
    with db.session() as s:
        rows = s.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
        return {status: int(n) for status, n in rows}


class Outbox:
    def __init__(
        self,
        db: Database,
        channels: Channels,
        settings: NotifierConfig,
        stopping: threading.Event | None = None,
    ) -> None:
        self.db, self.channels, self.settings = db, channels, settings
        self.stopping = stopping or threading.Event()
        # Claim few rows at a time, and hold them long enough to send them all.
        self.lease = max(MIN_LEASE, timedelta(seconds=2 * BATCH * settings.timeout_seconds))

    def drain(self) -> DrainResult:
        """Send everything due now, each row at most once per drain. Blocking: run it in a
        worker thread."""
        total = DrainResult()
        due_by = utcnow()
        while not self.stopping.is_set():
            jobs = self._claim(due_by)
            if not jobs:
                break
            for i, job in enumerate(jobs):
                if self.stopping.is_set():
                    self._release([j.delivery_id for j in jobs[i:]])
                    break
                self._deliver(job, total)
        return total

    def _release(self, ids: list[int]) -> None:
        """Hand claimed but unsent rows back at shutdown, so that they do not wait for the
        lease to expire."""
        with self.db.session() as s:
            for d in s.scalars(select(Delivery).where(Delivery.id.in_(ids))):
                d.status, d.attempts, d.next_attempt_at = "pending", d.attempts - 1, utcnow()

    def pending(self) -> int:
        counts = delivery_counts(self.db)
        return counts.get("pending", 0) + counts.get("sending", 0)

    def _claim(self, due_by: datetime) -> list[_Job]:
        now = utcnow()
        with self.db.session() as s:
            rows = s.scalars(
                select(Delivery)
                .where(or_(Delivery.status == "pending", Delivery.status == "sending"))
                .where(Delivery.next_attempt_at <= due_by)
                .order_by(Delivery.id)
                .limit(BATCH)
                .options(
                    selectinload(Delivery.alert).selectinload(Alert.item).selectinload(Item.source)
                )
                .with_for_update(skip_locked=True)
            ).all()
            jobs = []
            for d in rows:
                d.status, d.attempts, d.next_attempt_at = (
                    "sending",
                    d.attempts + 1,
                    now + self.lease,
                )
                jobs.append(
                    _Job(
                        d.id,
                        d.channel,
                        d.destination,
                        d.destination_label,
                        d.attempts,
                        render(d.alert, now),
                    )
                )
            return jobs

    def _deliver(self, job: _Job, total: DrainResult) -> None:
        dest = self.channels.lookup(job.channel, job.destination)
        if dest is None:
            result = SendResult(
                False,
                f"destination {job.label} is no longer in channel {job.channel!r} of the config",
                permanent=True,
            )
        else:
            result = send(dest.url, job.message, self.settings.timeout_seconds)
        now = utcnow()
        with self.db.session() as s:
            d = s.get_one(Delivery, job.delivery_id)
            d.last_error = result.error
            if result.ok:
                d.status, d.sent_at = "sent", now
                total.sent += 1
                log.info("sent alert %s to %s (%s)", d.alert_id, job.channel, job.label)
            elif result.permanent or job.attempts >= self.settings.max_attempts:
                d.status = "failed"
                total.failed += 1
                log.error(
                    "giving up on alert %s to %s (%s) after %d attempts: %s",
                    d.alert_id,
                    job.channel,
                    job.label,
                    job.attempts,
                    result.error,
                )
            else:
                d.status, d.next_attempt_at = "pending", now + self._backoff(job.attempts)
                total.retrying += 1
                log.warning(
                    "sending alert %s to %s (%s) failed (attempt %d), retry at %s: %s",
                    d.alert_id,
                    job.channel,
                    job.label,
                    job.attempts,
                    d.next_attempt_at.isoformat(timespec="seconds"),
                    result.error,
                )

    def _backoff(self, attempts: int) -> timedelta:
        base = self.settings.retry_base_seconds * 2 ** (attempts - 1)
        return timedelta(seconds=min(base, 6 * 3600) * random.uniform(0.8, 1.2))
