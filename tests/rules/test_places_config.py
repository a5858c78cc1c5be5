"""``countries:`` and ``places:`` of rules and channels: checked when the config loads (file,
line, and what was meant), then used: a rule fires, and a channel hears, only about them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from advisorywatch.config import Config, ConfigError, parse_config
from advisorywatch.rules.engine import RuleEngine

from conftest import FeedServer, Project, ScriptedSink, rss

SOURCES = 'sources:\n  - {name: news, type: feed, url: "http://127.0.0.1:1/b.xml"}\n'


def _config(body: str, tmp_path: Path) -> Config:
    return parse_config(SOURCES + body, tmp_path / "config.yaml")


def _problems(body: str, tmp_path: Path) -> str:
    with pytest.raises(ConfigError) as exc:
        _config(body, tmp_path)
    return "\n".join(exc.value.problems)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("countries: [UA, XQ]", "rules[0].countries: unknown country code 'XQ'"),
        ("countries: [Ukraine]", "unknown country code 'Ukraine' (did you mean 'UA'?)"),
        (
            "places: [Kyiv, Kharkov, Харківська область, Lvvi]",
            "unknown place 'Lvvi' (did you mean 'Lviv'?)",
        ),
    ],
)
def test_an_unknown_place_is_a_config_error_with_its_line(
    tmp_path: Path, entry: str, expected: str
) -> None:
    body = f"rules:\n  - name: r\n    concepts: [air_strike]\n    {entry}\n    notify: [console]\n"
    problems = _problems(body, tmp_path)
    assert "config.yaml:6: " in problems and expected in problems, problems


def test_a_channel_place_is_checked_too(tmp_path: Path) -> None:
    body = (
        "rules: [{name: r, concepts: [air_strike], notify: [kyiv]}]\n"
        "channels:\n  kyiv:\n    urls: ['console://']\n    places: [Kyyv]\n"
    )
    problems = _problems(body, tmp_path)
    assert "config.yaml:7: channels.kyiv.places: unknown place 'Kyyv' (did you mean 'Kyiv'?)" in (
        problems
    )


def test_a_rule_fires_only_about_its_places(tmp_path: Path) -> None:
    config = _config(
        "rules:\n"
        "  - {name: ua, concepts: [air_strike], countries: [ua], notify: [console]}\n"
        "  - {name: lviv, concepts: [air_strike], places: [Львів], notify: [console]}\n"
        "  - {name: any, concepts: [air_strike], notify: [console]}\n",
        tmp_path,
    )
    engine = RuleEngine(config.rules, config.concepts)

    def fired(title: str) -> list[str]:
        return sorted(m.rule.name for m in engine.evaluate("news", {"title": title, "text": ""}))

    assert fired("Air strike on Lviv overnight") == ["any", "lviv", "ua"]
    assert fired("Air strike on Kharkiv overnight") == ["any", "ua"]
    assert fired("Air strike on Haifa overnight") == ["any"]
    assert fired("Air strike reported overnight") == ["any"]


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
    assert json.loads(stored[0][0])[0]["code"] == "geonames:703448"
    assert "places: Kyiv, Ukraine" in project.cli("alerts").stdout
