"""The storm brake under new settings: a reload (SIGHUP) applies storm_max, storm_window and
storm_exempt to the open storms, releasing what they no longer hold, one message per item."""

from __future__ import annotations

import signal
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from advisorywatch.db.models import Alert, Delivery, Item, Notice, Source
from advisorywatch.db.session import Database
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import ChannelConfig, NotifierConfig
from advisorywatch.notifier.route.context import Routing
from advisorywatch.notifier.route.router import Raised, plan_deliveries
from advisorywatch.notifier.route.storm import apply_storm_settings

from conftest import FeedServer, Project, ScriptedSink, rss, wait_for

NOW = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
CHAT = {"chat": ChannelConfig(urls=["json://127.0.0.1:9/a", "json://127.0.0.1:9/b"])}
HELD = NotifierConfig(storm_max=1, storm_exempt=[])
MakeSink = Callable[[], ScriptedSink]


def _storm(db: Database, items: list[list[str]]) -> None:
    """Route one item per entry (its alerts' severities) for ``chat`` with storm_max 1 and
    nothing exempt: the first item is sent, the others held in one storm."""
    with db.session() as s:
        src = Source(name="wire", type="feed", url="https://wire.example/", consecutive_failures=0)
        s.add(src)
        s.flush()
        routing = Routing(s, Channels(CHAT, HELD))
        for n, severities in enumerate(items):
            item = Item(source_id=src.id, identity=f"{n}", title=f"item {n}", content_hash=f"{n}")
            s.add(item)
            s.flush()
            alerts = [
                Alert(item_id=item.id, rule=f"r{i}", severity=sev, created_at=NOW, matched=[])
                for i, sev in enumerate(severities)
            ]
            s.add_all(alerts)
            s.flush()
            plan_deliveries(routing, item, [Raised(a, ["chat"]) for a in alerts], NOW)


def _rows(db: Database) -> list[tuple[str, str, str, bool, bool]]:
    """Item, rule, status, held in a summary, and part of another row's message, for the
    first destination."""
    with db.session() as s:
        first = Channels(CHAT).destinations("chat")[0].key
        rows = s.execute(
            select(Item.title, Alert.rule, Delivery.status, Delivery.summary_id, Delivery.part_of)
            .join(Alert, Delivery.alert_id == Alert.id)
            .join(Item, Alert.item_id == Item.id)
            .where(Delivery.destination == first)
            .order_by(Delivery.id)
        )
        return [
            (t, r, st, summary is not None, lead is not None) for t, r, st, summary, lead in rows
        ]


CASES = [
    # name, new settings, the statuses of item 1's two alerts and item 2's one, storm closed
    ("unchanged", HELD, ["batched", "batched", "batched"], False),
    # Room for one more message: the oldest held item goes, as one message led by its
    # critical alert.
    (
        "storm_max 2",
        NotifierConfig(storm_max=2, storm_exempt=[]),
        ["merged", "pending", "batched"],
        False,
    ),
    (
        "storm_max 5",
        NotifierConfig(storm_max=5, storm_exempt=[]),
        ["merged", "pending", "pending"],
        True,
    ),
    # Item 1's critical alert leaves; its warning stays in the storm with item 2's.
    ("critical exempt", NotifierConfig(storm_max=1), ["batched", "pending", "batched"], False),
]


@pytest.mark.parametrize(
    ("settings", "statuses", "closed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_reload_applies_storm_settings_to_an_open_storm(
    db: Database, settings: NotifierConfig, statuses: list[str], closed: bool
) -> None:
    _storm(db, [["warning"], ["warning", "critical"], ["info"]])
    assert [st for _, _, st, _, _ in _rows(db)[1:]] == ["batched"] * 3
    later = NOW + timedelta(minutes=1)
    with db.session() as s:
        released = apply_storm_settings(s, Channels(CHAT, settings), later)
    rows = _rows(db)
    assert rows[0] == ("item 0", "r0", "pending", False, False)
    assert [st for _, _, st, _, _ in rows[1:]] == statuses
    assert released == 2 * sum(st != "batched" for st in statuses)  # two destinations each
    # Released rows leave the summary; merged ones name the row whose message carries them.
    for _, _, st, in_summary, merged in rows[1:]:
        assert in_summary == (st == "batched") and merged == (st == "merged")
    with db.session() as s:
        [storm] = s.scalars(select(Notice)).all()
        assert (storm.closed_at is not None) == closed
        assert storm.due_at == storm.created_at + settings.storm_window


def test_sighup_releases_an_open_storm(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    chat = make_sink()
    items = [{"guid": f"g{i}", "title": f"Air strike number {i}"} for i in range(4)]
    feed = feeds.put("/feed.xml", rss(items))

    def write(storm_max: int) -> None:
        project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: wire, type: feed, url: "{feed}", every: 1h}}
rules:
  - {{name: strike, keywords: ["air strike"], severity: warning, notify: [chat]}}
channels:
  chat: {{urls: ["{chat.apprise_url}"]}}
notifier: {{storm_max: {storm_max}, storm_window: 1h}}
daemon: {{heartbeat_seconds: 0.5}}
""")

    write(1)
    proc = project.popen("run")
    try:
        wait_for(lambda: len(chat.received) == 1, 30, "the first alert")
        wait_for(
            lambda: (
                project.sql("SELECT count(*) FROM deliveries WHERE status = 'batched'") == [(3,)]
            ),
            30,
            "three alerts held",
        )
        write(10)
        proc.send_signal(signal.SIGHUP)
        wait_for(lambda: len(chat.received) == 4, 30, "the held alerts released")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert sorted(chat.titles()) == [
        f"[WARNING] strike: Air strike number {i} · wire" for i in range(4)
    ]
    assert "storm summary 1 on chat: 3 held alert(s) released under the new settings" in err
    assert project.sql("SELECT closed_at IS NOT NULL FROM notices") == [(1,)]
