"""Normalisation and the offset map back to the original text."""

from __future__ import annotations

import random
import re
import unicodedata
from typing import Any

import pytest

from advisorywatch.rules.normalize import (
    _fold,
    _latin1_folded,
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


def test_latin1_text_folds_as_any_other_text() -> None:
    """A text of Latin-1 characters takes one byte table (``_latin1_folded``); it gives what
    the general path (``_fold``) gives, for every Latin-1 character in any company, and a
    text with one the table cannot stand for (``ß``, the soft hyphen) takes the general path."""
    latin1 = [chr(c) for c in range(256) if unicodedata.is_normalized("NFKC", chr(c))]
    rng = random.Random(11)
    texts = ["".join(latin1), *("".join(rng.choices(latin1, k=40)) for _ in range(2000))]
    for text in texts:
        fast = _latin1_folded(text)
        if fast is None:
            assert "ß" in text or "\u00ad" in text, repr(text)
            continue
        steps: list[Any] = []
        assert fast == _fold(text, steps), repr(text)
        assert not steps
    assert _latin1_folded("Ambassade fermée à Gaza") == "ambassade fermee a gaza"
    assert _latin1_folded("Straße") is None
    assert _latin1_folded("επιδρομή") is None
    assert normalize_text("Straße\u00adn À").text == "strassen a"
