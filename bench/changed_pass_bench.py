"""A 10 %-changed `run --once` pass whose new items fire nothing, from several source trees on
the same database copy, alternating, in one run: its CPU, and whether the pass loaded the places
lookup (``-X importtime``):

    python bench/changed_pass_bench.py --sources 100 --trees MAIN_TREE,THIS_TREE [--pass cold]

The fixture server publishes no alert term (``--alert-rate 0``); the database is made by a cold
and a warm pass of the first tree, then copied before each measured pass. ``--pass cold``
measures cold passes instead (an empty database each time, 3 % of the items firing: the
fixture server's default), and their wall time too."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from run import DAEMON_CRAWLER, PYTHON, FixtureServer, write_config


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--trees", required=True, help="source trees, comma-separated")
    p.add_argument("--sources", type=int, default=100)
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--pass", dest="kind", choices=["changed", "cold"], default="changed")
    args = p.parse_args()
    trees = args.trees.split(",")
    rate = ["--alert-rate", "0"] if args.kind == "changed" else []
    server = FixtureServer(["--sources", str(args.sources), "--hosts", "10", *rate])
    try:
        with tempfile.TemporaryDirectory(prefix="advisorywatch-bench-") as tmp:
            work = Path(tmp)
            config = write_config(work, server, DAEMON_CRAWLER)
            if args.kind == "cold":
                _colds(work, config, trees, args.rounds)
                return
            for _ in ("cold", "warm"):
                _once(config, trees[0])
            server.post("/publish?percent=10")
            shutil.copy(work / "bench.db", work / "changed.db")
            for r in range(args.rounds):
                for tree in trees:
                    shutil.copy(work / "changed.db", work / "bench.db")
                    for suffix in ("-wal", "-shm"):
                        (work / f"bench.db{suffix}").unlink(missing_ok=True)
                    cpu, places = _once(config, tree, "-X", "importtime")
                    loaded = "places lookup loaded" if places else "no places lookup"
                    print(f"round {r + 1}, {Path(tree).name}: {cpu:.2f} s CPU, {loaded}")
    finally:
        server.stop()


def _colds(work: Path, config: Path, trees: list[str], rounds: int) -> None:
    """Cold passes on an empty database, the trees alternating: CPU and wall of each."""
    for r in range(rounds):
        for tree in trees:
            for name in ("bench.db", "bench.db-wal", "bench.db-shm"):
                (work / name).unlink(missing_ok=True)
            start = time.perf_counter()
            cpu, _ = _once(config, tree)
            wall = time.perf_counter() - start
            print(f"round {r + 1}, {Path(tree).name}: cold {cpu:.2f} s CPU, {wall:.2f} s wall")


def _once(config: Path, tree: str, *flags: str) -> tuple[float, bool]:
    """``run --once`` from ``tree``: its CPU seconds, and whether it imported the lookup."""
    before = os.times()
    cmd = [PYTHON, *flags, "-m", "advisorywatch", "--config", str(config), "run", "--once"]
    env = {**os.environ, "PYTHONPATH": tree}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr[-2000:])
    after = os.times()
    cpu = after.children_user + after.children_system
    cpu -= before.children_user + before.children_system
    return cpu, "advisorywatch.rules.places.extract" in proc.stderr


if __name__ == "__main__":
    main()
