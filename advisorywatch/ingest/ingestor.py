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
from advisorywatch.ingest.alerts import Alerter, PlacesNeeded, Unrouted
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

        The places store is opened when an item first fires (:class:`PlacesNeeded`), outside
        the transaction, which is then stored again: once per process (the daemon opens it at
        start), and never for a process whose items fire nothing (matching the batch's items
        beforehand would match every listed item, not just the new and revised ones). A rule
        limited to countries or places needs it to match: then it is opened before any batch
        with items."""
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
        failed: dict[int, str] = {}  # by index in ``outcomes``: fetches whose routing failed
        cancelled = 0
        while True:  # a routing failure leaves its fetch out, so this ends
            last = cancelled == STORE_ATTEMPTS - 1
            try:
                return self._store(outcomes, claims, first, last, failed)
            except LockOrder as exc:
                first = exc.keys
            except RoutingFailed as exc:
                failed[exc.index] = exc.error
                continue
            except DBAPIError as exc:
                if last or not cancelled_by_another(exc):
                    raise
            cancelled += 1
            log.info("storing %d fetch(es) again: cancelled for another transaction", len(outcomes))

    def _store(
        self,
        outcomes: list[FetchOutcome],
        claims: Mapping[str, Claim],
        first: frozenset[LockKey],
        last: bool,
        failed: Mapping[int, str],
    ) -> list[IngestResult]:
        """One attempt of :meth:`ingest_many`; ``first``, the routing locks to take first;
        on the ``last``, a fetch cancelled for another's sake is reported failed; ``failed``,
        fetches left out (reported failed): their alerts' routing failed in an earlier attempt.
        The fetches are stored first, then their alerts routed (:meth:`Alerter.route`)."""
        results = []
        unrouted: list[tuple[int, list[Unrouted]]] = []  # per fetch with alerts, by index
        with self.db.session() as s:
            routing = self.alerter.routing(s)
            routing.locks.first = first
            names = {o.source for o in outcomes}
            sources = {r.name: r for r in s.scalars(select(Source).where(Source.name.in_(names)))}
            stocked = None
            if any(o.items for o in outcomes):
                stocked = stocked_sources(s, [r.id for r in sources.values()])
            for index, outcome in enumerate(outcomes):
                src = sources.get(outcome.source)
                claim = claims.get(outcome.source)
                if index in failed:
                    results.append(IngestResult(outcome.source, ok=False, error=failed[index]))
                    continue
                if src is not None and not outcome.items:
                    # Fetch state only (a 304, a failure, an empty feed): no savepoint, whose
                    # flush per fetch was most of what storing a warm pass cost. A bug here
                    # fails the whole batch, which is then reported failed and fetched again.
                    results.append(self._ingest(routing, src, outcome, stocked, claim, []))
                    continue
                alerts: list[Unrouted] = []
                try:
                    with s.begin_nested():
                        src = sources[outcome.source]
                        results.append(self._ingest(routing, src, outcome, stocked, claim, alerts))
                except Exception as exc:  # a storage bug in one source must not lose the rest
                    if isinstance(exc, PlacesNeeded):
                        raise  # the whole batch again, once the lookup is built (ingest_many)
                    if cancelled_by_another(exc) and not last:
                        raise  # the whole batch again (ingest_many)
                    # What was memoised in the rolled-back savepoint is gone.
                    routing.reset()
                    stocked = None
                    log.exception("source %s: storing the fetch failed", outcome.source)
                    results.append(IngestResult(outcome.source, ok=False, error=_failed(exc)))
                    continue
                if alerts:
                    unrouted.append((index, alerts))
            self._route(routing, outcomes, unrouted, last)
        return results

    def _route(
        self,
        routing: Routing,
        outcomes: list[FetchOutcome],
        unrouted: list[tuple[int, list[Unrouted]]],
        last: bool,
    ) -> None:
        """Route the batch's alerts, last: the routing locks (several nodes) are held from
        here to the commit only. A fetch whose routing fails is stored again without the
        others (:class:`RoutingFailed`): its alerts must not stay without their deliveries."""
        for index, alerts in unrouted:
            try:
                self.alerter.route(routing, alerts)
            except Exception as exc:
                if (isinstance(exc, LockOrder) or cancelled_by_another(exc)) and not last:
                    raise  # the whole batch again (ingest_many)
                log.exception(
                    "source %s: routing the fetch's alerts failed", outcomes[index].source
                )
                raise RoutingFailed(index, _failed(exc)) from exc

    def _ingest(
        self,
        routing: Routing,
        src: Source,
        outcome: FetchOutcome,
        stocked: set[int] | None,
        claim: Claim | None,
        unrouted: list[Unrouted],
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
            result.alerts = self.alerter.raise_for(routing, src.name, stored.changed, now, unrouted)
        return result


class RoutingFailed(Exception):
    """Routing a fetch's alerts failed: the batch is stored again without that fetch."""

    def __init__(self, index: int, error: str) -> None:
        super().__init__(error)
        self.index, self.error = index, error


def _failed(exc: BaseException) -> str:
    return f"storing failed: {type(exc).__name__}: {exc}"


def _keep_validators(src: Source, outcome: FetchOutcome) -> None:
    """ETag and Last-Modified for the next conditional GET; a 304 without any keeps the old."""
    if outcome.etag is not None or outcome.last_modified is not None or not outcome.not_modified:
        src.etag, src.last_modified = outcome.etag, outcome.last_modified
