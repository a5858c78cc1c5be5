"""Places named in text, per language: inflected forms, other scripts, ambiguous names."""

from __future__ import annotations

import pytest

from advisorywatch.rules.places.extract import places_in

KYIV, LVIV, KHARKIV_OBLAST, ODESA_OBLAST = (
    "geonames:703448",
    "geonames:702550",
    "UA-63",
    "UA-51",
)


def codes(title: str, text: str = "") -> list[str]:
    return [p["code"] for p in places_in(title, text)]


@pytest.mark.parametrize(
    "title",
    [
        "US Embassy Kyiv closed over potential air attack",  # en
        "Kedutaan Besar AS di Kyiv ditutup karena potensi serangan udara",  # id
        "Посольство США в Києві зачинене через загрозу атаки",  # uk, locative
        "Посольство США в Киеве закрыто",  # ru, locative
        "Ambassade des États-Unis à Kiev fermée",  # fr
        "US-Botschaft in Kiew geschlossen",  # de
        "Embajada de EE. UU. en Kiev cerrada",  # es
        "Ambasciata USA a Kiev chiusa",  # it
        "Η πρεσβεία των ΗΠΑ στο Κίεβο έκλεισε",  # el
        "إغلاق السفارة الأمريكية في كييف",  # ar
        "สถานทูตสหรัฐในเคียฟปิดทำการ",  # th
        "美国驻基辅大使馆关闭",  # zh
        "Ambasada USA w Kijów zamknięta",  # pl
    ],
)
def test_kyiv_in_every_language(title: str) -> None:
    assert KYIV in codes(title)


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Повітряна тривога в Харківській області", KHARKIV_OBLAST),
        ("Воздушная тревога в Харьковской области", KHARKIV_OBLAST),
        ("Повітряна тривога: Одеська область", ODESA_OBLAST),
        ("Війська залишили Україну", "UA"),  # accusative
        ("Удары по Украине", "UA"),  # ru dative
        ("Обстріл Харкова вночі", "geonames:706483"),  # Kharkiv, genitive
        ("Вибухи у Львові", LVIV),
    ],
)
def test_inflected_forms(title: str, code: str) -> None:
    assert codes(title) == [code]


def test_the_region_not_its_city_when_the_oblast_is_named() -> None:
    assert codes("Повітряна тривога в Харківській області") == [KHARKIV_OBLAST]


@pytest.mark.parametrize("name", ["Lviv", "Lvov", "Lwów", "Lemberg", "Львів", "Львов"])
def test_one_place_under_its_names(name: str) -> None:
    assert codes(f"Explosions reported in {name} overnight") == [LVIV]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Protests in Georgia as Tbilisi braces for more", ["GE", "geonames:611717"]),
        ("Tornado warning in Atlanta, Georgia", ["geonames:4180439", "US-GA"]),
        ("Washington said it would respond to the strikes", []),
        ("Moscow warned of retaliation", []),
        ("Officials in Amman say the border is closed", ["geonames:250441"]),
        ("Michael Jordan visited the city", []),
        ("The Jordan River is low this year", []),
        ("The border with Jordan was closed on Monday", ["JO"]),
        ("Chad Smith was arrested", []),
    ],
)
def test_ambiguous_names(title: str, expected: list[str]) -> None:
    assert codes(title) == expected


def test_case_tells_a_word_from_a_name_where_the_text_is_cased() -> None:
    assert codes("a nice day, then a split decision") == []
    assert codes("Strike reported in Nice this morning") == ["geonames:2990440"]


def test_title_places_come_first_and_say_where() -> None:
    found = places_in("Air strike on Kherson", "Officials in Kyiv confirmed the strike on Kherson.")
    assert [(p["code"], p["in"]) for p in found] == [
        ("geonames:706448", "title"),
        (KYIV, "text"),
    ]
    assert found[1]["label"] == "Kyiv, Ukraine"
