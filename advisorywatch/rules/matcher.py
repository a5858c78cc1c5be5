"""Matching text against every concept and keyword of a configuration in one pass.

All terms and stems of all concepts, rule keywords, and a literal "trigger" for each regex
pattern go into ONE Aho-Corasick automaton over normalised text (:mod:`.normalize`). A hit of
the automaton is only a candidate; it is then checked where it sits:

* word boundaries for scripts written with spaces (``Hair strike`` is not ``air strike``), with
  a few simple plural/clitic endings per language (``air strikes``, ``Luftangriffen``,
  ``kedutaannya``);
* words of a term may be joined by a space, a hyphen or nothing (``air-strike``, ``airstrike``);
* stems are word prefixes (``авіаудар`` → ``авіаударів``);
* Arabic words may carry the prefix clitics و ف ب ك ل and the article ال (``والغارات``), and
  later words of a term may take the article (``الغارات الجوية``);
* Thai has no spaces: a term matches anywhere except in the middle of a syllable.

A regex pattern runs only where its trigger (a literal the pattern cannot match without) was
seen, within ``PATTERN_REACH`` characters of it, so the cost of patterns does not grow with
the size of the lexicon or of the text. Hits a
concept's ``exclude`` regexes veto (within ``EXCLUDE_WINDOW`` characters) are dropped.
"""

from __future__ import annotations

import importlib
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from typing import Any, Protocol

from ahocorasick_rs import AhoCorasick, Implementation

from advisorywatch.rules.normalize import Normalized, normalize, normalize_pattern, normalize_text

SNIPPET_CHARS = 80
EXCLUDE_WINDOW = 80
MAX_HITS_PER_TARGET = 5
# A regex pattern must match within this many characters of its trigger literal.
PATTERN_REACH = 160
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
_AR_CLITICS = re.compile("[وف]?(?:[بك]?ال|لل|[بكل])?")
_AR_ARTICLE = "ال"
_THAI_LEADING_VOWELS = frozenset("เแโใไ")
# Thai characters that continue the syllable of the consonant before them.
_THAI_CONTINUES = frozenset(
    "\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a"
) | {chr(c) for c in range(0x0E45, 0x0E4F)}
_THAI = re.compile("[\u0e00-\u0e7f]")
_ARABIC = re.compile("[\u0600-\u06ff]")
_MIN_TRIGGER = 3
_IMPLEMENTATION = Implementation.ContiguousNFA  # the DFA is faster but takes 5 times the memory


@dataclass(frozen=True, slots=True)
class Hit:
    """One match: the concept (None for a rule's own keyword or regex), the language of the
    entry that matched, the field, the exact original text matched, a snippet around it with
    the match in ``**``, its offsets in the original field text, and the lexicon entry."""

    concept: str | None
    language: str | None
    field: str
    matched: str
    snippet: str
    start: int = 0
    end: int = 0
    term: str = ""


class Matcher(Protocol):
    def find(self, fields: Mapping[str, str]) -> list[Hit]: ...


@dataclass(frozen=True)
class Target:
    """Something to find: a concept's entries per language, or one rule keyword or regex
    (``concept`` None, language ``""``: a keyword's boundaries follow its script)."""

    concept: str | None
    terms: Mapping[str, Sequence[str]] = field(default_factory=dict)
    stems: Mapping[str, Sequence[str]] = field(default_factory=dict)
    patterns: Mapping[str, Sequence[str]] = field(default_factory=dict)
    exclude: Mapping[str, Sequence[str]] = field(default_factory=dict)


_TERM, _STEM, _TRIGGER, _GATE = 0, 1, 2, 3


@dataclass(slots=True)
class _Pattern:
    target: int
    language: str | None
    source: str
    regex: re.Pattern[str]


def compile_pattern(source: str) -> re.Pattern[str]:
    """Compile a lexicon or config regex for normalised text. Raises ``re.error``."""
    return re.compile(normalize_pattern(source), re.IGNORECASE)


