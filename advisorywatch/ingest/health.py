"""Source health: what each fetch did to a source's status, and the one "source down" and one
"recovered" notice per outage.

Statuses: ``new`` (never fetched), ``ok``, ``failing`` (the last fetch failed), ``blocked``
(the last fetch met a block page: HTTP 403/407/429 or an anti-bot challenge) and ``degraded``
(a source that has yielded items before yielded none for ``degraded_after`` runs in a row; a
304 Not Modified is not an empty run). After ``down_after`` consecutive failures a "source
down" notice goes to the ``health.notify`` channels; the first success after that sends
"recovered". Notices are written in the transaction that changes the source and sent through
the outbox, so a restart neither loses nor repeats them."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from advisorywatch.config.schema import HealthConfig
from advisorywatch.db.models import Source
from advisorywatch.model import ErrorKind, FetchOutcome, NoticeKind, SourceStatus
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.notices import new_notice, queue_deliveries

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
        src.status = (
            SourceStatus.BLOCKED
            if outcome.error_kind == ErrorKind.BLOCKED
            else SourceStatus.FAILING
        )
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
    src.status = SourceStatus.DEGRADED if degraded else SourceStatus.OK
    return RECOVERED if was_down else None


def queue_notice(
    s: Session, src: Source, kind: str, cfg: HealthConfig, channels: Channels, now: datetime
) -> None:
    """One notice per ``health.notify`` channel, delivered through the alert outbox (same
    retries, leases and restart guarantees as alerts)."""
    title, body = _message(src, kind)
    # Down is a warning (the source's alerts are not seen), recovered a success: green, so
    # the end of an outage reads as such.
    color = "warning" if kind == DOWN else "success"
    log.warning("%s", title)
    for channel in cfg.notify:
        key = f"health:{kind}:{src.name}"
        notice = new_notice(
            s, NoticeKind.HEALTH, channel, now, title=title, body=body, key=key, notify_type=color
        )
        queue_deliveries(s, notice, channels, now)


def _message(src: Source, kind: str) -> tuple[str, str]:
    if kind == DOWN:
        since = (
            src.last_success_at.strftime("%Y-%m-%d %H:%M UTC") if src.last_success_at else "never"
        )
        return (
            f"[SOURCE DOWN] {src.name}",
            f"{src.name} failed {src.consecutive_failures} times in a row; its alerts are not "
            f"being seen.\nLast error ({src.last_error_kind or '-'}): {src.last_error}\n"
            f"URL: {src.url}\nLast success: {since}",
        )
    return f"[RECOVERED] {src.name}", f"{src.name} works again.\nURL: {src.url}"
