"""A concept that yields to a more specific one: the hits that name the event a hit of a
concept they yield to names.

``air_strike`` yields to ``missile_attack`` and ``drone_attack`` (the lexicon header
``yields_to``): "air attack with drones and missiles", "საჰაერო თავდასხმისას 30 დრონი" are
one attack, named by its weapon. A hit yields to a hit of such a concept in the same field
that overlaps it, or that stands in the same clause no more than ``YIELD_WINDOW`` characters
away: nothing between them ends a clause (sentence or clause punctuation, a dash between
spaces) or adds a second piece of evidence (a word for "and": "air strikes and missile
attacks" are two). A hit in the title yields when the text has hits of its concept and every
one of them yields: the text says what the headline's raid was made with. A hit whose words
the field repeats never yields: the matcher reports a repeated phrase once, and the other
mention may be a separate attack.

The engine drops a yielded hit only when a rule on the same item reports the concept it
yields to (:meth:`advisorywatch.rules.engine.RuleEngine.evaluate`): a yield never silences
an event.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from advisorywatch.rules.boundaries import is_word
from advisorywatch.rules.matcher import Hit
from advisorywatch.rules.normalize import normalize

YIELD_WINDOW = 32
# Ends a clause, in normalised text (NFKC makes the full-width forms ASCII).
_CLAUSE_END = re.compile(r"[.!?;:,。、؛،।…]|(?:^|\s)-(?:\s|$)")
# A word for "and" between the two hits, in normalised text (accents folded: Vietnamese "và"
# is "va", Romanian "și" is "si"), and the Arabic, Persian and Hebrew "و"/"ו" that may be
# written on the next word. Dutch "en" is left out: in French and Spanish it means "in".
_AND = re.compile(
    r"(?<!\w)(?:and|et|und|y|e|ed|i|oraz|si|ve|dan|serta|va|и|і|й|та|και|და|और|तथा|एवं|และ|및)"
    r"(?!\w)|[和及与與并並や]|(?<!\w)[وו]"
)
_AND_ON_WORD = "وו"
_KO_AND = "과와"  # Korean particles: "공습과 미사일 공격"


def yielded(
    hits: Sequence[Hit], fields: Mapping[str, str], yields: Mapping[str, frozenset[str]]
) -> dict[int, frozenset[str]]:
    """The hits (by index) that yield, each with the concepts of the hits it yields to;
    ``yields``: each yielding concept's ``yields_to``."""
    out: dict[int, frozenset[str]] = {}
    normal: dict[str, str] = {}  # field -> its normal form, worked out once
    for i, h in enumerate(hits):
        wanted = yields.get(h.concept or "")
        if not wanted:
            continue
        text = fields.get(h.field, "")
        to = frozenset(
            g.concept
            for g in hits
            if g.concept in wanted and g.field == h.field and _same_clause(text, h, g)
        )
        if to:
            if h.field not in normal:
                normal[h.field] = normalize(text)
            if not _said_again(normal[h.field], h):
                out[i] = to
    for i, h in enumerate(hits):
        if h.field != "title" or i in out or not yields.get(h.concept or ""):
            continue
        in_text = [j for j, g in enumerate(hits) if g.field == "text" and g.concept == h.concept]
        if in_text and all(j in out for j in in_text):
            out[i] = frozenset().union(*(out[j] for j in in_text))
    return out


def _said_again(normal: str, h: Hit) -> bool:
    """Whether the words of ``h`` stand in the field (``normal``: its normal form) more than
    once: the matcher reports a repeated phrase once, so a second, separate mention could
    hide behind the one that yields ("an air attack with drones on Odesa; an air attack by
    jets on Kharkiv")."""
    return normal.count(normalize(h.matched)) > 1


def _same_clause(text: str, a: Hit, b: Hit) -> bool:
    """Whether hits ``a`` and ``b`` of one field overlap or stand close in one clause."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    if second.start < first.end:
        return True
    if second.start - first.end > YIELD_WINDOW:
        return False
    between = normalize(text[first.end : second.start])
    if _CLAUSE_END.search(between) or _AND.search(between):
        return False
    word = second.start  # where the later hit's word starts: "و" may be written on it
    while word > first.end and is_word(text[word - 1]):
        word -= 1
    return text[word] not in _AND_ON_WORD and not _korean_and(text, first.end)


def _korean_and(text: str, end: int) -> bool:
    """Whether the hit ending at ``end`` ends with, or is followed by, the particle 과/와."""
    at = end - 1 if text[end - 1] in _KO_AND else end
    return (
        at < len(text)
        and text[at] in _KO_AND
        and (at + 1 == len(text) or not is_word(text[at + 1]))
    )
