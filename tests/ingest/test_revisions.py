"""Alerts fire on new items and on revisions that add a match the item did not have before;
an unchanged re-publication or a reworded revision never fires (real `run --once`)."""

from __future__ import annotations

from conftest import FeedServer, Project, Sink, db_json, rss

CONFIG = """
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: news, type: feed, url: "{feed}"}}
rules:
  - name: kyiv
    concepts: [air_strike, embassy_closed]
    severity: critical
    notify: [ops]
channels:
  ops: {{urls: ["{sink}"]}}
"""


def _publish(feeds: FeedServer, title: str, body: str) -> str:
    return feeds.put("/news.xml", rss([{"guid": "item-1", "title": title, "description": body}]))


def _alerts(project: Project) -> list[tuple[str, list[dict[str, object]]]]:
    rows = project.sql("SELECT severity, matched FROM alerts ORDER BY id")
    return [(sev, db_json(matched)) for sev, matched in rows]


def test_revision_adding_a_concept_fires_again(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    feed = _publish(feeds, "Serangan udara di Kyiv", "Sirene berbunyi sepanjang malam.")
    project.write_config(CONFIG.format(feed=feed, sink=sink.apprise_url))

    assert project.cli("run", "--once").returncode == 0
    assert len(sink.received) == 1
    ((severity, matched),) = _alerts(project)
    assert severity == "critical"
    assert matched[0]["concept"] == "air_strike" and matched[0]["language"] == "id"
    assert matched[0]["text"] == "Serangan udara" and matched[0]["field"] == "title"
    assert matched[0]["snippet"] == "**Serangan udara** di Kyiv"

    # Reworded, same concept: a revision, but nothing new matched -> no alert.
    _publish(feeds, "Serangan udara besar di Kyiv", "Sirene berbunyi sepanjang malam.")
    second = project.cli("run", "--once")
    assert "news: ok, 0 new, 1 updated, 0 alerts" in second.stdout, second.stdout
    assert len(sink.received) == 1

    # The revision adds the embassy closure -> a new alert naming the new concept.
    _publish(
        feeds,
        "Serangan udara besar di Kyiv",
        "Kedutaan Besar AS ditutup &amp; warga diminta berlindung.",
    )
    third = project.cli("run", "--once")
    assert "news: ok, 0 new, 1 updated, 1 alerts" in third.stdout, third.stdout
    assert len(sink.received) == 2
    assert "embassy_closed" in sink.received[-1]["message"]
    assert {m["concept"] for m in _alerts(project)[-1][1]} == {"air_strike", "embassy_closed"}

    # Unchanged re-publication (the server now answers 304; force a full fetch too).
    fourth = project.cli("run", "--once")
    assert fourth.returncode == 0 and len(sink.received) == 2
    feeds.put("/news.xml", feeds.files["/news.xml"] + b"\n")  # same items, new ETag
    fifth = project.cli("run", "--once")
    assert "news: ok, 0 new, 0 updated, 0 alerts" in fifth.stdout, fifth.stdout
    assert len(sink.received) == 2
