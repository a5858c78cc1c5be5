"""The long-running daemon: APScheduler 3's AsyncIOScheduler on the reactor's asyncio loop.

Jobs are built from config at every start; there is no persistent job store (APScheduler 3
deletes jobs it cannot restore). On SQLite each source is one job with ``max_instances=1`` that
awaits its fetch, so runs of one source never overlap: a crawl that outlasts its interval is
counted, and the source runs again as soon as it finishes instead of at the next slot. On
PostgreSQL, where several daemons may share the database, one job claims the sources that are
due instead (:mod:`advisorywatch.runtime.coordination`) and crawls them by host. The fetches of
all jobs go through one long-lived Scrapy crawl (``CrawlRunner``), renewed hourly and when a
reload changes the ``crawler:`` settings. A failed fetch is not retried inline (unless
``crawler.retries`` says so): the source's next scheduled run is its retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
import signal
import time
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    JobExecutionEvent,
)
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from advisorywatch import __version__
from advisorywatch.config import Config, ConfigError, load_config
from advisorywatch.crawler.fetch import reactor
from advisorywatch.crawler.sources.base import SourceConfig
from advisorywatch.db.claims import Claim
from advisorywatch.db.models import utcnow
from advisorywatch.db.queries import overdue_deliveries
from advisorywatch.ingest.sync import sync_sources
from advisorywatch.model import DeliveryStatus
from advisorywatch.notifier.outbox import backlog, delivery_counts
from advisorywatch.notifier.route.storm import storm_settings
from advisorywatch.redaction import redact
from advisorywatch.runtime.app import App
from advisorywatch.runtime.coordination import coordination_for
from advisorywatch.runtime.http import HttpEndpoint
from advisorywatch.runtime.memory import AfterCrawls
from advisorywatch.runtime.metrics import Health, Metrics
from advisorywatch.runtime.retention import prune_when_due
from advisorywatch.runtime.schedule import source_trigger
from advisorywatch.runtime.systemd import sd_notify
from advisorywatch.runtime.throttle import Throttled

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
OUTBOX_RETRY_SECONDS = 15
# /healthz turns unhealthy when a delivery waits this long past its due time.
OVERDUE_AFTER = timedelta(minutes=5)
STOP_GRACE_SECONDS = 4  # twice at most: SIGTERM exits well within 10 s
STUCK_AFTER_INTERVALS = 3
SOURCE_JOB_PREFIX = "source:"
SLOT_STEP = 1.0  # seconds: a host's claims due within one step are crawled together

JOB_DEFAULTS = {
    # A run delayed by a busy loop or a slow crawl must still happen, never be skipped
    # (APScheduler's default grace of 1 s silently drops it); several missed runs collapse
    # into one, so a daemon that was stopped or asleep catches up once per source.
    "misfire_grace_time": None,
    "coalesce": True,
    "max_instances": 1,
}


class InThread(Protocol):
    async def __call__(self, fn: Callable[P, R], *args: P.args, **kw: P.kwargs) -> R: ...


def _job_id(name: str) -> str:
    return SOURCE_JOB_PREFIX + name


class Daemon:
    def __init__(self, app: App, config_path: Path) -> None:
        self.app = app
        self.config_path = config_path
        cfg = app.config.daemon
        self.metrics = Metrics()
        self.health = Health(stale_after=cfg.stale_after_seconds)
        self.coordination = coordination_for(app.db, app.config)
        self.scheduler: AsyncIOScheduler | None = None
        self._sources = {s.name: s for s in app.config.sources}  # Config.source() is a scan
        self._enabled = {s.name: s for s in app.enabled_sources()}
        self._running: dict[str, float] = {}  # source name -> monotonic start
        self._tasks: set[asyncio.Task[Any]] = set()  # running jobs, awaited at shutdown
        self._overran: set[str] = set()
        self.memory = AfterCrawls()
        self._sender: asyncio.Task[None] | None = None
        self._send_again = False
        self._throttled = Throttled(log)  # one ERROR line a minute per kind of failure
        self._claim_next = 0.0  # monotonic time of the next claiming pass (several nodes)
        # claim_spacing of the enabled sources it was computed for (a scan of all of them)
        self._spacing: tuple[dict[str, SourceConfig], float] | None = None
        self._stopping = asyncio.Event()  # set on SIGTERM: claims waiting for their slot go back
        self._coordinating = ThreadPoolExecutor(1, thread_name_prefix="coordination")

    # -- scheduling ---------------------------------------------------------------------------

    def _add_source_job(self, scheduler: AsyncIOScheduler, src: SourceConfig) -> None:
        scheduler.add_job(
            self._run_source,
            trigger=source_trigger(src),
            args=[src.name],
            id=_job_id(src.name),
            name=f"crawl {src.name}",
            next_run_time=datetime.now(UTC),  # every source runs once at start
        )

    def build_scheduler(self, loop: asyncio.AbstractEventLoop) -> AsyncIOScheduler:
        scheduler = AsyncIOScheduler(event_loop=loop, timezone=UTC, job_defaults=JOB_DEFAULTS)
        daemon = self.app.config.daemon
        if self.coordination.shared:
            tick = claim_tick(daemon.claim_every_seconds)
            _every(scheduler, self._claim_pass, tick, "claim due sources")
        else:
            for src in self.app.enabled_sources():
                self._add_source_job(scheduler, src)
        _every(scheduler, self._kick_delivery, OUTBOX_RETRY_SECONDS, "send due alerts", now=False)
        _every(scheduler, self._heartbeat, daemon.heartbeat_seconds, "heartbeat")
        # Checked four times per period, first a quarter period after start (not during the
        # first crawls): it runs when due, whichever node ran it last.
        every = self.app.config.retention.every.total_seconds() / 4
        _every(scheduler, self._prune, every, "prune old rows", now=False)
        scheduler.add_listener(self._on_max_instances, EVENT_JOB_MAX_INSTANCES)
        scheduler.add_listener(self._on_job_done, EVENT_JOB_ERROR | EVENT_JOB_EXECUTED)
        return scheduler

    def _on_job_done(self, event: JobExecutionEvent) -> None:
        """A job that raised (APScheduler logs it once) makes the daemon unhealthy until the
        job next succeeds."""
        reason = None if event.exception is None else _reason(event.exception)
        self.health.problem(f"job {event.job_id}", reason)

    def _on_max_instances(self, event: JobExecutionEvent) -> None:
        if event.job_id.startswith(SOURCE_JOB_PREFIX):
            name = event.job_id.removeprefix(SOURCE_JOB_PREFIX)
            self._overrun(name, "it runs again when it finishes")

    def _overrun(self, name: str, then: str) -> None:
        if name not in self._overran:
            self._overran.add(name)
            self.metrics.overruns.labels(name).inc()
            log.warning("crawl of %s outlasted its interval; %s", name, then)

    def _track(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run_source(self, name: str) -> None:
        self._track()
        src = self._sources.get(name)
        if src is None:
            return  # removed by a reload while queued
        if not await self._crawl([src]):
            return
        if name in self._overran and self.scheduler is not None:
            self._overran.discard(name)
            with contextlib.suppress(JobLookupError):  # removed by a reload or at shutdown
                self.scheduler.modify_job(_job_id(name), next_run_time=datetime.now(UTC))

    async def _claim_pass(self) -> None:
        """Several nodes: claim the sources due before the next pass and crawl each at its
        slot, one task per host and slot (one node holds a host's claims at a time, so its
        per-domain limits hold across nodes). Runs every tick but goes to the database only
        every ``claim_every_seconds`` (at most half the shortest interval), or at the next tick
        when the last pass left due sources (its room full, their hosts busy). A node holds at
        most ``claim_at_most`` sources, claimed and not yet stored: one that falls behind
        leaves due sources to the others instead of hoarding them."""
        daemon = self.app.config.daemon
        room = daemon.claim_at_most - len(self._running)
        started = time.monotonic()
        if self.app.stopping.is_set() or room <= 0 or started < self._claim_next:
            return
        enabled = self._enabled  # a reload while claiming replaces it
        if self._spacing is None or self._spacing[0] is not enabled:
            self._spacing = (enabled, claim_spacing(daemon.claim_every_seconds, enabled.values()))
        spacing = self._spacing[1]
        ahead = timedelta(seconds=spacing + claim_tick(daemon.claim_every_seconds))
        # Beside the writer: a pass queued behind a store batch would claim late.
        claims, left = await self._beside_writer(self.coordination.claim, enabled, room, ahead)
        self._claim_next = started + (0 if left else spacing - claim_tick(spacing) / 2)
        claimed = time.monotonic()  # the claims' waits count from here
        by_slot: dict[tuple[str, float], list[Claim]] = {}
        for claim in claims:
            self._running.setdefault(claim.name, claimed)  # counted from now, not from its slot
            at = math.ceil(max(0.0, claim.wait) / SLOT_STEP) * SLOT_STEP
            by_slot.setdefault((claim.host, at), []).append(claim)
        loop = asyncio.get_running_loop()
        for (_, at), held in by_slot.items():
            sources = [enabled[c.name] for c in held]
            crawl = self._crawl_claimed(sources, {c.name: c for c in held}, at, claimed)
            task = loop.create_task(crawl)
            self._tasks.add(task)  # awaited at shutdown
            task.add_done_callback(self._tasks.discard)

    async def _crawl_claimed(
        self,
        sources: list[SourceConfig],
        claims: dict[str, Claim],
        wait: float,
        claimed: float,
    ) -> None:
        """Crawl ``sources`` ``wait`` seconds after their claiming pass (monotonic ``claimed``).
        Claims still waiting at shutdown are not crawled: the node hands back all it holds as
        it leaves (:meth:`Coordination.stop`)."""
        if wait > 0:
            try:
                await asyncio.wait_for(self._stopping.wait(), claimed + wait - time.monotonic())
            except TimeoutError:
                pass
            else:
                for name in claims:
                    if self._running.get(name) == claimed:
                        del self._running[name]
                return
        started = time.monotonic()
        if not await self._crawl(sources, claims):
            return
        took = time.monotonic() - started
        for src in sources:
            interval = src.interval
            if interval is not None and took > interval.total_seconds():
                self._overrun(src.name, "it runs again at the next slot of its schedule")
            else:
                self._overran.discard(src.name)

    async def _crawl(
        self, sources: list[SourceConfig], claims: dict[str, Claim] | None = None
    ) -> bool:
        """Crawl and store ``sources``, count what came of it, and kick the sender. False when
        shutdown interrupted it."""
        started = time.monotonic()
        names = [s.name for s in sources]
        self._running.update(dict.fromkeys(names, started))
        try:
            results = await self.app.crawl(sources, claims=claims)
        except asyncio.CancelledError:
            if not self.app.stopping.is_set():
                raise
            log.info(
                "crawl of %s interrupted by shutdown; it runs again at the next start",
                ", ".join(names),
            )
            return False
        finally:
            for name in names:
                if self._running.get(name) == started:  # else a newer run of it (claimed again)
                    del self._running[name]
                self.metrics.crawl_seconds.labels(name).observe(time.monotonic() - started)
            self.memory.crawl_ended(others_running=bool(self._running))
        if self.app.stopping.is_set():
            return False
        for r in results:
            self.metrics.fetches.labels(r.source, _fetch_result(r.ok, r.not_modified)).inc()
            self.metrics.items.labels(r.source).inc(r.new)
            self.metrics.revisions.labels(r.source).inc(r.updated)
            self.metrics.alerts.labels(r.source).inc(r.alerts)
        self.health.problem("storage", self.app.store_problem)
        if all(r.ok for r in results):
            self.health.cycle_succeeded()
            self.metrics.last_success.set_to_current_time()
        if any(r.alerts or r.notice for r in results):  # due retries: the "send due alerts" job
            await self._kick_delivery()
        return True

    async def _kick_delivery(self) -> None:
        """Send what is due, in the background: a slow or failing destination never delays a
        crawl. One sender at a time; a kick while it runs makes it go round once more. A node
        whose config differs from the other nodes' sends nothing."""
        if self.coordination.refusal is not None:
            return
        if self._sender is not None and not self._sender.done():
            self._send_again = True
            return
        self._sender = asyncio.get_running_loop().create_task(self._send())
        self._sender.add_done_callback(self._sender_done)

    def _sender_done(self, task: asyncio.Task[None]) -> None:
        """Log a failed send pass once (instead of "Task exception was never retrieved") and
        report it in /healthz until the next pass succeeds."""
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self._throttled.error("sender", "sending failed: %s", _reason(exc))
        self.health.problem("sender", None if exc is None else _reason(exc))

    async def _send(self) -> None:
        self._track()
        while not self.app.stopping.is_set():
            self._send_again = False
            await self.app.deliver()
            await self._update_delivery_gauges()
            if not self._send_again:
                break

    async def _update_delivery_gauges(self, run: InThread | None = None) -> None:
        counts = await (run or self.app.in_db_thread)(delivery_counts, self.app.db)
        for status in DeliveryStatus:  # every status: a held alert is counted too
            self.metrics.deliveries.labels(status).set(counts.get(status, 0))
        self.metrics.backlog.set(backlog(counts))

    async def _heartbeat(self) -> None:
        self._track()  # shutdown waits for a lease renewal in flight instead of cancelling it
        now = time.monotonic()
        stuck = []
        for name, started in self._running.items():
            src = self._sources.get(name)  # None: removed by a reload
            interval = src.interval if src else None  # None too for a cron schedule
            limit = (interval.total_seconds() if interval else 3600) * STUCK_AFTER_INTERVALS
            if now - started > limit:
                stuck.append(name)
        if stuck:
            log.error(
                "crawl stuck for more than %d intervals: %s",
                STUCK_AFTER_INTERVALS,
                ", ".join(stuck),
            )
        self.metrics.stuck.set(len(stuck))
        self.health.beat(stuck)
        self.metrics.heartbeat.set_to_current_time()
        await self._check_database()
        sd_notify("WATCHDOG=1")
        self.memory.tidy(others_running=bool(self._running))

    async def _check_database(self) -> None:
        """Renew the lease or the node's heartbeat and claims (a write: it proves the database
        takes writes), count overdue deliveries and refresh the delivery gauges; each failure is
        a /healthz problem."""
        try:
            await self._beside_writer(self.coordination.beat)
            self.health.problem("config", self.coordination.refusal)
            due = utcnow() - OVERDUE_AFTER
            overdue = await self._beside_writer(overdue_deliveries, self.app.db, due)
            await self._update_delivery_gauges(self._beside_writer)
        except Exception as exc:
            self.health.problem("database", f"cannot write: {_reason(exc)}")
            self._throttled.error("database", "database cannot be written: %s", _reason(exc))
            return
        self.health.problem("database", None)
        self.health.problem(
            "outbox",
            f"{overdue} deliveries overdue by more than {OVERDUE_AFTER}" if overdue else None,
        )

    async def _beside_writer(self, fn: Callable[P, R], *args: P.args, **kw: P.kwargs) -> R:
        """The heartbeat's and the claiming pass's database work. Several nodes: on a thread
        (and connection) of its own, so a long store batch on the writer thread can neither
        starve the renewal of the node's claims past their lease (the others would take over
        sources this node is still crawling) nor delay a claim past its slot. Neither waits
        for a row lock (:mod:`advisorywatch.db.claims`). One node on SQLite: on the writer
        thread (another would wait for its lock)."""
        if not self.coordination.shared:
            return await self.app.in_db_thread(fn, *args, **kw)
        call = functools.partial(fn, *args, **kw)
        return await asyncio.get_running_loop().run_in_executor(self._coordinating, call)

    async def _prune(self) -> None:
        self._track()
        await prune_when_due(self.app, self.metrics)

    # -- reload -------------------------------------------------------------------------------

    def reload(self) -> None:
        """SIGHUP: apply a changed config; a config with errors is rejected, the old one stays."""
        try:
            config = load_config(self.config_path, preflight=True)
        except ConfigError as exc:
            log.error(
                "config reload rejected, still running the previous config: %s",
                "; ".join(exc.problems),
            )
            return
        if config.database.url != self.app.config.database.url:
            log.error("config reload rejected: database.url changed; restart to use a new database")
            return
        old = {s.name: s for s in self.app.enabled_sources()}
        if self.app.crawler.reconfigure(config.crawler):
            log.info("crawler settings changed: the next runs start a new crawl")
        storms = storm_settings(self.app.config.notifier)
        self.app.apply(config)
        self._sources = {s.name: s for s in config.sources}
        new = self._enabled = {s.name: s for s in self.app.enabled_sources()}
        asyncio.get_running_loop().create_task(
            self.app.in_db_thread(sync_sources, self.app.db, config.sources)
        )
        asyncio.get_running_loop().create_task(
            self.app.in_db_thread(self.coordination.reconfigure, config)
        )
        if storm_settings(config.notifier) != storms:
            asyncio.get_running_loop().create_task(self._apply_storm_settings())
        if not self.coordination.shared:  # else the claiming job reads the new sources
            self._reschedule(old, new)
        log.info(
            "config reloaded: %d sources (%d added, %d removed), %d rules",
            len(new),
            len(new.keys() - old.keys()),
            len(old.keys() - new.keys()),
            len(config.rules),
        )

    def _reschedule(self, old: dict[str, SourceConfig], new: dict[str, SourceConfig]) -> None:
        assert self.scheduler is not None
        for name in old.keys() - new.keys():
            self.scheduler.remove_job(_job_id(name))
        for name, src in new.items():
            if name not in old:
                self._add_source_job(self.scheduler, src)
            elif src != old[name]:
                self.scheduler.reschedule_job(_job_id(name), trigger=source_trigger(src))

    async def _apply_storm_settings(self) -> None:
        """Open storms follow the reloaded storm settings; what they release is sent now."""
        self._track()
        if await self.app.in_db_thread(self.app.apply_storm_settings):
            await self._kick_delivery()

    # -- lifecycle ----------------------------------------------------------------------------

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        loop.add_signal_handler(signal.SIGHUP, self.reload)
        http = self._start_http()
        self.scheduler = self.build_scheduler(loop)
        self.scheduler.start()
        cfg = self.app.config
        log.info(
            "advisorywatch %s running: %d sources, %d rules, channels %s, database %s",
            __version__,
            len(self.app.enabled_sources()),
            len(cfg.rules),
            ", ".join(self.app.channels.names()),
            redact(cfg.database.url),
        )
        sd_notify("READY=1")
        await stop.wait()
        self._stopping.set()
        sd_notify("STOPPING=1")
        log.info("stopping: finishing in-flight work (pending alerts stay queued)")
        self.scheduler.pause()  # no new runs; the executor would cancel running ones on shutdown
        try:
            await asyncio.wait_for(self._finish_running_jobs(), STOP_GRACE_SECONDS)
        except TimeoutError:
            # Scrapy waits for in-flight downloads; a hanging server must not hold us up.
            running = [t for t in self._tasks if t is not asyncio.current_task()]
            for task in running:
                task.cancel()
            if running:
                await asyncio.wait(running, timeout=STOP_GRACE_SECONDS)
        self.scheduler.shutdown(wait=False)
        await self.app.close()
        self._coordinating.shutdown(wait=True)
        if http is not None:
            http.stop()
        self.coordination.stop()
        log.info("stopped")

    async def _finish_running_jobs(self) -> None:
        await self.app.stop()
        running = [t for t in self._tasks if t is not asyncio.current_task()]
        if running:
            await asyncio.wait(running)

    def _start_http(self) -> HttpEndpoint | None:
        cfg = self.app.config.daemon.http
        if not cfg.enabled:
            return None
        http = HttpEndpoint(cfg.host, cfg.port, self.health, self.metrics)
        http.start()
        log.info("serving /healthz and /metrics on http://%s:%d", cfg.host, http.port)
        return http


