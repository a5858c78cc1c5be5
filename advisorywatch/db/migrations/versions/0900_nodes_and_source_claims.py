"""nodes and source claims: several daemons on one PostgreSQL database (0800 -> 0900,
2026-12-07)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0900"
down_revision = "0800"


def upgrade() -> None:
    op.create_table(
        "nodes",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("config_hash", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nodes")),
    )
    # Plain ADD COLUMN, no batch table copy (see 0300).
    op.add_column("sources", sa.Column("host", sa.String(length=255), nullable=True))
    op.add_column("sources", sa.Column("next_run_at", sa.DateTime(), nullable=True))
    op.add_column("sources", sa.Column("claimed_by", sa.String(length=64), nullable=True))
    op.add_column("sources", sa.Column("claim_until", sa.DateTime(), nullable=True))
    op.add_column("sources", sa.Column("claim_token", sa.String(length=32), nullable=True))
    op.create_index("ix_sources_next_run_at", "sources", ["next_run_at"])


def downgrade() -> None:
    op.drop_index("ix_sources_next_run_at", "sources")
    for column in ("claim_token", "claim_until", "claimed_by", "next_run_at", "host"):
        op.drop_column("sources", column)
    op.drop_table("nodes")
