"""Which of the gazetteer's keys a text contains, read from the places store's index rather
than held in memory as an automaton of all of them (bench/README.md, "Daemon memory, fifth
round").

The store files each key under a *head* (:func:`head`); a text is cut into the heads a key
found in it could have (:func:`heads_in`), the store returns the keys filed under those, and
each is confirmed by comparing strings (:func:`confirmed`). What counts is what an automaton
of every key finds, less the hits of a spaced script's key after a letter, which the
extractor drops (:func:`~.extract._word_end`):

* a key of a spaced script counts only where no letter stands before it, so it is looked for
  only there; its head is its first word, which is the text's word from there on (the key has
  more words) or a prefix of it (``харків`` in ``харківській``);
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


def anywhere(key: str) -> bool:
    """Whether ``key`` may count with a letter right before it."""
    return bool(UNSPACED.search(key)) or is_arabic(key[0])


def head(key: str) -> str:
    """What ``key`` is filed under."""
    return key[:ANYWHERE_HEAD] if anywhere(key) else key.split(" ", 1)[0]


def heads_in(text: str, longest_word: int, longest_anywhere: int) -> dict[str, list[int]]:
    """The heads of the keys ``text`` may contain, each with where such a key would start;
    ``longest_word``, the longest head of a spaced script's key, ``longest_anywhere``, the
    longest of the other keys."""
    out: dict[str, list[int]] = {}
    for start, longest in _starts(text, longest_word, longest_anywhere):
        for end in range(start + 1, min(start + longest, len(text)) + 1):
            out.setdefault(text[start:end], []).append(start)
    return out


def _starts(text: str, longest_word: int, longest_anywhere: int) -> Iterable[tuple[int, int]]:
    """Where a key may start, each with the longest head looked for there."""
    size = len(text)
    unspaced = [m.start() for m in UNSPACED.finditer(text)]
    next_unspaced = size + longest_anywhere  # of the next start's window, going backwards
    near = [False] * size
    for i in reversed(range(size)):
        if unspaced and unspaced[-1] == i:
            next_unspaced = unspaced.pop()
        near[i] = next_unspaced - i < longest_anywhere or is_arabic(text[i])
    for i in range(size):
        longest = ANYWHERE_HEAD if near[i] else 0
        if text[i] != " " and (i == 0 or not is_word(text[i - 1])):
            space = text.find(" ", i)
            longest = max(longest, min((size if space < 0 else space) - i, longest_word))
        if longest:
            yield i, longest


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
