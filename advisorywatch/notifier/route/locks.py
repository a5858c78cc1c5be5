"""Routing's transaction-scoped advisory locks (PostgreSQL), taken in one order.

Routing takes a lock per rule before it reads the rule's incidents (:mod:`.incidents`) and a
lock per channel before it counts the channel's messages against the storm threshold
(:mod:`.storm`), each held until the transaction commits (routing comes last in a batch's
transaction, for that). A batch of fetches is one transaction that learns which locks it needs
only as it routes: two batches taking two keys in opposite orders would wait for each other (a
deadlock, which PostgreSQL breaks by cancelling one). So all routing locks share one order,
(namespace, key), and a transaction waits only for a key above every one it took; a lower one
it only tries, and when another transaction holds it, it raises :class:`LockOrder`: the ingest
rolls the batch back and stores it again, taking the keys it needed first, in ascending order
(:class:`~.context.RouteLocks`). On SQLite ``BEGIN IMMEDIATE`` serialises the transactions
already: no lock is taken.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from advisorywatch.notifier.route.context import LockKey, Routing


class LockOrder(Exception):
    """A routing lock is held by another transaction and sorts below one this transaction
    holds: waiting could deadlock. Store the batch again, taking ``keys`` first."""

    def __init__(self, keys: frozenset[LockKey]) -> None:
        super().__init__(f"routing locks out of order, {len(keys)} to take first")
        self.keys = keys


_KEYS: dict[str, int] = {}  # per name, its lock key (the server's hash: the same for each)


def _key(s: Session, name: str) -> int:
    """``hashtext`` of ``name``, as every node (of any version since 1100) computes it."""
    key = _KEYS.get(name)
    if key is None:
        key = _KEYS[name] = int(s.scalar(select(func.hashtext(name))) or 0)
    return key


def take_lock(routing: Routing, namespace: int, name: str) -> bool:
    """Take the lock of ``name`` in ``namespace`` (and the ``first`` keys, at the transaction's
    first), waiting only for keys above every key taken; raises :class:`LockOrder` for a lower
    one that another transaction holds. True when the lock was not held before (what was read
    before it may have changed); always False on SQLite."""
    s, locks = routing.session, routing.locks
    if s.get_bind().dialect.name != "postgresql":
        return False
    wanted = (namespace, _key(s, name))
    if wanted in locks.held:
        return False
    for key in sorted((locks.first | {wanted}) - locks.held):
        if locks.top is None or key > locks.top:
            s.execute(select(func.pg_advisory_xact_lock(*key)))
            locks.top = key
        elif not s.scalar(select(func.pg_try_advisory_xact_lock(*key))):
            raise LockOrder(frozenset(locks.held | locks.first | {wanted}))
        locks.held.add(key)
    return True
