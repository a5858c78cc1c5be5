"""Several nodes routing and sending from one PostgreSQL database, as concurrent transactions
of two sessions: a due summary is closed (and sent) once, routing never adds an alert to a
summary being closed, two reports of one event stored at once open one incident, and a
fallback warning raised twice in one failure episode is stored once, and two nodes holding
alerts for one channel at once open one storm summary (or digest) between them and send no
more than the storm threshold."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from advisorywatch.db.models import Alert, Delivery, Incident, IncidentAlert, Item, Notice, Source
from advisorywatch.db.session import Database
from advisorywatch.model import DeliveryStatus, NoticeKind
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import ChannelConfig, DigestConfig, NotifierConfig
from advisorywatch.notifier.notices import new_notice_once
from advisorywatch.notifier.route.context import Routing
from advisorywatch.notifier.route.incidents import attach_incident
from advisorywatch.notifier.route.router import Raised, plan_deliveries
from advisorywatch.notifier.route.stage import NewAlert
from advisorywatch.notifier.route.summaries import close_due_summaries, open_summary

from conftest import POSTGRES

pytestmark = pytest.mark.skipif(not POSTGRES, reason="concurrent senders need PostgreSQL")
T = TypeVar("T")
URLS = ["json://127.0.0.1:9/a", "json://127.0.0.1:9/b"]
CHANNELS = Channels(
    {"ops": ChannelConfig(urls=URLS)}, NotifierConfig(incident_window=timedelta(hours=1))
)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    made = Database(database_url)
    made.upgrade()
    yield made
    made.dispose()


def _alert(s: Session, n: int, title: str, severity: str = "critical") -> tuple[Alert, Item]:
    src = Source(name=f"src-{n}", type="feed", url=f"http://127.0.0.1:9/{n}")
    s.add(src)
    s.flush()
    item = Item(source_id=src.id, identity=f"i{n}", content_hash=f"h{n}", title=title, text="")
    s.add(item)
    s.flush()
    places = [{"code": "UA", "country": "UA", "in": "title"}]
    alert = Alert(
        item_id=item.id,
        rule="strike",
        severity=severity,
        matched=[{"concept": "air_strike", "text": "air strike", "term": "air strike"}],
        places=places,
    )
    s.add(alert)
    s.flush()
    return alert, item


def _in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """Run ``work`` in a thread; the list gets its result (or exception)."""
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(work())
        except Exception as exc:
            out.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def _race(db: Database, work: Callable[[int, Session], T], waits_for: str) -> tuple[T, list[Any]]:
    """``work(1, s)`` in a transaction and, before it commits, ``work(2, s)`` in another (a
    second node), which must wait for the first (``waits_for`` says for what): the first's
    result, and a list with the second's (or its exception)."""
    with db.session() as first:
        mine = work(1, first)

        def second() -> T:
            with db.session() as s:
                return work(2, s)

        thread, theirs = _in_thread(second)
        thread.join(1)
        assert thread.is_alive(), f"the second waits for {waits_for}"
    thread.join(30)
    return mine, theirs


def _due_storm(db: Database) -> int:
    now = datetime.now(UTC)
    with db.session() as s:
        alert, _ = _alert(s, 1, "Air strike near Odesa")
        notice = Notice(
            kind=NoticeKind.STORM, channel="ops", created_at=now, due_at=now - timedelta(seconds=1)
        )
        s.add(notice)
        s.flush()
        for d in CHANNELS.destinations("ops"):
            s.add(
                Delivery(
                    alert_id=alert.id,
                    channel="ops",
                    destination=d.key,
                    destination_label=d.label,
                    status=DeliveryStatus.BATCHED,
                    summary_id=notice.id,
                )
            )
        return notice.id


def test_two_nodes_closing_one_summary_send_it_once(db: Database) -> None:
    summary = _due_storm(db)
    now = datetime.now(UTC)
    with db.session() as first:
        assert close_due_summaries(first, CHANNELS, now) == 1
        # Another node's sender, while the first has not committed: it passes the summary by.
        thread, closed = _in_thread(lambda: _close(db, now))
        thread.join(30)
        assert closed == [0]
    assert _close(db, now) == 0  # committed: closed, nothing left to close
    with db.session() as s:
        sends = s.scalar(select(func.count()).where(Delivery.notice_id == summary))
    assert sends == len(URLS)  # one message per destination, once


def _close(db: Database, now: datetime) -> int:
    with db.session() as s:
        return close_due_summaries(s, CHANNELS, now)


def test_routing_waits_for_a_summary_being_closed_and_finds_it_closed(db: Database) -> None:
    summary = _due_storm(db)
    now = datetime.now(UTC)
    with db.session() as closing:
        close_due_summaries(closing, CHANNELS, now)

        def route() -> int | None:
            with db.session() as s:
                found = open_summary(Routing(s, CHANNELS), NoticeKind.STORM, "ops", now)
                return None if found is None else found.id

        thread, found = _in_thread(route)
        thread.join(1)
        assert thread.is_alive(), "routing waits for the closing sender's row lock"
    thread.join(30)
    assert found == [None]  # closed meanwhile: routing opens another summary, not this one
    with db.session() as s:
        assert s.get_one(Notice, summary).closed_at is not None


