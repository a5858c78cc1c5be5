"""The word-boundary rules per script: where a term, a keyword or a stem may start and end."""

from __future__ import annotations

import pytest

from advisorywatch.rules.boundaries import (
    SUFFIXES,
    boundary_language,
    is_word,
    must_start_word,
    stem_keys,
    term_keys,
    word_span,
)
from advisorywatch.rules.normalize import normalize


def _span(text: str, key: str, lang: str | None, stem: bool = False) -> str | None:
    """What the rules make of the first place ``key`` stands in ``text`` (both normalised):
    the text the hit covers, or None."""
    text, key = normalize(text), normalize(key)
    start = text.index(key)
    span = word_span(text, start, start + len(key), stem, lang)
    return None if span is None else text[span[0] : span[1]]


@pytest.mark.parametrize(
    ("text", "key", "lang", "covered"),
    [
        ("Hair strike", "air strike", None, None),
        ("air strikes.", "air strike", "en", "air strikes"),
        ("the airstrip", "air", "en", None),
        ("x_air", "air", None, None),  # "_" is a letter, as in \w
        ("u.s.a", "u.s.", "en", "u.s."),  # a key ending in a non-letter needs no boundary
        ("des frappes aériennes", "frappes aérienne", "fr", "frappes aeriennes"),
        ("nach Luftangriffen", "luftangriff", "de", "luftangriffen"),
        ("attacchi aereis", "attacchi aerei", "it", None),  # Italian takes no ending
        ("menutup kedutaannya", "menutup kedutaan", "id", "menutup kedutaannya"),
    ],
)
def test_latin(text: str, key: str, lang: str | None, covered: str | None) -> None:
    assert _span(text, key, lang) == covered


@pytest.mark.parametrize(
    ("text", "key", "lang", "stem", "covered"),
    [
        ("Авиаударом по Харькову", "авиаудар", "ru", False, "авиаударом"),
        ("Внаслідок авіаударів", "авіаудар", "uk", False, "авіаударів"),
        ("авіаударів", "авіаудар", "ru", False, None),  # a Ukrainian ending, not a Russian one
        ("суперавиаудар", "авиаудар", "ru", False, None),
        ("Внаслідок авіаударами", "авіаудар", "uk", True, "авіаударами"),  # to the word's end
        ("контравіаудар", "авіаудар", "uk", True, None),  # a stem starts a word
    ],
)
def test_cyrillic(text: str, key: str, lang: str, stem: bool, covered: str | None) -> None:
    assert _span(text, key, lang, stem) == covered


@pytest.mark.parametrize(
    ("text", "covered"),
    [
        ("Αεροπορική επιδρομή στο Κίεβο", "επιδρομη"),
        ("επιδρομης", None),  # Greek takes no ending
        ("νεαεπιδρομη", None),
    ],
)
def test_greek(text: str, covered: str | None) -> None:
    assert _span(text, "επιδρομή", "el") == covered


@pytest.mark.parametrize(
    ("text", "key", "covered"),
    [
        ("والغارة", "غارة", "غارة"),  # و + the article
        ("بالغارة", "غارة", "غارة"),
        ("للغارة", "غارة", "غارة"),
        ("فبغارة", "غارة", "غارة"),
        ("سغارة", "غارة", None),  # س is no clitic
        ("ووالغارة", "غارة", None),  # one و at most
        ("هجومها", "هجوم", "هجومها"),
        ("هجومنا", "هجوم", None),  # نا is not among the endings
    ],
)
def test_arabic_clitics_and_endings(text: str, key: str, covered: str | None) -> None:
    assert _span(text, key, "ar") == (covered and normalize(covered))


def test_arabic_clitics_are_arabic_only() -> None:
    assert _span("والغارة", "غارة", None) is None


def test_arabic_keys_drop_the_article_and_let_later_words_take_it() -> None:
    assert term_keys("الغارات الجوية", "ar") == [
        normalize("غارات الجوية"),
        normalize("غارات جوية"),
    ]
    assert term_keys("الى", "ar") == [normalize("الى")]  # too short for an article and a word
    assert len(term_keys(" ".join(["الغارات"] * 5), "ar")) == 2**4


def test_long_arabic_terms_have_only_their_bare_words_as_key() -> None:
    assert term_keys(" ".join(["الغارات"] * 6), "ar") == [" ".join(["غارات"] * 6)]


