"""one open summary per kind and channel (several nodes could open two at once); what the
last prune deleted (1300 -> 1400, 2026-12-07)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1400"
down_revision = "1300"

OPEN = "closed_at IS NULL AND kind IN ('storm', 'digest')"  # as models.OPEN_SUMMARY


def upgrade() -> None:
    # Two summaries opened at once before 1400: the first keeps collecting, with what the
    # others collected; the others go (nothing of theirs was sent yet).
    first = (
        "SELECT min(k.id) FROM notices k WHERE k.closed_at IS NULL"
        " AND k.kind IN ('storm', 'digest') AND k.kind = {n}.kind AND k.channel = {n}.channel"
    )
    others = (
        f"SELECT n.id FROM notices n WHERE n.closed_at IS NULL AND n.id > ({first.format(n='n')})"
    )
    op.execute(
        f"UPDATE deliveries SET summary_id = (SELECT ({first.format(n='d')}) FROM notices d"
        f" WHERE d.id = deliveries.summary_id) WHERE summary_id IN ({others})"
    )
    op.execute(f"DELETE FROM notices WHERE id IN ({others})")
    op.create_index(
        "uq_notices_open_summary",
        "notices",
        ["kind", "channel"],
        unique=True,
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )

    # Plain ADD COLUMN, no batch table copy (see 0300).
    op.add_column("maintenance", sa.Column("counts", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("maintenance", "counts")
    op.drop_index("uq_notices_open_summary", "notices")
