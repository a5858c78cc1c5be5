"""What makes two reports the same event (:func:`same_event`): the concepts they match and the
places they are about, or, for a report without a place, the Jaccard index of their word sets
(words of three or more letters, case folded, after the matcher's normalisation); and the
index of each incident's traits that new alerts are compared with.

Two reports compared by wording must also share at least ``MIN_SHARED`` words, so short
headlines that differ in one word (a place name, a number) are not merged. The candidates are a
rule's incidents in the window, a handful at a time, so the exact index is cheap and no MinHash
index (datasketch pulls numpy and scipy into the daemon) is needed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisorywatch.db.models import Incident
from advisorywatch.rules.engine import match_keys
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


@dataclass(frozen=True, slots=True)
class Report:
    """What an incident, or a report that may join one, is about. ``places`` are the codes of
    the places its title names (of its text when the title names none) and of their countries:
    ``UA`` (a country, two letters), ``UA-63`` (a region), ``geonames:703448`` (a city)."""

    words: frozenset[str]
    concepts: frozenset[str] | None = None  # None: not known (incidents from before 0600)
    places: frozenset[str] = frozenset()

    @property
    def finer(self) -> frozenset[str]:
        """Its cities and regions."""
        return frozenset(p for p in self.places if len(p) != 2)


def report_of(
    title: str,
    text: str,
    matched: Iterable[Mapping[str, Any]],
    places: Sequence[Mapping[str, Any]] | None,
) -> Report:
    """An alert's report: its item's words, what it matched, and where it happened."""
    about = [p for p in places or () if p.get("in") == "title"] or list(places or ())
    codes = {p["code"] for p in about} | {p["country"] for p in about}
    return Report(frozenset(words(title, text)), frozenset(match_keys(matched)), frozenset(codes))


def same_event(new: Report, incident: Report, threshold: float) -> float:
    """How surely ``new`` reports ``incident``'s event, 0 for not at all. With places on both
    sides: the same concepts and the same place (a city or region when both name one, the
    country when neither does; otherwise never), whatever the language and wording. Without:
    the wording's similarity, when it reaches ``threshold``."""
    if new.places and incident.places:
        mine_c, theirs_c = new.concepts, incident.concepts
        if mine_c is not None and theirs_c is not None and mine_c.isdisjoint(theirs_c):
            return 0.0
        mine, theirs = new.finer, incident.finer
        if mine or theirs:
            shared = bool(mine & theirs)  # at city or region level; one of them only: never
        else:
            shared = not new.places.isdisjoint(incident.places)
        # Above any wording score, so a same-place incident is preferred.
        return 1.0 + similarity(new.words, incident.words) if shared else 0.0
    score = similarity(new.words, incident.words)
    return score if score >= threshold else 0.0


class IncidentWords:
    """Each incident's :class:`Report`, kept in memory: a storm of alerts is compared with every
    incident of its rule in the window, which must not query and decode them all again.

    An incident's report changes only when a report adds a concept, and routing then forgets it
    here, so it is kept across transactions, keyed by id and creation time (a row id reused after a
    rolled-back transaction is not the old incident)."""

    MAX_ENTRIES = 20_000

    def __init__(self) -> None:
        self._reports: dict[IncidentKey, Report] = {}

    def of(self, s: Session, keys: list[IncidentKey]) -> list[Report]:
        """The report of each incident in ``keys``, read from the database once."""
        missing = [i for i, created in keys if (i, created) not in self._reports]
        if missing:
            if len(self._reports) + len(missing) > self.MAX_ENTRIES:
                self._reports.clear()
                missing = [i for i, _ in keys]
            query = select(
                Incident.id, Incident.created_at, Incident.words, Incident.concepts, Incident.places
            )
            for i, created, found, concepts, places in s.execute(
                query.where(Incident.id.in_(missing))
            ):
                self._reports[(i, created)] = Report(
                    frozenset(found),
                    None if concepts is None else frozenset(concepts),
                    frozenset(places or ()),
                )
        return [self._reports[key] for key in keys]

    def forget(self, key: IncidentKey) -> None:
        self._reports.pop(key, None)

    def remember(self, key: IncidentKey, report: Report) -> None:
        if len(self._reports) >= self.MAX_ENTRIES:
            self._reports.clear()
        self._reports[key] = report
