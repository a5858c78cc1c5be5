"""Crash points (``ADVISORYWATCH_TEST_CRASH_AT``, advisorywatch/testhooks.py): ``run --once``
dies with ``os._exit`` (no clean-up, as SIGKILL) at the same point run after run, then runs
normally. Nothing is lost, and no alert arrives more often than README's bound (two copies
for a sender that dies mid-send)."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from advisorywatch.testhooks import CRASH_ENV, CRASH_EXIT_CODE
from reliability.configs import air_strike_config
from reliability.ledger import Entry, record

from conftest import FeedServer, Project, Sink, rss

LEASE_SECONDS = 2.0
TITLES = ("Air strike on the port of Odesa", "Second air strike reported near Lviv")
# point -> how many crashed runs at most before one ends by itself
POINTS = {"after-item-insert": 3, "mid-migration": 3, "after-send": 8}


@pytest.mark.parametrize("point", list(POINTS))
def test_crash_loop_loses_nothing(
    point: str, project: Project, feeds: FeedServer, sink: Sink
) -> None:
    items = [{"guid": f"a{i}", "title": t} for i, t in enumerate(TITLES)]
    url = feeds.put("/feed.xml", rss(items))
    notifier = f"lease_seconds: {LEASE_SECONDS}, timeout_seconds: 1, retry_base_seconds: 0.01"
    project.write_config(air_strike_config(url, [sink.apprise_url], notifier))
    # A send whose outcome stayed unknown after two claims is given up (it may have arrived):
    # `run --once` says so with exit code 3, alerts not delivered.
    ok = {0, 3} if point == "after-send" else {0}
    crashes = 0
    for _ in range(POINTS[point]):
        run = project.cli("run", "--once", env={CRASH_ENV: point}, timeout=60)
        if run.returncode != CRASH_EXIT_CODE:
            assert run.returncode in ok, run.stderr
            break
        crashes += 1
        time.sleep(LEASE_SECONDS + 0.2)  # a dead sender's lease ends
    assert crashes >= 1  # the point is reached
    final = project.cli("run", "--once", timeout=60)
    assert final.returncode in ok, final.stderr

    by_alert = Counter(next(t for t in TITLES if t in c) for c in sink.titles())
    lost = [t for t in TITLES if not by_alert[t]]
    bound = 2 if point == "after-send" else 1
    record(
        Entry(
            tried=1,
            survived=1,
            lost=len(lost),
            duplicates=sum(n - 1 for n in by_alert.values()),
            over_bound=sum(max(n - bound, 0) for n in by_alert.values()),
        )
    )
    assert not lost, sink.titles()
    assert all(n <= bound for n in by_alert.values()), sink.titles()
    assert project.sql("SELECT count(*) FROM items") == [(len(TITLES),)]
