"""Schema migrations keep existing data, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from advisorywatch.db.session import Database, alembic_config, head_revision

from conftest import Project, db_datetime

ROWS = [
    "INSERT INTO sources (id, name, type, url, consecutive_failures, created_at)"
    " VALUES (1, 's', 'feed', 'http://x', 0, '2024-01-01')",
    "INSERT INTO items (id, source_id, identity, title, text, content_hash, first_seen,"
    " updated_at) VALUES (1, 1, 'i', 't', 'x', 'h', '2024-01-01', '2024-01-01')",
    "INSERT INTO alerts (id, item_id, rule, severity, matched, created_at)"
    " VALUES (1, 1, 'r', 'critical', '[]', '2024-01-01')",
    "INSERT INTO deliveries (id, alert_id, channel, destination, destination_label, status,"
    " attempts, next_attempt_at, created_at)"
    " VALUES (1, 1, 'c', 'd', 'l', 'pending', 0, '2024-01-01', '2024-01-01')",
]


def test_upgrade_from_the_first_schema_keeps_every_row(project: Project) -> None:
    db = Database(project.effective_database_url)
    cfg = alembic_config(db.url)
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with db.engine.begin() as conn:
        for row in ROWS:
            conn.execute(text(row))
    db.upgrade()
    db.dispose()
    counts = {
        t: project.sql(f"SELECT count(*) FROM {t}")[0][0]
        for t in ("sources", "items", "alerts", "deliveries")
    }
    assert counts == {"sources": 1, "items": 1, "alerts": 1, "deliveries": 1}
    assert project.sql("SELECT version_num FROM alembic_version") == [(head_revision(),)]
    assert head_revision() is not None
    # 1200: an item's last sighting starts at its last change; no listing is known yet, so
    # retention prunes nothing of the source until it next lists items.
    [(seen, changed)] = project.sql("SELECT last_seen_at, updated_at FROM items")
    assert db_datetime(seen) == db_datetime(changed)
    assert project.sql("SELECT listed_since FROM sources") == [(None,)]
