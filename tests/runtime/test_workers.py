"""Parsing workers (``crawler.workers``): the same items, keys and alerts as parsing in the
main process; a worker that dies fails only the response it was parsing, as a ``parse``
error, and is replaced. Through the real CLI, real HTTP feeds and a real sink."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from unittest.mock import ANY

from advisorywatch.crawler.sources.base import Fetched, SourceType
from advisorywatch.crawler.sources.registry import make_source
from advisorywatch.crawler.sources.types.feed import FeedConfig
from advisorywatch.crawler.sources.types.html_listing import HtmlConfig
from advisorywatch.model import ParsedItem
from advisorywatch.rules.config import RuleConfig
from advisorywatch.runtime.workers import ParseWorkers, Rules, in_worker
from advisorywatch.testhooks import CRASH_ENV

from conftest import FeedServer, Project, ScriptedSink, fixture_bytes, rss

MakeSink = Callable[[], ScriptedSink]
ALERT_FEED = "usembassy_ua_category_alert_feed_SYNTHETIC.xml"


def _config(feeds: FeedServer, sink: str, workers: int) -> str:
    quiet = rss(
        [
            {"guid": f"q{i}", "title": f"Weather report {i}", "link": f"https://x/{i}"}
            for i in range(5)
        ]
    )
    strike = rss([{"guid": "s1", "title": "Air strike hits the capital", "description": "Sirens"}])
    return f"""
database: {{url: "sqlite:///state.db"}}
crawler: {{workers: {workers}}}
sources:
  - {{name: embassy, type: feed, url: "{feeds.put("/embassy.xml", fixture_bytes(ALERT_FEED))}"}}
  - {{name: quiet, type: feed, url: "{feeds.put("/quiet.xml", quiet.encode())}"}}
  - {{name: strike, type: feed, url: "{feeds.put("/strike.xml", strike.encode())}"}}
  - {{name: broken, type: feed, url: "{feeds.put("/broken.xml", b"<html>no feed</html>")}"}}
rules:
  - {{name: air-strike, concepts: [air_strike], severity: critical, notify: [ops]}}
  - {{name: closed, concepts: [embassy_closed], severity: warning, notify: [ops]}}
channels:
  ops:
    urls: ["{sink}"]
"""


def _stored(project: Project) -> list[tuple[object, ...]]:
    return sorted(
        project.sql(
            "SELECT s.name, i.identity, i.content_hash, i.link_key, i.title FROM items i"
            " JOIN sources s ON s.id = i.source_id"
        )
    )


def _alerts(project: Project) -> list[tuple[object, ...]]:
    rows = project.sql(
        "SELECT i.title, a.rule, a.severity, a.matched FROM alerts a"
        " JOIN items i ON i.id = a.item_id"
    )
    return sorted((title, rule, sev, str(matched)) for title, rule, sev, matched in rows)


def _errors(project: Project) -> dict[str, tuple[object, object]]:
    rows = project.sql("SELECT name, last_error_kind, last_error FROM sources")
    return {name: (kind, error) for name, kind, error in rows}


def test_workers_store_what_the_main_process_stores(
    tmp_path: Path, feeds: FeedServer, make_sink: MakeSink
) -> None:
    runs = {}
    for workers in (0, 2):
        (directory := tmp_path / f"workers-{workers}").mkdir()
        project = Project(directory)
        sink = make_sink()
        project.write_config(_config(feeds, sink.apprise_url, workers))
        result = project.cli("run", "--once")
        assert result.returncode == 1, result.stderr  # the broken source
        runs[workers] = (_stored(project), _alerts(project), _errors(project), len(sink.received))
    assert runs[2] == runs[0]
    stored, alerts, errors, sent = runs[2]
    assert len(stored) == 5 + 1 + len([r for r in stored if r[0] == "embassy"])
    assert {a[1] for a in alerts} == {"air-strike", "closed"}
    assert errors["broken"][0] == "parse" and errors["quiet"] == (None, None)
    assert sent >= 2


def test_a_worker_that_dies_fails_only_its_response(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    sink = make_sink()
    project.write_config(_config(feeds, sink.apprise_url, 1))
    result = project.cli("run", "--once", env={CRASH_ENV: "parse:strike"})
    assert result.returncode == 1
    assert "strike: FAILED, the parsing worker process died (exit status 86)" in result.stdout
    errors = _errors(project)
    assert errors["strike"][0] == "parse"
    assert errors["quiet"] == (None, None) and errors["embassy"] == (None, None)
    assert "the parsing worker died" in result.stderr
    # The replacement parsed the sources after it; the next run stores the strike.
    assert {row[0] for row in _stored(project)} == {"embassy", "quiet"}
    again = project.cli("run", "--once")
    assert "strike: ok, 1 new" in again.stdout, again.stdout
    assert "Air strike hits the capital" in str(sink.received)


def _feed(name: str) -> SourceType:
    return make_source(FeedConfig(name=name, type="feed", url="https://example.org/feed.xml"))


def _rules(*concepts: str) -> Rules:
    rules = [RuleConfig(name=c, concepts=[c], notify=["ops"]) for c in concepts]
    return Rules(rules, {}, {})


def test_a_worker_takes_new_rules_at_a_reload() -> None:
    body = rss([{"guid": "1", "title": "Air strike hits the capital", "description": "Sirens"}])
    fetched = Fetched("https://example.org/feed.xml", 200, {}, body.encode())
    workers = ParseWorkers(1, _rules("air_strike"))

    async def parse() -> list[ParsedItem]:
        return (await workers.parse(_feed("news"), fetched)).items

    try:
        (item,) = asyncio.run(parse())
        assert item.prepared is not None
        assert [(i, sev) for i, sev, *_ in item.prepared.matches] == [(0, "warning")]
        workers.configure(_rules("embassy_closed", "air_strike"))
        (item,) = asyncio.run(parse())
        assert item.prepared is not None
        assert [i for i, *_ in item.prepared.matches] == [1]  # the rule's index in the new config
    finally:
        workers.close()


def test_a_worker_dates_a_retrospective_by_the_feeds_publication_date() -> None:
    text = "An air strike hit the city on 17 May 1985."
    items = "".join(
        f"<item><guid>{guid}</guid><title>Basra</title><description>{text}</description>"
        f"<pubDate>{date}</pubDate></item>"
        for guid, date in [
            ("then", "Sat, 18 May 1985 06:00:00 GMT"),
            ("now", "Mon, 07 Dec 2026 06:00:00 GMT"),
        ]
    )
    body = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    )
    fetched = Fetched("https://example.org/feed.xml", 200, {}, body.encode())
    workers = ParseWorkers(1, _rules("air_strike"))
    try:
        parsed = asyncio.run(workers.parse(_feed("news"), fetched)).items
        assert [[m[1:] for m in it.prepared.matches] for it in parsed if it.prepared] == [
            [("warning", ANY, frozenset(), None)],  # news in 1985
            [("info", ANY, frozenset(), 1985)],  # history in 2026: the old year goes along
        ]
    finally:
        workers.close()


def test_sources_that_follow_links_parse_in_this_process() -> None:
    html = HtmlConfig(name="h", type="html", url="https://example.org/", item="li")
    assert not in_worker(make_source(html))
    assert in_worker(_feed("news"))
