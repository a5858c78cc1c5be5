"""Places end to end: stored on items and alerts, listed by ``alerts``, and a channel with
``places:`` or ``countries:`` hears only about them (the config checks are in test_config)."""

from __future__ import annotations

import json
from collections.abc import Callable

from conftest import FeedServer, Project, ScriptedSink, rss


def test_places_are_stored_listed_and_route_to_a_regions_channel(
    project: Project, feeds: FeedServer, make_sink: Callable[[], ScriptedSink]
) -> None:
    everyone, kyiv_team, israel_team = make_sink(), make_sink(), make_sink()
    feed = feeds.put(
        "/f.xml",
        rss(
            [
                {"guid": "1", "title": "Air strike on Kyiv", "description": "Explosions heard."},
                {"guid": "2", "title": "Air strike near Haifa", "description": "Sirens."},
                {"guid": "3", "title": "Air strike reported", "description": "No details."},
            ]
        ),
    )
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources: [{{name: wire, type: feed, url: "{feed}"}}]
rules:
  - {{name: strike, concepts: [air_strike], severity: critical, notify: [all, kyiv, israel]}}
channels:
  all: {{urls: ["{everyone.apprise_url}"]}}
  kyiv: {{urls: ["{kyiv_team.apprise_url}"], places: [Kiev]}}
  israel: {{urls: ["{israel_team.apprise_url}"], countries: [IL]}}
""")
    run = project.cli("run", "--once")
    assert run.returncode == 0, run.stderr
    assert len(everyone.titles()) == 3
    assert [t for t in kyiv_team.titles()] == [t for t in everyone.titles() if "Kyiv" in t]
    assert [t for t in israel_team.titles()] == [t for t in everyone.titles() if "Haifa" in t]
    alerts = {a["title"]: a for a in json.loads(project.cli("alerts", "--json").stdout)}
    assert alerts["Air strike on Kyiv"]["places"] == [
        {"code": "geonames:703448", "label": "Kyiv, Ukraine"}
    ]
    assert alerts["Air strike near Haifa"]["places"][0]["label"] == "Haifa, Israel"
    assert alerts["Air strike reported"]["places"] == []
    stored = project.sql("SELECT places FROM items WHERE title = 'Air strike on Kyiv'")
    raw = stored[0][0]  # text on SQLite, decoded JSON on PostgreSQL
    assert (json.loads(raw) if isinstance(raw, str) else raw)[0]["code"] == "geonames:703448"
    assert "places: Kyiv, Ukraine" in project.cli("alerts").stdout
