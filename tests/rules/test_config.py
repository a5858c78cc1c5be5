"""Rules in config.yaml: config-defined concepts, any/all/none, context, all-clear severity,
source tags, and validation messages that name the rule and the regex."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisorywatch.config import Config, ConfigError, parse_config
from advisorywatch.rules.engine import RuleEngine, RuleMatch

SOURCES = """\
sources:
  - {name: embassy, type: feed, url: "http://127.0.0.1:1/a.xml", tags: [embassy, ukraine]}
  - {name: news, type: feed, url: "http://127.0.0.1:1/b.xml", tags: [news]}
"""


def _config(body: str, tmp_path: Path) -> Config:
    return parse_config(SOURCES + body, tmp_path / "config.yaml")


def _problems(body: str, tmp_path: Path) -> str:
    with pytest.raises(ConfigError) as exc:
        _config(body, tmp_path)
    return "\n".join(exc.value.problems)


def _fire(config: Config, text: str, source: str = "news") -> dict[str, RuleMatch]:
    engine = RuleEngine(config.rules, config.concepts, config.source_tags)
    return {m.rule.name: m for m in engine.evaluate(source, {"title": "", "text": text})}


def test_config_defines_a_concept_and_extends_a_built_in_one(tmp_path: Path) -> None:
    config = _config(
        """
concepts:
  port_closed: {terms: {en: ["port closed"], de: ["hafen geschlossen"]}, severity: warning}
  air_strike: {terms: {en: ["airstrike wave"]}}
rules:
  - {name: port, concepts: [port_closed], notify: [console]}
  - {name: air, concepts: [air_strike], notify: [console]}
""",
        tmp_path,
    )
    fired = _fire(config, "The PORT CLOSED after an airstrike wave; Hafen geschlossen.")
    assert {h.matched for h in fired["port"].hits} == {"PORT CLOSED", "Hafen geschlossen"}
    assert {h.language for h in fired["port"].hits} == {"en", "de"}
    assert [h.matched for h in fired["air"].hits] == ["airstrike wave"]
    assert "air" in _fire(config, "serangan udara di Kyiv")  # built-in terms are still there


def test_config_guards_drop_the_hits_they_overlap(tmp_path: Path) -> None:
    config = _config(
        """
concepts:
  air_strike: {guards: {en: ["air strike drill"], zh: ["空袭演练"]}}
rules:
  - {name: air, concepts: [air_strike], notify: [console]}
""",
        tmp_path,
    )
    assert _fire(config, "Schools held an air strike drill on Monday") == {}
    assert _fire(config, "全市举行空袭演练") == {}
    assert "air" in _fire(config, "An air strike hit the depot")
    assert "air" in _fire(config, "以军发动空袭")


def test_any_all_none(tmp_path: Path) -> None:
    config = _config(
        """
rules:
  - {name: any, concepts: [air_strike, embassy_closed], notify: [console]}
  - {name: both, all: [air_strike, embassy_closed], notify: [console]}
  - {name: not-cleared, concepts: [air_raid_alert], none: [all_clear], notify: [console]}
""",
        tmp_path,
    )
    assert set(_fire(config, "An air strike hit the city.")) == {"any"}
    assert set(_fire(config, "After the air strike the embassy is closed.")) == {"any", "both"}
    assert set(_fire(config, "Air raid alert in Kyiv.")) == {"not-cleared"}
    assert _fire(config, "Air alert in Kyiv. All clear at 05:10.") == {}


def test_all_clear_lowers_severity(tmp_path: Path) -> None:
    config = _config(
        """
rules:
  - name: kyiv-alerts
    concepts: [air_raid_alert, all_clear]
    severity: critical
    notify: [console]
""",
        tmp_path,
    )
    assert _fire(config, "Повітряна тривога у Києві")["kyiv-alerts"].severity == "critical"
    cleared = _fire(config, "Відбій повітряної тривоги у Києві")["kyiv-alerts"]
    assert cleared.severity == "info"
    assert cleared.concepts == ["all_clear"]


def test_a_lowering_concept_lowers_the_rules_of_what_it_lowers_without_being_named(
    tmp_path: Path,
) -> None:
    config = _config(
        """
concepts:
  port_closed: {terms: {en: ["port closed"]}, severity: warning}
  port_reopened: {terms: {en: ["port reopened"]}, severity: info, lowers: [port_closed]}
rules:
  - {name: embassy, concepts: [embassy_closed], severity: critical, notify: [console]}
  - {name: evacuation, concepts: [evacuation], severity: critical, notify: [console]}
  - {name: attack, concepts: [air_strike, evacuation], severity: critical, notify: [console]}
  - {name: port, concepts: [port_closed], keywords: [harbour], notify: [console]}
