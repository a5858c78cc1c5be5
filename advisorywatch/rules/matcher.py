"""Matching text against every concept and keyword of a configuration in one pass.

All terms and stems of all concepts, rule keywords, and a literal "trigger" for each regex
pattern go into ONE Aho-Corasick automaton over normalised text (:mod:`.normalize`). A hit of
the automaton is only a candidate; the word-boundary rules of its language or script
(:mod:`.boundaries`: endings, joins, stems, Arabic clitics, Thai syllables) decide whether it
is a word there (``Hair strike`` is not ``air strike``). A text that an 8-bit codec of its
script encodes (Cyrillic, Greek, Hebrew, Arabic, Thai: :data:`.normalize.SCRIPT_CODECS`) is
scanned on those bytes, one a character where UTF-8 has two or three, by an automaton of the
keys that codec encodes (the others cannot occur in it), built when such a text first comes.

A concept's *guards* are compounds that change the meaning of a term inside them (``防空袭``,
air defence, around ``空袭``, air raid; ``בצבע אדום``, in red paint, around ``צבע אדום``): they
are found by the same automaton, anywhere, and every hit of the concept they overlap is dropped.

A regex pattern runs only where its trigger (a literal the pattern cannot match without, see
:mod:`.literals`) was seen, within ``PATTERN_REACH`` characters of it, so the cost of patterns
does not grow with the size of the lexicon or of the text. Hits a concept's ``exclude`` regexes
veto (within ``EXCLUDE_WINDOW`` characters) are dropped; an exclude with a trigger literal runs
only where the automaton saw it (and where one of its gate literals is), the others (joined
into one regex) around every hit of a field that holds one of their literals of any length
(``년``: the automaton looks for those too). The
title and the start of the text are one context for them (a holiday the title names vetoes
the closure its text reports). A concept's ``exclude_item`` regexes reach further: one that
matches anywhere in the item drops every hit of the concept in it ("false alarm" a sentence
after "incoming missile"); like a pattern, one with a trigger literal runs only within
``PATTERN_REACH`` characters of where the automaton saw it, and only on an item the concept
hit.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Protocol

from ahocorasick_rs import AhoCorasick, BytesAhoCorasick, Implementation

from advisorywatch.rules.boundaries import (
    boundary_language,
    is_word,
    must_start_word,
    stem_keys,
    term_keys,
    word_span,
)
from advisorywatch.rules.literals import (
    Regex,
    compile_any,
    compile_gated,
    compile_normal,
    pattern_gate,
    pattern_triggers,
    variants,
)
from advisorywatch.rules.normalize import Normalized, normalize, normalize_text

SNIPPET_CHARS = 80
EXCLUDE_WINDOW = 80
MAX_HITS_PER_TARGET = 5
# A regex pattern must match within this many characters of its trigger literal.
PATTERN_REACH = 160
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
    guards: Mapping[str, Sequence[str]] = field(default_factory=dict)
    exclude_item: Mapping[str, Sequence[str]] = field(default_factory=dict)


_TERM, _STEM, _TRIGGER, _GUARD, _VETO, _ITEM_VETO, _GATE, _NEEDLE = 0, 1, 2, 3, 4, 5, 6, 7


# An automaton key's entry: kind, target (or pattern) index, language, the lexicon entry.
_Entry = tuple[int, int, str | None, str]
# Flags of a key (ConceptMatcher._flags): one of the first two, or a sum of the others.
_BOUNDED, _GATE_ONLY, _TRIGGERS, _MARKS, _GATES = 1, 2, 4, 8, 16


@dataclass(slots=True)
class _Pattern:
    target: int
    language: str | None
    source: str
    regex: Regex
    # The keys of the literals of which every match holds one (pattern_gate): a window
    # around a trigger that holds none of them is not searched.
    gate: frozenset[int] = frozenset()
    triggers: tuple[int, ...] = ()  # the keys of its trigger literals


class ConceptMatcher:
    """Every target of a configuration compiled into one automaton plus triggered regexes."""

    def __init__(self, targets: Iterable[Target]) -> None:
        self._targets = list(targets)
        self._patterns: list[_Pattern] = []
        self._always: list[int] = []  # patterns without a usable trigger
        self._exclude: dict[int, list[Regex]] = {}  # excludes without a trigger, joined
        self._vetoes: list[Regex] = []  # excludes with one: run only where it was seen
        self._veto_of: list[int] = []  # their targets
        self._gated_vetoes: dict[int, list[int]] = {}
        # exclude_item: with a trigger, run only when the automaton saw it (concept, regex);
        # without one, joined per concept and run whenever the concept hit
        self._item_vetoes: list[tuple[str | None, Regex]] = []
        self._item_always: dict[str | None, list[Regex]] = {}
        keys: dict[str, list[_Entry]] = {}
        for ti, t in enumerate(self._targets):
            for code, terms in t.terms.items():
                for term in terms:
                    lang = boundary_language(code, term)
                    for key in term_keys(term, lang):
                        keys.setdefault(key, []).append((_TERM, ti, lang, term))
            for code, stems in t.stems.items():
                for stem in stems:
                    for key in stem_keys(stem, code or None):
                        keys.setdefault(key, []).append((_STEM, ti, code or None, stem))
            for code, guards in t.guards.items():
                for guard in guards:
                    for key in stem_keys(guard, code or None):
                        keys.setdefault(key, []).append((_GUARD, ti, code or None, guard))
            for code, pats in t.patterns.items():
                lang = code or None
                for src in pats:
                    for normal, trusted in variants(src, lang):
                        regex = compile_normal(normal, trusted)
                        self._add_pattern(keys, _Pattern(ti, lang, src, regex), normal)
            # Any language's excludes: an English text may hit a Spanish stem too.
            if near := self._excludes(keys, t.exclude, _VETO, partial(self._add_veto, ti)):
                self._exclude[ti] = near
                # The literals of which each match of the joined ones holds one: seen by the
                # automaton, so that a field without any of them skips them (``년``, ``雷``).
                for needle in (n for x in near for n in x.needles or ()):
                    keys.setdefault(needle, []).append((_NEEDLE, ti, None, ""))
            item = partial(self._add_item_veto, t.concept)
            if whole := self._excludes(keys, t.exclude_item, _ITEM_VETO, item):
                self._item_always[t.concept] = whole
        # Per key: the terms and stems it stands for; the patterns it triggers and its other
        # entries (guards, excludes), for the keys that have them; its flag: _BOUNDED when
        # every entry needs a word boundary before it, as word_span would demand (a hit of one
        # right after a letter, most hits of short keys, is dropped at once); _GATE_ONLY when
        # it is only patterns' gate literals (in most texts no pattern it gates is triggered);
        # otherwise which of _TRIGGERS, _MARKS (other entries) and _GATES it has.
        self._words = [tuple(e for e in es if e[0] <= _STEM) for es in keys.values()]
        self._lengths = [len(key) for key in keys]
        self._triggering: dict[int, tuple[int, ...]] = {}
        self._marking: dict[int, tuple[_Entry, ...]] = {}
        self._flags: list[int] = []
        gates: dict[int, list[int]] = {}  # pattern -> the keys of its gate literals
        for ki, (key, es) in enumerate(keys.items()):
            kinds = {e[0] for e in es}
            if patterns := tuple(e[1] for e in es if e[0] == _TRIGGER):
                self._triggering[ki] = patterns
                for pi in patterns:
                    self._patterns[pi].triggers += (ki,)
            if marks := tuple(e for e in es if e[0] > _TRIGGER and e[0] != _GATE):
                self._marking[ki] = marks
            for kind, pi, _, _ in es:
                if kind == _GATE:
                    gates.setdefault(pi, []).append(ki)
            self._flags.append(
                _BOUNDED
                if is_word(key[0])
                and kinds <= {_TERM, _STEM}
                and all(must_start_word(g) for _, _, g, _ in es)
                else _GATE_ONLY
                if kinds == {_GATE}
                else (_TRIGGERS if patterns else 0)
                | (_MARKS if marks else 0)
                | (_GATES if _GATE in kinds else 0)
            )
        for pi, gate in gates.items():
            self._patterns[pi].gate = frozenset(gate)
        # Per trigger key, the patterns it triggers with their gates (None: no gate).
        self._gated = {
            ki: tuple((pi, self._patterns[pi].gate or None) for pi in pis)
            for ki, pis in self._triggering.items()
        }
        self._automaton = AhoCorasick(keys, implementation=_IMPLEMENTATION) if keys else None
        # The keys again, joined (a third of the memory of a list of them), for the automata
        # of the keys an 8-bit codec of a script encodes, built when a text in it first comes.
        self._key_text = "\x00".join(keys) if not any("\x00" in k for k in keys) else ""
        self._by_codec: dict[str, tuple[BytesAhoCorasick, list[int]] | None] = {}
        self._empty = not keys and not self._always

    def _excludes(
        self,
        keys: dict[str, list[_Entry]],
        table: Mapping[str, Sequence[str]],
        kind: int,
        add: Callable[[Regex], int],
    ) -> list[Regex]:
        """A target's exclude regexes of one scope: each with a trigger literal goes to ``add``
        (which gives its index) and its triggers into the automaton as ``kind``; the others
        are returned, joined."""
        ungated: list[tuple[str, bool]] = []
        for code, sources in table.items():
            for src in sources:
                for normal, trusted in variants(src, code or None):
                    triggers = pattern_triggers(normal)
                    if triggers is None:
                        ungated.append((normal, trusted))
                        continue
                    xi = add(compile_gated(normal, trusted))
                    for trig in triggers:
                        keys.setdefault(trig, []).append((kind, xi, code or None, src))
        return compile_any(ungated)

    def _add_veto(self, ti: int, regex: Regex) -> int:
        self._vetoes.append(regex)
        self._veto_of.append(ti)
        self._gated_vetoes.setdefault(ti, []).append(len(self._vetoes) - 1)
        return len(self._vetoes) - 1

    def _add_item_veto(self, concept: str | None, regex: Regex) -> int:
        self._item_vetoes.append((concept, regex))
        return len(self._item_vetoes) - 1

    def _add_pattern(self, keys: dict[str, list[_Entry]], p: _Pattern, normal: str) -> None:
        """A regex (``normal``: its normal form) with its trigger and gate literals."""
        pi = len(self._patterns)
        self._patterns.append(p)
        triggers = pattern_triggers(normal)
        if triggers is None:
            self._always.append(pi)
        for trig in triggers or ():
            keys.setdefault(trig, []).append((_TRIGGER, pi, p.language, p.source))
        for literal in pattern_gate(normal) or ():
            keys.setdefault(literal, []).append((_GATE, pi, p.language, p.source))

    def find(self, fields: Mapping[str, str]) -> list[Hit]:
        hits: list[Hit] = []
        if self._empty:
            return hits
        normed = {name: normalize_text(raw) for name, raw in fields.items() if raw}
        # exclude_item regex -> field -> where its trigger was seen
        seen: dict[int, dict[str, list[int]]] = {}
        for field_name, norm in normed.items():
            hits.extend(self._find_in(field_name, norm, _beside(field_name, normed), seen))
        if hits and (seen or self._item_always):
            return self._item_vetoed(hits, normed, seen)
        return hits

    def _item_vetoed(
        self,
        hits: list[Hit],
        normed: Mapping[str, Normalized],
        seen: Mapping[int, Mapping[str, list[int]]],
    ) -> list[Hit]:
        """``hits`` without those of the concepts an ``exclude_item`` regex vetoes: one with a
        trigger runs where it was seen (as a pattern does), the others on every field."""
        concepts = {h.concept for h in hits}
        vetoed = {
            c
            for c in concepts
            for x in self._item_always.get(c, ())
            if any(x.search(n.text) for n in normed.values())
        }
        for xi, where in seen.items():
            c, x = self._item_vetoes[xi]
            if c in concepts and c not in vetoed:
                for name, positions in where.items():
                    text = normed[name].text
                    if any(x.search(text, a, b) for a, b in _windows(text, positions)):
                        vetoed.add(c)
                        break
        return [h for h in hits if h.concept not in vetoed] if vetoed else hits

    def _find_in(
        self,
        field_name: str,
        norm: Normalized,
        beside: str,
        seen: dict[int, dict[str, list[int]]],
    ) -> list[Hit]:
        text = norm.text
        found: dict[int, list[tuple[int, int, int, str | None, str]]] = {}
        triggers: dict[int, list[int]] = {}  # key -> where it was seen, if it triggers patterns
        marks: list[tuple[int, int, int]] = []  # hits of keys with guards or excludes
        gates: list[tuple[int, int, int]] = []  # hits of patterns' gate literals
        if self._automaton is not None:
            all_words, flags = self._words, self._flags
            for match in self._scan(norm):
                key, start, end = match
                if flag := flags[key]:
                    if flag == _BOUNDED:
                        if start and is_word(text[start - 1]):
                            continue
                    elif flag == _GATE_ONLY:
                        gates.append(match)
                        continue
                    else:
                        if flag & _TRIGGERS:
                            triggers.setdefault(key, []).append(end - 1)
                        if flag & _MARKS:
                            marks.append(match)
                        if flag & _GATES:
                            gates.append(match)
                for kind, idx, lang, entry in all_words[key]:
                    span = word_span(text, start, end, kind == _STEM, lang)
                    if span is not None:
                        found.setdefault(idx, []).append((*span, kind, lang, entry))
        guards: dict[int, list[tuple[int, int]]] = {}  # target -> where its guards were seen
        vetoes: dict[int, list[int]] = {}  # exclude -> where its trigger was seen
        needled: set[int] = set()  # targets whose joined excludes' literals were seen
        for key, start, end in marks:
            for kind, idx, _, _ in self._marking[key]:
                if kind == _GUARD:
                    guards.setdefault(idx, []).append((start, end))
                elif kind == _VETO:
                    vetoes.setdefault(idx, []).append(start)
                elif kind == _NEEDLE:
                    needled.add(idx)
                else:
                    seen.setdefault(idx, {}).setdefault(field_name, []).append(end - 1)
        if triggers or self._always:
            self._run_patterns(text, triggers, gates, found)
        for ti, places in guards.items():
            if ti in found:
                found[ti] = [
                    sp for sp in found[ti] if not any(a < sp[1] and sp[0] < b for a, b in places)
                ]
        self._drop_parts_of_longer_terms(found)
        hits: list[Hit] = []
        for ti, spans in found.items():
            if not (beside and self._vetoed_by(ti, beside)):
                hits.extend(self._hits(ti, spans, field_name, norm, vetoes, ti in needled))
        return sorted(hits, key=lambda h: h.start)

    def _scan(self, norm: Normalized) -> list[tuple[int, int, int]]:
        """The automaton's matches (key, start, end) in ``norm``: on the bytes of its script's
        codec when it has them (one byte a character, where UTF-8 has two or three) by the
        automaton of the keys that codec encodes, the other keys being impossible in such a
        text (the same matches in the same order); else on the text."""
        assert self._automaton is not None
        if norm.encoded is not None and self._key_text:
            codec, raw = norm.encoded
            if (by := self._codec_automaton(codec)) is not None:
                automaton, index = by
                return [
                    (index[k], a, b) for k, a, b in automaton.find_matches_as_indexes(raw, True)
                ]
        return self._automaton.find_matches_as_indexes(norm.text, True)

    def _codec_automaton(self, codec: str) -> tuple[BytesAhoCorasick, list[int]] | None:
        """The automaton of the keys ``codec`` encodes, and each of its keys' index."""
        if codec not in self._by_codec:
            index, encoded = [], []
            for ki, key in enumerate(self._key_text.split("\x00")):
                try:
                    encoded.append(key.encode(codec))
                except UnicodeEncodeError:
                    continue
                index.append(ki)
            self._by_codec[codec] = (
                (BytesAhoCorasick(encoded, implementation=_IMPLEMENTATION), index)
                if encoded
                else None
            )
        return self._by_codec[codec]

    def _run_patterns(
        self,
        text: str,
        triggers: Mapping[int, list[int]],
        gates: list[tuple[int, int, int]],
        found: dict[int, list[tuple[int, int, int, str | None, str]]],
    ) -> None:
        """Runs each pattern whose trigger was seen (``triggers``: key -> where), and those
        without one, in the windows around its triggers (:func:`_windows`, worked out once for
        the patterns that share their triggers) that hold one of its gate literals."""
        gate_at: dict[int, list[int]] = {}  # gate key -> where it starts
        for key, start, _ in gates:
            gate_at.setdefault(key, []).append(start)
        seen = set(gate_at)
        order = [  # in the order first seen, as the hits of a pattern come
            *self._always,
            *(
                pi
                for key in triggers
                for pi, gate in self._gated[key]
                if gate is None or not gate.isdisjoint(seen)  # a gate literal in the text?
            ),
        ]
        windows_of: dict[tuple[int, ...], list[tuple[int, int]]] = {}
        for pi in dict.fromkeys(order):
            p = self._patterns[pi]
            if p.gate:
                present = [(gate_at[k], self._lengths[k]) for k in p.gate if k in gate_at]
            ks = (
                p.triggers if len(p.triggers) < 2 else tuple(k for k in p.triggers if k in triggers)
            )
            windows = windows_of.get(ks)
            if windows is None:
                at = triggers[ks[0]] if len(ks) == 1 else sorted(x for k in ks for x in triggers[k])
                windows = windows_of[ks] = _windows(text, at) if ks else [(0, len(text))]
            for start, end in windows:
                if p.gate:
                    for starts, n in present:  # a gate literal within the window?
                        i = bisect_left(starts, start)
                        if i < len(starts) and starts[i] + n <= end:
                            break
                    else:
                        continue
                for a, b in p.regex.spans(text, start, end):
                    found.setdefault(p.target, []).append((a, b, _TRIGGER, p.language, p.source))

    def _drop_parts_of_longer_terms(
        self, found: dict[int, list[tuple[int, int, int, str | None, str]]]
    ) -> None:
        """A term inside a longer term of another concept is part of that phrase: "air raid"
        (air_strike) in "air raid alert" (air_raid_alert) is not an air strike."""
        if len(found) < 2:
            return  # one target: nothing of another concept to be inside
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
        for ti in {ti for _, _, ti in inside}:
            found[ti] = [
                sp for sp in found[ti] if sp[2] == _TRIGGER or (sp[0], sp[1], ti) not in inside
            ]

    def _vetoed_by(self, ti: int, text: str) -> bool:
        """Whether one of target ``ti``'s excludes matches anywhere in ``text``."""
        return any(x.search(text) for x in self._exclude.get(ti, ())) or any(
            self._vetoes[xi].search(text) for xi in self._gated_vetoes.get(ti, ())
        )

    def _hits(
        self,
        ti: int,
        spans: list[tuple[int, int, int, str | None, str]],
        field_name: str,
        norm: Normalized,
        vetoes: dict[int, list[int]],
        needled: bool,
    ) -> list[Hit]:
        """Hits of one target in one field: excluded ones dropped; terms and stems win over a
        pattern hit that overlaps them, then the leftmost-longest; repeats dropped.
        ``needled``: whether the field holds a literal of the target's joined excludes."""
        text = norm.text
        excl = [x for x in self._exclude.get(ti, ()) if x.needles is None or needled]
        gated = [(self._vetoes[xi], at) for xi, at in vetoes.items() if self._veto_of[xi] == ti]
        kept: list[tuple[int, int, str | None, str]] = []  # in text order, none overlapping
        starts: list[int] = []
        ends: list[int] = []
        for start, end, _, lang, entry in sorted(
            spans, key=lambda s: (s[2] == _TRIGGER, s[0], -s[1], s[2])
        ):
            i = bisect_right(ends, start)  # the first kept span that ends after this start
            if i < len(starts) and starts[i] < end:
                continue
            if excl or gated:
                lo, hi = max(0, start - EXCLUDE_WINDOW), end + EXCLUDE_WINDOW
                if any(x.search(text, lo, hi) for x in excl) or any(
                    x.search(text, lo, hi) for x, at in gated if any(lo <= p < hi for p in at)
                ):
                    continue
            kept.insert(i, (start, end, lang, entry))
            starts.insert(i, start)
            ends.insert(i, end)
        out: list[Hit] = []
        seen: set[str] = set()
        concept = self._targets[ti].concept
        for start, end, lang, entry in kept:
            a, b = norm.original_span(start, end)
            matched = norm.original[a:b]
            key = _normalized(matched)
            if key in seen:
                continue
            seen.add(key)
            snip = snippet(norm.original, a, b)
            out.append(Hit(concept, lang, field_name, matched, snip, a, b, entry))
            if len(out) >= MAX_HITS_PER_TARGET:
                break
        return out


# Matched texts repeat (the same few words in many items): their normal forms are kept.
_normalized = lru_cache(maxsize=4096)(normalize)


def _beside(field_name: str, normed: Mapping[str, Normalized]) -> str:
    """The normalised text the ``exclude`` regexes of a hit in ``field_name`` also look at:
    for the title, the start of the text; for the text, the title."""
    if field_name == "title" and "text" in normed:
        return normed["text"].text[: 3 * EXCLUDE_WINDOW]
    if field_name == "text" and "title" in normed:
        return normed["title"].text
    return ""


def _windows(text: str, positions: list[int]) -> list[tuple[int, int]]:
    """Merged stretches of ``PATTERN_REACH`` characters either side of each trigger, widened
    to whole words so that ``\\b`` and look-behinds see what they would see in the text."""
    n = len(text)
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


def snippet(text: str, start: int, end: int, width: int = SNIPPET_CHARS) -> str:
    """The match with some context either side, the match itself marked with ``**``."""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    pre = "…" if start > width else ""
    post = "…" if end + width < len(text) else ""
    return " ".join(f"{pre}{left}**{text[start:end]}**{right}{post}".split())
