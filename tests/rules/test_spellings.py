"""The forms an entry is searched in: Serbian in both scripts."""

from __future__ import annotations

import pytest

from advisorywatch.rules.spellings import serbian_pattern_twins, serbian_twins, spellings


@pytest.mark.parametrize(
    ("entry", "twin"),
    [
        ("ваздушна опасност", "vazdušna opasnost"),
        ("љубљана њујорк џамија", "ljubljana njujork džamija"),  # the three digraphs
        ("ђак ћерка чаша жена шума", "đak ćerka čaša žena šuma"),
    ],
)
def test_serbian_twins_both_ways(entry: str, twin: str) -> None:
    assert serbian_twins(entry) == [entry, twin]
    assert serbian_twins(twin) == [twin, entry]


def test_a_serbian_entry_is_normalised_in_both_scripts() -> None:
    assert spellings("Vazdušna uzbuna", "sr") == ["vazdusna uzbuna", "ваздушна узбуна"]
    assert spellings("vazdušna uzbuna", "hr") == ["vazdusna uzbuna"]  # Croatian: Latin only


def test_a_cyrillic_regex_gets_a_latin_twin_and_keeps_its_escapes() -> None:
    assert serbian_pattern_twins(r"\bваздушн\w*\s+узбун\w*") == [
        r"\bваздушн\w*\s+узбун\w*",
        r"\bvazdušn\w*\s+uzbun\w*",
    ]
    assert serbian_pattern_twins(r"\bambasad\w*") == [r"\bambasad\w*"]  # Latin: never guessed
    assert spellings(r"\bваздушн\w*", "sr", regex=True) == [r"\bvazdusn\w*", r"\bваздушн\w*"]
