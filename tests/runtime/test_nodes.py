"""Several daemons on one PostgreSQL database, as real processes: they share the sources and
the outbox, one host's fetches never overlap across nodes, and when a node is killed its
sources go on being fetched by the others, every alert still delivered once. A destination's
Retry-After holds for every node; a node with another config claims and sends nothing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator

import pytest

from advisorywatch.db.session import head_revision

from conftest import POSTGRES, FeedServer, Project, ScriptedSink, Sink, rss, wait_for

pytestmark = pytest.mark.skipif(not POSTGRES, reason="several nodes need PostgreSQL")
HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
PER_HOST = 4
EVERY = 2.0  # seconds
LEASE = 3.0  # seconds: the daemons' claims on sources
SLOW_HOST = "127.0.0.3"  # answers slowly: its claims are held long enough to be caught
SLOTS = 5  # fetches of every source watched after a node is killed


@pytest.fixture
def servers() -> Iterator[dict[str, FeedServer]]:
    made = {h: FeedServer(h) for h in HOSTS}
    yield made
    for server in made.values():
        server.close()


def _config(
    project: Project,
    servers: dict[str, FeedServer],
    sink: Sink | ScriptedSink,
    extra: str = "",
    daemon: str = "",
    items: int = 1,
) -> None:
    sources = ""
    for host, server in servers.items():
        for i in range(PER_HOST):
            name = f"{host.rsplit('.', 1)[1]}-{i}"
            url = server.put(
                f"/{i}.xml", _feed(name, items), delay=0.35 if host == SLOW_HOST else 0.1
            )
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
    """Start daemons until ``nodes`` holds ``n``, the others once the first fetches. (A node
    starting on a loaded machine may take most of a minute: imports, the places lookup.)"""
    first = servers[HOSTS[0]]
    while len(nodes) < n:
        nodes.append(project.popen("run"))
        if len(nodes) == 1:
            wait_for(lambda: first.hits("/0.xml") >= 1, 120, "the first node fetching")
    count = [(len(nodes),)]
    wait_for(lambda: project.sql("SELECT count(*) FROM nodes") == count, 120, f"{n} nodes")


def _wait_for_every_alert(sink: Sink, servers: dict[str, FeedServer]) -> None:
    """Until every source's item has been notified (waited for, so that a loaded machine's
    slower takeover is not read as a lost alert; a lost one still fails after the wait)."""
    every = len(_hits(servers))
    wait_for(lambda: len(set(sink.titles())) >= every, 90, f"{every} sources' alerts")


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

        # Every source keeps its schedule on the survivors, once per slot: each is fetched
        # again and again, and never more often than its slots in the time that took (two
        # more: the late fetch of a slot before the window and a repeat after a lost lease).
        # The window is measured, not slept: a loaded machine may oversleep, and a run late by
        # more than half an interval skips the next slot by design, so a fixed window's lower
        # bound failed under load without anything being wrong.
        start, began = _hits(servers), time.monotonic()
        wait_for(
            lambda: all(_hits(servers)[n] - start[n] >= SLOTS for n in names),
            SLOTS * EVERY * 6,
            f"{SLOTS} more fetches of every source",
        )
        end, took = _hits(servers), time.monotonic() - began
        for name in names:
            fetched = end[name] - start[name]
            assert fetched <= took / EVERY + 2, (name, fetched, round(took, 1))
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
    errs: list[str] = []
    try:
        _start(project, servers, nodes, 2)
        stalled = _holder_of(project, SLOW_HOST, {p.pid for p in nodes})
        os.kill(stalled, signal.SIGSTOP)  # mid-crawl, holding the slow host's claims
        slow = servers[SLOW_HOST]
        before = [slow.hits(f"/{i}.xml") for i in range(PER_HOST)]
        # The other node takes the sources over meanwhile (waited for, not slept: on a loaded
        # machine the takeover may come later than a lease and a few intervals).
        try:
            wait_for(
                lambda: all(slow.hits(f"/{i}.xml") > before[i] + 1 for i in range(PER_HOST)),
                LEASE + 30 * EVERY,
                "the other node fetching the stalled node's sources",
            )
        except AssertionError as exc:  # what the nodes said, to find out why
            os.kill(stalled, signal.SIGCONT)
            errs = _stop(nodes)
            tails = "\n".join(err[-4000:] for err in errs)
            raise AssertionError(f"{exc}; the nodes' logs end:\n{tails}") from None
        os.kill(stalled, signal.SIGCONT)
        beat = project.sql("SELECT heartbeat_at FROM nodes WHERE pid = :p", p=stalled)
        wait_for(
            lambda: project.sql("SELECT heartbeat_at FROM nodes WHERE pid = :p", p=stalled) != beat,
            30,
            "the stalled node beating again",
        )
        time.sleep(2 * EVERY)  # its fetch in flight finishes and tries to store
        # Every source's alert sent before the nodes stop: deliveries the stalled node had
        # claimed are sent by the other once their lease ends (on a loaded machine, after the
        # sleep above).
        _wait_for_every_alert(sink, servers)
    finally:
        errs = errs or _stop(nodes)
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


def _holding(project: Project, pid: int) -> int:
    """The sources the node with ``pid`` holds claims on now."""
    rows = project.sql(
        "SELECT count(*) FROM sources s JOIN nodes n ON n.id = s.claimed_by WHERE n.pid = :p",
        p=pid,
    )
    return int(rows[0][0])


def _healthz(port: int) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except (urllib.error.URLError, ConnectionError) as e:
        return 0, str(e)  # not listening yet: the node is still starting


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_node_with_another_config_refuses_to_claim_until_it_matches(
    project: Project, servers: dict[str, FeedServer], sink: Sink
) -> None:
    _config(project, servers, sink)
    same = project.config.read_text()
    nodes: list[subprocess.Popen[str]] = []
    port = _free_port()
    try:
        _start(project, servers, nodes, 1)
        # The second node runs another config (source health settings): it is the newer of
        # two, so the first node's config wins the tie, and the second refuses. Its own
        # /healthz port and log level are its own business, not a difference.
        http = f", http: {{enabled: true, port: {port}}}"
        extra = "log_level: DEBUG\nhealth: {down_after: 5}"
        _config(project, servers, sink, extra=extra, daemon=http)
        _start(project, servers, nodes, 2)
        first, second = nodes
        wait_for(lambda: _healthz(port)[0] == 503, 30, "the refusing node unhealthy")
        health = _healthz(port)[1]
        held = []
        for _ in range(20):  # two seconds of claim passes: the first node fetches everything
            held.append(_holding(project, second.pid))
            time.sleep(0.1)
        status = project.cli("status")

        # Its config matches again after a reload: it is healthy again, and claims (here once
        # the first node has left: while both run, which one claims a source is a race).
        project.config.write_text(same)
        second.send_signal(signal.SIGHUP)
        wait_for(lambda: _healthz(port)[0] == 200, 30, "the reloaded node healthy")
        first.send_signal(signal.SIGTERM)
        wait_for(lambda: _holding(project, second.pid) > 0, 60, "the reloaded node claiming")
        _wait_for_every_alert(sink, servers)
    finally:
        errs = _stop(nodes)
    host = socket.gethostname()
    assert set(held) == {0}, errs[1]
    assert status.returncode == 0, status.stderr
    for proc in nodes:
        assert f": running on {host} (pid {proc.pid}, " in status.stdout
    differs = f"(host {host}, pid {first.pid}): health"
    assert "REFUSING: config differs from node " in status.stdout and differs in status.stdout
    assert differs in health and "config differs from node " in health
    assert f"{differs}; this node claims no sources and sends nothing until it matches" in errs[1]
    assert "this node's config matches the other nodes' again" in errs[1]
    assert (
        f"(host {host}, pid {second.pid}) runs a different config than this node "
        "(health differ): it claims and sends nothing until it matches"
    ) in errs[0]
    assert project.sql("SELECT count(*) FROM nodes") == [(0,)]  # both stopped and left
    titles = Counter(m["title"] for m in sink.received)
    assert len(titles) == len(_hits(servers)) and set(titles.values()) == {1}


class TimedSink(ScriptedSink):
    """A scripted sink that notes when it gave each answer (monotonic time) and which."""

    def __init__(self) -> None:
        self.answers: list[tuple[float, int]] = []
        super().__init__()

    def answer(self) -> tuple[int, dict[str, str]]:
        status, headers = super().answer()
        with self.lock:
            self.answers.append((time.monotonic(), status))
        return status, headers


@pytest.fixture
def timed_sink() -> Iterator[TimedSink]:
    made = TimedSink()
    yield made
    made.close()


WAIT = 6  # seconds: the Retry-After of the sink's first answer


def test_a_retry_after_from_one_destination_holds_for_every_node(
    project: Project, servers: dict[str, FeedServer], timed_sink: TimedSink
) -> None:
    sink = timed_sink
    sink.script = [(429, {"Retry-After": str(WAIT)})]
    _config(project, servers, sink, items=0)
    nodes: list[subprocess.Popen[str]] = []
    try:
        _start(project, servers, nodes, 3)
        # One alert: its send gets the 429, and the node that sent it blocks the destination.
        servers[HOSTS[0]].put("/0.xml", _feed("1-0", 1), delay=0.1)
        wait_for(lambda: sink.requests >= 1, 30, "the first send")
        wait_for(lambda: _count(project, "destination_backoff") == 1, 10, "the destination blocked")
        # Alerts on every node meanwhile: none is sent before the Retry-After has passed.
        for host, server in servers.items():
            for i in range(PER_HOST):
                name = f"{host.rsplit('.', 1)[1]}-{i}"
                server.put(f"/{i}.xml", _feed(name, 2), delay=0.1)
        names = set(_hits(servers))
        wait_for(lambda: len(sink.received) >= 2 * len(names), 90, "every alert")
    finally:
        errs = _stop(nodes)
    for err in errs:
        assert "Traceback" not in err, err
    (refused_at, status), *later = sink.answers
    assert status == 429
    # Every later request came after the wait (the slack: the sink's and the database's clocks
    # are read a few milliseconds apart).
    assert later and all(at >= refused_at + WAIT - 0.2 for at, _ in later), [
        round(at - refused_at, 2) for at, _ in later
    ]
    titles = Counter(m["title"] for m in sink.received)
    assert len(titles) == 2 * len(names)  # every item's alert...
    assert set(titles.values()) == {1}, titles.most_common(3)  # ...exactly once
    assert project.sql("SELECT DISTINCT status FROM deliveries") == [("sent",)]


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
    # Stopped, it handed back what it held, claims waiting for their slot included.
    assert project.sql("SELECT count(*) FROM sources WHERE claimed_by IS NOT NULL") == [(0,)]
    # The claiming pass read each source's validators: every fetch after its first is
    # conditional (and answered 304: the feeds did not change).
    for server in servers.values():
        sent: dict[str, list[dict[str, str]]] = {}
        for path, headers in server.requests:
            sent.setdefault(path, []).append(headers)
        feeds = {path: later for path, (_, *later) in sent.items() if path.endswith(".xml")}
        assert len(feeds) == PER_HOST and all(feeds.values()), feeds.keys()
        assert all("If-None-Match" in h for later in feeds.values() for h in later), feeds
