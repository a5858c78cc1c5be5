"""Plain-text rendering of an alert for chat and email."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from advisorywatch.db.models import Alert

LATE_AFTER = timedelta(minutes=5)
MAX_BODY = 3500


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str


def _when(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M UTC") if dt else "unknown"


def render(alert: Alert, now: datetime) -> Message:
    item = alert.item
    title = f"[{alert.severity.upper()}] {alert.rule}: {item.title or '(untitled)'}"
    title = " ".join(title.split())[:250]
    lines: list[str] = []
    seen: set[str] = set()
    for hit in alert.matched:
        if hit["snippet"] in seen:
            continue
        seen.add(hit["snippet"])
        lines.append(f"> {hit['snippet']}")
    terms = sorted(
        {
            f"{h['text']} ({h['concept'] or 'keyword'}, {h['language'] or '-'})"
            for h in alert.matched
        }
    )
    lines += [
        "",
        f"Matched: {', '.join(terms)}",
        f"Source: {item.source.name}",
        f"Link: {item.url or '-'}",
        f"Published: {_when(item.published)} · first seen: {_when(item.first_seen)}",
    ]
    delay = now - alert.created_at
    if delay > LATE_AFTER:
        lines.append(f"(delivered late: {int(delay.total_seconds() // 60)} min after detection)")
    body = "\n".join(lines)
    if len(body) > MAX_BODY:
        body = body[: MAX_BODY - 1] + "…"
    return Message(title, body)
