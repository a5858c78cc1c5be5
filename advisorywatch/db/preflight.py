"""What can be said about a database URL before using it, and database errors as one line.

:func:`url_problems` checks without connecting: the URL parses, its driver imports, and for
SQLite the file's directory exists and the file can be written. :func:`connect_problem` also
connects. :func:`describe_error` turns any error of opening or using the database into one
line naming the URL (password masked) and the cause."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sqlalchemy import URL, make_url, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

CONNECT_TIMEOUT_SECONDS = 5


def safe_url(url: str) -> str:
    """The URL with its password masked; a URL that does not parse is shown up to its host."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        scheme, _, rest = url.partition("://")
        return f"{scheme}://{rest.rpartition('@')[2]}" if rest else "(unparseable URL)"


def url_problems(url: str) -> list[str]:
    """Why ``url`` cannot be used, found without connecting (empty: nothing found)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        return [f"database {safe_url(url)}: not a database URL: {exc}"]
    try:
        parsed.get_dialect().import_dbapi()
    except NoSuchModuleError:
        return [f"database {safe_url(url)}: unknown database kind {parsed.drivername!r}"]
    except ImportError as exc:
        return [
            f"database {safe_url(url)}: its driver is not installed ({exc.name or exc}); "
            "for PostgreSQL install advisorywatch with the 'postgres' extra"
        ]
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_problems(parsed)
    return []


def _sqlite_problems(url: URL) -> list[str]:
    if not url.database or url.database == ":memory:":
        return []
    file = Path(url.database)
    where = file.parent
    if not where.is_dir():
        return [f"database {file}: the directory {where} does not exist"]
    if file.exists() and not os.access(file, os.W_OK):
        return [f"database {file}: the file is not writable"]
    # SQLite writes its WAL and journal next to the file. Trying is the only sure test: a
    # read-only mount or a full disk refuses even root, whom os.access() always answers yes.
    try:
        with tempfile.TemporaryFile(dir=where, prefix=".advisorywatch-probe-"):
            pass
    except OSError as exc:
        return [f"database {file}: cannot write in {where}: {exc.strerror or exc}"]
    return []


def connect_problem(url: str) -> str | None:
    """Connect once and read: None when the database answers."""
    from advisorywatch.db.session import make_engine

    engine = make_engine(url, connect_timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return describe_error(url, exc)
    finally:
        engine.dispose()
    return None


def describe_error(url: str, exc: BaseException) -> str:
    """One line: the database (password masked), and the cause without SQL or traceback."""
    cause = getattr(exc, "orig", None) or exc.__cause__ or exc
    first = str(cause).strip().splitlines()
    reason = first[0] if first else type(cause).__name__
    if isinstance(cause, ImportError):
        reason = f"the database driver is not installed ({cause.name or cause})"
    return f"database {safe_url(url)}: {reason}"
