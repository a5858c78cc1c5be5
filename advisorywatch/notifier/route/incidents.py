"""Incidents: one event reported by several sources (or re-published by one) within
``notifier.incident_window``. The first alert of a rule opens an incident and pings; a later
alert of the same rule that reports the same event
(:func:`~advisorywatch.notifier.route.incident_words.same_event`: the same concepts and place,
in any language; without a place, a similar wording) attaches to it, is stored, and pings no
one. Reports of different places never join. Advisory level changes are each their own event
and never join one.

Several nodes may store reports of one event at once (PostgreSQL): a transaction takes a
transaction-scoped advisory lock on the rule before it reads the rule's incidents, so the
second waits until the first has committed the incident it opened, and joins it. The lock is
held to the commit, so the ingest routes a batch's alerts after storing all its fetches
(:mod:`advisorywatch.ingest.alerts`): other nodes wait for the routing, not the storing. The
key is the rule, the scope an incident groups in: finer keys (concepts and place) would miss joins
(a report without a place is compared by wording with every incident of its rule; one that
adds a concept joins). On SQLite ``BEGIN IMMEDIATE`` serialises the transactions already.

The rule locks are taken in the one order of all routing locks (:mod:`.locks`): a batch that
would wait for a lower key than one it holds is stored again, taking its keys in order.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, bindparam, insert, select, update

from advisorywatch.db.models import Incident, IncidentAlert
from advisorywatch.model import DeliveryStatus
from advisorywatch.notifier.route.context import Routing
from advisorywatch.notifier.route.incident_words import IncidentKey, report_of, same_event
from advisorywatch.notifier.route.locks import take_lock
from advisorywatch.notifier.route.stage import Decision, NewAlert, PerChannel, every_channel

INCIDENT_LOCKS = 0x4158  # advisory lock namespace: one key per rule (hashtext of its name)
# Core statements, built once (building one costs as much as running it), run on the session's
# connection: routing writes a cold pass's alerts one by one, and an ORM flush per alert cost
# more than the statements themselves.
_INCIDENTS: Table = Incident.__table__  # type: ignore[assignment]  # declarative tables are Tables
_ATTACH = (
    update(_INCIDENTS)
    .where(_INCIDENTS.c.id == bindparam("incident"))
    .values(last_seen_at=bindparam("now"), reports=_INCIDENTS.c.reports + 1)
)
_OPEN = insert(_INCIDENTS).returning(_INCIDENTS.c.id)
_FILE = insert(IncidentAlert)


def incident(routing: Routing, new: NewAlert) -> PerChannel | None:
    """The stage: puts the alert in an incident, whichever channels it goes to (the decision
    is made once per alert); ``attached`` on every channel when it joined an existing one."""
    if not (new.incidents and routing.settings.incident_window):
        return None
    joined = attach_incident(routing, new)
    if joined is None:
        return None
    return every_channel(Decision(DeliveryStatus.ATTACHED, note=f"incident {joined}"))


def attach_incident(routing: Routing, new: NewAlert) -> int | None:
    """Put the alert in an incident; the incident's id when it joined an existing one and
    says nothing new (no new ping), else None. A report that adds a concept to its incident
    ("embassy closed" after "air strike") joins it and pings as an update; the incident then
    has that concept too."""
    s, alert, now = routing.session, new.alert, new.now
    settings = routing.settings
    threshold = settings.incident_similarity
    mine = report_of(new.item.title, new.item.text, alert.matched, alert.places)
    window = _window(routing, alert.rule, now - settings.incident_window)
    best, best_score, best_report = None, 0.0, None
    for key, theirs in zip(window, routing.incident_words.of(s, window), strict=True):
        score = same_event(mine, theirs, threshold)
        if score > best_score:
            best, best_score, best_report = key, score, theirs
    seen = routing.incident_windows[alert.rule]
    if best is not None and best_report is not None:
        db = s.connection()
        db.execute(_ATTACH, {"incident": best[0], "now": now})
        db.execute(_FILE, {"alert_id": alert.id, "incident_id": best[0]})
        seen[best] = now
        known = best_report.concepts
        if known is None or mine.concepts is None or mine.concepts <= known:
            return best[0]
        grown = known | mine.concepts
        grow = update(_INCIDENTS).where(_INCIDENTS.c.id == best[0])
        db.execute(grow.values(concepts=sorted(grown)))
        routing.incident_words.forget(best)  # read again: a rollback would undo the update
        return None
    opened = {
        "rule": alert.rule,
        "words": sorted(mine.words),
        "concepts": sorted(mine.concepts or ()),
        "places": sorted(mine.places),
        "reports": 1,
        "created_at": now,
        "last_seen_at": now,
    }
    db = s.connection()
    incident_id: int = db.execute(_OPEN, opened).scalar_one()
    routing.incident_words.remember((incident_id, now), mine)
    seen[(incident_id, now)] = now
    db.execute(_FILE, {"alert_id": alert.id, "incident_id": incident_id})
    return None


def _window(routing: Routing, rule: str, since: datetime) -> list[IncidentKey]:
    """``rule``'s incidents seen since ``since``: read once per transaction and rule (under the
    rule's lock, on PostgreSQL), then kept up to date as alerts attach and open incidents."""
    windows = routing.incident_windows
    if rule not in windows:
        take_lock(routing, INCIDENT_LOCKS, rule)
        rows = routing.session.execute(
            select(Incident.id, Incident.created_at, Incident.last_seen_at).where(
                Incident.rule == rule, Incident.last_seen_at >= since
            )
        ).all()
        windows[rule] = {(i, created): last for i, created, last in rows}
    return [key for key, last in windows[rule].items() if last >= since]
