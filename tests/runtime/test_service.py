"""Running as a service: reload, stop, one daemon per database, no overlap, catch-up, exit
codes, /healthz and /metrics."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from prometheus_client.parser import text_string_to_metric_families

from advisorywatch.model import DeliveryStatus
from advisorywatch.runtime.http import HttpEndpoint
from advisorywatch.runtime.metrics import Health, Metrics

from conftest import (
    FeedServer,
    Project,
    ScriptedSink,
    Sink,
    fixture_bytes,
    rss,
    sqlite_only,
    wait_for,
)

ALERT_FEED = "usembassy_ua_category_alert_feed_SYNTHETIC.xml"
# How long to wait for what a daemon does, start-up included: a deadline, not a claim about
# speed. Start-up (imports, Scrapy, Apprise) took over 30 s on a loaded 2-core CI machine
# running three test workers; the test timeout (pyproject.toml) bounds the whole test.
DEADLINE = 120


def config(sources: str, sink: Sink, extra: str = "", daemon: str = "") -> str:
    return f"""
database: {{url: "sqlite:///state.db"}}
sources:
{sources}
rules:
  - {{name: air-strike, concepts: [air_strike], severity: critical, notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
notifier: {{retry_base_seconds: 0.01}}
daemon: {{heartbeat_seconds: 0.5, lease_seconds: 30{daemon}}}
{extra}"""


def source(name: str, url: str, every: str = "1s") -> str:
    # allow_private: some tests name localhost, which resolves to a loopback address.
    entry = f'name: {name}, type: feed, url: "{url}", every: {every}, jitter: 0s'
    return f"  - {{{entry}, allow_private: true}}\n"


@contextmanager
def daemon(project: Project) -> Iterator[subprocess.Popen[str]]:
    proc = project.popen("run")
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def stop(proc: subprocess.Popen[str]) -> str:
    """SIGTERM; returns stderr."""
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    return err


def test_sighup_applies_a_good_config_and_rejects_a_bad_one(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    a = feeds.put("/a.xml", rss([{"guid": "a1", "title": "quiet"}]))
    b = feeds.put("/b.xml", fixture_bytes(ALERT_FEED))
    project.write_config(config(source("a", a), sink))
    with daemon(project) as proc:
        wait_for(lambda: feeds.hits("/a.xml") >= 2, DEADLINE, "source a crawled")
        assert feeds.hits("/b.xml") == 0

        project.write_config(config(source("b", b), sink))  # a removed, b added
        proc.send_signal(signal.SIGHUP)
        wait_for(lambda: len(sink.received) == 1, DEADLINE, "the new source's alert")
        hits_a = feeds.hits("/a.xml")
        wait_for(lambda: feeds.hits("/b.xml") >= 3, DEADLINE, "b crawled repeatedly")
        assert feeds.hits("/a.xml") <= hits_a + 1  # at most one run already queued

        project.write_config("sources: [oops")
        proc.send_signal(signal.SIGHUP)
        hits_b = feeds.hits("/b.xml")
        wait_for(lambda: feeds.hits("/b.xml") >= hits_b + 2, DEADLINE, "b still crawled")
        assert proc.poll() is None
        err = stop(proc)
    assert "config reloaded: 1 sources (1 added, 1 removed)" in err
    assert "config reload rejected, still running the previous config" in err
    assert "not valid YAML" in err
    assert len(sink.received) == 1


def test_sighup_rejects_a_template_with_an_undefined_name(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    """The old config (and its templates) stays: the next alert still goes out."""
    a = feeds.put("/a.xml", rss([{"guid": "a1", "title": "quiet"}]))
    project.write_config(config(source("a", a), sink))
    with daemon(project) as proc:
        wait_for(lambda: feeds.hits("/a.xml") >= 2, DEADLINE, "source a crawled")
        bad = config(source("a", a), sink).replace(
            f'ops: {{urls: ["{sink.apprise_url}"]}}',
            f'ops: {{urls: ["{sink.apprise_url}"], title_template: "{{{{ sevrity }}}}"}}',
        )
        assert "sevrity" in bad
        project.write_config(bad)
        proc.send_signal(signal.SIGHUP)
        feeds.put("/a.xml", rss([{"guid": "a2", "title": "Rusia lancarkan serangan udara"}]))
        wait_for(lambda: len(sink.received) == 1, DEADLINE, "the alert, with the old template")
        err = stop(proc)
    assert "config reload rejected, still running the previous config" in err
    assert "undefined name 'sevrity'; did you mean severity?" in err
    assert "[CRITICAL] air-strike: Rusia lancarkan serangan udara" in sink.received[0]["title"]


def test_sigterm_mid_crawl_stops_quickly_and_loses_nothing(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    # The slow answer (and the crawl's timeout) comes this long after its request arrived.
    slow_for = 2 * DEADLINE
    slow = feeds.put("/slow.xml", rss([{"guid": "s", "title": "x"}]), delay=slow_for)
    slow = slow.replace("127.0.0.1", "localhost")  # another host: crawls per host take turns
    alerts = feeds.put("/alerts.xml", fixture_bytes(ALERT_FEED))
    sink.fail_next = [500] * 50  # every send fails while the daemon runs: all stay pending
    crawler = f"crawler: {{timeout_seconds: {slow_for}}}"
    project.write_config(config(source("slow", slow) + source("alerts", alerts), sink, crawler))
    with daemon(project) as proc:
        wait_for(
            lambda: sink.rejected >= 1 and feeds.hits("/slow.xml") >= 1,
            DEADLINE,
            "an in-flight slow crawl and a failed send",
        )
        stop(proc)
    # It did not wait for the in-flight crawl: it was gone before that crawl could end.
    assert time.monotonic() < feeds.arrived["/slow.xml"][0] + slow_for
    assert project.sql("SELECT count(*) FROM deliveries WHERE status != 'sent'") == [(1,)]
    sink.fail_next = []
    feeds.put("/slow.xml", rss([{"guid": "s", "title": "x"}]))
    result = project.cli("run", "--once")
    assert result.returncode == 0, result.stderr
    assert len(sink.received) == 1 and "November 20, 2024" in sink.received[0]["title"]


@sqlite_only  # on PostgreSQL a second daemon joins: tests/runtime/test_nodes.py
def test_second_daemon_on_the_same_database_refuses(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    a = feeds.put("/a.xml", rss([{"guid": "a1", "title": "quiet"}]))
    project.write_config(config(source("a", a), sink))
    with daemon(project) as first:
        wait_for(lambda: feeds.hits("/a.xml") >= 1, DEADLINE, "first daemon running")
        second = project.cli("run", timeout=DEADLINE)
        assert second.returncode == 1
        assert "another advisorywatch daemon is running on this database" in second.stderr
        assert f"pid {first.pid}" in second.stderr
        assert f"host {socket.gethostname()}" in second.stderr
        status = project.cli("status")
        assert f"daemon: running on {socket.gethostname()} (pid {first.pid})" in status.stdout
        assert status.returncode == 0  # what the compose health check asks
        stop(first)
    after = project.cli("status")
    assert "daemon: not running" in after.stdout
    assert after.returncode == 1


def test_slow_crawl_never_overlaps_and_runs_again_when_done(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    slow = feeds.put("/slow.xml", rss([{"guid": "s", "title": "x"}]), delay=3)
    project.write_config(config(source("slow", slow), sink))
    with daemon(project) as proc:
        wait_for(lambda: feeds.hits("/slow.xml") >= 3, DEADLINE, "three slow crawls")
        err = stop(proc)
    assert feeds.max_active["/slow.xml"] == 1
    assert "crawl of slow outlasted its interval" in err


def test_after_downtime_each_source_catches_up_once(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    a = feeds.put("/a.xml", rss([{"guid": "a1", "title": "quiet"}]))
    project.write_config(config(source("a", a, every="1s"), sink))
    with daemon(project) as proc:
        wait_for(lambda: feeds.hits("/a.xml") >= 1, DEADLINE, "first run")
        stop(proc)
    time.sleep(3)  # three missed intervals
    # Same source, new path: requests the first daemon left in flight cannot be counted.
    a2 = feeds.put("/a2.xml", rss([{"guid": "a1", "title": "quiet"}]))
    project.write_config(config(source("a", a2, every="30s"), sink))
    with daemon(project) as proc:
        wait_for(lambda: feeds.hits("/a2.xml") >= 1, DEADLINE, "catch-up run")
        time.sleep(2)  # well inside the interval: no burst of missed runs
        assert feeds.hits("/a2.xml") == 1
        stop(proc)


def test_run_once_exit_codes(project: Project, feeds: FeedServer, sink: Sink) -> None:
    good = feeds.put("/good.xml", fixture_bytes(ALERT_FEED))
    project.write_config(config(source("good", good), sink))
    assert project.cli("run", "--once").returncode == 0
    project.write_config(config(source("good", good) + source("bad", feeds.url("/none")), sink))
    failed = project.cli("run", "--once")
    assert failed.returncode == 1
    assert "bad: FAILED, HTTP 404" in failed.stdout and "good: ok" in failed.stdout
    project.write_config(config(source("good", good), sink, extra="unknown_key: 1"))
    assert project.cli("run", "--once").returncode == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_healthz_and_metrics_from_a_running_daemon(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    port = _free_port()
    alerts = feeds.put("/alerts.xml", fixture_bytes(ALERT_FEED))
    http = f", http: {{enabled: true, port: {port}}}"
    project.write_config(config(source("alerts", alerts), sink, daemon=http))
    with daemon(project) as proc:
        wait_for(lambda: len(sink.received) == 1, DEADLINE, "an alert")
        wait_for(lambda: _get(f"http://127.0.0.1:{port}/healthz")[0] == 200, DEADLINE, "healthy")
        assert json.loads(_get(f"http://127.0.0.1:{port}/healthz")[1])["status"] == "ok"

        def samples() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
            status, text = _get(f"http://127.0.0.1:{port}/metrics")
            assert status == 200
            return {
                (s.name, tuple(sorted(s.labels.items()))): s.value
                for fam in text_string_to_metric_families(text)
                for s in fam.samples
            }

        sent = ("advisorywatch_deliveries", (("status", "sent"),))
        wait_for(lambda: samples().get(sent) == 1, DEADLINE, "the delivery gauge")
        m = samples()
        assert m[("advisorywatch_items_total", (("source", "alerts"),))] == 4
        assert m[("advisorywatch_alerts_total", (("source", "alerts"),))] == 1
        assert m[("advisorywatch_outbox_backlog", ())] == 0
        # Every status is a series, held ones too (silenced, batched, ...).
        gauged = {dict(labels)["status"] for name, labels in m if name == sent[0]}
        assert gauged == set(DeliveryStatus)
        assert _get(f"http://127.0.0.1:{port}/nope")[0] == 404
        stop(proc)


def test_healthz_turns_unhealthy_when_the_scheduler_stalls() -> None:
    now = [1000.0]
    health = Health(stale_after=10, clock=lambda: now[0])
    endpoint = HttpEndpoint("127.0.0.1", 0, health, Metrics())
    endpoint.start()
    try:
        url = f"http://127.0.0.1:{endpoint.port}/healthz"
        health.beat(stuck=[])
        assert _get(url)[0] == 200
        now[0] += 11  # no heartbeat for longer than stale_after
        status, body = _get(url)
        assert status == 503
        assert json.loads(body)["heartbeat_age_seconds"] == 11
        health.beat(stuck=["slow-source"])
        status, body = _get(url)
        assert status == 503 and json.loads(body)["stuck_sources"] == ["slow-source"]
        health.beat(stuck=[])
        assert _get(url)[0] == 200
    finally:
        endpoint.stop()


def test_healthz_reports_overdue_deliveries_until_they_are_sent(
    project: Project, feeds: FeedServer, make_sink: Callable[[], ScriptedSink]
) -> None:
    """While the sender hangs on one message, the claimed messages wait past their due time
    (here: made older): /healthz says 503 with the reason; once the destination answers, it
    is healthy again."""
    port, ops = _free_port(), make_sink()
    ops.hang_next = True
    feed = feeds.put(
        "/a.xml",
        rss(
            [
                {"guid": "1", "title": "Rusia lancarkan serangan udara ke Kyiv"},
                {"guid": "2", "title": "Air strike reported near Kharkiv"},
            ]
        ),
    )
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: a, type: feed, url: "{feed}", every: 1h}}
rules:
  - {{name: air-strike, concepts: [air_strike], severity: critical, notify: [ops]}}
channels:
  ops: {{urls: ["{ops.apprise_url}"]}}
notifier: {{retry_base_seconds: 0.01}}
daemon: {{heartbeat_seconds: 0.5, http: {{enabled: true, port: {port}}}}}
""")
    healthz = f"http://127.0.0.1:{port}/healthz"
    with daemon(project) as proc:
        assert ops.hanging.wait(DEADLINE), "the daemon never started sending"
        project.execute(
            "UPDATE deliveries SET next_attempt_at = :t WHERE status IN ('pending', 'sending')",
            t=datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=10),
        )
        wait_for(lambda: _get(healthz)[0] == 503, DEADLINE, "unhealthy")
        problems = json.loads(_get(healthz)[1])["problems"]
        assert problems["outbox"] == "2 deliveries overdue by more than 0:05:00", problems
        ops.release.set()
        wait_for(lambda: len(ops.received) == 2, DEADLINE, "both alerts delivered")
        wait_for(lambda: _get(healthz)[0] == 200, DEADLINE, "healthy again")
        stop(proc)


def test_health_problems_turn_it_unhealthy_until_cleared() -> None:
    health = Health(stale_after=10)
    health.problem("sender", "OperationalError: disk I/O error")
    report = health.report()
    assert not report.healthy
    assert report.detail["problems"] == {"sender": "OperationalError: disk I/O error"}
    health.problem("sender", None)
    assert health.report().healthy
