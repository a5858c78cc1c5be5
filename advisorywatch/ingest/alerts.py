"""Raising alerts, for every kind of rule through one path: a text rule's match and an
advisory-level rule's change each become a :class:`Firing`, and each firing that is new to its
item becomes an :class:`Alert` with its deliveries, in the transaction that stored the item.
An item's new alerts are routed together, as one message per channel.

Routing comes last in the transaction (:meth:`Alerter.route`, after every fetch of the batch
is stored): with several nodes it takes locks (a rule's incidents, a channel's storm count)
that are held until the commit, and taken at the first alert they kept every other node's
alerting batch waiting while this one stored the rest of its fetches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from advisorywatch.db.models import Alert, AlertPlace, Item
from advisorywatch.ingest.items import Changed, Row, StoredItem, as_items, set_places
from advisorywatch.model import ParsedItem
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.route.context import Routing
from advisorywatch.notifier.route.incident_words import IncidentWords
from advisorywatch.notifier.route.router import Raised, plan_deliveries
from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.engine import RuleEngine, RuleMatch, hit_record, match_keys
from advisorywatch.rules.levels import LevelChange, rules_for_change

_ALERTS: Table = Alert.__table__  # type: ignore[assignment]  # declarative tables are Tables
# Each id in the order of its row (on SQLite, one row per statement: an item's few alerts).
_INSERT_ALERTS = insert(_ALERTS).returning(_ALERTS.c.id, sort_by_parameter_order=True)
_INSERT_PLACES = insert(AlertPlace)


@dataclass(frozen=True, slots=True)
class Firing:
    """A rule firing on an item: what one alert is made of."""

    rule: RuleConfig
    severity: str
    matched: list[dict[str, Any]]  # the alert's ``matched`` records
    # Names an event of its own (an advisory-level change); a text match has none, and fires
    # again on a revision of its item only for a concept or keyword it had not matched there.
    occasion: str = ""
    incident: bool = True  # may be folded into an incident with other sources' reports
    lowered: str = ""  # why ``severity`` is below the rule's (``RuleMatch.lowered``)


def _text_firings(matches: list[RuleMatch]) -> list[Firing]:
    return [
        Firing(m.rule, m.severity, [hit_record(h) for h in m.hits], lowered=m.lowered)
        for m in matches
    ]


def _level_firings(
    rules: list[RuleConfig], source: str, change: LevelChange, now: datetime
) -> list[Firing]:
    """Each country's change is its own event: never folded into an incident."""
    return [
        Firing(rule, rule.severity, change.matched(), change.occasion(now), incident=False)
        for rule in rules_for_change(rules, source, change)
    ]


@dataclass(frozen=True, slots=True)
class Unrouted:
    """An item's new alerts, stored, their deliveries not planned yet (:meth:`Alerter.route`)."""

    item: Item
    raised: list[Raised]
    now: datetime


class PlacesNeeded(Exception):
    """An item fires while the places store is not open: the storing transaction is given up,
    the store opened outside it (:meth:`Alerter.ready`), and the batch stored again."""

    def __init__(self) -> None:
        super().__init__("the places store is needed: open it, then store the batch again")


