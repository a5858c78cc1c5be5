"""places of items and alerts, concepts and places of incidents (0900 -> 1000, 2026-12-07)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1000"
down_revision = "0900"


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("places", sa.JSON(), nullable=True))
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("places", sa.JSON(), nullable=True))
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("concepts", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("places", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("places")
        batch.drop_column("concepts")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("places")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("places")
