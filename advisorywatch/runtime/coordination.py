"""Who runs which source: the one place that decides between one daemon and several.

On SQLite one daemon owns the database (:class:`SingleNode`, the lease of
:mod:`advisorywatch.runtime.instance_lock`; a second refuses to start) and the daemon keeps one
scheduler job per source. On PostgreSQL any number of daemons share the work
(:class:`SharedNodes`): each registers in ``nodes`` and, from one periodic job, claims the
sources that are due (:mod:`advisorywatch.db.claims`), all by the database's clock. The live
nodes split the hosts between them (rendezvous hashing with bounded loads, :func:`hosts_of`):
each claims its own hosts' sources, and another node's only once they are overdue.

Nodes must run one config. A node whose config differs from the one that wins (the config most
live nodes run; on a tie, the oldest node's) *refuses*: it claims no sources and sends nothing
until its config matches, and says which top-level keys differ (each node stores a hash per
key). During a rolling change the majority keeps working; a reloaded node (SIGHUP) registers
its new config at once, and its peers see it at their next heartbeat.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import time
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, select, update

from advisorywatch import __version__
from advisorywatch.config import Config
from advisorywatch.crawler.sources.base import SourceConfig
from advisorywatch.db.claims import (
    Claim,
    claim_due,
    end_stalled_transactions,
    release_node,
    renew,
)
from advisorywatch.db.clock import database_now
from advisorywatch.db.models import Node
from advisorywatch.db.session import Database
from advisorywatch.ingest.sync import source_host
from advisorywatch.runtime.instance_lock import Lease
from advisorywatch.runtime.schedule import next_slot

log = logging.getLogger(__name__)
FORGET_AFTER_LEASES = 100  # a node row not beaten for this many leases is deleted
SPLIT_SLACK = 0.1  # a node's hosts hold at most this much over an even share of the sources


class Coordination(Protocol):
    shared: bool  # True: sources are claimed by a periodic pass, else one job per source
    # Why this node claims and sends nothing (its config differs from the other nodes'), or None.
    refusal: str | None

    def start(self) -> None:
        """Join (or, single node, take) the database; raises ``LeaseHeld`` when refused."""

    def beat(self) -> None:
        """Renew this node's hold; called by the heartbeat. Blocking."""

    def claim(
        self, sources: Mapping[str, SourceConfig], limit: int, ahead: timedelta
    ) -> tuple[list[Claim], bool]:
        """Claim sources among ``sources`` (enabled, by name) due within ``ahead``, and say
        whether due sources were left (the limit reached, or their hosts busy). Blocking."""

    def reconfigure(self, config: Config) -> None:
        """A reloaded config: register it, and claim and send again once it matches."""

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
    refusal: str | None = None  # one node: nothing to disagree with

    def __init__(self, db: Database, lease: timedelta) -> None:
        self.lease = Lease(db, stale_after=lease)

    def start(self) -> None:
        self.lease.acquire()

    def beat(self) -> None:
        self.lease.renew()

    def claim(
        self, sources: Mapping[str, SourceConfig], limit: int, ahead: timedelta
    ) -> tuple[list[Claim], bool]:
        return [], False  # never called: the scheduler has a job per source

    def reconfigure(self, config: Config) -> None:
        pass

    def stop(self) -> None:
        self.lease.release()


# What each node may set for itself: how it reaches the database (host names, credentials),
# its log level, its web pages and its /healthz port.
NODE_OWN = ("database", "log_level", "web")


def config_keys(config: Config) -> dict[str, str]:
    """A hash of each top-level key of the config (``sources``, ``rules``, ...) that the nodes
    must agree on (not :data:`NODE_OWN`, nor ``daemon.http``)."""
    own: dict[str, Any] = {key: True for key in NODE_OWN} | {"daemon": {"http"}}
    shared = config.model_dump(mode="json", exclude=own)
    return {
        key: hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]
        for key, value in shared.items()
    }


def config_hash(keys: Mapping[str, str]) -> str:
    """The hash of a whole config, from :func:`config_keys`."""
    return hashlib.sha256(json.dumps(dict(keys), sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Peer:
    """A live node as the config check sees it."""

    id: str
    host: str
    pid: int
    started_at: datetime
    config_hash: str
    config_keys: Mapping[str, str]

    def named(self) -> str:
        return f"node {self.id[:8]} (host {self.host}, pid {self.pid})"


def config_leader(peers: Sequence[Peer]) -> Peer:
    """The node whose config the others must run: the oldest node of the config most ``peers``
    run (on a tie, of the config the oldest node runs)."""
    votes = Counter(p.config_hash for p in peers)
    oldest_of: dict[str, Peer] = {}  # each config's oldest node, oldest first
    for peer in sorted(peers, key=lambda p: (p.started_at, p.id)):
        oldest_of.setdefault(peer.config_hash, peer)
    return max(oldest_of.values(), key=lambda p: votes[p.config_hash])  # a tie: the first


def differing_keys(mine: Mapping[str, str], theirs: Mapping[str, str]) -> list[str]:
    """The top-level config keys whose hashes differ (or that only one side has)."""
    return sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))


def refusal_of(peer: Peer, leader: Peer) -> str | None:
    """Why ``peer`` must not claim or send, or None when its config is the leader's."""
    if peer.config_hash == leader.config_hash:
        return None
    if not peer.config_keys or not leader.config_keys:  # a node that stores no key hashes
        return f"config differs from {leader.named()}"
    keys = ", ".join(differing_keys(peer.config_keys, leader.config_keys))
    return f"config differs from {leader.named()}: {keys}"


