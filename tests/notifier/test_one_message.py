"""One event, one message, through the real CLI into json:// sinks: all the rules that fire on
one item make one notification per channel, a critical alert is never held by the storm
brake, and Apprise's notify type follows severity."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import yaml

from conftest import FeedServer, Project, ScriptedSink, fixture_bytes, rss, storm_window_passes

MakeSink = Callable[[], ScriptedSink]
SHIPPED = Path(__file__).parents[2] / "config.yaml"


def _shipped_config(project: Project, feed: str, channels: dict[str, ScriptedSink]) -> None:
    """The shipped config.yaml (rules, concepts, notifier settings as they are), with one news
    source and every rule notifying each of ``channels``."""
    config = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    config["database"] = {"url": "sqlite:///state.db"}
    config["sources"] = [
        {"name": "suarathailand", "type": "feed", "url": feed, "tags": ["news", "id", "ukraine"]}
    ]
    for section in (*config["rules"], config["health"]):
        section["notify"] = list(channels)
    config["channels"] = {name: {"urls": [sink.apprise_url]} for name, sink in channels.items()}
    project.write_config(yaml.safe_dump(config, allow_unicode=True))


def test_the_seed_article_is_one_message_per_channel_with_every_rule_and_term(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    ops, chat = make_sink(), make_sink()
    # The shipped config baselines a new source: its first crawl is stored, not notified.
    feed = feeds.put("/news.xml", rss([{"guid": "old", "title": "IHSG ditutup menguat"}]))
    _shipped_config(project, feed, {"ops": ops, "chat": chat})
    assert project.cli("run", "--once").returncode == 0
    feeds.put("/news.xml", fixture_bytes("news_id_seed.xml"))
    result = project.cli("run", "--once")
    assert result.returncode == 0, result.stderr

    alerts = json.loads(project.cli("alerts", "--json").stdout)
    rules = {a["rule"] for a in alerts}
    assert len(alerts) == len(rules) >= 3, alerts  # several rules fired on the one item
    for sink in (ops, chat):
        [message] = sink.received
        assert message["type"] == "failure"  # the most severe rule is critical
        assert "Kedutaan Besar Italia dan Yunani" in message["title"]
        for rule in rules:
            assert rule in message["title"]
        body = message["message"]
        matched = body.split("Matched: ")[1].splitlines()[0].casefold()
        for term in {t.casefold() for a in alerts for t in a["terms"]}:
            assert matched.count(f"{term} (") == 1, (term, matched)  # folded: once each
    # Each alert keeps its own rows: the lead is sent, the others rode in its message.
    lead = next(a for a in alerts if "sent" in a["deliveries"])
    assert lead["deliveries"] == {"sent": 2} and lead["merged_into"] == []
    for a in alerts:
        if a is not lead:
            assert a["deliveries"] == {"merged": 2} and a["merged_into"] == [lead["id"]]
    # Each alert's terms, without case duplicates ("Air strike, air strike").
    for a in alerts:
        assert len({t.casefold() for t in a["terms"]}) == len(a["terms"])

    again = project.cli("run", "--once")
    assert again.returncode == 0
    assert len(ops.received) == len(chat.received) == 1, "nothing is sent twice"


def test_a_revision_that_adds_a_concept_notifies_once_as_an_update(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    chat = make_sink()
    story = {"guid": "s1", "title": "Air strike hits Kyiv", "description": "Sirens overnight."}
    feed = feeds.put("/feed.xml", rss([story]))
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: wire, type: feed, url: "{feed}"}}
rules:
  - {{name: air-strike, concepts: [air_strike], severity: critical, notify: [chat]}}
  - {{name: closures, concepts: [embassy_closed], severity: warning, notify: [chat]}}
  - {{name: kyiv, keywords: [Kyiv], severity: info, notify: [chat]}}
  - {{name: embassy, keywords: [embassy], severity: info, notify: [chat]}}
channels:
  chat: {{urls: ["{chat.apprise_url}"]}}
""")
    assert project.cli("run", "--once").returncode == 0
    revised = {**story, "description": "Sirens overnight. The US embassy closed in Kyiv."}
    feeds.put("/feed.xml", rss([revised]))
    assert project.cli("run", "--once").returncode == 0
    first, update = chat.received
    assert first["title"] == "[CRITICAL] air-strike, kyiv: Air strike hits Kyiv · wire"
    # Two more rules fire on the revision: one message, marked as an update.
    assert update["title"] == "[WARNING][UPDATE] closures, embassy: Air strike hits Kyiv · wire"
    assert update["type"] == "warning"


