"""Source claims on a real PostgreSQL database: two nodes never hold one source or one host at
a time, an expired claim is taken over, and only the current claim's fetch is stored. A node
claims ahead, and takes another node's hosts' sources only once they are overdue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.exc import DBAPIError

from advisorywatch.crawler.sources.types.feed import FeedConfig
from advisorywatch.db.claims import (
    Claim,
    Claimed,
    claim_due,
    end_stalled_transactions,
    finish,
    renew,
)
from advisorywatch.db.clock import database_now
from advisorywatch.db.models import Source
from advisorywatch.db.session import Database
from advisorywatch.ingest.sync import sync_sources

from conftest import POSTGRES, Project, wait_for

pytestmark = pytest.mark.skipif(not POSTGRES, reason="claims are for several nodes: PostgreSQL")
LEASE = timedelta(seconds=30)
SOURCES = {"a1": "http://a.example/1", "a2": "http://a.example/2", "b1": "http://b.example/1"}


@pytest.fixture
def db(project: Project) -> Iterator[Database]:
    database = Database(project.effective_database_url)
    database.upgrade()
    sync_sources(database, [FeedConfig(name=n, type="feed", url=u) for n, u in SOURCES.items()])
    yield database
    database.dispose()


def _claim(
    db: Database,
    node: str,
    names: list[str] | None = None,
    ahead: timedelta = timedelta(0),
    mine: list[str] | None = None,
) -> Claimed:
    with db.session() as s:
        return claim_due(s, node, names or list(SOURCES), LEASE, 100, ahead, mine, 2 * ahead)


def _due_in(db: Database, seconds: float, names: list[str] | None = None) -> None:
    """Move ``names`` (all: None) to a slot ``seconds`` from now (database time)."""
    with db.session() as s:
        s.execute(
            update(Source)
            .where(Source.name.in_(names or list(SOURCES)))
            .values(next_run_at=database_now(s) + timedelta(seconds=seconds))
        )


def _names(got: Claimed) -> set[str]:
    return {name for _, name, _ in got.sources}


def _as_claim(got: Claimed, name: str) -> Claim:
    i, _, host = next(row for row in got.sources if row[1] == name)
    return Claim(i, name, host, got.token, got.now + timedelta(minutes=10))


def test_a_claimed_source_is_not_claimed_again_until_it_is_finished(db: Database) -> None:
    first = _claim(db, "A")
    assert _names(first) == set(SOURCES)
    assert _names(_claim(db, "B")) == set()
    with db.session() as s:
        assert finish(s, _as_claim(first, "b1"))
    # b1 moved to its next slot: not due again for anyone yet
    assert _names(_claim(db, "B")) == set()
    with db.session() as s:
        row = s.scalars(select(Source).where(Source.name == "b1")).one()
        assert row.claimed_by is None and row.claim_token is None
        assert row.next_run_at == first.now + timedelta(minutes=10)


def test_one_node_holds_a_host_at_a_time(db: Database) -> None:
    got = _claim(db, "A", ["a1"])
    assert _names(got) == {"a1"}
    # a2 is due and unclaimed, but its host is A's while A holds a1: B gets only host b
    b = _claim(db, "B")
    assert _names(b) == {"b1"}
    assert b.left  # a2 was due but not B's to take: the next pass should come soon
    assert _names(_claim(db, "A")) == {"a2"}  # A may take more of its own host
    assert not _claim(db, "C").left  # nothing left due


def test_an_expired_claim_is_taken_over(db: Database) -> None:
    stale = _claim(db, "A", ["a1"])
    with db.session() as s:  # A stalls past its lease (by the database's clock)
        s.execute(update(Source).values(claim_until=database_now(s) - timedelta(seconds=1)))
    fresh = _claim(db, "B", ["a1"])
    assert _names(fresh) == {"a1"}
    with db.session() as s:
        assert renew(s, "A", LEASE) == 0  # A wakes up: nothing of its own left to renew
        assert not finish(s, _as_claim(stale, "a1"))  # nor to store
        assert finish(s, _as_claim(fresh, "a1"))
        assert not finish(s, _as_claim(fresh, "a1"))  # a token is spent once


def test_the_lease_runs_on_the_database_clock(db: Database) -> None:
    got = _claim(db, "A", ["b1"])
    with db.session() as s:
        until = s.scalar(select(Source.claim_until).where(Source.name == "b1"))
        assert until == got.now + LEASE
        assert renew(s, "A", LEASE) == 1
        assert s.scalar(select(Source.claim_until).where(Source.name == "b1")) == (
            database_now(s) + LEASE
        )


def test_names_with_quotes_backslashes_and_commas_are_claimed_as_written(db: Database) -> None:
    odd = ['say "hi"', "back\\slash", "a,b", "{braces}", "ünï code", "NULL"]
    sync_sources(db, [FeedConfig(name=n, type="feed", url="http://c.example/x") for n in odd])
    got = _claim(db, "A", [*odd, "not-a-source"])
    assert _names(got) == set(odd)
    assert _names(_claim(db, "B", ["a1"])) == {"a1"}  # another set of names, another literal


def test_a_node_claims_what_falls_due_before_its_next_pass_and_learns_when(db: Database) -> None:
    _due_in(db, 20)
    assert _names(_claim(db, "A", ahead=timedelta(seconds=10))) == set()
    got = _claim(db, "A", ahead=timedelta(seconds=30))
    assert _names(got) == set(SOURCES)
    assert {round((due - got.now).total_seconds()) for due in got.due.values()} == {20}
    _due_in(db, -5)  # overdue (the claims expired meanwhile): due now, not in the past
    with db.session() as s:
        s.execute(update(Source).values(claim_until=None, claimed_by=None, claim_token=None))
    late = _claim(db, "B")
    assert set(late.due.values()) == {late.now}


def test_another_nodes_hosts_are_taken_only_once_overdue(db: Database) -> None:
    ahead = timedelta(seconds=5)  # grace: two of it
    _due_in(db, -3)
    assert _names(_claim(db, "A", ahead=ahead, mine=["a.example"])) == {"a1", "a2"}
    assert _names(_claim(db, "B", ahead=ahead, mine=["a.example"])) == set()  # b is not B's
    _due_in(db, -11, ["b1"])  # b's node is busy, stalled or dead
    assert _names(_claim(db, "B", ahead=ahead, mine=["a.example"])) == {"b1"}


def test_a_source_never_fetched_is_anyones(db: Database) -> None:
    assert _names(_claim(db, "A", mine=[])) == set(SOURCES)


def test_a_node_claims_its_own_hosts_never_fetched_sources_first(db: Database) -> None:
    """In a cold start every source is anyone's: a node taking them by id alone would hold
    every host (one node at a time holds a host) and leave the other nodes nothing to claim."""
    with db.session() as s:
        got = claim_due(s, "B", list(SOURCES), LEASE, 1, mine=["b.example"])
    assert _names(got) == {"b1"}  # not a1, the first by id
    with db.session() as s:
        got = claim_due(s, "A", list(SOURCES), LEASE, 2, mine=["a.example"])
    assert _names(got) == {"a1", "a2"}


def test_renewing_skips_a_row_a_store_holds_instead_of_waiting_for_it(db: Database) -> None:
    _claim(db, "A")
    with db.session() as storing:  # a store batch of the same node, mid-transaction
        storing.execute(select(Source.id).where(Source.name == "a1").with_for_update())
        with db.session() as s:
            s.execute(text("SET LOCAL lock_timeout = '10s'"))  # waiting would fail the test
            assert renew(s, "A", LEASE) == 2  # a2 and b1; a1 is being stored


def test_the_claiming_pass_reads_its_lists_once_not_once_per_row(db: Database) -> None:
    """At 10,000 sources a pass that tested each row with ``name = ANY(<the list>)`` parsed
    the whole list again per row (quadratic): PostgreSQL's plan must hash the lists instead."""
    many = [f"s{i:04}" for i in range(2000)]
    sync_sources(
        db,
        [
            FeedConfig(name=n, type="feed", url=f"http://h{i % 7}.example/{n}")
            for i, n in enumerate(many)
        ],
    )
    sent: list[tuple[str, object]] = []

    def keep(conn: object, cursor: object, statement: str, params: object, *_: object) -> None:
        if "FOR UPDATE SKIP LOCKED" in statement:
            sent.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        got = _claim(db, "A", many, mine=["h1.example", "h2.example"])
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert len(got.sources) == 100  # the limit: never-fetched sources are anyone's
    assert {name for _, name, _ in got.sources} <= set(many)
    [(statement, params)] = sent
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        plan = "\n".join(row[0] for row in raw.execute("EXPLAIN " + statement, params))
    assert "= ANY" not in plan, plan


