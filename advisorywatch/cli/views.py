"""``advisorywatch status``: one screen with the daemon, sources, outbox and last alerts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from advisorywatch.db.models import Source, utcnow
from advisorywatch.db.queries import nodes, recent_alerts
from advisorywatch.db.session import Database
from advisorywatch.model import DeliveryStatus
from advisorywatch.notifier.outbox import backlog, delivery_counts
from advisorywatch.runtime.instance_lock import current

LAST_ALERTS = 5


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "never"
    seconds = int((now - when).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{seconds}s ago"


def render_status(db: Database, stale_after: timedelta) -> tuple[str, bool]:
    """The status screen, and whether the daemon runs with a heartbeat fresher than
    ``stale_after`` (what a container health check or a monitoring script asks)."""
    now = utcnow()
    lines: list[str] = []
    lease = current(db)
    alive = lease is not None and now - lease.heartbeat_at <= stale_after
    shared = nodes(db) if lease is None else []  # several daemons (PostgreSQL)
    for node, held in shared:
        fresh = now - node.heartbeat_at <= stale_after
        alive = alive or fresh
        lines.append(
            f"node {node.id[:8]}: {'running' if fresh else 'STALE (no heartbeat)'} on "
            f"{node.host} (pid {node.pid}, {node.version}), started {_ago(node.started_at, now)}"
            f", heartbeat {_ago(node.heartbeat_at, now)}, holding {held} source(s)"
        )
    if lease is None and not shared:
        lines.append("daemon: not running")
    elif lease is not None:
        state = "running" if alive else "STALE (no heartbeat), last seen"
        lines.append(
            f"daemon: {state} on {lease.host} (pid {lease.pid}), started "
            f"{_ago(lease.started_at, now)}, heartbeat {_ago(lease.heartbeat_at, now)}"
        )
    with db.session() as s:
        sources = s.scalars(select(Source).order_by(Source.name)).all()
    lines += ["", f"{'source':<36} {'status':<9} {'last success':<13} {'fails':>5}  last error"]
    for src in sources:
        error = (src.last_error or "")[:60]
        lines.append(
            f"{src.name[:36]:<36} {src.status:<9} {_ago(src.last_success_at, now):<13} "
            f"{src.consecutive_failures:>5}  {error}"
        )
    counts = delivery_counts(db)
    waiting = backlog(counts)
    lines += [
        "",
        f"outbox: {waiting} waiting, {counts.get(DeliveryStatus.SENT, 0)} sent, "
        f"{counts.get(DeliveryStatus.FAILED, 0)} failed",
    ]
    alerts = recent_alerts(db, LAST_ALERTS)
    lines += ["", "last alerts:" if alerts else "last alerts: none"]
    for a in alerts:
        lines.append(f"  {a['created_at']}  {a['severity']:<8} {a['rule']}: {a['title'][:70]}")
    return "\n".join(lines), alive
