"""A real SQLite database, migrated, for the routing tables."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from advisorywatch.db.session import Database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'state.db'}")
    db.upgrade()
    yield db
    db.dispose()
