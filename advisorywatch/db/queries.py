"""Read-only views for the CLI."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from advisorywatch.db.models import Alert, Delivery, Item, Source
from advisorywatch.db.session import Database


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
        for alert_id, st in s.execute(
            select(Delivery.alert_id, Delivery.status).where(Delivery.alert_id.in_(ids))
        ):
            status[alert_id][st] += 1
        return [
            {
                "id": a.id,
                "created_at": a.created_at.isoformat(timespec="seconds"),
                "rule": a.rule,
                "severity": a.severity,
                "source": a.item.source.name,
                "title": a.item.title,
                "url": a.item.url,
                "published": a.item.published.isoformat() if a.item.published else None,
                "terms": sorted({m["text"] for m in a.matched}),
                "concepts": sorted({m["concept"] for m in a.matched if m["concept"]}),
                "places": [{"code": p["code"], "label": p["label"]} for p in a.places or ()],
                "deliveries": dict(status[a.id]),
            }
            for a in alerts
        ]


def source_health(db: Database, names: list[str]) -> list[dict[str, Any]]:
    """One row per named source (sources dropped from the config keep their rows but are not
    shown), in name order, for ``advisorywatch sources``."""

    def iso(dt: Any) -> str | None:
        return dt.isoformat(timespec="seconds") if dt else None

    with db.session() as s:
        return [
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
            for src in s.scalars(select(Source).where(Source.name.in_(names)).order_by(Source.name))
        ]
