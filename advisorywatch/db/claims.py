"""Source claims: how several daemons on one PostgreSQL database share the sources.

A node claims due sources with ``FOR UPDATE SKIP LOCKED`` (two nodes never claim one row) and
a transaction-scoped advisory lock per host (one node holds a host's sources at a time, so
per-domain politeness holds across nodes). A claim is a lease by database time with a
fencing token: the fetch is stored only while the token still stands (:func:`finish`), so a
node that stalled past its lease may repeat a fetch but never stores it twice.

A node claims a little ahead (sources due within ``ahead``) and fetches each at its slot, so
that it needs one claiming pass every few seconds rather than one per second. Given the hosts
it prefers (``mine``: each host is one live node's, see
:mod:`advisorywatch.runtime.coordination`), it takes another node's hosts' sources only once
they are ``grace`` overdue (that node is busy, stalled or dead): the nodes split the hosts
instead of all racing for every due source.
"""

from __future__ import annotations

import functools
import typing
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    String,
    Table,
    bindparam,
    case,
    cast,
    event,
    func,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from advisorywatch.db.clock import database_now
from advisorywatch.db.models import Source

HOST_LOCKS = 0x4157  # advisory lock namespace: one key per host (hashtext of the host name)
_CUSTOM_PLANS = text("SET LOCAL plan_cache_mode = force_custom_plan")  # this transaction's


@dataclass(frozen=True, slots=True)
class Claim:
    """One claimed source: the token its fetch must still hold when stored, the slot it moves
    to once fetched, and how long after the claiming pass it is due (claimed ahead)."""

    source_id: int
    name: str
    host: str
    token: str
    next_run_at: datetime
    wait: float = 0.0  # seconds
    # The source's ETag and Last-Modified as claimed (no other node stores it while claimed).
    validators: tuple[str | None, str | None] | None = None


@dataclass(frozen=True, slots=True)
class Claimed:
    """What one claiming pass took: the database time it ran at, the token, the sources (id,
    name, host), by id when each is due (its slot, or ``now`` for one never fetched) and its
    validators (ETag, Last-Modified), and whether due sources were left (the limit reached,
    or their hosts held by others)."""

    now: datetime
    token: str
    sources: list[tuple[int, str, str]]
    due: dict[int, datetime]
    validators: dict[int, tuple[str | None, str | None]]
    left: bool


def claim_due(
    s: Session,
    node: str,
    names: Sequence[str],
    lease: timedelta,
    limit: int,
    ahead: timedelta = timedelta(0),
    mine: Sequence[str] | None = None,
    grace: timedelta = timedelta(0),
) -> Claimed:
    """Claim up to ``limit`` sources among ``names`` due within ``ahead`` for ``node``, earliest
    first. With ``mine`` (hosts), sources of other hosts only once ``grace`` overdue (or never
    fetched: those of ``mine`` first). Hosts another node holds a live claim on are left
    alone. PostgreSQL only."""
    from sqlalchemy.dialects.postgresql import ARRAY  # not imported by a pass on SQLite

    # psycopg prepares a statement run five times on a connection, and PostgreSQL may then
    # plan it once for any parameters: not knowing how few rows are due, that plan joins all
    # the names to every source (14.8 against 1.6 ms of server CPU at 10,000 sources).
    s.execute(_CUSTOM_PLANS)
    now = database_now(s)
    query = (
        select(
            Source.id,
            Source.name,
            Source.host,
            Source.next_run_at,
            Source.etag,
            Source.last_modified,
        )
        .where(Source.name.in_(_listed(names)))
        .where(or_(Source.next_run_at.is_(None), Source.next_run_at <= now + ahead))
        .where(or_(Source.claim_until.is_(None), Source.claim_until < now))
    )
    order: list[ColumnElement[typing.Any]] = [Source.next_run_at.asc().nulls_first()]
    if mine is not None:
        own = Source.host.in_(_listed(mine))
        query = query.where(
            or_(own, Source.next_run_at.is_(None), Source.next_run_at <= now - grace)
        )
        # Never-fetched sources (a cold start: all of them) are anyone's, its own hosts' first:
        # a node taking them by id alone would hold every host (each is held by one node at a
        # time) and leave the other nodes nothing to claim until it ran out of room.
        order.append(case((own, 0), else_=1))
    rows = s.execute(
        query.order_by(*order, Source.id).limit(limit).with_for_update(skip_locked=True)
    ).all()
    hosts = sorted({row.host or "" for row in rows})
    # Taken after the rows are locked: a node that claimed one of these hosts before has
    # committed its claims by the time its advisory lock is ours, and the query below sees them.
    listed = func.unnest(literal(hosts, ARRAY(String))).table_valued("host").render_derived()
    lock = func.pg_try_advisory_xact_lock(HOST_LOCKS, func.hashtext(listed.c.host))
    held = set(s.scalars(select(listed.c.host).where(lock)))  # one round trip for all
    busy = set(
        s.scalars(
            select(Source.host)
            .where(Source.host.in_(held), Source.claim_until >= now, Source.claimed_by != node)
            .distinct()
        )
    )
    taken = [row for row in rows if (row.host or "") in held - busy]
    claimed = [(row.id, row.name, row.host or "") for row in taken]
    token = uuid.uuid4().hex
    if claimed:
        s.execute(
            update(Source)
            .where(Source.id.in_([i for i, _, _ in claimed]))
            .values(claimed_by=node, claim_until=now + lease, claim_token=token)
            .execution_options(synchronize_session=False)
        )
    due = {row.id: max(row.next_run_at or now, now) for row in taken}
    validators = {row.id: (row.etag, row.last_modified) for row in taken}
    left = len(rows) > len(taken) or len(rows) >= limit
    return Claimed(now, token, claimed, due, validators, left)


