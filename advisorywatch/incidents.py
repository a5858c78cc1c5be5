"""Incidents: one event reported by several sources (or re-published by one) within a time
window. The first alert of a rule opens an incident and pings; a later alert of the same rule
whose title and text are similar enough attaches to it, is stored, and pings no one.

Similarity is the Jaccard index of the two word sets (words of three or more letters, case
folded, after the matcher's normalisation). The candidates are the rule's incidents seen
within ``notifier.incident_window``, a handful at a time, so the exact index is cheap and no
MinHash index (datasketch pulls numpy and scipy into the daemon) is needed. Two reports must
also share at least ``MIN_SHARED`` words, so short headlines that differ in one word (a place
name, a number) are not merged.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from advisorywatch.db.models import Alert, Incident, IncidentAlert
from advisorywatch.rules.normalize import normalize

MIN_SHARED = 5
MAX_WORDS = 300
_WORD = re.compile(r"\w{3,}")


def words(title: str, text: str) -> set[str]:
    found = _WORD.findall(normalize(f"{title} {text}").casefold())
    return set(found[:MAX_WORDS])


def similarity(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> float:
    shared = len(a & b)
    if shared < MIN_SHARED:
        return 0.0
    return shared / len(a | b)


class IncidentWords:
    """The word sets of incidents, kept in memory: an incident's words never change, and a
    storm of alerts compares each new alert with every incident of its rule in the window,
    which must not decode every incident's words again each time. Keyed by id and creation
    time, so a row id reused after a rolled-back transaction is not mistaken for the old one."""

    MAX_ENTRIES = 20_000

    def __init__(self) -> None:
        self._words: dict[tuple[int, datetime], frozenset[str]] = {}

    def remember(self, key: tuple[int, datetime], words: frozenset[str]) -> None:
        if len(self._words) >= self.MAX_ENTRIES:
            self._words.clear()
        self._words[key] = words

    def candidates(
        self, s: Session, rule: str, since: datetime
    ) -> list[tuple[int, frozenset[str]]]:
        """Id and words of each of ``rule``'s incidents seen since ``since``."""
        rows = s.execute(
            select(Incident.id, Incident.created_at).where(
                Incident.rule == rule, Incident.last_seen_at >= since
            )
        ).all()
        missing = [key for key in rows if (key[0], key[1]) not in self._words]
        if missing:
            ids = [i for i, _ in missing]
            for i, created, found in s.execute(
                select(Incident.id, Incident.created_at, Incident.words).where(Incident.id.in_(ids))
            ):
                self.remember((i, created), frozenset(found))
        return [(i, self._words[(i, created)]) for i, created in rows]


def attach_incident(
    s: Session,
    index: IncidentWords,
    alert: Alert,
    title: str,
    text: str,
    window: timedelta,
    threshold: float,
    now: datetime,
) -> bool:
    """Put ``alert`` in an incident; True when it joined an existing one (no new ping)."""
    mine = words(title, text)
    best, best_score = None, 0.0
    for incident_id, theirs in index.candidates(s, alert.rule, now - window):
        # Jaccard can reach the threshold only if the smaller set is large enough.
        if min(len(mine), len(theirs)) < threshold * max(len(mine), len(theirs)):
            continue
        score = similarity(mine, theirs)
        if score > best_score:
            best, best_score = incident_id, score
    if best is not None and best_score >= threshold:
        s.execute(
            update(Incident)
            .where(Incident.id == best)
            .values(last_seen_at=now, reports=Incident.reports + 1)
        )
        s.add(IncidentAlert(alert_id=alert.id, incident_id=best))
        return True
    inc = Incident(rule=alert.rule, words=sorted(mine), reports=1, created_at=now, last_seen_at=now)
    s.add(inc)
    s.flush()
    index.remember((inc.id, now), frozenset(mine))
    s.add(IncidentAlert(alert_id=alert.id, incident_id=inc.id))
    return False
