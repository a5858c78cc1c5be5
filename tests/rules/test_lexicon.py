"""The real matcher (one automaton for every built-in concept) agrees with the lexicon's own
positive and negative sentences (tests/test_lexicon_data.py)."""

from __future__ import annotations

from functools import cache

import pytest

from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.engine import RuleEngine
from advisorywatch.rules.lexicon import available_concepts, load_concept
from advisorywatch.rules.literals import pattern_triggers
from advisorywatch.rules.normalize import normalize_pattern
from rules.test_lexicon_data import NEGATIVES, OTHER_POSITIVES, POSITIVE_CASES


@cache
def _engine() -> RuleEngine:
    """One rule per concept; a context-needing concept gets a second, never-matching keyword."""
    rules = [
        RuleConfig(
            name=c,
            concepts=[c],
            keywords=["zzz-never"] if load_concept(c).context_needed else [],
            notify=["console"],
        )
        for c in sorted(available_concepts())
    ]
    return RuleEngine(rules)


def fired(text: str) -> set[str]:
    return {m.rule.name for m in _engine().evaluate("s", {"title": "", "text": text})}


@pytest.mark.parametrize(("concept", "lang", "text"), POSITIVE_CASES, ids=lambda v: str(v)[:20])
def test_core_positive(concept: str, lang: str, text: str) -> None:
    assert concept in fired(text)


@pytest.mark.parametrize(("concept", "text"), OTHER_POSITIVES, ids=lambda v: str(v)[:24])
def test_other_positive(concept: str, text: str) -> None:
    if load_concept(concept).context_needed:
        text += " zzz-never"
    assert concept in fired(text)


@pytest.mark.parametrize("text", NEGATIVES, ids=lambda t: t[:30])
def test_negative_matches_nothing(text: str) -> None:
    assert fired(text) == set()


def test_every_built_in_pattern_has_a_trigger() -> None:
    """A pattern without a literal of 3+ characters runs on every text of every item: the
    matcher's speed depends on each lexicon pattern having one (lexicon README)."""
    untriggered = [
        (c, lang, p)
        for c in sorted(available_concepts())
        for lang, patterns in load_concept(c).patterns.items()
        for p in patterns
        if pattern_triggers(normalize_pattern(p)) is None
    ]
    assert untriggered == []


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Alert on every phone",
            "Phones across the island showed an incoming missile alert shortly after eight in the"
            " morning, and people ran for cover in car parks and hotel lobbies. An hour later the"
            " state agency said the message had been declared false.",
        ),
        (
            "Sirenen heulen in ganz Deutschland",
            "Um elf Uhr heulten die Sirenen, und auf vielen Handys erschien eine Warnung vor"
            " Luftalarm. Die Behörden baten, Ruhe zu bewahren: Es handelte sich um den"
            " bundesweiten Warntag, der zweimal im Jahr stattfindet.",
        ),
        (
            "Тривога у Львові",
            "Увечері у Львові пролунала повітряна тривога, і частина мешканців спустилася в"
            " укриття. Згодом в обласній адміністрації пояснили, що це була хибна тривога через"
            " технічний збій.",
        ),
    ],
)
def test_a_false_alarm_declared_later_in_the_item_vetoes_it(title: str, text: str) -> None:
    assert fired(text) == set() and fired(title + ". " + text) == set()
    assert {m.rule.name for m in _engine().evaluate("s", {"title": title, "text": text})} == set()
