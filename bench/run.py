"""The benchmark: advisorywatch against the bare reference client, in one table.

    .venv/bin/python bench/run.py [--sizes 100,1000] [--items 20] [--hosts-per 10]
        [--per-host 4] [--delay 0] [--daemon 100] [--profile DIR] [--match] [--urlwatch [DIR]]
        [--trees DIR,DIR] [--workers 0,1] [--cpus 0]

For each size N it starts bench/fixture_server.py with N sources x --items items spread over
N / --hosts-per loopback hosts, writes a config.yaml for it (one rule on the built-in
``air_strike`` concept, a json:// channel into the fixture server's sink, ``baseline: false``
so alerts are enqueued and sent, a fresh SQLite database) and runs three passes, each first
with bench/reference_client.py, then with ``advisorywatch run --once``:

- cold: empty database, everything new (fetch, parse, store, match, enqueue, send);
- warm: nothing changed, every source answers 304;
- changed: the server published one new item in 10 % of the sources.

Wall time, CPU time (user + system) and peak RSS are those of the child process
(``os.wait4``), so start-up is included. Ratios are product / reference in the same run;
absolute figures on a shared machine are noise, ratios less so.

``--daemon 100`` adds, for N=100, the passes inside a running daemon (bench/daemon_bench.py),
whose sources run on a cron schedule so that all are due at once, as for the reference client;
``--trees A,B`` runs the product from each source tree in turn (its ``PYTHONPATH``: e.g. a
``git archive`` of main unpacked into A, and this checkout), each against its own reference;
``--urlwatch`` also runs urlwatch in each pass, after the reference client
(bench/urlwatch_job.py; ``--urlwatch DIR`` when it was installed with ``pip install --target
DIR urlwatch``), and prints a second table: bare client, urlwatch, ``run --once`` and daemon;
``--match`` runs bench/match_bench.py (matching throughput) on a smaller corpus;
``--profile DIR`` writes py-spy profiles of a cold, a warm and a 10 %-changed pass
(summarise them with bench/profile_summary.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.request import Request, urlopen

import daemon_bench
import urlwatch_job
import yaml

BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    exit_code: int
    summary: str


def measure(cmd: list[str], out: IO[str], summarize: Any, env: dict[str, str] | None = None) -> Run:
    """Run ``cmd`` to completion; its own wall, CPU and peak RSS, and a summary of its output."""
    out.seek(0)
    out.truncate()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, text=True, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.flush()
    out.seek(0)
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        exit_code=proc.returncode,
        summary=summarize(out.read()),
    )


def product_summary(output: str) -> str:
    """Totals of ``run --once``'s per-source lines."""
    ok = not_modified = failed = new = alerts = 0
    for line in output.splitlines():
        _, sep, state = line.rpartition(": ")
        if not sep:
            continue
        if state.startswith("FAILED") or ": FAILED," in line:
            failed += 1
        elif state == "not modified" or line.endswith("ok, not modified"):
            ok += 1
            not_modified += 1
        elif "new," in line and line.endswith("alerts"):
            ok += 1
            parts = line.rsplit(", ", 3)
            new += int(parts[1].split()[0])
            alerts += int(parts[3].split()[0])
    return f"ok {ok} (304: {not_modified}), failed {failed}, new {new}, alerts {alerts}"


