"""Routing through the real CLI: severity routing, silences, the silent baseline of a new
source, storm summaries and digests."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from conftest import FeedServer, Project, ScriptedSink, db_datetime, rss, storm_window_passes

MakeSink = Callable[[], ScriptedSink]


def _items(n: int, start: int = 0) -> list[dict[str, str]]:
    return [{"guid": f"g{i}", "title": f"Air strike number {i}"} for i in range(start, start + n)]


def _write(
    project: Project, feed: str, ops: ScriptedSink, chat: ScriptedSink, extra: str = ""
) -> None:
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: news, type: feed, url: "{feed}"}}
rules:
  - {{name: air-strike, keywords: ["air strike"], severity: warning, notify: [ops, chat]}}
channels:
  ops: {{urls: ["{ops.apprise_url}"], min_severity: critical}}
  chat: {{urls: ["{chat.apprise_url}"]}}
{extra}""")


def _statuses(project: Project) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for channel, status in project.sql("SELECT channel, status FROM deliveries ORDER BY id"):
        out.setdefault(channel, []).append(status)
    return out


def test_severity_routing_and_silences(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    ops, chat = make_sink(), make_sink()
    feed = feeds.put("/feed.xml", rss(_items(1)))
    _write(project, feed, ops, chat)

    added = project.cli(
        "silence", "add", "--rule", "air-strike", "--channel", "chat", "--for", "2h"
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("silenced 1: rule=air-strike, channel=chat until ")
    assert "1: rule=air-strike, channel=chat" in project.cli("silence", "list").stdout

    assert project.cli("run", "--once").returncode == 0
    assert not ops.received, "ops only takes critical alerts"
    assert not chat.received, "silenced"
    assert _statuses(project) == {"chat": ["silenced"]}
    [alert] = json.loads(project.cli("alerts", "--json").stdout)
    assert alert["deliveries"] == {"silenced": 1}  # stored, not sent

    assert project.cli("silence", "remove", "1").stdout.strip() == "removed silence 1"
    assert project.cli("silence", "list").stdout.strip() == "no active silences"
    assert project.cli("silence", "remove", "1").returncode == 1
    feeds.put("/feed.xml", rss(_items(2)))
    assert project.cli("run", "--once").returncode == 0
    assert chat.titles() == ["[WARNING] air-strike: Air strike number 1 · news"]

    bad = project.cli("silence", "add", "--for", "1h")
    assert bad.returncode == 2
    assert "at least one of --rule, --source, --channel or --place" in bad.stderr


def test_new_source_first_crawl_is_a_silent_baseline(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    ops, chat = make_sink(), make_sink()
    feed = feeds.put("/feed.xml", rss(_items(3)))
    _write(project, feed, ops, chat, "notifier: {baseline: true}\n")
    first = project.cli("run", "--once")
    assert first.returncode == 0, first.stderr
    assert "3 alerts" in first.stdout and not chat.received
    assert _statuses(project) == {"chat": ["suppressed"] * 3}

    feeds.put("/feed.xml", rss(_items(4)))
    assert project.cli("run", "--once").returncode == 0
    assert chat.titles() == ["[WARNING] air-strike: Air strike number 3 · news"]


def test_storm_becomes_one_summary(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    ops, chat = make_sink(), make_sink()
    feed = feeds.put("/feed.xml", rss(_items(6)))
    _write(project, feed, ops, chat, "notifier: {storm_max: 2, storm_window: 1h}\n")
    first = project.cli("run", "--once")
    assert first.returncode == 0
    assert len(chat.received) == 2
    assert _statuses(project) == {"chat": ["sent"] * 2 + ["batched"] * 4}
    held = [line for line in first.stderr.splitlines() if "not sent now" in line]
    assert len(held) == 4, first.stderr  # each held alert says why, once
    assert (
        "'Air strike number 2' from news not sent now: chat: batched into storm summary 1"
        in (held[0])
    )

    storm_window_passes(project, timedelta(hours=1))
    assert project.cli("run", "--once").returncode == 0
    assert len(chat.received) == 3
    summary = chat.received[-1]
    assert summary["title"].startswith("[STORM] 4 more alerts for chat since ")
    lines = summary["message"].splitlines()
    assert len(lines) == 4
    # Each held alert's title, source, rule and matched terms, not a count.
    assert lines[0].startswith(
        "- [WARNING] Air strike number 2 (news) · air-strike · matched: Air strike http://"
    )
    assert summary["type"] == "warning"

    assert project.cli("run", "--once").returncode == 0
    assert len(chat.received) == 3, "the summary is sent once"


def test_digest_collects_low_severity_alerts(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    ops, chat = make_sink(), make_sink()
    feed = feeds.put("/feed.xml", rss(_items(3)))
    _write(project, feed, ops, chat)
    text = project.config.read_text().replace(
        "  chat: {", "  chat: {digest: {below: critical, every: hourly}, "
    )
    project.write_config(text)
    assert project.cli("run", "--once").returncode == 0
    assert not chat.received
    assert _statuses(project) == {"chat": ["batched"] * 3}

    [(due,)] = project.sql("SELECT due_at FROM notices WHERE kind = 'digest'")
    assert db_datetime(due) == db_datetime(due).replace(minute=0, second=0, microsecond=0)
    # Let the hour pass.
    project.execute(
        "UPDATE notices SET due_at = :due", due=datetime.now(UTC) - timedelta(minutes=1)
    )
    assert project.cli("run", "--once").returncode == 0
    [digest] = chat.received
    assert digest["title"].startswith("[DIGEST] 3 alerts for chat since ")
    assert "Air strike number 2" in digest["message"]
