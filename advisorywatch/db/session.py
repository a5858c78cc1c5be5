"""Engines and sessions. SQLite gets WAL, a busy timeout and ``BEGIN IMMEDIATE`` so that
read-then-write transactions from the daemon and the CLI never fail with "database is locked"."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy's "begin" event (pysqlite's own is deferred).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One engine and its session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on error."""
        with self._sessions.begin() as s:
            yield s

    def upgrade(self) -> None:
        """Bring the schema to the newest Alembic revision.

        On SQLite, foreign keys are off while migrating: Alembic's batch mode rebuilds a table
        by copying and dropping it, and dropping it with foreign keys on would cascade-delete
        every row that refers to it."""
        cfg = alembic_config(self.url)
        sqlite = self.engine.dialect.name == "sqlite"
        with self.engine.connect() as conn:
            if sqlite:
                _sqlite_foreign_keys(conn, on=False)
            try:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
            finally:
                if sqlite:
                    _sqlite_foreign_keys(conn, on=True)

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_foreign_keys(conn: Connection, on: bool) -> None:
    # On the DBAPI connection, outside any transaction: inside one the pragma is ignored.
    dbapi: Any = conn.connection.driver_connection
    dbapi.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option(
        "script_location", str(resources.files("advisorywatch.db").joinpath("migrations"))
    )
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg
