"""What makes two reports the same event: the Jaccard index of their word sets (words of three
or more letters, case folded, after the matcher's normalisation), and the index of each
incident's words that new alerts are compared with.

Two reports must also share at least ``MIN_SHARED`` words, so short headlines that differ in
one word (a place name, a number) are not merged. The candidates are a rule's incidents in the
window, a handful at a time, so the exact index is cheap and no MinHash index (datasketch pulls
numpy and scipy into the daemon) is needed."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisorywatch.db.models import Incident
from advisorywatch.rules.normalize import normalize

MIN_SHARED = 5
MAX_WORDS = 300
_WORD = re.compile(r"\w{3,}")

IncidentKey = tuple[int, datetime]  # an incident's id and creation time


def words(title: str, text: str) -> set[str]:
    found = _WORD.findall(normalize(f"{title} {text}").casefold())
    return set(found[:MAX_WORDS])


def similarity(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> float:
    shared = len(a & b)
    if shared < MIN_SHARED:
        return 0.0
    return shared / len(a | b)


class IncidentWords:
    """Each incident's words, kept in memory: a storm of alerts is compared with every incident
    of its rule in the window, which must not query and decode them all again.

    An incident's words never change, so they are kept across transactions, keyed by id and
    creation time (a row id reused after a rolled-back transaction is not the old incident)."""

    MAX_ENTRIES = 20_000

    def __init__(self) -> None:
        self._words: dict[IncidentKey, frozenset[str]] = {}

    def of(self, s: Session, keys: list[IncidentKey]) -> list[frozenset[str]]:
        """The words of each incident in ``keys``, read from the database once."""
        missing = [i for i, created in keys if (i, created) not in self._words]
        if missing:
            if len(self._words) + len(missing) > self.MAX_ENTRIES:
                self._words.clear()
                missing = [i for i, _ in keys]
            for i, created, found in s.execute(
                select(Incident.id, Incident.created_at, Incident.words).where(
                    Incident.id.in_(missing)
                )
            ):
                self._words[(i, created)] = frozenset(found)
        return [self._words[key] for key in keys]

    def remember(self, key: IncidentKey, words: frozenset[str]) -> None:
        if len(self._words) >= self.MAX_ENTRIES:
            self._words.clear()
        self._words[key] = words
