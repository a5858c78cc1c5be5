"""Notices: a summary stays open until due, any other notice is complete when created; queued,
a notice gets one pending delivery per destination of its channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from advisorywatch.db.models import Delivery, Notice
from advisorywatch.db.session import Database
from advisorywatch.model import DeliveryStatus, NoticeKind
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import ChannelConfig
from advisorywatch.notifier.notices import new_notice, open_summary_once, queue_deliveries

NOW = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)


def test_notices_and_their_deliveries(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'state.db'}")
    db.upgrade()
    urls = ["json://127.0.0.1:9/a", "json://127.0.0.1:9/b"]
    channels = Channels({"ops": ChannelConfig(urls=urls)})
    with db.session() as s:
        due = NOW + timedelta(minutes=10)
        assert open_summary_once(s, NoticeKind.STORM, "ops", NOW, due) is not None
        assert open_summary_once(s, NoticeKind.STORM, "ops", NOW, due) is None  # one is open
        health = new_notice(
            s, NoticeKind.HEALTH, "ops", NOW, title="[SOURCE DOWN] x", body="b", key="health:x"
        )
        queue_deliveries(s, health, channels, NOW)
    with db.session() as s:
        notices = s.execute(select(Notice.kind, Notice.key, Notice.closed_at).order_by(Notice.id))
        assert [tuple(n) for n in notices] == [("storm", None, None), ("health", "health:x", NOW)]
        rows = s.execute(select(Delivery.notice_id, Delivery.destination, Delivery.status)).all()
    assert sorted(tuple(r) for r in rows) == sorted(
        (health.id, d.key, DeliveryStatus.PENDING) for d in channels.destinations("ops")
    )
    db.dispose()
