"""``run --once``: every source once, send, exit. Exit 1 when any source failed."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from advisorywatch.config import Config
from advisorywatch.pipeline import IngestResult
from advisorywatch.service import App


def run_once(config: Config, names: Sequence[str] = ()) -> int:
    from advisorywatch import reactor

    reactor.install()
    app = App(config)
    app.prepare()

    async def main() -> list[IngestResult]:
        try:
            return await app.cycle(app.enabled_sources(names))
        finally:
            await app.close()

    results = reactor.run(main)
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
    return 0 if all(r.ok for r in results) else 1
