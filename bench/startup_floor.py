"""Start-up of a warm ``run --once`` against the floor of its stack, in one run.

    .venv/bin/python bench/startup_floor.py [--sources 100] [--repeat 7]

Starts bench/fixture_server.py with N sources, runs one cold pass to fill a fresh database,
then takes the modules a warm pass (every source 304) imports (``-X importtime``) and
measures, alternating, ``--repeat`` times each:

- python: an interpreter that starts and exits (``python -c pass``);
- libraries: an interpreter that imports every module of another package than ours that the
  warm pass imported (Scrapy, Twisted, SQLAlchemy, pydantic, lxml, PyYAML and what they
  import), in the order the pass did, and exits: the floor of start-up with this stack;
- run --once: the warm pass itself, with the moment the fixture server saw its first request.

Prints wall time, CPU and peak RSS (medians), the first request's time, and the ratios of the
libraries' import to the pass's start-up to its first request.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import PYTHON, FixtureServer, write_config

_IMPORT_ALL = """
import importlib, sys
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception:
        pass
"""


def _wait4(cmd: list[str]) -> tuple[float, float, float]:
    """Wall s, CPU s and peak RSS MB of ``cmd``, run to completion."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def libraries_of(pass_cmd: list[str]) -> list[str]:
    """The modules of other packages than ours a warm pass imports, in the order it did."""
    proc = subprocess.run(
        [PYTHON, "-X", "importtime", *pass_cmd[1:]], capture_output=True, text=True, check=False
    )
    names = [
        line.rsplit("|", 1)[1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    ]
    return [n for n in names if not n.startswith(("advisorywatch", "__", "encodings"))]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sources", type=int, default=100)
    p.add_argument("--repeat", type=int, default=7)
    args = p.parse_args()
    server = FixtureServer(["--sources", str(args.sources), "--items", "20"])
    try:
        with tempfile.TemporaryDirectory(prefix="advisorywatch-startup-") as tmp:
            crawler = argparse.Namespace(per_host=4, delay=0.0, autothrottle=False, timeout=30.0)
            config = write_config(Path(tmp), server, crawler)
            pass_cmd = [PYTHON, "-m", "advisorywatch", "--config", str(config), "run", "--once"]
            subprocess.run(pass_cmd, stdout=subprocess.DEVNULL, check=False)  # cold: fills it
            libraries = libraries_of(pass_cmd)
            commands = {
                "python": [PYTHON, "-c", "pass"],
                "libraries": [PYTHON, "-c", _IMPORT_ALL, *libraries],
                "run --once": pass_cmd,
            }
            runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
            firsts: list[float] = []
            for _ in range(args.repeat):
                for name, cmd in commands.items():
                    started = time.time()
                    runs[name].append(_wait4(cmd))
                    if name == "run --once":
                        first = server.get(f"/first-request?since={started}") or started
                        firsts.append(first - started)
    finally:
        server.stop()
    print(f"{len(libraries)} library modules; {args.repeat} runs each, medians (min)")
    print("| | wall s | CPU s | peak RSS MB |")
    print("|---|---|---|---|")
    for name, measured in runs.items():
        wall, cpu, rss = (statistics.median(col) for col in zip(*measured, strict=True))
        fastest = min(m[0] for m in measured)
        print(f"| {name} | {wall:.3f} ({fastest:.3f}) | {cpu:.3f} | {rss:.0f} |")
    first = statistics.median(firsts)
    libs = statistics.median(m[0] for m in runs["libraries"])
    print(f"| run --once: first request | {first:.3f} ({min(firsts):.3f}) | | |")
    print(f"libraries / first request: {libs / first:.2f}x", file=sys.stdout)
    print(json.dumps({"first_request": firsts, "libraries": [m[0] for m in runs["libraries"]]}))


if __name__ == "__main__":
    main()
