"""Regexes of the lexicon and config, and the literals they cannot match without.

The built-in lexicon's regexes are trusted data and run on Python's ``re`` (some need
look-arounds; tests/rules/test_literals.py checks that none nests repeats); every other regex,
from ``config.yaml``, runs on the linear-time engine of :mod:`.linear`.

The matcher runs a regex only near a *trigger*, a literal that every match contains, found by
the same automaton as the terms; a second such set of literals, the *gate*, lets it skip the
stretches of text around a trigger that hold none of them. Both come from the regex's parse
tree (``re._parser``, the standard library's own parser): a run of literal characters, a group,
a repeat of at least once, every branch of an alternation, or a small character class (which
also carries a run of literals on, as one literal per character).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any, Protocol

from advisorywatch.rules.lexicon import available_concepts, load_concept
from advisorywatch.rules.linear import LinearRegex
from advisorywatch.rules.normalize import normalize_pattern
from advisorywatch.rules.spellings import spellings

# The shortest literal worth a place in the automaton (a shorter one is seen everywhere).
_MIN_TRIGGER = 3
# The most spellings one literal run may branch into through character classes.
_MAX_VARIANTS = 8

_parser: Any = importlib.import_module("re._parser")


class Regex(Protocol):
    """A compiled regex as the matcher uses it, on either engine."""

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> bool: ...

    def spans(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[tuple[int, int]]: ...

    @property
    def needles(self) -> frozenset[str] | None:
        """Literals of which every match holds one, if it looks for them itself."""
        ...


class _Trusted:
    """A built-in regex on Python's ``re``; ``needles``, literals of which every match holds
    one: a stretch of text without any of them is not searched (``str.find`` is faster than
    ``re`` trying each position of a regex that has no literal to start on)."""

    def __init__(self, source: str, needles: frozenset[str] | None = None) -> None:
        self._rx = re.compile(source, re.IGNORECASE)
        self._needles = needles

    @property
    def needles(self) -> frozenset[str] | None:
        return self._needles

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> bool:
        end = len(text) if endpos is None else endpos
        if self._needles is not None and all(text.find(n, pos, end) < 0 for n in self._needles):
            return False
        return self._rx.search(text, pos, end) is not None

    def spans(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[tuple[int, int]]:
        found = self._rx.finditer(text, pos, len(text) if endpos is None else endpos)
        return (m.span() for m in found if m.end() > m.start())


def compile_pattern(source: str) -> Regex:
    """Compile a lexicon or config regex for normalised text. Raises ``re.error``
    (:class:`.linear.Unsupported` for a config regex the linear-time engine cannot run)."""
    return compile_normal(normalize_pattern(source), source in builtin_patterns())


def variants(source: str, lang: str | None) -> list[tuple[str, bool]]:
    """Each normal form of a regex of ``lang`` (:func:`.spellings.spellings`), and whether it
    is a built-in one (trusted: Python's ``re``) or a config one (the linear-time engine)."""
    trusted = source in builtin_patterns()
    return [(v, trusted) for v in spellings(source, lang, regex=True)]


def compile_normal(normal: str, trusted: bool) -> Regex:
    """Compile a regex already in the normal form, on the engine ``trusted`` picks."""
    return _Trusted(normal) if trusted else LinearRegex(normal)


def compile_gated(normal: str, trusted: bool) -> Regex:
    """:func:`compile_normal` for a regex that runs where the automaton saw its trigger (an
    exclude): a built-in one first looks for its gate literals (:func:`pattern_gate`) with
    ``str.find`` and is not run where none of them is."""
    return _Trusted(normal, pattern_gate(normal)) if trusted else LinearRegex(normal)


def compile_any(normals: Iterable[tuple[str, bool]]) -> list[Regex]:
    """Regexes that together match where any of ``normals`` (see :func:`variants`) does: the
    built-in ones joined into one, and the config's joined into another."""
    groups: tuple[list[str], list[str]] = ([], [])
    for normal, trusted in normals:
        groups[not trusted].append(normal)
    joined = ["|".join(f"(?:{x})" for x in xs) for xs in groups]
    return [
        _Trusted(joined[0], _needles(joined[0])) if i == 0 else LinearRegex(joined[1])
        for i, xs in enumerate(groups)
        if xs
    ]


@cache
def builtin_patterns() -> frozenset[str]:
    """Every ``patterns``, ``exclude`` and ``exclude_item`` regex of the built-in lexicon."""
    out: set[str] = set()
    for name in available_concepts():
        concept = load_concept(name)
        for table in (concept.patterns, concept.exclude, concept.exclude_item):
            out.update(x for xs in table.values() for x in xs)
    return frozenset(out)


def pattern_triggers(source: str) -> frozenset[str] | None:
    """Literals of which every match of the regex contains at least one, or None when the
    regex has no literal of at least ``_MIN_TRIGGER`` characters it cannot match without."""
    found = _usable_literals(source)[0]
    return found[0] if found else None


def pattern_gate(source: str) -> frozenset[str] | None:
    """Another set of literals, besides the triggers, of which every match contains one: a
    stretch of text without any of them cannot hold a match and is not searched. It may be
    one a trigger cannot be (a run with the branch after it, ``reabr`` where the trigger
    could only be ``rea``); a set of which each trigger literal already contains one,
    ``drone`` beside ``drones``, tells nothing more."""
    found, longer = _usable_literals(source)
    if not found:
        return None
    others = sorted((*found[1:], *longer), key=_rank, reverse=True)  # stable
    return next((c for c in others if not all(any(g in t for g in c) for t in found[0])), None)


def _needles(source: str) -> frozenset[str] | None:
    """Literals of any length of which every match of the regex holds one (a joined exclude
    has no trigger, but may have a one-letter literal: ``년``, ``雷``), or None."""
    best = _best(_required(_parser.parse(source, re.IGNORECASE)))
    if not best:
        return None
    found = {s.lower() for s in best}
    return frozenset(s for s in found if not any(t != s and t in s for t in found))


def _usable_literals(source: str) -> tuple[list[frozenset[str]], list[frozenset[str]]]:
    """The regex's sets of required literals, best first, lower-cased, those with a literal
    shorter than ``_MIN_TRIGGER`` left out; and those (:func:`_required`'s ``longer``) that
    may only be gates."""
    longer: list[frozenset[str]] = []
    found = _required(_parser.parse(source, re.IGNORECASE), None, longer)
    return _usable(found), _usable(longer)


def _usable(candidates: list[frozenset[str]]) -> list[frozenset[str]]:
    ranked = sorted(candidates, key=_rank, reverse=True)
    return [frozenset(s.lower() for s in c) for c in ranked if _rank(c)[0] >= _MIN_TRIGGER]


def _width(literal: str) -> int:
    """How rare a literal is, in Latin letters: a Han, kana or Hangul character counts two
    (``空袭`` is as telling as ``raid``)."""
    return sum(2 if c >= "\u2e80" else 1 for c in literal)


def _rank(literals: frozenset[str]) -> tuple[int, int]:
    """Longest shortest literal first, then fewest literals."""
    return min(map(_width, literals)), -len(literals)


def _required(
    items: Any, runs: list[str] | None = None, longer: list[frozenset[str]] | None = None
) -> list[frozenset[str]]:
    """Sets of literals such that every match of ``items`` (after ``runs``, the spellings of
    the literal run just before them) contains one literal of each. A run of literal
    characters goes on through a small character class, and through the class ``re`` makes
    of alternatives with a common prefix (``大使(?:馆|館)`` is ``大使[馆館]``), as one literal
    per character of the class; a run too short to be a literal goes on into each branch
    of an alternation, where ``re`` puts the common prefix it takes out of the branches
    (``faqs?|frequently`` is ``f`` then ``aqs?|requently``). A longer run carried into the
    branches the same way (``rea`` into ``br|nud``) makes a set that goes to ``longer``: a
    trigger there would change which literal triggers a pattern, and with it the order in
    which the patterns of a text run and so which of two that match the same words reports
    it."""
    candidates: list[frozenset[str]] = []
    runs = list(runs or [""])

    def flush() -> None:
        if runs != [""]:
            candidates.append(frozenset(runs))
            runs[:] = [""]

    for op, av in items:
        if op is _parser.LITERAL:
            runs[:] = [r + chr(av) for r in runs]
            continue
        if op is _parser.IN and _small_class(av) and len(runs) * len(av) <= _MAX_VARIANTS:
            runs[:] = [r + chr(v) for r in runs for _, v in av]
            continue
        if op is _parser.BRANCH:
            short = min(map(_width, runs)) < _MIN_TRIGGER
            alts = [_best(_required(b, runs if short else None)) for b in av[1]]
            if all(alts):
                candidates.append(frozenset().union(*(a for a in alts if a)))
            if not short and longer is not None:
                carried = [_best(_required(b, runs)) for b in av[1]]
                if all(carried):
                    longer.append(frozenset().union(*(a for a in carried if a)))
            flush()
            continue
        flush()
        if op is _parser.SUBPATTERN:
            candidates += _required(av[-1], None, longer)
        elif op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT) and av[0] >= 1:
            candidates += _required(av[2], None, longer)
        elif op is _parser.IN and _small_class(av):
            candidates.append(frozenset(chr(v) for _, v in av))
    flush()
    return candidates


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    return max(candidates, key=_rank, default=None)


def _small_class(av: Any) -> bool:
    return all(o is _parser.LITERAL for o, _ in av) and len(av) <= 4
