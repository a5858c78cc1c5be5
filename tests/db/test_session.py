"""SQLite connection settings that every connection of a :class:`Database` gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisorywatch.db.session import SQLITE_CACHE_KB, Database


@pytest.mark.parametrize("read_only", [False, True])
def test_sqlite_connections_keep_a_small_page_cache(tmp_path: Path, read_only: bool) -> None:
    db = Database(f"sqlite:///{tmp_path / 'small-cache.db'}", read_only=read_only)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -SQLITE_CACHE_KB
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        db.engine.dispose()
