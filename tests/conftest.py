"""Shared test fixtures: a real feed server and a real notification sink on 127.0.0.1, and a
helper that runs the real ``advisorywatch`` command in a subprocess."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_configure(config: pytest.Config) -> None:
    from reliability import ledger

    ledger.configure()


def pytest_unconfigure(config: pytest.Config) -> None:
    from reliability import ledger

    ledger.remove()


# Tests that never open the database under test: pure code (matching, parsing) and the
# grouping dev set (its own SQLite file). On the PostgreSQL pass they are left out (they ran
# on the SQLite pass), except those that run the CLI (``project``).
_PURE = (FIXTURES.parent / "rules", FIXTURES.parent / "crawler" / "sources")
_OWN_DATABASE = ("test_readme.py", "test_grouping_set.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("ADVISORYWATCH_TEST_POSTGRES"):
        return
    keep, skip = [], []
    for item in items:
        pure = item.path.name in _OWN_DATABASE or any(
            item.path.is_relative_to(folder) for folder in _PURE
        )
        uses_db = "project" in getattr(item, "fixturenames", ())
        (skip if pure and not uses_db else keep).append(item)
    if skip:
        config.hook.pytest_deselected(items=skip)
        items[:] = keep


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The reliability suite's one summary line (tests/reliability/ledger.py), asserted."""
    from reliability import ledger

    total = ledger.total()
    if total is not None:
        terminalreporter.write_line(total.line())
        assert total.healthy(), total.line()


class _Server:
    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> None:
        self.host = host
        self.httpd = ThreadingHTTPServer((host, 0), handler)
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.httpd.server_port

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _FeedHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        server: FeedServer = self.server.owner  # type: ignore[attr-defined]
        path = self.path.split("?")[0]
        with server.lock:
            server.requests.append((path, dict(self.headers)))
            server.arrived.setdefault(path, []).append(time.monotonic())
            body = server.files.get(path)
            status = server.statuses.get(path, 200)
            delay = server.delays.get(path, 0.0)
            server.active[path] = server.active.get(path, 0) + 1
            server.max_active[path] = max(server.max_active.get(path, 0), server.active[path])
            server.most_at_once = max(server.most_at_once, sum(server.active.values()))
        try:
            time.sleep(delay)
            self._respond(server, path, body, status)
        finally:
            with server.lock:
                server.active[path] -= 1

    def _respond(self, server: FeedServer, path: str, body: bytes | None, status: int) -> None:
        if body is None:
            self.send_error(404)
            return
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        if self.headers.get("If-None-Match") == etag and status == 200:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", server.content_types.get(path, "application/rss+xml"))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


class FeedServer(_Server):
    """Serves in-memory files with strong ETags and 304 on If-None-Match, on ``host`` (any
    loopback address: one host as far as per-domain politeness goes)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.lock = threading.Lock()
        self.files: dict[str, bytes] = {}
        self.statuses: dict[str, int] = {}
        self.content_types: dict[str, str] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.arrived: dict[str, list[float]] = {}  # time.monotonic() of each request, per path
        self.delays: dict[str, float] = {}  # seconds to wait before answering
        self.active: dict[str, int] = {}
        self.max_active: dict[str, int] = {}  # most concurrent requests seen per path
        self.most_at_once = 0  # most concurrent requests seen, all paths
        super().__init__(_FeedHandler, host)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def put(
        self,
        path: str,
        body: bytes | str,
        status: int = 200,
        content_type: str = "application/rss+xml",
        delay: float = 0.0,
    ) -> str:
        with self.lock:
            self.delays[path] = delay
            self.files[path] = body.encode() if isinstance(body, str) else body
            self.statuses[path] = status
            self.content_types[path] = content_type
        return self.url(path)

    def hits(self, path: str) -> int:
        with self.lock:
            return sum(1 for p, _ in self.requests if p == path)


class _SinkHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        sink: Sink = self.server.owner  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        with sink.lock:
            status = sink.fail_next.pop(0) if sink.fail_next else 200
            if status == 200:
                sink.received.append(json.loads(raw))
            else:
                sink.rejected += 1
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


class _JsonSink(_Server):
    """An HTTP server on 127.0.0.1 that Apprise ``json://`` notifications are sent to."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.lock = threading.Lock()
        self.received: list[dict[str, Any]] = []
        super().__init__(handler)

    @property
    def apprise_url(self) -> str:
        return f"json://127.0.0.1:{self.port}/notify"

    def titles(self) -> list[str]:
        with self.lock:
            return [m["title"] for m in self.received]


