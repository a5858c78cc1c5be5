"""The literals a regex cannot match without, and that a regex without any still runs."""

from __future__ import annotations

import re

import pytest

from advisorywatch.rules.literals import compile_pattern, pattern_gate, pattern_triggers
from advisorywatch.rules.matcher import ConceptMatcher, Target
from advisorywatch.rules.normalize import normalize


@pytest.mark.parametrize(
    ("source", "triggers", "gate"),
    [
        (r"\blevel\s+4\b", {"level"}, None),
        (r"EVACUATION", {"evacuation"}, None),  # lower-cased
        (r"(?:air|drone) strikes?", {" strike"}, {"air", "drone"}),  # the longer literal first
        (r"\bsirens?\s+(?:are\s+|were\s+)?activated\b", {"activated"}, {"siren"}),
        (r"(?:ambassade|embassy)\W+(?:\w+\W+){0,3}ferm", {"ambassade", "embassy"}, {"ferm"}),
        (r"[ck]urfew", {"urfew"}, None),  # a class of one letter is too short a literal
        (r"(?:foo)?bar", {"bar"}, None),  # an optional group is not required
        (r"(?:ab){2}", None, None),  # too short
        (r"foo|ba", None, None),  # one branch has no literal of 3 characters
        (r"\w+", None, None),
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
