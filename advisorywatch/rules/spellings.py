"""The normal forms in which a lexicon entry of a language is searched.

Most entries have one, :func:`.normalize` of it. Serbian is written in two scripts, Cyrillic
and Latin, one letter (or digraph) for one: a Serbian term, stem or guard is searched in both,
from one entry in either script (Latin ones with their diacritics: ``vazdušna``), and a regex
written in Cyrillic gets a Latin twin.
"""

from __future__ import annotations

import re

from advisorywatch.rules.normalize import normalize, normalize_pattern

_CYRILLIC = "абвгдђежзијклљмнњопрстћуфхцчџш"
_LATIN = ["a", "b", "v", "g", "d", "đ", "e", "ž", "z", "i", "j", "k", "l", "lj", "m", "n", "nj"]
_LATIN += ["o", "p", "r", "s", "t", "ć", "u", "f", "h", "c", "č", "dž", "š"]
_TO_LATIN = str.maketrans(dict(zip(_CYRILLIC, _LATIN, strict=True)))
_TO_CYRILLIC = {lat: cyr for cyr, lat in zip(_CYRILLIC, _LATIN, strict=True)}
# Digraphs first, so that "nj" becomes "њ" rather than "нј".
_LATIN_LETTER = re.compile("|".join(sorted(map(re.escape, _TO_CYRILLIC), key=len, reverse=True)))
_SERBIAN_CYRILLIC = re.compile(f"[{_CYRILLIC}]")


def spellings(entry: str, lang: str | None, regex: bool = False) -> list[str]:
    """The normal forms of a term, stem or guard (of a regex if ``regex``) of ``lang``."""
    norm = normalize_pattern if regex else normalize
    if lang == "sr":
        twins = serbian_pattern_twins(entry) if regex else serbian_twins(entry.lower())
        return sorted({norm(twin) for twin in twins})
    return [norm(entry)]


def serbian_twins(text: str) -> list[str]:
    """``text`` (lower case) and its spelling in the other script."""
    if _SERBIAN_CYRILLIC.search(text):
        return [text, text.translate(_TO_LATIN)]
    return [text, _LATIN_LETTER.sub(lambda m: _TO_CYRILLIC[m.group()], text)]


def serbian_pattern_twins(source: str) -> list[str]:
    """A Serbian regex and, if it is written in Cyrillic, its Latin twin (Cyrillic letters are
    never part of an escape, so only the literal text changes; Latin ones may be: ``\\w``)."""
    if _SERBIAN_CYRILLIC.search(source):
        return [source, source.translate(_TO_LATIN)]
    return [source]
