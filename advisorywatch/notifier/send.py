"""Sending one message to one Apprise destination, and classifying a failure.

A failure is *permanent* when retrying cannot help: the URL is not a valid Apprise URL, or
the service answered 400, 401, 403, 404 or 410 (bad request, wrong credentials, webhook
deleted). Anything else (5xx, 429, timeouts, refused connections) is *transient*. A 429 or
503 with ``Retry-After`` carries the server's own wait, which the outbox honours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from advisorywatch.notifier.message import Message
from advisorywatch.notifier.plugins import instantiate
from advisorywatch.redaction import redact

if TYPE_CHECKING:
    from advisorywatch.notifier.httpcapture import HttpAnswer

PERMANENT_STATUSES = frozenset({400, 401, 403, 404, 410})
# Apprise plugins log e.g. "Failed to send JSON POST notification: Not Found, error=404."
_LOGGED_STATUS = re.compile(r"error=(\d{3})\b")


@dataclass(frozen=True, slots=True)
class SendResult:
    ok: bool
    error: str | None = None
    permanent: bool = False
    status: int | None = None  # the HTTP status, when the destination speaks HTTP
    retry_after: float | None = None  # seconds the server asked us to wait


def send(url: str, message: Message, timeout: float) -> SendResult:
    plugin = instantiate(url)
    if plugin is None:
        return SendResult(False, "not a valid Apprise URL (or its plugin is missing)", True)
    import apprise  # loaded by instantiate()

    from advisorywatch.notifier.httpcapture import capture  # imports requests

    ap = apprise.Apprise()
    ap.add(plugin)
    with capture() as answers:
        try:
            result = ap.notify(
                body=message.body,
                title=message.title,
                body_format=apprise.NotifyFormat(message.format),
                notify_type=apprise.NotifyType(message.type),
                timeout=timeout,
            )
        except Exception as exc:  # a plugin bug must not kill the sender
            return SendResult(False, redact(f"{type(exc).__name__}: {exc}"))
    if result:
        return SendResult(True)
    return classify(_error_text(result), answers)


def classify(error: str, answers: list[HttpAnswer]) -> SendResult:
    """Permanent or transient, from the last HTTP answer (else the status Apprise logged)."""
    failed = [a for a in answers if not 200 <= a.status < 300]
    status: int | None
    if failed:
        status, retry_after = failed[-1].status, failed[-1].retry_after
    else:
        logged = _LOGGED_STATUS.findall(error)
        status, retry_after = (int(logged[-1]) if logged else None), None
    permanent = status in PERMANENT_STATUSES
    if status is not None and f"{status}" not in error:
        error = f"HTTP {status}: {error}"
    return SendResult(False, error, permanent, status, retry_after)


def _error_text(result: object) -> str:
    messages: list[str] = []
    logs = getattr(result, "logs", None)
    if callable(logs):
        for entry in logs():
            text = str(getattr(entry, "message", entry))
            if text and text not in messages:
                messages.append(text)
    text = "; ".join(messages[-3:]) or f"notification failed ({getattr(result, 'status', '?')})"
    return redact(text)[:500]
