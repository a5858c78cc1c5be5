"""Read-only views for the CLI."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from advisorywatch.db.models import Alert, Delivery, Item, Node, Source
from advisorywatch.db.session import Database
from advisorywatch.model import DeliveryStatus, SourceStatus, distinct_terms


def overdue_deliveries(db: Database, due_before: datetime) -> int:
    """Deliveries waiting although they were due before ``due_before`` (a claimed one is due
    when its lease ends): a sender that does not run, hangs, or cannot keep up."""
    with db.session() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.status.in_((DeliveryStatus.PENDING, DeliveryStatus.SENDING)))
                .where(Delivery.next_attempt_at < due_before)
            )
            or 0
        )


def recent_alerts(db: Database, limit: int) -> list[dict[str, Any]]:
    with db.session() as s:
        alerts = s.scalars(
            select(Alert)
            .order_by(Alert.created_at.desc(), Alert.id.desc())
            .limit(limit)
            .options(selectinload(Alert.item).selectinload(Item.source))
        ).all()
        ids = [a.id for a in alerts]
        status: dict[int | None, Counter[str]] = {i: Counter() for i in ids}
        # A "merged" row rides in another alert's message: which one.
        lead = aliased(Delivery)
        merged_into: dict[int | None, set[int | None]] = {i: set() for i in ids}
        for alert_id, st, lead_alert in s.execute(
            select(Delivery.alert_id, Delivery.status, lead.alert_id)
            .outerjoin(lead, lead.id == Delivery.part_of)
            .where(Delivery.alert_id.in_(ids))
        ):
            status[alert_id][st] += 1
            if lead_alert is not None:
                merged_into[alert_id].add(lead_alert)
        return [
            {
                "id": a.id,
                "created_at": a.created_at.isoformat(timespec="seconds"),
                "rule": a.rule,
                "severity": a.severity,
                "lowered": a.lowered,
                "source": a.item.source.name,
                "title": a.item.title,
                "url": a.item.url,
                "published": a.item.published.isoformat() if a.item.published else None,
                "terms": distinct_terms(m["text"] for m in a.matched),
                "concepts": sorted({m["concept"] for m in a.matched if m["concept"]}),
                "places": [{"code": p["code"], "label": p["label"]} for p in a.places or ()],
                "deliveries": dict(status[a.id]),
                "merged_into": sorted(i for i in merged_into[a.id] if i is not None),
            }
            for a in alerts
        ]


def source_health(db: Database, names: list[str]) -> list[dict[str, Any]]:
    """One row per named source (sources dropped from the config keep their rows but are not
    shown), in name order, for ``advisorywatch sources``."""

    def iso(dt: Any) -> str | None:
        return dt.isoformat(timespec="seconds") if dt else None

    with db.session() as s:
        stored = {src.name: src for src in s.scalars(select(Source).where(Source.name.in_(names)))}
    rows = []
    for name in sorted(names):
        # A source added to the config since the daemon last started has no row yet.
        src = stored.get(name) or Source(
            name=name, status=SourceStatus.NEW.value, consecutive_failures=0
        )
        rows.append(
            {
                "name": src.name,
                "status": src.status,
                "last_attempt": iso(src.last_fetch_at),
                "last_success": iso(src.last_success_at),
                "consecutive_failures": src.consecutive_failures,
                "last_error_kind": src.last_error_kind,
                "last_error": src.last_error,
                "items_last_run": src.items_last_run,
            }
        )
    return rows


def nodes(db: Database) -> list[tuple[Node, int]]:
    """The daemons registered on a shared (PostgreSQL) database, each with the number of
    sources it holds claims on, oldest first."""
    with db.session() as s:
        claims = s.execute(
            select(Source.claimed_by, func.count())
            .where(Source.claimed_by.is_not(None))
            .group_by(Source.claimed_by)
        )
        held = {node: int(n) for node, n in claims}
        rows = s.scalars(select(Node).order_by(Node.started_at, Node.id)).all()
        return [(n, held.get(n.id, 0)) for n in rows]
