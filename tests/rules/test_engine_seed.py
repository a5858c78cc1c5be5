"""Rule matching on the seed article and near misses."""

from __future__ import annotations

import pytest

from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.engine import RuleEngine

from conftest import FIXTURES

SEED = (FIXTURES / "news_id_suarathailand_kyiv_embassy_closure_2024-11-20_seed.txt").read_text(
    encoding="utf-8"
)


def _engine(**rule: object) -> RuleEngine:
    return RuleEngine([RuleConfig(name="r", notify=["console"], **rule)])  # type: ignore[arg-type]


def _concepts(text: str, *concepts: str) -> set[str]:
    engine = RuleEngine([RuleConfig(name=c, concepts=[c], notify=["console"]) for c in concepts])
    return {m.rule.name for m in engine.evaluate("s", {"title": "", "text": text})}


def test_seed_article_matches_the_three_concepts() -> None:
    title, _, body = SEED.partition("\n")
    engine = RuleEngine(
        [
            RuleConfig(name=c, concepts=[c], notify=["console"])
            for c in ("air_strike", "embassy_closed", "shelter_in_place")
        ]
    )
    matches = {m.rule.name: m for m in engine.evaluate("s", {"title": title, "text": body})}
    assert set(matches) == {"air_strike", "embassy_closed", "shelter_in_place"}
    air = matches["air_strike"].hits[0]
    assert (air.concept, air.language, air.matched) == ("air_strike", "id", "serangan udara")
    assert "**serangan udara**" in air.snippet


@pytest.mark.parametrize(
    "text",
    [
        "Air strike on the port",
        "an AIRSTRIKE was reported",
        "air-strike warning",
        "air\u00a0strike",
        "air\u00adstrike overnight",
    ],
)
def test_keyword_variants_match(text: str) -> None:
    assert _engine(keywords=["air strike"]).evaluate("s", {"title": text, "text": ""})


@pytest.mark.parametrize(
    "text",
    [
        "Hair strike salon opens",
        "The airstrip reopened",
        "Air France cabin crew strike",
        "serangan jantung",
        "kualitas udara buruk",
    ],
)
def test_near_misses_do_not_match(text: str) -> None:
    assert _concepts(text, "air_strike") == set()
    assert not _engine(keywords=["air strike"]).evaluate("s", {"title": text, "text": ""})


def test_fields_and_sources_limit_a_rule() -> None:
    engine = _engine(keywords=["curfew"], fields=["title"], sources=["a"])
    assert engine.evaluate("a", {"title": "Curfew declared", "text": ""})
    assert not engine.evaluate("a", {"title": "News", "text": "curfew declared"})
    assert not engine.evaluate("b", {"title": "Curfew declared", "text": ""})
