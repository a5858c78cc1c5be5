"""`run --once` against a real feed server and a real Apprise json:// sink."""

from __future__ import annotations

from conftest import FeedServer, Project, Sink, fixture_bytes, rss

CONFIG = """
database:
  url: sqlite:///state.db
sources:
  - name: embassy
    type: feed
    url: {embassy}
  - name: news-id
    type: feed
    url: {news}
rules:
  - name: air-strike
    concepts: [air_strike]
    severity: critical
    notify: [ops]
channels:
  ops:
    urls: ["{sink}"]
"""


def _setup(project: Project, feeds: FeedServer, sink: Sink) -> None:
    embassy = feeds.put(
        "/embassy.xml", fixture_bytes("usembassy_ua_category_alert_feed_SYNTHETIC.xml")
    )
    news = feeds.put("/news.xml", fixture_bytes("news_id_seed.xml"))
    project.write_config(CONFIG.format(embassy=embassy, news=news, sink=sink.apprise_url))


def test_run_once_delivers_each_matching_item_exactly_once(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    _setup(project, feeds, sink)
    first = project.cli("run", "--once")
    assert first.returncode == 0, first.stderr
    titles = sorted(sink.titles())
    # The Nov 20 embassy alert ("air attack") and the Indonesian seed ("serangan udara").
    assert len(titles) == 2, titles
    assert any("November 20, 2024" in t for t in titles)
    assert any("Kedutaan Besar Italia dan Yunani" in t for t in titles)
    assert all(t.startswith("[CRITICAL] air-strike:") for t in titles)
    seed = next(m for m in sink.received if "Kedutaan" in m["title"])
    assert "**serangan udara**" in seed["message"]
    assert "(air_strike, id)" in seed["message"]

    second = project.cli("run", "--once")
    assert second.returncode == 0, second.stderr
    assert len(sink.received) == 2, "a second run must not re-send"
    assert "not modified" in second.stdout  # conditional GET answered 304

    feeds.put(
        "/news.xml",
        rss(
            [
                {
                    "guid": "new-1",
                    "title": "Serangan udara besar-besaran di Kharkiv",
                    "description": "Sirene berbunyi sepanjang malam.",
                    "link": "https://example.org/a",
                },
                {
                    "guid": "new-2",
                    "title": "IHSG ditutup menguat",
                    "description": "Saham perbankan naik.",
                },
            ]
        ),
    )
    third = project.cli("run", "--once")
    assert third.returncode == 0, third.stderr
    assert len(sink.received) == 3
    assert "Serangan udara besar-besaran di Kharkiv" in sink.received[-1]["title"]


def test_broken_source_does_not_stop_the_others(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    news = feeds.put("/news.xml", fixture_bytes("news_id_seed.xml"))
    blocked = feeds.put(
        "/blocked.xml",
        "<html><body>Access denied</body></html>",
        status=403,
        content_type="text/html",
    )
    not_a_feed = feeds.put(
        "/page.html", "<html><body>Just a moment...</body></html>", content_type="text/html"
    )
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: blocked, type: feed, url: "{blocked}"}}
  - {{name: challenge, type: feed, url: "{not_a_feed}"}}
  - {{name: refused, type: feed, url: "http://127.0.0.1:9/feed.xml"}}
  - {{name: news, type: feed, url: "{news}"}}
rules:
  - {{name: air-strike, concepts: [air_strike], notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
""")
    result = project.cli("run", "--once")
    assert result.returncode == 1
    assert len(sink.received) == 1  # the healthy source still alerted
    assert "blocked: FAILED, HTTP 403" in result.stdout
    assert "challenge: FAILED" in result.stdout and "not a readable RSS/Atom feed" in result.stdout
    assert "refused: FAILED" in result.stdout
    assert "news: ok, 1 new" in result.stdout
    failures = dict(project.sql("SELECT name, consecutive_failures FROM sources"))
    assert failures == {"blocked": 1, "challenge": 1, "refused": 1, "news": 0}


def test_failed_delivery_is_retried_and_never_resent(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    _setup(project, feeds, sink)
    project.write_config(project.config.read_text() + "notifier: {retry_base_seconds: 0.01}\n")
    sink.fail_next = [500]  # the first of the two notifications fails
    first = project.cli("run", "--once")
    assert first.returncode == 3  # an alert not delivered yet
    assert sink.rejected == 1
    assert len(sink.received) == 1
    assert "1 notification(s) not yet delivered" in first.stderr

    second = project.cli("run", "--once")
    assert second.returncode == 0
    assert len(sink.received) == 2
    assert len(set(sink.titles())) == 2  # the retried one, not a duplicate of the delivered one
    rows = project.sql("SELECT status, attempts FROM deliveries ORDER BY attempts")
    assert rows == [("sent", 1), ("sent", 2)]


def test_alerts_json_lists_what_fired(project: Project, feeds: FeedServer, sink: Sink) -> None:
    import json

    _setup(project, feeds, sink)
    assert project.cli("run", "--once").returncode == 0
    out = project.cli("alerts", "--json")
    assert out.returncode == 0, out.stderr
    alerts = json.loads(out.stdout)
    assert len(alerts) == 2
    for a in alerts:
        assert {"url", "title", "source", "rule", "severity", "created_at"} <= a.keys()
        assert a["rule"] == "air-strike" and a["severity"] == "critical"
        assert a["deliveries"] == {"sent": 1}
    assert {a["source"] for a in alerts} == {"embassy", "news-id"}