class SharedNodes:
    """PostgreSQL: several daemons, each a row in ``nodes``, claiming due sources."""

    shared = True

    def __init__(self, db: Database, config: Config, lease: timedelta) -> None:
        self.db, self.lease = db, lease
        end_stalled_transactions(db.engine, lease)  # its locks must not outlive its claims
        self.id = uuid.uuid4().hex
        self.config_keys = config_keys(config)
        self.config_hash = config_hash(self.config_keys)
        self.refusal: str | None = None
        self._warned: set[tuple[str, str]] = set()  # (node, its config) already reported
        self._live: tuple[str, ...] = (self.id,)  # the nodes that claim, as last seen
        self._mine: tuple[object, tuple[str, ...], list[str]] | None = None  # cache of hosts_of

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
                    config_keys=self.config_keys,
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

    def claim(
        self, sources: Mapping[str, SourceConfig], limit: int, ahead: timedelta
    ) -> tuple[list[Claim], bool]:
        """Sources due within ``ahead``, each with how long from the return until its slot;
        another node's hosts' sources once they are two ``ahead`` late (that node is busy,
        stalled or dead)."""
        if self.refusal is not None:
            return [], False
        mine = self._hosts(sources)
        asked = time.monotonic()  # about when the database read its clock
        with self.db.session() as s:
            got = claim_due(s, self.id, list(sources), self.lease, limit, ahead, mine, 2 * ahead)
        took = time.monotonic() - asked
        claims = []
        for i, name, host in got.sources:
            due = got.due[i]
            wait = (due - got.now).total_seconds() - took
            after = next_slot(sources[name], due)
            claims.append(Claim(i, name, host, got.token, after, wait, got.validators[i]))
        return claims, got.left

    def _hosts(self, sources: Mapping[str, SourceConfig]) -> list[str]:
        """This node's hosts among ``sources``'s, for the live nodes last seen (cached)."""
        if self._mine is None or self._mine[0] is not sources or self._mine[1] != self._live:
            hosts = Counter(source_host(src.url) for src in sources.values())
            self._mine = (sources, self._live, hosts_of(self.id, self._live, hosts))
        return self._mine[2]

    def reconfigure(self, config: Config) -> None:
        self.config_keys = config_keys(config)
        self.config_hash = config_hash(self.config_keys)
        with self.db.session() as s:
            s.execute(
                update(Node)
                .where(Node.id == self.id)
                .values(config_hash=self.config_hash, config_keys=self.config_keys)
            )
        self._check_configs()

    def stop(self) -> None:
        with self.db.session() as s:
            release_node(s, self.id)
            s.execute(delete(Node).where(Node.id == self.id))

    def _check_configs(self) -> None:
        """Refuse (or stop refusing) as the live nodes' configs decide, and say so once per
        change; report each node that runs another config once."""
        with self.db.session() as s:
            now = database_now(s)
            rows = s.scalars(select(Node).where(Node.heartbeat_at >= now - self.lease)).all()
            peers = peers_of(rows)
        me = next((p for p in peers if p.id == self.id), None)
        if me is None:
            return  # not beating within a lease: the claims are gone already
        leader = config_leader(peers)
        refusal = refusal_of(me, leader)
        self._live = tuple(sorted(p.id for p in peers if p.config_hash == leader.config_hash))
        if refusal != self.refusal:
            if refusal is not None:
                log.error(
                    "%s; this node claims no sources and sends nothing until it matches", refusal
                )
            else:
                log.info("this node's config matches the other nodes' again: claiming and sending")
            self.refusal = refusal
        for peer in peers:
            seen = (peer.id, peer.config_hash)
            if peer.config_hash == self.config_hash or seen in self._warned:
                continue
            self._warned.add(seen)
            keys = "unknown keys"  # a node that stores no key hashes
            if peer.config_keys:
                keys = ", ".join(differing_keys(self.config_keys, peer.config_keys))
            log.warning(
                "%s runs a different config than this node (%s differ)%s",
                peer.named(),
                keys,
                "" if refusal is not None else ": it claims and sends nothing until it matches",
            )


def hosts_of(node: str, live: Sequence[str], hosts: Mapping[str, int]) -> list[str]:
    """The hosts among ``hosts`` (each with its number of sources) that are ``node``'s.

    Rendezvous hashing with bounded loads: heaviest host first, each goes to the live node
    that ranks highest for it among those with room, a node's room being a tenth over an even
    share of the sources. Plain rendezvous hashing splits a few hosts unevenly (and the busiest
    node bounds what the nodes carry together); bounded, no node holds more than an even share
    and a tenth, or one host more than that. A node leaving hands its hosts to
    the others, who keep nearly all of theirs. Every node computes the same split from the
    same live nodes and config. A node not among ``live`` (it claims nothing, or has not seen
    itself beat yet) gets none."""
    if node not in live:
        return []

    def rank(n: str, host: str) -> bytes:
        return hashlib.blake2b(f"{n}/{host}".encode(), digest_size=8).digest()

    room = (1 + SPLIT_SLACK) * sum(hosts.values()) / len(live)
    load = dict.fromkeys(sorted(live), 0)
    mine = []
    for host in sorted(hosts, key=lambda h: (-hosts[h], h)):
        ranked = sorted(load, key=lambda n: rank(n, host), reverse=True)
        fits = [n for n in ranked if load[n] + hosts[host] <= room]
        owner = fits[0] if fits else min(ranked, key=lambda n: load[n])
        load[owner] += hosts[host]
        if owner == node:
            mine.append(host)
    return sorted(mine)


def peers_of(nodes: Sequence[Node]) -> list[Peer]:
    """The config check's view of ``nodes`` (pass the live ones)."""
    return [
        Peer(n.id, n.host, n.pid, n.started_at, n.config_hash, n.config_keys or {}) for n in nodes
    ]
