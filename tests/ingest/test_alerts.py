"""Raising alerts: text matches and advisory-level changes go through one path; a revision fires
a text rule again only for what it adds, and a level change is an event of its own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from advisorywatch.db.models import Alert, Delivery, IncidentAlert, Item
from advisorywatch.db.session import Database
from advisorywatch.ingest.ingestor import Ingestor
from advisorywatch.model import AdvisoryLevel, FetchOutcome, ParsedItem

from .conftest import STRIKE, URL, MakeIngestor

LEVEL: dict[str, Any] = {"name": "level", "advisory_level": {}, "notify": ["console"]}
STATE_DEPT = "US State Department"
RETROSPECTIVE_1985 = (
    "lowered to info: a retrospective, dated 1985 and by no later year (retrospective_years: 15)"
)


def _fetch(ingestor: Ingestor, source: str, text: str, level: int | None = None) -> int:
    """Fetch one item (the same each time, revised by ``text`` and ``level``); alerts raised."""
    advisory = AdvisoryLevel("Ukraine", level, f"Level {level}", STATE_DEPT) if level else None
    item = ParsedItem(title="Ukraine", text=text, guid="ua", advisory=advisory)
    result = ingestor.ingest(FetchOutcome(source, URL, 200, [item]))
    assert result.ok, result.error
    return result.alerts


def _alerts(db: Database) -> list[tuple[str, str, set[str]]]:
    """(rule, occasion, what it matched) per alert, oldest first."""
    with db.session() as s:
        rows = s.execute(select(Alert.rule, Alert.occasion, Alert.matched).order_by(Alert.id))
        return [(rule, occasion, {m["text"] for m in matched}) for rule, occasion, matched in rows]


def test_text_and_level_alerts_on_one_item_both_raise_and_route(
    make_ingestor: MakeIngestor,
) -> None:
    db, ingestor = make_ingestor(["a"], [STRIKE, LEVEL])
    assert _fetch(ingestor, "a", "Exercise increased caution.", level=2) == 0  # first sight

    assert _fetch(ingestor, "a", "An air strike hit Kyiv overnight.", level=4) == 2
    (strike, level) = _alerts(db)
    assert strike == ("strike", "", {"air strike"})
    assert level[0] == "level" and level[1].startswith("advisory:2->4@")
    assert level[2] == {"Level 2 → Level 4"}
    with db.session() as s:
        routed = s.execute(
            select(Alert.rule, Delivery.status).join(Delivery).order_by(Delivery.id)
        ).all()
        in_incidents = s.scalars(select(Alert.rule).join(IncidentAlert)).all()
    # One item, one message: the level change rides in the text match's message.
    assert [tuple(r) for r in routed] == [("strike", "pending"), ("level", "merged")]
    assert in_incidents == ["strike"]  # a level change is never folded into an incident


def test_a_revision_fires_again_only_for_a_match_it_adds(make_ingestor: MakeIngestor) -> None:
    rule = {"name": "kyiv", "keywords": ["air strike", "embassy closed"], "notify": ["console"]}
    db, ingestor = make_ingestor(["a"], [rule])
    assert _fetch(ingestor, "a", "An air strike hit Kyiv.") == 1
    assert _fetch(ingestor, "a", "An air strike hit Kyiv overnight.") == 0  # nothing new
    assert _fetch(ingestor, "a", "An air strike hit Kyiv; the embassy closed.") == 1
    assert _alerts(db)[-1] == ("kyiv", "", {"air strike", "embassy closed"})


def test_a_level_change_fires_on_a_revision_that_adds_no_match(
    make_ingestor: MakeIngestor,
) -> None:
    both_ways = {**LEVEL, "advisory_level": {"lowered": True}}
    db, ingestor = make_ingestor(["a"], [STRIKE, both_ways])
    assert _fetch(ingestor, "a", "An air strike hit Kyiv.", level=2) == 1
    assert _fetch(ingestor, "a", "An air strike hit Kyiv overnight.", level=3) == 1
    # The level rule has fired on this item before: a change is still new.
    assert _fetch(ingestor, "a", "Another air strike hit Kyiv overnight.", level=4) == 1
    assert _fetch(ingestor, "a", "Another air strike hit Kyiv overnight.", level=3) == 1
    assert _fetch(ingestor, "a", "Another air strike hit Kyiv overnight.", level=3) == 0
    assert [(rule, occasion.split("@")[0]) for rule, occasion, _ in _alerts(db)] == [
        ("strike", ""),
        ("level", "advisory:2->3"),
        ("level", "advisory:3->4"),
        ("level", "advisory:4->3"),
    ]


def test_one_level_change_from_two_sources_is_two_events(make_ingestor: MakeIngestor) -> None:
    db, ingestor = make_ingestor(["a", "b"], [LEVEL])
    text = "Do not travel to Ukraine due to the active armed conflict, officials said today."
    for level in (3, 4):
        assert [_fetch(ingestor, source, text, level) for source in ("a", "b")] == [
            int(level == 4)
        ] * 2
    with db.session() as s:
        assert s.scalars(select(Delivery.status)).all() == ["pending", "pending"]


def test_a_retrospective_is_dated_by_the_items_publication(make_ingestor: MakeIngestor) -> None:
    db, ingestor = make_ingestor(["a"])
    text = "An air strike hit the city on 17 May 1985."
    items = [
        ParsedItem(
            title="Basra", text=text, guid="then", published=datetime(1985, 5, 18, tzinfo=UTC)
        ),
        ParsedItem(title="Basra remembers", text=text, guid="since", published=None),
    ]
    result = ingestor.ingest(FetchOutcome("a", URL, 200, items))
    assert result.ok and result.alerts == 2, result.error
    with db.session() as s:
        rows = s.execute(
            select(Item.guid, Alert.severity, Alert.lowered).join(Alert).order_by(Item.guid)
        )
        # news when it was published; history when it is matched now with no date, and the
        # alert says why it is info
        assert [tuple(r) for r in rows] == [
            ("since", "info", RETROSPECTIVE_1985),
            ("then", "warning", ""),
        ]


def test_an_alert_a_reopening_lowers_says_so(make_ingestor: MakeIngestor) -> None:
    rule = {"name": "embassy", "concepts": ["embassy_closed"], "notify": ["console"]}
    db, ingestor = make_ingestor(["a"], [rule])
    text = "The embassy in Kyiv has reopened after being closed for three months."
    assert _fetch(ingestor, "a", text) == 1
    with db.session() as s:
        (alert,) = s.scalars(select(Alert))
        assert (alert.severity, alert.lowered) == ("info", "lowered to info by embassy_reopened")
