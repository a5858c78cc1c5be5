"""``run --once``: every source once, send, exit, with an exit code a scheduler can use:
0 all good, 1 a source failed, 3 alerts that could not be delivered (failed for good in this
pass, or still waiting after it); 2, configuration or database unusable, comes from the CLI.
Undelivered alerts outrank a failed source: they are what the operator misses."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from advisorywatch.config import Config
from advisorywatch.ingest.ingestor import IngestResult
from advisorywatch.notifier.outbox import DrainResult

if TYPE_CHECKING:
    from advisorywatch.runtime.app import App

EXIT_SOURCE_FAILED, EXIT_UNDELIVERED = 1, 3
log = logging.getLogger(__name__)


def run_once(config: Config, names: Sequence[str] = ()) -> int:
    from advisorywatch.crawler.fetch import reactor
    from advisorywatch.runtime.boot import boot

    app = boot(config, long_lived=False)

    sources = app.enabled_sources(names)
    progress = _Progress(len(sources)) if sys.stderr.isatty() else None

    async def main() -> tuple[list[IngestResult], DrainResult]:
        try:
            results = await app.crawl(sources, progress)
            drained = await app.deliver()
            await _prune(app)
            return results, drained
        finally:
            await app.stop()  # ends the crawl, which stays open for more runs otherwise
            await app.close()

    results, drained = reactor.run(main)
    if progress is not None:
        progress.done()
    pending = app.outbox.pending()
    for r in results:
        if r.ok:
            state = (
                "not modified"
                if r.not_modified
                else (f"{r.new} new, {r.updated} updated, {r.alerts} alerts")
            )
            print(f"{r.source}: ok, {state}")
        else:
            print(f"{r.source}: FAILED, {r.error}")
    if drained.failed:
        print(
            f"{drained.failed} notification(s) failed for good (see `advisorywatch alerts`)",
            file=sys.stderr,
        )
    if pending:
        print(
            f"{pending} notification(s) not yet delivered; they are retried on the next run",
            file=sys.stderr,
        )
    gc.freeze()  # the process exits next: no collection passes over everything at shutdown
    if drained.failed or pending:
        return EXIT_UNDELIVERED
    return 0 if all(r.ok for r in results) else EXIT_SOURCE_FAILED


async def _prune(app: App) -> None:
    """Prune when due (cron users get retention too); a failure is logged, and the run's exit
    code still says what happened to the sources and alerts."""
    from sqlalchemy.exc import SQLAlchemyError

    from advisorywatch.db.preflight import describe_error
    from advisorywatch.runtime.retention import prune_when_due

    try:
        await prune_when_due(app)
    except SQLAlchemyError as exc:
        log.error("pruning old rows failed: %s", describe_error(app.db.url, exc))


class _Progress:
    """A one-line progress bar on a terminal."""

    WIDTH = 30

    def __init__(self, total: int) -> None:
        self.total, self.count = total, 0

    def __call__(self, result: IngestResult) -> None:
        self.count += 1
        filled = self.WIDTH * self.count // max(self.total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        sys.stderr.write(f"\r[{bar}] {self.count}/{self.total} sources")
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\n")
