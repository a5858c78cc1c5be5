"""Daemons at scale (issue 18): schedule lag, CPU per 1,000 polls and peak RSS of one or
several ``advisorywatch run`` processes, on SQLite or PostgreSQL, next to the reference client.

    .venv/bin/python bench/nodes_bench.py [--sources 1000] [--hosts 20] [--every 60]
        [--cycles 2] [--percent 10] [--nodes 1] [--profile DIR]
    scripts/with-postgres .venv/bin/python bench/nodes_bench.py --postgres --nodes 1,3 ...

Starts bench/fixture_server.py (``--sources`` feeds of 20 items on ``--hosts`` loopback
addresses, 127.0.0.2 up) and the config of bench/run.py with every source ``every:
--every`` seconds and ``jitter: 0s``. The reference client makes a cold pass (its validators),
then a pass after ``--percent`` % of the sources changed: its CPU per 1,000 polls (process
start-up included) and peak RSS are the reference. Then, for each count in ``--nodes``, a fresh
database (a throwaway PostgreSQL database with ``--postgres``) and that many daemons: after
their cold pass (every source's fetch stored once), ``--cycles`` intervals are measured, each
starting with ``--percent`` % of the sources changing.

Measured from the fixture server's requests, per source: each slot of its schedule in the
window (the grid of ``advisorywatch.runtime.schedule.grid_start``; ``--slots start``: one
slot for all at the daemon's first request plus whole intervals, the SQLite daemon's schedule
before 2026-12-07) is served by the first request in [slot, slot + interval), give or take
0.5 s: the lag is that request's time minus the slot; a slot with no request is missed, one
with two or more is a duplicate fetch. CPU is the daemons' (``/proc/PID/stat``) and, on
PostgreSQL, the server's (postmaster and backends) over the window, per 1,000 polls; peak RSS
is each daemon's VmHWM (its cold pass included). The window begins a whole interval after the
cold pass is stored (a source's first slot after a fetch is at least half an interval later,
and a source left overdue by a cold pass longer than an interval skips one slot by design).
``cold pass s``: from the daemons' start until every source had a stored fetch.
``claims held per node``: each node's share of the claims held, sampled every 5 s in the
window (how the nodes shared the work; PostgreSQL).

Per node (each has a config of its own that differs only in what a node may set for itself:
its ``/metrics`` port and the database URL's ``application_name``): its polls in the cold
pass and in the window (its ``advisorywatch_fetches_total``, read at the cold pass's end and
the window's ends, outside the CPU measured), and, on PostgreSQL, where its connections
waited (``pg_stat_activity`` joined with the ungranted ``pg_locks``, sampled every
``SAMPLE`` s from the daemons' start): seconds waiting for a routing lock (incident or
storm, by advisory lock namespace), for another lock (rows, transactions), and holding a
transaction open while the node did something else (``idle in transaction``), in the cold
pass and in the window. ``cold pass vs 1 node``: the one node's cold pass seconds over
these nodes' (wall time: the nodes share the machine's cores); ``cold pass CPU s``: the
daemons' CPU from their start (imports included) to the cold pass's end.

Several nodes on a 2-core machine cannot show throughput by wall time (they share the cores),
so the comparison is by cost: polls per CPU-second of the daemons, and with the server's CPU
added. With the load well under saturation, k nodes each on a core of its own carry k times
the polls per CPU-second of one of them: ``throughput vs 1 node`` is k x (polls per daemon
CPU-second with k nodes) / (the same with 1 node), measured in the same run.
"""

from __future__ import annotations

import argparse
import bisect
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import daemon_bench
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from run import BENCH, DAEMON_CRAWLER, PYTHON, FixtureServer, measure, write_config
from sqlalchemy import Row, TextClause, create_engine, text
from sqlalchemy.exc import DBAPIError

from advisorywatch.config import load_config
from advisorywatch.notifier.route.incidents import INCIDENT_LOCKS
from advisorywatch.notifier.route.storm import STORM_LOCKS
from advisorywatch.runtime.schedule import grid_start

SPY = Path(PYTHON).parent / "py-spy"
EARLY = 0.5  # a request this much before its slot still serves it (timer and clock rounding)
SAMPLE = 0.25  # seconds between two looks at where the nodes' connections wait
# What a node's connection was doing when sampled (the columns of the per-node table).
STATES = ("incident lock", "storm lock", "other lock", "idle in transaction")


