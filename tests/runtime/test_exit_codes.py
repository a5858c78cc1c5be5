"""`run --once` exit codes a scheduler can use, and a channel whose template fails on a real
alert: its deliveries fail for good with the reason, the fallback channel hears of it, and the
sender carries on. Through the real CLI, into real HTTP sinks."""

from __future__ import annotations

from collections.abc import Callable

from conftest import FeedServer, Project, ScriptedSink, fixture_bytes, rss

MakeSink = Callable[[], ScriptedSink]
ALERT_FEED = "usembassy_ua_category_alert_feed_SYNTHETIC.xml"


def _config(feed: str, ops: str, extra: str = "", ops_extra: str = "") -> str:
    return f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: alerts, type: feed, url: "{feed}"}}
rules:
  - {{name: air-strike, concepts: [air_strike], severity: critical, notify: [ops]}}
channels:
  ops:
    urls: ["{ops}"]
{ops_extra}
{extra}"""


def test_all_good_exits_0(project: Project, feeds: FeedServer, make_sink: MakeSink) -> None:
    ops = make_sink()
    project.write_config(_config(feeds.put("/a.xml", fixture_bytes(ALERT_FEED)), ops.apprise_url))
    result = project.cli("run", "--once")
    assert result.returncode == 0, result.stderr
    assert len(ops.received) == 1


def test_a_failed_source_exits_1(project: Project, feeds: FeedServer, make_sink: MakeSink) -> None:
    project.write_config(_config(feeds.url("/missing.xml"), make_sink().apprise_url))
    result = project.cli("run", "--once")
    assert result.returncode == 1, result.stderr
    assert "alerts: FAILED" in result.stdout


def test_undelivered_alerts_exit_3(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    ops = make_sink()
    ops.always = 503
    feed = feeds.put("/a.xml", fixture_bytes(ALERT_FEED))
    project.write_config(_config(feed, ops.apprise_url, "notifier: {retry_base_seconds: 0.01}"))
    result = project.cli("run", "--once")
    assert result.returncode == 3, result.stderr
    assert "1 notification(s) not yet delivered" in result.stderr
    ops.always = None
    again = project.cli("run", "--once")  # delivered by the next run: all good again
    assert again.returncode == 0, again.stderr
    assert len(ops.received) == 1


def test_template_failing_on_a_real_alert_fails_its_deliveries_and_warns(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    """The template renders the sample alert (so `check` passes) but not this alert: a title
    lookup that only the sample's title satisfies."""
    ops, fallback = make_sink(), make_sink()
    feed = feeds.put(
        "/a.xml",
        rss(
            [
                {"guid": "1", "title": "Rusia lancarkan serangan udara ke Kyiv"},
                {"guid": "2", "title": "Air strike reported near Kharkiv"},
            ]
        ),
    )
    template = "    title_template: \"{{ {'Embassy closed': 'sample'}[title] }}\""
    extra = f'  fallback: {{urls: ["{fallback.apprise_url}"]}}\nnotifier: {{fallback: fallback}}'
    project.write_config(_config(feed, ops.apprise_url, ops_extra=template, extra=extra))
    assert project.cli("check").returncode == 0
    result = project.cli("run", "--once")
    assert result.returncode == 3, result.stderr
    assert "2 notification(s) failed for good" in result.stderr
    assert "Task exception was never retrieved" not in result.stderr
    assert "Traceback" not in result.stderr
    rows = project.sql("SELECT status, last_error FROM deliveries WHERE channel = 'ops'")
    assert [r[0] for r in rows] == ["failed", "failed"]
    assert all("template failed: UndefinedError" in r[1] for r in rows)
    assert ops.requests == 0
    assert [t for t in fallback.titles() if "cannot deliver to ops" in t], fallback.titles()