def _three_rules(
    project: Project, feed: str, chat: ScriptedSink, extra: str = "notifier: {}\n"
) -> None:
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: wire, type: feed, url: "{feed}"}}
rules:
  - {{name: strike, keywords: ["air strike"], severity: warning, notify: [chat]}}
  - {{name: kherson, keywords: [Kherson], severity: critical, notify: [chat]}}
  - {{name: calm, keywords: ["all clear"], severity: info, notify: [chat]}}
channels:
  chat: {{urls: ["{chat.apprise_url}"]}}
{extra}""")


def test_a_critical_alert_goes_out_during_a_storm_and_the_summary_lists_titles(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    chat = make_sink()
    items = [{"guid": f"g{i}", "title": f"Air strike number {i}"} for i in range(4)]
    items.insert(3, {"guid": "k", "title": "Air strike on Kherson", "description": "Shelling."})
    items.append({"guid": "c", "title": "All clear in Odesa"})
    feed = feeds.put("/feed.xml", rss(items))
    _three_rules(project, feed, chat, "notifier: {storm_max: 2, storm_window: 1h}\n")
    result = project.cli("run", "--once")
    assert result.returncode == 0, result.stderr
    titles = chat.titles()
    # Two messages fill the window; the critical one still goes out, at once, in one message.
    assert titles == [
        "[WARNING] strike: Air strike number 0 · wire",
        "[WARNING] strike: Air strike number 1 · wire",
        "[CRITICAL] kherson, strike: Air strike on Kherson · wire",  # the most severe first
    ]
    assert [m["type"] for m in chat.received] == ["warning", "warning", "failure"]
    held = [line for line in result.stderr.splitlines() if "not sent now" in line]
    assert len(held) == 3, result.stderr  # numbers 2 and 3, and the all-clear

    storm_window_passes(project, timedelta(hours=1))
    assert project.cli("run", "--once").returncode == 0
    summary = chat.received[-1]
    assert summary["title"].startswith("[STORM] 3 more alerts for chat since ")
    assert summary["type"] == "warning"  # the most severe alert it holds
    lines = summary["message"].splitlines()
    assert lines[0].startswith(
        "- [WARNING] Air strike number 2 (wire) · strike · matched: Air strike http://"
    )
    assert lines[1].startswith("- [WARNING] Air strike number 3 (wire)")
    assert lines[2].startswith("- [INFO] All clear in Odesa (wire) · calm · matched: All clear")


def test_notify_type_follows_severity_and_source_health(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    chat = make_sink()
    items = [
        {"guid": "1", "title": "Air strike reported"},
        {"guid": "2", "title": "Kherson under curfew"},
        {"guid": "3", "title": "All clear in Lviv"},
    ]
    feed = feeds.put("/feed.xml", rss(items))
    _three_rules(project, feed, chat, "health: {notify: [chat], down_after: 1}\n")
    assert project.cli("run", "--once").returncode == 0
    by_title = {m["title"].split(": ", 1)[0]: m["type"] for m in chat.received}
    assert by_title == {
        "[WARNING] strike": "warning",
        "[CRITICAL] kherson": "failure",
        "[INFO] calm": "info",
    }
    feeds.put("/feed.xml", "gone", status=500)
    assert project.cli("run", "--once").returncode == 1
    feeds.put("/feed.xml", rss(items))
    assert project.cli("run", "--once").returncode == 0
    health = {m["title"]: m["type"] for m in chat.received[3:]}
    assert health == {"[SOURCE DOWN] wire": "warning", "[RECOVERED] wire": "success"}
