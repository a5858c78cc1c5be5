"""alert_places: alerts by place, filled from alerts.places; alerts get their item's source;
silences get a place and a start; deliveries by status and age (1200 -> 1300, 2026-12-07)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "1300"
down_revision = "1200"

_BATCH = 5000


def upgrade() -> None:
    op.create_table(
        "alert_places",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code", "alert_id"),
    )
    op.create_index("ix_alert_places_alert_id", "alert_places", ["alert_id"])
    _fill_alert_places()
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_alerts_source_id_sources", "sources", ["source_id"], ["id"], ondelete="CASCADE"
        )
    op.execute(
        "UPDATE alerts SET source_id = (SELECT items.source_id FROM items"
        " WHERE items.id = alerts.item_id)"
    )
    op.create_index("ix_alerts_source_id", "alerts", ["source_id", "id"])
    with op.batch_alter_table("silences") as batch:
        batch.add_column(sa.Column("place", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("starts_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE silences SET starts_at = created_at")
    with op.batch_alter_table("silences") as batch:
        batch.alter_column("starts_at", existing_type=sa.DateTime(), nullable=False)
    op.create_index("ix_deliveries_status_created", "deliveries", ["status", "created_at"])


def _fill_alert_places() -> None:
    """Each alert's place codes and their countries' (as models.AlertPlace.codes)."""
    alerts = sa.table("alerts", sa.column("id", sa.Integer()), sa.column("places", sa.JSON()))
    target = sa.table("alert_places", sa.column("code"), sa.column("alert_id"))
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(
            sa.select(alerts.c.id, alerts.c.places)
            .where(alerts.c.id > last, alerts.c.places.is_not(None))
            .order_by(alerts.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        values: list[dict[str, Any]] = [
            {"alert_id": alert_id, "code": code}
            for alert_id, places in rows
            for code in sorted({c for p in places or () for c in (p["code"], p["country"])})
        ]
        if values:
            bind.execute(sa.insert(target), values)
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_deliveries_status_created", table_name="deliveries")
    with op.batch_alter_table("silences") as batch:
        batch.drop_column("starts_at")
        batch.drop_column("place")
    op.drop_index("ix_alerts_source_id", table_name="alerts")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_constraint("fk_alerts_source_id_sources", type_="foreignkey")
        batch.drop_column("source_id")
    op.drop_index("ix_alert_places_alert_id", table_name="alert_places")
    op.drop_table("alert_places")
