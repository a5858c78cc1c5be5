"""Normalisation and the offset map back to the original text."""

from __future__ import annotations

import contextlib
import random
import re
import unicodedata
from typing import Any

import pytest

from advisorywatch.rules.normalize import (
    _CODECS,
    _byte_fold,
    _byte_folded,
    _fold,
    normalize,
    normalize_pattern,
    normalize_text,
)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Air&nbsp;Strike", "air strike"),
        ("&lt;b&gt;AIR strike&lt;/b&gt;", "<b>air strike</b>"),
        ("air\u00adstrike", "airstrike"),
        ("air\u200bstrike", "airstrike"),
        ("l’ambassade l‘x lʼy", "l'ambassade l'x l'y"),
        ("air\u2013strike", "air-strike"),
        ("air \n\t  strike", "air strike"),
        ("ＡＩＲ ｓｔｒｉｋｅ", "air strike"),
        ("FRAPPE AÉRIENNE", "frappe aerienne"),
        ("Straße Luftschläge", "strasse luftschlage"),
        ("ΑΕΡΟΠΟΡΙΚΉ ΕΠΙΔΡΟΜΉ", "αεροπορικη επιδρομη"),
        ("επιδρομές", "επιδρομεσ"),
        ("Ёлка", "елка"),
        ("Йод, їжак", "йод, їжак"),
        ("уда\u0301р", "удар"),
        ("غارَةٌ جَوِّيَّة", "غاره جويه"),
        ("أعلنت إلى آخر ـــ", "اعلنت الي اخر "),
        ("ทำ", "ทํา"),
        ("İSTANBUL ISTANBUL ıstanbul Istanbul", "istanbul istanbul istanbul istanbul"),
        ("زنگ\u200cهای خطر", "زنگهاي خطر"),  # ZWNJ removed, ی → ي
        ("موشک كاربرد", "موشك كاربرد"),  # ک → ك
        ("حملهٔ حملۀ ە", "حمله حمله ه"),  # the Persian forms of ه
        ("۱۴۰۳ ٢٠٢٤", "1403 2024"),  # Persian and Arabic-Indic digits
        ("כטב״ם צה׳׳ל", "כטב\"ם צה''ל"),  # gershayim and geresh
        ("“quoted”", '"quoted"'),
        ("CUỘC KHÔNG KÍCH", "cuộc khong kich"),  # ộ is Vietnamese only; ô, í fold as in French
        ("không kịch", "khong kịch"),
        ("bão báo bốm bom", "bão bao bốm bom"),
        ("क़ानून", "क\u093cानून"),  # nukta: NFKC's one form (क + ़)
        ("क\u093cानून", "क\u093cानून"),
        ("ক্ষেপণাস্ত্র", "ক্ষেপণাস্ত্র"),  # Indic vowel signs and virama are kept
    ],
)
def test_normal_form(raw: str, normal: str) -> None:
    assert normalize(raw) == normal


@pytest.mark.parametrize(
    ("raw", "word", "original"),
    [
        ("Big Air&nbsp;Strike!", "air strike", "Air&nbsp;Strike"),
        ("x Straße y", "strasse", "Straße"),
        ("an air\u00adstrike now", "airstrike", "air\u00adstrike"),
        ("ﬁnal ﬁre", "fire", "ﬁre"),
        ("Ёлка ΐα", "ια", "ΐα"),
        ("قال: غارَةٌ جوية", "غاره جويه", "غارَةٌ جوية"),
        ("a  \n  b   air  strike", "air strike", "air  strike"),
        ("Quan chức: “Hãy ở trong nơi trú ẩn!”", "ở trong nơi tru ẩn", "ở trong nơi trú ẩn"),
        ("ХАБЕР: İSTANBUL'DA hava saldırısı", "istanbul'da", "İSTANBUL'DA"),
        ("قال: زنگ\u200cهای خطر", "زنگهاي خطر", "زنگ\u200cهای خطر"),
    ],
)
def test_offsets_map_back_to_the_exact_original(raw: str, word: str, original: str) -> None:
    n = normalize_text(raw)
    start = n.text.index(word)
    a, b = n.original_span(start, start + len(word))
    assert raw[a:b] == original


