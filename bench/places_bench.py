"""What places cost: getting the lookup (time, memory) and finding the places of an item,
next to matching the same item against the shipped config's rules (quote the ratio).

    .venv/bin/python bench/places_bench.py

Two processes in a fresh cache directory: the first builds the lookup and writes it to the
cache (what the first process after an install or upgrade pays), the second reads it (every
later process).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        measure()
        return
    with tempfile.TemporaryDirectory(prefix="advisorywatch-places-") as cache:
        env = {**os.environ, "ADVISORYWATCH_CACHE_DIR": cache}
        for which in ("first process (builds, writes the cache)", "next process (reads it)"):
            print(f"{which}:", flush=True)
            subprocess.run([sys.executable, __file__, "--child"], env=env, check=True)


def measure() -> None:
    from advisorywatch.config import load_config
    from advisorywatch.rules.engine import RuleEngine
    from advisorywatch.rules.normalize import warm_up
    from advisorywatch.runtime.memory import release_free_memory, rss_bytes

    def rss_mb() -> float:
        return (rss_bytes() or 0) / 2**20

    config = load_config(ROOT / "config.yaml")  # loads no places: the shipped rules name none
    engine = RuleEngine(config.rules, config.concepts)
    warm_up()
    engine.matcher  # noqa: B018  compiled now, not in the timed loop
    release_free_memory()
    before, start = rss_mb(), time.perf_counter()
    from advisorywatch.rules.places.extract import finder, places_in

    finder()
    built, after = time.perf_counter() - start, rss_mb()
    release_free_memory()  # as the daemon does after each crawl
    trimmed = rss_mb()
    reports = yaml.safe_load((ROOT / "tests/fixtures/grouping/reports.yaml").read_text())
    items = [(r["title"], r["text"]) for r in reports["reports"]] * 100
    start = time.perf_counter()
    for title, text in items:
        places_in(title, text)
    per_place = (time.perf_counter() - start) / len(items)
    start = time.perf_counter()
    for title, text in items:
        engine.evaluate(None, {"title": title, "text": text})
    per_match = (time.perf_counter() - start) / len(items)
    print(
        f"  lookup: ready in {built:.2f} s, "
        f"RSS +{after - before:.0f} MB, "
        f"+{trimmed - before:.0f} MB once freed memory is returned (malloc_trim)"
    )
    print(
        f"  per item: places {per_place * 1e6:.0f} us, rule matching {per_match * 1e6:.0f} us "
        f"(ratio {per_place / per_match:.2f}), {len(items)} items"
    )


if __name__ == "__main__":
    main()
