"""notifications: notices (fallback, storm summaries, digests), silences, incidents, outbox
links (0300 -> 0400, 2026-11-28)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0400"
down_revision = "0300"


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    op.create_index("ix_notices_key", "notices", ["key"])
    op.create_table(
        "silences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("channel", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_silences")),
    )
    op.create_index("ix_silences_expires_at", "silences", ["expires_at"])
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_index("ix_incidents_rule_seen", "incidents", ["rule", "last_seen_at"])
    op.create_table(
        "incident_alerts",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_incident_alerts_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_alerts_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("alert_id", name=op.f("pk_incident_alerts")),
    )
    op.create_index("ix_incident_alerts_incident_id", "incident_alerts", ["incident_id"])
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("alert_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("notice_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("summary_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_deliveries_notice_id_notices", "notices", ["notice_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_foreign_key(
            "fk_deliveries_summary_id_notices",
            "notices",
            ["summary_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_deliveries_summary_id", ["summary_id"])


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_index("ix_deliveries_summary_id")
        batch.drop_constraint("fk_deliveries_summary_id_notices", type_="foreignkey")
        batch.drop_constraint("fk_deliveries_notice_id_notices", type_="foreignkey")
        batch.drop_column("summary_id")
        batch.drop_column("notice_id")
        batch.alter_column("alert_id", existing_type=sa.Integer(), nullable=False)
    op.drop_index("ix_incident_alerts_incident_id", "incident_alerts")
    op.drop_table("incident_alerts")
    op.drop_index("ix_incidents_rule_seen", "incidents")
    op.drop_table("incidents")
    op.drop_index("ix_silences_expires_at", "silences")
    op.drop_table("silences")
    op.drop_index("ix_notices_key", "notices")
    op.drop_table("notices")
