"""One message per item and channel, as tables: which of an item's alerts carries the message
(pure), and what an item's alerts get on real SQLite when a silence, a digest or a storm
decides for some of them."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from advisorywatch.db.models import Alert, Delivery, Item, Silence, Source
from advisorywatch.db.session import Database
from advisorywatch.model import DeliveryStatus
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import ChannelConfig, DigestConfig, NotifierConfig
from advisorywatch.notifier.route.context import Routing
from advisorywatch.notifier.route.grouping import one_message
from advisorywatch.notifier.route.router import Raised, plan_deliveries

P, B, M = DeliveryStatus.PENDING, DeliveryStatus.BATCHED, DeliveryStatus.MERGED
S, A = DeliveryStatus.SILENCED, DeliveryStatus.ATTACHED
NOW = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)

ONE_MESSAGE = [
    # name, (severity, routing's decision) per alert, the lead, the statuses once merged
    ("one alert", [("info", P)], 0, [P]),
    ("most severe leads", [("warning", P), ("critical", P), ("info", P)], 1, [M, P, M]),
    ("first of equals leads", [("critical", P), ("critical", P)], 0, [P, M]),
    ("batched rides along", [("critical", P), ("info", B)], 0, [P, M]),
    ("silenced and attached stay", [("info", S), ("warning", P), ("critical", A)], 1, [S, P, A]),
    ("nothing pending: all stay", [("info", B), ("critical", S)], None, [B, S]),
    ("no parts", [], None, []),
]


@pytest.mark.parametrize(
    ("parts", "lead", "statuses"), [c[1:] for c in ONE_MESSAGE], ids=[c[0] for c in ONE_MESSAGE]
)
def test_one_message(
    parts: list[tuple[str, DeliveryStatus]], lead: int | None, statuses: list[DeliveryStatus]
) -> None:
    assert one_message(parts) == (lead, statuses)


CHANNELS = {
    "ops": ChannelConfig(urls=["json://127.0.0.1:9/ops"], min_severity="critical"),
    "chat": ChannelConfig(urls=["json://127.0.0.1:9/a", "json://127.0.0.1:9/b"]),
    "daily": ChannelConfig(urls=["json://127.0.0.1:9/d"], digest=DigestConfig(below="critical")),
}
# An item on which three rules fire: strike (critical), closure (warning), calm (info).
RULES = {"strike": "critical", "closure": "warning", "calm": "info"}

ROUTED = [
    # name, silenced rules, storm under way, {channel: {rule: status}}
    (
        "one message per channel",
        (),
        False,
        {
            "ops": {"strike": "pending"},
            "chat": {"strike": "pending", "closure": "merged", "calm": "merged"},
            "daily": {"strike": "pending", "closure": "merged", "calm": "merged"},
        },
    ),
    (
        "a silence on the lead's rule leaves the others' message",
        ("strike",),
        False,
        {
            "ops": {"strike": "silenced"},
            "chat": {"strike": "silenced", "closure": "pending", "calm": "merged"},
            "daily": {"strike": "silenced", "closure": "batched", "calm": "batched"},
        },
    ),
    (
        "the critical alert leads through a storm, the others ride in it",
        (),
        True,
        {
            "ops": {"strike": "pending"},
            "chat": {"strike": "pending", "closure": "merged", "calm": "merged"},
            "daily": {"strike": "pending", "closure": "merged", "calm": "merged"},
        },
    ),
    (
        "in a storm without the critical rule, all are held",
        ("strike",),
        True,
        {
            "ops": {"strike": "silenced"},
            "chat": {"strike": "silenced", "closure": "batched", "calm": "batched"},
            "daily": {"strike": "silenced", "closure": "batched", "calm": "batched"},
        },
    ),
]


@pytest.mark.parametrize(
    ("silenced", "storm", "expected"), [c[1:] for c in ROUTED], ids=[c[0] for c in ROUTED]
)
def test_an_items_alerts_are_one_message_per_channel(
    db: Database,
    silenced: tuple[str, ...],
    storm: bool,
    expected: dict[str, dict[str, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="advisorywatch.notifier.route.router")
    channels = Channels(CHANNELS, NotifierConfig(storm_max=1, incident_window=timedelta()))
    with db.session() as s:
        src = Source(name="wire", type="feed", url="https://wire.example/", consecutive_failures=0)
        s.add(src)
        s.flush()
        for rule in silenced:
            s.add(Silence(rule=rule, created_at=NOW, expires_at=NOW + timedelta(hours=1)))
        routing = Routing(s, channels)
        if storm:
            _route(routing, src, "earlier", {"calm": "info"}, ["chat", "daily"])
        item = _route(routing, src, "now", RULES, ["ops", "chat", "daily"])
        rows = s.execute(
            select(Delivery.channel, Alert.rule, Delivery.status, Delivery.part_of, Delivery.id)
            .join(Alert)
            .where(Alert.item_id == item.id)
        ).all()
    got: dict[str, dict[str, set[str]]] = {}
    for channel, rule, status, _, _ in rows:
        got.setdefault(channel, {}).setdefault(rule, set()).add(status)
    assert got == {c: {r: {st} for r, st in by_rule.items()} for c, by_rule in expected.items()}
    # A merged row names its own destination's lead row.
    lead = {i: c for c, _, st, _, i in rows if st == "pending"}
    assert all(lead[p] == c for c, _, st, p, _ in rows if st == "merged")
    # Each held alert is logged once, naming every channel that holds it.
    held = [r.getMessage() for r in caplog.records if "on 'now' from wire not sent" in r.message]
    holding = {rule for _, rule, st, _, _ in rows if st in ("silenced", "batched")}
    assert len(held) == len(holding)


def _route(
    routing: Routing, src: Source, title: str, rules: dict[str, str], notify: list[str]
) -> Item:
    s = routing.session
    item = Item(source_id=src.id, identity=title, title=title, content_hash=title)
    s.add(item)
    s.flush()
    alerts = [
        Alert(item_id=item.id, rule=rule, severity=sev, created_at=NOW, matched=[])
        for rule, sev in rules.items()
    ]
    s.add_all(alerts)
    s.flush()
    plan_deliveries(routing, item, [Raised(a, notify) for a in alerts], NOW)
    return item
