"""One start-up for the daemon and ``run --once``: memory policy, the asyncio reactor, the
application, the schema and the sources, in that order."""

from __future__ import annotations

import gc
import logging
import subprocess
import sys

from advisorywatch.config import Config
from advisorywatch.crawler.fetch import reactor
from advisorywatch.db.session import Database
from advisorywatch.runtime.app import App
from advisorywatch.runtime.memory import ARENAS, for_bursts, limit_arenas

log = logging.getLogger(__name__)
_UPGRADE = (
    "import sys; from advisorywatch.db.session import Database; "
    "Database(sys.stdin.read()).upgrade()"
)


def boot(config: Config, *, long_lived: bool) -> App:
    """A prepared :class:`App`. ``long_lived`` (the daemon) shares two glibc arenas among all
    threads: this must happen before any thread starts."""
    if long_lived:
        limit_arenas(ARENAS)
    # What start-up builds (modules, the config, the crawler) lives until the process exits:
    # keep the garbage collector's full passes from walking it again and again (frozen here
    # and once more when the rest is built: Scrapy and Twisted are imported in between).
    gc.freeze()
    for_bursts()
    reactor.install()
    linger = config.daemon.store_linger_ms / 1000 if long_lived else 0
    app = App(config, linger=linger, long_lived=long_lived)
    if long_lived:
        upgrade_apart(app.db)
    app.prepare()
    if long_lived:
        # The places store, opened now (milliseconds) rather than by storing a batch again
        # when its first item fires; the first start of a version builds its file here, in
        # a child, not in the middle of a pass.
        app.ingestor.alerter.ready()
    gc.freeze()
    return app


def upgrade_apart(db: Database) -> None:
    """Bring the schema to the newest revision in a child process, if it is not there yet:
    Alembic and the migration scripts would otherwise stay in the daemon for its whole life
    after a first start or an upgrade (bench/README.md, "Daemon memory, third round"). If the
    child fails, the upgrade that :meth:`App.prepare` runs next happens here and reports what
    is wrong."""
    if db.at_head():
        return
    cmd = [sys.executable, "-P", "-c", _UPGRADE]  # the URL on stdin: it may hold a password
    try:
        done = subprocess.run(cmd, input=db.url, capture_output=True, text=True, check=False)
    except OSError as exc:
        log.warning("upgrading the schema in a child process failed (%s): upgrading here", exc)
        return
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        log.warning("upgrading the schema in a child process failed (%s): upgrading here", last)
