"""Source types end to end through the real CLI: presets with URL overrides, advisory-level
changes, HTML listings with article follow-ups and rel=next, JSON pagination, guid rewrites."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from conftest import FeedServer, Project, Sink, db_datetime, fixture_bytes

LEVEL_CONFIG = """
database: {{url: "sqlite:///state.db"}}
sources:
  - name: us-advisories
    preset: us-state-dept
    url: "{url}"
rules:
  - name: advisory-changed
    advisory_level: {{raised: true, lowered: {lowered}, min_level: 2}}
    severity: critical
    notify: [ops]
channels:
  ops: {{urls: ["{sink}"]}}
"""


def _rows(project: Project, sql: str) -> list[Any]:
    return project.sql(sql)


def _run(project: Project) -> None:
    result = project.cli("run", "--once")
    assert result.returncode == 0, result.stdout + result.stderr


def test_state_department_level_change_alerts_once(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    url = feeds.url("/TAsTWs.xml")
    project.write_config(LEVEL_CONFIG.format(url=url, lowered="false", sink=sink.apprise_url))
    for day in ("07", "08", "14"):
        feeds.put("/TAsTWs.xml", fixture_bytes(f"state_dept_tastws_2025-10-{day}.xml"))
        _run(project)
    assert feeds.hits("/TAsTWs.xml") == 3  # the preset's URL was overridden
    assert len(sink.received) == 1, sink.titles()
    msg = sink.received[0]
    assert msg["title"] == (
        "[CRITICAL] advisory-changed: Sao Tome and Principe - Level 2: Exercise Increased Caution"
        " · us-advisories"
    )
    assert "Sao Tome and Principe: Level 1 → Level 2 (US State Department)" in msg["message"]
    assert "Level 1 → Level 2 (advisory_level, -)" in msg["message"]
    assert _rows(project, "SELECT count(*) FROM items") == [(12,)]
    levels = dict(_rows(project, "SELECT advisory_country, advisory_level FROM items"))
    assert levels["Sao Tome and Principe"] == 2 and levels["Ukraine"] == 4


def test_lowered_level_alerts_when_asked(project: Project, feeds: FeedServer, sink: Sink) -> None:
    url = feeds.url("/TAsTWs.xml")
    project.write_config(LEVEL_CONFIG.format(url=url, lowered="true", sink=sink.apprise_url))
    for day in ("08", "07"):  # Sao Tome goes back from 2 to 1
        feeds.put("/TAsTWs.xml", fixture_bytes(f"state_dept_tastws_2025-10-{day}.xml"))
        _run(project)
    assert len(sink.received) == 1
    assert "Sao Tome and Principe: Level 2 → Level 1" in sink.received[0]["message"]


def test_html_listing_follows_articles_and_next_page(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    origin = feeds.url("")

    def local(name: str) -> bytes:
        return fixture_bytes(name).replace(b"https://ua.usembassy.gov", origin.encode())

    listing = local("usembassy_ua_category_alert_page1_SYNTHETIC.html")
    feeds.put("/category/alert/", listing, content_type="text/html; charset=utf-8")
    page2 = listing.replace(b"november-20-2024/", b"november-20-2023/").replace(
        b"November 20, 2024", b"November 20, 2023"
    )
    feeds.put(
        "/category/alert/page/2/", page2.replace(b"page/2/", b"page/3/"), content_type="text/html"
    )
    feeds.put(
        "/security-alert-u-s-embassy-kyiv-ukraine-november-20-2024/",
        local("usembassy_ua_alert_article_2024-11-20_SYNTHETIC.html"),
        content_type="text/html",
    )
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - name: embassy-html
    type: html
    url: "{origin}/category/alert/"
    item: article.post
    fields: {{title: "h2.entry-title a", link: ".//h2/a/@href", summary: ".entry-summary"}}
    follow_links: true
    article_body: .entry-content
    max_pages: 2
rules:
  - {{name: actions, keywords: ["Identify shelter locations"], notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
""")
    _run(project)
    assert feeds.hits("/category/alert/page/2/") == 1
    assert feeds.hits("/category/alert/page/3/") == 0  # max_pages
    titles = [t for (t,) in _rows(project, "SELECT title FROM items ORDER BY id")]
    # Four per page, three of page 2 the same links as page 1; missing article pages (404)
    # keep their listing entry.
    assert len(titles) == 5
    assert "Security Alert: U.S. Embassy Kyiv, Ukraine – November 20, 2023" in titles
    ((text, published),) = _rows(
        project,
        "SELECT text, published FROM items WHERE url LIKE '%november-20-2024/'",
    )
    assert "Identify shelter locations in advance" in text  # the article body, not the excerpt
    assert db_datetime(published).replace(microsecond=0) == datetime(
        2024, 11, 20, 5, 19, 43, tzinfo=UTC
    )
    assert sink.titles() == [
        "[WARNING] actions: Security Alert: U.S. Embassy Kyiv, Ukraine – November 20, 2024"
        " · embassy-html"
    ]


