"""Several daemons on one PostgreSQL database, as real processes: they share the sources and
the outbox, one host's fetches never overlap across nodes, and when a node is killed its
sources go on being fetched by the others, every alert still delivered once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from advisorywatch.db.session import head_revision

from conftest import POSTGRES, FeedServer, Project, Sink, rss, wait_for

pytestmark = pytest.mark.skipif(not POSTGRES, reason="several nodes need PostgreSQL")
HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
PER_HOST = 4
EVERY = 2.0  # seconds
LEASE = 3.0  # seconds: the daemons' claims on sources
SLOW_HOST = "127.0.0.3"  # answers slowly: its claims are held long enough to be caught


@pytest.fixture
def servers() -> Iterator[dict[str, FeedServer]]:
    made = {h: FeedServer(h) for h in HOSTS}
    yield made
    for server in made.values():
        server.close()


def _config(
    project: Project, servers: dict[str, FeedServer], sink: Sink, extra: str = "", daemon: str = ""
) -> None:
    sources = ""
    for host, server in servers.items():
        for i in range(PER_HOST):
            name = f"{host.rsplit('.', 1)[1]}-{i}"
            url = server.put(f"/{i}.xml", _feed(name, 1), delay=0.35 if host == SLOW_HOST else 0.1)
            sources += (
                f'  - {{name: "{name}", type: feed, url: "{url}", every: {EVERY}s, jitter: 0s}}\n'
            )
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
{sources}
rules:
  - {{name: strike, keywords: ["air strike"], severity: critical, notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
notifier:
  {{retry_base_seconds: 0.1, timeout_seconds: 2, lease_seconds: 4, storm_max: 1000}}
crawler: {{concurrent_per_domain: 1, delay_seconds: 0}}
daemon: {{heartbeat_seconds: 0.5, lease_seconds: {LEASE}, claim_every_seconds: 0.5{daemon}}}
{extra}""")


def _feed(name: str, n: int) -> str:
    return rss([{"guid": f"{name}-{k}", "title": _title(name, k)} for k in range(n)])


def _title(name: str, k: int) -> str:
    """A title that shares no word but the keyword with any other (else the alerts would be
    grouped into one incident)."""
    word = "".join(chr(ord("a") + int(c)) for c in f"{name.replace('-', '')}{k}")
    return f"air strike near {word}ville"


def _hits(servers: dict[str, FeedServer]) -> dict[str, int]:
    return {
        f"{h.rsplit('.', 1)[1]}-{i}": servers[h].hits(f"/{i}.xml")
        for h in HOSTS
        for i in range(PER_HOST)
    }


def _start(
    project: Project, servers: dict[str, FeedServer], nodes: list[subprocess.Popen[str]], n: int
) -> None:
    """Start daemons until ``nodes`` holds ``n``, the others once the first fetches."""
    first = servers[HOSTS[0]]
    while len(nodes) < n:
        nodes.append(project.popen("run"))
        if len(nodes) == 1:
            wait_for(lambda: first.hits("/0.xml") >= 1, 60, "the first node fetching")
    count = [(len(nodes),)]
    wait_for(lambda: project.sql("SELECT count(*) FROM nodes") == count, 60, f"{n} nodes")


def _holder_of(project: Project, host: str, pids: set[int]) -> int:
    """The pid of a node (among ``pids``) holding claims on ``host``'s sources, once one does."""
    found: list[int] = []

    def holder() -> bool:
        rows = project.sql(
            "SELECT DISTINCT n.pid FROM sources s JOIN nodes n ON n.id = s.claimed_by"
            " WHERE s.host = :h",
            h=host,
        )
        found[:] = [pid for (pid,) in rows if pid in pids]
        return bool(found)

    wait_for(holder, 30, f"a node holding claims on {host}")
    return found[0]


def _stop(nodes: list[subprocess.Popen[str]]) -> list[str]:
    errs = []
    for proc in nodes:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in nodes:
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        errs.append(err)
    return errs