""",
        tmp_path,
    )
    reopened = _fire(config, "The embassy reopened three months after closing.")
    assert {n: m.severity for n, m in reopened.items()} == {"embassy": "info"}
    assert reopened["embassy"].concepts == ["embassy_closed", "embassy_reopened"]
    lifted = _fire(config, "The State Department has lifted the ordered departure in Kyiv.")
    assert {n: m.severity for n, m in lifted.items()} == {"evacuation": "info", "attack": "info"}
    # a concept the lowering one does not lower keeps the rule's severity
    both = _fire(config, "An air strike hit Kyiv; the ordered departure was lifted.")
    assert both["attack"].severity == "critical" and both["evacuation"].severity == "info"
    # alone, a lowering concept no rule names raises nothing
    assert _fire(config, "The embassy in Beirut has reopened.") == {}
    assert _fire(config, "The port reopened after the port closed.")["port"].severity == "info"
    # a keyword hit is never lowered
    assert _fire(config, "Harbour: the port reopened.")["port"].severity == "warning"
    problem = _problems(
        "concepts:\n  port_reopened: {terms: {en: [x]}, lowers: [port_close]}\n"
        "rules:\n  - {name: p, concepts: [port_reopened], notify: [console]}\n",
        tmp_path,
    )
    assert "concepts.port_reopened.lowers: unknown concept 'port_close'" in problem


def test_the_shipped_lowering_concepts_give_one_info_alert_per_reopening(tmp_path: Path) -> None:
    """The shipped rules name each lowering concept in one rule only: no duplicate alerts."""
    config = parse_config(
        (Path(__file__).parents[2] / "config.yaml").read_text("utf-8"), tmp_path / "c.yaml"
    )
    engine = RuleEngine(config.rules, config.concepts)
    for text in (
        "The U.S. Embassy in Kyiv has reopened after the evacuation in February.",
        "Відбій повітряної тривоги у Києві.",
        "The State Department has lifted the ordered departure for Beirut.",
    ):
        fired = engine.evaluate(None, {"title": "", "text": text})
        assert [m.severity for m in fired] == ["info"], (text, fired)


def test_context_needed_concept_fires_only_with_another(tmp_path: Path) -> None:
    config = _config(
        """
rules:
  - {name: r, concepts: [shelling_explosion], keywords: [kyiv], notify: [console]}
""",
        tmp_path,
    )
    text = "Explosions were heard overnight."
    assert _fire(config, text) == {}
    assert set(_fire(config, text + " Kyiv")) == {"r"}
    problem = _problems(
        "rules:\n  - {name: lonely, concepts: [shelling_explosion], notify: [console]}\n",
        tmp_path,
    )
    assert "rule 'lonely': shelling_explosion only fire(s) together with another" in problem


def test_keywords_regexes_fields_sources_and_tags(tmp_path: Path) -> None:
    config = _config(
        """
rules:
  - {name: kw, keywords: ["ordered departure"], tags: [embassy], notify: [console]}
  - {name: rx, regexes: ['level\\s+4\\b'], fields: [title], sources: [news], notify: [console]}
""",
        tmp_path,
    )
    engine = RuleEngine(config.rules, config.concepts, config.source_tags)

    def names(source: str, title: str, text: str) -> set[str]:
        return {m.rule.name for m in engine.evaluate(source, {"title": title, "text": text})}

    assert names("embassy", "", "Ordered departures of staff") == {"kw"}
    assert names("news", "", "Ordered departure of staff") == set()  # no 'embassy' tag
    assert names("news", "Ukraine - LEVEL 4: Do Not Travel", "") == {"rx"}
    assert names("news", "", "Ukraine - Level 4") == set()  # text, not title
    assert names("embassy", "Level 4", "") == set()  # another source


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "rules:\n  - {name: r, concepts: [air_strikes], notify: [console]}\n",
            "rule 'r' uses unknown concept 'air_strikes' in 'concepts'; did you mean 'air_strike'? "
            "(built-in: air_raid_alert,",
        ),
        (
            "rules:\n  - {name: r, concepts: [air_strike], none: [nope], notify: [console]}\n",
            "rule 'r' uses unknown concept 'nope' in 'none'",
        ),
        (
            "rules:\n  - {name: bad-rx, regexes: ['air (strike'], notify: [console]}\n",
            "config.yaml:5: rules[0].regexes[0]: bad regex 'air (strike': missing ),",
        ),
        (
            "concepts:\n  port: {patterns: {en: ['port [closed']}}\n"
            "rules:\n  - {name: r, concepts: [port], notify: [console]}\n",
            "config.yaml:5: concepts.port.patterns.en[0]: bad regex 'port [closed': unterminated",
        ),
        (
            "concepts:\n  port: {severity: warning}\n"
            "rules:\n  - {name: r, concepts: [port], notify: [console]}\n",
            "a new concept needs 'terms', 'stems' or 'patterns'",
        ),
        (
            "concepts:\n  air_strike: {guards: {en: ['']}}\n"
            "rules:\n  - {name: r, concepts: [air_strike], notify: [console]}\n",
            "guards.en: entries must not be empty strings",
        ),
        (
            "rules:\n  - {name: r, concepts: [air_strike], tags: [nope], notify: [console]}\n",
            "rule 'r' names tag 'nope' that no source has",
        ),
    ],
)
def test_validation_messages(body: str, message: str, tmp_path: Path) -> None:
    assert message in _problems(body, tmp_path)


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
    assert "config.yaml:7: " in problems and expected in problems, problems


def test_a_channel_place_is_checked_too(tmp_path: Path) -> None:
    body = (
        "rules: [{name: r, concepts: [air_strike], notify: [kyiv]}]\n"
        "channels:\n  kyiv:\n    urls: ['console://']\n    places: [Kyyv]\n"
    )
    problems = _problems(body, tmp_path)
    assert "config.yaml:8: channels.kyiv.places: unknown place 'Kyyv' (did you mean 'Kyiv'?)" in (
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


def test_a_config_adds_item_excludes_to_a_built_in_concept(tmp_path: Path) -> None:
    config = _config(
        r"""
concepts:
  missile_attack: {exclude_item: {en: ['\bhoax\b']}}
rules:
  - {name: attack, concepts: [missile_attack], notify: [console]}
""",
        tmp_path,
    )
    text = "A missile attack on the port was reported overnight. " * 3
    assert set(_fire(config, text)) == {"attack"}
    assert _fire(config, text + "The ministry called the report a hoax.") == {}
    problem = _problems(
        "concepts:\n  missile_attack: {exclude_item: {en: ['(unclosed']}}\n"
        "rules:\n  - {name: a, concepts: [missile_attack], notify: [console]}\n",
        tmp_path,
    )
    assert "exclude_item" in problem and "(unclosed" in problem
