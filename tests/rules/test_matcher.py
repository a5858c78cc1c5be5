"""The matcher's guards (compounds that change a term's meaning) and gated excludes."""

from __future__ import annotations

import pytest

from advisorywatch.rules.matcher import ConceptMatcher, Target


def _matched(target: Target, text: str) -> list[str]:
    return [h.matched for h in ConceptMatcher([target]).find({"text": text})]


AIR = Target(
    "air_strike",
    terms={"zh": ["空袭"], "vi": ["không kích"]},
    guards={"zh": ["防空袭"], "vi": ["không kích hoạt"]},
)


def test_a_guard_drops_the_hit_it_overlaps() -> None:
    assert _matched(AIR, "以军对加沙发动空袭") == ["空袭"]
    assert _matched(AIR, "全市举行防空袭演练") == []
    assert _matched(AIR, "Nga mở cuộc không kích vào Kiev") == ["không kích"]
    assert _matched(AIR, "Hệ thống không kích hoạt được") == []  # "did not activate"


def test_a_guard_drops_only_what_it_overlaps() -> None:
    assert _matched(AIR, "防空袭演练结束后,敌机发动空袭") == ["空袭"]


def test_a_guard_overlapping_a_term_partly_drops_it() -> None:
    siren = Target("air_raid_alert", terms={"zh": ["防空警报"]}, guards={"zh": ["警报试鸣"]})
    assert _matched(siren, "今天上午10时防空警报试鸣") == []
    assert _matched(siren, "乌克兰多地拉响防空警报") == ["防空警报"]


@pytest.mark.parametrize(
    ("target", "text", "hit", "guarded"),
    [
        (  # a pattern's hit is dropped too
            Target(
                "air_raid_alert",
                terms={"he": ["צבע אדום"]},
                patterns={"he": [r"צבע\s+אדום\s+הופעל"]},
                guards={"he": ["בצבע אדום"]},
            ),
            "התרעת צבע אדום הופעלה בשדרות",
            "צבע אדום",
            "הקיר נצבע בצבע אדום הופעל",
        ),
        (  # a Serbian term and guard, each in either script
            Target("evacuation", terms={"sr": ["evakuacija"]}, guards={"sr": ["вежба евакуације"]}),
            "Почела евакуација из Кијева",
            "евакуација",
            "Održana vežba evakuacije u školi",
        ),
    ],
)
def test_guards_of_patterns_and_of_either_script(
    target: Target, text: str, hit: str, guarded: str
) -> None:
    assert _matched(target, text) == [hit]
    assert _matched(target, guarded) == []


def test_an_exclude_with_a_literal_vetoes_only_where_its_literal_stands() -> None:
    alert = Target(
        "air_raid_alert",
        terms={"en": ["air raid siren"]},
        exclude={"en": [r"\bdrills?\b", r"\b\d{4}\b"]},  # the second has no literal: always runs
    )
    assert _matched(alert, "An air raid siren sounded over the port") == ["air raid siren"]
    assert _matched(alert, "An air raid siren sounded during the drill") == []
    assert _matched(alert, "In 1944 an air raid siren sounded") == []
    far = "An air raid siren sounded. " + "Nothing else happened here. " * 6 + "A fire drill."
    assert _matched(alert, far) == ["air raid siren"]  # the drill is out of reach


WARNING = Target(
    "missile_attack",
    terms={"en": ["incoming missile"]},
    exclude={"en": [r"\bsiren tests?\b"]},
    exclude_item={"en": [r"\bfalse alarms?\b"]},
)
SIREN = Target("air_raid_alert", terms={"en": ["air raid sirens"]})
_FILLER = "Residents were told to stay indoors while officials checked the reports. " * 3


def test_an_item_exclude_vetoes_the_concept_anywhere_in_the_item() -> None:
    matcher = ConceptMatcher([WARNING, SIREN])
    far = f"An incoming missile warning reached every phone. {_FILLER}It was a false alarm."
    assert [h.concept for h in matcher.find({"text": far})] == []
    # a title far from the text's end, and a text far from its title's
    later = {
        "title": "Incoming missile warning",
        "text": f"{_FILLER}A false alarm, the agency said.",
    }
    assert matcher.find(later) == []
    assert matcher.find({"title": "False alarm", "text": f"{_FILLER}An incoming missile."}) == []
    # the other concepts of the item keep their hits
    sirens = f"Air raid sirens sounded and an incoming missile was reported. {_FILLER}False alarm."
    assert [h.concept for h in matcher.find({"text": sirens})] == ["air_raid_alert"]
    assert [h.matched for h in matcher.find({"text": far.replace("false", "real")})] == [
        "incoming missile"
    ]


def test_a_hit_exclude_reaches_only_its_neighbourhood() -> None:
    near = "An incoming missile, the weekly siren test said."
    assert _matched(WARNING, near) == []
    assert _matched(WARNING, f"An incoming missile. {_FILLER}The weekly siren test is on Monday.")