def _reason(exc: BaseException) -> str:
    """One line for /healthz and the log: the exception's first line, secrets masked."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return redact(f"{type(exc).__name__}: {lines[0] if lines else ''}")[:300]


def _every(
    scheduler: AsyncIOScheduler,
    job: Callable[[], Awaitable[None]],
    seconds: float,
    name: str,
    now: bool = True,
) -> None:
    """A periodic job, first run at once unless ``now`` is false. Shutdown cancels a run that
    outlasts its grace period: one INFO line, not the scheduler's traceback."""

    async def run() -> None:
        try:
            await job()
        except asyncio.CancelledError:
            log.info("%s: interrupted by shutdown", name)

    first = {"next_run_time": datetime.now(UTC)} if now else {}
    scheduler.add_job(run, "interval", seconds=seconds, id=name, name=name, **first)


def claim_tick(claim_every: float) -> float:
    """How often the claiming job wakes (it goes to the database less often)."""
    return min(1.0, claim_every)


def claim_spacing(claim_every: float, sources: Iterable[SourceConfig]) -> float:
    """Seconds between claiming passes: ``claim_every_seconds``, or half the shortest interval
    when that is shorter (a source fetched between passes is due again before the next)."""
    halves = [s.interval.total_seconds() / 2 for s in sources if s.interval is not None]
    return max(0.1, min([claim_every, *halves]))


def _fetch_result(ok: bool, not_modified: bool) -> str:
    return "failed" if not ok else ("not_modified" if not_modified else "ok")


def run_daemon(config: Config, config_path: Path) -> int:
    from advisorywatch.runtime.boot import boot
    from advisorywatch.runtime.instance_lock import LeaseHeld

    app = boot(config, long_lived=True)
    daemon = Daemon(app, config_path)
    try:
        daemon.coordination.start()
    except LeaseHeld as exc:
        log.error("%s", exc)
        return 1
    reactor.run(daemon.serve)
    return 0
