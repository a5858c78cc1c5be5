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

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisorywatch.db.models import Alert, Incident, IncidentAlert
from advisorywatch.rules.normalize import normalize

MIN_SHARED = 5
MAX_WORDS = 300
_WORD = re.compile(r"\w{3,}")


def words(title: str, text: str) -> set[str]:
    found = _WORD.findall(normalize(f"{title} {text}").casefold())
    return set(found[:MAX_WORDS])


def similarity(a: set[str], b: set[str]) -> float:
    shared = len(a & b)
    if shared < MIN_SHARED:
        return 0.0
    return shared / len(a | b)


def attach_incident(
    s: Session,
    alert: Alert,
    title: str,
    text: str,
    window: timedelta,
    threshold: float,
    now: datetime,
) -> bool:
    """Put ``alert`` in an incident; True when it joined an existing one (no new ping)."""
    mine = words(title, text)
    candidates = s.scalars(
        select(Incident).where(Incident.rule == alert.rule, Incident.last_seen_at >= now - window)
    ).all()
    best, best_score = None, 0.0
    for inc in candidates:
        score = similarity(mine, set(inc.words))
        if score > best_score:
            best, best_score = inc, score
    if best is not None and best_score >= threshold:
        best.last_seen_at, best.reports = now, best.reports + 1
        s.add(IncidentAlert(alert_id=alert.id, incident_id=best.id))
        return True
    inc = Incident(rule=alert.rule, words=sorted(mine), reports=1, created_at=now, last_seen_at=now)
    s.add(inc)
    s.flush()
    s.add(IncidentAlert(alert_id=alert.id, incident_id=inc.id))
    return False
