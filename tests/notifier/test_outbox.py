"""Delivery guarantees through the real CLI, real Apprise json:// calls and scripted sinks:
retries until success, isolation of a failing destination, Retry-After, permanent failures
reaching the fallback channel, and a kill -9 mid-send."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from advisorywatch.notifier.channels import destination_key

from conftest import FeedServer, Project, ScriptedSink, db_datetime, rss, wait_for

MakeSink = Callable[[], ScriptedSink]
ITEMS = [
    {"guid": "a1", "title": "Air strike on the port of Odesa", "link": "https://example.org/1"},
    {"guid": "a2", "title": "Second air strike reported near Lviv"},
]


def _config(project: Project, feeds: FeedServer, channels: str, notifier: str = "") -> None:
    url = feeds.put("/feed.xml", rss(ITEMS))
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: news, type: feed, url: "{url}", every: 1s}}
rules:
  - {{name: air-strike, keywords: ["air strike"], severity: critical, notify: [ops]}}
channels:
{channels}
notifier: {{{notifier or "retry_base_seconds: 0.01"}}}
""")


def _deliveries(project: Project) -> list[tuple[str, str, int]]:
    return project.sql("SELECT channel, status, attempts FROM deliveries ORDER BY id")


def test_sink_failing_for_seconds_then_ok_gets_each_alert_exactly_once(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    sink = make_sink()
    sink.fail_for = 3
    _config(project, feeds, f'  ops: {{urls: ["{sink.apprise_url}"]}}', "retry_base_seconds: 0.3")
    proc = project.popen("run")
    try:
        wait_for(lambda: len(sink.received) >= 2, 40, "both alerts after the sink recovers")
        requests = sink.requests
        wait_for(lambda: feeds.hits("/feed.xml") >= 3, 20, "more crawl cycles")
        time.sleep(1)
    finally:
        proc.kill()
        proc.communicate()
    assert sorted(sink.titles()) == sorted(set(sink.titles())) and len(sink.received) == 2
    assert requests > 2, "the first attempts failed, so there were retries"
    assert sink.requests == requests, "nothing is sent again once delivered"
    assert all(st == "sent" for _, st, _ in _deliveries(project))


def test_one_failing_destination_does_not_affect_the_others(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    good1, good2, bad = make_sink(), make_sink(), make_sink()
    bad.always = 503
    urls = ", ".join(f'"{s.apprise_url}"' for s in (good1, bad, good2))
    _config(project, feeds, f"  ops: {{urls: [{urls}]}}")
    for _ in range(2):
        project.cli("run", "--once")
        time.sleep(0.05)
    assert len(good1.received) == 2 and len(good2.received) == 2  # one per alert, once
    assert good1.requests == 2 and good2.requests == 2, "healthy destinations are not retried"
    assert bad.requests == 4, "only the failing destination is retried (2 alerts x 2 runs)"
    statuses = sorted(st for _, st, _ in _deliveries(project))
    assert statuses == ["pending"] * 2 + ["sent"] * 4


def test_429_retry_after_is_honoured(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    sink = make_sink()
    sink.script = [(429, {"Retry-After": "120"})]
    _config(project, feeds, f'  ops: {{urls: ["{sink.apprise_url}"]}}')
    before = datetime.now(UTC)
    first = project.cli("run", "--once")
    assert first.returncode == 3, first.stderr  # alerts not delivered
    # The second alert for the same destination waits too, without a request of its own.
    assert sink.requests == 1 and not sink.received
    rows = project.sql("SELECT attempts, next_attempt_at, last_error FROM deliveries")
    assert sorted(r[0] for r in rows) == [0, 1]
    waits = [(db_datetime(r[1]) - before).total_seconds() for r in rows]
    assert all(120 <= w <= 120 + 60 for w in waits), waits  # not the 0.01 s backoff
    assert any("429" in (r[2] or "") for r in rows)
    # The wait is the destination's, in the database, under the key of its URL (never the URL).
    [(key, until)] = project.sql("SELECT destination, blocked_until FROM destination_backoff")
    assert 120 <= (db_datetime(until) - before).total_seconds() <= 180
    assert key == destination_key(sink.apprise_url)

    project.cli("run", "--once")  # still inside Retry-After: nothing is sent
    assert sink.requests == 1
    # Let the Retry-After pass without waiting two minutes.
    due = datetime.now(UTC)
    project.execute("UPDATE deliveries SET next_attempt_at = :due", due=due)
    project.execute("UPDATE destination_backoff SET blocked_until = :due", due=due)
    project.cli("run", "--once")
    assert len(sink.received) == 2 and sink.requests == 3


def test_404_stops_retrying_and_warns_once_on_the_fallback_channel(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    broken, fallback = make_sink(), make_sink()
    broken.always = 404
    _config(
        project,
        feeds,
        f'  ops: {{urls: ["{broken.apprise_url}"]}}\n'
        f'  ops-email: {{urls: ["{fallback.apprise_url}"]}}',
        "retry_base_seconds: 0.01, fallback: ops-email",
    )
    first = project.cli("run", "--once")
    assert first.returncode == 3, first.stderr  # alerts not delivered
    assert broken.requests == 2  # one attempt per alert, no retry
    assert len(fallback.received) == 1, fallback.titles()
    warning = fallback.received[0]
    assert "cannot deliver to ops" in warning["title"]
    assert "404" in warning["message"] and "notify-test ops" in warning["message"]
    assert f"127.0.0.1:{broken.port}/***" in warning["title"]

    project.cli("run", "--once")
    assert broken.requests == 2, "a permanent failure is not retried"
    assert len(fallback.received) == 1, "one warning per broken destination, not per alert"
    assert [st for ch, st, _ in _deliveries(project) if ch == "ops"] == ["failed", "failed"]


def test_kill_9_mid_send_then_restart_delivers(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    sink = make_sink()
    sink.hang_next = True
    _config(
        project,
        feeds,
        f'  ops: {{urls: ["{sink.apprise_url}"]}}',
        # Killed as soon as the send hangs, well within the timeout.
        "retry_base_seconds: 0.01, lease_seconds: 2, timeout_seconds: 1",
    )
    proc = project.popen("run")
    try:
        assert sink.hanging.wait(40), "the daemon never started sending"
        proc.kill()  # SIGKILL between claiming the row and recording the outcome
        proc.communicate()
    finally:
        if proc.poll() is None:
            proc.kill()
    sink.release.set()
    assert "sending" in [st for _, st, _ in _deliveries(project)]
    assert not sink.received

    proc = project.popen("run")
    try:
        wait_for(lambda: len(sink.received) >= 2, 40, "both alerts after the restart")
        time.sleep(1.5)
    finally:
        proc.kill()
        proc.communicate()
    assert len(sink.received) == 2 and len(set(sink.titles())) == 2
    assert all(st == "sent" for _, st, _ in _deliveries(project))


def test_unresponsive_destination_costs_one_timeout_per_drain(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    sink = make_sink()
    sink.hang_next = True
    _config(
        project,
        feeds,
        f'  ops: {{urls: ["{sink.apprise_url}"]}}',
        "retry_base_seconds: 0.01, timeout_seconds: 1",
    )
    first = project.cli("run", "--once")
    assert first.returncode == 3, first.stderr  # alerts not delivered
    assert sink.requests == 1, "the second message does not wait out a second timeout"
    rows = project.sql("SELECT status, attempts FROM deliveries ORDER BY id")
    assert rows == [("pending", 1), ("pending", 0)]

    sink.release.set()
    time.sleep(0.1)
    project.cli("run", "--once")
    assert len(sink.received) == 2