def test_json_api_pagination(project: Project, feeds: FeedServer, sink: Sink) -> None:
    page1 = json.loads(fixture_bytes("reliefweb_api_v1_reports_page1_2020-09.json"))
    page1["links"]["next"]["href"] = "/v1/reports/page2"
    page2 = {"links": {"next": {"href": "/v1/reports/page3"}}, "data": page1["data"][:1]}
    page2["data"] = [{**page2["data"][0], "id": "999", "fields": {"title": "Page two report"}}]
    feeds.put("/v1/reports", json.dumps(page1), content_type="application/json")
    feeds.put("/v1/reports/page2", json.dumps(page2), content_type="application/json")
    feeds.put("/v1/reports/page3", json.dumps(page1), content_type="application/json")
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - name: reliefweb
    type: json
    url: "{feeds.url("/v1/reports")}"
    items: data
    fields: {{title: fields.title, link: fields.url_alias, date: fields.date.original, guid: id}}
    next: links.next.href
    max_pages: 2
rules:
  - {{name: quake, keywords: [earthquake], notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
""")
    _run(project)
    assert feeds.hits("/v1/reports/page2") == 1 and feeds.hits("/v1/reports/page3") == 0
    titles = [t for (t,) in _rows(project, "SELECT title FROM items")]
    assert len(titles) == 5 and "Page two report" in titles
    assert len(sink.received) == 1 and "earthquake" in sink.titles()[0].lower()


def test_guid_rewrite_does_not_create_new_items(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    feed = fixture_bytes("usembassy_ua_category_alert_feed_SYNTHETIC.xml")
    url = feeds.put("/feed/", feed)
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: embassy, preset: us-embassy, host: ua.usembassy.gov, url: "{url}"}}
rules:
  - {{name: air-strike, concepts: [air_strike], notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
""")
    _run(project)
    assert len(sink.received) == 1
    # A site migration rewrites every guid; items are reordered too.
    feeds.put("/feed/", feed.replace(b"/?p=", b"/archives/"))
    _run(project)
    assert _rows(project, "SELECT count(*) FROM items") == [(4,)]
    assert len(sink.received) == 1
    # The new guids are now the items' identities: an edit under the new scheme is an update.
    feeds.put(
        "/feed/", feed.replace(b"/?p=", b"/archives/").replace(b"Demonstrations", b"Protests")
    )
    result = project.cli("run", "--once")
    assert "embassy: ok, 0 new, 1 updated" in result.stdout, result.stdout


def test_preset_problems_named_in_check(project: Project) -> None:
    project.write_config("""
sources:
  - {name: fcdo, preset: uk-fcdo}
  - {name: nope, preset: no-such-preset}
rules:
  - {name: r, advisory_level: {}, keywords: [x], notify: [console]}
""")
    result = project.cli("check")
    assert result.returncode == 2
    assert "config.yaml:3: sources[0].preset: preset 'uk-fcdo' needs 'country:'" in result.stderr
    assert "config.yaml:4: sources[1].preset: unknown preset 'no-such-preset'" in result.stderr