def test_offset_map_on_random_text() -> None:
    """Every word of the normal form maps back to a slice that normalises to that word."""
    palette = [
        "air",
        "Strike",
        "Straße",
        "&amp;",
        "&nbsp;",
        "\u00ad",
        "\u200b",
        "ΐ",
        "Ё",
        "й",
        "غارَةٌ",
        "ـ",
        "ﬁ",
        "…",
        "  ",
        "\n",
        "é",
        "e\u0301",
        "ทำ",
        "İ",
        "’",
        "—",
        "½",
    ]
    rng = random.Random(7)
    for _ in range(300):
        raw = "".join(rng.choice(palette) + rng.choice(["", " "]) for _ in range(12))
        n = normalize_text(raw)
        assert n.text == normalize(raw)
        for m in re.finditer(r"\S+", n.text):
            a, b = n.original_span(*m.span())
            assert 0 <= a <= b <= len(raw)
            assert normalize(raw[a:b]).strip() == m.group(), (raw, m.group(), raw[a:b])


def test_pattern_normalisation_keeps_regex_escapes() -> None:
    assert normalize_pattern(r"\bferm(?:ée|e)\S+\W") == r"\bferm(?:ee|e)\S+\W"
    assert normalize_pattern("επ[ιί]θ[εέ]σ") == "επ[ιι]θ[εε]σ"


@pytest.mark.parametrize("codec", ["latin-1", *_CODECS])
def test_text_of_an_8bit_codec_folds_as_any_other_text(codec: str) -> None:
    """A text that Latin-1 or one of the 8-bit codecs encodes takes one byte table
    (``_byte_folded``); it gives what the general path (``_fold``) gives, for every character
    of the codec in any company; a text with one the table cannot stand for (``ß``, the soft
    hyphen, a combining mark) takes the general path."""
    chars = []
    for b in range(256):
        with contextlib.suppress(UnicodeDecodeError):
            c = bytes([b]).decode(codec)
            if unicodedata.is_normalized("NFKC", c):
                chars.append(c)
    odd = set(_byte_fold(codec).odd.decode(codec, "ignore"))
    rng = random.Random(11)
    even = [c for c in chars if c not in odd]
    texts = ["".join(chars), *("".join(rng.choices(cs, k=40)) for cs in (chars, even) * 250)]
    folded = 0
    for text in texts:
        fast = _folded(text)
        if fast is None:  # an odd character, or no codec found in _TRIES
            continue
        steps: list[Any] = []
        assert fast == _fold(text, steps), repr(text)
        assert not steps
        folded += 1
    assert odd.isdisjoint(texts[0]) == (_folded(texts[0]) is not None)
    assert folded > len(texts) / 3


def _folded(text: str) -> str | None:
    folded = _byte_folded(text)
    return None if folded is None else folded[1].decode(folded[0])


def test_the_codec_is_chosen_by_the_characters_latin1_cannot_encode() -> None:
    assert _folded("Ambassade fermée à Gaza") == "ambassade fermee a gaza"
    assert _folded("L’ambassade «fermée» — Œuvre") == "l'ambassade «fermee» - œuvre"
    assert _folded("Ambasada zamknięta, ŁÓDŹ") == "ambasada zamknieta, łodz"
    assert _folded("ΑΕΡΟΠΟΡΙΚΉ επιδρομή") == "αεροπορικη επιδρομη"
    assert _folded("Посольство закрыто, Ёлка") == "посольство закрыто, елка"
    assert _folded("غارة إسرائيلية") == "غاره اسراييليه"
    assert _folded("ไซเรนเตือนภัยทางอากาศ") == "ไซเรนเตือนภัยทางอากาศ"  # tone marks
    assert _folded("Straße") is None  # ß is two letters folded
    assert _folded("ΑΕΡΟΠΟΡΙΚΉ Посольство") is None  # no one codec
    assert normalize_text("Straße\u00adn À").text == "strassen a"


def test_a_text_of_another_script_is_kept_in_its_codec_too() -> None:
    """The matcher runs its automaton of the keys a script's codec encodes on those bytes."""
    n = normalize_text("Посольство  ЗАКРЫТО, Ёлка")
    assert n.text == "посольство закрыто, елка"
    assert n.encoded == ("cp1251", n.text.encode("cp1251"))
    assert normalize_text("ΑΕΡΟΠΟΡΙΚΉ επιδρομή").encoded == (
        "cp1253",
        "αεροπορικη επιδρομη".encode("cp1253"),
    )
    assert normalize_text("Ambassade fermée").encoded is None  # Latin: ASCII once folded
    assert normalize_text("ΑΕΡΟΠΟΡΙΚΉ Посольство").encoded is None  # no one codec
