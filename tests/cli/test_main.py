"""demo, notify-test, db upgrade and secret redaction, through the real CLI."""

from __future__ import annotations

import subprocess
import sys

from conftest import Project, Sink, sqlite_only

CONFIG = """
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: a, type: feed, url: "http://127.0.0.1:9/feed.xml"}}
rules:
  - {{name: air-strike, concepts: [air_strike], notify: [ops]}}
channels:
  ops: {{urls: ["{url}"]}}
"""


def test_demo_shows_the_seed_alert() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "advisorywatch", "demo"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    # One message per item: every rule that fired on it, in the title.
    seed = "[CRITICAL] air-strike, embassy-closed, shelter-in-place: Kedutaan Besar Italia"
    assert proc.stdout.count(seed) == 1
    assert "**serangan udara**" in proc.stdout
    assert "[CRITICAL] air-strike, embassy-closed, shelter-in-place: Security Alert: U.S." in (
        proc.stdout
    )


def test_notify_test_reaches_the_sink(project: Project, sink: Sink) -> None:
    project.write_config(CONFIG.format(url=sink.apprise_url))
    result = project.cli("notify-test", "ops")
    assert result.returncode == 0, result.stderr
    assert sink.titles() == ["advisorywatch test notification"]
    assert f"ops: json://127.0.0.1:{sink.port}/***: ok" in result.stdout


def test_secrets_from_env_never_appear_in_output(project: Project, sink: Sink) -> None:
    token = "s3cr3t-T0KEN-value"
    sink.fail_next = [401]
    project.write_config(CONFIG.format(url=f"json://user:${{HOOK_TOKEN}}@127.0.0.1:{sink.port}/n"))
    result = project.cli("notify-test", env={"HOOK_TOKEN": token})
    assert result.returncode == 1
    assert "FAILED" in result.stdout
    assert token not in result.stdout + result.stderr
    assert "HOOK_TOKEN" not in result.stdout  # the label is redacted, not the template


def test_db_upgrade_creates_schema(project: Project) -> None:
    from sqlalchemy import create_engine, inspect

    project.write_config(CONFIG.format(url="console://"))
    result = project.cli("db", "upgrade")
    assert result.returncode == 0, result.stderr
    engine = create_engine(project.effective_database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"sources", "items", "alerts", "deliveries", "daemon_lease", "alembic_version"} <= tables


@sqlite_only
def test_sqlite_runs_in_wal_mode(project: Project) -> None:
    project.write_config(CONFIG.format(url="console://"))
    assert project.cli("db", "upgrade").returncode == 0
    assert project.sql("PRAGMA journal_mode") == [("wal",)]
