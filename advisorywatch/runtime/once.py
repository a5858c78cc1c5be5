"""``run --once``: every source once, send, exit. Exit 1 when any source failed."""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

from advisorywatch.config import Config
from advisorywatch.ingest.ingestor import IngestResult


def run_once(config: Config, names: Sequence[str] = ()) -> int:
    from advisorywatch.crawler.fetch import reactor
    from advisorywatch.runtime.boot import boot

    app = boot(config, long_lived=False)

    sources = app.enabled_sources(names)
    progress = _Progress(len(sources)) if sys.stderr.isatty() else None

    async def main() -> list[IngestResult]:
        try:
            return await app.cycle(sources, progress)
        finally:
            await app.stop()  # ends the crawl, which stays open for more runs otherwise
            await app.close()

    results = reactor.run(main)
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
    if pending:
        print(
            f"{pending} notification(s) not yet delivered; they are retried on the next run",
            file=sys.stderr,
        )
    gc.freeze()  # the process exits next: no collection passes over everything at shutdown
    return 0 if all(r.ok for r in results) else 1


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
