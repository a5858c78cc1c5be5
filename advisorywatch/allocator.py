"""The C allocator's side of the daemon's memory (glibc only; elsewhere these do nothing).

glibc gives each thread that allocates its own heap ("arena", up to eight per core), and
keeps what is freed in them for reuse instead of returning it to the system. The daemon
allocates from the event loop, the database thread and the parsing threads; after a burst
(a cold pass at 1000 sources stores 20,000 items) RSS stays at the burst's level although
the memory is free. bench/README.md ("Daemon memory at 1000 sources, investigated") has the
measurements: two arenas and a trim after each pass keep RSS 13-25 MB lower.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys

M_ARENA_MAX = -8  # mallopt parameter, from glibc's malloc.h


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
