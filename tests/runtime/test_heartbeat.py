"""Several nodes: the heartbeat renews a node's claims while its writer thread is busy storing
a long batch, so the others do not take over sources the node is still crawling."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest

from advisorywatch.config.load import parse_config
from advisorywatch.runtime.app import App
from advisorywatch.runtime.daemon import Daemon

from conftest import POSTGRES, Project

pytestmark = pytest.mark.skipif(not POSTGRES, reason="claims are for several nodes: PostgreSQL")


def test_a_node_storing_a_long_batch_keeps_its_claims(project: Project) -> None:
    path = project.write_config(f"""
database: {{url: "{project.effective_database_url}"}}
sources:
  - {{name: a, type: feed, url: "http://127.0.0.1:9/a.xml", every: 60s}}
  - {{name: b, type: feed, url: "http://127.0.0.1:9/b.xml", every: 60s}}
rules:
  - {{name: strike, keywords: ["air strike"], notify: [ops]}}
channels:
  ops: {{urls: ["json://127.0.0.1:9/"]}}
daemon: {{lease_seconds: 60}}
""")
    app = App(parse_config(path.read_text(), path))
    app.prepare()
    daemon = Daemon(app, path)
    daemon.coordination.start()
    claims, _ = daemon.coordination.claim(daemon._enabled, 10, timedelta(0))
    assert {c.name for c in claims} == {"a", "b"}
    held = "SELECT max(claim_until) FROM sources WHERE claimed_by IS NOT NULL"
    (before,) = project.sql(held)[0]
    storing = threading.Event()
    stored = threading.Event()

    def long_store() -> None:  # a batch that holds the writer thread until told
        storing.set()
        stored.wait(60)

    async def beat_while_storing() -> None:
        store = asyncio.ensure_future(app.in_db_thread(long_store))
        await asyncio.to_thread(storing.wait, 10)
        try:
            # Stuck behind the store, this would wait for it (and fail after 30 s).
            await asyncio.wait_for(daemon._heartbeat(), 30)
        finally:
            stored.set()
            await store

    try:
        asyncio.run(beat_while_storing())
        (after,) = project.sql(held)[0]
        assert after > before  # renewed from the database's clock while the store ran
        assert project.sql("SELECT count(*) FROM sources WHERE claimed_by IS NOT NULL") == [(2,)]
        assert "database" not in daemon.health.report().detail["problems"]
    finally:
        daemon.coordination.stop()
        app.db.dispose()
