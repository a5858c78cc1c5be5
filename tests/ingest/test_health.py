"""Source health across runs: one "source down" and one "recovered" notice per outage, the
``degraded`` status for a source that went quiet, and ``advisorywatch sources``."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from advisorywatch.config import ConfigError, parse_config

from conftest import FeedServer, Project, Sink, rss


def _config(flaky: str, quiet: str, sink: Sink) -> str:
    return f"""
database: {{url: "sqlite:///state.db"}}
crawler: {{retries: 0, delay_seconds: 0, autothrottle: false}}
health: {{notify: [ops], down_after: 2, degraded_after: 2}}
sources:
  - {{name: flaky, type: feed, url: "{flaky}", robots: false}}
  - {{name: quiet, type: feed, url: "{quiet}", robots: false}}
rules:
  - {{name: r, keywords: [never-matches-anything], notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
"""


def test_down_and_recovered_fire_once_each_and_quiet_source_degrades(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    item = [{"guid": "a", "title": "Embassy notice", "description": "x"}]
    flaky = feeds.put("/flaky.xml", "<html>oops</html>", status=500, content_type="text/html")
    quiet = feeds.put("/quiet.xml", rss(item))
    project.write_config(_config(flaky, quiet, sink))

    def run(n: int) -> None:
        # A changed (empty) channel each run, so the quiet source is not answered with 304.
        if n > 1:
            feeds.put("/quiet.xml", rss([], title=f"run {n}"))
        project.cli("run", "--once")

    run(1)
    assert sink.titles() == []  # one failure is not an outage
    run(2)
    assert sink.titles() == ["[SOURCE DOWN] flaky"]
    assert "HTTP 500" in sink.received[0]["message"]
    run(3)
    assert len(sink.received) == 1  # still down: nothing per failed attempt
    feeds.put("/flaky.xml", rss(item))
    run(4)
    assert sink.titles() == ["[SOURCE DOWN] flaky", "[RECOVERED] flaky"]

    out = project.cli("sources", "--json")
    assert out.returncode == 0, out.stderr
    rows = {r["name"]: r for r in json.loads(out.stdout)}
    assert rows["flaky"]["status"] == "ok" and rows["flaky"]["consecutive_failures"] == 0
    assert rows["flaky"]["items_last_run"] == 1 and rows["flaky"]["last_error"] is None
    assert rows["quiet"]["status"] == "degraded" and rows["quiet"]["items_last_run"] == 0
    assert set(rows["quiet"]) == {
        "name",
        "status",
        "last_attempt",
        "last_success",
        "consecutive_failures",
        "last_error_kind",
        "last_error",
        "items_last_run",
    }
    datetime.fromisoformat(rows["quiet"]["last_success"])

    table = project.cli("sources")
    assert table.returncode == 0
    lines = table.stdout.splitlines()
    assert lines[0].split()[:2] == ["SOURCE", "STATUS"]
    assert any(line.split()[:2] == ["quiet", "degraded"] for line in lines[1:])

    run(5)  # a restart re-sends nothing that was sent
    assert len(sink.received) == 2
    notices = project.sql(
        "SELECT n.key, d.status, d.attempts FROM notices n JOIN deliveries d ON d.notice_id = n.id"
    )
    assert sorted(notices) == [
        ("health:down:flaky", "sent", 1),
        ("health:recovered:flaky", "sent", 1),
    ]


def test_sources_lists_configured_sources_before_any_run(project: Project) -> None:
    project.write_config("""
database: {url: "sqlite:///state.db"}
sources:
  - {name: never-fetched, type: feed, url: "http://127.0.0.1:9/feed.xml"}
rules:
  - {name: r, keywords: [x], notify: [console]}
""")
    out = project.cli("sources", "--json")
    assert out.returncode == 0, out.stderr
    [row] = json.loads(out.stdout)
    assert row["name"] == "never-fetched" and row["status"] == "new"
    assert row["last_success"] is None and row["items_last_run"] is None


def test_fetch_and_health_config_errors_name_the_key(tmp_path: Path) -> None:
    base = """
sources:
  - name: a
    type: feed
    url: http://127.0.0.1:1/feed.xml
    proxy: socks5://127.0.0.1:1080
rules:
  - {name: r, keywords: [x], notify: [console]}
health: {notify: [pager], down_after: 0}
"""
    with pytest.raises(ConfigError) as exc:
        parse_config(base, tmp_path / "config.yaml")
    problems = "\n".join(exc.value.problems)
    assert "config.yaml:6: sources[0].proxy: proxy must be an http:// or https:// URL" in problems
    assert "health.down_after" in problems
    fixed = base.replace("socks5", "http").replace("down_after: 0", "down_after: 1")
    with pytest.raises(ConfigError) as exc:
        parse_config(fixed, tmp_path / "config.yaml")
    assert "health.notify names unknown channel 'pager'" in "\n".join(exc.value.problems)
    ok = parse_config(fixed.replace("[pager]", "[console]"), tmp_path / "config.yaml")
    assert ok.health.down_after == 1 and ok.sources[0].robots is True
    assert ok.crawler.timeout_seconds == 30
