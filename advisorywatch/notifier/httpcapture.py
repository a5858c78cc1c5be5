"""What the destination's HTTP server answered, which Apprise does not expose.

Apprise 2 reports per destination only SUCCESS/FAILURE plus log lines: the HTTP status is
in a log message at best (``error=404``) and response headers such as ``Retry-After`` are
dropped. Most Apprise plugins talk HTTP through ``requests``, so while :func:`capture` is
active this module records the status and ``Retry-After`` of every response that
``requests.Session.send`` returns in the current context. The wrapper is installed once, only
observes (it never changes a request or response) and is scoped with a ``ContextVar``, which
Apprise copies into its worker threads, so concurrent sends do not see each other's responses.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests

from advisorywatch.retry_after import retry_after_seconds

_current: contextvars.ContextVar[list[HttpAnswer] | None] = contextvars.ContextVar(
    "advisorywatch_http_answers", default=None
)
_install_lock = threading.Lock()
_installed = False


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    status: int
    retry_after: float | None  # seconds


@contextmanager
def capture() -> Iterator[list[HttpAnswer]]:
    """Collect the HTTP answers received inside the block, in order."""
    _install()
    answers: list[HttpAnswer] = []
    token = _current.set(answers)
    try:
        yield answers
    finally:
        _current.reset(token)


def _install() -> None:
    global _installed
    with _install_lock:
        if _installed:
            return
        original = requests.Session.send

        def send(self: requests.Session, request: Any, **kwargs: Any) -> requests.Response:
            response = original(self, request, **kwargs)
            answers = _current.get()
            if answers is not None:
                retry = retry_after_seconds(response.headers.get("Retry-After"))
                answers.append(HttpAnswer(response.status_code, retry))
            return response

        requests.Session.send = send  # type: ignore[method-assign]
        _installed = True
