"""Incidents: the same event from several sources pings once; later reports attach."""

from __future__ import annotations

import json
from collections.abc import Callable

from advisorywatch.notifier.route.incident_words import similarity, words

from conftest import FeedServer, Project, ScriptedSink, rss

MakeSink = Callable[[], ScriptedSink]
REPORT_A = {
    "guid": "a1",
    "title": "Massive air strike hits Kyiv power station overnight",
    "description": "Russian missiles and drones struck the Kyiv power station overnight, "
    "officials said; several districts are without electricity.",
}
REPORT_B = {
    "guid": "b1",
    "title": "Kyiv power station hit by massive overnight air strike",
    "description": "Officials said Russian drones and missiles struck the power station in "
    "Kyiv overnight; several districts without electricity.",
}
OTHER = {
    "guid": "b2",
    "title": "Air strike on Odesa port damages grain terminal",
    "description": "A grain terminal in the port of Odesa was damaged.",
}


def _two_wires(project: Project, a: str, b: str, sink: ScriptedSink, rule: str) -> None:
    """Two feed sources and one critical rule (``rule``: its name and concepts) into ``sink``."""
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: wire-a, type: feed, url: "{a}"}}
  - {{name: wire-b, type: feed, url: "{b}"}}
rules:
  - {rule}, severity: critical, notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
""")


def test_similarity_needs_shared_words() -> None:
    a = words(REPORT_A["title"], REPORT_A["description"])
    b = words(REPORT_B["title"], REPORT_B["description"])
    assert similarity(a, b) > 0.6
    assert similarity(a, words(OTHER["title"], OTHER["description"])) < 0.2
    assert similarity(words("Air strike number 1", ""), words("Air strike number 2", "")) == 0


def test_same_event_from_two_sources_pings_once(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    sink = make_sink()
    a = feeds.put("/a.xml", rss([REPORT_A]))
    b = feeds.put("/b.xml", rss([]))
    _two_wires(project, a, b, sink, "{name: air-strike, concepts: [air_strike]")
    assert project.cli("run", "--once").returncode == 0
    feeds.put("/b.xml", rss([REPORT_B, OTHER]))
    second = project.cli("run", "--once")
    assert second.returncode == 0
    titles = sink.titles()
    assert len(titles) == 2, titles
    (incident,) = project.sql("SELECT incident_id FROM incident_alerts ORDER BY alert_id LIMIT 1")
    held = [line for line in second.stderr.splitlines() if "not sent now" in line]
    assert len(held) == 1 and REPORT_B["title"] in held[0], second.stderr
    assert held[0].endswith(f"attached to incident {incident[0]}, which has pinged")
    assert "Massive air strike hits Kyiv" in titles[0] and "Odesa" in titles[1]
    alerts = {a["title"]: a for a in json.loads(project.cli("alerts", "--json").stdout)}
    assert alerts[REPORT_B["title"]]["deliveries"] == {"attached": 1}  # stored, no ping
    sizes = sorted(n for (n,) in project.sql("SELECT reports FROM incidents"))
    assert sizes == [1, 2]


def test_reports_join_by_place_in_any_language_and_a_new_concept_pings_as_an_update(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    sink = make_sink()
    a = feeds.put("/a.xml", rss([{"guid": "a", "title": "Air strike on Kyiv overnight"}]))
    b = feeds.put("/b.xml", rss([]))
    _two_wires(project, a, b, sink, "{name: r, concepts: [air_strike, embassy_closed]")
    assert project.cli("run", "--once").returncode == 0
    joined = {"guid": "b1", "title": "Luftangriff auf Kiew in der Nacht"}  # same event, de
    update = {"guid": "b2", "title": "Посольство США в Києві зачинене після авіаудару"}
    other = {"guid": "b3", "title": "Air strike on Lviv overnight"}  # another place
    feeds.put("/b.xml", rss([joined, update, other]))
    assert project.cli("run", "--once").returncode == 0
    assert sink.titles() == [
        "[CRITICAL] r: Air strike on Kyiv overnight · wire-a",
        f"[CRITICAL] r: {update['title']} · wire-b",  # adds embassy_closed: an update
        f"[CRITICAL] r: {other['title']} · wire-b",
    ]
    alerts = {a["title"]: a for a in json.loads(project.cli("alerts", "--json").stdout)}
    assert alerts[joined["title"]]["deliveries"] == {"attached": 1}
    assert sorted(n for (n,) in project.sql("SELECT reports FROM incidents")) == [1, 3]
