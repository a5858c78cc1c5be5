"""why an alert's severity is below its rule's (1400 -> 1500, 2026-12-08)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1500"
down_revision = "1400"


def upgrade() -> None:
    # Plain ADD COLUMN, no batch table copy (see 0300).
    op.add_column(
        "alerts", sa.Column("lowered", sa.String(length=500), nullable=False, server_default="")
    )


def downgrade() -> None:
    op.drop_column("alerts", "lowered")
