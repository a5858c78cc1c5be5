"""Routing through the real CLI: severity routing and silences (helpers shared with
test_notify_storms)."""

from __future__ import annotations

import json
from collections.abc import Callable

from conftest import FeedServer, Project, ScriptedSink, rss

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
    assert bad.returncode == 2 and "at least one of --rule, --source or --channel" in bad.stderr
