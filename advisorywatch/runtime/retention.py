"""Running retention (:mod:`advisorywatch.db.retention`): hourly in the daemon, at the end of
``run --once`` when due, and on demand (``advisorywatch prune``). Batches run on the database
writer thread with a pause between them, so fetches keep being stored while it prunes."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import TYPE_CHECKING

from advisorywatch.db.config import RetentionConfig
from advisorywatch.db.retention import Pruned, prune_steps
from advisorywatch.db.session import Database
from advisorywatch.runtime.app import App

if TYPE_CHECKING:  # prometheus_client: only the daemon, which serves /metrics, has them
    from advisorywatch.runtime.metrics import Metrics

log = logging.getLogger(__name__)
PAUSE_SECONDS = 0.05  # between batches: queued fetches are stored first


async def prune_when_due(app: App, metrics: Metrics | None = None) -> Pruned | None:
    """Prune if a run is due and no other node is pruning; None when nothing ran. Stops
    between batches when the app is stopping (the run is then not recorded as done)."""
    started = time.monotonic()
    steps = prune_steps(app.db, app.config.retention)
    pruned = None
    try:
        while not app.stopping.is_set():
            step = await app.in_db_thread(next, steps, None)
            if step is None:
                break
            pruned = step
            await asyncio.sleep(PAUSE_SECONDS)
    finally:
        await app.in_db_thread(steps.close)
    _report(pruned, time.monotonic() - started, metrics)
    return pruned


def prune_now(db: Database, cfg: RetentionConfig) -> Pruned | None:
    """Prune now, due or not (``advisorywatch prune``); None when another node is pruning."""
    started = time.monotonic()
    last = deque(prune_steps(db, cfg, force=True), maxlen=1)
    pruned = last[0] if last else None
    _report(pruned, time.monotonic() - started, None)
    return pruned


def _report(pruned: Pruned | None, took: float, metrics: Metrics | None) -> None:
    if pruned is None:
        return
    counts = pruned.counts()
    log.info(
        "pruned %s in %.1f s",
        ", ".join(f"{n} {table}" for table, n in counts.items()),
        took,
    )
    if metrics is not None:
        for table, n in counts.items():
            metrics.pruned.labels(table).inc(n)
