"""The process's memory policy: the C allocator's arenas, the garbage collector's thresholds,
and what happens when a burst of crawls ends.

The C allocator (glibc only; elsewhere these functions do nothing).

glibc gives each thread that allocates its own heap ("arena", up to eight per core), and
keeps what is freed in them for reuse instead of returning it to the system. The daemon
allocates from the event loop, the database thread and the parsing threads; after a burst
(a cold pass at 1000 sources stores 20,000 items) RSS stays at the burst's level although
the memory is free: the daemon shares two arenas among all threads and trims them after
crawls (bench/README.md, "Daemon memory at 1000 sources, investigated").

The garbage collector. A pass creates hundreds of thousands of short-lived objects (requests,
responses, futures, rows) that die by reference counting, not in cycles; collecting the
youngest generation every 700 net allocations (Python's default) found almost nothing and cost
a noticeable share of a warm pass (bench/README.md, "Garbage collection").
"""

from __future__ import annotations

import ctypes
import functools
import gc
import logging
import os
import sys
import time

log = logging.getLogger(__name__)
M_ARENA_MAX = -8  # mallopt parameter, from glibc's malloc.h
ARENAS = 2  # glibc heaps shared by all the daemon's threads
GC_THRESHOLDS = (20_000, 20, 20)
RELEASE_EVERY_SECONDS = 10  # at most this often after a crawl; the heartbeat does the rest
MB = 1024 * 1024


@functools.cache
def glibc() -> ctypes.CDLL | None:
    """The C library, if it is glibc (the functions below need its ``malloc_trim``)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim  # noqa: B018  (absent from musl and other C libraries)
        libc.mallopt  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def limit_arenas(count: int) -> bool:
    """Let all threads share ``count`` arenas: threads that allocate in turn (as the GIL makes
    them) then reuse each other's free memory. Call before starting threads. An operator's
    ``MALLOC_ARENA_MAX`` wins. True if the limit was set."""
    libc = glibc()
    if libc is None or "MALLOC_ARENA_MAX" in os.environ:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, count))


def rss_bytes() -> int | None:
    """This process's resident memory, where /proc tells it."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def release_free_memory() -> bool:
    """Return the free memory in glibc's arenas to the system (``malloc_trim``: a few ms).
    True if it ran."""
    libc = glibc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


def for_bursts() -> None:
    """Set the garbage collector's thresholds for a process that works in bursts; call once
    at start. What waits for a collection is at most ``GC_THRESHOLDS[0]`` objects."""
    gc.set_threshold(*GC_THRESHOLDS)


class AfterCrawls:
    """What the daemon does with its memory when the last running crawl has ended (after each
    pass, or each run of a source that runs alone): the first time, settle the garbage
    collector; each time, return what the crawls allocated and freed to the system instead of
    leaving it in the allocator (bench/README.md has how much)."""

    def __init__(self) -> None:
        self._crawled = False  # a crawl ended since memory was last released
        self._released_at = 0.0
        self._settled = False

    def crawl_ended(self, others_running: bool) -> None:
        """A crawl ended; tidy up now unless that was done in the last few seconds (the
        heartbeat calls :meth:`tidy` for the rest)."""
        self._crawled = True
        if time.monotonic() - self._released_at >= RELEASE_EVERY_SECONDS:
            self.tidy(others_running)

    def tidy(self, others_running: bool) -> None:
        if not self._crawled or others_running:
            return
        self._crawled = False
        if not self._settled:
            self._settle()
        self._released_at = time.monotonic()
        before = rss_bytes()
        if release_free_memory() and before is not None:
            after = rss_bytes() or before
            log.debug(
                "crawls done: %.1f MB of freed memory returned to the system, RSS %.0f MB",
                (before - after) / MB,
                after / MB,
            )

    def _settle(self) -> None:
        """Once, when the first crawls are done: what they loaded on first use (feedparser, the
        matcher, Apprise's plugins) lives as long as the daemon. Collect the garbage once, then
        keep the collector's full passes from walking what is left again and again."""
        self._settled = True
        gc.collect()
        gc.freeze()
