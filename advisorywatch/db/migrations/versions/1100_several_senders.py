"""several senders: per-destination backoff, one fallback warning per episode, per-key config
hashes of nodes (1000 -> 1100, 2026-12-07)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1100"
down_revision = "1000"

FALLBACK = sa.text("kind = 'fallback'")


def upgrade() -> None:
    op.create_table(
        "destination_backoff",
        sa.Column("destination", sa.String(length=64), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("destination", name=op.f("pk_destination_backoff")),
    )
    # Fallback warnings raised before 1100 had one key per destination, not per episode:
    # their id makes them unique, and kept (with their deliveries).
    op.execute("UPDATE notices SET key = key || ':' || id WHERE kind = 'fallback'")
    op.create_index(
        "uq_notices_fallback_key",
        "notices",
        ["key"],
        unique=True,
        postgresql_where=FALLBACK,
        sqlite_where=FALLBACK,
    )
    # Plain ADD COLUMN, no batch table copy (see 0300).
    op.add_column("nodes", sa.Column("config_keys", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("nodes", "config_keys")
    op.drop_index("uq_notices_fallback_key", "notices")
    op.drop_table("destination_backoff")
