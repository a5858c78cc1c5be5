"""source health columns and health notices (0200 -> 0300, 2026-11-28)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0300"
down_revision = "0200"


def upgrade() -> None:
    # Plain ADD/DROP COLUMN, no batch table copy: recreating ``sources`` on SQLite with
    # foreign keys on would cascade-delete every item.
    op.add_column(
        "sources", sa.Column("status", sa.String(length=20), server_default="new", nullable=False)
    )
    op.add_column("sources", sa.Column("last_error_kind", sa.String(length=40), nullable=True))
    op.add_column("sources", sa.Column("items_last_run", sa.Integer(), nullable=True))
    op.add_column(
        "sources", sa.Column("empty_runs", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column("sources", sa.Column("last_items_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    for column in ("last_items_at", "empty_runs", "items_last_run", "last_error_kind", "status"):
        op.drop_column("sources", column)
