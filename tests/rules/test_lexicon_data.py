"""Data checks for the built-in concept lexicon (advisorywatch/rules/lexicon/*.yaml).

Checks the files themselves (schema, language codes, normalisation conventions, regexes) and,
with a small reference matcher written here, that realistic sentences match and known traps
(labour strikes, heart attacks, stock-exchange "alarms") do not; the languages whose script
rules that reference matcher lacks are checked through the shipped matcher at the end.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
import yaml

from advisorywatch.rules.lexicon import load_concept
from advisorywatch.rules.matcher import ConceptMatcher, Target

LEXICON_DIR = Path(__file__).parents[2] / "advisorywatch/rules/lexicon"

ALLOWED_KEYS = {
    "concept",
    "description",
    "severity",
    "context_needed",
    "lowers",
    "yields_to",
    "terms",
    "stems",
    "patterns",
    "exclude",
    "guards",
    "exclude_item",
}
REQUIRED_KEYS = {"concept", "description", "severity"}
LIST_KEYS = ("terms", "stems", "patterns", "exclude", "guards", "exclude_item")
SEVERITIES = {"info", "warning", "critical"}
LANGUAGES = {"en", "id", "uk", "ru", "fr", "de", "es", "it", "el", "ar", "th"}  # every concept
# Languages some concepts cover too, each with its script's boundary rules (boundaries.py;
# see README.md).
MORE_LANGUAGES = {
    "pl",
    "pt",
    "ro",
    "nl",
    "hr",
    "sr",
    "tr",
    "vi",
    "fa",
    "hi",
    "ka",
    "ko",
    "zh",
    "ja",
    "he",
}
REQUIRED_CONCEPTS = {
    "air_strike",
    "air_raid_alert",
    "missile_attack",
    "drone_attack",
    "shelling_explosion",
    "shelter_in_place",
    "embassy_closed",
    "evacuation",
    "do_not_travel",
    "martial_law",
    "curfew",
    "all_clear",
    "embassy_reopened",
    "measures_lifted",
}
CORE_CONCEPTS = ("air_strike", "air_raid_alert", "shelter_in_place", "embassy_closed")
# Words that must never be a whole term or stem of a concept that alerts on its own.
GENERIC_WORDS = {
    "strike",
    "strikes",
    "attack",
    "alert",
    "alarm",
    "siren",
    "sirens",
    "shelter",
    "bunker",
    "udara",
    "serangan",
    "sirene",
    "tutup",
    "ditutup",
    "perlindungan",
    "berlindung",
    "тривога",
    "тривог",
    "тривоги",
    "сирена",
    "сирени",
    "сирен",
    "сховище",
    "сховищ",
    "укриття",
    "тревога",
    "тревог",
    "сирены",
    "убежище",
    "убежищ",
    "укрытие",
    "ракет",
    "дрон",
    "безпілотник",
    "беспилотник",
    "бпла",
    "воєнн",
    "военн",
    "надзвичайн",
    "чрезвычайн",
    "grève",
    "streik",
    "huelga",
    "sciopero",
    "aereo",
    "aérea",
    "aéreo",
    "drohne",
    "raketen",
    "مسيره",
    "ملجا",
    "ملجأ",
    "غاره",
    "ระเบิด",
    "โจมตี",
    "ปิด",
    "อพยพ",
}
# Arabic letters/marks that the normaliser folds away (see README.md).
_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_AR_DROP = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})


# --------------------------------------------------------------------------- loading


def _files() -> list[Path]:
    return sorted(LEXICON_DIR.glob("*.yaml"))


@cache
def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: top level must be a mapping"
    return data


@cache
def _lexicon() -> dict[str, dict]:
    return {p.stem: _load(p) for p in _files()}


def _entries(data: dict, keys: tuple[str, ...] = LIST_KEYS):
    for key in keys:
        for lang, values in (data.get(key) or {}).items():
            for value in values:
                yield key, lang, value


def test_directory_has_files_and_readme() -> None:
    assert _files(), f"no YAML files in {LEXICON_DIR}"
    assert (LEXICON_DIR / "README.md").is_file()


# --------------------------------------------------------------------------- schema


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_schema(path: Path) -> None:
    data = _load(path)
    assert set(data) <= ALLOWED_KEYS, f"unknown keys: {set(data) - ALLOWED_KEYS}"
    assert set(data) >= REQUIRED_KEYS, f"missing keys: {REQUIRED_KEYS - set(data)}"
    assert data["concept"] == path.stem
    assert isinstance(data["description"], str) and data["description"].strip()
    assert data["severity"] in SEVERITIES
    assert isinstance(data.get("context_needed", False), bool)
    lowers = data.get("lowers", [])
    assert isinstance(lowers, list) and all(isinstance(c, str) for c in lowers), lowers
    assert any(data.get(k) for k in ("terms", "stems", "patterns")), "concept matches nothing"
    for key in LIST_KEYS:
        section = data.get(key)
        if section is None:
            continue
        assert isinstance(section, dict), f"{key} must map language -> list"
        for lang, values in section.items():
            assert lang in LANGUAGES | MORE_LANGUAGES, f"{key}: unsupported language {lang!r}"
            assert isinstance(values, list) and values, f"{key}.{lang} must be a non-empty list"
            for v in values:
                assert isinstance(v, str) and v.strip(), f"{key}.{lang}: empty or non-string {v!r}"


def test_required_concepts_exist() -> None:
    missing = REQUIRED_CONCEPTS - set(_lexicon())
    assert not missing, f"missing concepts: {sorted(missing)}"


def test_flags() -> None:
    lex = _lexicon()
    assert lex["shelling_explosion"].get("context_needed") is True
    lowering = {name for name, d in lex.items() if d.get("lowers")}
    assert lowering == {"all_clear", "embassy_reopened", "measures_lifted"}, lowering
    for name in lowering:
        assert lex[name]["severity"] == "info", name
        stray = set(lex[name]["lowers"]) - (set(lex) - lowering)
        assert not stray, f"{name} lowers unknown or lowering concepts {stray}"


def _languages(data: dict) -> set[str]:
    return {lang for key in ("terms", "stems", "patterns") for lang in (data.get(key) or {})}


@pytest.mark.parametrize("concept", CORE_CONCEPTS)
def test_core_concepts_cover_every_language(concept: str) -> None:
    missing = LANGUAGES - _languages(_lexicon()[concept])
    assert not missing, f"{concept} lacks {sorted(missing)}"


@pytest.mark.parametrize("concept", sorted(REQUIRED_CONCEPTS))
def test_every_concept_covers_every_language(concept: str) -> None:
    missing = LANGUAGES - _languages(_lexicon()[concept])
    assert not missing, f"{concept} lacks {sorted(missing)}"


# The 26 languages issue 14 asks every built-in concept to cover.
REQUIRED_LANGUAGES = sorted(LANGUAGES | MORE_LANGUAGES)
# Concepts still lacking a language (none today); strict: a filled gap must go.
KNOWN_GAPS: set[tuple[str, str]] = set()


@pytest.mark.parametrize(
    ("concept", "lang"),
    [
        pytest.param(
            c,
            lang,
            marks=[pytest.mark.xfail(strict=True, reason="known gap")]
            if (c, lang) in KNOWN_GAPS
            else [],
        )
        for c in sorted(_lexicon())
        for lang in REQUIRED_LANGUAGES
    ],
)
def test_every_concept_has_entries_in_every_required_language(concept: str, lang: str) -> None:
    assert lang in _languages(_lexicon()[concept]), f"{concept} has no entries in {lang}"


# --------------------------------------------------------------------------- text conventions


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_terms_and_stems_are_casefolded_nfkc(path: Path) -> None:
    for key, lang, s in _entries(_load(path), ("terms", "stems")):
        assert s == unicodedata.normalize("NFKC", s).casefold(), f"{key}.{lang}: {s!r}"
        assert s == s.strip() and "  " not in s, f"{key}.{lang}: stray whitespace in {s!r}"
        assert "-" not in s, f"{key}.{lang}: write hyphenated words with a space: {s!r}"


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_patterns_are_lower_case_nfkc(path: Path) -> None:
    for key, lang, s in _entries(_load(path), ("patterns", "exclude", "exclude_item")):
        assert s == unicodedata.normalize("NFKC", s), f"{key}.{lang}: not NFKC: {s!r}"
        without_escapes = re.sub(r"\\[A-Za-z]", "", s)
        assert without_escapes == without_escapes.lower(), f"{key}.{lang}: upper case in {s!r}"


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_script_conventions(path: Path) -> None:
    for key, lang, s in _entries(_load(path)):
        assert not (set(s) & set("\u2019\u2018\u02bc`\u00b4")), f"{key}.{lang}: use ' in {s!r}"
        assert "ё" not in s, f"{key}.{lang}: write ё as е: {s!r}"
        if lang == "ar":
            assert not (set(s) & set("أإآٱىة")), f"{key}.ar: unnormalised letter in {s!r}"
            assert not _AR_DROP.search(s), f"{key}.ar: diacritic/tatweel in {s!r}"


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_regexes_compile(path: Path) -> None:
    for key, lang, s in _entries(_load(path), ("patterns", "exclude", "exclude_item")):
        try:
            re.compile(s)
        except re.error as exc:  # pragma: no cover - failure path
            pytest.fail(f"{key}.{lang}: {s!r} does not compile: {exc}")


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_no_duplicates_within_a_language(path: Path) -> None:
    data = _load(path)
    for key in LIST_KEYS:
        for lang, values in (data.get(key) or {}).items():
            dupes = {v for v in values if values.count(v) > 1}
            assert not dupes, f"{key}.{lang}: duplicates {dupes}"


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_no_bare_generic_words(path: Path) -> None:
    data = _load(path)
    if data.get("context_needed"):
        return
    for key, lang, s in _entries(data, ("terms", "stems")):
        assert s not in GENERIC_WORDS, f"{key}.{lang}: {s!r} is too generic to alert alone"


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_thai_terms_are_specific(path: Path) -> None:
    # Thai is matched as a substring (no spaces between words), so short terms are dangerous.
    for key, lang, s in _entries(_load(path), ("terms", "stems")):
        if lang == "th":
            assert len(s) >= 5, f"{key}.th: {s!r} is too short for substring matching"


# --------------------------------------------------------------------------- reference matcher


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    text = text.replace("ё", "е")
    text = _AR_DROP.sub("", text).translate(_AR_FOLD)
    return re.sub(r"\s+", " ", text).strip()


def _term_regex(term: str, lang: str) -> str:
    body = r"[\s\-]?".join(re.escape(w) for w in term.split())
    return body if lang == "th" else rf"(?<!\w){body}(?!\w)"


@cache
def _compiled(
    concept: str,
) -> tuple[list[re.Pattern[str]], list[re.Pattern[str]], list[re.Pattern[str]]]:
    data = _lexicon()[concept]
    srcs = [_term_regex(t, lang) for _, lang, t in _entries(data, ("terms",))]
    srcs += [rf"(?<!\w){re.escape(s)}\w*" for _, _, s in _entries(data, ("stems",))]
    srcs += [p for _, _, p in _entries(data, ("patterns",))]
    excl = [e for _, _, e in _entries(data, ("exclude",))]
    whole = [e for _, _, e in _entries(data, ("exclude_item",))]
    return (
        [re.compile(s) for s in srcs],
        [re.compile(e) for e in excl],
        [re.compile(e) for e in whole],
    )


def concept_matches(concept: str, text: str, window: int = 80) -> bool:
    text = normalise(text)
    positives, excludes, item_excludes = _compiled(concept)
    if any(e.search(text) for e in item_excludes):
        return False
    for rx in positives:
        for m in rx.finditer(text):
            around = text[max(0, m.start() - window) : m.end() + window]
            if not any(e.search(around) for e in excludes):
                return True
    return False


def matching_concepts(text: str) -> set[str]:
    return {c for c in _lexicon() if concept_matches(c, text)}


# --------------------------------------------------------------------------- the seed case

SEED = (
    "Amerika Serikat menutup kedutaannya di Kyiv karena informasi spesifik tentang potensi "
    "serangan udara yang signifikan ... karyawan kedutaan diinstruksikan untuk berlindung di tempat"
)
SEED_REAL_QUOTE = (
    '"Sebagai bentuk kehati-hatian, kedutaan akan ditutup, dan karyawan kedutaan '
    'diinstruksikan untuk berlindung di tempat," kata Departemen Luar Negeri AS.'
)


@pytest.mark.parametrize("text", [SEED, SEED_REAL_QUOTE + " " + SEED])
def test_seed_article_matches(text: str) -> None:
    found = matching_concepts(text)
    assert {"air_strike", "shelter_in_place", "embassy_closed"} <= found, found


def test_seed_quote_alone() -> None:
    assert concept_matches("embassy_closed", SEED_REAL_QUOTE)
    assert concept_matches("shelter_in_place", SEED_REAL_QUOTE)


# --------------------------------------------------------------------------- positives

POSITIVES: dict[str, dict[str, str]] = {
    "air_strike": {
        "en": "The U.S. Embassy received specific information of a potential significant air attack on November 20.",  # noqa: E501
        "id": "Rusia melancarkan serangan udara besar-besaran ke Kyiv pada dini hari.",
        "uk": "Посольство США отримало інформацію про можливу масовану повітряну атаку 20 листопада.",  # noqa: E501
        "ru": "Посольство США закрыто из-за угрозы массированного воздушного удара.",
        "fr": "Kiev a été visée cette nuit par une frappe aérienne d'ampleur.",
        # ("Luftangriffe mit Raketen und Drohnen" is a missile and drone attack: it yields)
        "de": "Bei einem Luftangriff auf ein Wohnhaus in Charkiw wurden drei Menschen getötet.",
        "es": "Un ataque aéreo ruso dejó al menos tres muertos en Járkov.",
        "it": "Un attacco aereo russo ha colpito la capitale ucraina nella notte.",
        "el": "Ρωσική αεροπορική επιδρομή στο Κίεβο τα ξημερώματα της Τετάρτης.",
        "ar": "قُتل خمسة أشخاص في غارةٍ جوية إسرائيلية على جنوب لبنان.",
        "th": "สหรัฐฯ เตือนความเสี่ยงการโจมตีทางอากาศครั้งใหญ่ในกรุงเคียฟ",
    },
    "air_raid_alert": {
        "en": "Immediately take shelter if an air alert is announced.",
        "id": "Warga berlindung di stasiun metro di Kyiv ketika peringatan serangan udara diumumkan.",  # noqa: E501
        "uk": "У Києві оголошено повітряну тривогу.",
        "ru": "В Киеве объявлена воздушная тревога, жителей просят пройти в укрытия.",
        "fr": "Une alerte aérienne a été déclenchée dans toute l'Ukraine mercredi matin.",
        "de": "Bei Luftalarm suchen Sie umgehend einen Schutzraum auf.",
        "es": "Las sirenas antiaéreas sonaron en Kiev durante toda la madrugada.",
        "it": "L'allarme aereo è scattato in tutta l'Ucraina poco dopo le quattro.",
        "el": "Αεροπορικός συναγερμός σήμανε σε ολόκληρη την Ουκρανία.",
        "ar": "دوّت صفارات الإنذار في تل أبيب بعد رصد صواريخ قادمة.",
        "th": "ทางการยูเครนประกาศสัญญาณเตือนภัยทางอากาศทั่วประเทศ",
    },
    "shelter_in_place": {
        "en": "Embassy employees are being instructed to shelter in place.",
        "id": "Kedutaan Besar AS menganjurkan warga AS untuk segera berlindung jika peringatan udara diumumkan.",  # noqa: E501
        "uk": "Загроза ракетного удару, всім негайно пройти в укриття.",
        "ru": "Гражданам США рекомендуется немедленно пройти в укрытие при объявлении воздушной тревоги.",  # noqa: E501
        "fr": "Les autorités demandent à la population de se mettre à l’abri immédiatement.",
        "de": "Bei Luftalarm suchen Sie umgehend einen Schutzraum auf.",
        "es": "La embajada pide a sus ciudadanos que busquen refugio de inmediato.",
        "it": "La Farnesina invita i connazionali a mettersi al riparo nei rifugi.",
        "el": "Οι κάτοικοι του Κιέβου κατέφυγαν στα καταφύγια κατά τη διάρκεια της νύχτας.",
        "ar": "طلبت السلطات من السكان التوجه إلى الملاجئ فوراً.",
        "th": "สถานทูตแนะนำให้พลเมืองเข้าที่หลบภัยทันทีเมื่อได้ยินสัญญาณเตือน",
    },
    "embassy_closed": {
        "en": "Out of an abundance of caution, the Embassy will be closed on November 20.",
        "id": "Kedutaan Besar Amerika Serikat di Kyiv ditutup pada Rabu (20/11).",
        "uk": "Посольство США в Києві зачинене через загрозу масованої повітряної атаки.",
        "ru": "Посольства Италии, Испании и Греции в Киеве приостановили работу.",
        "fr": "L'ambassade des États-Unis à Kiev restera fermée mercredi par précaution.",
        "de": "Die US-Botschaft in Kiew bleibt am Mittwoch geschlossen.",
        "es": "La embajada de Estados Unidos en Kiev permanecerá cerrada este miércoles.",
        "it": "Anche l'ambasciata d'Italia a Kiev resterà chiusa oggi per motivi di sicurezza.",
        "el": "Κλειστή παραμένει σήμερα η ελληνική πρεσβεία στο Κίεβο.",
        "ar": "أغلقت الولايات المتحدة سفارتها في كييف بسبب تهديد بهجوم جوي كبير.",
        "th": "สถานทูตสหรัฐฯ ในกรุงเคียฟปิดทำการชั่วคราวเนื่องจากภัยคุกคาม",
    },
}

POSITIVE_CASES = [(c, lang, t) for c, by_lang in POSITIVES.items() for lang, t in by_lang.items()]


def test_positive_table_covers_core_concepts_and_languages() -> None:
    for concept in CORE_CONCEPTS:
        assert set(POSITIVES[concept]) == LANGUAGES, concept


@pytest.mark.parametrize(("concept", "lang", "text"), POSITIVE_CASES, ids=lambda v: str(v)[:20])
def test_core_positive(concept: str, lang: str, text: str) -> None:
    assert concept_matches(concept, text), f"{concept}/{lang} should match: {text}"


OTHER_POSITIVES = [
    # Issue 14: the phrasings of real pages that the first lexicon missed, one per kind.
    ("embassy_closed", "Посольство США в Киеве эвакуирует дипломатов и приостанавливает работу."),
    ("embassy_closed", "KBRI Kuala Lumpur menutup sementara pelayanan mulai Jumat."),
    (
        "shelter_in_place",
        "Wir raten US-Bürgern, sich bei einer Luftwarnung umgehend in Sicherheit zu bringen.",
    ),
    ("shelter_in_place", "Si raccomanda di recarsi immediatamente al riparo più vicino."),
    ("shelter_in_place", "Горожанам рекомендуют спрятаться на нижних этажах зданий или в подвале."),
    ("air_strike", "Une « frappe ennemie israélienne » a tué deux personnes à Houla."),
    ("air_strike", "استشهد شخصان في غارة إسرائيلية على بلدة العديسة."),
    ("evacuation", "La France appelle ses ressortissants à quitter le pays dès que possible."),
    ("evacuation", "طلبت السفارة من الموجودين في لبنان المغادرة على الفور."),
    (
        "evacuation",
        "The State Department ordered some U.S. government employees to leave the country.",
    ),
    ("missile_attack", "Le Hezbollah a tiré des dizaines de roquettes sur le nord d'Israël."),
    ("drone_attack", "Der Iran greift Israel mit Drohnen an."),
    ("drone_attack", "La capital ucraniana fue atacada por drones rusos."),
    (
        "missile_attack",
        "Russian missile and drone strikes continue across Ukraine, including in Kyiv.",
    ),
    (
        "drone_attack",
        "Russian missile and drone strikes continue across Ukraine, including in Kyiv.",
    ),
    (
        "drone_attack",
        "There is an increased risk of Russian drone and missile attacks against Ukraine.",
    ),
    (
        "missile_attack",
        "There is an increased risk of Russian drone and missile attacks against Ukraine.",
    ),
    ("air_raid_alert", "Повітряна тривога: ракетна небезпека в Київській області"),
    (
        "missile_attack",
        "Ряд посольств в Киеве временно приостановил работу из-за угрозы ракетного удара.",
    ),
    (
        "missile_attack",
        "Kedutaan Besar Italia dan Yunani menyusul peringatan kemungkinan serangan rudal dan drone Rusia.",  # noqa: E501
    ),
    (
        "drone_attack",
        "Pada hari Minggu, Rusia melancarkan serangan rudal dan pesawat nirawak besar-besaran.",
    ),
    ("drone_attack", "Вночі ворог атакував Київ ударними безпілотниками типу «Шахед»."),
    ("drone_attack", "تعرضت المدينة لهجوم بطائرات مسيّرة انتحارية فجر اليوم."),
    (
        "shelling_explosion",
        "If you hear a loud explosion or if sirens are activated, immediately seek cover.",
    ),
    ("shelling_explosion", "Внаслідок обстрілу пошкоджено житловий будинок."),
    (
        "shelter_in_place",
        "If you hear a loud explosion or if sirens are activated, immediately seek cover.",
    ),
    ("shelter_in_place", "When an air raid alert sounds, go to the nearest shelter immediately."),
    (
        "shelter_in_place",
        "Загроза застосування балістичного озброєння. Негайно прямуйте до укриття.",
    ),
    (
        "air_raid_alert",
        "If you hear a loud explosion or if sirens are activated, immediately seek cover.",
    ),
    ("embassy_closed", "Italy and Greece closed their embassies in Kyiv for the day."),
    ("embassy_closed", "Spain's embassy also suspended operations."),
    (
        "embassy_closed",
        "Kedutaan Besar Italia dan Yunani juga menutup kantornya pasca Ukraina menyerang Rusia.",
    ),
    ("embassy_closed", "Italia dan Yunani ikut tutup kedutaan di Kyiv"),
    ("embassy_closed", "Die Schließung der Botschaft gilt bis auf Weiteres."),
    ("evacuation", "Embassy operations suspended – ordered departure of non-emergency staff"),
    (
        "evacuation",
        "The State Department ordered the departure of non-emergency U.S. government employees.",
    ),
    (
        "evacuation",
        "Deutsche Staatsangehörige werden aufgefordert, das Land umgehend zu verlassen.",
    ),
    ("evacuation", "Pemerintah mengevakuasi WNI dari Lebanon."),
    ("evacuation", "Οι αρχές διέταξαν την εκκένωση τριών οικισμών λόγω της πυρκαγιάς."),
    ("do_not_travel", "Ukraine - Level 4: Do Not Travel"),
    ("do_not_travel", "FCDO advises against all travel to areas near the front line."),
    ("do_not_travel", "Vor Reisen in die Ukraine wird gewarnt."),
    ("do_not_travel", "Canada: Avoid all travel"),
    ("martial_law", "Martial law is in place across Ukraine."),
    ("martial_law", "In der gesamten Ukraine gilt das Kriegsrecht."),
    ("martial_law", "В Україні продовжено дію воєнного стану."),
    ("martial_law", "Ο πρόεδρος κήρυξε στρατιωτικό νόμο στη χώρα."),
    ("martial_law", "أعلنت الحكومة حالة الطوارئ في البلاد."),
    ("curfew", "Curfews are in force in most cities; times vary by region."),
    ("curfew", "In vielen Städten gelten nächtliche Ausgangssperren."),
    (
        "curfew",
        "Extremadura limita la circulación de personas entre las 00.00 y las 06.00 para frenar el Covid-19",  # noqa: E501
    ),
    ("curfew", "У Києві комендантську годину скоротили на годину."),
    ("curfew", "فرضت السلطات حظر التجول في العاصمة."),
    ("all_clear", "Відбій повітряної тривоги у Києві."),
    ("all_clear", "Отбой воздушной тревоги в Киеве."),
    ("all_clear", "All clear: the air raid alert in Kyiv has ended."),
    ("all_clear", "Cessato allarme a Kiev dopo tre ore."),
    ("embassy_reopened", "The U.S. Embassy in Kyiv has reopened and resumed normal operations."),
    (
        "measures_lifted",
        "The State Department was ending the “ordered departure status” in Baghdad.",
    ),
    ("measures_lifted", "Shelter in place orders for U.S. government employees have been lifted."),
    ("embassy_reopened", "Посольство США вернулось в Киев и возобновило работу после перерыва."),
    ("embassy_reopened", "Italia volvió a abrir su embajada en Kiev este lunes."),
    # all-caps Greek drops accents; Arabic attaches the article and clitics to the word
    ("air_strike", "ΑΕΡΟΠΟΡΙΚΗ ΕΠΙΔΡΟΜΗ ΣΤΟ ΚΙΕΒΟ"),
    ("air_strike", "وتواصلت الغارات الجوية على المدينة طوال الليل."),
    ("do_not_travel", "Do not travel to: Chapare region due to crime and civil unrest."),
]


@pytest.mark.parametrize(("concept", "text"), OTHER_POSITIVES, ids=lambda v: str(v)[:24])
def test_other_positive(concept: str, text: str) -> None:
    assert concept_matches(concept, text), f"{concept} should match: {text}"


# --------------------------------------------------------------------------- negatives

NEGATIVES = [
    "Air France cabin crew strike disrupts flights at Charles de Gaulle.",
    "Grève à Air France : des centaines de vols annulés jeudi.",
    "Streik bei der Lufthansa: Flugbegleiter legen die Arbeit nieder.",
    "Huelga de controladores aéreos en Francia: cientos de vuelos cancelados.",
    "Sciopero aereo di 24 ore: voli cancellati in tutta Italia.",
    "Ia meninggal dunia akibat serangan jantung di rumahnya.",
    "Kualitas udara di Jakarta pagi ini tergolong tidak sehat.",
    "Тривога на біржі: акції технологічних компаній різко впали.",
    "Тревога на бирже: индексы обвалились на открытии торгов.",
    "Hair strike: salon workers walk out over pay.",
    "The plane landed safely on a remote airstrip.",
    "IHSG ditutup menguat didorong saham perbankan.",
    "Demonstrations are planned near government buildings in central Kyiv.",
    "Avoid demonstrations and crowds. Monitor local media for updates.",
    "Enroll in STEP to make it easier to locate you in an emergency.",
    "Новий тенісний сезон: українка замовила нову ракетку.",
    "Хмарне сховище даних подорожчало для бізнесу.",
    "Він попросив політичного притулку; он получил политическое убежище.",
    "Надзвичайно важливо підготуватися до зими.",
    "Tausende Menschen, die in Deutschland Schutz suchen, warten auf einen Termin.",
    "Die Debatte über Taurus-Marschflugkörper geht weiter.",
    "Bombardier liefert neue Flugzeuge an die Lufthansa.",
    "Das ist doch ein Luftschloss.",
    "Pejabat itu berlindung di balik aturan hukum.",
    "شارك الآلاف في مسيرة سلمية وسط العاصمة.",
    "Le gouvernement condamne fermement l'attaque contre l'ambassade.",
    "Les épargnants veulent se mettre à l'abri du besoin.",
    "Die Botschaft des Papstes ist klar.",
    "Ukraine ordered one million new drones from domestic producers.",
    "Spare the Air alert issued for the Bay Area on Friday.",
    "Kami pergi makan malam di restoran baru.",
    "Obtain comprehensive travel, medical, and evacuation insurance before you go.",
    "Even minor health issues may require medical evacuation at the traveler's expense.",
    "Avoid walking alone and do not travel on the roads between cities after dark.",
    "Ukraine produced two million attack drones last year, the minister said.",
    "Україна торік виготовила понад мільйон ударних дронів.",
    "Die Botschaft ist klar: Die Grenzen bleiben geschlossen.",
    "Суд заборонив йому виїзд; він ударив суперника ракеткою.",
    # Scheduled closures, tests, anniversaries and weather: the words of the family, not an alert.
    "The U.S. Embassy will be closed Monday, February 16 in observance of President’s Day.",
    "La Embajada permanecerá cerrada el lunes 16 de febrero debido al Día de los Presidentes.",
    "Das Konsulat bleibt am Freitag, 8. März, wegen des Feiertags geschlossen.",
    "Посольство Чехии будет закрыто 26 декабря в связи с новогодними праздниками.",
    "Libur Imlek, KBRI di Beijing tutup selama tujuh hari.",
    "Air alert sirens will sound at noon on Saturday: it’s only a test.",
    "Heute vor 80 Jahren bombardierten Briten und Amerikaner Dresden.",
    "If you can hear thunder, find safe shelter immediately: lightning can strike.",
]


@pytest.mark.parametrize("text", NEGATIVES, ids=lambda t: t[:30])
def test_negative_matches_nothing(text: str) -> None:
    assert matching_concepts(text) == set(), text


def test_all_clear_is_not_an_alert() -> None:
    for text in ("Відбій повітряної тривоги у Києві.", "Отбой воздушной тревоги в Киеве."):
        assert not concept_matches("air_raid_alert", text), text
        assert concept_matches("all_clear", text), text


# --------------------------------------------------------------------------- the real matcher
# The reference matcher above knows no script rules (Hebrew prefixes, Korean particles, Persian
# letter folds, Serbian in two scripts), so the entries of those languages are checked through
# the shipped matcher, one concept at a time (context_needed concepts included).


@cache
def _real(concept: str) -> ConceptMatcher:
    c = load_concept(concept)
    return ConceptMatcher(
        [Target(c.name, c.terms, c.stems, c.patterns, c.exclude, c.guards, c.exclude_item)]
    )


def real_matches(concept: str, text: str) -> bool:
    return bool(_real(concept).find({"title": "", "text": text}))


SCRIPT_POSITIVES = [
    ("all_clear", "hi", "तेल अवीव में हवाई हमले की चेतावनी हटा ली गई है।"),
    ("all_clear", "ka", "კიევში საჰაერო განგაში გაუქმდა."),
    ("embassy_reopened", "he", "השגרירות האמריקנית בקייב נפתחה מחדש לאחר שלושה חודשים."),
    ("embassy_reopened", "fa", "سفارت ایتالیا در تهران پس از دو ماه بازگشایی شد."),
    ("embassy_reopened", "tr", "ABD'nin Kiev Büyükelçiliği yeniden açıldı."),
    ("embassy_reopened", "zh", "美国驻基辅大使馆已恢复对外办公。"),
    ("embassy_reopened", "zh", "美國駐基輔大使館重新開放。"),
    ("embassy_reopened", "ja", "在キーウ日本国大使館は業務を再開しました。"),
    ("embassy_reopened", "ko", "주우크라이나 한국대사관이 업무를 재개했다."),
    ("embassy_reopened", "vi", "Đại sứ quán Mỹ tại Kiev đã mở cửa trở lại."),
    ("embassy_reopened", "hi", "कीव में भारतीय दूतावास फिर से खुल गया है।"),
    ("embassy_reopened", "sr", "Ambasada SAD u Kijevu ponovo otvorena posle tri meseca."),
    ("embassy_reopened", "sr", "Амбасада Србије у Кијеву поново отворена."),
    ("embassy_reopened", "ka", "საქართველოს საელჩომ კიევში ხელახლა გაიხსნა."),
    ("measures_lifted", "he", "פיקוד העורף הודיע על ביטול העוצר בעיר."),
    ("measures_lifted", "fa", "لغو حکومت نظامی در پایتخت اعلام شد."),
    ("measures_lifted", "tr", "Başkentte sokağa çıkma yasağı kaldırıldı."),
    ("measures_lifted", "zh", "当局宣布解除宵禁。"),
    ("measures_lifted", "ja", "政府は外出禁止令を解除した。"),
    ("measures_lifted", "ko", "대통령이 비상계엄 해제를 선언했다."),
    ("measures_lifted", "vi", "Chính quyền đã dỡ bỏ lệnh giới nghiêm tại thủ đô."),
    ("measures_lifted", "hi", "शहर में कर्फ्यू हटा लिया गया है।"),
    ("measures_lifted", "sr", "Vlada je ukinula vanredno stanje u celoj zemlji."),
    ("measures_lifted", "ka", "ქვეყანაში საგანგებო მდგომარეობა გაუქმდა."),
    ("shelling_explosion", "he", "נשמעו קולות נפץ בצפון."),
    ("shelling_explosion", "fa", "صدای انفجار در شمال تهران شنیده شد."),
    ("shelling_explosion", "tr", "Kiev'de art arda patlamalar duyuldu."),
    ("shelling_explosion", "zh", "基辅市中心传出爆炸声。"),
    ("shelling_explosion", "ja", "キーウ中心部で爆発音が聞こえた。"),
    ("shelling_explosion", "ko", "키이우 도심에서 폭발음이 들렸다."),
    ("shelling_explosion", "vi", "Nhiều tiếng nổ lớn vang lên ở Kiev."),
    ("shelling_explosion", "hi", "कीव में कई धमाके सुने गए।"),
    ("shelling_explosion", "sr", "U Kijevu se čula snažna eksplozija."),
    ("shelling_explosion", "ka", "კიევში აფეთქებები გაისმა."),
]

SCRIPT_NEAR_MISSES = [
    ("shelling_explosion", "zh", "这是一条爆炸性新闻。"),
    ("shelling_explosion", "ja", "新商品が爆発的に売れている。"),
    ("shelling_explosion", "ko", "신제품이 폭발적인 인기를 끌고 있다."),
    ("embassy_reopened", "zh", "上海博物馆重新开放。"),
    ("measures_lifted", "tr", "Yasak kaldırılmadı, sokağa çıkmayın."),
]


# Kinds the held-out set missed, each written in every language where it occurs: a missile or
# rocket that hit, landed or was intercepted; a diplomatic post or mission closed; a call to
# leave; going to a safe place or away from windows; drones shot down; a UAV spelled out.
KIND_POSITIVES = [
    ("missile_attack", "en", "Two missiles were intercepted over Haifa, the army said."),
    ("missile_attack", "fr", "Tel-Aviv intercepte en retour un missile venu du Liban."),
    ("missile_attack", "de", "Mehrere Raketen schlugen in Charkiw ein."),
    ("missile_attack", "es", "Israel interceptó dos misiles lanzados desde Yemen."),
    ("missile_attack", "it", "Due missili sono stati intercettati sopra Kiev."),
    ("missile_attack", "ru", "Железный купол сбил в районе Тель-Авива пять ракет."),
    ("missile_attack", "uk", "Окупанти атакують столицю балістикою."),
    ("missile_attack", "pl", "Rosja użyła trudnych do wykrycia rakiet."),
    ("missile_attack", "ar", "بعد أن وصلت صواريخ القسام إلى قلب تل أبيب."),
    ("missile_attack", "he", "נורו לעבר הצפון והמרכז מעל 150 רקטות."),
    ("missile_attack", "zh", "以军称成功拦截了两枚导弹。"),
    ("missile_attack", "ko", "이란이 미사일과 드론 등을 동원해 반격을 이어갔다."),
    ("embassy_closed", "pl", "Polskie placówki dyplomatyczne w Kanadzie zawieszają działalność."),
    ("embassy_closed", "nl", "Vertegenwoordigingen in Teheran en Erbil zondag gesloten."),
    ("embassy_closed", "es", "Las misiones diplomáticas en Jartum permanecerán cerradas."),
    (
        "embassy_closed",
        "en",
        "All diplomatic missions in the capital are closed until further notice.",
    ),
    ("evacuation", "id", "KBRI mengimbau WNI untuk meninggalkan wilayah Lebanon."),
    ("evacuation", "ar", "واشنطن تطالب مواطنيها في هايتي بمغادرتها في أسرع وقت"),
    ("evacuation", "vi", "Đại sứ quán khuyến cáo công dân tìm cách rời khỏi Israel."),
    ("evacuation", "en", "The embassy urged citizens to leave South Sudan immediately."),
    ("shelter_in_place", "hi", "लोग सायरन सुनते ही सुरक्षित जगहों पर चले जाएँ।"),
    ("shelter_in_place", "ja", "全土で空襲警報が出され、市民に避難が呼び掛けられた。"),
    ("shelter_in_place", "id", "Tetap tinggal di rumah dan jauhi jendela."),
    ("shelter_in_place", "en", "Residents should move to a safe place and stay away from windows."),
    ("drone_attack", "ka", "რუსეთმა კიევზე უპილოტო საფრენი აპარატებით თავდასხმა განახორციელა."),
    ("drone_attack", "es", "Ucrania afirma haber derribado drones rusos sobre Kiev."),
]

KIND_NEAR_MISSES = [
    ("air_strike", "de", "Im Falle eines Luftangriffes stehen 7000 Schutzräume bereit."),
    ("missile_attack", "en", "The rocket reached orbit and the satellites were deployed by NASA."),
    ("shelter_in_place", "he", "תושבי המדינה לא מתבקשים להישאר כרגע במרחבים המוגנים."),
    ("shelter_in_place", "th", "ครูโรงเรียนแนวชายแดนซักซ้อมนักเรียนเข้าหลุมหลบภัย"),
    ("shelter_in_place", "id", "Waspada puting beliung sore ini: jauhi jendela."),
    ("shelter_in_place", "he", "לקראת הסערה: התרחקו מהחלונות."),
    ("air_raid_alert", "sr", "Obrenovčani, bez panike: sutra probe sirena za uzbunjivanje."),
    (
        "embassy_closed",
        "tr",
        "ABD Büyükelçiliği “Kristof Kolomb Günü” nedeniyle bugün kapalı olacak.",
    ),
    ("do_not_travel", "vi", "Khuyến cáo người Việt Nam không đến khu vực biên giới phía Bắc."),
]


@pytest.mark.parametrize(
    ("concept", "lang", "text"), SCRIPT_POSITIVES + KIND_POSITIVES, ids=lambda v: str(v)[:20]
)
def test_real_matcher_positive(concept: str, lang: str, text: str) -> None:
    assert real_matches(concept, text), f"{concept}.{lang} should match {text!r}"


@pytest.mark.parametrize(
    ("concept", "lang", "text"), SCRIPT_NEAR_MISSES + KIND_NEAR_MISSES, ids=lambda v: str(v)[:20]
)
def test_real_matcher_near_miss(concept: str, lang: str, text: str) -> None:
    assert not real_matches(concept, text), f"{concept}.{lang} should not match {text!r}"
