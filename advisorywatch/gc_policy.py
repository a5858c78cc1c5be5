"""The garbage collector's settings for a process that works in bursts: a pass creates
hundreds of thousands of short-lived objects (requests, responses, futures, rows).

By default Python collects the youngest generation every 700 net allocations, and the older
ones every tenth time. A warm daemon pass at 1000 sources ran about 250 such collections
(~0.3 s of a ~2 s pass) and found almost nothing: these objects die by reference counting,
not in cycles. Collecting every 20,000 net allocations took that to ~40 ms; what waits for a
collection is at most that many objects (bench/README.md, "Garbage collection").
"""

from __future__ import annotations

import gc

THRESHOLDS = (20_000, 20, 20)


def for_bursts() -> None:
    """Set the collection thresholds; call once at start."""
    gc.set_threshold(*THRESHOLDS)
