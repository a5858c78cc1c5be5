"""The read-only commands, silences, status and argument handling, through the real CLI."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from conftest import Project, db_datetime, sqlite_only

CONFIG = """
database: {{url: "sqlite:///state.db"}}
sources:
{sources}
rules:
  - {{name: air-strike, concepts: [air_strike], notify: [ops]}}
  - {{name: embassy-closed, concepts: [embassy_closed], notify: [ops]}}
channels:
  ops: {{urls: ["console://"]}}
"""


def _write(project: Project, count: int = 2) -> None:
    sources = "\n".join(
        f'  - {{name: source-{i}, type: feed, url: "http://127.0.0.1:9/{i}.xml"}}'
        for i in range(count)
    )
    project.write_config(CONFIG.format(sources=sources))


def test_silence_refuses_unknown_names_and_records_author_and_comment(project: Project) -> None:
    _write(project)
    refused = project.cli("silence", "add", "--rule", "air-strke", "--for", "1h")
    assert refused.returncode == 2
    assert "--rule: no rule named 'air-strke' in the config (have: air-strike, embassy-closed)" in (
        refused.stderr
    )
    assert project.cli("silence", "add", "--channel", "opps", "--for", "1h").returncode == 2
    added = project.cli(
        "silence", "add", "--rule", "air-strike", "--for", "2h",
        "--author", "alice", "--comment", "planned maintenance",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = project.cli("silence", "list")
    assert "rule=air-strike until" in listed.stdout
    assert "by alice: planned maintenance" in listed.stdout
    assert project.sql("SELECT created_by, comment FROM silences") == [
        ("alice", "planned maintenance")
    ]


def test_silence_add_takes_a_place_and_a_later_start(project: Project) -> None:
    _write(project)
    wrong = project.cli("silence", "add", "--place", "Ukrane", "--for", "1h")
    assert wrong.returncode == 2
    assert "--place: unknown place 'Ukrane' (did you mean 'Ukraine'?)" in wrong.stderr
    never = project.cli("silence", "add", "--rule", "air-strike", "--for", "1h", "--starts", "soon")
    assert never.returncode == 2 and "--starts: 'soon' is neither a duration" in never.stderr
    past = project.cli(
        "silence", "add", "--rule", "air-strike", "--for", "1h",
        "--starts", "2020-01-01T00:00:00",
    )  # fmt: skip
    assert past.returncode == 2 and "--starts: give a time zone" in past.stderr

    later = project.cli("silence", "add", "--place", "Kyiv", "--for", "2h", "--starts", "1d")
    assert later.returncode == 0, later.stderr
    assert "place=geonames:703448 from " in later.stdout  # pending: it says when it starts
    at = project.cli(
        "silence", "add", "--place", "ua", "--for", "1h", "--starts", "2099-01-01T06:00Z"
    )
    assert at.returncode == 0, at.stderr
    rows = project.sql("SELECT place, starts_at, expires_at FROM silences ORDER BY id")
    assert [r[0] for r in rows] == ["geonames:703448", "UA"]  # none of the refused ones
    kyiv, ua = ((db_datetime(start), db_datetime(end)) for _, start, end in rows)
    assert kyiv[1] - kyiv[0] == timedelta(hours=2)
    assert kyiv[0] > datetime.now(UTC) + timedelta(hours=23)
    assert ua == (datetime(2099, 1, 1, 6, tzinfo=UTC), datetime(2099, 1, 1, 7, tzinfo=UTC))


def test_match_refuses_an_unknown_source(project: Project) -> None:
    _write(project)
    result = project.cli("match", "--source", "Nope", "-")
    assert result.returncode == 2
    assert "no source 'Nope' (have: source-0, source-1)" in result.stderr


def test_global_options_work_after_the_command(project: Project) -> None:
    _write(project)
    cmd = [sys.executable, "-m", "advisorywatch", "sources", "--json", "--config", "config.yaml"]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, cwd=project.dir, env=project.env(), timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert [s["name"] for s in json.loads(proc.stdout)] == ["source-0", "source-1"]


def test_subcommand_help_has_a_description(project: Project) -> None:
    result = project.cli("silence", "add", "--help")
    assert result.returncode == 0
    assert "add a silence (alerts are stored, not sent)" in result.stdout
    assert "--author" in result.stdout and "--comment" in result.stdout


@pytest.mark.parametrize("limit", ["0", "-5"])
def test_alerts_limit_below_one_is_refused(project: Project, limit: str) -> None:
    _write(project)
    result = project.cli("alerts", "--limit", limit)
    assert result.returncode == 2
    assert "--limit: must be at least 1" in result.stderr


def test_status_json_and_exit_code_when_no_daemon_runs(project: Project) -> None:
    _write(project)
    result = project.cli("status", "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["daemon"] == {"state": "not running"}
    assert data["sources_by_status"] == {"new": 2}
    assert data["outbox"]["backlog"] == 0 and data["outbox"]["silenced"] == 0
    assert data["last_alerts"] == []


def test_status_shows_whole_names(project: Project) -> None:
    long = "US Embassy Kyiv security alerts and messages for U.S. citizens"
    project.write_config(
        CONFIG.format(sources=f'  - {{name: "{long}", type: feed, url: "http://127.0.0.1:9/"}}')
    )
    result = project.cli("status")
    assert f"{long}  new" in result.stdout


def test_status_ends_cleanly_in_a_closed_pipe(project: Project) -> None:
    _write(project, count=5000)  # several times what a pipe holds
    cmd = [sys.executable, "-m", "advisorywatch", "--config", str(project.config), "status"]
    with subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=project.dir, env=project.env()
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline().startswith(b"daemon: not running")
        proc.stdout.close()  # `status | head -1`
        err = proc.stderr.read().decode()
        proc.wait(60)
    assert "BrokenPipeError" not in err and "Traceback" not in err, err
    assert proc.returncode == 1  # the daemon is not running: the pipe does not change the answer


@sqlite_only
@pytest.mark.parametrize("command", [("sources",), ("alerts",), ("status",), ("silence", "list")])
def test_read_only_commands_answer_while_a_write_transaction_is_open(
    project: Project, command: tuple[str, ...]
) -> None:
    """A command that waited for the lock would wait out the 30 s busy timeout and fail; one
    that reads takes as long as without the lock (the margin absorbs a loaded machine)."""
    _write(project)
    assert project.cli("db", "upgrade").returncode == 0
    started = time.monotonic()
    project.cli(*command)
    unlocked = time.monotonic() - started
    writer = sqlite3.connect(project.dir / "state.db", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # what the daemon's storing transaction holds
        writer.execute("UPDATE sources SET consecutive_failures = consecutive_failures")
        started = time.monotonic()
        result = project.cli(*command)
        locked = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.returncode in (0, 1), result.stderr  # status: 1, no daemon
    assert "locked" not in result.stderr
    assert locked < unlocked + 3.0, (locked, unlocked)
