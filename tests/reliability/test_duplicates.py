"""The duplicates bound under a crash loop: a service that acts on every message but never
answers, and ``run --once`` killed with SIGKILL during each send. The first send's copy may
arrive, the second is marked as a possible duplicate, then the row gives up: two copies at
most, however many times the sender dies."""

from __future__ import annotations

import time
from collections.abc import Callable

from reliability.configs import air_strike_config
from reliability.ledger import Entry, record

from conftest import FeedServer, Project, ScriptedSink, rss

LEASE_SECONDS = 2.0
KILLS = 4


def test_a_sender_killed_mid_send_again_and_again_delivers_at_most_twice(
    project: Project, feeds: FeedServer, make_sink: Callable[[], ScriptedSink]
) -> None:
    sink = make_sink()
    sink.hang_accepts = True
    url = feeds.put("/feed.xml", rss([{"guid": "a1", "title": "Air strike on Odesa"}]))
    notifier = f"lease_seconds: {LEASE_SECONDS}, timeout_seconds: 1, retry_base_seconds: 0.01"
    project.write_config(air_strike_config(url, [sink.apprise_url], notifier))
    killed_mid_send = 0
    for _ in range(KILLS):
        sink.hang_next = True
        sink.hanging.clear()
        sink.release.clear()
        proc = project.popen("run", "--once")
        try:
            # Killed as soon as the send hangs; a run that claims nothing just ends.
            while proc.poll() is None and not sink.hanging.wait(0.1):
                pass
            if sink.hanging.is_set():
                killed_mid_send += 1
        finally:
            proc.kill()
            proc.communicate()
        sink.release.set()
        time.sleep(LEASE_SECONDS + 0.2)  # the lease ends: the row is due again

    assert killed_mid_send == 2  # the first claim and the uncertain one; then no more sends
    titles = sink.titles()
    copies = len(titles)
    record(
        Entry(
            tried=1,
            survived=1,
            lost=int(copies == 0),
            duplicates=max(copies - 1, 0),
            over_bound=max(copies - 2, 0),
        )
    )
    assert len(titles) == 2, titles
    assert not titles[0].startswith("[possible duplicate]")
    assert titles[1].startswith("[possible duplicate] ") and titles[1].endswith(titles[0])
    assert project.sql("SELECT status, attempts, unconfirmed, last_error FROM deliveries") == [
        ("failed", 2, 2, "outcome unknown after 2 claims")
    ]
