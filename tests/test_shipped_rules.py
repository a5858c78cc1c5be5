"""The rules of the shipped config.yaml, through `run --once` against a real feed server and a
real Apprise json:// sink: one item per concept of the family raises an alert, a title alone
is enough, and reopenings and lifted measures arrive as info."""

from __future__ import annotations

from pathlib import Path

import yaml

from conftest import FeedServer, Project, Sink, rss

SHIPPED = Path(__file__).parents[1] / "config.yaml"

# (title, text, the rule that fires, its severity); the text may be empty
ITEMS = [
    (
        "Israeli air strike hits southern Lebanon",
        "Several buildings were destroyed.",
        "air-attack",
        "critical",
    ),
    ("Russia launches missile attack on Kyiv overnight", "", "air-attack", "critical"),
    ("Drone attack on Odesa", "Shahed drones hit the port before dawn.", "air-attack", "critical"),
    ("Повітряна тривога у Києві", "Тривога триває.", "air-raid-alert", "warning"),
    ("Luftalarm in Charkiw", "", "air-raid-alert", "warning"),
    ("U.S. Embassy Kyiv closed", "", "embassy-closed", "critical"),
    (
        "Security alert",
        "All U.S. citizens should shelter in place until further notice.",
        "shelter-in-place",
        "critical",
    ),
    (
        "Ordered departure",
        "The Department ordered the departure of non-emergency U.S. "
        "government employees and family members.",
        "evacuation",
        "critical",
    ),
    (
        "Haiti travel advisory",
        "Level 4: Do not travel to Haiti due to kidnapping and crime.",
        "do-not-travel",
        "warning",
    ),
    ("Відбій повітряної тривоги у Києві", "", "air-raid-alert", "info"),
    (
        "U.S. Embassy in Beirut reopened",
        "The embassy reopened three months after closing.",
        "embassy-closed",
        "info",
    ),
    (
        "Ordered departure lifted",
        "The State Department has lifted the ordered departure for Kyiv.",
        "evacuation",
        "info",
    ),
]
QUIET = [
    (
        "U.S. Embassy closed on Monday",
        "The embassy will be closed on Monday, February 17, in observance of Presidents' Day.",
    ),
    ("Holiday schedule", "The U.S. Embassy and consulates will be closed on December 25."),
    ("Storm warning", "Seek shelter from lightning when thunder roars."),
    ("Pilots' strike grounds flights", "The strike by pilots cancelled 200 flights."),
]


def _shipped_config(feed: str, sink: str) -> str:
    config = yaml.safe_load(SHIPPED.read_text("utf-8"))
    config["database"] = {"url": "sqlite:///state.db"}
    config["sources"] = [{"name": "news", "type": "feed", "url": feed}]
    config["channels"] = {"console": {"urls": [sink]}}
    config["notifier"]["baseline"] = False  # the one crawl is the test
    config["notifier"]["storm_max"] = 100
    return yaml.safe_dump(config, allow_unicode=True)


def test_the_shipped_rules_alert_once_per_concept_of_the_family(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    entries = [
        {"guid": f"i{n}", "title": title, "description": text}
        for n, (title, text, *_) in enumerate([*ITEMS, *QUIET])
    ]
    url = feeds.put("/feed.xml", rss(entries))
    project.write_config(_shipped_config(url, sink.apprise_url))

    run = project.cli("run", "--once", timeout=120)

    assert run.returncode == 0, run.stderr
    alerts = project.sql(
        "SELECT i.title, a.rule, a.severity FROM alerts a JOIN items i ON i.id = a.item_id"
    )
    assert sorted(alerts) == sorted((t, r, s) for t, _, r, s in ITEMS)
    # every alert reaches the channel (two alerts of one incident may share a message)
    sent = "\n".join(m["title"] + "\n" + m["message"] for m in sink.received)
    assert [t for t, *_ in ITEMS if t not in sent] == []
