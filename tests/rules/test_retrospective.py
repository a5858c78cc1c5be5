"""Retrospectives dated by an old year: a text that names only years long past is history, and
its alert is lowered to info; a comparison ("since 2014") or one recent year keeps it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from advisorywatch.config import ConfigError, parse_config
from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.engine import RuleEngine
from advisorywatch.rules.retrospective import dated_long_ago, gregorian

RULE = RuleConfig(
    name="raids", concepts=["air_strike", "air_raid_alert", "embassy_closed"], notify=["console"]
)
IN_2026 = datetime(2026, 6, 1, tzinfo=UTC)


def _dated(text: str, reference: int = 2026, years: int = 15) -> int | None:
    return dated_long_ago({"title": "", "text": text}, reference, years)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("On 11 January 1944 the sirens sounded over Piraeus.", 1944),
        ("Entre le 13 et le 15 février 1945, 4000 tonnes de bombes tombent sur Dresde.", 1945),
        ("9 июля 1941 года самолёт сбросил бомбу на очередь у магазина.", 1941),
        ("2008 წლის 7 აგვისტოს დაიწყო ქალაქების დაბომბვა.", 2008),
        ("Στις 11 Ιανουαρίου 1944 ήχησαν οι σειρήνες.", 1944),
        ("بمباران شهر در سال ۱۹۴۴ هزاران کشته داشت.", 1944),  # Persian digits
        ("Tối 18/12/1972 còi báo động phòng không vang lên.", 1972),
        ("１９４４年、空襲警報が鳴った。", 1944),  # full-width digits
        ("शहर पर १९७१ में हवाई हमला हुआ था।", 1971),  # Devanagari digits
        ("ในระหว่างสงครามโลกครั้งที่ 2 ปี 2487 กรุงเทพฯ ถูกทิ้งระเบิด", 1944),  # Buddhist era
        ("From 1941 to 1945 the city was bombed again and again.", 1945),
    ],
)
def test_a_text_dated_only_by_old_years_is_a_retrospective(text: str, year: int) -> None:
    assert _dated(text) == year


@pytest.mark.parametrize(
    "text",
    [
        "The deadliest strike since 2014 hit the port overnight.",
        "The embassy, closed since 2012, suspended its remaining consular services.",
        "Les frappes les plus meurtrières depuis 1945 ont touché la ville.",
        "Der schwerste Luftangriff seit dem Jahr 1945.",
        "Самый массированный удар с 2014 года.",
        "Najcięższy atak od 2014 roku.",
        "أعنف غارة منذ عام 2014 على المدينة",
        "2014'ten bu yana en ağır hava saldırısı.",
        "空袭是2014年以来最严重的一次。",
        "2014년 이후 최악의 공습.",
        "Cuộc không kích tồi tệ nhất kể từ năm 2014.",
        # one recent year keeps a text with old ones current
        "On 3 March 2026 the sirens sounded, as they had in 1944.",
        # no year at all, a Persian solar and a Hijri year are no Gregorian old years
        "Missile attack and drone strikes overnight.",
        "حمله هوایی به تهران در ۱۴۰۳",
        "غارة جوية في رمضان 1447 هـ",
        # a number that is no year
        "Bombs of 4000 tonnes.",
        "Die Explosion tötete 1.944 Menschen.",
        # a plan is current news
        "Air strikes in 1999 and a rebuilding plan until 2030.",
    ],
)
def test_a_comparison_a_recent_year_or_no_year_is_current_news(text: str) -> None:
    assert _dated(text) is None


def test_long_past_is_counted_from_the_reference_year() -> None:
    text = "Air strikes on Baghdad on 17 January 1991."
    assert _dated(text, reference=2026) == 1991
    assert _dated(text, reference=1995) is None  # news when it was published
    assert _dated(text, reference=2026, years=40) is None
    assert gregorian(2567) == 2024 and gregorian(1944) == 1944


def test_the_engine_lowers_a_retrospective_to_info_and_names_the_year() -> None:
    engine = RuleEngine([RULE])
    fields = {"title": "", "text": "On 11 January 1944 the sirens sounded and an air raid hit."}
    (m,) = engine.evaluate("s", fields, IN_2026)
    assert (m.severity, m.dated, m.concepts) == ("info", 1944, ["air_raid_alert"])
    (then,) = engine.evaluate("s", fields, datetime(1944, 1, 12))  # naive: read as UTC
    assert (then.severity, then.dated) == ("warning", None)
    (now,) = engine.evaluate("s", fields)  # no publication date: the matching time
    assert (now.severity, now.dated) == ("info", 1944)
    (ahead,) = engine.evaluate("s", fields, datetime(2999, 1, 1, tzinfo=UTC))  # bogus: now
    assert ahead.dated == 1944


def test_a_bogus_old_publication_date_does_not_hide_the_current_year() -> None:
    text = "An air strike hit the city on 3 March 2026, as on 17 May 1950."
    (m,) = RuleEngine([RULE]).evaluate(
        "s", {"title": "", "text": text}, datetime(1970, 1, 1, tzinfo=UTC)
    )
    assert (m.severity, m.dated) == ("warning", None)


@pytest.mark.parametrize(
    "text",
    [
        "The deadliest air strike since 2014 hit the city.",
        "The embassy, closed since 2012, has been closed again.",
        "空袭是2014年以来最严重的",
    ],
)
def test_the_engine_keeps_current_news_that_compares_with_the_past(text: str) -> None:
    (m,) = RuleEngine([RULE]).evaluate("s", {"title": "", "text": text}, IN_2026)
    assert (m.severity, m.dated) == ("warning", None)


def test_a_rule_can_turn_the_guard_off() -> None:
    rule = RuleConfig(
        name="history",
        concepts=["air_raid_alert"],
        retrospective_years=None,
        notify=["console"],
    )
    fields = {"title": "", "text": "On 11 January 1944 the sirens sounded and an air raid hit."}
    (m,) = RuleEngine([rule]).evaluate("s", fields, IN_2026)
    assert (m.severity, m.dated) == ("warning", None)


def test_retrospective_years_must_be_positive() -> None:
    config = """
sources: [{name: news, type: feed, url: "http://127.0.0.1:1/feed.xml"}]
rules:
  - {name: raids, concepts: [air_strike], retrospective_years: 0, notify: [console]}
"""
    with pytest.raises(ConfigError, match=r"config\.yaml:4: .*retrospective_years") as exc:
        parse_config(config, Path("config.yaml"))
    assert "greater than or equal to 1" in str(exc.value)