class ConceptMatcher:
    """Every target of a configuration compiled into one automaton plus triggered regexes."""

    def __init__(self, targets: Iterable[Target]) -> None:
        self._targets = list(targets)
        self._patterns: list[_Pattern] = []
        self._always: list[int] = []  # patterns without a usable trigger
        self._gated: set[int] = set()  # patterns with a gate (see pattern_gate)
        self._exclude: dict[int, re.Pattern[str]] = {}
        keys: dict[str, list[tuple[int, int, str | None, str]]] = {}
        for ti, t in enumerate(self._targets):
            for code, terms in t.terms.items():
                for term in terms:
                    lang = _language(code, term)
                    for key in term_keys(term, lang):
                        keys.setdefault(key, []).append((_TERM, ti, lang, term))
            for code, stems in t.stems.items():
                for stem in stems:
                    key = normalize(stem).strip()
                    if key:
                        keys.setdefault(key, []).append((_STEM, ti, code or None, stem))
            for code, pats in t.patterns.items():
                lang = code or None
                for src in pats:
                    pi = len(self._patterns)
                    self._patterns.append(_Pattern(ti, lang, src, compile_pattern(src)))
                    triggers = pattern_triggers(self._patterns[-1].regex.pattern)
                    if triggers is None:
                        self._always.append(pi)
                    for trig in triggers or ():
                        keys.setdefault(trig, []).append((_TRIGGER, pi, lang, src))
                    gate = pattern_gate(self._patterns[-1].regex.pattern)
                    if gate is not None:
                        self._gated.add(pi)
                    for literal in gate or ():
                        keys.setdefault(literal, []).append((_GATE, pi, lang, src))
            excl = [x for xs in t.exclude.values() for x in xs]
            if excl:  # any language's: an English text may hit a Spanish stem too
                self._exclude[ti] = compile_pattern("|".join(f"(?:{x})" for x in excl))
        self._entries = [tuple(entries) for entries in keys.values()]
        # Keys whose every entry needs a word boundary before them, as _check would demand:
        # a hit of one right after a letter (most hits of short keys) is dropped at once.
        self._bounded = [
            _is_word(key[0])
            and all(k in (_TERM, _STEM) and g not in ("th", "ar") for k, _, g, _ in es)
            for key, es in keys.items()
        ]
        self._automaton = AhoCorasick(keys, implementation=_IMPLEMENTATION) if keys else None
        self._empty = not keys and not self._always

    def find(self, fields: Mapping[str, str]) -> list[Hit]:
        hits: list[Hit] = []
        if self._empty:
            return hits
        for field_name, raw in fields.items():
            if raw:
                hits.extend(self._find_in(field_name, normalize_text(raw)))
        return hits

    def _find_in(self, field_name: str, norm: Normalized) -> list[Hit]:
        text = norm.text
        found: dict[int, list[tuple[int, int, int, str | None, str]]] = {}
        # Pattern -> where its trigger was seen (-1: run on the whole text).
        triggered: dict[int, list[int]] = {pi: [-1] for pi in self._always}
        gates: dict[int, list[tuple[int, int]]] = {}  # pattern -> where its gate was seen
        if self._automaton is not None:
            all_entries, bounded = self._entries, self._bounded
            for key, start, end in self._automaton.find_matches_as_indexes(text, True):
                if bounded[key] and start and _is_word(text[start - 1]):
                    continue
                for kind, idx, lang, entry in all_entries[key]:
                    if kind == _TRIGGER:
                        triggered.setdefault(idx, []).append(end - 1)
                        continue
                    if kind == _GATE:
                        gates.setdefault(idx, []).append((start, end))
                        continue
                    span = _check(text, start, end, kind, lang)
                    if span is not None:
                        found.setdefault(idx, []).append((*span, kind, lang, entry))
        for pi, positions in triggered.items():
            p = self._patterns[pi]
            gated = gates.get(pi, []) if pi in self._gated else None
            for start, end in _windows(text, positions) if gated != [] else ():
                if gated is not None and not any(start <= a and b <= end for a, b in gated):
                    continue
                for m in p.regex.finditer(text, start, end):
                    if m.end() > m.start():
                        found.setdefault(p.target, []).append(
                            (m.start(), m.end(), _TRIGGER, p.language, p.source)
                        )
        self._drop_parts_of_longer_terms(found)
        hits: list[Hit] = []
        for ti, spans in found.items():
            hits.extend(self._hits(ti, spans, field_name, norm))
        return sorted(hits, key=lambda h: h.start)

    def _drop_parts_of_longer_terms(
        self, found: dict[int, list[tuple[int, int, int, str | None, str]]]
    ) -> None:
        """A term inside a longer term of another concept is part of that phrase: "air raid"
        (air_strike) in "air raid alert" (air_raid_alert) is not an air strike."""
        terms = [
            (s, e, ti)
            for ti, spans in found.items()
            if self._targets[ti].concept is not None
            for s, e, kind, _, _ in spans
            if kind != _TRIGGER
        ]
        terms.sort()
        inside: set[tuple[int, int, int]] = set()
        for i, outer in enumerate(terms):  # each pair that overlaps, once
            for j in range(i + 1, len(terms)):
                other = terms[j]
                if other[0] >= outer[1]:
                    break
                if other[2] != outer[2]:
                    for a, b in ((outer, other), (other, outer)):
                        if a[0] <= b[0] and b[1] <= a[1] and a[1] - a[0] > b[1] - b[0]:
                            inside.add(b)
        if not inside:
            return
        for ti, spans in found.items():
            if self._targets[ti].concept is not None:
                spans[:] = [
                    sp for sp in spans if sp[2] == _TRIGGER or (sp[0], sp[1], ti) not in inside
                ]

    def _hits(
        self,
        ti: int,
        spans: list[tuple[int, int, int, str | None, str]],
        field_name: str,
        norm: Normalized,
    ) -> list[Hit]:
        """Hits of one target in one field: excluded ones dropped; terms and stems win over a
        pattern hit that overlaps them, then the leftmost-longest; repeats dropped."""
        excl = self._exclude.get(ti)
        kept: list[tuple[int, int, str | None, str]] = []  # in text order, none overlapping
        starts: list[int] = []
        ends: list[int] = []
        for start, end, _, lang, entry in sorted(
            spans, key=lambda s: (s[2] == _TRIGGER, s[0], -s[1], s[2])
        ):
            i = bisect_right(ends, start)  # the first kept span that ends after this start
            if i < len(starts) and starts[i] < end:
                continue
            if excl is not None and excl.search(
                norm.text, max(0, start - EXCLUDE_WINDOW), end + EXCLUDE_WINDOW
            ):
                continue
            kept.insert(i, (start, end, lang, entry))
            starts.insert(i, start)
            ends.insert(i, end)
        out: list[Hit] = []
        seen: set[str] = set()
        for start, end, lang, entry in kept:
            a, b = norm.original_span(start, end)
            matched = norm.original[a:b]
            key = _normalized(matched)
            if key in seen:
                continue
            seen.add(key)
            concept = self._targets[ti].concept
            snip = snippet(norm.original, a, b)
            out.append(Hit(concept, lang, field_name, matched, snip, a, b, entry))
            if len(out) >= MAX_HITS_PER_TARGET:
                break
        return out


