"""The daemon's allocator settings: glibc arenas shared by all threads, and freed memory
returned to the system once crawls have ended. Each check runs in a fresh interpreter, whose
heaps no other test has touched."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from advisorywatch.runtime.memory import glibc

from conftest import FeedServer, Project, Sink, daemon_stderr, one_feed_config, rss, wait_for

glibc_only = pytest.mark.skipif(glibc() is None, reason="glibc's malloc_trim and mallopt")

FREED = """
from advisorywatch.runtime.memory import release_free_memory, rss_bytes
blocks = [b"x" * 65536 for _ in range(512)]  # 32 MB in the heap, under mmap's threshold
last = blocks.pop()  # stays allocated at the heap's top: free() alone cannot shrink the heap
del blocks
before = rss_bytes()
assert release_free_memory()
print((before - rss_bytes()) / 2**20)
"""

ARENAS = """
import ctypes, sys, tempfile, threading
from advisorywatch.runtime.memory import limit_arenas
if sys.argv[1] == "limit":
    assert limit_arenas(2)
barrier = threading.Barrier(7)
def allocate():
    block = bytearray(200_000)  # malloc in this thread, while the other threads hold theirs
    barrier.wait()
    barrier.wait()
threads = [threading.Thread(target=allocate) for _ in range(6)]
for t in threads:
    t.start()
barrier.wait()
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
with tempfile.NamedTemporaryFile("r") as out:
    stream = libc.fopen(out.name.encode(), b"w")
    libc.malloc_info(0, stream)
    libc.fclose(stream)
    print(out.read().count("<heap nr="))
barrier.wait()
"""


def _python(script: str, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@glibc_only
def test_release_free_memory_returns_freed_heap_memory_to_the_system() -> None:
    assert float(_python(FREED)) > 24  # of the 32 MB freed


@glibc_only
def test_limit_arenas_makes_threads_share_heaps() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    assert int(_python(ARENAS, "default", env=env)) >= 4  # a heap per thread, up to 8 per core
    assert int(_python(ARENAS, "limit", env=env)) == 2


@glibc_only
def test_daemon_returns_freed_memory_after_its_crawls(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    news = feeds.put("/news.xml", rss([{"guid": "n0", "title": "IHSG ditutup menguat"}]))
    project.write_config(one_feed_config(news, sink))
    with daemon_stderr(project, "--verbose", "run") as (_, lines):  # debug logging
        wait_for(
            lambda: any("MB of freed memory returned to the system" in line for line in lines),
            60,
            "the memory release after a crawl",
        )
        assert feeds.hits("/news.xml") >= 1
    assert not any("Traceback" in line for line in lines)