def reference_summary(output: str) -> str:
    try:
        c = json.loads(output.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return output.strip()[-200:]
    ok = c["ok"] + c["not_modified"]
    return f"ok {ok} (304: {c['not_modified']}), failed {c['failed']}, items {c['items']}"


class FixtureServer:
    def __init__(self, args: list[str]) -> None:
        self.proc = subprocess.Popen(
            [PYTHON, str(BENCH / "fixture_server.py"), *args], stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("fixture server did not start")
        self.control: str = json.loads(line)["control"]

    @property
    def sink(self) -> str:
        """The server's notification sink as an Apprise URL."""
        return self.control.replace("http://", "json://") + "/notify"

    def get(self, path: str) -> Any:
        with urlopen(f"{self.control}{path}") as response:
            return json.load(response)

    def post(self, path: str) -> Any:
        with urlopen(Request(f"{self.control}{path}", method="POST")) as response:
            return json.load(response)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


# The crawler settings of every daemon benchmark (bench/run.py takes them from its options).
DAEMON_CRAWLER = argparse.Namespace(per_host=4, delay=0.0, autothrottle=False, timeout=30.0)


def write_config(
    directory: Path,
    server: FixtureServer,
    args: argparse.Namespace,
    every: str = "10m",
    http_port: int | None = None,
    workers: str = "",
    cron: str | None = None,
) -> Path:
    """A config.yaml of the server's sources, one rule notifying its sink, a new database.
    Every source runs ``every`` (each on its own slot of the interval's grid), or on ``cron``
    (all at the same moments)."""
    sources = server.get("/sources")
    schedule = {"cron": cron} if cron else {"every": every, "jitter": "0s"}
    config: dict[str, Any] = {
        "database": {"url": f"sqlite:///{directory / 'bench.db'}"},
        "log_level": "WARNING",
        "sources": [
            {
                "name": s["name"],
                "type": "feed",
                "url": s["url"],
                **schedule,
                "robots": False,
            }
            for s in sources
        ],
        "rules": [
            {
                "name": "air-strike",
                "concepts": ["air_strike"],
                "severity": "critical",
                "notify": ["sink"],
            }
        ],
        "channels": {"sink": {"urls": [server.sink]}},
        "notifier": {"baseline": False},
        "crawler": {
            "concurrent_per_domain": args.per_host,
            "delay_seconds": args.delay,
            "autothrottle": args.autothrottle,
            "timeout_seconds": args.timeout,
        },
    }
    if workers:
        config["crawler"]["workers"] = int(workers)
    if http_port is not None:
        config["daemon"] = {"http": {"enabled": True, "port": http_port}}
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return path


Row = tuple[int, str, Run, Run]
PASSES = ("cold", "warm", "10% changed")
URLWATCH: dict[tuple[int, str], Run] = {}  # urlwatch's passes, by size and pass


def bench_size(n: int, args: argparse.Namespace, log: IO[str]) -> list[Row]:
    hosts = max(1, n // args.hosts_per)
    server_args = ["--sources", str(n), "--items", str(args.items), "--hosts", str(hosts)]
    server = FixtureServer([*server_args, "--format", args.format, *shlex.split(args.faults)])
    rows: list[Row] = []
    try:
        with tempfile.TemporaryDirectory(prefix="advisorywatch-bench-") as tmp:
            directory = Path(tmp)
            trees = args.trees.split(",")
            variants = [(tree, w) for tree in trees for w in args.workers.split(",")]
            labels = [_label(tree, w, len(trees), len(variants)) for tree, w in variants]
            for i, ((tree, workers), label) in enumerate(zip(variants, labels, strict=True)):
                rows += _passes(n, server, args, directory / f"v{i}", workers, label, tree, log)
            daemon = str(n) in args.daemon.split(",")
            for tree, label in zip(trees, labels[:: len(variants) // len(trees)], strict=True):
                try:
                    rows += in_daemon(n, server, args, rows, tree, label) if daemon else []
                except RuntimeError as e:
                    print(f"  N={n}: daemon passes left out: {e}", file=sys.stderr)
            if args.profile:
                profile(n, server, args)
            notified = len(server.get("/notifications"))
            print(f"  N={n}: {notified} notification(s) reached the sink", file=sys.stderr)
    finally:
        server.stop()
    return rows


def _label(tree: str, workers: str, trees: int, variants: int) -> str:
    """What tells a variant's rows apart: its source tree and workers, when there are several."""
    label = f", {Path(tree).name or 'installed'}" if trees > 1 else ""
    return label + (f", workers {workers or 'default'}" if variants > trees else "")


def _with_tree(cmd: list[str], tree: str) -> list[str]:
    """``cmd`` running the product from the source tree ``tree`` (the installed one if empty)."""
    return ["env", f"PYTHONPATH={tree}", *cmd] if tree else cmd


def _passes(
    n: int,
    server: FixtureServer,
    args: argparse.Namespace,
    directory: Path,
    workers: str,
    label: str,
    tree: str,
    log: IO[str],
) -> list[Row]:
    """Cold, warm and 10 % changed: the reference client, urlwatch (the first variant only)
    and ``run --once`` from ``tree`` with ``crawler.workers: workers`` (unset when empty)."""
    directory.mkdir()
    config = write_config(directory, server, args, workers=workers)
    pin = ["taskset", "-c", args.cpus] if args.cpus else []
    ref_cmd = [*pin, PYTHON, str(BENCH / "reference_client.py"), "--control", server.control]
    ref_cmd += ["--state", str(directory / "reference-state.json")]
    ref_cmd += ["--per-host", str(args.per_host), "--timeout", str(args.timeout)]
    product_cmd = [*pin, PYTHON, "-m", "advisorywatch", "--config", str(config), "run", "--once"]
    product_cmd = _with_tree(product_cmd, tree)
    watch = args.urlwatch is not None and not URLWATCH.get((n, "cold"))
    if watch:
        watch_cmd, watch_env = urlwatch_job.command(
            directory, server.get("/sources"), args.urlwatch
        )
        watch_cmd = [*pin, *watch_cmd]
    rows: list[Row] = []
    with (directory / "output.txt").open("w+", encoding="utf-8") as out:
        for name in PASSES:
            if name == "10% changed":
                server.post("/publish?percent=10")
            ref = measure(ref_cmd, out, reference_summary)
            if watch:
                URLWATCH[n, name] = measure(watch_cmd, out, urlwatch_job.summary, watch_env)
                print(f"  N={n} {name}: urlwatch {URLWATCH[n, name].wall:.2f}s", file=sys.stderr)
            asked, started = server.get("/requests"), time.time()
            product = measure(product_cmd, out, product_summary)
            first = server.get(f"/first-request?since={started}") or started
            product.summary += f", feed requests {server.get('/requests') - asked}"
            product.summary += f", first request at {first - started:.2f}s"
            if product.exit_code not in (0, 1):
                out.seek(0)
                log.write(out.read()[-3000:])
            rows.append((n, name + label, product, ref))
            _progress(rows[-1])
    return rows


def in_daemon(
    n: int, server: FixtureServer, args: argparse.Namespace, once: list[Row], tree: str, label: str
) -> list[Row]:
    """The same passes inside one daemon run from ``tree``, next to the reference figures
    measured above for its first variant (``label``)."""
    firsts = [
        (name.split(",")[0], p, ref)
        for size, name, p, ref in once
        if size == n and name in {f"{k}{label}" for k in PASSES}
    ]
    reference = {name: ref for name, _, ref in reversed(firsts)}  # the first variant's
    cold_once = next(p.wall for name, p, _ in firsts if name == "cold")
    minutes = daemon_minutes(cold_once)
    every = 60 * minutes
    port = daemon_bench.free_port()
    with tempfile.TemporaryDirectory(prefix="advisorywatch-daemon-") as tmp:
        # All sources due at the same moment, as for the reference client: a cron schedule.
        # An interval (`every:`) spreads the sources over it (each on its own grid slot), so a
        # pass would take the whole interval whatever it cost (until 2026-12-07 12:10 UTC the
        # daemon's warm and changed passes measured that: 4.3x, 44x).
        config = write_config(Path(tmp), server, args, http_port=port, cron=f"*/{minutes} * * * *")
        pin = ["taskset", "-c", args.cpus] if args.cpus else []
        cmd = _with_tree(
            [*pin, PYTHON, "-m", "advisorywatch", "--config", str(config), "run"], tree
        )
        # The cold pass runs at start: start early enough before a tick for it to finish.
        left = every - time.time() % every
        if left < cold_once + 20:
            time.sleep(left + 0.5)
        measured = daemon_bench.passes(
            cmd,
            Path(tmp) / "daemon.log",
            port,
            Path(tmp) / "bench.db",
            n,
            every,
            lambda: server.post("/publish?percent=10"),
            lambda since: server.get(f"/first-request?since={since}"),
        )
    rows = []
    for name, wall, cpu, rss in measured:
        run = Run(wall, cpu, rss, 0, f"daemon, cron every {minutes} min")
        rows.append((n, f"daemon {name}{label}", run, reference[name]))
        _progress(rows[-1])
    return rows


def daemon_minutes(cold_once: float) -> int:
    """Minutes between the daemon's passes (a divisor of 60, so that cron's ``*/M`` is
    regular): room for a pass, taken as at least the cold ``run --once`` plus 20 s."""
    return next(m for m in (1, 2, 3, 4, 5, 6, 10, 15, 20, 30) if 60 * m >= cold_once + 20)


def profile(n: int, server: FixtureServer, args: argparse.Namespace) -> None:
    """py-spy profiles (collapsed stacks, only the thread holding the GIL: where the CPU goes)
    of a cold, a warm and a 10 %-changed pass on a fresh database."""
    args.profile.mkdir(parents=True, exist_ok=True)
    spy = shutil.which("py-spy", path=f"{Path(PYTHON).parent}{os.pathsep}{os.environ['PATH']}")
    if spy is None:
        raise SystemExit("py-spy is not installed (the bench extra), nor on PATH")
    with tempfile.TemporaryDirectory(prefix="advisorywatch-profile-") as tmp:
        config = write_config(Path(tmp), server, args)
        for name in ("cold", "warm", "changed"):
            if name == "changed":
                server.post("/publish?percent=10")
            output = args.profile / f"{name}-{n}.txt"
            cmd = [spy, "record", "--format", "raw", "--full-filenames", "--gil", "-r", "100"]
            cmd += ["-o", str(output), "--", PYTHON, "-m", "advisorywatch"]
            cmd += ["--config", str(config), "run", "--once"]
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            print(f"  N={n}: {name} profile in {output}", file=sys.stderr)


def _progress(row: Row) -> None:
    n, name, product, ref = row
    print(
        f"  N={n} {name}: product {product.wall:.2f}s [{product.summary}]"
        f" / reference {ref.wall:.2f}s [{ref.summary}]",
        file=sys.stderr,
    )


def table(rows: list[Row]) -> str:
    head = (
        "| N | pass | product wall s | ref wall s | wall ratio | product CPU s | ref CPU s "
        "| CPU ratio | product peak MB | ref peak MB | product result |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for n, name, p, r in rows:
        lines.append(
            f"| {n} | {name} | {p.wall:.2f} | {r.wall:.2f} | {p.wall / r.wall:.1f}x "
            f"| {p.cpu:.2f} | {r.cpu:.2f} | {p.cpu / r.cpu:.1f}x "
            f"| {p.rss_mb:.0f} | {r.rss_mb:.0f} | {p.summary} |"
        )
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="100,1000", help="numbers of sources, comma-separated")
    p.add_argument("--items", type=int, default=20, help="items per feed")
    p.add_argument("--hosts-per", type=int, default=10, help="sources per loopback host")
    p.add_argument("--format", choices=["rss", "atom", "mixed"], default="rss")
    p.add_argument("--per-host", type=int, default=4, help="crawler.concurrent_per_domain")
    p.add_argument("--delay", type=float, default=0, help="crawler.delay_seconds")
    p.add_argument("--autothrottle", action="store_true", help="crawler.autothrottle")
    p.add_argument("--timeout", type=float, default=30, help="crawler.timeout_seconds")
    p.add_argument(
        "--faults", default="", help='fixture server fault options, e.g. "--slow 10 --failing 5"'
    )
    p.add_argument(
        "--workers",
        default="",
        help="crawler.workers, or several comma-separated (each measured in turn, same run)",
    )
    p.add_argument(
        "--trees",
        default="",
        help="source trees to run the product from (PYTHONPATH), comma-separated, each measured "
        "in turn in the same run (e.g. a `git archive` of main and this checkout)",
    )
    p.add_argument("--cpus", default="", help="run the measured commands under taskset -c CPUS")
    p.add_argument("--daemon", default="", help="sizes to run the passes in a daemon for too")
    p.add_argument("--profile", type=Path, help="also write py-spy profiles into this folder")
    p.add_argument("--match", action="store_true", help="also run bench/match_bench.py")
    p.add_argument(
        "--urlwatch",
        nargs="?",
        const="",
        metavar="DIR",
        help="also run urlwatch (installed here, or with pip install --target DIR)",
    )
    args = p.parse_args()
    if args.urlwatch is not None and not urlwatch_job.available(args.urlwatch):
        p.error(f"urlwatch is not installed {'in ' + args.urlwatch if args.urlwatch else 'here'}")
    return args


def comparison(rows: list[Row]) -> str:
    """Wall time as a multiple of the bare client's, and peak RSS: urlwatch, ``run --once`` and
    the daemon side by side."""
    head = "| N | pass | bare client | urlwatch | `run --once` | daemon |"
    lines = [head, "|---|---|---|---|---|---|"]
    by = {(n, name): (p, r) for n, name, p, r in rows}
    for n, name, _, ref in rows:
        watched = URLWATCH.get((n, name.split(",")[0]))
        if name.startswith("daemon") or watched is None:
            continue
        once = by[n, name][0]
        daemon = by.get((n, f"daemon {name}"))
        cells = [watched, once] + ([daemon[0]] if daemon else [])
        ratios = [f"{c.wall / ref.wall:.1f}x" for c in cells] + [""] * (3 - len(cells))
        lines.append(f"| {n} | {name} | 1.0x ({ref.wall:.2f} s) | {' | '.join(ratios)} |")
    for n in sorted({n for n, _ in URLWATCH}):
        peaks = [
            max(r.rss_mb for size, name, _, r in rows if size == n),
            max(run.rss_mb for (size, _), run in URLWATCH.items() if size == n),
            max(p.rss_mb for size, name, p, _ in rows if size == n and "daemon" not in name),
        ]
        daemon_peaks = [p.rss_mb for size, name, p, _ in rows if size == n and "daemon" in name]
        cells = [f"{mb:.0f} MB" for mb in peaks + daemon_peaks[-1:]]
        lines.append(f"| {n} | peak RSS | {' | '.join(cells)} |")
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    rows: list[Row] = []
    for n in (int(s) for s in args.sizes.split(",")):
        rows += bench_size(n, args, sys.stderr)
    print(
        f"faults: {args.faults or 'none'}; crawler: concurrent_per_domain {args.per_host}, "
        f"delay_seconds {args.delay}, "
        f"autothrottle {args.autothrottle}; {args.hosts_per} sources per host; "
        f"{args.items} items per feed ({args.format})"
    )
    print(table(rows))
    if URLWATCH:
        print(comparison(rows))
    if args.match:
        cmd = [PYTHON, str(BENCH / "match_bench.py"), "--mb", "10", "--baseline-mb", "0.5"]
        subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
