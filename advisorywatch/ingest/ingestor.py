"""The storing transaction: what fetches produced, stored with the alerts they raise and one
outbox row per destination that must hear about each alert. One fetch's steps, in order:
health, validators, items, alerts."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from advisorywatch.config.schema import HealthConfig
from advisorywatch.db.claims import Claim, finish
from advisorywatch.db.clock import database_now
from advisorywatch.db.conflicts import cancelled_by_another
from advisorywatch.db.models import Source
from advisorywatch.db.session import Database
from advisorywatch.ingest.alerts import Alerter, PlacesNeeded
from advisorywatch.ingest.health import queue_notice, record_fetch
from advisorywatch.ingest.items import SEEN_REFRESH, stocked_sources, store_items
from advisorywatch.model import FetchOutcome
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.route.context import LockKey, Routing
from advisorywatch.notifier.route.locks import LockOrder
from advisorywatch.rules.engine import RuleEngine
from advisorywatch.testhooks import crash_point

log = logging.getLogger(__name__)
STORE_ATTEMPTS = 5  # a batch cancelled for another's sake is stored again, up to this often
CLAIM_LOST = "not stored: another node claimed the source meanwhile (this node's claim expired)"


@dataclass(slots=True)
class IngestResult:
    source: str
    ok: bool
    new: int = 0
    updated: int = 0
    alerts: int = 0
    not_modified: bool = False
    error: str | None = None
    notice: bool = False  # a health notice (source down, back) was queued for sending


class Ingestor:
    def __init__(
        self,
        db: Database,
        rules: RuleEngine,
        channels: Channels,
        health: HealthConfig | None = None,
    ) -> None:
        self.db, self.channels = db, channels
        self.health = health or HealthConfig()
        self.alerter = Alerter(rules, channels)

    def ingest(self, outcome: FetchOutcome) -> IngestResult:
        return self.ingest_many([outcome])[0]

    def ingest_many(
        self, outcomes: list[FetchOutcome], claims: Mapping[str, Claim] | None = None
    ) -> list[IngestResult]:
        """Store several fetches in one transaction (a commit per 304 is most of what a warm
        pass costs), each fetch with items in a savepoint: one whose storage fails is reported
        as failed and rolled back alone. A fetch made under a claim (several nodes, see
        :mod:`advisorywatch.db.claims`) is stored only if the claim still stands.

        Several nodes (PostgreSQL): a batch cancelled for another's sake (a deadlock, or its
        routing locks out of order: :class:`~advisorywatch.notifier.route.locks.LockOrder`)
        is stored again, whole, rather than its alerts left to the next fetch.

        The places lookup is built when an item first fires (:class:`PlacesNeeded`), outside
        the transaction, which is then stored again: once per process, and never for a
        process whose items fire nothing (matching the batch's items beforehand would match
        every listed item, not just the new and revised ones). A rule limited to countries or
        places needs it to match: then it is built before any batch with items."""
        if self.alerter.rules.matching_needs_places and any(o.items for o in outcomes):
            self.alerter.ready()  # matching may look places up, inside the transaction
        try:
            return self._store_retrying(outcomes, claims or {})
        except PlacesNeeded:
            self.alerter.ready()
            return self._store_retrying(outcomes, claims or {})

    def _store_retrying(
        self, outcomes: list[FetchOutcome], claims: Mapping[str, Claim]
    ) -> list[IngestResult]:
        first: frozenset[LockKey] = frozenset()
        for attempt in range(1, STORE_ATTEMPTS + 1):
            last = attempt == STORE_ATTEMPTS
            try:
                return self._store(outcomes, claims, first, last)
            except LockOrder as exc:
                first = exc.keys
            except DBAPIError as exc:
                if last or not cancelled_by_another(exc):
                    raise
            log.info("storing %d fetch(es) again: cancelled for another transaction", len(outcomes))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _store(
        self,
        outcomes: list[FetchOutcome],
        claims: Mapping[str, Claim],
        first: frozenset[LockKey],
        last: bool,
    ) -> list[IngestResult]:
        """One attempt of :meth:`ingest_many`; ``first``, the routing locks to take first;
        on the ``last``, a fetch cancelled for another's sake is reported failed."""
        results = []
        with self.db.session() as s:
            routing = self.alerter.routing(s)
            routing.locks.first = first
            names = {o.source for o in outcomes}
            sources = {r.name: r for r in s.scalars(select(Source).where(Source.name.in_(names)))}
            stocked = None
            if any(o.items for o in outcomes):
                stocked = stocked_sources(s, [r.id for r in sources.values()])
            for outcome in outcomes:
                src = sources.get(outcome.source)
                if src is not None and not outcome.items:
                    # Fetch state only (a 304, a failure, an empty feed): no savepoint, whose
                    # flush per fetch was most of what storing a warm pass cost. A bug here
                    # fails the whole batch, which is then reported failed and fetched again.
                    claim = claims.get(outcome.source)
                    results.append(self._ingest(routing, src, outcome, stocked, claim))
                    continue
                try:
                    with s.begin_nested():
                        src = sources[outcome.source]
                        claim = claims.get(outcome.source)
                        results.append(self._ingest(routing, src, outcome, stocked, claim))
                except Exception as exc:  # a storage bug in one source must not lose the rest
                    if isinstance(exc, PlacesNeeded):
                        raise  # the whole batch again, once the lookup is built (ingest_many)
                    if (isinstance(exc, LockOrder) or cancelled_by_another(exc)) and not last:
                        raise  # the whole batch again (ingest_many)
                    # What was memoised in the rolled-back savepoint is gone.
                    routing.reset()
                    stocked = None
                    log.exception("source %s: storing the fetch failed", outcome.source)
                    error = f"storing failed: {type(exc).__name__}: {exc}"
                    results.append(IngestResult(outcome.source, ok=False, error=error))
        return results

    def _ingest(
        self,
        routing: Routing,
        src: Source,
        outcome: FetchOutcome,
        stocked: set[int] | None,
        claim: Claim | None,
    ) -> IngestResult:
        s = routing.session
        if claim is not None and not finish(s, claim):  # the first write: nothing to undo
            log.warning("source %s: fetch %s", outcome.source, CLAIM_LOST)
            return IngestResult(outcome.source, ok=False, error=CLAIM_LOST)
        # Several nodes: the outbox's due times (and every lease) run on the database's clock.
        now = database_now(s)  # asked of PostgreSQL once per transaction
        notice = record_fetch(src, outcome, self.health, now)
        if notice:
            queue_notice(s, src, notice, self.health, self.channels, now)
        if not outcome.ok:  # fetch state only: validators and items stay as they were
            return IngestResult(outcome.source, ok=False, error=outcome.error, notice=bool(notice))
        _keep_validators(src, outcome)
        result = IngestResult(
            outcome.source, ok=True, not_modified=outcome.not_modified, notice=bool(notice)
        )
        if not outcome.not_modified:
            if outcome.items:  # retention keeps what this response lists (db/retention.py)
                # Set before the items are looked up, whose autoflush then writes the source's
                # row once (set after, it took a second UPDATE per response).
                src.listed_since = now - SEEN_REFRESH
            stored = store_items(s, src.id, outcome.items, now, stocked)
            crash_point("after-item-insert")  # tests: the transaction dies uncommitted
            result.new, result.updated = stored.new, stored.updated
            result.alerts = self.alerter.raise_for(routing, src.name, stored.changed, now)
        return result


def _keep_validators(src: Source, outcome: FetchOutcome) -> None:
    """ETag and Last-Modified for the next conditional GET; a 304 without any keeps the old."""
    if outcome.etag is not None or outcome.last_modified is not None or not outcome.not_modified:
        src.etag, src.last_modified = outcome.etag, outcome.last_modified
