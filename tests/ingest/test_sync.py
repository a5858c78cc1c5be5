"""Source rows at start: one per configured source, URL and type kept current, fetch state kept."""

from __future__ import annotations

from sqlalchemy import select

from advisorywatch.crawler.sources.types.feed import FeedConfig
from advisorywatch.db.models import Source
from advisorywatch.db.session import Database
from advisorywatch.ingest.sync import sync_sources

from conftest import Project


def test_sync_adds_new_sources_and_updates_moved_ones_only(project: Project) -> None:
    db = Database(project.effective_database_url)
    db.upgrade()
    sync_sources(
        db,
        [
            FeedConfig(name="a", type="feed", url="http://127.0.0.1:9/a.xml"),
            FeedConfig(name="b", type="feed", url="http://127.0.0.1:9/b.xml"),
        ],
    )
    with db.session() as s:
        for row in s.scalars(select(Source)):
            row.etag = f'"{row.name}1"'

    sync_sources(
        db,
        [
            FeedConfig(name="a", type="feed", url="http://127.0.0.1:9/a.xml"),
            FeedConfig(name="b", type="feed", url="http://127.0.0.1:9/moved/b.xml"),
            FeedConfig(name="c", type="feed", url="http://127.0.0.1:9/c.xml"),
        ],
    )

    with db.session() as s:
        rows = {r.name: (r.type, r.url, r.etag) for r in s.scalars(select(Source))}
    assert rows == {
        "a": ("feed", "http://127.0.0.1:9/a.xml", '"a1"'),
        "b": ("feed", "http://127.0.0.1:9/moved/b.xml", '"b1"'),
        "c": ("feed", "http://127.0.0.1:9/c.xml", None),
    }
