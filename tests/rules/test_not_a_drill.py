"""Issue 14: "this is not a drill" affirms an alert. The drill, test and exercise excludes
skip a drill word right after a negation (in every language's negations: an exclude runs on
text in all languages) or right before one, where a language negates after the noun (ja ko
hi fa tr ka), and still quiet a real drill."""

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
    ("zh", "air_raid_alert", "敖德萨响起空袭警报。这并非演习。"),
    ("he", "air_raid_alert", "אזעקות בתל אביב. זה לא תרגיל."),
    ("he", "air_raid_alert", "אזעקות בתל אביב. זה אינו תרגיל."),
    ("sr", "air_raid_alert", "Сирене за ваздушну опасност у Београду. Ово није вежба."),
    # the Persian drill words, folded to Arabic letters, also matched Arabic text
    ("ar", "air_raid_alert", "دوت صفارات الإنذار في حيفا. هذا ليس تمرينا."),
]

# The negation after the drill word.
AFFIRMED_AFTER = [
    ("ja", "air_raid_alert", "Jアラートで空襲警報が発令されました。これは訓練ではありません。"),
    ("ja", "air_raid_alert", "空襲警報が発令されました。訓練じゃない。"),
    ("ja", "missile_attack", "ミサイル攻撃が行われました。これは訓練ではない。"),
    ("ko", "air_raid_alert", "서울에 공습경보가 발령됐다. 이것은 훈련이 아닙니다."),
    ("ko", "air_raid_alert", "공습경보 발령. 훈련 아님, 실제 상황입니다."),
    ("ko", "air_raid_alert", "공습경보 발령. 훈련 상황이 아닌 실제 상황입니다."),
    ("ko", "missile_attack", "키이우에 미사일 공격이 가해졌다. 이것은 훈련이 아닙니다."),
    ("hi", "air_raid_alert", "अमृतसर में हवाई हमले का सायरन बजा। यह अभ्यास नहीं है।"),
    ("hi", "air_raid_alert", "अमृतसर में हवाई हमले का सायरन बजा। यह ड्रिल नहीं है।"),
    ("hi", "missile_attack", "आगरा में मिसाइल हमला हुआ। यह मॉक ड्रिल नहीं है।"),
    ("fa", "air_raid_alert", "آژیر حمله هوایی در تهران به صدا درآمد. این تمرین نیست."),
    ("fa", "air_raid_alert", "آژیر حمله هوایی در تهران به صدا درآمد. این رزمایش نیست."),
    ("fa", "drone_attack", "حمله پهپادی به تهران انجام شد. این رزمایش نیست."),
    ("tr", "air_raid_alert", "İstanbul'da hava saldırısı sirenleri çaldı. Bu bir tatbikat değil."),
    ("tr", "air_raid_alert", "İstanbul'da hava saldırısı sirenleri çaldı. Bu bir test değil."),
    ("tr", "missile_attack", "Kiev'e füze saldırısı düzenlendi. Bu bir tatbikat değildir."),
    ("ka", "air_raid_alert", "თბილისში საჰაერო განგაში გამოცხადდა. ეს სწავლება არ არის."),
    ("ka", "air_raid_alert", "თბილისში საჰაერო განგაში გამოცხადდა, სწავლება არაა."),
]

DRILLS = [
    ("en", "air_raid_alert", "Air raid alert in Odesa during a civil defence drill."),
    ("ru", "air_raid_alert", "Воздушная тревога: в Одессе проходят учения гражданской обороны."),
    ("es", "air_raid_alert", "Alerta aérea en Odesa durante un simulacro de protección civil."),
    ("id", "air_raid_alert", "Sirene serangan udara berbunyi di Odessa dalam latihan rutin."),
    ("nl", "air_raid_alert", "Luchtalarm in Odessa tijdens een oefening."),
    ("ja", "air_raid_alert", "空襲警報の訓練が行われました。"),
    ("ja", "missile_attack", "ミサイル攻撃の訓練が行われました。"),
    ("ko", "air_raid_alert", "민방위 훈련으로 공습경보가 발령됐다."),
    ("ko", "missile_attack", "키이우에 미사일 공격이 가해졌다. 민방위 훈련 중이다."),
    ("hi", "air_raid_alert", "अमृतसर में मॉक ड्रिल के दौरान हवाई हमले का सायरन बजा।"),
    ("hi", "missile_attack", "आगरा में मिसाइल हमला हुआ। यह मॉक ड्रिल थी।"),
    ("fa", "air_raid_alert", "آژیر حمله هوایی در تهران در جریان رزمایش به صدا درآمد."),
    ("fa", "drone_attack", "حمله پهپادی به تهران در رزمایش انجام شد."),
    ("tr", "air_raid_alert", "İstanbul'da tatbikat kapsamında hava saldırısı sirenleri çaldı."),
    ("tr", "missile_attack", "Kiev'e füze saldırısı düzenlendi. Tatbikat sırasında."),
    ("ka", "air_raid_alert", "საჰაერო განგაში გამოცხადდა სწავლების ფარგლებში."),
    ("zh", "air_raid_alert", "敖德萨响起空袭警报，这是一次演习。"),
    ("he", "air_raid_alert", "אזעקות בתל אביב במסגרת תרגיל."),
    ("hr", "air_raid_alert", "Sirene za zračnu opasnost u Zagrebu, vježba civilne zaštite."),
    ("ar", "air_raid_alert", "دوت صفارات الإنذار في حيفا خلال تمرين."),
]


@pytest.mark.parametrize(("lang", "concept", "text"), AFFIRMED + AFFIRMED_AFTER)
def test_not_a_drill_still_alerts(lang: str, concept: str, text: str) -> None:
    assert concept in fired(text), (lang, text)


@pytest.mark.parametrize(("lang", "concept", "text"), DRILLS)
def test_a_drill_stays_quiet(lang: str, concept: str, text: str) -> None:
    assert concept not in fired(text), (lang, text)
