"""Sending one message to one Apprise destination."""

from __future__ import annotations

from dataclasses import dataclass

import apprise

from advisorywatch.notifier import console  # noqa: F401  (registers console://)
from advisorywatch.notifier.message import Message
from advisorywatch.redaction import redact


@dataclass(frozen=True, slots=True)
class SendResult:
    ok: bool
    error: str | None = None
    permanent: bool = False


def send(url: str, message: Message, timeout: float) -> SendResult:
    ap = apprise.Apprise()
    if not ap.add(url):
        return SendResult(False, "not a valid Apprise URL (or its plugin is missing)", True)
    try:
        result = ap.notify(body=message.body, title=message.title, timeout=timeout)
    except Exception as exc:  # a plugin bug must not kill the sender
        return SendResult(False, redact(f"{type(exc).__name__}: {exc}"))
    if result:
        return SendResult(True)
    return SendResult(False, _error_text(result))


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
