"""The places store's index finds what an automaton of every gazetteer key finds (less what
the extractor drops: a spaced script's key right after a letter), on a sample of the
evaluation sets' texts and on the cases its heads are cut for. The whole sets, through
``places_in``, are compared by ``bench/places_same.py``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml
from ahocorasick_rs import AhoCorasick, Implementation

from advisorywatch.rules.boundaries import is_word
from advisorywatch.rules.normalize import normalize
from advisorywatch.rules.places.keys import anywhere, head
from advisorywatch.rules.places.store import PlaceStore, places

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_EVERY = 7  # of the evaluation sets' items, in file order


@cache
def _reference() -> tuple[AhoCorasick, list[str]]:
    keys = [str(k) for (k,) in places()._all("SELECT key FROM keys ORDER BY id")]
    automaton = AhoCorasick(keys, implementation=Implementation.ContiguousNFA)
    return automaton, keys


def _by_automaton(text: str) -> list[tuple[int, int, int]]:
    automaton, keys = _reference()
    hits = {
        (start, end, index)
        for index, start, end in automaton.find_matches_as_indexes(text, True)
        if anywhere(keys[index]) or start == 0 or not is_word(text[start - 1])
    }
    return [(index, start, end) for start, end, index in sorted(hits)]


def _sample() -> list[str]:
    texts = []
    for path in sorted(ROOT.glob("bench/detection_*/*.yaml")):
        for item in yaml.safe_load(path.read_text()):
            texts += [item.get("title") or "", item.get("text") or ""]
    return [normalize(t) for t in texts[::SAMPLE_EVERY] if t]


EDGES = [
    "kyiv",  # a key as the whole text
    "(kyiv) and 'ajman, kyivs; xkyiv",  # after punctuation; a key's own apostrophe; inside a word
    "харківській області та україни",  # stems with endings, a key of two words
    "new york city and new yorkers in san jose",  # keys of several words sharing a first one
    "the directors of the d",  # a key of two words, the second shorter than its head's part
    "غارة على بيروت وبالقاهرة",  # Arabic, with clitics before the name
    "北京和上海, bangkok กรุงเทพมหานคร",  # unspaced scripts after a letter, mixed with Latin
    "サン・ペドロ san・pedoro・sura 東京",  # a romanised key spelt with a katakana dot
    "c",  # a one-letter key
]


@pytest.mark.parametrize("text", _sample() + [normalize(t) for t in EDGES])
def test_the_index_finds_what_the_automaton_finds(text: str) -> None:
    assert places().keys_in(text) == _by_automaton(text)


def test_the_edges_name_keys_of_each_kind() -> None:
    """The edge cases above do reach both kinds of key, and several per text."""
    store: PlaceStore = places()
    found = [store.keys_in(normalize(t)) for t in EDGES]
    _, keys = _reference()
    kinds = {anywhere(keys[index]) for hits in found for index, _, _ in hits}
    assert kinds == {True, False}
    assert all(found), [t for t, hits in zip(EDGES, found, strict=True) if not hits]


def test_a_key_is_filed_under_its_first_words_or_first_characters() -> None:
    assert [head(k) for k in ("kyiv", "new york", "بيروت", "東京都", "กรุงเทพมหานคร")] == [
        "kyiv",
        "new yo",
        "بير",
        "東京都",
        "กรุ",
    ]
    store = places()
    assert store.forms_of("new york") and store.forms_of("kyiv")
    assert store.forms_of("kyi") == ()
