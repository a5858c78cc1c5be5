"""The literals a regex cannot match without, and that a regex without any still runs."""

from __future__ import annotations

import importlib
import random
import re
from typing import Any

import pytest

from advisorywatch.rules.lexicon import load_concept
from advisorywatch.rules.linear import LinearRegex
from advisorywatch.rules.literals import (
    builtin_patterns,
    compile_any,
    compile_gated,
    compile_pattern,
    pattern_gate,
    pattern_triggers,
)
from advisorywatch.rules.matcher import ConceptMatcher, Target
from advisorywatch.rules.normalize import normalize, normalize_pattern


@pytest.mark.parametrize(
    ("source", "triggers", "gate"),
    [
        (r"\blevel\s+4\b", {"level"}, None),
        (r"EVACUATION", {"evacuation"}, None),  # lower-cased
        (r"(?:air|drone) strikes?", {" strike"}, {"air", "drone"}),  # the longer literal first
        (r"\bsirens?\s+(?:are\s+|were\s+)?activated\b", {"activated"}, {"siren"}),
        (r"(?:ambassade|embassy)\W+(?:\w+\W+){0,3}ferm", {"ambassade", "embassy"}, {"ferm"}),
        (r"[ck]urfew", {"curfew", "kurfew"}, None),  # a small class carries the run on
        (r"(?:foo)?bar", {"bar"}, None),  # an optional group is not required
        (r"(?:ab){2}", None, None),  # too short
        (r"foo|ba", None, None),  # one branch has no literal of 3 characters
        (r"\w+", None, None),
        # re merges a common prefix into a class: 大使[馆館]; the run goes on through it
        (r"(?:大使馆|大使館)[^。]{0,20}?关闭", {"大使馆", "大使館"}, {"关闭"}),
        (r"(?:防空警报|空袭警报)", {"防空警报", "空袭警报"}, None),
        (r"空袭", {"空袭"}, None),  # two ideographs are as telling as four letters
        (r"ab[cdefg]", None, None),  # a class of five is no literal
        # re takes the common "f" out of the branches: it goes back into each
        (r"\b(?:frequently\s+asked\s+questions|faqs?)\b", {"frequently", "faq"}, None),
        (r"(?:改修|改装|改装工事)", {"改修", "改装", "改装工事"}, None),
        (r"\b(?:посольств|представительств)", {"посольств", "представительств"}, None),
        (r"drone.{0,9}?drones", {"drones"}, None),  # "drone" is part of the trigger: no gate
        # re takes "rea" out: a trigger stays as it was, a gate has the whole words
        (r"embassy.{0,9}?(?:reabr\w*|reanud\w*)", {"embassy"}, {"reabr", "reanud"}),
    ],
)
def test_required_literals(source: str, triggers: set[str] | None, gate: set[str] | None) -> None:
    assert pattern_triggers(source) == (None if triggers is None else frozenset(triggers))
    assert pattern_gate(source) == (None if gate is None else frozenset(gate))


def test_a_regex_without_a_literal_runs_on_the_whole_text() -> None:
    matcher = ConceptMatcher([Target("phone", patterns={"en": [r"\b\d{3}-\d{4}\b"]})])
    filler = " ".join(["word"] * 200)
    found = matcher.find({"text": f"555-0100 {filler} 555-0199"})
    assert [h.matched for h in found] == ["555-0100", "555-0199"]


def test_compiled_for_normalised_text() -> None:
    rx = compile_pattern(r"frappes? aériennes?")
    assert rx.search(normalize("FRAPPES AERIENNES"))
    with pytest.raises(re.error):
        compile_pattern("(unclosed")


_parser: Any = importlib.import_module("re._parser")


