"""Storm control through the real CLI: the silent baseline of a new source, storm summaries
and digests."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from test_notify_routing import _items, _statuses, _write

from conftest import FeedServer, Project, ScriptedSink, db_datetime, rss

MakeSink = Callable[[], ScriptedSink]


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
    _write(project, feed, ops, chat, "notifier: {storm_max: 2, storm_window: 2s}\n")
    assert project.cli("run", "--once").returncode == 0
    assert len(chat.received) == 2
    assert _statuses(project) == {"chat": ["sent"] * 2 + ["batched"] * 4}

    time.sleep(2.1)
    assert project.cli("run", "--once").returncode == 0
    assert len(chat.received) == 3
    summary = chat.received[-1]
    assert summary["title"].startswith("[STORM] 4 more alerts for chat since ")
    lines = summary["message"].splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("- [WARNING] air-strike: Air strike number 2 (news) http://")

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