class Sink(_JsonSink):
    """Receives Apprise ``json://`` notifications; can be told to fail the next N requests."""

    def __init__(self) -> None:
        self.fail_next: list[int] = []
        self.rejected = 0
        super().__init__(_SinkHandler)


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def sink() -> Iterator[Sink]:
    server = Sink()
    yield server
    server.close()


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def rss(items: list[dict[str, str]], title: str = "Test feed") -> str:
    """A small RSS 2.0 document; each item has guid, title, description and optionally link."""
    from xml.sax.saxutils import escape

    parts = []
    for it in items:
        link = f"<link>{escape(it['link'])}</link>" if "link" in it else ""
        parts.append(
            f"<item><guid>{escape(it['guid'])}</guid><title>{escape(it['title'])}</title>"
            f"{link}<description>{escape(it.get('description', ''))}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.org/</link>"
        f"<description>test</description>{''.join(parts)}</channel></rss>"
    )


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str
    args: list[str] = field(default_factory=list)


def _statement(query: str, params: dict[str, Any]) -> Any:
    """``query`` as SQLAlchemy text whose datetime parameters are typed, so SQLite stores them in
    SQLAlchemy's format; aware values are converted to naive UTC like the application's columns."""
    from sqlalchemy import DateTime, bindparam, text

    for key, value in params.items():
        if isinstance(value, datetime) and value.tzinfo is not None:
            params[key] = value.astimezone(UTC).replace(tzinfo=None)
    typed = [bindparam(k, type_=DateTime()) for k, v in params.items() if isinstance(v, datetime)]
    return text(query).bindparams(*typed)


class Project:
    """A temporary working directory with a config file and the CLI to run against it.

    Configs in tests name ``sqlite:///state.db``; when the suite runs on PostgreSQL
    (``$ADVISORYWATCH_TEST_POSTGRES``), every command gets a fresh database instead through
    ``$ADVISORYWATCH_DATABASE_URL``.
    """

    def __init__(self, tmp: Path, database_url: str | None = None) -> None:
        self.dir = tmp
        self.config = tmp / "config.yaml"
        self.database_url = database_url

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.dir / 'state.db'}"

    def sql(self, query: str, **params: Any) -> list[tuple[Any, ...]]:
        """Rows of a query against the project's database (SQLite file or PostgreSQL).

        Untyped columns come back as the driver gives them: a datetime is a string on SQLite and
        a naive ``datetime`` on PostgreSQL, a JSON column is text on SQLite and decoded on
        PostgreSQL; see ``db_datetime`` and ``db_json``.
        """
        from sqlalchemy import create_engine

        engine = create_engine(self.effective_database_url)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(_statement(query, params), params)]
        finally:
            engine.dispose()

    def execute(self, statement: str, **params: Any) -> None:
        """Run a write statement with bound ``params`` in a committed transaction.

        A ``datetime`` parameter is stored the way the application stores it (naive UTC).
        """
        from sqlalchemy import create_engine

        engine = create_engine(self.effective_database_url)
        try:
            with engine.begin() as conn:
                conn.execute(_statement(statement, params), params)
        finally:
            engine.dispose()

    def stored_text(self) -> str:
        """Every value of every row of every table, as text: what a secret-leak check searches
        when the database is not a file (PostgreSQL); on SQLite the file bytes say more."""
        from sqlalchemy import MetaData, create_engine, select

        engine = create_engine(self.effective_database_url)
        try:
            metadata = MetaData()
            metadata.reflect(engine)
            with engine.connect() as conn:
                return "\n".join(
                    repr(tuple(row))
                    for table in metadata.sorted_tables
                    for row in conn.execute(select(table))
                )
        finally:
            engine.dispose()

    def write_config(self, text: str) -> Path:
        self.config.write_text(text, encoding="utf-8")
        return self.config

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISORYWATCH")}
        if self.database_url:
            env["ADVISORYWATCH_DATABASE_URL"] = self.database_url
        env.update(extra or {})
        return env

    def cli(self, *args: str, env: dict[str, str] | None = None, timeout: float = 120) -> Result:
        cmd = [sys.executable, "-m", "advisorywatch", "--config", str(self.config), *args]
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=self.env(env), cwd=self.dir
        )
        return Result(proc.returncode, proc.stdout, proc.stderr, cmd)

    def popen(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        cmd = [sys.executable, "-m", "advisorywatch", "--config", str(self.config), *args]
        return subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env(env),
            cwd=self.dir,
        )


POSTGRES = os.environ.get("ADVISORYWATCH_TEST_POSTGRES")
sqlite_only = pytest.mark.skipif(bool(POSTGRES), reason="SQLite-specific")


@pytest.fixture
def database_url() -> Iterator[str | None]:
    """None on SQLite; on PostgreSQL a fresh database per test, dropped afterwards."""
    if not POSTGRES:
        yield None
        return
    from sqlalchemy import create_engine, make_url, text

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def project(tmp_path: Path, database_url: str | None) -> Project:
    return Project(tmp_path, database_url)


@pytest.fixture
def raw_server() -> Iterator[Any]:
    """A :class:`rawserver.RawHttpServer` on 127.0.0.1 (resets, drips, hangs, bombs)."""
    from rawserver import RawHttpServer

    server = RawHttpServer()
    yield server
    server.close()


