"""The outbox sender: claims due delivery rows, sends each to its one destination, and records
the outcome. A claim is a lease (``status='sending'`` with ``next_attempt_at`` at the end of
``notifier.lease_seconds``), so a sender that crashed mid-send leaves rows that become due
again when the lease ends. Each send is counted as *unconfirmed* (committed) before it starts
and uncounted when its outcome is recorded: a row with one unconfirmed send is sent once more
marked as a possible duplicate, one with two fails unsent: at most two copies from crashed
senders, and a row claimed but never sent before a crash is sent as usual.

Failures are classified by :mod:`advisorywatch.notifier.send`: a permanent one (invalid URL,
HTTP 400/401/403/404/410) stops at once, a transient one is retried with exponential backoff
and jitter, or after the server's ``Retry-After``. A destination that asked to wait, or did
not answer, is blocked until its retry in ``destination_backoff`` (database time), which every
node's sender reads before it claims or sends that destination's rows. A destination that gives
up raises one warning on the ``notifier.fallback`` channel per failure episode (again only after
it has worked in between), under a unique key: two nodes giving up at once raise one."""

from __future__ import annotations

import hashlib
import logging
import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from advisorywatch.db.clock import database_now
from advisorywatch.db.models import Alert, Delivery, DestinationBackoff, Item, utcnow
from advisorywatch.db.session import Database
from advisorywatch.db.upsert import insert
from advisorywatch.model import DeliveryStatus, NoticeKind
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import NotifierConfig
from advisorywatch.notifier.history import also_reported, is_update
from advisorywatch.notifier.message import Message, as_notify_type
from advisorywatch.notifier.notices import new_notice_once, queue_deliveries
from advisorywatch.notifier.route.summaries import close_due_summaries
from advisorywatch.notifier.send import SendResult, send
from advisorywatch.redaction import redact
from advisorywatch.testhooks import crash_point

log = logging.getLogger(__name__)
MAX_BATCH = 20
MAX_WAIT = timedelta(hours=6)


@dataclass(slots=True)
class DrainResult:
    started: datetime = field(default_factory=utcnow)  # rows due by then are sent
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    # destination key -> until when this drain leaves it alone (it asked to wait or did not
    # answer): for the rest of the drain, even once a short backoff in the database has passed
    blocked: dict[str, datetime] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Job:
    delivery_id: int
    channel: str
    destination: str
    label: str
    attempts: int
    message: Message
    what: str  # how the log names it: "alert 12 (with 13, 14)", "notice 3"
    unsendable: str | None = None  # why the message could not even be built (permanent)


def delivery_counts(db: Database) -> dict[str, int]:
    """Outbox rows by status."""
    with db.session() as s:
        rows = s.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
        return {status: int(n) for status, n in rows}


def backlog(counts: dict[str, int]) -> int:
    """Rows waiting to be sent or being sent, from :func:`delivery_counts`."""
    return counts.get(DeliveryStatus.PENDING, 0) + counts.get(DeliveryStatus.SENDING, 0)


POSSIBLE_DUPLICATE = "[possible duplicate] "
MAX_UNCONFIRMED = 2  # sends whose outcome is unknown, before a row is given up


def _unknown_outcome(d: Delivery) -> bool:
    """True (and the row failed) when too many sends of it ended without an outcome: the
    service may have it already, and another send may be one copy too many."""
    if d.unconfirmed < MAX_UNCONFIRMED:
        return False
    d.status = DeliveryStatus.FAILED
    d.last_error = f"outcome unknown after {d.unconfirmed} claims"
    log.error(
        "giving up on delivery %d to %s (%s): %s; it may have arrived",
        d.id,
        d.channel,
        d.destination_label,
        d.last_error,
    )
    return True