# Matched texts repeat (the same few words in many items): their normal forms are kept.
_normalized = lru_cache(maxsize=4096)(normalize)


def _windows(text: str, positions: list[int]) -> list[tuple[int, int]]:
    """Merged stretches of ``PATTERN_REACH`` characters either side of each trigger, widened
    to whole words so that ``\\b`` and look-behinds see what they would see in the text."""
    n = len(text)
    if positions[0] < 0:
        return [(0, n)]
    out: list[tuple[int, int]] = []
    for p in positions:
        start = text.rfind(" ", 0, max(0, p - PATTERN_REACH)) + 1
        end = text.find(" ", min(n, p + PATTERN_REACH))
        end = n if end < 0 else end
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _language(code: str, term: str) -> str | None:
    """The language whose boundary rules apply; a keyword's is guessed from its script."""
    if code:
        return code
    if _THAI.search(term):
        return "th"
    if _ARABIC.search(term):
        return "ar"
    return None


def term_keys(term: str, lang: str | None) -> list[str]:
    """The automaton keys of a term: its words joined by space, hyphen or nothing; in Arabic
    each word without its article, and later words with or without it."""
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


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _check(text: str, start: int, end: int, kind: int, lang: str | None) -> tuple[int, int] | None:
    """The span a candidate really covers, or None when it sits inside another word."""
    if lang == "th":
        if start > 0 and text[start - 1] in _THAI_LEADING_VOWELS:
            return None
        if kind == _TERM and end < len(text) and text[end] in _THAI_CONTINUES:
            return None
        return start, end
    if start > 0 and _is_word(text[start - 1]) and _is_word(text[start]):
        if lang != "ar":
            return None
        w = start - 1
        while w > 0 and _is_word(text[w - 1]):
            w -= 1
        if not _AR_CLITICS.fullmatch(text, w, start):
            return None
    n = len(text)
    if kind == _STEM:
        while end < n and _is_word(text[end]):
            end += 1
        return start, end
    if end == n or not _is_word(text[end]) or not _is_word(text[end - 1]):
        return start, end
    for suffix in SUFFIXES.get(lang, ()):
        after = end + len(suffix)
        if text.startswith(suffix, end) and (after == n or not _is_word(text[after])):
            return start, after
    return None