def _listed(values: Sequence[str]) -> Select[tuple[str]]:
    """``values`` as a subquery (``unnest`` of one array): PostgreSQL hashes it once per
    statement. ``column = ANY(CAST(:literal AS VARCHAR[]))`` parsed the whole array literal
    again for every row it tested, a claiming pass quadratic in the number of sources."""
    from sqlalchemy.dialects.postgresql import ARRAY  # not imported by a pass on SQLite

    array = cast(literal(_array_literal(tuple(values))), ARRAY(String))
    return select(func.unnest(array))


@functools.lru_cache(maxsize=4)
def _array_literal(names: tuple[str, ...]) -> str:
    """``names`` as one PostgreSQL array literal, built once per set of names (or hosts). Sent
    as a list, the driver adapted every name on every claiming pass: at 10,000 sources, about a
    tenth of a node's CPU."""
    quoted = ('"' + n.replace("\\", "\\\\").replace('"', '\\"') + '"' for n in names)
    return "{" + ",".join(quoted) + "}"


_SOURCES = typing.cast(Table, Source.__table__)
# A Core statement run on the session's connection: one per stored fetch, where the ORM's bulk
# UPDATE cost five times the CPU (its compile and session bookkeeping).
_FINISH = (
    update(_SOURCES)
    .where(_SOURCES.c.id == bindparam("source_id"), _SOURCES.c.claim_token == bindparam("token"))
    .values(
        next_run_at=bindparam("next_run_at"), claimed_by=None, claim_until=None, claim_token=None
    )
)


def finish(s: Session, claim: Claim) -> bool:
    """Move the source to its next slot and end the claim, if the claim still stands. False:
    another node owns the source now, and nothing of this fetch may be stored."""
    params = {"source_id": claim.source_id, "token": claim.token, "next_run_at": claim.next_run_at}
    return s.connection().execute(_FINISH, params).rowcount == 1


def end_stalled_transactions(engine: Engine, lease: timedelta) -> None:
    """Have PostgreSQL end a session whose transaction sat idle for ``lease`` (its node frozen
    mid-transaction: a GC pause, a suspended VM, SIGSTOP). Its row locks (a renewal or a store
    holds the node's claimed rows ``FOR UPDATE``) would otherwise keep every other node from
    taking those sources over until it woke. A claim is void after a lease anyway, and no
    transaction of a running node waits that long between two statements. Connections opened
    before are closed, to be opened again with the setting."""
    timeout = int(lease.total_seconds() * 1000)

    @event.listens_for(engine, "connect")
    def _timeout(dbapi_connection: typing.Any, _record: object) -> None:
        autocommit = dbapi_connection.autocommit  # a SET in a transaction rolled back is undone
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET idle_in_transaction_session_timeout = {timeout}")
        dbapi_connection.autocommit = autocommit

    engine.dispose()


def renew(s: Session, node: str, lease: timedelta) -> int:
    """Extend the live claims ``node`` holds by ``lease`` from now (database time). Rows a store
    holds locked are skipped, not waited for: the heartbeat runs beside the node's store batches
    (waiting, it would stall for a whole batch, or deadlock with it), and such a row is being
    stored under its claim right now (no other node can claim a locked row)."""
    now = database_now(s)
    held = (
        select(Source.id)
        .where(Source.claimed_by == node)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    done = s.execute(
        update(Source)
        .where(Source.id.in_(held))
        .values(claim_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(done, "rowcount", 0))


def release(s: Session, claims: Sequence[Claim]) -> None:
    """Hand claims back without moving their sources on, so that another node fetches them at
    once (a crawl interrupted by shutdown)."""
    _release(
        s,
        Source.id.in_([c.source_id for c in claims]),
        Source.claim_token.in_({c.token for c in claims}),
    )


def release_node(s: Session, node: str) -> None:
    """Hand back every claim ``node`` still holds (the node stopping)."""
    _release(s, Source.claimed_by == node)


def _release(s: Session, *where: ColumnElement[bool]) -> None:
    s.execute(
        update(Source)
        .where(*where)
        .values(claimed_by=None, claim_until=None, claim_token=None)
        .execution_options(synchronize_session=False)
    )
