"""The word-boundary rules per script: where a term, a keyword or a stem may start and end."""

from __future__ import annotations

import pytest

from advisorywatch.rules.boundaries import (
    SUFFIXES,
    boundary_language,
    must_start_word,
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
    ],
)
def test_a_keyword_follows_its_script(code: str, term: str, lang: str | None) -> None:
    assert boundary_language(code, term) == lang


def test_terms_after_a_letter_are_rejected_where_the_matcher_skips_them() -> None:
    """The matcher drops a hit right after a letter without asking, for these languages."""
    assert [lang for lang in SUFFIXES if not must_start_word(lang)] == ["ar", "th"]
    for lang in SUFFIXES:
        if must_start_word(lang):
            assert word_span("xab", 1, 3, False, lang) is None
            assert word_span("xab", 1, 3, True, lang) is None
