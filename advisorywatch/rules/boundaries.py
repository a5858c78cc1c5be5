"""Where a term may start and end in a text, per language and script: the word-boundary rules.

The matcher (:mod:`.matcher`) finds every term, stem and keyword as a plain substring of the
normalised text; the rules here then say which of those candidates are words. What each
language allows (a keyword, which has no language, follows its script: Thai and Arabic letters
make it ``th`` or ``ar``, any other script the *default* row):

==============  =======================  ==================  =======================================
language        before the term          between its words   after its last word
==============  =======================  ==================  =======================================
default         not a letter             space, ``-`` or     not a letter, or one ending of
(Latin,                                  nothing             ``SUFFIXES`` then not a letter:
Cyrillic,                                (``air-strike``,    default ``s es``, en ``s es``,
Greek)                                   ``airstrike``)      fr ``s x``, es ``s es``, it none,
                                                             de ``e en n s es``, id ``nya``,
                                                             ru ``а у ом ы и ов е``,
                                                             uk ``а у ом и і ів``, el none
ar (Arabic)     not a letter, or only    a space; each word  not a letter, or ``ها هم ات``
                clitics before it in     without its article
                its word: ``و`` or       ``ال``, later words
                ``ف`` (optional), then   with or without it
                one of ``ال بال كال``    (terms of up to 5
                ``لل ب ك ل`` (optional)  words)
                (``والغارات``)
th (Thai)       anything but a leading   a space or nothing  anything but a character that
                vowel ``เ แ โ ใ ไ``                          continues the syllable (vowel signs,
                (it belongs to the                           tone marks: ``_THAI_CONTINUES``)
                next consonant)
==============  =======================  ==================  =======================================

A stem has no joins and no endings: it is a word prefix, and its hit extends to the end of the
word (``авіаудар`` → ``авіаударів``); a Thai stem is a plain substring (only its start is
checked). A letter here is any alphanumeric character or ``_`` (Python's ``\\w``).
"""

from __future__ import annotations

import re
from itertools import product

from advisorywatch.rules.normalize import normalize

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
    "th": (),
}
# What may stand before an Arabic word, inside the same written word.
_AR_CLITICS = re.compile("[وف]?(?:[بك]?ال|لل|[بكل])?")
_AR_ARTICLE = "ال"
# The language of a keyword by its script; keywords in any other script have none.
_SCRIPTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile("[\u0e00-\u0e7f]"), "th"),
    (re.compile("[\u0600-\u06ff]"), "ar"),
)
# Languages whose terms may begin right after a letter of the same written word.
_JOINED_BEFORE = frozenset({"th", "ar"})
# Thai vowels written before the consonant they follow in speech.
_THAI_LEADING_VOWELS = frozenset("เแโใไ")
# Thai characters that continue the syllable of the consonant before them.
_THAI_CONTINUES = frozenset(
    "\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a"
) | {chr(c) for c in range(0x0E45, 0x0E4F)}


def is_word(c: str) -> bool:
    """Whether ``c`` is a letter in the sense of the rules above (``\\w``)."""
    return c.isalnum() or c == "_"


def boundary_language(code: str, term: str) -> str | None:
    """The language whose rules apply to a term; a keyword's (``code`` empty) is its script's."""
    if code:
        return code
    return next((lang for script, lang in _SCRIPTS if script.search(term)), None)


def must_start_word(lang: str | None) -> bool:
    """Whether every hit of a term of ``lang`` needs a non-letter (or nothing) before it."""
    return lang not in _JOINED_BEFORE


def term_keys(term: str, lang: str | None) -> list[str]:
    """The texts to search for a term: its words joined as the table above allows."""
    words = [w for w in re.split(r"[\s\-]+", normalize(term)) if w]
    if not words:
        return []
    if lang == "th":
        return sorted({" ".join(words), "".join(words)})
    if lang == "ar":
        bare = [_strip_article(w) for w in words]
        choices = [(w, _AR_ARTICLE + w) for w in bare[1:]] if len(bare) <= 5 else []
        keys = {" ".join([bare[0], *combo]) for combo in product(*choices)}
        keys.add(" ".join(bare))
        return sorted(keys)
    return sorted({" ".join(words), "-".join(words), "".join(words)})


def _strip_article(word: str) -> str:
    return word[2:] if word.startswith(_AR_ARTICLE) and len(word) > 3 else word


def word_span(
    text: str, start: int, end: int, stem: bool, lang: str | None
) -> tuple[int, int] | None:
    """The span a candidate ``text[start:end]`` (a term's key, or a stem) really covers with its
    ending, or None when it sits inside another word."""
    if lang == "th":
        if start > 0 and text[start - 1] in _THAI_LEADING_VOWELS:
            return None
        if not stem and end < len(text) and text[end] in _THAI_CONTINUES:
            return None
        return start, end
    if start > 0 and is_word(text[start - 1]) and is_word(text[start]):
        if lang != "ar":
            return None
        w = start - 1
        while w > 0 and is_word(text[w - 1]):
            w -= 1
        if not _AR_CLITICS.fullmatch(text, w, start):
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
