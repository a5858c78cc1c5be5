"""Engines and sessions. SQLite gets WAL, a busy timeout and ``BEGIN IMMEDIATE`` so that
read-then-write transactions from the daemon and the CLI never fail with "database is locked"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

SQLITE_BUSY_TIMEOUT_MS = 30_000
# The WAL is checkpointed every 1000 pages and truncated back to this size afterwards, so
# that it cannot outgrow a small disk.
SQLITE_JOURNAL_SIZE_LIMIT = 16 * 1024 * 1024
# Each connection's page cache (SQLite's default is 2 MB). The daemon's connections filled
# theirs during a cold pass, part of its peak; the pages they drop are re-read from the
# operating system's cache (bench/README.md, "Daemon memory, sixth round").
SQLITE_CACHE_KB = 512


def make_engine(
    url: str, *, read_only: bool = False, connect_timeout: float | None = None
) -> Engine:
    """``read_only``: transactions on SQLite begin deferred, so that a reader never waits for
    (or blocks) a writer; WAL lets it read while another connection writes."""
    if url.startswith("sqlite"):
        timeout = connect_timeout or SQLITE_BUSY_TIMEOUT_MS / 1000
        engine = create_engine(url, connect_args={"timeout": timeout})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(
            engine, "begin", _sqlite_begin_deferred if read_only else _sqlite_begin_immediate
        )
        return engine
    args = (
        {}
        if connect_timeout is None
        else {"connect_args": {"connect_timeout": int(connect_timeout)}}
    )
    return create_engine(url, pool_pre_ping=True, **args)


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy's "begin" event (pysqlite's own is deferred).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KB}")
    cur.execute("PRAGMA wal_autocheckpoint=1000")
    cur.execute(f"PRAGMA journal_size_limit={SQLITE_JOURNAL_SIZE_LIMIT}")
    cur.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_deferred(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


class Database:
    """One engine and its session factory. A ``read_only`` one (for commands that only read)
    never takes SQLite's write lock."""

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.url = url
        self.read_only = read_only
        self.engine = make_engine(url, read_only=read_only)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on error."""
        with self._sessions.begin() as s:
            yield s

    def upgrade(self) -> None:
        """Bring the schema to the newest Alembic revision. Alembic (slow to import) runs
        only when the database is not at that revision already, as it is on most starts.

        On SQLite, foreign keys are off while migrating: Alembic's batch mode rebuilds a table
        by copying and dropping it, and dropping it with foreign keys on would cascade-delete
        every row that refers to it."""
        if self.at_head():
            return
        from alembic import command

        cfg = alembic_config(self.url)
        sqlite = self.engine.dialect.name == "sqlite"
        with self.engine.connect() as conn:
            if sqlite:
                _sqlite_foreign_keys(conn, on=False)
            else:  # nodes starting together: one migrates, the others wait and find it done
                _migration_lock(conn, "pg_advisory_lock")
            try:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
            finally:
                if sqlite:
                    _sqlite_foreign_keys(conn, on=True)
                else:
                    _migration_lock(conn, "pg_advisory_unlock")

    def at_head(self) -> bool:
        """Whether the schema is at the newest revision (read without Alembic)."""
        head = head_revision()
        if head is None:
            return False
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return False
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            return set(current) == {head}

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_foreign_keys(conn: Connection, on: bool) -> None:
    # On the DBAPI connection, outside any transaction: inside one the pragma is ignored.
    dbapi: Any = conn.connection.driver_connection
    dbapi.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


MIGRATION_LOCK = 0x41570001  # PostgreSQL advisory lock key held while migrating


def _migration_lock(conn: Connection, fn: str) -> None:
    """Take or give back the session-level advisory lock, outside Alembic's transaction."""
    conn.execute(text(f"SELECT {fn}({MIGRATION_LOCK})"))
    conn.commit()


def _migrations() -> resources.abc.Traversable:
    return resources.files("advisorywatch.db").joinpath("migrations")


# ``revision = "0500"`` / ``down_revision: str | None = '0400'`` as migration scripts write them.
_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=\n]*=\s*(.*?)\s*$", re.M)
_STRING = re.compile(r"""^(['"])([\w-]+)\1$""")


@cache
def head_revision() -> str | None:
    """The newest revision of the migration scripts, read from their ``revision`` and
    ``down_revision`` lines without importing Alembic. None when that is not plain (not
    exactly one head, a merge, a line in another form): then Alembic decides."""
    revisions, parents = set(), set()
    for f in _migrations().joinpath("versions").iterdir():
        if not f.name.endswith(".py"):
            continue
        source = f.read_text(encoding="utf-8")
        found = {m.group(1): m.group(2) for m in _REVISION_LINE.finditer(source)}
        revision = _STRING.match(found.get("revision", ""))
        down = found.get("down_revision", "")
        parent = _STRING.match(down)
        if revision is None or (parent is None and down != "None"):
            return None
        revisions.add(revision.group(2))
        if parent is not None:
            parents.add(parent.group(2))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def alembic_config(url: str) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(_migrations()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg
