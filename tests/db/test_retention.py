"""Retention through the real CLI (``prune``, ``run --once``, the daemon's job) on rows made old
by rewriting their timestamps: what is pruned, and what never is."""

from __future__ import annotations

import json
import signal
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from advisorywatch.db.retention import PRUNE_LOCK

from conftest import POSTGRES, FeedServer, Project, Sink, db_datetime, rss, wait_for

CONFIG = """
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: news, type: feed, url: "{feed}"}}
rules:
  - {{name: air-strike, concepts: [air_strike], notify: [ops]}}
channels:
  ops: {{urls: ["{sink}"]}}
{extra}
"""

STRIKE = {"guid": "a", "title": "Air strike reported near the airport", "link": "http://x/a"}
QUIET = {"guid": "b", "title": "Visa office opening hours", "link": "http://x/b"}
LATER = {"guid": "d", "title": "Consular fees from January", "link": "http://x/d"}


def _setup(project: Project, feeds: FeedServer, sink: Sink, extra: str = "") -> None:
    url = feeds.put("/news.xml", rss([STRIKE, QUIET]))
    project.write_config(CONFIG.format(feed=url, sink=sink.apprise_url, extra=extra))


def _ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def _run(project: Project, *args: str) -> str:
    result = project.cli(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def _age_everything(project: Project, days: float) -> None:
    """Every row as if written ``days`` ago, the feed listing its items then (and answering
    304 ever since)."""
    when = _ago(days)
    project.execute("UPDATE sources SET listed_since = :t", t=when - timedelta(days=1))
    project.execute("UPDATE items SET first_seen = :t, updated_at = :t, last_seen_at = :t", t=when)
    project.execute("UPDATE alerts SET created_at = :t", t=when)
    project.execute("UPDATE deliveries SET created_at = :t, sent_at = :t", t=when)
    project.execute("UPDATE notices SET created_at = :t", t=when)


def _dropped(project: Project) -> None:
    """The feed's latest listing, yesterday, no longer had the stored items."""
    project.execute("UPDATE sources SET listed_since = :t", t=_ago(2))


def _count(project: Project, table: str) -> int:
    return int(project.sql(f"SELECT count(*) FROM {table}")[0][0])


def _titles(project: Project) -> list[str]:
    return sorted(str(r[0]) for r in project.sql("SELECT title FROM items"))


def test_an_old_item_the_source_still_lists_is_kept_and_not_alerted_again(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    _setup(project, feeds, sink)
    _run(project, "run", "--once")
    assert len(sink.received) == 1
    # The feed listed both items 200 days ago and has answered 304 ever since; an item it
    # dropped long before that is stored too.
    _age_everything(project, 200)
    project.execute(
        "INSERT INTO items (source_id, identity, title, text, content_hash, first_seen,"
        " updated_at, last_seen_at) SELECT id, 'gone', 'Dropped long ago', '', 'h', :t, :t, :t"
        " FROM sources",
        t=_ago(300),
    )

    out = _run(project, "prune")
    assert "pruned 1 items, 0 alerts, 0 deliveries, 0 incidents, 0 notices" in out
    assert _titles(project) == sorted([STRIKE["title"], QUIET["title"]])
    assert _count(project, "alerts") == 1, "the alert on a listed item keeps its history"

    # A change: the feed is parsed again, with a new item and a revision of the old one.
    revised = {**STRIKE, "description": "Flights were suspended after the air strike."}
    feeds.put("/news.xml", rss([LATER, revised, QUIET]))
    out = _run(project, "run", "--once")
    assert "news: ok, 1 new, 1 updated, 0 alerts" in out
    assert len(sink.received) == 1, "an item still listed must not alert again"
    # Seen again today: its age starts over.
    seen = project.sql("SELECT last_seen_at FROM items WHERE title = :t", t=STRIKE["title"])
    assert db_datetime(seen[0][0]) > _ago(1)


def test_items_not_listed_since_the_cutoff_are_pruned_once_a_listing_is_known(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    _setup(project, feeds, sink)
    _run(project, "run", "--once")
    _age_everything(project, 200)
    project.execute("UPDATE alerts SET created_at = :t", t=_ago(1))  # the alert is kept
    project.execute("UPDATE sources SET listed_since = NULL")  # as after upgrading to 1200
    assert "0 items" in _run(project, "prune")
    assert _count(project, "items") == 2

    project.execute("UPDATE sources SET listed_since = :t", t=_ago(1))  # listed since: other items
    assert "pruned 1 items, 0 alerts" in _run(project, "prune")
    assert _titles(project) == [STRIKE["title"]], "an item with a kept alert stays"


def test_an_alert_is_kept_while_a_delivery_is_still_to_be_sent(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    _setup(project, feeds, sink)
    sink.fail_next = [500] * 20
    _run_failing = project.cli("run", "--once")
    assert _run_failing.returncode == 3, _run_failing.stderr  # left pending for a retry
    _age_everything(project, 400)
    _dropped(project)
    assert project.sql("SELECT status FROM deliveries") == [("pending",)]
    assert "0 alerts, 0 deliveries" in _run(project, "prune")
    assert _count(project, "alerts") == 1

    project.execute("UPDATE deliveries SET status = 'sending'")
    assert "0 alerts" in _run(project, "prune")
    project.execute("UPDATE deliveries SET status = 'failed'")
    assert "1 alerts, 1 deliveries" in _run(project, "prune")
    assert _count(project, "deliveries") == 0


def _seed_alerts(project: Project, ages: list[float]) -> list[int]:
    """An item and one alert per age, sent; returns the alert ids."""
    project.execute(
        "INSERT INTO items (source_id, identity, title, text, content_hash, first_seen,"
        " updated_at, last_seen_at) SELECT id, 'seed', 'Seed', '', 'h', :t, :t, :t FROM sources",
        t=_ago(3),
    )
    _dropped(project)
    ids = []
    for age in ages:
        project.execute(
            "INSERT INTO alerts (item_id, rule, occasion, severity, matched, created_at)"
            " SELECT id, 'air-strike', '', 'warning', '[]', :t FROM items WHERE identity = 'seed'",
            t=_ago(age),
        )
        alert = int(project.sql("SELECT max(id) FROM alerts")[0][0])
        project.execute(
            "INSERT INTO deliveries (alert_id, channel, destination, destination_label, status,"
            " attempts, unconfirmed, next_attempt_at, created_at)"
            " VALUES (:a, 'ops', 'd', 'l', 'sent', 1, 0, :t, :t)",
            a=alert,
            t=_ago(age),
        )
        ids.append(alert)
    return ids


def _incident(project: Project, alerts: list[int]) -> None:
    project.execute(
        "INSERT INTO incidents (rule, words, reports, created_at, last_seen_at)"
        " VALUES ('air-strike', '[]', :n, :t, :t)",
        n=len(alerts),
        t=_ago(200),
    )
    incident = project.sql("SELECT max(id) FROM incidents")[0][0]
    for alert in alerts:
        project.execute(
            "INSERT INTO incident_alerts (alert_id, incident_id) VALUES (:a, :i)",
            a=alert,
            i=incident,
        )


def test_incidents_lose_pruned_alerts_and_go_with_their_last(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    _setup(project, feeds, sink, extra="retention: {batch: 2}")
    _run(project, "run", "--once")
    for table in ("incident_alerts", "incidents", "deliveries", "alerts"):
        project.execute(f"DELETE FROM {table}")
    old_a, old_b, kept, old_c, old_d, old_e = _seed_alerts(project, [200, 200, 10, 300, 300, 300])
    _incident(project, [old_a, kept])  # one of its alerts is kept: the incident stays
    _incident(project, [old_b, old_c])  # all of its alerts go: so does the incident

    out = _run(project, "prune")  # five old alerts, two to a transaction
    assert "0 items, 5 alerts, 5 deliveries, 1 incidents" in out
    assert project.sql("SELECT id FROM alerts") == [(kept,)]
    assert project.sql("SELECT alert_id FROM incident_alerts") == [(kept,)]
    assert _count(project, "incidents") == 1
    assert {old_d, old_e}.isdisjoint(r[0] for r in project.sql("SELECT id FROM alerts"))


def test_closed_notices_are_pruned_open_and_unsent_ones_kept(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    _setup(project, feeds, sink)
    _run(project, "run", "--once")
    old = _ago(200)
    for title, closed, status in (
        ("closed-sent", old, "sent"),
        ("open-digest", None, None),
        ("closed-pending", old, "pending"),
    ):
        project.execute(
            "INSERT INTO notices (kind, channel, title, body, notify_type, created_at, closed_at)"
            " VALUES ('digest', 'ops', :title, '', 'info', :t, :closed)",
            title=title,
            t=old,
            closed=closed,
        )
        if status is not None:
            project.execute(
                "INSERT INTO deliveries (notice_id, channel, destination, destination_label,"
                " status, attempts, unconfirmed, next_attempt_at, created_at)"
                " SELECT id, 'ops', 'd', 'l', :s, 0, 0, :t, :t FROM notices WHERE title = :title",
                s=status,
                t=old,
                title=title,
            )
    assert "1 deliveries, 0 incidents, 1 notices" in _run(project, "prune")
    assert sorted(r[0] for r in project.sql("SELECT title FROM notices")) == [
        "closed-pending",
        "open-digest",
    ]


def test_run_once_prunes_when_due_and_records_it(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    _setup(project, feeds, sink)
    out = _run(project, "run", "--once")  # a first run: nothing recorded, so due
    assert "pruned 0 items, 0 alerts" in out
    _age_everything(project, 200)
    _dropped(project)
    out = _run(project, "run", "--once")  # pruned an hour after the last run, not before
    assert "pruned" not in out
    assert _count(project, "alerts") == 1
    project.execute("UPDATE maintenance SET done_at = :t", t=_ago(2 / 24))
    out = _run(project, "run", "--once")
    assert "pruned 2 items, 1 alerts, 1 deliveries" in out
    assert _count(project, "alerts") == 0


def test_keeping_forever_and_bad_values(project: Project, feeds: FeedServer, sink: Sink) -> None:
    _setup(project, feeds, sink, extra="retention: {alerts: null, items: 30d}")
    _run(project, "run", "--once")
    _age_everything(project, 10_000)
    assert "0 alerts" in _run(project, "prune")
    _setup(project, feeds, sink, extra="retention: {alerts: 3 months}")
    bad = project.cli("check")
    assert bad.returncode == 2
    assert "retention.alerts" in bad.stderr and "invalid duration '3 months'" in bad.stderr


def test_the_daemon_prunes_on_its_own(project: Project, feeds: FeedServer, sink: Sink) -> None:
    _setup(project, feeds, sink, extra="retention: {every: 2s}")
    _run(project, "run", "--once")
    _age_everything(project, 200)
    _dropped(project)
    project.execute("UPDATE maintenance SET done_at = :t", t=_ago(1))
    daemon = project.popen("run")
    try:
        # Between batches a stopping daemon stops pruning: wait for the last kind it deletes.
        wait_for(lambda: _count(project, "items") == 0, 60, "the daemon to prune")
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=30)
    assert "pruned 2 items, 1 alerts, 1 deliveries" in err


@pytest.mark.skipif(not POSTGRES, reason="one pruner at a time: an advisory lock on PostgreSQL")
def test_one_node_prunes_at_a_time(project: Project, feeds: FeedServer, sink: Sink) -> None:
    _setup(project, feeds, sink)
    _run(project, "run", "--once")
    _age_everything(project, 200)
    _dropped(project)
    engine = create_engine(project.effective_database_url)
    try:
        with engine.connect() as other:  # another node, pruning now
            assert other.execute(text(f"SELECT pg_try_advisory_lock({PRUNE_LOCK})")).scalar()
            busy = project.cli("prune")
            assert busy.returncode == 1
            assert "another node is pruning now" in busy.stderr
            assert _count(project, "alerts") == 1
            other.execute(text(f"SELECT pg_advisory_unlock({PRUNE_LOCK})"))
    finally:
        engine.dispose()
    assert "1 alerts" in _run(project, "prune")


def test_ended_silences_and_run_out_backoffs_are_pruned_and_status_shows_it(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    _setup(project, feeds, sink, extra="retention: {silences: 30d, batch: 1}")
    _run(project, "run", "--once")
    project.execute("DELETE FROM maintenance")
    for rule, ended in (("old-a", 200), ("old-b", 31), ("recent", 29), ("active", -1)):
        project.execute(
            "INSERT INTO silences (rule, created_at, starts_at, expires_at, comment)"
            " VALUES (:r, :c, :c, :e, '')",
            r=rule,
            c=_ago(ended + 1),
            e=_ago(ended),
        )
    for destination, until in (("ran-out", _ago(1 / 24)), ("waiting", _ago(-1 / 24))):
        project.execute(
            "INSERT INTO destination_backoff (destination, blocked_until) VALUES (:d, :u)",
            d=destination,
            u=until,
        )
    assert "last prune: never" in project.cli("status").stdout  # exit 1: no daemon runs

    out = _run(project, "prune")  # one row to a transaction
    assert "0 notices, 2 silences, 1 destination_backoff" in out
    assert sorted(r[0] for r in project.sql("SELECT rule FROM silences")) == ["active", "recent"]
    assert project.sql("SELECT destination FROM destination_backoff") == [("waiting",)]
    status = project.cli("status")
    assert "removed 2 silences, 1 destination_backoff" in status.stdout
    data = json.loads(project.cli("status", "--json").stdout)
    assert data["last_prune"]["removed"] == {
        "items": 0,
        "alerts": 0,
        "deliveries": 0,
        "incidents": 0,
        "notices": 0,
        "silences": 2,
        "destination_backoff": 1,
    }
    assert db_datetime(data["last_prune"]["at"]) > _ago(1)
