"""Who runs which source: the one place that decides between one daemon and several.

On SQLite one daemon owns the database (:class:`SingleNode`, the lease of
:mod:`advisorywatch.runtime.instance_lock`; a second refuses to start) and the daemon keeps one
scheduler job per source. On PostgreSQL any number of daemons share the work
(:class:`SharedNodes`): each registers in ``nodes`` and, from one periodic job, claims the
sources that are due (:mod:`advisorywatch.db.claims`), all by the database's clock.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Protocol

from sqlalchemy import delete, select, update

from advisorywatch import __version__
from advisorywatch.config import Config
from advisorywatch.crawler.sources.base import SourceConfig
from advisorywatch.db.claims import Claim, claim_due, release_node, renew
from advisorywatch.db.clock import database_now
from advisorywatch.db.models import Node
from advisorywatch.db.session import Database
from advisorywatch.runtime.instance_lock import Lease
from advisorywatch.runtime.schedule import next_slot

log = logging.getLogger(__name__)
FORGET_AFTER_LEASES = 100  # a node row not beaten for this many leases is deleted


class Coordination(Protocol):
    shared: bool  # True: sources are claimed by a periodic pass, else one job per source

    def start(self) -> None:
        """Join (or, single node, take) the database; raises ``LeaseHeld`` when refused."""

    def beat(self) -> None:
        """Renew this node's hold; called by the heartbeat. Blocking."""

    def claim(self, sources: Mapping[str, SourceConfig], limit: int) -> list[Claim]:
        """Claim due sources among ``sources`` (enabled, by name). Blocking."""

    def stop(self) -> None:
        """Leave: hand back what this node holds."""


def coordination_for(db: Database, config: Config) -> Coordination:
    lease = timedelta(seconds=config.daemon.lease_seconds)
    if db.engine.dialect.name == "postgresql":
        return SharedNodes(db, config, lease)
    return SingleNode(db, lease)


class SingleNode:
    """SQLite: one daemon per database."""

    shared = False

    def __init__(self, db: Database, lease: timedelta) -> None:
        self.lease = Lease(db, stale_after=lease)

    def start(self) -> None:
        self.lease.acquire()

    def beat(self) -> None:
        self.lease.renew()

    def claim(self, sources: Mapping[str, SourceConfig], limit: int) -> list[Claim]:
        return []  # never called: the scheduler has a job per source

    def stop(self) -> None:
        self.lease.release()


def config_hash(config: Config) -> str:
    return hashlib.sha256(config.model_dump_json().encode()).hexdigest()


class SharedNodes:
    """PostgreSQL: several daemons, each a row in ``nodes``, claiming due sources."""

    shared = True

    def __init__(self, db: Database, config: Config, lease: timedelta) -> None:
        self.db, self.lease = db, lease
        self.id = uuid.uuid4().hex
        self.config_hash = config_hash(config)
        self._warned: set[str] = set()  # nodes already reported with another config

    def start(self) -> None:
        with self.db.session() as s:
            now = database_now(s)
            s.execute(
                delete(Node).where(Node.heartbeat_at < now - FORGET_AFTER_LEASES * self.lease)
            )
            s.add(
                Node(
                    id=self.id,
                    host=socket.gethostname(),
                    pid=os.getpid(),
                    version=__version__,
                    config_hash=self.config_hash,
                    started_at=now,
                    heartbeat_at=now,
                )
            )
        log.info("joined as node %s (several daemons share this PostgreSQL database)", self.id)
        self._check_configs()

    def beat(self) -> None:
        with self.db.session() as s:
            now = database_now(s)
            s.execute(update(Node).where(Node.id == self.id).values(heartbeat_at=now))
            renew(s, self.id, self.lease)
        self._check_configs()

    def claim(self, sources: Mapping[str, SourceConfig], limit: int) -> list[Claim]:
        with self.db.session() as s:
            got = claim_due(s, self.id, list(sources), self.lease, limit)
        return [
            Claim(i, name, host, got.token, next_slot(sources[name], got.now))
            for i, name, host in got.sources
        ]

    def stop(self) -> None:
        with self.db.session() as s:
            release_node(s, self.id)
            s.execute(delete(Node).where(Node.id == self.id))

    def _check_configs(self) -> None:
        """Nodes running another config disagree on sources, schedules and rules: say so."""
        with self.db.session() as s:
            now = database_now(s)
            others = s.execute(
                select(Node.id, Node.host, Node.pid)
                .where(Node.config_hash != self.config_hash)
                .where(Node.heartbeat_at >= now - self.lease)
            ).all()
        for node, host, pid in others:
            if node not in self._warned:
                self._warned.add(node)
                log.warning(
                    "node %s (host %s, pid %d) runs a different config than this node: "
                    "the nodes disagree on sources, schedules or rules until they run the same",
                    node,
                    host,
                    pid,
                )
