"""Source rows at start: one per configured source, URL and type kept current, fetch state kept."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import func, select

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
    db.dispose()  # its pooled connection closed now, not by a later test's garbage collection
    assert rows == {
        "a": ("feed", "http://127.0.0.1:9/a.xml", '"a1"'),
        "b": ("feed", "http://127.0.0.1:9/moved/b.xml", '"b1"'),
        "c": ("feed", "http://127.0.0.1:9/c.xml", None),
    }


_SYNC = """
import sys
from advisorywatch.crawler.sources.types.feed import FeedConfig
from advisorywatch.db.session import Database
from advisorywatch.ingest.sync import sync_sources

db = Database(sys.argv[1])
db.upgrade()  # nodes starting together: one migrates, the others wait, then all sync at once
names = [f"s{i}" for i in range(10000)]
sync_sources(db, [FeedConfig(name=n, type="feed", url=f"http://h{len(n)}/f.xml") for n in names])
"""


def test_nodes_starting_together_register_every_source_once(project: Project) -> None:
    """Three processes syncing 10,000 sources into an empty database at once (on PostgreSQL
    each read no rows, then all inserted the same ones and two exited on the unique name)."""
    url = project.effective_database_url
    cmd = [sys.executable, "-c", _SYNC, url]
    nodes = [subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for node in nodes:
        _, err = node.communicate(timeout=120)
        assert node.returncode == 0, err[-1000:]
    db = Database(url)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Source)) == 10000
    db.dispose()
