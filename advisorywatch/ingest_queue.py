"""Handing fetch outcomes from the event loop to the database thread in batches.

A crawl delivers outcomes faster than one transaction each can store them (a warm pass is a
thousand 304s): outcomes that arrive while the database thread is busy wait and are then
stored together, in one transaction with a savepoint each (:meth:`Ingestor.ingest_many`).
Each caller still gets its own result.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from advisorywatch.crawler.outcome import FetchOutcome
from advisorywatch.pipeline import IngestResult

StoreMany = Callable[[list[FetchOutcome]], Awaitable[list[IngestResult]]]
MAX_BATCH = 200  # bounds one transaction's length and the results held back by it


class IngestQueue:
    def __init__(self, store_many: StoreMany) -> None:
        self._store_many = store_many
        self._waiting: list[tuple[FetchOutcome, asyncio.Future[IngestResult]]] = []
        self._worker: asyncio.Task[None] | None = None

    async def submit(self, outcome: FetchOutcome) -> IngestResult:
        """Store ``outcome`` (with whatever else is waiting) and return its result."""
        future: asyncio.Future[IngestResult] = asyncio.get_running_loop().create_future()
        self._waiting.append((outcome, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work())
        return await future

    async def _work(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                results = await self._store_many([outcome for outcome, _ in batch])
            except asyncio.CancelledError:
                for _, future in batch + self._waiting:
                    future.cancel()
                self._waiting = []
                raise
            except Exception as exc:  # the batch's callers hear of it; later batches go on
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
