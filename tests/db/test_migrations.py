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


def _at(project: Project, revision: str) -> Database:
    """The project's database, migrated up to ``revision`` only."""
    db = Database(project.effective_database_url)
    cfg = alembic_config(db.url)
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return db


def test_upgrade_from_the_first_schema_keeps_every_row(project: Project) -> None:
    db = _at(project, "0001")
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


def test_1300_files_existing_alerts_under_their_places(project: Project) -> None:
    db = _at(project, "1000")
    kyiv = '[{"code": "geonames:703448", "country": "UA", "label": "Kyiv, Ukraine"}]'
    with db.engine.begin() as conn:
        for row in ROWS[:2]:
            conn.execute(text(row))
        conn.execute(
            text(
                "INSERT INTO alerts (id, item_id, rule, severity, matched, created_at, places)"
                " VALUES (1, 1, 'r', 'critical', '[]', '2024-01-01', :kyiv),"
                " (2, 1, 'q', 'critical', '[]', '2024-01-01', NULL)"
            ),
            {"kyiv": kyiv},
        )
        conn.execute(
            text(
                "INSERT INTO silences (id, rule, created_at, expires_at, comment)"
                " VALUES (1, 'r', '2024-01-01 10:00:00', '2024-01-02 10:00:00', '')"
            )
        )
    db.upgrade()
    db.dispose()
    assert project.sql("SELECT code, alert_id FROM alert_places ORDER BY code") == [
        ("UA", 1),
        ("geonames:703448", 1),
    ]
    assert project.sql("SELECT count(*) FROM silences WHERE starts_at = created_at") == [(1,)]
    assert project.sql("SELECT id, source_id FROM alerts ORDER BY id") == [(1, 1), (2, 1)]


def test_1100_keeps_fallback_warnings_raised_twice_for_one_destination(
    project: Project,
) -> None:
    """Before 1100 a destination's warnings shared a key; the unique key per episode keeps
    them all, and the revision goes down again."""
    db = _at(project, "1000")
    cfg = alembic_config(db.url)
    with db.engine.begin() as conn:
        for i in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO notices (id, kind, channel, key, title, body, notify_type,"
                    " created_at) VALUES (:i, 'fallback', 'mail', 'fallback:ops:d', 't', 'b',"
                    " 'warning', '2024-01-01')"
                ),
                {"i": i},
            )
    db.upgrade()
    assert project.sql("SELECT id, key FROM notices ORDER BY id") == [
        (1, "fallback:ops:d:1"),
        (2, "fallback:ops:d:2"),
    ]
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "1000")
        conn.commit()
    db.dispose()
    assert project.sql("SELECT version_num FROM alembic_version") == [("1000",)]


def test_1400_merges_two_open_summaries_of_a_channel(project: Project) -> None:
    """Two storm summaries opened at once before 1400: the first keeps what both collected,
    another channel's and a closed one are left alone."""
    db = _at(project, "1300")
    with db.engine.begin() as conn:
        for row in ROWS[:3]:
            conn.execute(text(row))
        conn.execute(
            text(
                "INSERT INTO alerts (id, item_id, rule, severity, matched, created_at)"
                " VALUES (2, 1, 'q', 'critical', '[]', '2024-01-01')"
            )
        )
        for notice, channel, closed in (
            (1, "c", "'2024-01-01'"),
            (2, "c", "NULL"),
            (3, "c", "NULL"),
            (4, "d", "NULL"),
        ):
            conn.execute(
                text(
                    "INSERT INTO notices (id, kind, channel, title, body, notify_type,"
                    f" created_at, due_at, closed_at) VALUES ({notice}, 'storm', '{channel}',"
                    f" '', '', 'info', '2024-01-01', '2024-01-02', {closed})"
                )
            )
        for delivery, alert, summary in ((1, 1, 2), (2, 2, 3), (3, 1, 4)):
            conn.execute(
                text(
                    "INSERT INTO deliveries (id, alert_id, summary_id, channel, destination,"
                    " destination_label, status, attempts, next_attempt_at, created_at)"
                    f" VALUES ({delivery}, {alert}, {summary}, 'c{delivery}', 'd', 'l',"
                    " 'batched', 0, '2024-01-01', '2024-01-01')"
                )
            )
    db.upgrade()
    db.dispose()
    assert project.sql("SELECT id FROM notices ORDER BY id") == [(1,), (2,), (4,)]
    assert project.sql("SELECT id, summary_id FROM deliveries ORDER BY id") == [
        (1, 2),
        (2, 2),
        (3, 4),
    ]
