"""Where a term may start and end in a text, per language and script: the word-boundary rules.

The matcher (:mod:`.matcher`) finds every term, stem and keyword as a plain substring of the
normalised text; the rules here then say which of those candidates are words. What each
language allows (a keyword, which has no language, follows its script: Thai, Arabic, Hebrew,
Han, kana and Hangul letters make it ``th``, ``ar``, ``he``, ``zh``, ``ja`` or ``ko``, any
other script the *default* row):

==============  =======================  ==================  =======================================
language        before the term          between its words   after its last word
==============  =======================  ==================  =======================================
default         not a letter             space, ``-`` or     not a letter, or one ending of
(Latin,                                  nothing             ``SUFFIXES`` then not a letter:
Cyrillic,                                (``air-strike``,    default ``s es``, en ``s es``,
Greek,                                   ``airstrike``)      fr ``s x``, es ``s es``, it none,
Georgian,                                                    de ``e en n s es``, id ``nya``,
Devanagari)                                                  ru ``а у ом ы и ов е``,
                                                             uk ``а у ом и і ів``, el none,
                                                             ko the particles (``은 는 이 가 을
                                                             를 에 에서 으로 로 의`` ...)
ar (Arabic)     not a letter, or only    a space; each word  not a letter, or ``ها هم ات``
                clitics before it in     without its article
                its word: ``و`` or       ``ال``, later words
                ``ف`` (optional), then   with or without it
                one of ``ال بال كال``    (terms of up to 5
                ``لل ب ك ل`` (optional)  words)
                (``والغارات``)
fa (Persian)    not a letter             a space (with the   not a letter, or ``ها هاي هايي ان ات
                                         plural ``هاي`` or   ي اي`` then not a letter
                                         not, in terms of
                                         up to 3 words);
                                         where the term has
                                         a zero-width non-
                                         joiner: nothing or
                                         a space
he (Hebrew)     not a letter, or one to  a space; later      not a letter
                three of the prefixes    words with or
                ``ו ה ב ל מ ש כ`` in     without the
                its word (``ובירושלים``) article ``ה``
                                         (terms of up to 4
                                         words)
th (Thai)       anything but a leading   a space or nothing  anything but a character that
                vowel ``เ แ โ ใ ไ``                          continues the syllable (vowel signs,
                (it belongs to the                           tone marks: ``_THAI_CONTINUES``)
                next consonant)
zh, ja          anything                 a space or nothing  anything
==============  =======================  ==================  =======================================

Chinese and Japanese are written without spaces, so their terms are plain substrings; a
concept's ``guards`` (compounds that change a term's meaning, such as ``防空袭`` around
``空袭``) drop the hits they overlap (:mod:`.matcher`). Serbian terms, stems and guards are
matched in Cyrillic and Latin alike (:mod:`.spellings`).

A stem has no joins and no endings: it is a word prefix, and its hit extends to the end of the
word (``авіаудар`` → ``авіаударів``, Turkish ``saldırı`` → ``saldırısında``, Korean ``폐쇄`` →
``폐쇄했다``); a Thai, Chinese or Japanese stem is a plain substring (only a Thai stem's start
is checked). A letter here is any alphanumeric character, ``_`` (Python's ``\\w``) or a
combining mark (category M: Devanagari vowel signs, virama and anusvara are inside a word,
where ``\\w`` would end it).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import product

from advisorywatch.rules.normalize import normalize
from advisorywatch.rules.spellings import spellings

# Korean particles (and the most common of their stacks) after a noun, longest first.
_KO_PARTICLES = (
    *("에서는", "에서도", "으로는", "으로서", "으로써", "에게서", "이라는", "이라고"),
    *("에서", "에게", "께서", "으로", "까지", "부터", "에는", "에도", "이나", "이다", "이며"),
    *("라는", "라고", "로는", "로서", "로써", "처럼", "보다", "마다", "과는", "와는"),
    *("은", "는", "이", "가", "을", "를", "에", "로", "의", "와", "과", "도", "만", "께"),
)
# Endings accepted after the last word of a term ("simple plurals" and common clitics).
SUFFIXES: dict[str | None, tuple[str, ...]] = {
    None: ("s", "es"),
    "en": ("s", "es"),
    "fr": ("s", "x"),
    "es": ("s", "es"),
    "it": (),
    "de": ("e", "en", "n", "s", "es"),
    "id": ("nya",),
    "ru": ("а", "у", "ом", "ы", "и", "ов", "е"),
    "uk": ("а", "у", "ом", "и", "і", "ів"),
    "el": (),
    "ar": ("ها", "هم", "ات"),
    "fa": ("ها", "هاي", "هايي", "ان", "ات", "ي", "اي"),
    "th": (),
    "ko": _KO_PARTICLES,
}
# The Persian plural with its ezafe, after a word inside a term ("حمله‌های موشکی").
_FA_INNER_PLURAL = ("", "هاي", " هاي")
# What may stand before a word inside the same written word, per language.
_PREFIXES: dict[str | None, re.Pattern[str]] = {
    "ar": re.compile("[وف]?(?:[بك]?ال|لل|[بكل])?"),
    "he": re.compile("[ושהבלמכ]{1,3}"),
}
_AR_ARTICLE = "ال"
_HE_ARTICLE = "ה"
# The language of a keyword by its script; keywords in any other script have none.
_SCRIPTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile("[\u0e00-\u0e7f]"), "th"),
    (re.compile("[\u0600-\u06ff]"), "ar"),
    (re.compile("[\u0590-\u05ff]"), "he"),
    (re.compile("[\u3040-\u30ff]"), "ja"),
    (re.compile("[\u4e00-\u9fff\u3400-\u4dbf]"), "zh"),
    (re.compile("[\uac00-\ud7af\u1100-\u11ff]"), "ko"),
)
# Languages written without spaces: a term is any substring.
_UNSPACED = frozenset({"zh", "ja"})
# Languages whose terms may begin right after a letter of the same written word.
_JOINED_BEFORE = frozenset({"th", "ar", "he"}) | _UNSPACED
# Thai vowels written before the consonant they follow in speech.
_THAI_LEADING_VOWELS = frozenset("เแโใไ")
# Thai characters that continue the syllable of the consonant before them.
_THAI_CONTINUES = frozenset(
    "\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a"
) | {chr(c) for c in range(0x0E45, 0x0E4F)}
_ZWNJ = "\u200c"


def is_word(c: str) -> bool:
    """Whether ``c`` is a letter in the sense of the rules above (``\\w`` or a mark)."""
    return c.isalnum() or c == "_" or (c > "\u02ff" and unicodedata.category(c)[0] == "M")


def boundary_language(code: str, term: str) -> str | None:
    """The language whose rules apply to a term; a keyword's (``code`` empty) is its script's."""
    if code:
        return code
    return next((lang for script, lang in _SCRIPTS if script.search(term)), None)


def must_start_word(lang: str | None) -> bool:
    """Whether every hit of a term of ``lang`` needs a non-letter (or nothing) before it."""
    return lang not in _JOINED_BEFORE


def stem_keys(stem: str, lang: str | None) -> list[str]:
    """The texts to search for a stem."""
    return [key for form in spellings(stem, lang) if (key := form.strip())]


def term_keys(term: str, lang: str | None) -> list[str]:
    """The texts to search for a term: its words joined as the table above allows."""
    if lang == "fa" and _ZWNJ in term:  # a zero-width non-joiner is nothing or a space
        parts = term.split(_ZWNJ)
        joined = (
            "".join(p + j for p, j in zip(parts, (*joins, ""), strict=True))
            for joins in product(("", " "), repeat=len(parts) - 1)
        )
        return sorted({" ".join(normalize(s).split()) for s in joined})
    keys: set[str] = set()
    for form in spellings(term, lang):
        keys.update(_joined(form, lang))
    return sorted(keys)


def _joined(form: str, lang: str | None) -> set[str]:
    words = [w for w in re.split(r"[\s\-]+", form) if w]
    if not words:
        return set()
    if lang == "th" or lang in _UNSPACED:
        return {" ".join(words), "".join(words)}
    if lang == "fa":
        inner = [[w + p for p in _FA_INNER_PLURAL] if len(words) <= 3 else [w] for w in words[:-1]]
        return {" ".join([*combo, words[-1]]) for combo in product(*inner)}
    if lang == "he":  # a definite noun's adjective takes the article too: "התקיפה האווירית"
        later = [(w, _HE_ARTICLE + w) if len(words) <= 4 else (w,) for w in words[1:]]
        return {" ".join([words[0], *combo]) for combo in product(*later)}
    if lang == "ar":
        bare = [_strip_article(w) for w in words]
        later = [(w, _AR_ARTICLE + w) if len(bare) <= 5 else (w,) for w in bare[1:]]
        return {" ".join([bare[0], *combo]) for combo in product(*later)}
    return {" ".join(words), "-".join(words), "".join(words)}


def _strip_article(word: str) -> str:
    return word[2:] if word.startswith(_AR_ARTICLE) and len(word) > 3 else word


def word_span(
    text: str, start: int, end: int, stem: bool, lang: str | None
) -> tuple[int, int] | None:
    """The span a candidate ``text[start:end]`` (a term's key, or a stem) really covers with its
    ending, or None when it sits inside another word."""
    if lang in _UNSPACED:
        return start, end
    if lang == "th":
        if start > 0 and text[start - 1] in _THAI_LEADING_VOWELS:
            return None
        if not stem and end < len(text) and text[end] in _THAI_CONTINUES:
            return None
        return start, end
    if start > 0 and is_word(text[start - 1]) and is_word(text[start]):
        prefixes = _PREFIXES.get(lang)
        if prefixes is None:
            return None
        w = start - 1
        while w > 0 and is_word(text[w - 1]):
            w -= 1
        if not prefixes.fullmatch(text, w, start):
            return None
    n = len(text)
    if stem:
        while end < n and is_word(text[end]):
            end += 1
        return start, end
    if end == n or not is_word(text[end]) or not is_word(text[end - 1]):
        return start, end
    for suffix in SUFFIXES.get(lang, ()):
        after = end + len(suffix)
        if text.startswith(suffix, end) and (after == n or not is_word(text[after])):
            return start, after
    return None
