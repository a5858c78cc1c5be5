"""Which of the gazetteer's keys a text contains, read from the places store's index rather
than held in memory as an automaton of all of them (bench/README.md, "Daemon memory, fifth
round").

The store files each key under a *head* (:func:`head`); a text is cut into the heads a key
found in it could have (:func:`heads_in`), the store returns the keys filed under those, and
each is confirmed by comparing strings (:func:`confirmed`). What counts is what an automaton
of every key finds, less the hits of a spaced script's key after a letter, which the
extractor drops (:func:`~.extract._word_end`):

* a key of a spaced script counts only where no letter stands before it, so it is looked for
  only there. A key of one word is filed under itself: it is a prefix of the text's word from
  there on (``харків`` in ``харківській``). A key of several words is filed under its first
  word, the space and up to :data:`NEXT_WORD` more characters (``san jo`` of ``san jose``, not
  ``san`` with hundreds of others): the text's word from there on is its first word;
* a key of a script written without spaces (Thai, Chinese, Japanese, Korean) or beginning
  with an Arabic letter (clitics may come before it) counts anywhere; its head is its first
  :data:`ANYWHERE_HEAD` characters, looked for wherever such a key can start: at an Arabic
  letter, or near enough before a character of those scripts.
"""

from __future__ import annotations

from collections.abc import Iterable

from advisorywatch.rules.boundaries import is_word
from advisorywatch.rules.places.gazetteer import UNSPACED, is_arabic

ANYWHERE_HEAD = 3
NEXT_WORD = 2


def anywhere(key: str) -> bool:
    """Whether ``key`` may count with a letter right before it."""
    return bool(UNSPACED.search(key)) or is_arabic(key[0])


def head(key: str) -> str:
    """What ``key`` is filed under."""
    if anywhere(key):
        return key[:ANYWHERE_HEAD]
    space = key.find(" ")
    return key if space < 0 else key[: space + 1 + NEXT_WORD]


def first_word(key: str) -> str:
    """What a text's word must be for ``key`` of several words to start there (or, of one
    word, to be its prefix)."""
    return key.split(" ", 1)[0]


def heads_in(text: str, longest_word: int, longest_anywhere: int) -> dict[str, list[int]]:
    """The heads of the keys ``text`` may contain, each with where such a key would start;
    ``longest_word``, the longest first word of a spaced script's key, ``longest_anywhere``,
    the longest of the other keys."""
    out: dict[str, list[int]] = {}
    size = len(text)
    near = _near_anywhere(text, longest_anywhere)
    for i in range(size):
        longest = ANYWHERE_HEAD if near[i] else 0
        if text[i] != " " and (i == 0 or not is_word(text[i - 1])):
            space = text.find(" ", i)
            word = (size if space < 0 else space) - i
            longest = max(longest, min(word, longest_word))
            if space >= 0 and word <= longest_word:  # keys of several words: see head()
                for end in range(space + 2, min(space + 1 + NEXT_WORD, size) + 1):
                    out.setdefault(text[i:end], []).append(i)
        for end in range(i + 1, min(i + longest, size) + 1):
            out.setdefault(text[i:end], []).append(i)
    return out


def _near_anywhere(text: str, longest_anywhere: int) -> list[bool]:
    """Per position, whether a key that counts anywhere may start there: at an Arabic letter,
    or less than ``longest_anywhere`` before a character of the scripts without spaces."""
    unspaced = [m.start() for m in UNSPACED.finditer(text)]
    next_unspaced = len(text) + longest_anywhere
    near = [False] * len(text)
    for i in reversed(range(len(text))):
        if unspaced and unspaced[-1] == i:
            next_unspaced = unspaced.pop()
        near[i] = next_unspaced - i < longest_anywhere or is_arabic(text[i])
    return near


def confirmed(
    text: str, rows: Iterable[tuple[str, str, int, bool]], heads: dict[str, list[int]]
) -> list[tuple[int, int, int]]:
    """``rows`` (head, key, key index, anywhere) filed under ``heads``: where each stands in
    ``text`` and counts, as (key index, start, end), by start, the shorter first (an
    automaton's order, which ties in the extractor follow)."""
    found = set()
    for key_head, key, index, free in rows:
        for start in heads[key_head]:
            if (free or start == 0 or not is_word(text[start - 1])) and text.startswith(key, start):
                found.add((start, start + len(key), index))
    return [(index, start, end) for start, end, index in sorted(found)]
