"""Twisted's asyncio reactor, installed before anything imports ``twisted.internet.reactor``.

Scrapy and APScheduler then share one asyncio loop in one process. The reactor cannot be
restarted, so each process starts it once (:func:`run`) and repeats crawls inside it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
T = TypeVar("T")


def install() -> asyncio.AbstractEventLoop:
    """Install the asyncio reactor (once) and return the loop it drives."""
    from scrapy.utils.reactor import install_reactor, is_reactor_installed

    if not is_reactor_installed():
        install_reactor(ASYNCIO_REACTOR)
    loop: asyncio.AbstractEventLoop = _reactor()._asyncioEventloop
    return loop


def _reactor() -> Any:
    from twisted.internet import reactor

    return reactor


def run(main: Callable[[], Awaitable[T]]) -> T:
    """Start the reactor, run ``main()`` on its loop, stop the reactor, return the result."""
    loop = install()
    reactor = _reactor()
    box: dict[str, Any] = {}

    async def wrapper() -> None:
        try:
            box["result"] = await main()
        except BaseException as exc:
            box["error"] = exc
        finally:
            reactor.stop()

    reactor.callWhenRunning(lambda: loop.create_task(wrapper()))
    reactor.run(installSignalHandlers=False)
    if "error" in box:
        raise box["error"]
    result: T = box["result"]
    return result
