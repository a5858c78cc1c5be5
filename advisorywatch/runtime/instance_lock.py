"""One daemon per database: a lease row that the running daemon renews.

Works the same on SQLite and PostgreSQL. A second daemon refuses to start while the lease is
fresh, naming the holder's host and pid; a lease whose holder died (same host, pid gone) or
that was not renewed for ``stale_after`` is taken over.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from advisorywatch.db.models import DaemonLease, utcnow
from advisorywatch.db.session import Database

LEASE_NAME = "daemon"


class LeaseHeld(Exception):
    def __init__(self, host: str, pid: int, heartbeat_at: datetime) -> None:
        super().__init__(
            f"another advisorywatch daemon is running on this database "
            f"(host {host}, pid {pid}, last heartbeat {heartbeat_at:%Y-%m-%d %H:%M:%S} UTC); "
            f"stop it first, or wait until its lease expires"
        )
        self.host, self.pid = host, pid


@dataclass(frozen=True, slots=True)
class Holder:
    host: str
    pid: int


def me() -> Holder:
    return Holder(socket.gethostname(), os.getpid())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Lease:
    def __init__(self, db: Database, stale_after: timedelta) -> None:
        self.db, self.stale_after, self.holder = db, stale_after, me()

    def acquire(self) -> None:
        now = utcnow()
        with self.db.session() as s:
            row = s.scalars(
                select(DaemonLease).where(DaemonLease.name == LEASE_NAME).with_for_update()
            ).one_or_none()
            if row is None:
                s.add(
                    DaemonLease(
                        name=LEASE_NAME,
                        host=self.holder.host,
                        pid=self.holder.pid,
                        started_at=now,
                        heartbeat_at=now,
                    )
                )
                return
            if (row.host, row.pid) != (self.holder.host, self.holder.pid) and self._live(row, now):
                raise LeaseHeld(row.host, row.pid, row.heartbeat_at)
            row.host, row.pid, row.started_at, row.heartbeat_at = (
                self.holder.host,
                self.holder.pid,
                now,
                now,
            )

    def _live(self, row: DaemonLease, now: datetime) -> bool:
        if now - row.heartbeat_at > self.stale_after:
            return False
        if row.host == self.holder.host:
            return _alive(row.pid)
        return True

    def renew(self) -> None:
        with self.db.session() as s:
            row = s.get(DaemonLease, LEASE_NAME)
            if row is not None and (row.host, row.pid) == (self.holder.host, self.holder.pid):
                row.heartbeat_at = utcnow()

    def release(self) -> None:
        with self.db.session() as s:
            row = s.get(DaemonLease, LEASE_NAME)
            if row is not None and (row.host, row.pid) == (self.holder.host, self.holder.pid):
                s.delete(row)


def current(db: Database) -> DaemonLease | None:
    with db.session() as s:
        return s.get(DaemonLease, LEASE_NAME)
