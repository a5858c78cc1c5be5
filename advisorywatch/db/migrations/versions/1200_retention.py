"""retention: when items were last listed, the indexes pruning needs, the maintenance table
(1100 -> 1200, 2026-12-07)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1200"
down_revision = "1100"


def upgrade() -> None:
    # Plain ADD COLUMN, no batch table copy (see 0300): items may hold millions of rows.
    op.add_column("items", sa.Column("last_seen_at", sa.DateTime(), nullable=True))
    # Not known before this revision: the last change is the latest sign of life. Nothing is
    # pruned from a source until a response with items sets its listed_since.
    op.execute("UPDATE items SET last_seen_at = updated_at")
    op.add_column("sources", sa.Column("listed_since", sa.DateTime(), nullable=True))
    op.create_index("ix_items_last_seen_at", "items", ["last_seen_at"])
    op.create_index("ix_deliveries_notice_id", "deliveries", ["notice_id"])
    op.create_index("ix_notices_created_at", "notices", ["created_at"])
    op.create_table(
        "maintenance",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_maintenance")),
    )


def downgrade() -> None:
    op.drop_table("maintenance")
    op.drop_index("ix_notices_created_at", "notices")
    op.drop_index("ix_deliveries_notice_id", "deliveries")
    op.drop_index("ix_items_last_seen_at", "items")
    op.drop_column("sources", "listed_since")
    op.drop_column("items", "last_seen_at")