def test_three_nodes_share_the_work_and_take_over_from_a_killed_one(
    project: Project, servers: dict[str, FeedServer], sink: Sink
) -> None:
    _config(project, servers, sink)
    nodes: list[subprocess.Popen[str]] = []
    try:
        _start(project, servers, nodes, 3)
        names = set(_hits(servers))
        wait_for(lambda: len(sink.received) >= len(names), 60, "one alert per source")

        # Kill -9 a node while it holds claims on the slow host's sources.
        victim = _holder_of(project, SLOW_HOST, {p.pid for p in nodes})
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        survivors = [p for p in nodes if p.pid != victim]

        # New items everywhere: their alerts are raised and sent by the survivors.
        for host, server in servers.items():
            for i in range(PER_HOST):
                server.put(
                    f"/{i}.xml",
                    _feed(f"{host.rsplit('.', 1)[1]}-{i}", 2),
                    delay=0.35 if host == SLOW_HOST else 0.1,
                )
        before = _hits(servers)
        wait_for(
            lambda: all(_hits(servers)[n] > before[n] for n in names),
            LEASE + 3 * EVERY + 10,
            "every source fetched again after the kill",
        )
        assert time.monotonic() - killed_at < LEASE + 3 * EVERY + 10
        wait_for(lambda: len(sink.received) >= 2 * len(names), 60, "the new items' alerts")

        # Every source keeps its schedule on the survivors: about one fetch per slot.
        start, window = _hits(servers), 10.0
        time.sleep(window)
        end = _hits(servers)
        for name in names:
            fetched = end[name] - start[name]
            assert window / EVERY - 2 <= fetched <= window / EVERY + 2, (name, fetched)
        assert all(p.poll() is None for p in survivors)
    finally:
        errs = _stop(nodes)
    for err in errs:
        assert "Traceback" not in err, err

    titles = Counter(m["title"] for m in sink.received)
    assert len(titles) == 2 * len(names)  # every item's alert...
    assert set(titles.values()) == {1}, titles.most_common(3)  # ...exactly once
    assert project.sql("SELECT count(*) FROM items") == [(2 * len(names),)]
    assert project.sql("SELECT DISTINCT status FROM deliveries") == [("sent",)]
    # One node at a time per host: never more requests at once than concurrent_per_domain.
    assert [s.most_at_once for s in servers.values()] == [1, 1, 1]
    # The node that stopped cleanly left; the killed one's row stays, no longer beating.
    assert project.sql("SELECT pid FROM nodes") == [(victim,)]


def test_a_node_stalled_past_its_lease_stores_nothing_when_it_wakes(
    project: Project, servers: dict[str, FeedServer], sink: Sink
) -> None:
    _config(project, servers, sink)
    nodes: list[subprocess.Popen[str]] = []
    try:
        _start(project, servers, nodes, 2)
        stalled = _holder_of(project, SLOW_HOST, {p.pid for p in nodes})
        os.kill(stalled, signal.SIGSTOP)  # mid-crawl, holding the slow host's claims
        time.sleep(LEASE + 3 * EVERY)  # the other node takes the sources over meanwhile
        os.kill(stalled, signal.SIGCONT)
        time.sleep(2 * EVERY)
    finally:
        errs = _stop(nodes)
    woke = errs[[p.pid for p in nodes].index(stalled)]
    assert "not stored: another node claimed the source meanwhile" in woke
    titles = Counter(m["title"] for m in sink.received)
    assert len(titles) == len(_hits(servers)) and set(titles.values()) == {1}


def test_three_cold_starts_together_migrate_once(
    project: Project, servers: dict[str, FeedServer], sink: Sink
) -> None:
    _config(project, servers, sink)
    nodes = [project.popen("run") for _ in range(3)]  # on an empty database, all at once
    try:
        wait_for(lambda: _count(project, "nodes") == 3, 90, "three nodes")
    finally:
        errs = _stop(nodes)
    for err in errs:
        assert "Traceback" not in err, err
    assert project.sql("SELECT version_num FROM alembic_version") == [(head_revision(),)]


def _count(project: Project, table: str) -> int | None:
    """Rows in ``table``; None while it does not exist yet."""
    from sqlalchemy.exc import ProgrammingError

    try:
        return int(project.sql(f"SELECT count(*) FROM {table}")[0][0])
    except ProgrammingError:
        return None


def test_a_node_with_another_config_is_reported_and_status_lists_the_nodes(
    project: Project, servers: dict[str, FeedServer], sink: Sink
) -> None:
    _config(project, servers, sink)
    nodes: list[subprocess.Popen[str]] = []
    try:
        _start(project, servers, nodes, 1)
        _config(project, servers, sink, extra="log_level: DEBUG")
        _start(project, servers, nodes, 2)
        time.sleep(1)  # a heartbeat of each
        status = project.cli("status")
    finally:
        errs = _stop(nodes)
    host = socket.gethostname()
    assert status.returncode == 0, status.stderr
    for proc in nodes:
        assert f": running on {host} (pid {proc.pid}, " in status.stdout
    assert f"(host {host}, pid {nodes[1].pid}) runs a different config" in errs[0]
    assert f"(host {host}, pid {nodes[0].pid}) runs a different config" in errs[1]


def test_a_node_holds_no_more_than_claim_at_most_sources(
    project: Project, servers: dict[str, FeedServer], sink: Sink
) -> None:
    _config(project, servers, sink, daemon=", claim_at_most: 2")
    held: list[int] = []

    def every_source_fetched_twice() -> bool:
        held.append(project.sql("SELECT count(*) FROM sources WHERE claimed_by IS NOT NULL")[0][0])
        return min(_hits(servers).values()) >= 2

    nodes: list[subprocess.Popen[str]] = []
    try:
        _start(project, servers, nodes, 1)
        wait_for(every_source_fetched_twice, 90, "every source fetched twice")
    finally:
        _stop(nodes)
    assert 1 <= max(held) <= 2  # the node claimed, never more than two at once
