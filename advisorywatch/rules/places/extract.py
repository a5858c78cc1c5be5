"""Finding the places a text names, on the matcher's normal form (:mod:`..normalize`).

The gazetteer's keys a text contains are looked up in the places store (:mod:`.keys`); a hit
counts when it is a word (:func:`~advisorywatch.rules.boundaries.word_span`: Arabic clitics,
Thai syllables; no boundary between Chinese characters), and where the text is cased, when it
is capitalised. Then:

* a city or region followed by a speech verb stands for a government ("Washington said") and
  is dropped;
* a name in ``needs_context`` (Jordan, Chad, Georgia) counts only with no capitalised word
  next to it ("Michael Jordan", "Jordan River");
* overlapping hits keep the longest (``Харківській області`` over ``Харків``);
* a name of several places is the one whose country the text names otherwise (Georgia is the
  US state only beside a US place), else a country before a city before a region, the place's
  own name before an alternate one, the larger population first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from advisorywatch.rules.boundaries import is_word, word_span
from advisorywatch.rules.normalize import Normalized, normalize_text
from advisorywatch.rules.places.gazetteer import KINDS, Form, Place, curated
from advisorywatch.rules.places.store import places

_CASED = re.compile("[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")
_TITLE_CASE_SHARE = 0.6  # a field whose words are mostly capitalised says nothing by its case


@dataclass(frozen=True, slots=True)
class Found:
    """A place named in a field: where, and the candidates its name may be."""

    field: str
    start: int
    end: int
    forms: tuple[Form, ...]


class PlaceFinder:
    """Finds places through the store: the keys a text contains, then their forms."""

    def __init__(self) -> None:
        self._store = places()
        verbs = "|".join(sorted(map(re.escape, curated().speech_verbs), key=len, reverse=True))
        self._speech = re.compile(f"[ ,]*(?:{verbs})(?!\\w)")
        self._locative = curated().locatives

    def find(self, fields: Mapping[str, str]) -> list[Place]:
        """The places ``fields`` name, in order of first mention, each once."""
        found: list[Found] = []
        for name, value in fields.items():
            if value:
                found += self._in_field(name, normalize_text(value))
        return _resolve(found)

    def _in_field(self, field: str, norm: Normalized) -> list[Found]:
        text = norm.text
        cased = _is_cased(norm.original)
        hits: list[Found] = []
        for index, start, end in self._store.keys_in(text):
            by_end: dict[int, list[Form]] = {}
            for form in self._store.forms_at(index):
                stop = _word_end(text, start, end, form)
                if stop is None:
                    continue
                if cased and not self._cased_ok(norm, start, stop, form):
                    continue
                if form.place.kind != "country" and self._speaks(text, start, stop):
                    continue
                by_end.setdefault(stop, []).append(form)
            hits += [Found(field, start, stop, tuple(forms)) for stop, forms in by_end.items()]
        return _longest(hits)

    def _speaks(self, text: str, start: int, end: int) -> bool:
        """Whether the name is a speech verb's subject ("Washington said"), not a place where
        something is said ("officials in Amman say")."""
        if not self._speech.match(text, end):
            return False
        before = re.search(r"(\w+) $", text[max(0, start - 30) : start])
        return before is None or before.group(1) not in self._locative

    @staticmethod
    def _cased_ok(norm: Normalized, start: int, end: int, form: Form) -> bool:
        a, b = norm.original_span(start, end)
        first = norm.original[a : a + 1]
        if _CASED.match(first) and not first.isupper():
            return False
        if form.needs_context:
            return not _capitalised_neighbour(norm.original, a, b)
        return True


def _word_end(text: str, start: int, end: int, form: Form) -> int | None:
    """Where the name found at ``text[start:end]`` ends, or None when it is not a word there."""
    if form.unspaced:
        return end
    if form.arabic:
        span = word_span(text, start, end, False, "ar")
        return None if span is None else span[1]
    if start > 0 and is_word(text[start - 1]):
        return None
    stop = end
    while stop < len(text) and is_word(text[stop]):
        stop += 1
    if stop - end > form.ending:
        if form.ending:
            return None
        span = word_span(text, start, end, False, None)  # English plural-like endings
        return None if span is None else span[1]
    if form.rest is not None:
        m = form.rest.match(text, stop)
        return None if m is None else m.end()
    return stop


def _is_cased(text: str) -> bool:
    """Whether capital letters in ``text`` mean something: it has lower case letters, and not
    most of its words capitalised (a Title Case headline)."""
    words = [w for w in text.split() if _CASED.match(w)]
    if not words or not any(c.islower() for c in text):
        return False
    capitalised = sum(w[0].isupper() for w in words)
    return capitalised < _TITLE_CASE_SHARE * len(words) or len(words) < 3


def _capitalised_neighbour(text: str, start: int, end: int) -> bool:
    """Whether a capitalised word stands right before (not at a sentence start) or after."""
    after = re.match(r" (\w)", text[end:])
    if after is not None and after.group(1).isupper():
        return True
    before = re.search(r"(\w+) $", text[max(0, start - 40) : start])
    # a short capitalised word before is a sentence's first ("In Jordan"), a longer one a name
    return before is not None and before.group(1)[0].isupper() and len(before.group(1)) > 3


def _longest(hits: list[Found]) -> list[Found]:
    """Non-overlapping hits, the longest of overlapping ones, in text order."""
    kept: list[Found] = []
    for h in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if kept and h.start < kept[-1].end:
            if h.end - h.start > kept[-1].end - kept[-1].start:
                kept[-1] = h
            continue
        kept.append(h)
    return kept


def _resolve(found: Sequence[Found]) -> list[Place]:
    """One place per hit: unambiguous hits first, whose countries then decide the others."""
    sure = {f.forms[0].place.country for f in found if len({x.place for x in f.forms}) == 1}
    out: dict[str, Place] = {}
    for f in found:
        best = min(
            f.forms,
            key=lambda x: (
                x.place.country not in sure,
                KINDS.index(x.place.kind),
                not x.primary,
                -x.place.population,
            ),
        )
        out.setdefault(best.place.code, best.place)
    return list(out.values())


@cache
def finder() -> PlaceFinder:
    """The one finder of the process (its store is the process's one)."""
    return PlaceFinder()


def places_in(title: str, text: str) -> list[dict[str, Any]]:
    """The places an item names, as stored (``items.places``, ``alerts.places``): the title's
    first, each ``{"code", "kind", "name", "country", "label", "in"}`` (``in``: title or text)."""
    f = finder()
    in_title = f.find({"title": title})
    out = [record(p, "title") for p in in_title]
    codes = {p.code for p in in_title}
    out += [record(p, "text") for p in f.find({"text": text}) if p.code not in codes]
    return out


def record(place: Place, where: str) -> dict[str, Any]:
    return {
        "code": place.code,
        "kind": place.kind,
        "name": place.name,
        "country": place.country,
        "label": place.label,
        "in": where,
    }
