"""A periodic job that shutdown cancels ends with one INFO line, not the scheduler's
traceback (a heartbeat waiting on a busy database thread is cancelled after the grace period)."""

from __future__ import annotations

import asyncio
import logging

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from advisorywatch.runtime.daemon import _every


def test_a_cancelled_periodic_job_logs_one_line_and_no_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    started = asyncio.Event()

    async def heartbeat() -> None:
        started.set()
        await asyncio.Event().wait()  # a database thread that never answers

    async def main() -> None:
        scheduler = AsyncIOScheduler()
        _every(scheduler, heartbeat, 60, "heartbeat")
        scheduler.start()
        await asyncio.wait_for(started.wait(), 10)
        running = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in running:
            task.cancel()
        await asyncio.wait(running, timeout=5)
        scheduler.shutdown(wait=False)

    with caplog.at_level(logging.INFO):
        asyncio.run(main())
    assert "heartbeat: interrupted by shutdown" in caplog.messages
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
