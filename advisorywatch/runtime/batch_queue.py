"""Handing work from the event loop to the database thread in batches.

A crawl asks for things faster than one transaction each can serve them: a warm pass is a
thousand 304s to store, and in the daemon a thousand sources start at the same moment, each
reading its validators. Requests that arrive while the previous batch is being handled wait
and are then handled together (e.g. stored in one transaction with a savepoint each, see
:meth:`Ingestor.ingest_many`). Each caller still gets its own result.

Spread out (each source on its own slot of its schedule's grid) requests rarely overlap, and
each would pay for a transaction and a hand-off to the database thread of its own. With a
``linger``, a batch waits for more requests until its oldest has waited that long, it is full
or :meth:`BatchQueue.flush` is called: a request is held back at most ``linger`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class BatchQueue(Generic[T, R]):
    """``handle_many`` gets the waiting requests (at most ``max_batch``, in order of arrival)
    and returns one result per request, in the same order."""

    def __init__(
        self,
        handle_many: Callable[[list[T]], Awaitable[list[R]]],
        max_batch: int,
        linger: float = 0,
    ) -> None:
        self._handle_many = handle_many
        self._max_batch = max_batch  # bounds one transaction's length and the results held back
        self._linger = linger  # seconds the oldest waiting request may wait for company
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._oldest = 0.0  # when the oldest waiting request arrived (loop time)
        self._wake = asyncio.Event()  # set when lingering must end: batch full, or flush
        self._worker: asyncio.Task[None] | None = None

    async def submit(self, request: T) -> R:
        """Handle ``request`` (with whatever else is waiting) and return its result."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        if not self._waiting:
            self._oldest = loop.time()
        self._waiting.append((request, future))
        if len(self._waiting) >= self._max_batch:
            self._wake.set()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work())
        return await future

    def flush(self) -> None:
        """Handle what is waiting at once and linger no more (shutdown: nothing is held back)."""
        self._linger = 0
        self._wake.set()

    async def _gather(self) -> None:
        """Wait until the oldest waiting request has lingered its time or the batch is full."""
        left = self._oldest + self._linger - asyncio.get_running_loop().time()
        if left <= 0 or len(self._waiting) >= self._max_batch:
            return
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), left)

    async def _work(self) -> None:
        batch: list[tuple[T, asyncio.Future[R]]] = []
        try:
            while self._waiting:
                await self._gather()
                cut = self._max_batch
                batch, self._waiting = self._waiting[:cut], self._waiting[cut:]
                if self._waiting:  # arrived while the batch gathered: they wait no longer
                    self._oldest = asyncio.get_running_loop().time() - self._linger
                try:
                    results = await self._handle_many([request for request, _ in batch])
                except Exception as exc:  # the batch's callers hear of it; later batches go on
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
        except asyncio.CancelledError:
            for _, future in batch + self._waiting:
                future.cancel()
            self._waiting = []
            raise