def _noted(message: Message, unconfirmed: int) -> Message:
    """The message, marked as a possible duplicate when an earlier send may have arrived."""
    if not unconfirmed:
        return message
    return replace(message, title=POSSIBLE_DUPLICATE + message.title)


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
        # Claim only as many rows as can be sent within half the lease, so that a claim never
        # expires while its rows are still being sent (which would let another sender resend).
        per_lease = settings.lease_seconds / (2 * settings.timeout_seconds)
        self.batch = max(1, min(MAX_BATCH, int(per_lease)))

    def drain(self) -> DrainResult:
        """Send everything due now, each row at most once per drain. Blocking: run it in a
        worker thread."""
        total = DrainResult()
        with self.db.session() as s:
            total.started = database_now(s)
            close_due_summaries(s, self.channels, total.started)
        while not self.stopping.is_set():
            jobs, taken = self._claim(total.started)
            if not taken:
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
            now = database_now(s)
            for d in s.scalars(select(Delivery).where(Delivery.id.in_(ids))):
                d.status, d.attempts, d.next_attempt_at = (
                    DeliveryStatus.PENDING,
                    d.attempts - 1,
                    now,
                )

    def pending(self) -> int:
        return backlog(delivery_counts(self.db))

    def _claim(self, due_by: datetime) -> tuple[list[_Job], int]:
        """Claim due rows: the jobs to send, and how many rows were taken. A row whose
        destination is blocked waits for it (without counting an attempt) instead."""
        lease = timedelta(seconds=self.settings.lease_seconds)
        with self.db.session() as s:
            # Leases by the database's clock: several nodes may send from one outbox.
            now = database_now(s)
            blocked = {
                destination: until
                for destination, until in s.execute(
                    select(DestinationBackoff.destination, DestinationBackoff.blocked_until).where(
                        DestinationBackoff.blocked_until > now
                    )
                )
            }
            rows = s.scalars(
                select(Delivery)
                .where(Delivery.status.in_((DeliveryStatus.PENDING, DeliveryStatus.SENDING)))
                .where(Delivery.next_attempt_at <= min(due_by, now))
                .order_by(Delivery.id)
                .limit(self.batch)
                .options(
                    selectinload(Delivery.alert).selectinload(Alert.item).selectinload(Item.source),
                    selectinload(Delivery.notice),
                )
                .with_for_update(skip_locked=True)
            ).all()
            parts = _merged_parts(s, rows)
            jobs = []
            for d in rows:
                if _unknown_outcome(d):
                    continue
                if (until := blocked.get(d.destination)) is not None:
                    d.status, d.next_attempt_at = DeliveryStatus.PENDING, until
                    continue
                d.status, d.attempts, d.next_attempt_at = (
                    DeliveryStatus.SENDING,
                    d.attempts + 1,
                    now + lease,
                )
                message, unsendable = self._render(s, d, parts.get(d.id, []), now)
                jobs.append(
                    _Job(
                        d.id,
                        d.channel,
                        d.destination,
                        d.destination_label,
                        d.attempts,
                        _noted(message, d.unconfirmed),
                        _what(d, parts.get(d.id, [])),
                        unsendable,
                    )
                )
            return jobs, len(rows)

    def _render(
        self, s: Session, d: Delivery, parts: list[Alert], now: datetime
    ) -> tuple[Message, str | None]:
        """The message, or why it cannot be built: a channel's template that fails on this
        alert fails its delivery permanently (with the reason) instead of the sender."""
        try:
            return self._message(s, d, parts, now), None
        except Exception as exc:
            return Message("", ""), redact(f"template failed: {type(exc).__name__}: {exc}")

    def _message(self, s: Session, d: Delivery, parts: list[Alert], now: datetime) -> Message:
        """The row's message, rendered now (with the item's alerts merged into it)."""
        templates = self.channels.templates(d.channel)
        if d.alert is not None:
            alerts = [d.alert, *parts]
            also = also_reported(s, alerts, d.channel)
            return templates.render(alerts, now, is_update(s, alerts), also)
        notice = d.notice
        assert notice is not None, f"delivery {d.id} has neither an alert nor a notice"
        return templates.plain(notice.title, notice.body, as_notify_type(notice.notify_type))

    def _deliver(self, job: _Job, total: DrainResult) -> None:
        dest = self.channels.lookup(job.channel, job.destination)
        if job.unsendable is not None:
            result = SendResult(False, job.unsendable, permanent=True)
        elif dest is None:
            result = SendResult(
                False,
                f"destination {job.label} is no longer in channel {job.channel!r} of the config",
                permanent=True,
            )
        else:
            if not self._begin_send(job, total.blocked.get(job.destination)):
                return
            result = send(dest.url, job.message, self.settings.timeout_seconds)
            crash_point("after-send")
        with self.db.session() as s:
            now = database_now(s)
            d = s.get_one(Delivery, job.delivery_id)
            if dest is not None:  # the outcome of the send counted above is known
                d.unconfirmed -= 1
            d.last_error = result.error
            what = job.what
            if result.ok:
                d.status, d.sent_at = DeliveryStatus.SENT, now
                total.sent += 1
                log.info("sent %s to %s (%s)", what, job.channel, job.label)
            elif result.permanent or job.attempts >= self.settings.max_attempts:
                d.status = DeliveryStatus.FAILED
                total.failed += 1
                reason = "permanent failure" if result.permanent else "too many attempts"
                log.error(
                    "giving up on %s to %s (%s) after %d attempt(s), %s: %s",
                    what,
                    job.channel,
                    job.label,
                    job.attempts,
                    reason,
                    result.error,
                )
                self._raise_fallback(s, job, reason, result.error or "", total.started)
            else:
                wait = self._wait(job.attempts, result)
                d.status, d.next_attempt_at = DeliveryStatus.PENDING, now + wait
                if result.retry_after is not None or result.status is None:
                    # The service asked us to wait, or did not answer at all (a timeout costs
                    # timeout_seconds per message): its other messages, on every node, wait
                    # for this retry.
                    _block(s, job.destination, d.next_attempt_at)
                    total.blocked[job.destination] = d.next_attempt_at
                total.retrying += 1
                log.warning(
                    "sending %s to %s (%s) failed (attempt %d), retry at %s: %s",
                    what,
                    job.channel,
                    job.label,
                    job.attempts,
                    d.next_attempt_at.isoformat(timespec="seconds"),
                    result.error,
                )

    def _begin_send(self, job: _Job, blocked: datetime | None) -> bool:
        """Count the send as unconfirmed (committed first: a crash mid-send leaves it counted),
        unless the destination is ``blocked`` in this drain or, since the row was claimed, in
        the database (a Retry-After another row, maybe on another node, got): then put the row
        back without counting an attempt, and False."""
        with self.db.session() as s:
            now = database_now(s)
            d = s.get_one(Delivery, job.delivery_id)
            until = blocked or s.scalar(
                select(DestinationBackoff.blocked_until).where(
                    DestinationBackoff.destination == job.destination,
                    DestinationBackoff.blocked_until > now,
                )
            )
            if until is not None:
                d.status, d.attempts, d.next_attempt_at = (
                    DeliveryStatus.PENDING,
                    job.attempts - 1,
                    until,
                )
                return False
            d.unconfirmed += 1
            return True

    def _wait(self, attempts: int, result: SendResult) -> timedelta:
        if result.retry_after is not None:
            return min(timedelta(seconds=result.retry_after), MAX_WAIT)
        base = self.settings.retry_base_seconds * 2 ** (attempts - 1)
        return timedelta(seconds=min(base, MAX_WAIT.total_seconds()) * random.uniform(0.8, 1.2))

    def _raise_fallback(
        self, s: Session, job: _Job, reason: str, error: str, now: datetime
    ) -> None:
        """Queue one warning on the fallback channel for a destination that gave up, unless
        one was raised since the destination last delivered something: the episode (the last
        delivery, or none) is part of the warning's unique key, so that two nodes giving up
        at once raise one. ``now`` is the start of the drain, so that the warning goes out in
        this drain."""
        fallback = self.settings.fallback
        if fallback is None or fallback == job.channel:
            return
        last_ok = s.scalar(
            select(func.max(Delivery.sent_at)).where(
                Delivery.channel == job.channel, Delivery.destination == job.destination
            )
        )
        episode = "never" if last_ok is None else last_ok.isoformat()
        digest = hashlib.sha256(f"{job.channel}\n{job.destination}\n{episode}".encode())
        notice = new_notice_once(
            s,
            NoticeKind.FALLBACK,
            fallback,
            now,
            f"fallback:{digest.hexdigest()[:40]}",
            notify_type="warning",
            title=f"advisorywatch cannot deliver to {job.channel} ({job.label})",
            body=(
                f"Notifications for channel {job.channel!r}, destination {job.label}, are "
                f"failing ({reason}): {error}\n"
                "Alerts are still stored (advisorywatch alerts). Fix the channel's URL or "
                "credentials in the config; `advisorywatch notify-test "
                f"{job.channel}` checks it."
            ),
        )
        if notice is None:
            return  # raised already in this episode (maybe by another node)
        queue_deliveries(s, notice, self.channels, now)
        log.warning(
            "raised a warning about %s (%s) on channel %s", job.channel, job.label, fallback
        )