def test_the_claiming_pass_is_planned_for_its_own_parameters_every_time(db: Database) -> None:
    """psycopg prepares a statement from its fifth run on a connection, and PostgreSQL may then
    use one generic plan for any parameters: for the claiming pass, one that joins every name
    to every source whether or not anything is due (ten times the server's CPU of a pass at
    10,000 sources). Every pass must be planned for its own time and lists."""
    with db.session() as s:
        for _ in range(12):
            claim_due(s, "A", list(SOURCES), LEASE, 100, timedelta(0), ["a.example"])
        plans = s.execute(
            text(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE '%FOR UPDATE SKIP LOCKED%'"
            )
        ).all()
    [(generic, custom)] = plans  # the statement, prepared: planned for each run since
    assert generic == 0 and custom > 5, plans  # (where it took a generic plan after 5 before)


def test_a_node_frozen_mid_transaction_gives_its_sources_up_after_a_lease(
    project: Project, db: Database
) -> None:
    """A node frozen while its heartbeat renews its claims holds their rows ``FOR UPDATE``:
    without a limit, no other node could take those sources over until it woke."""
    lease = timedelta(seconds=1)
    frozen = Database(project.effective_database_url)
    end_stalled_transactions(frozen.engine, lease)
    taken: set[str] = set()
    try:
        with frozen.session() as s:
            assert _names(claim_due(s, "A", list(SOURCES), lease, 100)) == set(SOURCES)
        with pytest.raises(DBAPIError, match="idle-in-transaction"), frozen.session() as s:
            assert renew(s, "A", lease) == 3  # ...and the node freezes before committing
            wait_for(
                lambda: taken.update(_names(_claim(db, "B"))) or taken == set(SOURCES), 30, "B"
            )
        # Woken, the frozen node finds its transaction gone: nothing of it is stored.
    finally:
        frozen.dispose()