class _ScriptedSinkHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        sink: ScriptedSink = self.server.owner  # type: ignore[attr-defined]
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with sink.lock:
            sink.requests += 1
            hang = sink.hang_next
            sink.hang_next = False
        if hang:  # hold the sender mid-send; the message is accepted only with hang_accepts
            with sink.lock:
                if sink.hang_accepts:
                    sink.received.append(json.loads(raw))
            sink.hanging.set()
            sink.release.wait(60)
            status, headers = 500, {}
        else:
            status, headers = sink.answer()
        with sink.lock:
            if status == 200:
                sink.received.append(json.loads(raw))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()


class ScriptedSink(_JsonSink):
    """An Apprise ``json://`` sink whose answers are scripted: ``script`` answers the next
    requests in order (status, headers), ``fail_for`` answers ``fail_status`` for that many
    seconds from the first request, ``always`` answers every request with one status, and
    ``hang_next`` holds the next request until ``release`` is set (then refuses it; with
    ``hang_accepts`` the message counts as received first, as a service that acted on it and
    whose answer never came)."""

    def __init__(self) -> None:
        self.requests = 0
        self.script: list[tuple[int, dict[str, str]]] = []
        self.always: int | None = None
        self.fail_for = 0.0
        self.fail_until: float | None = None
        self.fail_status = 500
        self.hang_next = False
        self.hang_accepts = False
        self.hanging = threading.Event()
        self.release = threading.Event()
        super().__init__(_ScriptedSinkHandler)

    def answer(self) -> tuple[int, dict[str, str]]:
        import time

        with self.lock:
            if self.script:
                return self.script.pop(0)
            if self.always is not None:
                return self.always, {}
            if self.fail_until is None:
                self.fail_until = time.monotonic() + self.fail_for
            if time.monotonic() < self.fail_until:
                return self.fail_status, {}
        return 200, {}

    def close(self) -> None:
        self.release.set()
        super().close()


@pytest.fixture
def make_sink() -> Iterator[Any]:
    """A factory of :class:`ScriptedSink`; every sink made is closed after the test."""
    made: list[ScriptedSink] = []

    def make() -> ScriptedSink:
        made.append(ScriptedSink())
        return made[-1]

    yield make
    for s in made:
        s.close()


def one_feed_config(feed: str, sink: Sink, extra: str = "") -> str:
    """A config of one feed fetched every second and one rule notifying ``sink`` (for daemon
    tests); ``extra`` is appended as it is (top-level keys)."""
    return f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: news, type: feed, url: "{feed}", every: 1s}}
rules:
  - {{name: air-strike, concepts: [air_strike], severity: critical, notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
{extra}"""


@contextmanager
def daemon_stderr(
    project: Project, *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """``advisorywatch ARGS`` (e.g. ``run``) running in ``project``, and the lines it writes to
    stderr, collected as they come (an unread pipe would fill and block it). At the end it is
    stopped with SIGTERM and must exit 0; it is killed if anything failed before."""
    proc = project.popen(*args, env=env)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr or ()), daemon=True)
    reader.start()
    try:
        yield proc, lines
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


def wait_for(predicate: Any, timeout: float, what: str) -> None:
    """Poll ``predicate`` every 0.1 s until it is true; fail naming ``what`` after ``timeout``."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def db_datetime(value: Any) -> datetime:
    """A datetime column read by ``Project.sql`` as an aware UTC ``datetime`` (SQLite gives text,
    PostgreSQL a naive datetime)."""
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    return parsed.replace(tzinfo=UTC)


def storm_window_passes(project: Project, window: timedelta) -> None:
    """Each open storm summary is due ``window`` after it opened; move it back by that much,
    as if the window had passed. A test that slept through a window of a few seconds instead
    failed under load: a run slower than the window sent the summary before the test looked."""
    rows = project.sql("SELECT id, created_at, due_at FROM notices WHERE kind = 'storm'")
    assert rows, "no storm summary"
    for notice, created, due in rows:
        assert db_datetime(due) - db_datetime(created) == window
        project.execute(
            "UPDATE notices SET created_at = :created, due_at = :due WHERE id = :id",
            created=db_datetime(created) - window,
            due=db_datetime(due) - window,
            id=notice,
        )


def db_json(value: Any) -> Any:
    """A JSON column read by ``Project.sql`` as Python data (SQLite gives text, PostgreSQL the
    decoded value)."""
    return json.loads(value) if isinstance(value, str) else value


def mounts_in_namespace(tmp: Path, mount: str) -> bool:
    """Whether ``mount`` (a shell command on ``{dir}``, a fresh directory) succeeds in a new
    mount namespace (``unshare -m``: root, or a user namespace), changing nothing outside."""
    import shutil

    if shutil.which("unshare") is None:
        return False
    probe = tmp / "mount-probe"
    probe.mkdir()
    script = mount.format(dir=probe)
    return (
        subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True).returncode == 0
    )
