"""one message per item: merged deliveries, notices' notify type (0700 -> 0800, 2026-12-07)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0800"
down_revision = "0700"


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("part_of", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_deliveries_part_of_deliveries",
            "deliveries",
            ["part_of"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_deliveries_part_of", ["part_of"])
    with op.batch_alter_table("notices") as batch:
        batch.add_column(
            sa.Column("notify_type", sa.String(length=10), server_default="info", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("notify_type")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_index("ix_deliveries_part_of")
        batch.drop_constraint("fk_deliveries_part_of_deliveries", type_="foreignkey")
        batch.drop_column("part_of")
