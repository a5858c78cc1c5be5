"""At most one log line per minute per kind of failure: a full disk or a database that is
down fails every write, and one line a minute says as much as thousands."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

EVERY_SECONDS = 60.0


class Throttled:
    """``error(key, msg, *args)`` logs at most once per ``every`` seconds per ``key``, and says
    how many were left out since."""

    def __init__(
        self,
        logger: logging.Logger,
        every: float = EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log, self._every, self._clock = logger, every, clock
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._skipped: dict[str, int] = {}

    def error(self, key: str, message: str, *args: object) -> None:
        now = self._clock()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self._every:
                self._skipped[key] = self._skipped.get(key, 0) + 1
                return
            self._last[key] = now
            skipped = self._skipped.pop(key, 0)
        if skipped:
            message += f" ({skipped} more like this in the last {self._every:g} s)"
        self._log.error(message, *args)
