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

from sqlalchemy import bindparam, select, update
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


Key = tuple[int, datetime]  # an incident's id and creation time


class IncidentWords:
    """What a storm of alerts is compared with, kept in memory: each new alert is compared with
    every incident of its rule in the window, which must not query and decode them all again.

    An incident's words never change, so they are kept across transactions, keyed by id and
    creation time (a row id reused after a rolled-back transaction is not the old incident).
    Which incidents are in the window is read once per transaction and rule and then kept up to
    date in ``Session.info``; a caller that rolls back a savepoint clears ``Session.info``."""

    MAX_ENTRIES = 20_000

    def __init__(self) -> None:
        self._words: dict[Key, frozenset[str]] = {}

    def candidates(
        self, s: Session, rule: str, since: datetime
    ) -> list[tuple[Key, frozenset[str]]]:
        """Key and words of each of ``rule``'s incidents seen since ``since``."""
        keys = [key for key, last in self._window(s, rule, since).items() if last >= since]
        self._load_words(s, keys)
        return [(key, self._words[key]) for key in keys]

    def attached(self, s: Session, rule: str, key: Key, now: datetime) -> None:
        s.info[_INFO_KEY][rule][key] = now

    def created(self, s: Session, rule: str, key: Key, words: frozenset[str]) -> None:
        self._remember(key, words)
        s.info[_INFO_KEY][rule][key] = key[1]

    def _window(self, s: Session, rule: str, since: datetime) -> dict[Key, datetime]:
        windows: dict[str, dict[Key, datetime]] = s.info.setdefault(_INFO_KEY, {})
        if rule not in windows:
            rows = s.execute(
                select(Incident.id, Incident.created_at, Incident.last_seen_at).where(
                    Incident.rule == rule, Incident.last_seen_at >= since
                )
            ).all()
            windows[rule] = {(i, created): last for i, created, last in rows}
        return windows[rule]

    def _load_words(self, s: Session, keys: list[Key]) -> None:
        missing = [i for i, created in keys if (i, created) not in self._words]
        if not missing:
            return
        if len(self._words) + len(missing) > self.MAX_ENTRIES:
            self._words.clear()
            missing = [i for i, _ in keys]
        for i, created, found in s.execute(
            select(Incident.id, Incident.created_at, Incident.words).where(Incident.id.in_(missing))
        ):
            self._words[(i, created)] = frozenset(found)

    def _remember(self, key: Key, words: frozenset[str]) -> None:
        if len(self._words) >= self.MAX_ENTRIES:
            self._words.clear()
        self._words[key] = words


_INFO_KEY = "advisorywatch.notifier.route.incidents.window"
# Built once: building an UPDATE statement costs as much as running it.
_ATTACH = (
    update(Incident)
    .where(Incident.id == bindparam("incident"))
    .values(last_seen_at=bindparam("now"), reports=Incident.reports + 1)
)


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
    for key, theirs in index.candidates(s, alert.rule, now - window):
        # Jaccard can reach the threshold only if the smaller set is large enough.
        if min(len(mine), len(theirs)) < threshold * max(len(mine), len(theirs)):
            continue
        score = similarity(mine, theirs)
        if score > best_score:
            best, best_score = key, score
    if best is not None and best_score >= threshold:
        s.execute(_ATTACH, {"incident": best[0], "now": now})
        s.add(IncidentAlert(alert_id=alert.id, incident_id=best[0]))
        index.attached(s, alert.rule, best, now)
        return True
    inc = Incident(rule=alert.rule, words=sorted(mine), reports=1, created_at=now, last_seen_at=now)
    s.add(inc)
    s.flush()
    index.created(s, alert.rule, (inc.id, now), frozenset(mine))
    s.add(IncidentAlert(alert_id=alert.id, incident_id=inc.id))
    return False
