"""Handing work from the event loop to the database thread in batches.

A crawl asks for things faster than one transaction each can serve them: a warm pass is a
thousand 304s to store, and in the daemon a thousand sources start at the same moment, each
reading its validators. Requests that arrive while the previous batch is being handled wait
and are then handled together (e.g. stored in one transaction with a savepoint each, see
:meth:`Ingestor.ingest_many`). Each caller still gets its own result.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class BatchQueue(Generic[T, R]):
    """``handle_many`` gets the waiting requests (at most ``max_batch``, in order of arrival)
    and returns one result per request, in the same order."""

    def __init__(
        self, handle_many: Callable[[list[T]], Awaitable[list[R]]], max_batch: int
    ) -> None:
        self._handle_many = handle_many
        self._max_batch = max_batch  # bounds one transaction's length and the results held back
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._worker: asyncio.Task[None] | None = None

    async def submit(self, request: T) -> R:
        """Handle ``request`` (with whatever else is waiting) and return its result."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((request, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work())
        return await future

    async def _work(self) -> None:
        while self._waiting:
            cut = self._max_batch
            batch, self._waiting = self._waiting[:cut], self._waiting[cut:]
            try:
                results = await self._handle_many([request for request, _ in batch])
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
