"""A response's items as rows: found again within one batch, implausible dates dropped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from advisorywatch.db.models import Item
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
