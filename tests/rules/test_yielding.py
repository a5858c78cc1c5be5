"""A concept that yields to a more specific one (``yields_to``): ``air_strike`` gives way to
``missile_attack`` and ``drone_attack`` when they name the same attack, and keeps its own
separate evidence; a yield never leaves an event without an alert."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisorywatch.config import Config, ConfigError, parse_config
from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.engine import RuleEngine
from advisorywatch.rules.lexicon import load_concept

ATTACK = RuleConfig(
    name="attack", concepts=["air_strike", "missile_attack", "drone_attack"], notify=["console"]
)


def _concepts(engine: RuleEngine, text: str, title: str = "") -> dict[str, list[str]]:
    return {m.rule.name: m.concepts for m in engine.evaluate("s", {"title": title, "text": text})}


def test_the_lexicon_declares_it() -> None:
    assert load_concept("air_strike").yields_to == ("missile_attack", "drone_attack")
    assert load_concept("missile_attack").yields_to == ()


@pytest.mark.parametrize(
    "text",
    [
        "Russia launched an air attack with Shahed drones on Odesa overnight.",
        "Serangan udara dengan drone menghantam pelabuhan Odesa pada malam hari.",
        "Повітряна атака ударними дронами тривала всю ніч.",
        "Luftangriff mit Drohnen auf Odessa in der Nacht.",
    ],
)
def test_an_air_attack_named_by_its_weapon_is_that_weapons(text: str) -> None:
    assert _concepts(RuleEngine([ATTACK]), text) == {"attack": ["drone_attack"]}


def test_a_combined_strike_with_missiles_and_drones_is_both() -> None:
    text = "Росія завдала комбінованого удару ракетами та дронами по Києву."
    assert _concepts(RuleEngine([ATTACK]), text) == {"attack": ["drone_attack", "missile_attack"]}


@pytest.mark.parametrize(
    "text",
    [
        "Israeli air strikes and rocket attacks were reported across the north.",
        "Serangan udara dan serangan rudal menghantam Kharkiv.",
        "Luftangriffe und Raketenangriffe erschütterten Charkiw.",
        "غارات جوية وهجمات صاروخية على المدينة.",  # "and" written on the next word
        # another clause, another attack
        "An aerial bombardment hit the port at dawn; hours later drone attacks struck it again.",
    ],
)
def test_separate_evidence_keeps_the_air_strike(text: str) -> None:
    assert "air_strike" in _concepts(RuleEngine([ATTACK]), text)["attack"]


def test_a_repeated_phrase_may_be_a_second_attack() -> None:
    text = (
        "Russia launched an air attack with Shahed drones on Odesa. Hours later an air attack"
        " by fighter jets hit Kharkiv."
    )
    assert _concepts(RuleEngine([ATTACK]), text) == {"attack": ["air_strike", "drone_attack"]}


def test_a_headline_yields_when_the_text_names_the_weapon() -> None:
    engine = RuleEngine([ATTACK])
    named = _concepts(engine, "The air attack with drones damaged homes.", "Air attack on Dnipro")
    assert named == {"attack": ["drone_attack"]}
    # the text's air attack stands alone: so does the headline's
    alone = _concepts(engine, "The air attack damaged homes in two districts.", "Air attack")
    assert alone == {"attack": ["air_strike"]}


def test_two_rules_one_alert_for_one_attack() -> None:
    rules = [
        RuleConfig(name="air", concepts=["air_strike"], notify=["console"]),
        RuleConfig(name="drones", concepts=["drone_attack"], notify=["console"]),
    ]
    text = "Russia launched an air attack with Shahed drones on Odesa overnight."
    assert _concepts(RuleEngine(rules), text) == {"drones": ["drone_attack"]}


def test_a_yield_never_silences_the_event() -> None:
    text = "Russia launched an air attack with Shahed drones on Odesa overnight."
    # nothing reports the drones: the air strike alerts
    air = RuleConfig(name="air", concepts=["air_strike"], notify=["console"])
    assert _concepts(RuleEngine([air]), text) == {"air": ["air_strike"]}
    # the drone rule watches other sources only
    drones = RuleConfig(name="drones", concepts=["drone_attack"], tags=["t"], notify=["console"])
    engine = RuleEngine([air, drones], source_tags={"other": ["t"]})
    assert _concepts(engine, text) == {"air": ["air_strike"]}
    # the one rule that reports the drones needs the air strike too: nothing is dropped
    both = RuleConfig(name="both", all=["air_strike", "drone_attack"], notify=["console"])
    assert _concepts(RuleEngine([air, both]), text) == {
        "air": ["air_strike"],
        "both": ["air_strike", "drone_attack"],
    }


def _config(body: str, tmp_path: Path) -> Config:
    return parse_config(
        'sources:\n  - {name: s, type: feed, url: "http://127.0.0.1:1/a.xml"}\n' + body,
        tmp_path / "config.yaml",
    )


def test_a_config_concept_may_yield(tmp_path: Path) -> None:
    config = _config(
        """
concepts:
  raid: {terms: {en: ["raid"], ko: ["폭격"]}, yields_to: [rocket_fire]}
  rocket_fire: {terms: {en: ["rocket fire"], ko: ["로켓 공격"]}}
rules:
  - {name: r, concepts: [raid, rocket_fire], notify: [console]}
""",
        tmp_path,
    )
    engine = RuleEngine(config.rules, config.concepts)
    assert _concepts(engine, "A raid by rocket fire hit the town.") == {"r": ["rocket_fire"]}
    assert _concepts(engine, "A raid, then rocket fire.") == {"r": ["raid", "rocket_fire"]}
    assert _concepts(engine, "로켓 공격 이후 폭격이 이어졌다.") == {"r": ["rocket_fire"]}
    # the particle 과 joins two attacks
    assert _concepts(engine, "폭격과 로켓 공격이 이어졌다.") == {"r": ["raid", "rocket_fire"]}
    with pytest.raises(ConfigError) as exc:
        _config(
            "concepts:\n  raid: {terms: {en: [raid]}, yields_to: [rockets]}\n"
            "rules:\n  - {name: r, concepts: [raid], notify: [console]}\n",
            tmp_path,
        )
    assert "concepts.raid.yields_to: unknown concept 'rockets'" in "\n".join(exc.value.problems)
