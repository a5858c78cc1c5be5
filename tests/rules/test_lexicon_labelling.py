"""Issue 14: the two labelling rules of bench/README.md ("Two labelling rules", branch drillneg),
checked on sentences of our own in several languages, and warnings of an air attack (item 3).

(a) An embassy closed to the public for an unscheduled reason (an epidemic, disinfection, a
case among staff) is embassy_closed; a scheduled holiday closure is not.
(b) A declared missile or drone danger is air_raid_alert, not missile_attack or drone_attack,
unless the text reports the strike itself."""

from __future__ import annotations

import pytest

from .test_languages import fired

HEALTH_CLOSURES = [
    "The embassy will be closed to the public until Friday for disinfection after a staff "
    "member tested positive for COVID-19.",
    "أغلقت السفارة أبوابها يومين لإجراء أعمال تعقيم بعد إصابة أحد الموظفين بفيروس كورونا.",
    "L'ambassade est fermée au public jusqu'à nouvel ordre en raison de l'épidémie.",
    "Посольство закрыто для посетителей на дезинфекцию после случая коронавируса среди "
    "сотрудников.",
    "Die Botschaft bleibt wegen eines Corona-Falls unter den Mitarbeitern bis Montag geschlossen.",
    "La embajada permanecerá cerrada al público por desinfección.",
    "Kedutaan Besar ditutup sementara untuk disinfeksi setelah staf positif Covid-19.",
    "Büyükelçilik dezenfeksiyon nedeniyle halka kapalı olacak.",
    "大使馆因新冠疫情暂停对外办公。",
]

DECLARED_DANGERS = [
    # (language, text): an alert for a danger, no launch, flight, explosion or hit reported
    ("ru", "“Внимание. Ракетная опасность”, – написала глава города."),
    ("ru", "В Белгороде объявлена беспилотная опасность."),
    ("ru", "Для региона объявлена угроза ракетного удара."),
    ("ru", "В регионе объявлена угроза атаки БПЛА."),
    ("uk", "Повітряна тривога: ракетна небезпека в Київській області."),
    ("uk", "У Києві оголошено загрозу ракетного удару."),
    ("uk", "В області оголошено загрозу застосування ударних БпЛА."),
    ("uk", "У Києві оголошено повітряну тривогу через загрозу атаки безпілотників."),
    ("uk", "Повітряні сили: загроза застосування ударних БпЛА."),
    ("ru", "Угроза применения ударных БПЛА по Курской области."),
    ("en", "Missile danger declared in Kharkiv; residents told to shelter."),
    ("en", "A missile threat was declared in Haifa."),
    ("sr", "Proglašena je opasnost od raketnog napada u Kijevu."),
    ("sr", "Проглашена је опасност од ракетног напада."),
    ("hr", "Proglašena je opasnost od zračnog napada u Lavovu."),
    ("pl", "Wojewoda ogłosił zagrożenie atakiem dronów."),
    ("pl", "Powiat ogłosił zagrożenie atakiem rakietowym."),
]

ADVICE = [
    # "in case of a threat": standing advice, no alert
    "У разі загрози застосування БпЛА йдіть в укриття.",
    "При угрозе применения БПЛА следует укрыться.",
]

STRIKES = [
    # (concept, text): the strike itself is reported
    ("missile_attack", "Росія завдала ракетного удару по Києву."),
    ("missile_attack", "Ракетные удары по Харькову: есть погибшие."),
    ("missile_attack", "Увага! Ракета летить на Одеську область."),
    ("missile_attack", "Russia launched a missile attack on Kyiv overnight."),
    ("missile_attack", "Rosja przeprowadziła atak rakietowy na Lwów."),
    ("drone_attack", "Sirens in Kyiv due to the threat of drones; later drones hit a power plant."),
]


@pytest.mark.parametrize("text", HEALTH_CLOSURES)
def test_an_unscheduled_health_closure_is_an_embassy_closure(text: str) -> None:
    assert "embassy_closed" in fired(text), text


def test_a_holiday_closure_is_not() -> None:
    text = "The embassy will be closed on Monday for Presidents' Day."
    assert "embassy_closed" not in fired(text)


@pytest.mark.parametrize(("lang", "text"), DECLARED_DANGERS)
def test_a_declared_danger_is_an_air_raid_alert_not_the_attack(lang: str, text: str) -> None:
    concepts = fired(text)
    assert "air_raid_alert" in concepts, (lang, text)
    assert not {"missile_attack", "drone_attack"} & concepts.keys(), (lang, text, concepts)


@pytest.mark.parametrize(("concept", "text"), STRIKES)
def test_a_reported_strike_is_still_the_attack(concept: str, text: str) -> None:
    assert concept in fired(text), text


@pytest.mark.parametrize("text", ADVICE)
def test_advice_for_a_threat_is_no_alert(text: str) -> None:
    assert "air_raid_alert" not in fired(text), text


# A warning or siren *for* an air attack is an alert, not the strike; the strike itself still is.
AIR_ATTACK_WARNINGS = [
    ("sr", "Упозорења на ваздушни напад оглашена су у Лавову."),
    ("hr", "Građani Zagreba bili su pod upozorenjima za zračni napad dva sata."),
    ("ko", "부산 전역에 공중공격 경보 사이렌이 울렸다."),
    ("ka", "თბილისში საჰაერო თავდასხმის გაფრთხილება გამოცხადდა."),
    ("es", "La embajada alerta ataque aéreo inminente en Kiev."),
]

AIR_STRIKES = [
    ("sr", "Ваздушни напад на Харков однео је животе."),
    ("hr", "Zračni napad pogodio je Harkiv, ima mrtvih."),
    ("ko", "하르키우에 공중공격이 가해져 5명이 숨졌다."),
    ("ka", "ხარკოვზე საჰაერო თავდასხმა განხორციელდა."),
    ("es", "Un ataque aéreo destruyó un hospital en Járkov."),
]


@pytest.mark.parametrize(("lang", "text"), AIR_ATTACK_WARNINGS)
def test_a_warning_of_an_air_attack_is_no_air_strike(lang: str, text: str) -> None:
    assert "air_strike" not in fired(text), (lang, text)


@pytest.mark.parametrize(("lang", "text"), AIR_STRIKES)
def test_the_air_strike_itself_still_is(lang: str, text: str) -> None:
    assert "air_strike" in fired(text), (lang, text)
