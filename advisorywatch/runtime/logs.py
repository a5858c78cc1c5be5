"""Logging to stderr with secrets redacted."""

from __future__ import annotations

import logging
import sys

from advisorywatch.redaction import install_log_redaction

_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_JSON_FIELDS = ["asctime", "levelname", "name", "message"]
_QUIET = ("scrapy", "twisted", "apprise", "apscheduler", "alembic", "filelock", "asyncio")


def setup_logging(level: str, fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter(_JSON_FIELDS, rename_fields={"levelname": "level"}))
    else:
        handler.setFormatter(logging.Formatter(_FORMAT))
    install_log_redaction(handler)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_level = logging.DEBUG if level == "DEBUG" else logging.WARNING
    for name in _QUIET:
        logging.getLogger(name).setLevel(quiet_level)
    # Scrapy's "gave up retrying" and robots.txt download errors (with a traceback) repeat
    # what advisorywatch reports per source.
    for name in ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt"):
        logging.getLogger(name).setLevel(logging.DEBUG if level == "DEBUG" else logging.CRITICAL)