_parser: Any = importlib.import_module("re._parser")


def pattern_triggers(source: str) -> frozenset[str] | None:
    """Literals of which every match of the regex contains at least one, or None when the
    regex has no literal of at least ``_MIN_TRIGGER`` characters it cannot match without."""
    found = _usable_literals(source)
    return found[0] if found else None


def pattern_gate(source: str) -> frozenset[str] | None:
    """Another set of literals, besides the triggers, of which every match contains one: a
    stretch of text without any of them cannot hold a match and is not searched."""
    found = _usable_literals(source)
    return next((c for c in found[1:] if c != found[0]), None)


def _usable_literals(source: str) -> list[frozenset[str]]:
    """The regex's sets of required literals, best first, lower-cased, those with a literal
    shorter than ``_MIN_TRIGGER`` left out."""
    ranked = sorted(_required(_parser.parse(source, re.IGNORECASE)), key=_rank, reverse=True)
    return [frozenset(s.lower() for s in c) for c in ranked if _rank(c)[0] >= _MIN_TRIGGER]


def _rank(literals: frozenset[str]) -> tuple[int, int]:
    """Longest shortest literal first, then fewest literals."""
    return min(len(s) for s in literals), -len(literals)


def _required(items: Any) -> list[frozenset[str]]:
    """Sets of literals such that every match of ``items`` contains one literal of each."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append(frozenset({"".join(run)}))
            run.clear()

    for op, av in items:
        if op is _parser.LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is _parser.SUBPATTERN:
            candidates += _required(av[-1])
        elif op is _parser.BRANCH:
            alts = [max(_required(b), key=_rank, default=None) for b in av[1]]
            if all(alts):
                candidates.append(frozenset().union(*(a for a in alts if a)))
        elif op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT) and av[0] >= 1:
            candidates += _required(av[2])
        elif op is _parser.IN and all(o is _parser.LITERAL for o, _ in av) and len(av) <= 4:
            candidates.append(frozenset(chr(v) for _, v in av))
    flush()
    return candidates


def snippet(text: str, start: int, end: int, width: int = SNIPPET_CHARS) -> str:
    """The match with some context either side, the match itself marked with ``**``."""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    pre = "…" if start > width else ""
    post = "…" if end + width < len(text) else ""
    return " ".join(f"{pre}{left}**{text[start:end]}**{right}{post}".split())
