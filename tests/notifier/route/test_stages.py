"""The routing stages as a table, on a real SQLite database: what the database holds when an
alert is stored (silences, earlier crawls, incidents, recent alerts) and the notifier settings,
against the status of the alert's deliveries on each channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from advisorywatch.db.models import Alert, Delivery, Incident, Item, Notice, Silence, Source
from advisorywatch.db.session import Database
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import ChannelConfig, DigestConfig, NotifierConfig
from advisorywatch.notifier.route.context import Routing
from advisorywatch.notifier.route.incident_words import words
from advisorywatch.notifier.route.router import Raised, plan_deliveries

NOW = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
RULE, SOURCE = "air-strike", "wire"
REPORT = (
    "Massive air strike hits Kyiv power station overnight",
    "Russian missiles and drones struck the Kyiv power station overnight, officials said; "
    "several districts are without electricity.",
)
STORM_MAX = 3
# ops takes critical alerts only; chat has two destinations; daily digests what is below
# critical.
CHANNELS = {
    "ops": ChannelConfig(urls=["json://127.0.0.1:9/ops"], min_severity="critical"),
    "chat": ChannelConfig(urls=["json://127.0.0.1:9/chat-a", "json://127.0.0.1:9/chat-b"]),
    "daily": ChannelConfig(
        urls=["json://127.0.0.1:9/daily"], digest=DigestConfig(below="critical")
    ),
}


@dataclass(frozen=True)
class Case:
    severity: str = "warning"
    silences: tuple[dict[str, str], ...] = ()  # active for another hour
    expired_silences: tuple[dict[str, str], ...] = ()
    baseline: bool = False
    first_crawl: bool = False  # the source stored no items before this crawl
    incident_age: timedelta | None = None  # an incident of the same event, last seen then
    incident_window: timedelta = timedelta(hours=6)
    level_change: bool = False  # an advisory level change: never joins an incident
    recent: int = 0  # alerts each channel of ``storm_on`` had within the storm window
    recent_status: str = "sent"
    storm_exempt: tuple[str, ...] = ("critical",)
    storm_on: tuple[str, ...] = ("chat",)


P, B, S = "pending", "batched", "silenced"
CASES: list[tuple[str, Case, dict[str, str], list[int]]] = [
    # name, case, the status on each channel (batched: into which summary), incident sizes
    ("warning", Case(), {"chat": P, "daily": "batched:digest"}, [1]),
    ("critical", Case(severity="critical"), {"ops": P, "chat": P, "daily": P}, [1]),
    (
        "silenced rule",
        Case(severity="critical", silences=({"rule": RULE},)),
        {"ops": S, "chat": S, "daily": S},
        [1],
    ),
    (
        "silenced channel",
        Case(severity="critical", silences=({"channel": "chat"},)),
        {"ops": P, "chat": S, "daily": P},
        [1],
    ),
    (
        "silence must match every field",
        Case(severity="critical", silences=({"source": "other", "channel": "chat"},)),
        {"ops": P, "chat": P, "daily": P},
        [1],
    ),
    (
        "expired silence",
        Case(severity="critical", expired_silences=({"rule": RULE},)),
        {"ops": P, "chat": P, "daily": P},
        [1],
    ),
    (
        "baseline",
        Case(severity="critical", baseline=True, first_crawl=True),
        {"ops": "suppressed", "chat": "suppressed", "daily": "suppressed"},
        [1],
    ),
    (
        "silence before baseline",
        Case(
            severity="critical",
            baseline=True,
            first_crawl=True,
            silences=({"source": SOURCE, "channel": "ops"},),
        ),
        {"ops": S, "chat": "suppressed", "daily": "suppressed"},
        [1],
    ),
    (
        "baseline over",
        Case(severity="critical", baseline=True),
        {"ops": P, "chat": P, "daily": P},
        [1],
    ),
    ("baseline off", Case(first_crawl=True), {"chat": P, "daily": "batched:digest"}, [1]),
    (
        "incident",
        Case(incident_age=timedelta(hours=1)),
        {"chat": "attached", "daily": "attached"},
        [2],
    ),
    (
        "baseline before incident, which is joined all the same",
        Case(incident_age=timedelta(hours=1), baseline=True, first_crawl=True),
        {"chat": "suppressed", "daily": "suppressed"},
        [2],
    ),
    (
        "incident out of the window",
        Case(severity="critical", incident_age=timedelta(hours=7)),
        {"ops": P, "chat": P, "daily": P},
        [1, 1],
    ),
    (
        "incidents off",
        Case(severity="critical", incident_age=timedelta(hours=1), incident_window=timedelta()),
        {"ops": P, "chat": P, "daily": P},
        [1],
    ),
    (
        "level change",
        Case(severity="critical", incident_age=timedelta(hours=1), level_change=True),
        {"ops": P, "chat": P, "daily": P},
        [1],
    ),
    (
        "storm",
        Case(recent=STORM_MAX),
        {"chat": "batched:storm", "daily": "batched:digest"},
        [1],
    ),
    (
        "critical bypasses the storm",
        Case(severity="critical", recent=STORM_MAX),
        {"ops": P, "chat": P, "daily": P},
        [1],
    ),
    (
        "nothing exempt from the storm",
        Case(severity="critical", recent=STORM_MAX, storm_exempt=()),
        {"ops": P, "chat": "batched:storm", "daily": P},
        [1],
    ),
    (
        "no storm yet",
        Case(severity="critical", recent=STORM_MAX - 1),
        {"ops": P, "chat": P, "daily": P},
        [1],
    ),
    (
        "unsent alerts make no storm",
        Case(severity="critical", recent=STORM_MAX, recent_status="silenced"),
        {"ops": P, "chat": P, "daily": P},
        [1],
    ),
    (
        "digest before storm",
        Case(recent=STORM_MAX, storm_on=("chat", "daily")),
        {"chat": "batched:storm", "daily": "batched:digest"},
        [1],
    ),
]


@pytest.mark.parametrize(
    ("case", "statuses", "incidents"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_stages(db: Database, case: Case, statuses: dict[str, str], incidents: list[int]) -> None:
    settings = NotifierConfig(
        baseline=case.baseline,
        storm_max=STORM_MAX,
        storm_exempt=list(case.storm_exempt),
        incident_window=case.incident_window,
    )
    channels = Channels(CHANNELS, settings)
    with db.session() as s:
        src, other = _source(s, SOURCE), _source(s, "other")
        if not case.first_crawl:
            _item(s, src, "earlier", seen=NOW - timedelta(days=1))
        for fields in case.silences:
            s.add(Silence(created_at=NOW, expires_at=NOW + timedelta(hours=1), **fields))
        for fields in case.expired_silences:
            s.add(Silence(created_at=NOW, expires_at=NOW - timedelta(minutes=1), **fields))
        if case.incident_age is not None:
            seen = NOW - case.incident_age
            s.add(
                Incident(
                    rule=RULE, words=sorted(words(*REPORT)), created_at=seen, last_seen_at=seen
                )
            )
        for i in range(case.recent):  # in another source: they are no earlier crawl of this one
            earlier = _alert(s, _item(s, other, f"storm {i}"), "critical")
            for channel in case.storm_on:
                s.add(_delivery(earlier, channel, case.recent_status))
        item = _item(s, src, REPORT[0], REPORT[1])
        alert = _alert(s, item, case.severity)
        notify = ["ops", "chat", "daily"]
        raised = Raised(alert, notify, incidents=not case.level_change)
        plan_deliveries(Routing(s, channels), item, [raised], NOW)
        rows = s.execute(
            select(Delivery.channel, Delivery.destination, Delivery.status, Notice.kind)
            .outerjoin(Notice, Delivery.summary_id == Notice.id)
            .where(Delivery.alert_id == alert.id)
        ).all()
        sizes = sorted(s.scalars(select(Incident.reports)))
    got: dict[str, set[str]] = {}
    for channel, _, status, summary in rows:
        got.setdefault(channel, set()).add(f"{status}:{summary}" if summary else status)
    assert got == {channel: {status} for channel, status in statuses.items()}
    # One row per destination of each channel that accepts the alert.
    assert sorted((c, d) for c, d, _, _ in rows) == sorted(
        (c, d.key) for c in statuses for d in channels.destinations(c)
    )
    assert sizes == incidents


def test_a_rolled_back_savepoint_leaves_no_summary_behind(db: Database) -> None:
    """What routing kept of a rolled-back savepoint (here the storm summary it opened) is
    forgotten by ``reset``: the next alert opens a summary that exists."""
    channels = Channels(CHANNELS, NotifierConfig(storm_max=1, storm_exempt=[]))
    with db.session() as s:
        routing = Routing(s, channels)
        src = _source(s, SOURCE)
        _route(routing, src, "first")  # pending: the storm starts
        with pytest.raises(RuntimeError), s.begin_nested():
            _route(routing, src, "second")
            assert routing.summaries
            raise RuntimeError("storing failed")
        routing.reset()
        _route(routing, src, "third")
        assert _chat(s, channels) == [("first", P, None), ("third", B, "storm")]
        assert s.scalars(select(Notice.kind)).all() == ["storm"]


def test_silences_are_read_once_per_transaction(db: Database) -> None:
    channels = Channels(CHANNELS)
    with db.session() as s:
        routing = Routing(s, channels)
        src = _source(s, SOURCE)
        _route(routing, src, "first")
        s.add(Silence(channel="chat", created_at=NOW, expires_at=NOW + timedelta(hours=1)))
        _route(routing, src, "second")
        routing.reset()
        _route(routing, src, "third")
        assert _chat(s, channels) == [("first", P, None), ("second", P, None), ("third", S, None)]


def _route(routing: Routing, src: Source, title: str) -> None:
    """Store and route a critical alert for ``chat``."""
    item = _item(routing.session, src, title)
    plan_deliveries(
        routing, item, [Raised(_alert(routing.session, item, "critical"), ["chat"])], NOW
    )


def _chat(s: Session, channels: Channels) -> list[tuple[str, str, str | None]]:
    """Title, status and summary kind of each row for the first destination of ``chat``."""
    rows = s.execute(
        select(Item.title, Delivery.status, Notice.kind)
        .join(Alert, Delivery.alert_id == Alert.id)
        .join(Item, Alert.item_id == Item.id)
        .outerjoin(Notice, Delivery.summary_id == Notice.id)
        .where(Delivery.destination == channels.destinations("chat")[0].key)
        .order_by(Delivery.id)
    )
    return [(title, status, kind) for title, status, kind in rows]


def _source(s: Session, name: str) -> Source:
    src = Source(name=name, type="feed", url=f"https://{name}.example/feed", consecutive_failures=0)
    s.add(src)
    s.flush()
    return src


def _item(s: Session, src: Source, title: str, text: str = "", seen: datetime = NOW) -> Item:
    row = Item(
        source_id=src.id,
        identity=f"{src.name}:{title}",
        title=title,
        text=text,
        content_hash=f"{src.name}:{title}",
        first_seen=seen,
        updated_at=seen,
    )
    s.add(row)
    s.flush()
    return row


def _alert(s: Session, item: Item, severity: str) -> Alert:
    row = Alert(item_id=item.id, rule=RULE, severity=severity, created_at=NOW, matched=[])
    s.add(row)
    s.flush()
    return row


def _delivery(alert: Alert, channel: str, status: str) -> Delivery:
    created = NOW - timedelta(minutes=1)
    return Delivery(
        alert_id=alert.id,
        channel=channel,
        destination=f"earlier-{alert.id}",
        destination_label="earlier",
        status=status,
        attempts=1,
        next_attempt_at=created,
        created_at=created,
    )