@pytest.mark.parametrize(
    ("text", "key", "stem", "covered"),
    [
        ("เปิดสถานทูต", "ปิด", False, None),  # ป belongs to the leading vowel เ
        ("ปิดสถานทูต", "ปิด", False, "ปิด"),
        ("การโจมตีทางอากาศ", "โจมตี", False, "โจมตี"),  # no spaces: right after a consonant
        ("อากาศ", "อาก", False, None),  # า continues the syllable
        ("อากาศ", "อาก", True, "อาก"),  # a stem's end is neither checked nor extended
    ],
)
def test_thai_syllables(text: str, key: str, stem: bool, covered: str | None) -> None:
    assert _span(text, key, "th", stem) == covered


@pytest.mark.parametrize(
    ("term", "lang", "keys"),
    [
        ("Air-Strike", "en", ["air strike", "air-strike", "airstrike"]),
        ("air strike", None, ["air strike", "air-strike", "airstrike"]),
        ("โจมตี ทางอากาศ", "th", ["โจมตี ทางอากาศ", "โจมตีทางอากาศ"]),
        (" - ", "en", []),
    ],
)
def test_words_join_by_space_hyphen_or_nothing(
    term: str, lang: str | None, keys: list[str]
) -> None:
    assert term_keys(term, lang) == keys


@pytest.mark.parametrize(
    ("code", "term", "lang"),
    [
        ("de", "Luftangriff", "de"),
        ("", "air strike", None),
        ("", "авиаудар", None),
        ("", "غارة جوية", "ar"),
        ("", "โจมตี", "th"),
        ("", "אזעקה", "he"),
        ("", "空袭", "zh"),
        ("", "ミサイル", "ja"),
        ("", "공습경보", "ko"),
        ("", "हवाई हमला", None),
        ("", "საჰაერო განგაში", None),
    ],
)
def test_a_keyword_follows_its_script(code: str, term: str, lang: str | None) -> None:
    assert boundary_language(code, term) == lang


def test_terms_after_a_letter_are_rejected_where_the_matcher_skips_them() -> None:
    """The matcher drops a hit right after a letter without asking, for these languages."""
    assert sorted(lang for lang in (*SUFFIXES, "he", "zh", "ja") if not must_start_word(lang)) == [
        "ar",
        "he",
        "ja",
        "th",
        "zh",
    ]
    for lang in SUFFIXES:
        if must_start_word(lang):
            assert word_span("xab", 1, 3, False, lang) is None
            assert word_span("xab", 1, 3, True, lang) is None


# --------------------------------------------------------------------------- scripts of issue 14


@pytest.mark.parametrize(
    ("text", "key", "lang", "covered"),
    [
        ("乌克兰多地拉响防空警报,局势骤然紧张", "防空警报", "zh", "防空警报"),  # no spaces
        ("全国で空襲警報が出された", "空襲警報", "ja", "空襲警報"),
        ("空袭警报", "空袭", "zh", "空袭"),  # a substring: compounds are the guards' business
    ],
)
def test_chinese_and_japanese_terms_are_substrings(
    text: str, key: str, lang: str, covered: str
) -> None:
    assert _span(text, key, lang) == covered


@pytest.mark.parametrize(
    ("text", "covered"),
    [
        ("אזעקה נשמעה בשדרות", "אזעקה"),
        ("ואזעקה נשמעה", "אזעקה"),  # ו
        ("שהאזעקה נשמעה", "אזעקה"),  # ש + ה, stacked
        ("ובהאזעקה", "אזעקה"),  # three prefixes
        ("ושבהאזעקה", None),  # four is no Hebrew word
        ("תאזעקה", None),  # ת is no prefix
        ("אזעקהות", None),  # nothing after the term's end
    ],
)
def test_hebrew_prefixes(text: str, covered: str | None) -> None:
    assert _span(text, "אזעקה", "he") == covered


def test_hebrew_later_words_take_the_article_as_the_noun_does() -> None:
    assert term_keys("תקיפה אווירית", "he") == sorted(["תקיפה האווירית", "תקיפה אווירית"])
    assert _span("בעקבות התקיפה האווירית", "תקיפה האווירית", "he") == "תקיפה האווירית"


def test_persian_zero_width_non_joiner_is_nothing_or_a_space() -> None:
    assert term_keys("زنگ\u200cهای خطر", "fa") == [
        normalize("زنگ های خطر"),
        normalize("زنگهای خطر"),
    ]
    assert normalize("زنگ\u200cهای خطر") == normalize("زنگهای خطر")


