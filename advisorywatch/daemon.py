"""The long-running daemon: APScheduler 3's AsyncIOScheduler on the reactor's asyncio loop.

Jobs are built from config at every start; there is no persistent job store (APScheduler 3
deletes jobs it cannot restore). Each source is one job with ``max_instances=1``, and the job
awaits its crawl, so a slow source delays its own next run instead of overlapping it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from advisorywatch import __version__
from advisorywatch.config import Config
from advisorywatch.redaction import redact
from advisorywatch.schedule import build_trigger
from advisorywatch.service import App

log = logging.getLogger(__name__)
OUTBOX_RETRY_SECONDS = 15
STOP_TIMEOUT_SECONDS = 8

JOB_DEFAULTS = {
    # A run delayed by a busy loop or a slow crawl must still happen, never be skipped
    # (APScheduler's default grace of 1 s silently drops it); several missed runs collapse
    # into one.
    "misfire_grace_time": None,
    "coalesce": True,
    "max_instances": 1,
}


def build_scheduler(app: App, loop: asyncio.AbstractEventLoop) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(event_loop=loop, timezone=UTC, job_defaults=JOB_DEFAULTS)
    now = datetime.now(UTC)
    for src in app.enabled_sources():
        scheduler.add_job(
            app.cycle,
            trigger=build_trigger(src.interval, src.cron, src.timezone),
            args=[[src]],
            id=f"source:{src.name}",
            name=f"crawl {src.name}",
            next_run_time=now,  # every source runs once at start
        )
    scheduler.add_job(
        app.deliver, "interval", seconds=OUTBOX_RETRY_SECONDS, id="outbox", name="send due alerts"
    )
    return scheduler


async def serve(app: App) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    scheduler = build_scheduler(app, loop)
    scheduler.start()
    log.info(
        "advisorywatch %s running: %d sources, %d rules, channels %s, database %s",
        __version__,
        len(app.enabled_sources()),
        len(app.config.rules),
        ", ".join(app.channels.names()),
        redact(app.config.database.url),
    )
    await stop.wait()
    log.info("stopping: finishing in-flight work (pending alerts stay queued)")
    scheduler.shutdown(wait=False)
    try:
        await asyncio.wait_for(app.close(), STOP_TIMEOUT_SECONDS)
    except TimeoutError:
        log.warning(
            "in-flight crawls did not stop within %ss; exiting anyway", STOP_TIMEOUT_SECONDS
        )
    log.info("stopped")


def run_daemon(config: Config) -> int:
    from advisorywatch import reactor

    reactor.install()
    app = App(config)
    app.prepare()
    reactor.run(lambda: serve(app))
    return 0
