"""daemon lease: one daemon per database (0400 -> 0500, 2026-11-28)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0500"
down_revision = "0400"


def upgrade() -> None:
    op.create_table(
        "daemon_lease",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_daemon_lease")),
    )


def downgrade() -> None:
    op.drop_table("daemon_lease")
