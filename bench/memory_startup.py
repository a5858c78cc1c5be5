"""The daemon's start-up, step by step: resident memory after each step, the high-water mark,
and which of the libraries it need not hold it holds.

    .venv/bin/python bench/memory_startup.py [--sources 1000]

In this process, on a new SQLite database in a temporary directory and a config of
``--sources`` feeds (never fetched: start-up only), as ``advisorywatch run`` starts: the
command line's imports, the daemon's, reading and checking the config (channel URLs included),
then :func:`advisorywatch.runtime.boot.boot` (reactor, application, schema, the places lookup),
then a first send to the json:// channel (a closed port: Apprise, the channel's plugins and the
HTTP client, without waiting on a server). RSS is ``VmRSS``, the high-water mark ``VmHWM``, the
seconds each step took. Run it with each tree's ``PYTHONPATH`` to compare two versions; set
``ADVISORYWATCH_CACHE_DIR`` per tree (the places file is per code version).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml


def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sources", type=int, default=1000)
    args = p.parse_args()
    steps: list[tuple[str, float, float, float]] = []
    last = time.perf_counter()

    def step(name: str) -> None:
        nonlocal last
        took, last = time.perf_counter() - last, time.perf_counter()
        steps.append((name, status_mb("VmRSS"), status_mb("VmHWM"), took))

    step("interpreter")
    with tempfile.TemporaryDirectory(prefix="advisorywatch-start-") as tmp:
        config = {
            "database": {"url": f"sqlite:///{tmp}/state.db"},
            "log_level": "WARNING",
            "sources": [
                {
                    "name": f"bench-{i:05d}",
                    "type": "feed",
                    "url": f"http://127.0.0.{2 + i % 100}:8000/feed/{i}.xml",
                    "every": "60s",
                    "robots": False,
                }
                for i in range(args.sources)
            ],
            "rules": [{"name": "air-strike", "concepts": ["air_strike"], "notify": ["sink"]}],
            "channels": {"sink": {"urls": ["json://127.0.0.1:9/notify"]}},
        }
        path = Path(tmp) / "config.yaml"
        path.write_text(yaml.safe_dump(config))

        import advisorywatch.cli.main

        step("the command line's imports")
        import advisorywatch.runtime.daemon  # noqa: F401

        step("the daemon's imports")
        from advisorywatch.config.load import load_config

        loaded = load_config(path, preflight=True)
        step("config read and checked")
        from advisorywatch.runtime.boot import boot

        app = boot(loaded, long_lived=True)
        step("boot: reactor, app, schema, places lookup")
        from advisorywatch.notifier.message import Message
        from advisorywatch.notifier.send import send

        send("json://127.0.0.1:9/notify", Message("title", "body"), timeout=5)
        step("a first send (Apprise, its plugins)")
        app.db.dispose()
    print("| step | RSS MB | high-water MB | s |")
    print("|---|---|---|---|")
    for name, rss, hwm, took in steps:
        print(f"| {name} | {rss:.1f} | {hwm:.1f} | {took:.2f} |")
    held = [m for m in ("apprise", "alembic", "jinja2") if m in sys.modules]
    print(f"held after a send: {', '.join(held) or 'none of apprise, alembic, jinja2'}")
    plugins = [m for m in sys.modules if m.startswith("apprise.plugins.")]
    print(f"Apprise plugin modules held: {len(plugins)}")


if __name__ == "__main__":
    main()
