"""Secret handling: ``${ENV}`` substitution for config values and redaction in all output.

Every value that came from the environment (or a secret file) is registered here, and the
logging filter installed by :func:`install_log_redaction` replaces it with ``***`` wherever it
would appear in a log line.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_MIN_SECRET_LEN = 4

_lock = threading.Lock()
_secrets: set[str] = set()


class MissingEnvironmentVariable(KeyError):
    """A ``${NAME}`` reference names a variable that is not set."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"environment variable {self.name} is not set"


def register_secret(value: str) -> None:
    """Remember ``value`` so that it is masked in every log line."""
    if len(value) >= _MIN_SECRET_LEN:
        with _lock:
            _secrets.add(value)


def expand_env(text: str, environ: Mapping[str, str] | None = None) -> str:
    """Replace ``${NAME}`` with the variable's value, registering each value as a secret."""
    env = os.environ if environ is None else environ

    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in env:
            raise MissingEnvironmentVariable(name)
        value = env[name]
        register_secret(value)
        return value

    return _ENV_RE.sub(repl, text)


def redact(text: str) -> str:
    """Mask registered secrets and URL credentials in ``text``."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for s in secrets:
        if s in text:
            text = text.replace(s, "***")
    return _USERINFO_RE.sub(r"\1***@", text)


_USERINFO_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@")


def redact_url(url: str) -> str:
    """Show only scheme and host of an Apprise URL: tokens usually live in the path or query."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid url>"
    host = parts.hostname or ""
    if not parts.path.strip("/") and not parts.query and not parts.username:
        return urlunsplit((parts.scheme, host, "", "", ""))
    return f"{parts.scheme}://{host}/***" if host else f"{parts.scheme}://***"


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        clean = redact(msg)
        if clean != msg:
            record.msg = clean
            record.args = None
        return True


def install_log_redaction(handler: logging.Handler) -> None:
    handler.addFilter(RedactingFilter())