@dataclass
class Window:
    """What the daemons did between ``start`` and ``end`` (epoch seconds)."""

    start: float
    end: float
    polls: int
    lags: list[float]
    missed: int
    duplicates: int
    node_cpu: float
    server_cpu: float
    peak_mb: list[float]
    shares: list[float]  # per node: its share of the claims held in the window
    cold: float  # seconds from the daemons' start until every source's fetch was stored
    cold_polls: list[int]  # per node: its fetches in the cold pass
    cold_cpu: float  # the daemons' CPU seconds from their start to the cold pass's end
    node_polls: list[int]  # per node: its fetches in the window
    node_cpus: list[float]  # per node: its CPU seconds in the window
    waits: dict[str, list[Counter[str]]]  # per phase (cold, window), per node: seconds by state


def slots_of(first: float, start: float, end: float, every: float) -> Iterator[float]:
    """The slots of a grid through ``first`` in [start, end)."""
    k = -((first - start) // every)
    while (slot := first + k * every) < end:
        yield slot
        k += 1


def score(
    requests: dict[str, list[float]],
    firsts: dict[str, float],
    window: tuple[float, float],
    every: float,
) -> tuple[int, list[float], int, int]:
    """(polls, lags, missed slots, duplicate slots) of the window's slots."""
    start, end = window
    polls, lags, missed, duplicates = 0, [], 0, 0
    for name, first in firsts.items():
        times = sorted(requests.get(name, []))
        polls += sum(start <= t < end for t in times)
        for slot in slots_of(first, start, end, every):
            lo = bisect.bisect_left(times, slot - EARLY)
            served = bisect.bisect_left(times, slot + every - EARLY) - lo
            if served == 0:
                missed += 1
                if missed <= 5:  # what the requests around a missed slot were
                    near = [round(r - slot, 2) for r in times if abs(r - slot) < 2 * every]
                    print(
                        f"  missed: {name} slot {slot:.2f}, requests at {near} s", file=sys.stderr
                    )
                continue
            duplicates += served > 1
            lags.append(max(0.0, times[lo] - slot))
    return polls, lags, missed, duplicates


def grid_firsts(config: Path) -> dict[str, float]:
    """Every source's first grid slot (epoch seconds), from the product's own schedule."""
    firsts = {}
    for src in load_config(config).sources:
        start = grid_start(src)
        assert start is not None
        firsts[src.name] = start.timestamp()
    return firsts


@contextmanager
def daemons(config: Path, count: int, logs: Path) -> Iterator[list[daemon_bench.Daemon]]:
    """``count`` daemons, node k on a copy of ``config`` with a ``/metrics`` port of its own
    and, on PostgreSQL, ``application_name=nodeK`` (both settings a node may have alone)."""
    data = yaml.safe_load(config.read_text())
    started = []
    for k in range(count):
        port = daemon_bench.free_port()
        own = data | {"daemon": {"http": {"enabled": True, "port": port}}}
        url = data["database"]["url"]
        if url.startswith("postgresql"):
            own["database"] = data["database"] | {"url": f"{url}?application_name=node{k}"}
        path = logs / f"config{k}.yaml"
        path.write_text(yaml.safe_dump(own, sort_keys=False))
        cmd = [PYTHON, "-m", "advisorywatch", "--config", str(path), "run"]
        started.append(daemon_bench.Daemon(cmd, logs / f"node{k}.log", port))
    try:
        yield started
    finally:
        for d in started:
            d.stop()


def wait_stored(url: str, n: int, procs: list[daemon_bench.Daemon], timeout: float) -> None:
    """Waits until every one of the ``n`` sources has a stored fetch (the cold pass is done)."""
    engine = create_engine(url)
    query = text("SELECT count(*) FROM sources WHERE last_fetch_at IS NOT NULL")
    deadline = time.monotonic() + timeout
    while True:
        try:
            with engine.connect() as conn:
                if conn.execute(query).scalar_one() >= n:
                    break
        except DBAPIError:  # the daemons have not created the table yet
            pass
        for d in procs:
            if d.proc.poll() is not None:
                raise RuntimeError(f"a daemon exited; its log ends:\n{d.log.read_text()[-2000:]}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the cold pass did not finish in {timeout:.0f} s")
        time.sleep(0.5)
    engine.dispose()


def node_fetches(procs: list[daemon_bench.Daemon]) -> list[int]:
    """Each node's fetches so far, from its ``/metrics``."""
    counts = [daemon_bench.fetches(d.port) for d in procs]
    if None in counts:
        raise RuntimeError(f"a node's /metrics did not answer: {counts}")
    return [c or 0 for c in counts]


def run_nodes(
    server: FixtureServer, args: argparse.Namespace, count: int, tmp: Path, url: str | None
) -> Window:
    directory = tmp / f"nodes-{count}"
    directory.mkdir()
    config = write_config(directory, server, DAEMON_CRAWLER, f"{args.every}s")
    data = yaml.safe_load(config.read_text())
    if url is not None:
        data["database"]["url"] = url
        config.write_text(yaml.safe_dump(data, sort_keys=False))
    url = data["database"]["url"]
    from pg_database import server_cpu_seconds

    server_cpu = server_cpu_seconds if args.postgres else (lambda: 0.0)
    firsts = grid_firsts(config)
    since = time.time()
    waits = Waits(url if args.postgres else None, count)
    with daemons(config, count, directory) as procs, waits:
        # Generous: on a loaded machine three nodes storing a cold pass (every item new) took
        # over 17 minutes at 10,000 sources while a batch held its rule's incident lock from
        # its first alert to its commit (under 4 minutes since routing comes last).
        wait_stored(url, args.sources, procs, 120 + 60 * args.sources / 100)
        cold = time.time() - since
        waits.phase = "window"
        cold_polls = node_fetches(procs)
        cold_cpu = sum(daemon_bench.cpu_seconds(d.proc.pid) for d in procs)
        first = server.get(f"/first-request?since={since}")
        if args.slots == "start":
            firsts = dict.fromkeys(firsts, first)
        # The cold pass is off the grid: a source fetched in it at t is next due at the first
        # slot from t + interval / 2 (a late run skips a slot by design). A cold pass longer
        # than an interval leaves sources fetched early in it overdue when it ends: their late
        # slot skips the next. So the window begins a whole interval after the cold pass.
        start = time.time() + args.every
        time.sleep(max(0.0, start - time.time()))
        polls0 = node_fetches(procs)
        cpu0 = [daemon_bench.cpu_seconds(d.proc.pid) for d in procs]
        pg0 = server_cpu()
        spy = profile(procs[0].proc.pid, args, count) if args.profile else nullcontext()
        held = ClaimsHeld(url if args.postgres else None, [d.proc.pid for d in procs])
        with spy, held:
            for cycle in range(args.cycles):
                server.post(f"/publish?percent={args.percent}")
                time.sleep(max(0.0, start + (cycle + 1) * args.every - time.time()))
        end = time.time()
        cpus = [daemon_bench.cpu_seconds(d.proc.pid) - c for d, c in zip(procs, cpu0, strict=True)]
        pg = server_cpu() - pg0
        peaks = [daemon_bench.peak_rss_mb(d.proc.pid) for d in procs]
        node_polls = [b - a for a, b in zip(polls0, node_fetches(procs), strict=True)]
        waits.phase = None
        time.sleep(min(args.every, 35))  # the window's last slots may be served late
    requests = server.get(f"/requests-by-source?since={start - args.every}")
    polls, lags, missed, duplicates = score(requests, firsts, (start, end), args.every)
    return Window(
        start,
        end,
        polls,
        lags,
        missed,
        duplicates,
        sum(cpus),
        pg,
        peaks,
        held.shares(),
        cold,
        cold_polls,
        cold_cpu,
        node_polls,
        cpus,
        waits.seconds,
    )


class Sampler:
    """Runs a query every ``every`` s on a thread of its own (PostgreSQL; with no ``url``,
    nothing), giving the rows to :meth:`take`."""

    query: TextClause
    every: float

    def __init__(self, url: str | None) -> None:
        self._stop = threading.Event()
        self._engine = create_engine(url) if url else None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        if self._engine is not None:
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._engine is not None:
            self._thread.join()
            self._engine.dispose()

    def _run(self) -> None:
        assert self._engine is not None
        while not self._stop.wait(self.every):
            try:
                with self._engine.connect() as conn:
                    rows = conn.execute(self.query).all()
            except DBAPIError:  # the daemons have not created the tables yet
                continue
            self.take(rows)

    def take(self, rows: Sequence[Row[Any]]) -> None:
        raise NotImplementedError


class Waits(Sampler):
    """What each node's connections are waiting for: seconds per phase (``cold``, ``window``;
    None: not counted), node and state (:data:`STATES`)."""

    query = text(
        "SELECT a.application_name, a.state, a.wait_event_type, l.locktype, l.classid"
        " FROM pg_stat_activity a LEFT JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted"
        " WHERE a.datname = current_database() AND a.application_name LIKE 'node%'"
    )
    every = SAMPLE

    def __init__(self, url: str | None, count: int) -> None:
        super().__init__(url)
        self.phase: str | None = "cold"
        self.seconds = {p: [Counter[str]() for _ in range(count)] for p in ("cold", "window")}

    def take(self, rows: Sequence[Row[Any]]) -> None:
        phase = self.phase
        if phase is None:
            return
        for name, state, wait_type, locktype, namespace in rows:
            node = int(name.removeprefix("node"))
            if wait_type == "Lock" and locktype == "advisory":
                what = {INCIDENT_LOCKS: "incident lock", STORM_LOCKS: "storm lock"}.get(
                    namespace, "other lock"
                )
            elif wait_type == "Lock":
                what = "other lock"
            elif state == "idle in transaction":
                what = "idle in transaction"
            else:
                continue
            self.seconds[phase][node][what] += SAMPLE


class ClaimsHeld(Sampler):
    """How many claims each node holds, every 5 s."""

    query = text(
        "SELECT n.pid, count(*) FROM sources s JOIN nodes n ON n.id = s.claimed_by GROUP BY n.pid"
    )
    every = 5

    def __init__(self, url: str | None, pids: list[int]) -> None:
        super().__init__(url)
        self.pids, self.counts = pids, Counter[int]()

    def take(self, rows: Sequence[Row[Any]]) -> None:
        self.counts.update({pid: count for pid, count in rows})

    def shares(self) -> list[float]:
        total = sum(self.counts.values()) or 1
        return [self.counts[pid] / total for pid in self.pids]


@contextmanager
def profile(pid: int, args: argparse.Namespace, count: int) -> Iterator[None]:
    """py-spy (collapsed stacks, the GIL holder only, not pausing the daemon) over the window."""
    args.profile.mkdir(parents=True, exist_ok=True)
    backend = "pg" if args.postgres else "sqlite"
    out = args.profile / f"daemon-{backend}-{args.sources}-{count}nodes.txt"
    cmd = [str(args.spy), "record", "--pid", str(pid), "--format", "raw", "--gil"]
    cmd += ["--nonblocking", "-r", "50", "-o", str(out)]
    spy = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        spy.send_signal(2)  # SIGINT: py-spy writes its file and exits
        spy.wait(timeout=60)
        print(f"  profile of node 0 in {out}", file=sys.stderr)


def reference(server: FixtureServer, args: argparse.Namespace, tmp: Path) -> tuple[float, float]:
    """The reference client's CPU seconds per 1,000 polls of a changed pass, and its peak MB."""
    state = tmp / "reference-state.json"
    cmd = [PYTHON, str(BENCH / "reference_client.py"), "--control", server.control]
    cmd += ["--state", str(state), "--per-host", str(DAEMON_CRAWLER.per_host)]
    with (tmp / "reference.txt").open("w+") as out:
        measure(cmd, out, str)  # cold: the validators
        server.post(f"/publish?percent={args.percent}")
        run = measure(cmd, out, str)
    return run.cpu / args.sources * 1000, run.rss_mb


def quantile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    args = parse_args()
    backend = "PostgreSQL" if args.postgres else "SQLite"
    server = FixtureServer(["--sources", str(args.sources), "--hosts", str(args.hosts)])
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="advisorywatch-nodes-") as name:
            tmp = Path(name)
            ref_cpu, ref_mb = reference(server, args, tmp)
            print(
                f"  reference: {ref_cpu:.3f} CPU s per 1000 polls, {ref_mb:.0f} MB", file=sys.stderr
            )
            for count in args.nodes:
                with ExitStack() as stack:
                    url = None
                    if args.postgres:
                        from pg_database import throwaway_database

                        url = stack.enter_context(throwaway_database())
                    w = run_nodes(server, args, count, tmp, url)
                rows.append((count, w))
                print(
                    f"  {count} node(s): {w.polls} polls, {w.node_cpu:.1f} CPU s", file=sys.stderr
                )
    finally:
        server.stop()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"{backend}, {args.sources} sources on {args.hosts} hosts, every {args.every} s, "
        f"{args.percent:g} % changing per interval, {args.cycles} intervals measured, slots "
        f"{args.slots}; {when}"
    )
    print(
        "| nodes | polls | polls per source per interval | lag p50 s | lag p95 s | lag max s "
        "| missed slots | duplicate fetches | daemon CPU s / 1000 polls | x reference "
        "| + server CPU s / 1000 polls | throughput vs 1 node | claims held per node "
        "| peak RSS MB per node | ref peak MB | cold pass s |"
    )
    print("|" + "---|" * 16)
    one = None
    for count, w in rows:
        per_cpu = w.polls / w.node_cpu
        one = one or (count, per_cpu)
        node_k = 1000 * w.node_cpu / w.polls
        scale = count * per_cpu / one[1] / one[0]
        print(
            f"| {count} | {w.polls} | {w.polls / args.sources / args.cycles:.2f} "
            f"| {quantile(w.lags, 50):.2f} | {quantile(w.lags, 95):.2f} | {max(w.lags):.2f} "
            f"| {w.missed} | {w.duplicates} | {node_k:.2f} | {node_k / ref_cpu:.1f}x "
            f"| {1000 * (w.node_cpu + w.server_cpu) / w.polls:.2f} | {scale:.2f}x "
            f"| {' / '.join(f'{100 * s:.0f} %' for s in w.shares) if args.postgres else '-'} "
            f"| {' / '.join(f'{p:.0f}' for p in w.peak_mb)} | {ref_mb:.0f} | {w.cold:.0f} |"
        )
    print()
    print(
        "| nodes | node | polls in the cold pass | polls in the window | its CPU s / 1000 of "
        "its polls | cold pass s | cold pass vs 1 node | cold pass CPU s, all nodes, start-up "
        "included | " + " | ".join(f"{state} s, cold / window" for state in STATES) + " |"
    )
    print("|" + "---|" * (8 + len(STATES)))
    cold_one = next((w.cold for count, w in rows if count == 1), rows[0][1].cold)
    for count, w in rows:
        for k in range(count):
            waited = " | ".join(
                f"{w.waits['cold'][k][state]:.1f} / {w.waits['window'][k][state]:.1f}"
                if args.postgres
                else "-"
                for state in STATES
            )
            print(
                f"| {count} | {k} | {w.cold_polls[k]} | {w.node_polls[k]} "
                f"| {1000 * w.node_cpus[k] / max(1, w.node_polls[k]):.2f} | {w.cold:.0f} "
                f"| {cold_one / w.cold:.2f}x | {w.cold_cpu:.0f} "
                f"| {waited} |"
            )


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sources", type=int, default=1000)
    p.add_argument("--hosts", type=int, default=20, help="loopback addresses")
    p.add_argument("--every", type=float, default=60, help="every source's interval, seconds")
    p.add_argument("--cycles", type=int, default=2, help="intervals measured")
    p.add_argument("--percent", type=float, default=10, help="%% of sources changing per interval")
    p.add_argument("--nodes", default="1", help="daemon counts to run, comma-separated")
    p.add_argument("--postgres", action="store_true", help="ADVISORYWATCH_TEST_POSTGRES's server")
    p.add_argument("--slots", choices=["grid", "start"], default="grid")
    p.add_argument("--profile", type=Path, help="py-spy profile of node 0 into this folder")
    p.add_argument("--spy", type=Path, default=SPY, help="the py-spy binary")
    args = p.parse_args()
    args.nodes = [int(n) for n in args.nodes.split(",")]
    if any(n > 1 for n in args.nodes) and not args.postgres:
        p.error("several nodes need --postgres (SQLite is single-node)")
    return args


if __name__ == "__main__":
    main()
