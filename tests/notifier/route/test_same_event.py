"""The incident decision as a table: reports join by concepts and place, in any language;
different places never join; without a place the wording decides."""

from __future__ import annotations

from typing import Any

import pytest

from advisorywatch.notifier.route.incident_words import Report, report_of, same_event
from advisorywatch.rules.places.extract import places_in

THRESHOLD = 0.6
BOILERPLATE = (
    "Actions to Take: Monitor local media for updates. Follow the instructions of local "
    "authorities. Review your personal security plans. Enroll in the Smart Traveler "
    "Enrollment Program to receive security updates."
)


def report(title: str, text: str = "", concepts: tuple[str, ...] = ("air_strike",)) -> Report:
    matched: list[dict[str, Any]] = [{"concept": c, "text": c} for c in concepts]
    return report_of(title, text, matched, places_in(title, text))


CASES = [
    (  # the same closure in four languages: one event
        "closure in en and id",
        report("US Embassy in Kyiv closed over potential air attack"),
        report("Kedutaan Besar AS di Kyiv ditutup karena potensi serangan udara"),
        True,
    ),
    (
        "closure in en and uk",
        report("US Embassy in Kyiv closed over potential air attack"),
        report("Посольство США в Києві зачинене через загрозу повітряної атаки"),
        True,
    ),
    (
        "closure in en and de",
        report("US Embassy in Kyiv closed over potential air attack"),
        report("US-Botschaft in Kiew wegen möglicher Luftangriffe geschlossen"),
        True,
    ),
    (  # four oblasts' air-raid alerts from one feed: four events
        "Kharkiv oblast vs Odesa oblast",
        report("Повітряна тривога в Харківській області"),
        report("Повітряна тривога в Одеській області"),
        False,
    ),
    (
        "Zaporizhzhia oblast vs Dnipropetrovsk oblast",
        report("Повітряна тривога в Запорізькій області"),
        report("Повітряна тривога в Дніпропетровській області"),
        False,
    ),
    (  # two embassy alerts sharing their boilerplate, about two cities: apart
        "boilerplate, Kyiv vs Lviv",
        report("Security Alert: U.S. Embassy Kyiv, potential air attack", BOILERPLATE),
        report("Security Alert: Lviv, air strikes hit the city", BOILERPLATE),
        False,
    ),
    (  # the same oblast, two wordings: one event
        "Kharkiv oblast in uk and ru",
        report("Повітряна тривога в Харківській області"),
        report("Воздушная тревога в Харьковской области"),
        True,
    ),
    (  # country level only when neither names a finer place
        "Ukraine and Ukraine",
        report("Air strikes across Ukraine overnight"),
        report("Luftangriffe in der Ukraine in der Nacht"),
        True,
    ),
    (
        "Kyiv vs only Ukraine",
        report("Air strike on Kyiv"),
        report("Air strikes across Ukraine overnight"),
        False,
    ),
    (
        "same place, other concepts",
        report("Air strike on Kyiv", concepts=("air_strike",)),
        report("Embassy in Kyiv closed", concepts=("embassy_closed",)),
        False,
    ),
    (  # no place: the wording decides
        "no place, similar wording",
        report(
            "Massive air strike hits the power station overnight, officials said",
            "Several districts are without electricity after missiles struck the station.",
        ),
        report(
            "Power station hit by massive air strike overnight, officials said",
            "Missiles struck the station; several districts are without electricity.",
        ),
        True,
    ),
    (
        "no place, other wording",
        report("Massive air strike hits the power station overnight, officials said"),
        report("Air strike reported, shelters open for residents"),
        False,
    ),
]


@pytest.mark.parametrize(("name", "first", "later", "joins"), CASES, ids=[c[0] for c in CASES])
def test_same_event(name: str, first: Report, later: Report, joins: bool) -> None:
    assert (same_event(later, first, THRESHOLD) > 0) is joins, (first.places, later.places)


def test_the_title_says_where_the_event_is() -> None:
    r = report("Air strikes hit Lviv", "The U.S. Embassy in Kyiv advises caution.")
    assert r.finer == {"geonames:702550"} and r.places == {"geonames:702550", "UA"}
