"""Source health: what each fetch did to a source's status, and the one "source down" and one
"recovered" notice per outage.

Statuses: ``new`` (never fetched), ``ok``, ``failing`` (the last fetch failed), ``blocked``
(the last fetch met a block page: HTTP 403/407/429 or an anti-bot challenge) and ``degraded``
(a source that has yielded items before yielded none for ``degraded_after`` runs in a row; a
304 Not Modified is not an empty run). After ``down_after`` consecutive failures a "source
down" notice goes to the ``health.notify`` channels; the first success after that sends
"recovered". Notices are rows in ``health_notices``, written in the transaction that changes
the source, so a restart neither loses nor repeats them."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisorywatch.config import HealthConfig, NotifierConfig
from advisorywatch.crawler.outcome import BLOCKED, FetchOutcome
from advisorywatch.db.models import HealthNotice, Source, utcnow
from advisorywatch.db.session import Database
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.message import Message
from advisorywatch.notifier.send import send

log = logging.getLogger(__name__)
DOWN, RECOVERED = "down", "recovered"


def record_fetch(
    src: Source, outcome: FetchOutcome, cfg: HealthConfig, now: datetime
) -> str | None:
    """Update ``src``'s health from one fetch; return DOWN or RECOVERED when a notice is due."""
    src.last_fetch_at, src.last_status = now, outcome.status
    if not outcome.ok:
        src.last_error, src.last_error_kind = outcome.error, outcome.error_kind
        src.consecutive_failures += 1
        src.status = "blocked" if outcome.error_kind == BLOCKED else "failing"
        return DOWN if src.consecutive_failures == cfg.down_after else None
    was_down = src.consecutive_failures >= cfg.down_after
    src.last_error, src.last_error_kind = None, None
    src.consecutive_failures, src.last_success_at = 0, now
    if not outcome.not_modified:
        src.items_last_run = len(outcome.items)
        if outcome.items:
            src.empty_runs, src.last_items_at = 0, now
        else:
            src.empty_runs += 1
    degraded = src.last_items_at is not None and src.empty_runs >= cfg.degraded_after
    src.status = "degraded" if degraded else "ok"
    return RECOVERED if was_down else None


def queue_notice(
    s: Session, src: Source, kind: str, cfg: HealthConfig, channels: Channels, now: datetime
) -> None:
    """One ``health_notices`` row per destination of every ``health.notify`` channel."""
    message = _message(src, kind)
    log.warning("%s", message.title)
    for channel in cfg.notify:
        for d in channels.destinations(channel):
            s.add(
                HealthNotice(
                    source_id=src.id,
                    kind=kind,
                    channel=channel,
                    destination=d.key,
                    destination_label=d.label,
                    title=message.title,
                    body=message.body,
                    status="pending",
                    attempts=0,
                    created_at=now,
                )
            )


def _message(src: Source, kind: str) -> Message:
    if kind == DOWN:
        since = (
            src.last_success_at.strftime("%Y-%m-%d %H:%M UTC") if src.last_success_at else "never"
        )
        return Message(
            f"[SOURCE DOWN] {src.name}",
            f"{src.name} failed {src.consecutive_failures} times in a row; its alerts are not "
            f"being seen.\nLast error ({src.last_error_kind or '-'}): {src.last_error}\n"
            f"URL: {src.url}\nLast success: {since}",
        )
    return Message(f"[RECOVERED] {src.name}", f"{src.name} works again.\nURL: {src.url}")


class HealthNotifier:
    """Sends pending health notices; a failed send is retried on the next drain, up to
    ``notifier.max_attempts``."""

    def __init__(self, db: Database, channels: Channels, settings: NotifierConfig) -> None:
        self.db, self.channels, self.settings = db, channels, settings

    def drain(self) -> int:
        """Send every pending notice once. Blocking: run it in a worker thread."""
        with self.db.session() as s:
            pending = [
                (n.id, n.channel, n.destination, n.title, n.body)
                for n in s.scalars(
                    select(HealthNotice)
                    .where(HealthNotice.status == "pending")
                    .order_by(HealthNotice.id)
                )
            ]
        sent = 0
        for notice_id, channel, key, title, body in pending:
            dest = self.channels.lookup(channel, key)
            result = (
                send(dest.url, Message(title, body), self.settings.timeout_seconds)
                if dest
                else None
            )
            with self.db.session() as s:
                n = s.get_one(HealthNotice, notice_id)
                n.attempts += 1
                if result is not None and result.ok:
                    n.status, n.sent_at, n.last_error = "sent", utcnow(), None
                    sent += 1
                    continue
                n.last_error = result.error if result else "destination no longer configured"
                if result is None or result.permanent or n.attempts >= self.settings.max_attempts:
                    n.status = "failed"
                    log.error("giving up on health notice %r: %s", title, n.last_error)
        return sent
