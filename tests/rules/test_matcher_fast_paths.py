"""The fast paths of normalisation and matching give what the plain definitions give."""

from __future__ import annotations

import random
import unicodedata

import pytest

from advisorywatch.rules import normalize as norm
from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.engine import RuleEngine
from advisorywatch.rules.lexicon import available_concepts
from advisorywatch.rules.matcher import ConceptMatcher, Target


def _round_trip(text: str) -> str:
    """Step 5 as the module docstring defines it: NFD, marks removed, NFC, with the letters
    whose accent makes another letter kept (Cyrillic, Vietnamese), digits to ASCII."""
    keep = {c: chr(0xF000 + i) for i, c in enumerate(norm._KEPT)}
    for c, p in keep.items():
        text = text.replace(c, p)
    text = unicodedata.normalize("NFD", text)
    text = unicodedata.normalize("NFC", norm._MARKS.sub("", text))
    for c, p in keep.items():
        text = text.replace(p, c)
    return text.translate({ord(k): v for k, v in norm._DIGIT_FOLDS.items()})


# Letters, precomposed letters, the removed characters, combining marks, Hangul jamo (which
# compose across characters), Thai marks and a character beyond the BMP.
_ALPHABET = [
    *"aeiou sйїўиеі",
    *"éèêàçñüöäøåłőśžťďǘǖḗṍ",
    *"άέήίόύώϊϋΐΰ",
    *"أإآؤئاوى",
    "\u0301", "\u0308", "\u0306", "\u0323", "\u064e", "\u0654", "\u0670",
    "\u200b", "\u200d", "\u00ad", "\u0640", "\ufeff", "\u2060",
    "ᄀ", "ᅡ", "ᆨ", "가",
    *"ộịữơưãõĩẫẳỹ", "\u0303", "\u031b", "٣", "۵",
    "ก", "\u0e31", "\u0e34", "\u0e38", "\u0e48",
    "\U0001d400", "\U0001f600",
]  # fmt: skip


def test_character_folding_equals_the_round_trip() -> None:
    rng = random.Random(7)
    for _ in range(20000):
        text = "".join(rng.choices(_ALPHABET, k=rng.randint(1, 12)))
        assert norm._fold_marks(text, []) == _round_trip(text), repr(text)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("AIR\tStrike`s \x0c\n now", "air strike's now"),
        ("Air&nbsp;Strike", "air strike"),  # the entity makes it non-ASCII
        ("plain", "plain"),
    ],
)
def test_ascii_text_normal_form(raw: str, normal: str) -> None:
    assert norm.normalize(raw) == normal


@pytest.mark.parametrize(
    ("raw", "word", "original"),
    [
        ("Une  FRAPPE\u200b AÉRIENNE  ici", "frappe aerienne", "FRAPPE\u200b AÉRIENNE"),
        ("x  y\n\n  Air   Strike!", "air strike", "Air   Strike"),
        ("Ἀθήνα\u00ad  ΕΠΙΔΡΟΜΉ", "επιδρομη", "ΕΠΙΔΡΟΜΉ"),
    ],
)
def test_offsets_through_the_fast_paths(raw: str, word: str, original: str) -> None:
    n = norm.normalize_text(raw)
    start = n.text.index(word)
    a, b = n.original_span(start, start + len(word))
    assert raw[a:b] == original


def test_pattern_runs_where_trigger_and_gate_are_both_in_reach() -> None:
    matcher = ConceptMatcher(
        [Target("sirens", patterns={"en": [r"\bsirens?\s+(?:were\s+)?activated\b"]})]
    )
    filler = " ".join(["word"] * 60)
    found = matcher.find({"text": f"Sirens were activated. {filler} Siren activated"})
    assert [h.matched for h in found] == ["Sirens were activated", "Siren activated"]
    assert matcher.find({"text": f"siren {filler} {filler} activated"}) == []
    assert matcher.find({"text": "activated, then activated again"}) == []


def test_pattern_with_two_trigger_literals_runs_near_each_where_its_gate_is() -> None:
    pattern = r"\b(?:drones|missiles)\s+(?:\w+\s+){0,2}?hit\b"  # triggers drones, missiles
    matcher = ConceptMatcher([Target("strike", patterns={"en": [pattern]})])
    filler = " ".join(["word"] * 60)
    text = f"Drones hit the port. {filler} Missiles {filler} missiles then hit. {filler} drones"
    found = matcher.find({"text": text})
    assert [(h.matched, text[h.start : h.end]) for h in found] == [
        ("Drones hit", "Drones hit"),
        ("missiles then hit", "missiles then hit"),
    ]
    assert matcher.find({"text": f"drones {filler} missiles {filler} white"}) == []


def test_keys_inside_words_are_rejected_but_words_match() -> None:
    matcher = ConceptMatcher([Target("x", terms={"en": ["a a"]})])
    assert matcher.find({"text": "Baar kaa aaa_ zaa-b"}) == []
    found = matcher.find({"text": "Baar, kaa: AA-a a a"})
    assert [(h.matched, h.start) for h in found] == [("AA", 11), ("a a", 14)]


def test_a_text_kept_in_its_scripts_codec_meets_the_same_automaton_matches() -> None:
    """A Cyrillic, Greek, Hebrew, Arabic or Thai text is scanned on its 8-bit codec's bytes by
    the automaton of the keys that codec encodes: the same (key, start, end) in the same order
    as the automaton of all keys on the text."""
    rules = [RuleConfig(name=c, concepts=[c], notify=["x"]) for c in sorted(available_concepts())]
    matcher = RuleEngine(rules).matcher
    texts = [
        "Повітряна тривога! Загроза ракетного удару, пройдіть в укриття. Посольство закрито",
        "Воздушная тревога, атака дронов-камикадзе на Киев; NATO",
        "Αεροπορική επιδρομή και σειρήνες στο Ισραήλ, η πρεσβεία έκλεισε",
        "אזעקת צבע אדום בתל אביב, השגרירות סגורה; היכנסו למרחב המוגן",
        "غارة إسرائيلية على بيروت وإغلاق السفارة، صفارات الإنذار",
        "ไซเรนเตือนภัยทางอากาศดังขึ้น สถานทูตปิดทำการ โดรนโจมตี",
    ]
    rng = random.Random(3)
    for text in [*texts, *(" ".join(rng.sample(t.split(), 3)) for t in texts for _ in range(20))]:
        n = norm.normalize_text(text)
        assert n.encoded is not None, text
        assert matcher._automaton is not None
        plain = [tuple(m) for m in matcher._automaton.find_matches_as_indexes(n.text, True)]
        assert [tuple(m) for m in matcher._scan(n)] == plain, text
    hits = matcher.find({"text": texts[0]})
    assert {h.concept for h in hits} >= {"air_raid_alert", "embassy_closed"}
