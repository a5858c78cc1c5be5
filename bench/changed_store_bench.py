"""CPU of storing changed responses alone, no crawl: each lists its 20 items, one of them new
(what a 10 %-changed pass stores), none firing. One process per source tree, alternating, so
that the trees' figures come from the same stretch of a noisy machine:

    python bench/changed_store_bench.py --trees MAIN_TREE,THIS_TREE

Prints, per tree and round, the median CPU seconds per changed response."""

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

from advisorywatch.crawler.sources.types.feed import FeedConfig
from advisorywatch.db.session import Database
from advisorywatch.ingest.ingestor import Ingestor
from advisorywatch.ingest.sync import sync_sources
from advisorywatch.model import FetchOutcome, ParsedItem
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import ChannelConfig
from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.engine import RuleEngine

ITEMS = 20


def measure(sources: int, batches: int) -> float:
    """In this process (the tree on ``PYTHONPATH``): the median CPU seconds per changed
    response over ``batches`` batches of ``sources`` changed responses."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/bench.db")
        db.upgrade()
        names = [f"s{i}" for i in range(sources)]
        sync_sources(
            db, [FeedConfig(name=n, type="feed", url="http://127.0.0.1:9/") for n in names]
        )
        rule = RuleConfig.model_validate(
            {"name": "strike", "concepts": ["air_strike"], "notify": ["console"]}
        )
        channels = Channels({"console": ChannelConfig(urls=["console://"])})
        ingestor = Ingestor(db, RuleEngine([rule]), channels)
        feeds = {n: [_item(n, k) for k in range(ITEMS)] for n in names}
        serial = ITEMS

        def batch() -> list[FetchOutcome]:
            return [FetchOutcome(n, "http://127.0.0.1:9/", 200, list(feeds[n])) for n in names]

        ingestor.ingest_many(batch())
        per_response = []
        for _ in range(batches):
            for n in names:
                feeds[n] = [_item(n, serial), *feeds[n][:-1]]
            serial += 1
            outcomes = batch()
            start = time.process_time()
            ingestor.ingest_many(outcomes)
            per_response.append((time.process_time() - start) / sources)
        db.dispose()
    return statistics.median(per_response)


def _item(source: str, k: int) -> ParsedItem:
    text = f"Markets were calm on day {k}; the council met to discuss the budget. " * 8
    return ParsedItem(
        title=f"{source} story {k}",
        text=text,
        url=f"https://example.org/{source}/{k}",
        guid=f"urn:{source}:{k}",
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--trees", required=True, help="source trees, comma-separated")
    p.add_argument("--sources", type=int, default=100, help="changed responses per batch")
    p.add_argument("--batches", type=int, default=7)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(measure(args.sources, args.batches)))
        return
    trees = args.trees.split(",")
    for r in range(args.rounds):
        for tree in trees:
            cmd = [sys.executable, __file__, "--child", "--trees", tree]
            cmd += ["--sources", str(args.sources), "--batches", str(args.batches)]
            env = {**os.environ, "PYTHONPATH": tree}
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
            seconds = json.loads(out.stdout.splitlines()[-1])
            print(f"round {r + 1}, {Path(tree).name}: {seconds * 1000:.2f} ms CPU per response")


if __name__ == "__main__":
    main()
