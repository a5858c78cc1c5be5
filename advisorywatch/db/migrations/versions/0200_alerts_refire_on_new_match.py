"""alerts: a rule may fire again on an item when a revision adds a match
(0100 -> 0200, 2026-11-28)."""

from __future__ import annotations

from alembic import op

revision = "0200"
down_revision = "0100"


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_constraint("uq_alerts_item_rule_occasion", type_="unique")
        batch.create_index("ix_alerts_item_rule", ["item_id", "rule"])


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_index("ix_alerts_item_rule")
        batch.create_unique_constraint(
            "uq_alerts_item_rule_occasion", ["item_id", "rule", "occasion"]
        )
