"""``advisorywatch status``: one screen (or one JSON object) with the daemon, sources, outbox,
the last prune and last alerts."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from advisorywatch.db.models import utcnow
from advisorywatch.db.queries import nodes, recent_alerts, source_health
from advisorywatch.db.retention import last_prune
from advisorywatch.db.session import Database
from advisorywatch.model import HELD_STATUSES, DeliveryStatus
from advisorywatch.notifier.outbox import backlog, delivery_counts
from advisorywatch.runtime.coordination import config_leader, peers_of, refusal_of
from advisorywatch.runtime.instance_lock import current

LAST_ALERTS = 5
MAX_ERROR = 120  # characters of a source's last error on the screen (all of it in --json)


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "never"
    seconds = int((now - when).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{seconds}s ago"


def _iso(when: datetime | None) -> str | None:
    return when.isoformat(timespec="seconds") if when else None


def status_data(db: Database, stale_after: timedelta, names: list[str]) -> dict[str, Any]:
    """What ``status --json`` prints: the daemon's state (running, stale or not running) and
    heartbeat age, the configured sources (``names``) by status, the outbox, last alerts and
    the last prune."""
    now = utcnow()
    lease = current(db)
    daemon: dict[str, Any] = {"state": "not running"}
    if lease is not None:
        age = (now - lease.heartbeat_at).total_seconds()
        daemon = {
            "state": "running" if age <= stale_after.total_seconds() else "stale",
            "host": lease.host,
            "pid": lease.pid,
            "started_at": _iso(lease.started_at),
            "heartbeat_age_seconds": round(age, 1),
        }
    else:  # several daemons share a PostgreSQL database: each is a node
        held_by = nodes(db)
        live = [n for n, _ in held_by if now - n.heartbeat_at <= stale_after]
        peers = {p.id: p for p in peers_of(live)}
        leader = config_leader(list(peers.values())) if peers else None
        shared: list[dict[str, Any]] = [
            {
                "id": node.id,
                "host": node.host,
                "pid": node.pid,
                "version": node.version,
                "started_at": _iso(node.started_at),
                "state": "running" if node.id in peers else "stale",
                "heartbeat_age_seconds": round((now - node.heartbeat_at).total_seconds(), 1),
                "sources_held": held,
                # Why it claims and sends nothing (its config differs), or None.
                "refusing": (
                    refusal_of(peers[node.id], leader) if leader and node.id in peers else None
                ),
            }
            for node, held in held_by
        ]
        if shared:
            fresh = any(n["state"] == "running" for n in shared)
            daemon = {"state": "running" if fresh else "stale", "nodes": shared}
    sources = source_health(db, names)
    counts = delivery_counts(db)
    return {
        "daemon": daemon,
        "sources_by_status": dict(Counter(s["status"] for s in sources)),
        "sources": sources,
        "outbox": {
            "backlog": backlog(counts),
            **{status.value: counts.get(status, 0) for status in DeliveryStatus},
        },
        "last_alerts": recent_alerts(db, LAST_ALERTS),
        "last_prune": _last_prune(db),
    }


def _last_prune(db: Database) -> dict[str, Any] | None:
    """When the last prune finished and the rows it deleted per table; None: never."""
    row = last_prune(db)
    return None if row is None else {"at": _iso(row.done_at), "removed": row.counts}


def render_status(data: dict[str, Any]) -> str:
    """The status screen from :func:`status_data`."""
    now = utcnow()
    d = data["daemon"]
    if d["state"] == "not running":
        lines = ["daemon: not running"]
    elif "nodes" in d:
        lines = [
            f"node {n['id'][:8]}: "
            f"{'running' if n['state'] == 'running' else 'STALE (no heartbeat)'} on "
            f"{n['host']} (pid {n['pid']}, {n['version']}), started "
            f"{_ago(datetime.fromisoformat(n['started_at']), now)}, heartbeat "
            f"{int(n['heartbeat_age_seconds'])}s ago, holding {n['sources_held']} source(s)"
            f"{f'; REFUSING: {r}' if (r := n.get('refusing')) else ''}"
            for n in d["nodes"]
        ]
    else:
        state = "running" if d["state"] == "running" else "STALE (no heartbeat), last seen"
        started = datetime.fromisoformat(d["started_at"])
        lines = [
            f"daemon: {state} on {d['host']} (pid {d['pid']}), started {_ago(started, now)}, "
            f"heartbeat {int(d['heartbeat_age_seconds'])}s ago"
        ]
    sources = data["sources"]
    width = max([len("source"), *(len(s["name"]) for s in sources)])
    lines += [
        "",
        f"{'source':<{width}}  {'status':<9} {'last success':<13} {'fails':>5}  last error",
    ]
    for src in sources:
        error = " ".join((src["last_error"] or "").split())
        if len(error) > MAX_ERROR:
            error = error[: MAX_ERROR - 1] + "…"
        success = datetime.fromisoformat(src["last_success"]) if src["last_success"] else None
        lines.append(
            f"{src['name']:<{width}}  {src['status']:<9} {_ago(success, now):<13} "
            f"{src['consecutive_failures']:>5}  {error}"
        )
    out = data["outbox"]
    lines += [
        "",
        f"outbox: {out['backlog']} waiting, {out[DeliveryStatus.SENT]} sent, "
        f"{out[DeliveryStatus.FAILED]} failed, "
        f"{sum(out[st] for st in HELD_STATUSES)} held (silenced, baseline, incidents, summaries)",
    ]
    lines.append(_render_prune(data["last_prune"], now))
    alerts = data["last_alerts"]
    lines += ["", "last alerts:" if alerts else "last alerts: none"]
    for a in alerts:
        lines.append(f"  {a['created_at']}  {a['severity']:<8} {a['rule']}: {a['title']}")
    return "\n".join(lines)


def _render_prune(prune: dict[str, Any] | None, now: datetime) -> str:
    if prune is None:
        return "last prune: never"
    removed = ", ".join(f"{n} {table}" for table, n in (prune["removed"] or {}).items() if n)
    when = datetime.fromisoformat(prune["at"])
    return f"last prune: {_ago(when, now)} ({prune['at']}), removed {removed or 'nothing'}"
