"""The database's clock on PostgreSQL: the transaction's start, asked once per transaction."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from advisorywatch.db.clock import database_now
from advisorywatch.db.session import Database

from conftest import POSTGRES, Project

pytestmark = pytest.mark.skipif(not POSTGRES, reason="the database's clock: PostgreSQL")


@pytest.fixture
def db(project: Project) -> Iterator[Database]:
    database = Database(project.effective_database_url)
    yield database
    database.dispose()


def test_one_time_per_transaction_savepoints_included_and_a_new_one_for_the_next(
    db: Database,
) -> None:
    with db.session() as s:
        first = database_now(s)
        with s.begin_nested():
            assert database_now(s) == first
        assert database_now(s) == first == s.scalar(select(func.now()))
    with db.session() as s:
        s.execute(select(func.pg_sleep(0.01)))
        assert database_now(s) > first
