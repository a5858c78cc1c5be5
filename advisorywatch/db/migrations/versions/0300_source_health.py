"""source health columns and health notices

Revision ID: 0300
Revises: 0200
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0300"
down_revision = "0200"
branch_labels = None
depends_on = None


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
    op.create_table(
        "health_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("destination", sa.String(length=64), nullable=False),
        sa.Column("destination_label", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_health_notices_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_notices")),
    )
    op.create_index("ix_health_notices_status", "health_notices", ["status"])


def downgrade() -> None:
    op.drop_index("ix_health_notices_status", "health_notices")
    op.drop_table("health_notices")
    for column in ("last_items_at", "empty_runs", "items_last_run", "last_error_kind", "status"):
        op.drop_column("sources", column)
