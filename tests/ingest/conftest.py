"""Storing fetches in process: an Ingestor on the test project's own SQLite database."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import pytest

from advisorywatch.crawler.sources.types.feed import FeedConfig
from advisorywatch.db.session import Database
from advisorywatch.ingest.ingestor import Ingestor
from advisorywatch.ingest.sync import sync_sources
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import ChannelConfig
from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.engine import RuleEngine

from conftest import Project

URL = "http://127.0.0.1:9/"
STRIKE: dict[str, Any] = {"name": "strike", "keywords": ["air strike"], "notify": ["console"]}


class MakeIngestor(Protocol):
    def __call__(
        self, names: list[str], rules: Sequence[dict[str, Any]] = ...
    ) -> tuple[Database, Ingestor]: ...


@pytest.fixture
def make_ingestor(project: Project) -> Iterator[MakeIngestor]:
    """``make_ingestor(names, rules)``: the sources ``names`` registered, ``rules`` as written
    in config.yaml (by default one on "air strike"), notifying a console channel."""
    made: list[Database] = []

    def make(
        names: list[str], rules: Sequence[dict[str, Any]] = (STRIKE,)
    ) -> tuple[Database, Ingestor]:
        db = Database(project.effective_database_url)
        db.upgrade()
        made.append(db)
        sync_sources(db, [FeedConfig(name=n, type="feed", url=URL) for n in names])
        engine = RuleEngine([RuleConfig.model_validate(r) for r in rules])
        channels = Channels({"console": ChannelConfig(urls=["console://"])})
        return db, Ingestor(db, engine, channels)

    yield make
    for db in made:
        db.dispose()