def test_two_reports_of_one_event_stored_at_once_open_one_incident(db: Database) -> None:
    title = "Air strike hits the port of Odesa overnight, officials say"

    def report(n: int, s: Session) -> int | None:
        alert, item = _alert(s, n, title)
        return attach_incident(Routing(s, CHANNELS), NewAlert(alert, item, datetime.now(UTC), True))

    # The first opens the incident (and pings); another node stores a report of the same
    # event before the first commits: it waits for the rule's lock, then joins the incident.
    opened, joined = _race(db, report, "the first's incident lock")
    assert opened is None
    with db.session() as s:
        assert joined == [s.scalar(select(Incident.id))]
        assert s.scalar(select(func.count()).select_from(Incident)) == 1
        assert s.scalar(select(func.count()).select_from(IncidentAlert)) == 2
        assert s.scalar(select(Incident.reports)) == 2


def test_a_fallback_warning_raised_by_two_nodes_at_once_is_stored_once(db: Database) -> None:
    now = datetime.now(UTC)

    def warn(s: Session) -> Notice | None:
        return new_notice_once(
            s,
            NoticeKind.FALLBACK,
            "ops",
            now,
            "fallback:x",
            title="t",
            body="b",
            notify_type="warning",
        )

    with db.session() as first:
        assert warn(first) is not None

        def second() -> Notice | None:
            with db.session() as s:
                return warn(s)

        thread, raised = _in_thread(second)
        thread.join(1)
        assert thread.is_alive(), "the second insert waits for the first's unique key"
    thread.join(30)
    assert raised == [None]  # lost the race: no second warning, no error
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Notice)) == 1


@pytest.mark.parametrize("kind", [NoticeKind.STORM, NoticeKind.DIGEST])
def test_two_nodes_opening_a_summary_at_once_open_one(db: Database, kind: NoticeKind) -> None:
    now = datetime.now(UTC)
    # No incidents (their rule lock would order the two); one message a window, and it was
    # sent: the channel's next alerts are held, into one storm summary; or into the digest.
    settings = NotifierConfig(incident_window=timedelta(0), storm_max=1, storm_exempt=[])
    digest = DigestConfig(below="critical") if kind == NoticeKind.DIGEST else None
    channels = Channels({"ops": ChannelConfig(urls=URLS, digest=digest)}, settings)
    if kind == NoticeKind.STORM:
        with db.session() as s:
            sent, item = _alert(s, 0, "Earlier alert, sent", "warning")
            plan_deliveries(Routing(s, channels), item, [Raised(sent, ["ops"])], now)
    alerts = []

    def hold(n: int, s: Session) -> Notice | None:
        alert, item = _alert(s, n, f"Alert {n}", "warning")
        alerts.append(alert.id)
        routing = Routing(s, channels)
        plan_deliveries(routing, item, [Raised(alert, ["ops"])], now)
        return routing.summaries.get((kind, "ops"))

    with db.session() as first:
        opened = hold(1, first)
        assert opened is not None

        def second() -> int | None:
            with db.session() as s:
                found = hold(2, s)
                return None if found is None else found.id

        thread, joined = _in_thread(second)
        thread.join(1)
        assert thread.is_alive(), "the second node's insert waits for the first's summary"
    thread.join(30)
    assert joined == [opened.id]  # it added to the first's summary
    with db.session() as s:
        summaries = s.scalars(select(Notice.id).where(Notice.kind == kind)).all()
        held = s.execute(
            select(Delivery.alert_id, Delivery.summary_id).where(
                Delivery.status == DeliveryStatus.BATCHED
            )
        ).all()
    assert summaries == [opened.id]
    assert sorted(held) == sorted((a, opened.id) for a in alerts for _ in URLS)


def test_two_nodes_counting_a_storm_threshold_at_once_send_no_more_than_it(db: Database) -> None:
    now = datetime.now(UTC)
    # One message a window: of two alerts routed at once on two nodes, one is sent and the
    # other held for the storm summary (each counting none sent yet would send both).
    settings = NotifierConfig(incident_window=timedelta(0), storm_max=1, storm_exempt=[])
    channels = Channels({"ops": ChannelConfig(urls=URLS)}, settings)

    def route(n: int, s: Session) -> int:
        alert, item = _alert(s, n, f"Alert {n}", "warning")
        plan_deliveries(Routing(s, channels), item, [Raised(alert, ["ops"])], now)
        return alert.id

    sent, (held,) = _race(db, route, "the first to commit before it counts")
    with db.session() as s:
        statuses = s.execute(select(Delivery.alert_id, Delivery.status)).all()
        summaries = s.scalars(select(Notice.id).where(Notice.kind == NoticeKind.STORM)).all()
    assert sorted(statuses) == sorted(
        [(sent, DeliveryStatus.PENDING)] * len(URLS) + [(held, DeliveryStatus.BATCHED)] * len(URLS)
    )
    assert len(summaries) == 1
