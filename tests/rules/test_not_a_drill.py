"""Issue 14: "this is not a drill" affirms an alert. The drill, test and exercise excludes
skip a drill word right after a negation (in every language's negations: an exclude runs on
text in all languages), and still quiet a real drill."""

from __future__ import annotations

import pytest

from .test_languages import fired

AFFIRMED = [
    # (language, concept, text)
    ("en", "air_raid_alert", "Air raid alert in Odesa. This is not a drill."),
    ("en", "air_raid_alert", "Sirens sounded in the city. This is not a test."),
    ("ru", "air_raid_alert", "Воздушная тревога в Одессе. Это не учения."),
    ("fr", "air_raid_alert", "Alerte aérienne sur Odessa. Ce n'est pas un exercice."),
    ("es", "air_raid_alert", "Alerta aérea en Odesa. No es un simulacro."),
    ("it", "air_raid_alert", "Allarme aereo su Odessa. Non è un'esercitazione."),
    ("pl", "air_raid_alert", "Ogłoszono alarm przeciwlotniczy w Odessie. To nie są ćwiczenia."),
    ("pt", "air_raid_alert", "Alerta aéreo em Odessa. Não é um simulacro."),
    ("id", "air_raid_alert", "Sirene serangan udara berbunyi di Odessa. Ini bukan latihan."),
    ("uk", "air_raid_alert", "Повітряна тривога в Одесі. Це не навчання."),
    ("nl", "air_raid_alert", "Luchtalarm in Odessa. Dit is geen oefening."),
    ("hr", "air_raid_alert", "Sirene za zračnu opasnost u Odesi. Ovo nisu vježbe."),
    ("zh", "air_raid_alert", "敖德萨响起空袭警报。这不是演习。"),
    ("vi", "air_raid_alert", "Còi báo động phòng không vang lên ở Odessa. Không phải diễn tập."),
    ("en", "evacuation", "Residents were ordered to evacuate the town. This is not a drill."),
]

DRILLS = [
    ("en", "air_raid_alert", "Air raid alert in Odesa during a civil defence drill."),
    ("ru", "air_raid_alert", "Воздушная тревога: в Одессе проходят учения гражданской обороны."),
    ("es", "air_raid_alert", "Alerta aérea en Odesa durante un simulacro de protección civil."),
    ("id", "air_raid_alert", "Sirene serangan udara berbunyi di Odessa dalam latihan rutin."),
    ("nl", "air_raid_alert", "Luchtalarm in Odessa tijdens een oefening."),
]


@pytest.mark.parametrize(("lang", "concept", "text"), AFFIRMED)
def test_not_a_drill_still_alerts(lang: str, concept: str, text: str) -> None:
    assert concept in fired(text), (lang, text)


@pytest.mark.parametrize(("lang", "concept", "text"), DRILLS)
def test_a_drill_stays_quiet(lang: str, concept: str, text: str) -> None:
    assert concept not in fired(text), (lang, text)