class Alerter:
    """Raises the alerts of stored items; ``incident_words``, the words of recent incidents, is
    kept across the ingestor's transactions."""

    def __init__(self, rules: RuleEngine, channels: Channels) -> None:
        self.rules, self.channels = rules, channels
        self.incident_words = IncidentWords()

    places_ready: ClassVar[bool] = False  # as the store: once per process (reloads too)

    @classmethod
    def ready(cls) -> None:
        """Open the places store (once per process), outside the storing transaction: the
        first process of a version builds its file, which takes seconds that must not hold the
        database's write lock. Imported here: a process whose items never fire never loads
        it."""
        from advisorywatch.rules.places.store import places

        places()
        cls.places_ready = True

    def routing(self, s: Session) -> Routing:
        """The routing state of one storing transaction."""
        return Routing(s, self.channels, self.incident_words)

    def raise_for(
        self,
        routing: Routing,
        source: str,
        changed: list[Changed],
        now: datetime,
        unrouted: list[Unrouted],
    ) -> int:
        """Alerts for a response's new and changed items, in feed order, once every item has
        its id, added to ``unrouted``; returns how many were raised. Raises
        :class:`PlacesNeeded` when one fires before the places store is open."""
        s = routing.session
        due = [(c.row, f) for c in changed if (f := self._firings(source, c, now))]
        if not due:
            return 0
        if not self.places_ready:
            raise PlacesNeeded
        from advisorywatch.rules.places.extract import places_in

        items = as_items(s, [row for row, _ in due])
        # Worked out for items that fire only: the common item costs nothing.
        set_places(s, {item: places_in(item.title, item.text) for item in items})
        alerted: set[Row] = set()
        raised = 0
        for (row, firings), item in zip(due, items, strict=True):
            # A new item can have alerts already when the response repeated it.
            known = isinstance(row, StoredItem) or row in alerted
            alerted.add(row)
            new = _new_to(s, item, firings) if known else firings
            if new:
                unrouted.append(self._alert(routing, item, new, now))
                raised += len(new)
        return raised

    @staticmethod
    def route(routing: Routing, unrouted: list[Unrouted]) -> None:
        """Plan the deliveries of stored alerts, in the order they were raised."""
        for u in unrouted:
            plan_deliveries(routing, u.item, u.raised, u.now)

    def _firings(self, source: str, c: Changed, now: datetime) -> list[Firing]:
        firings = []
        if c.revised:
            firings += _text_firings(self._text_matches(source, c.item))
        if c.change is not None:
            firings += _level_firings(self.rules.configs, source, c.change, now)
        return firings

    def _text_matches(self, source: str, item: ParsedItem) -> list[RuleMatch]:
        """The rules ``item``'s text matches; a parsing worker may have matched it already."""
        if item.prepared is None:
            fields = {"title": item.title, "text": item.text}
            return self.rules.evaluate(source, fields, item.published)
        configs = self.rules.configs
        return [
            RuleMatch(configs[i], hits, severity, lowered_by, dated)
            for i, severity, hits, lowered_by, dated in item.prepared.matches
        ]

    def _alert(
        self, routing: Routing, item: Item, firings: list[Firing], now: datetime
    ) -> Unrouted:
        """The one place alerts are created: an item's new firings, together, so that they
        are routed as one message per channel. Written with Core statements, not the ORM's
        flushes (a cold pass raises hundreds of alerts, an item's one by one); the
        :class:`Alert` objects routing reads are not added to the session."""
        values = [
            {
                "item_id": item.id,
                "source_id": item.source_id,
                "rule": f.rule.name,
                "occasion": f.occasion,
                "severity": f.severity,
                "lowered": f.lowered,
                "created_at": now,
                "matched": f.matched,
                "places": item.places,
            }
            for f in firings
        ]
        db = routing.session.connection()
        ids = db.execute(_INSERT_ALERTS, values).scalars().all()
        alerts = [Alert(id=i, **v) for i, v in zip(ids, values, strict=True)]
        filed = [{"code": c, "alert_id": a.id} for a in alerts for c in AlertPlace.codes(a.places)]
        if filed:
            db.execute(_INSERT_PLACES, filed)
        raised = [
            Raised(a, f.rule.notify, f.incident) for a, f in zip(alerts, firings, strict=True)
        ]
        return Unrouted(item, raised, now)


def _new_to(s: Session, item: Item, firings: list[Firing]) -> list[Firing]:
    """The firings new to an item that may have alerts already: those with an occasion, and
    text matches of a concept or keyword their rule had not matched on the item before."""
    if all(f.occasion for f in firings):
        return firings
    before: dict[str, set[str]] = {}
    for rule, matched in s.execute(
        select(Alert.rule, Alert.matched).where(Alert.item_id == item.id)
    ):
        before.setdefault(rule, set()).update(match_keys(matched))
    return [
        f
        for f in firings
        if f.occasion
        or f.rule.name not in before
        or not match_keys(f.matched) <= before[f.rule.name]
    ]
