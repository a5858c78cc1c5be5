"""deliveries: unconfirmed, sends begun without a recorded outcome (0600 -> 0700, 2026-12-02)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0700"
down_revision = "0600"


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("unconfirmed", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("unconfirmed")
