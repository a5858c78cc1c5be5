"""Notices, the messages that are not one alert (a source's health, a fallback warning, a
storm summary or a digest): the one place that creates them and queues them for sending."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from advisorywatch.db.models import OPEN_SUMMARY, Notice
from advisorywatch.db.upsert import insert
from advisorywatch.model import NoticeKind
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.deliveries import add_deliveries


def new_notice(
    s: Session,
    kind: NoticeKind,
    channel: str,
    now: datetime,
    *,
    title: str = "",
    body: str = "",
    key: str | None = None,
    notify_type: str = "info",
) -> Notice:
    """Add (and flush, for its id) a complete notice for ``channel`` (a summary, open until
    due, is :func:`open_summary_once`'s). ``notify_type`` is Apprise's (info, success,
    warning, failure)."""
    notice = Notice(**_columns(kind, channel, now, title, body, key, None, notify_type))
    s.add(notice)
    s.flush()
    return notice


def new_notice_once(
    s: Session,
    kind: NoticeKind,
    channel: str,
    now: datetime,
    key: str,
    *,
    title: str,
    body: str,
    notify_type: str,
) -> Notice | None:
    """Add a complete notice unless one with ``key`` exists (a unique key: several nodes may
    raise it at once, and the insert that loses does nothing). None: it existed."""
    added = s.scalar(
        insert(s, Notice)
        .values(**_columns(kind, channel, now, title, body, key, None, notify_type))
        .on_conflict_do_nothing()
        .returning(Notice.id)
    )
    return None if added is None else s.get_one(Notice, added)


def open_summary_once(
    s: Session, kind: NoticeKind, channel: str, now: datetime, due: datetime
) -> Notice | None:
    """Open the channel's summary of this kind, to be sent at ``due``, unless one is open
    already (a unique index: one open summary per kind and channel). On PostgreSQL an insert
    racing another node's waits for it to commit, then does nothing. None: one was open."""
    added = s.scalar(
        insert(s, Notice)
        .values(**_columns(kind, channel, now, "", "", None, due, "info"))
        .on_conflict_do_nothing(
            index_elements=[Notice.kind, Notice.channel], index_where=text(OPEN_SUMMARY)
        )
        .returning(Notice.id)
    )
    return None if added is None else s.get_one(Notice, added)


def _columns(
    kind: NoticeKind,
    channel: str,
    now: datetime,
    title: str,
    body: str,
    key: str | None,
    due: datetime | None,
    notify_type: str,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "channel": channel,
        "key": key,
        "title": title,
        "body": body,
        "notify_type": notify_type,
        "created_at": now,
        "due_at": due,
        "closed_at": None if due is not None else now,
    }


def queue_deliveries(s: Session, notice: Notice, channels: Channels, now: datetime) -> None:
    """One pending delivery of ``notice`` per destination of its channel."""
    add_deliveries(s, channels, notice.channel, now, notice_id=notice.id)
