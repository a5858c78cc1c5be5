"""A response's items as rows: found again within one batch, implausible dates dropped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, select

from advisorywatch.db.models import Alert, Item
from advisorywatch.model import FetchOutcome, ParsedItem

from .conftest import URL, MakeIngestor


def test_a_first_crawl_fetched_twice_in_one_batch_is_stored_once(
    make_ingestor: MakeIngestor,
) -> None:
    # The source had no items when the batch began: the second fetch must still find the
    # first one's rows.
    db, ingestor = make_ingestor(["a"])
    items = [ParsedItem(title=f"story {i}", text="calm", guid=f"g{i}") for i in range(2)]
    results = ingestor.ingest_many([FetchOutcome("a", URL, 200, items)] * 2)
    assert [(r.ok, r.new, r.updated) for r in results] == [(True, 2, 0), (True, 0, 0)]
    with db.session() as s:
        assert s.scalars(select(Item.guid).order_by(Item.id)).all() == ["g0", "g1"]


def test_dates_a_feed_got_wrong_are_not_stored(make_ingestor: MakeIngestor) -> None:
    db, ingestor = make_ingestor(["a"])
    good = datetime(2025, 10, 7, 12, tzinfo=UTC)
    dates = {"old": datetime(1970, 1, 1, tzinfo=UTC), "future": datetime.now(UTC) + timedelta(2)}
    items = [ParsedItem(title=k, text="", guid=k, published=d) for k, d in dates.items()]
    items.append(ParsedItem(title="good", text="", guid="good", published=good))
    assert ingestor.ingest(FetchOutcome("a", URL, 200, items)).new == 3
    with db.session() as s:
        stored = {guid: at for guid, at in s.execute(select(Item.guid, Item.published))}
    assert stored == {"old": None, "future": None, "good": good}


def test_a_changed_response_reads_its_stored_items_without_their_texts(
    make_ingestor: MakeIngestor,
) -> None:
    """Most items a changed feed lists are unchanged: their rows are looked up with the keys
    storing compares, not the texts; an item that fires is read whole for the alert."""
    db, ingestor = make_ingestor(["a"])
    published = datetime(2025, 10, 7, 12, tzinfo=UTC)
    items = [
        ParsedItem(title=f"story {i}", text="calm", guid=f"g{i}", published=published)
        for i in range(3)
    ]
    assert ingestor.ingest(FetchOutcome("a", URL, 200, items)).new == 3
    items[1] = ParsedItem(title="story 1", text="An air strike", guid="g1", published=published)
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        result = ingestor.ingest(FetchOutcome("a", URL, 200, [ParsedItem("new", "calm"), *items]))
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert (result.new, result.updated, result.alerts) == (1, 1, 1)
    reads = [q for q in statements if q.lstrip().startswith("SELECT") and "FROM items" in q]
    lookups = [q for q in reads if "items.identity IN" in q]
    assert lookups and not [q for q in lookups if "items.text" in q or "items.title" in q]
    whole = [q for q in reads if "items.text" in q]
    assert len(whole) == 1 and "WHERE items.id = " in whole[0]  # the one that fires
    with db.session() as s:
        alert = s.scalars(select(Alert)).one()
        assert alert.item.guid == "g1" and alert.item.text == "An air strike"
        assert alert.item.published == published
        assert s.scalars(select(Item.text).order_by(Item.id)).all() == [
            "calm",
            "An air strike",
            "calm",
            "calm",
        ]
