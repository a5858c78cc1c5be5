"""Two batches stored at once on PostgreSQL (two nodes): neither waits for the other in a
cycle, a batch PostgreSQL cancels for the other's sake is stored again, whole, instead of
its fetches failing and their alerts waiting for the next fetch, and a batch holds no other
node's alerts back while it stores its fetches."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, text

from advisorywatch.db.models import Alert, Delivery, Incident, Notice, Source
from advisorywatch.db.session import Database
from advisorywatch.ingest import ingestor as ingestor_module
from advisorywatch.ingest.alerts import Alerter
from advisorywatch.ingest.ingestor import Ingestor, IngestResult
from advisorywatch.model import DeliveryStatus, FetchOutcome, ParsedItem
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import ChannelConfig, NotifierConfig
from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.engine import RuleEngine

from .conftest import STRIKE, URL, MakeIngestor
from conftest import POSTGRES, wait_for

pytestmark = pytest.mark.skipif(not POSTGRES, reason="concurrent batches need PostgreSQL")
CURFEW = {"name": "curfew", "keywords": ["curfew"], "notify": ["console"]}


def _fetch(source: str, title: str) -> FetchOutcome:
    item = ParsedItem(title=title, text="", url=f"https://x.org/{source}/{title}")
    return FetchOutcome(source, URL, 200, [item])


def _side_by_side(
    monkeypatch: pytest.MonkeyPatch, ingestor: Ingestor, batches: list[list[FetchOutcome]]
) -> list[list[IngestResult]]:
    """Store the batches in two threads, each pausing after routing its first fetch's alerts
    until the other has routed its own (first attempts only), so each then wants what the
    other has taken."""
    both = threading.Barrier(len(batches), timeout=30)
    route: Callable[..., None] = Alerter.route
    paused: set[int] = set()

    def pausing(*args: Any) -> None:
        route(*args)
        me = threading.get_ident()
        if me not in paused:
            paused.add(me)
            both.wait()

    monkeypatch.setattr(Alerter, "route", staticmethod(pausing))
    out: dict[int, list[IngestResult]] = {}

    def store(n: int) -> None:
        out[n] = ingestor.ingest_many(batches[n])

    threads = [threading.Thread(target=store, args=(n,)) for n in range(len(batches))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return [out[n] for n in range(len(batches))]


def test_two_batches_taking_two_rules_in_opposite_orders_both_store_their_alerts(
    make_ingestor: MakeIngestor, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Critical alerts pass the storm brake: only the rules' locks are taken (the channel's
    # storm lock would have the second batch wait for the first at its first alert).
    rules = [{**rule, "severity": "critical"} for rule in (STRIKE, CURFEW)]
    db, ingestor = make_ingestor(["a", "b", "c", "d"], rules)
    caplog.set_level("INFO", "advisorywatch.ingest.ingestor")
    results = _side_by_side(
        monkeypatch,
        ingestor,
        [
            [_fetch("a", "Air strike on the port"), _fetch("b", "Curfew in the capital")],
            [_fetch("c", "Curfew extended in the north"), _fetch("d", "Air strike on a bridge")],
        ],
    )
    assert [[(r.source, r.ok, r.alerts) for r in batch] for batch in results] == [
        [("a", True, 1), ("b", True, 1)],
        [("c", True, 1), ("d", True, 1)],
    ]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Alert)) == 4
    # One of them found the other's rule lock taken, below its own: it was stored again.
    assert "storing 2 fetch(es) again" in caplog.text


def test_a_batch_cancelled_by_a_deadlock_is_stored_again(
    make_ingestor: MakeIngestor, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A storm on the channel: the first batch opens its summary (uncommitted) and then wants
    # the other rule's lock, which the second batch took before it began waiting for that
    # summary. PostgreSQL cancels one; it is stored again once the other has committed.
    db, _ = make_ingestor(["a", "b", "c", "earlier"])
    rules = [RuleConfig.model_validate(r) for r in (STRIKE, CURFEW)]
    channels = Channels(
        {"console": ChannelConfig(urls=["console://"])},
        NotifierConfig(storm_max=1, storm_exempt=[]),
    )
    ingestor = Ingestor(db, RuleEngine(rules), channels)
    assert ingestor.ingest(_fetch("earlier", "Air strike reported earlier today")).alerts == 1
    caplog.set_level("INFO", "advisorywatch.ingest.ingestor")
    route: Callable[..., None] = Alerter.route
    first = threading.Event()

    def pausing(*args: Any) -> None:
        route(*args)
        if threading.current_thread().name == "first" and not first.is_set():
            first.set()  # the second batch starts now, and waits for this one's summary
            wait_for(lambda: _waiting_for_a_lock(db), 30, "the second batch to wait")

    monkeypatch.setattr(Alerter, "route", staticmethod(pausing))
    out: dict[str, list[IngestResult]] = {}
    # The first batch takes the lower of the two rules' lock keys, then waits for the higher:
    # in order, so it waits (and PostgreSQL finds the deadlock) rather than trying.
    titles = {"strike": "Air strike on the port", "curfew": "Curfew in the capital"}
    others = {"strike": "Air strike hits a bridge", "curfew": "Curfew extended in the north"}
    with db.session() as s:
        lower, higher = sorted(titles, key=lambda rule: s.scalar(select(func.hashtext(rule))))
    batches = {
        "first": [_fetch("a", titles[lower]), _fetch("b", titles[higher])],
        "second": [_fetch("c", others[higher])],
    }
    threads = {
        name: threading.Thread(
            target=lambda n=name: out.__setitem__(n, ingestor.ingest_many(batches[n])), name=name
        )
        for name in batches
    }
    threads["first"].start()
    assert first.wait(30)
    threads["second"].start()
    for t in threads.values():
        t.join(60)
    assert [(r.source, r.ok, r.alerts) for n in batches for r in out[n]] == [
        ("a", True, 1),
        ("b", True, 1),
        ("c", True, 1),
    ]
    with db.session() as s:
        held = s.execute(
            select(Delivery.alert_id, Notice.id)
            .join(Notice, Notice.id == Delivery.summary_id)
            .where(Delivery.status == DeliveryStatus.BATCHED)
        ).all()
    assert len(held) == 3 and len({summary for _, summary in held}) == 1  # one storm summary
    assert "storing 1 fetch(es) again" in caplog.text or "storing 2 fetch(es) again" in caplog.text


def _waiting_for_a_lock(db: Database) -> bool:
    with db.session() as s:
        waiting = s.scalar(
            text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        )
    return bool(waiting)


def test_a_batch_storing_its_fetches_holds_no_other_nodes_alerts_back(
    make_ingestor: MakeIngestor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch takes its routing locks only once its fetches are stored: while it stores them
    (here, paused in its second fetch after its first raised an alert), another node's batch
    alerting on the same rule stores, routes and commits. The two reports of one event still
    make one incident: the one routed later joins it and pings no one."""
    rules = [{**STRIKE, "severity": "critical"}]
    db, first_node = make_ingestor(["a", "slow", "b"], rules)
    _, second_node = make_ingestor(["a", "slow", "b"], rules)
    text_ = "Witnesses reported an air strike on the port district overnight, officials said"
    quiet = ParsedItem(title="A quiet day in the capital", text="", url=f"{URL}quiet")
    store_items: Callable[..., Any] = ingestor_module.store_items
    paused, go_on = threading.Event(), threading.Event()

    def pausing(s: Any, source_id: int, items: list[ParsedItem], *args: Any) -> Any:
        if items == [quiet]:
            paused.set()
            assert go_on.wait(60)
        return store_items(s, source_id, items, *args)

    monkeypatch.setattr(ingestor_module, "store_items", pausing)

    def story(source: str) -> FetchOutcome:
        item = ParsedItem(title="Air strike on the port", text=text_, url=f"https://{source}.org/")
        return FetchOutcome(source, URL, 200, [item])

    out: dict[str, list[IngestResult]] = {}
    first = threading.Thread(
        target=lambda: out.__setitem__(
            "first", first_node.ingest_many([story("a"), FetchOutcome("slow", URL, 200, [quiet])])
        )
    )
    second = threading.Thread(
        target=lambda: out.__setitem__("second", second_node.ingest_many([story("b")]))
    )
    first.start()
    try:
        assert paused.wait(30)
        second.start()
        second.join(30)
        assert not second.is_alive(), "the second node's batch waited for the first's"
    finally:
        go_on.set()
        first.join(60)
        second.join(60)
    assert [(r.source, r.ok, r.alerts) for r in out["first"]] == [("a", True, 1), ("slow", True, 0)]
    assert [(r.source, r.ok, r.alerts) for r in out["second"]] == [("b", True, 1)]
    with db.session() as s:
        assert s.scalars(select(Incident.reports)).all() == [2]
        statuses = s.execute(
            select(Source.name, Delivery.status)
            .join(Alert, Alert.id == Delivery.alert_id)
            .join(Source, Source.id == Alert.source_id)
        ).all()
    assert sorted(statuses) == [("a", DeliveryStatus.ATTACHED), ("b", DeliveryStatus.PENDING)]
