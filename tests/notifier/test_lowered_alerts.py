"""An alert below its rule's severity (a reopening, a retrospective) says why, end to end: in
its message, in ``alerts`` and in ``alerts --json``."""

from __future__ import annotations

import json

from conftest import FeedServer, Project, Sink, rss

REOPENED = "lowered to info by embassy_reopened"
RETROSPECTIVE = (
    "lowered to info: a retrospective, dated 1985 and by no later year (retrospective_years: 15)"
)


def test_a_lowered_alert_says_why_in_its_message_and_in_alerts(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    feed = feeds.put(
        "/f.xml",
        rss(
            [
                {
                    "guid": "1",
                    "title": "US Embassy Kyiv reopened",
                    "description": "The embassy has reopened after being closed since February.",
                },
                {
                    "guid": "2",
                    "title": "Basra",
                    "description": "An air strike hit the city on 17 May 1985.",
                },
                {
                    "guid": "3",
                    "title": "Missile attack on Kyiv",
                    "description": "Explosions heard.",
                },
            ]
        ),
    )
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources: [{{name: wire, type: feed, url: "{feed}"}}]
rules:
  - {{name: embassy, concepts: [embassy_closed], severity: warning, notify: [ops]}}
  - {{name: strike, concepts: [air_strike], severity: critical, notify: [ops]}}
  - {{name: missile, concepts: [missile_attack], severity: critical, notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
""")
    run = project.cli("run", "--once")
    assert run.returncode == 0, run.stderr
    bodies = {m["title"]: m["message"] for m in sink.received}
    assert len(bodies) == 3, list(bodies)
    reopened, old, strike = (
        next(b for t, b in bodies.items() if word in t) for word in ("reopened", "Basra", "Missile")
    )
    assert f"({REOPENED})" in reopened
    assert f"({RETROSPECTIVE})" in old
    assert "lowered" not in strike
    rows = {a["title"]: a for a in json.loads(project.cli("alerts", "--json").stdout)}
    assert [(rows[t]["severity"], rows[t]["lowered"]) for t in sorted(rows)] == [
        ("info", RETROSPECTIVE),  # Basra
        ("critical", ""),  # Missile attack on Kyiv
        ("info", REOPENED),  # US Embassy Kyiv reopened
    ]
    listing = project.cli("alerts").stdout
    assert f"    {REOPENED}\n" in listing and f"    {RETROSPECTIVE}\n" in listing