def test_persian_plural_inside_a_term_and_endings_after_it() -> None:
    keys = term_keys("حمله موشکی", "fa")
    assert normalize("حمله‌های موشکی") in keys  # the plural with its ezafe, joined
    assert normalize("حمله های موشکی") in keys  # or typed with a space
    assert _span("پهپادها را", "پهپاد", "fa") == normalize("پهپادها")
    assert _span("پهپادی", "پهپاد", "fa") == normalize("پهپادی")
    assert _span("پهپادسازی", "پهپاد", "fa") is None


@pytest.mark.parametrize(
    ("text", "covered"),
    [
        ("공습경보가 발령됐다", "공습경보가"),
        ("공습경보를 해제했다", "공습경보를"),
        ("공습경보에서는", "공습경보에서는"),  # a stack of particles
        ("공습경보기", None),  # 기 is no particle
    ],
)
def test_korean_particles_after_a_noun(text: str, covered: str | None) -> None:
    assert _span(text, "공습경보", "ko") == covered


@pytest.mark.parametrize(
    ("text", "key", "stem", "covered"),
    [
        ("ड्रोन हमला हुआ", "ड्रोन हमल", False, None),  # the vowel sign ा is inside the word
        ("ड्रोन हमले हुए", "ड्रोन हमल", True, "ड्रोन हमले"),  # a stem runs to the word's end
        ("ड्रोन हमलों में", "ड्रोन हमल", True, "ड्रोन हमलों"),  # with the anusvara
        ("मिसाइल हमला", "मिसाइल हमला", False, "मिसाइल हमला"),
        ("क्रूज़ मिसाइल", "क्रूज़ मिसाइल", False, "क्रूज़ मिसाइल"),  # nukta, either spelling
        ("क्रूज़ मिसाइल", "क्रूज़ मिसाइल", False, "क्रूज़ मिसाइल"),
    ],
)
def test_devanagari_marks_belong_to_the_word(
    text: str, key: str, stem: bool, covered: str | None
) -> None:
    assert _span(text, key, "hi", stem) == (covered and normalize(covered))


def test_marks_are_letters_and_punctuation_is_not() -> None:
    assert all(is_word(c) for c in "\u093e\u094d\u0902\u0901\u093c")  # ा ् ं ँ ़
    assert not any(is_word(c) for c in " ,.-\u0964")  # । danda ends a sentence


@pytest.mark.parametrize(
    ("text", "stem", "covered"),
    [
        ("საჰაერო განგაში გამოცხადდა", True, "საჰაერო განგაში"),
        ("საჰაერო განგაშის ხმა", True, "საჰაერო განგაშის"),
        ("ასაჰაერო განგაში", True, None),  # a stem starts a word
        ("საჰაერო განგაში", False, None),  # a term takes no Georgian ending
    ],
)
def test_georgian_words(text: str, stem: bool, covered: str | None) -> None:
    assert _span(text, "საჰაერო განგაშ", "ka", stem) == covered


def test_turkish_dotted_and_dotless_i_are_one_letter() -> None:
    key = normalize("hava saldırı")
    for text in ("HAVA SALDIRISI", "Hava saldırısı", "hava saldirisi", "HAVA SALDİRİSİ"):
        assert _span(text, key, "tr", stem=True) == normalize("hava saldırısı")


def test_serbian_terms_are_searched_in_both_scripts() -> None:
    keys = term_keys("vazdušna opasnost", "sr")
    assert normalize("ваздушна опасност") in keys
    assert normalize("vazdušna opasnost") == "vazdusna opasnost" and "vazdusna opasnost" in keys
    assert term_keys("ваздушна опасност", "sr") == keys
    assert stem_keys("евакуац", "sr") == ["evakuac", "евакуац"]


def test_vietnamese_keys_keep_the_letters_only_vietnamese_writes() -> None:
    assert term_keys("không kích", "vi")[0] == "khong kich"  # ô, í are French letters too
    assert normalize("không kích") not in normalize("trận đấu không kịch tính")
    assert normalize("bom") not in normalize("bốm") and normalize("báo") != normalize("bão")
    assert _span("CUỘC KHÔNG KÍCH", "cuộc không kích", "vi") == normalize("cuộc không kích")
