"""Transactions that PostgreSQL cancelled because of another's: a deadlock it broke, or a
serialization failure. Run again, such a transaction very likely passes."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

DEADLOCK, SERIALIZATION = "40P01", "40001"  # SQLSTATE codes


def cancelled_by_another(exc: BaseException) -> bool:
    """Whether ``exc`` is PostgreSQL cancelling the transaction for another's sake."""
    if not isinstance(exc, DBAPIError):
        return False
    return getattr(exc.orig, "sqlstate", None) in (DEADLOCK, SERIALIZATION)
