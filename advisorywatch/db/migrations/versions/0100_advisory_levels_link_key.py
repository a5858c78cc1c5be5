"""advisory levels and link keys on items; alerts unique per occasion (0001 -> 0100, 2026-11-28)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0100"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("link_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("advisory_country", sa.Text(), nullable=True))
        batch.add_column(sa.Column("advisory_level", sa.Integer(), nullable=True))
        batch.create_index("ix_items_source_link_key", ["source_id", "link_key"])
        batch.create_index("ix_items_source_content_hash", ["source_id", "content_hash"])
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(
            sa.Column("occasion", sa.String(length=200), nullable=False, server_default="")
        )
        batch.drop_constraint("uq_alerts_item_rule", type_="unique")
        batch.create_unique_constraint(
            "uq_alerts_item_rule_occasion", ["item_id", "rule", "occasion"]
        )


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_constraint("uq_alerts_item_rule_occasion", type_="unique")
        batch.create_unique_constraint("uq_alerts_item_rule", ["item_id", "rule"])
        batch.drop_column("occasion")
    with op.batch_alter_table("items") as batch:
        batch.drop_index("ix_items_source_content_hash")
        batch.drop_index("ix_items_source_link_key")
        batch.drop_column("advisory_level")
        batch.drop_column("advisory_country")
        batch.drop_column("link_key")