def _nested_repeats(items: Any, inside_unbounded: bool = False) -> list[str]:
    """Repeats of a variable count inside a repeat without an upper bound: the shape that can
    make a backtracking engine take exponential time."""
    found = []
    for op, av in items:
        if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT):
            low, high, body = av
            if inside_unbounded and low != high:
                found.append(f"{{{low},{high}}}")
            found += _nested_repeats(body, inside_unbounded or high is _parser.MAXREPEAT)
        elif op is _parser.SUBPATTERN:
            found += _nested_repeats(av[-1], inside_unbounded)
        elif op is _parser.BRANCH:
            for branch in av[1]:
                found += _nested_repeats(branch, inside_unbounded)
        elif op in (_parser.ASSERT, _parser.ASSERT_NOT):
            found += _nested_repeats(av[1], inside_unbounded)
    return found


@pytest.mark.parametrize("source", sorted(builtin_patterns()))
def test_built_in_regexes_are_trusted_and_nest_no_repeats(source: str) -> None:
    """They run on Python's re (some need look-arounds), so none may backtrack badly."""
    assert _nested_repeats(_parser.parse(source, re.IGNORECASE)) == []
    assert not isinstance(compile_pattern(source), LinearRegex)


def test_a_config_regex_runs_on_the_linear_time_engine() -> None:
    rx = compile_pattern(r"(a+)+$")
    assert isinstance(rx, LinearRegex)
    assert not rx.search("a" * 30_000 + "b")  # Python's re would not return


def test_a_trigger_of_an_alternation_really_occurs_in_the_text() -> None:
    """The alternatives' literals are searched, not their common prefix and one letter."""
    for text in ("美国驻基辅大使馆关闭", "美國駐基輔大使館關閉"):
        triggers = pattern_triggers(r"(?:大使馆|大使館)[^。]{0,20}?(?:关闭|關閉)") or frozenset()
        assert any(t in normalize(text) for t in triggers)


def test_joined_excludes_look_for_their_literals_of_any_length_first() -> None:
    """Built-in excludes without a trigger are joined into one regex that first looks for a
    literal of any length every match holds (``년``): a stretch without one is not searched,
    and the answer is the regex's own on every stretch."""
    sources = [r"\d{2,3}년\s*전", r"(?:台風|大雨|雷)", r"\b(?:lũ quet|lũ|bão)\b"]
    (joined,) = compile_any((normalize_pattern(s), True) for s in sources)
    assert joined.needles == {"년", "台風", "大雨", "雷", "lũ", "bão"}
    plain = re.compile("|".join(f"(?:{normalize_pattern(s)})" for s in sources), re.I)
    rng = random.Random(5)
    words = ["75년", "전", "3", "년", "雷雨", "大", "lũ", "quet", "bão", "tin", "x", " ", "  "]
    for _ in range(300):
        text = "".join(rng.choice(words) for _ in range(12))
        for pos in range(0, len(text), 3):
            end = min(len(text), pos + 9)
            assert joined.search(text, pos, end) == bool(plain.search(text, pos, end)), text


def test_an_exclude_with_a_trigger_looks_for_its_gate_literals_first() -> None:
    regex = compile_gated(normalize_pattern(r"\bno\s+plans?\s+to\s+evacuat\w*"), True)
    assert regex.needles == {"plan"}
    assert regex.search("there are no plans to evacuate")
    assert not regex.search("no one will evacuate")


def test_a_joined_exclude_vetoes_where_its_one_letter_literal_is() -> None:
    """``\\d{2,3}년\\s*전`` ("75 years ago", air_strike's Korean exclude): the automaton looks
    for ``년``; a field without it keeps the hit, one with it near the hit loses it."""
    c = load_concept("air_strike")
    m = ConceptMatcher([Target(c.name, c.terms, c.stems, c.patterns, c.exclude, c.guards)])
    today = m.find({"text": "오늘 새벽 대규모 공습이 있었다"})
    assert [h.matched for h in today] == ["대규모 공습이"]
    assert m.find({"text": "75년 전 오늘 대규모 공습이 있었다"}) == []
    far = "대규모 공습 " + "x " * 100 + "75년 전"
    assert [h.matched for h in m.find({"text": far})] == ["대규모 공습"]