def _block(s: Session, destination: str, until: datetime) -> None:
    """Block ``destination`` on every node until ``until`` (a later block stays)."""
    new = insert(s, DestinationBackoff).values(destination=destination, blocked_until=until)
    s.execute(
        new.on_conflict_do_update(
            index_elements=[DestinationBackoff.destination],
            set_={"blocked_until": new.excluded.blocked_until},
            where=DestinationBackoff.blocked_until < new.excluded.blocked_until,
        )
    )


def _merged_parts(s: Session, rows: Sequence[Delivery]) -> dict[int, list[Alert]]:
    """The alerts that ride in each claimed row's message (its ``merged`` rows), in order."""
    ids = [d.id for d in rows if d.alert_id is not None]
    parts: dict[int, list[Alert]] = {}
    if not ids:
        return parts
    for lead, alert in s.execute(
        select(Delivery.part_of, Alert)
        .join(Alert, Alert.id == Delivery.alert_id)
        .where(Delivery.part_of.in_(ids))
        .order_by(Alert.id)
    ):
        assert lead is not None
        parts.setdefault(lead, []).append(alert)
    return parts


def _what(d: Delivery, parts: list[Alert]) -> str:
    if d.alert_id is None:
        return f"notice {d.notice_id}"
    merged = f" (with {', '.join(str(a.id) for a in parts)})" if parts else ""
    return f"alert {d.alert_id}{merged}"
