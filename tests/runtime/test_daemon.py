"""The daemon as a subprocess: repeated crawls in one process, each new item delivered once,
clean exit on SIGTERM."""

from __future__ import annotations

import signal
import time

from conftest import FeedServer, Project, Sink, fixture_bytes, rss, wait_for


def test_daemon_runs_cycles_delivers_once_and_stops_on_sigterm(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    embassy = feeds.put(
        "/embassy.xml", fixture_bytes("usembassy_ua_category_alert_feed_SYNTHETIC.xml")
    )
    news = feeds.put("/news.xml", rss([{"guid": "n0", "title": "IHSG ditutup menguat"}]))
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: embassy, type: feed, url: "{embassy}", every: 1s}}
  - {{name: news, type: feed, url: "{news}", every: 1s}}
rules:
  - {{name: air-strike, concepts: [air_strike], severity: critical, notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
""")
    proc = project.popen("run")
    try:
        wait_for(lambda: len(sink.received) >= 1, 60, "the first alert")
        wait_for(
            lambda: feeds.hits("/news.xml") >= 3 and feeds.hits("/embassy.xml") >= 3,
            60,
            "three cycles of both sources",
        )
        assert len(sink.received) == 1  # the embassy alert, once, though crawled 3+ times

        feeds.put(
            "/news.xml",
            rss(
                [
                    {"guid": "n0", "title": "IHSG ditutup menguat"},
                    {"guid": "n1", "title": "Rusia lancarkan serangan udara ke Odesa"},
                ]
            ),
        )
        # Odesa: an air strike on Kyiv would be the embassy alert's incident (same place, concept)
        wait_for(lambda: len(sink.received) >= 2, 30, "the new item's alert")
        hits_after = feeds.hits("/news.xml")
        wait_for(lambda: feeds.hits("/news.xml") >= hits_after + 2, 30, "two more cycles")
        assert len(sink.received) == 2
        assert "Rusia lancarkan serangan udara ke Odesa" in sink.received[1]["title"]
        assert proc.poll() is None, "the daemon must keep running"

        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
        assert proc.returncode == 0, err
        assert time.monotonic() - started < 10
        assert "stopped" in err
        assert "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
