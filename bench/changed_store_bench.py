"""CPU of storing responses alone, no crawl. ``--pass changed``: each lists its 20 items, one
of them new (what a 10 %-changed pass stores), none firing. ``--pass cold``: new sources, 20
new items each, 3 % of them carrying an ``air_strike`` term (bench/fixture_server.py's text,
as a cold pass of bench/run.py), so that alerts are created and routed (incidents, one
channel). One process per source tree, alternating, so that the trees' figures come from the
same stretch of a noisy machine:

    python bench/changed_store_bench.py --trees MAIN_TREE,THIS_TREE [--pass cold]

Prints, per tree and round, the median CPU seconds per response (and for cold batches the
alerts raised and SQL statements per alert, counted over all batches)."""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from advisorywatch.crawler.sources.types.feed import FeedConfig
from advisorywatch.db.session import Database
from advisorywatch.ingest.alerts import Alerter
from advisorywatch.ingest.ingestor import Ingestor
from advisorywatch.ingest.sync import sync_sources
from advisorywatch.model import FetchOutcome, ParsedItem
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import ChannelConfig
from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.engine import RuleEngine

ITEMS = 20
ALERT_RATE = 0.03  # as bench/fixture_server.py's default
_ROUTING = re.compile(
    r"\b(alerts|alert_places|incidents|incident_alerts|deliveries|notices|silences)\b"
    r"|^UPDATE items SET places\b"
)


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


def measure_cold(sources: int, batches: int) -> dict[str, float]:
    """In this process: the median CPU seconds per response over ``batches`` batches of
    ``sources`` new sources' first responses, the alerts they raised and the statements that
    created and routed them."""
    import fixture_server  # here: it puts its own checkout first on sys.path

    rng = random.Random(7)
    quiet = [p for p in fixture_server.text_pool() if not fixture_server.fires(p)]
    terms = fixture_server.alert_terms()
    Alerter.ready()  # the places lookup, built (or read from its cache) before measuring

    def item(source: str, k: int) -> ParsedItem:
        title, text = rng.choice(quiet)
        text = f"{text} {rng.choice(quiet)[1]}"
        if rng.random() < ALERT_RATE:
            text = f"{text} Reports of {rng.choice(terms)} near the city centre."
        return ParsedItem(title=title, text=text, url=f"https://example.org/{source}/{k}")

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/bench.db")
        db.upgrade()
        names = [[f"b{b}s{i}" for i in range(sources)] for b in range(batches)]
        configs = [
            FeedConfig(name=n, type="feed", url="http://127.0.0.1:9/")
            for batch in names
            for n in batch
        ]
        sync_sources(db, configs)
        rule = RuleConfig.model_validate(
            {"name": "air-strike", "concepts": ["air_strike"], "notify": ["sink"]}
        )
        channels = Channels({"sink": ChannelConfig(urls=["json://127.0.0.1:9/notify"])})
        ingestor = Ingestor(db, RuleEngine([rule]), channels)
        statements = 0

        def count(*args: object) -> None:
            """Statements of creating and routing alerts (a firing item's places included)."""
            nonlocal statements
            statements += bool(_ROUTING.search(str(args[2])))

        event.listen(db.engine, "before_cursor_execute", count)
        per_response, alerts = [], 0
        for batch in names:
            outcomes = [
                FetchOutcome(n, "http://127.0.0.1:9/", 200, [item(n, k) for k in range(ITEMS)])
                for n in batch
            ]
            start = time.process_time()
            alerts += sum(r.alerts for r in ingestor.ingest_many(outcomes))
            per_response.append((time.process_time() - start) / sources)
        db.dispose()
    return {"seconds": statistics.median(per_response), "alerts": alerts, "statements": statements}


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
    p.add_argument("--pass", dest="kind", choices=["changed", "cold"], default="changed")
    p.add_argument("--sources", type=int, default=100, help="changed responses per batch")
    p.add_argument("--batches", type=int, default=7)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        cold = args.kind == "cold"
        found = measure_cold if cold else measure
        print(json.dumps(found(args.sources, args.batches)))
        return
    trees = args.trees.split(",")
    for r in range(args.rounds):
        for tree in trees:
            cmd = [sys.executable, __file__, "--child", "--trees", tree, "--pass", args.kind]
            cmd += ["--sources", str(args.sources), "--batches", str(args.batches)]
            env = {**os.environ, "PYTHONPATH": tree}
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
            found = json.loads(out.stdout.splitlines()[-1])
            line = f"round {r + 1}, {Path(tree).name}: "
            if isinstance(found, dict):
                per_alert = found["statements"] / max(found["alerts"], 1)
                line += f"{found['seconds'] * 1000:.2f} ms CPU per response, "
                line += f"{found['alerts']} alerts, {found['statements']} statements "
                line += f"of routing ({per_alert:.1f} per alert)"
            else:
                line += f"{found * 1000:.2f} ms CPU per response"
            print(line)


if __name__ == "__main__":
    main()
