"""Scrapy's HTTP/1.1 download handler, imported without the cost of its deprecation shims.

Importing it defines three deprecated aliases (``scrapy/core/downloader/{tls,contextfactory}.py``)
through ``scrapy.utils.deprecate.create_deprecated_class``, which calls ``inspect.stack()`` only
to give each alias its caller's module. That reads the source lines of every frame on the
stack and, for importlib's frozen frames, looks through all of ``sys.modules``: the largest
single cost of a pass's start-up after the imports themselves. While this module imports the
handler, ``inspect.stack`` returns just the two frames such a caller reads, without source
lines.
"""

from __future__ import annotations

import inspect
import sys
from types import FrameType


def _shallow_stack(context: int = 1) -> list[inspect.FrameInfo]:
    frame: FrameType | None = sys._getframe(1)
    frames: list[inspect.FrameInfo] = []
    while frame is not None and len(frames) < 2:
        info = inspect.getframeinfo(frame, 0)
        frames.append(inspect.FrameInfo(frame, *info, positions=info.positions))
        frame = frame.f_back
    return frames


_stack = inspect.stack
inspect.stack = _shallow_stack
try:
    from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
finally:
    inspect.stack = _stack

__all__ = ["HTTP11DownloadHandler"]
