"""Retrospectives dated by an old year: a text whose event is dated long ago is history.

"Entre le 13 et le 15 février 1945 ... Dresde", "Στις 11 Ιανουαρίου 1944 ... σειρήνες",
"9 июля 1941 года", "2008 წლის 7 აგვისტოს": an anniversary, a memoir or a history page
names the raid it recalls with the year it happened. A text *dated only by old years* is a
retrospective: it names at least one Gregorian year from 1900 up to ``years`` before the
item's reference year (its publication year, or the matching time's when unknown), and no
later one. Real news either names no year or names the current one; one recent year anywhere
in the title or text keeps the alert.

A year in a comparison is no date of the event and counts neither way: "the deadliest strike
since 2014", "the embassy, closed since 2012", "depuis 1945", "2014年以来" are current news
measured against the past (:data:`SINCE_BEFORE`, :data:`SINCE_AFTER`). Calendars other than the
Gregorian need no care: Persian solar and Hijri years (13xx, 14xx) lie before 1900, and a Thai
Buddhist-era year (25xx) is read as its Gregorian year (minus 543). Years are read in ASCII,
Arabic-Indic, Persian, Devanagari, Thai and full-width digits. A 4-digit number inside a larger
one ("1.950", "12,1944") or far in the future ("4000 tonnes") is no year; a plan ("by 2030")
is a recent one, and so is any year up to the current one when a feed gives a bogus old date
(1970-01-01).

The engine asks only when a rule fired (:meth:`advisorywatch.rules.engine.RuleEngine.evaluate`):
the quiet path never reads a year. A rule's ``retrospective_years`` sets ``years`` (null: the
rule never lowers for a date).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from functools import cache

from advisorywatch.rules.normalize import normalize

FIRST_YEAR = 1900  # earlier 4-digit numbers are Persian or Hijri years, or no years at all
BUDDHIST_ERA = range(2400, 2700)  # Thai years: 2567 is 2024
_BUDDHIST_OFFSET = 543
_AHEAD = 30  # a year up to this far ahead is a plan ("by 2030"); a larger number is no year

# Words before a year that make it a comparison ("since 2014"), optionally followed by a word
# for "year" or an article; all three lists are normalised as the text is.
SINCE_BEFORE = (
    "since",  # en
    "depuis",  # fr
    "seit",  # de
    "desde",  # es pt
    "dal",  # it
    "dall'",
    "sinds",  # nl
    "sedert",
    "din",  # ro
    "incepand cu",
    "с",  # ru
    "со",
    "з",  # uk
    "від",
    "od",  # pl hr sr
    "од",
    "sejak",  # id
    "από",  # el
    "منذ",  # ar
    "از",  # fa
    "מאז",  # he
    "kể từ",  # vi
    "từ",
    "ตั้งแต่",  # th
    "自",  # zh
    "从",
    "從",
)
_FILLER = (
    "the",
    "year",
    "the year",
    "dem jahr",
    "l'annee",
    "el año",
    "o ano",
    "il",
    "anul",
    "het jaar",
    "roku",
    "tahun",
    "το",
    "το ετος",
    "năm",
    "ปี",
    "ปี พ.ศ.",
    "พ.ศ.",
    "عام",
    "سنه",
    "سال",
    "שנת",
)
# Words right after a year that make it a comparison ("2014'ten bu yana", "2014年以来").
SINCE_AFTER = (
    "'ten bu yana",  # tr
    "'den bu yana",
    "'tan bu yana",
    "'dan bu yana",
    "'ten beri",
    "'den beri",
    "'tan beri",
    "'dan beri",
    " yilindan bu yana",
    " yilindan beri",
    "年以来",  # zh ja
    "年以來",
    "年以降",
    "年から",
    "年起",
    "년 이후",  # ko
    "년 이래",
    "년부터",
    "년 이래로",
    " से",  # hi "2014 से", "2014 के बाद से"
    " के बाद से",
    " წლიდან",  # ka
    " წლის შემდეგ",
)


# The zero of each script whose digits a year may be written in (ASCII, Arabic-Indic, Persian,
# Devanagari, Thai, full-width): a text without any of their digits names no year.
_ZEROS = "0\u0660\u06f0\u0966\u0e50\uff10"
_DIGITS = "".join(chr(ord(z) + i) for z in _ZEROS for i in range(10))
_NUMBER = re.compile(  # faster than \d, which asks every character's Unicode category
    "[" + "".join(f"{z}-{chr(ord(z) + 9)}" for z in _ZEROS) + "]{4,}"
)
_REACH = 40  # characters on either side of a year that may hold its comparison words


def _years(text: str) -> Iterator[tuple[int, int]]:
    """(where, Gregorian year) of each 4-digit number of ``text`` that is not part of a larger
    one ("1.944", "12,1944")."""
    for m in _NUMBER.finditer(text):
        start, end = m.span()
        if end - start != 4:
            continue
        if start > 1 and text[start - 1] in ".," and text[start - 2].isdecimal():
            continue
        if end + 1 < len(text) and text[end] in ".," and text[end + 1].isdecimal():
            continue
        yield start, gregorian(int(m.group()))


@cache
def _comparisons() -> re.Pattern[str]:
    """A year in a comparison (group 1 or 2), compiled on the first text with an old year."""
    before, filler, after = (_alternatives(words) for words in (SINCE_BEFORE, _FILLER, SINCE_AFTER))
    return re.compile(
        rf"(?:(?<!\w)(?:{before})\s*(?:(?:{filler})\s*)?(\d{{4}})(?!\d))|(\d{{4}})(?:{after})"
    )


def _alternatives(words: tuple[str, ...]) -> str:
    """``words`` normalised as a regex alternation, longest first."""
    return "|".join(
        re.escape(w) for w in sorted({normalize(w) for w in words}, key=len, reverse=True)
    )


def gregorian(year: int) -> int:
    """``year`` in the Gregorian calendar: a Thai Buddhist-era year is 543 years ahead."""
    return year - _BUDDHIST_OFFSET if year in BUDDHIST_ERA else year


def dated_long_ago(fields: Mapping[str, str], reference: int, years: int) -> int | None:
    """The latest year the title and text name, when they name years and every one of them
    lies ``years`` or more before ``reference`` (comparisons set aside); None otherwise."""
    text = f"{fields.get('title', '')}\n{fields.get('text', '')}"
    digits = _DIGITS[:10] if text.isascii() else _DIGITS  # ASCII digits come first
    found = list(_years(text)) if any(d in text for d in digits) else []
    last = reference - years
    if not any(FIRST_YEAR <= y <= last for _, y in found):
        return None  # no old year: most items that fire (setting comparisons aside adds none)
    ahead = max(reference, datetime.now(UTC).year) + _AHEAD
    named = [y for at, y in found if FIRST_YEAR <= y <= ahead and not _in_comparison(text, at)]
    if not named or max(named) > last:
        return None
    return max(named)


def _in_comparison(text: str, at: int) -> bool:
    """Whether the year at ``at`` stands in a comparison: only its neighbourhood is
    normalised, enough for the longest words before and after it."""
    before = normalize(text[max(0, at - _REACH) : at])
    after = normalize(text[at + 4 : at + 4 + _REACH])
    year = normalize(text[at : at + 4])
    window = f"{before}{year}{after}"
    return any(
        m.start(1) == len(before) or m.start(2) == len(before)
        for m in _comparisons().finditer(window)
    )
