"""Secret handling: ``${ENV}`` substitution for config values and redaction in all output.

Every value that came from the environment (or a secret file), and every part of a channel
URL that may be a token (:func:`url_secrets`), is registered here, and the logging filter
installed by :func:`install_log_redaction` replaces it with ``***`` wherever it would appear in
a log line of any logger, traceback included.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import sys
import threading
import traceback
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit, urlunsplit

_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_MIN_SECRET_LEN = 4

_lock = threading.Lock()
_secrets: set[str] = set()
# Files holding secrets: what they hold, and the permission bits that must be clear.
_secret_files: dict[Path, tuple[str, int]] = {}
log = logging.getLogger(__name__)


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


def register_secret_file(
    path: Path, holds: str = "notification secrets", private: bool = False
) -> None:
    """Remember that ``path`` holds secrets, for :func:`warn_world_readable_secret_files`;
    ``private``: its group may not read it either (a token file of its own)."""
    mask = stat.S_IROTH | (stat.S_IRGRP if private else 0)
    with _lock:
        _secret_files[path.resolve()] = (holds, mask)


def read_secret_file(path: Path) -> list[str]:
    """Channel URLs from a secret file (one per line; blank lines and ``#`` comments skipped),
    each registered as a secret."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    urls = [ln for ln in lines if ln and not ln.startswith("#")]
    register_secret_file(path)
    for u in urls:
        register_secret(u)
    return urls


# A part of a channel URL shorter than this, or a plain lower-case word (``api``, ``hooks``,
# ``services``: the endpoint a service's URL names), is not a token: tokens that services
# issue are long and mix in digits, capitals or punctuation. A password always is one.
_MIN_TOKEN_LEN = 6
_PLAIN_WORD = re.compile(r"[a-z]+")
# A host name or address is public (it is in the DNS); a "host" that is neither, such as a
# Telegram bot token (tgram://123456:AAH.../chat), is a token.
_HOST = re.compile(r"localhost|[\w-]+(?:\.[\w-]+)+|\[[0-9a-fA-F:.]+\]", re.ASCII)
# Schemes whose URL names topics anyone who knows them may read or post to (ntfy: the topic
# is the password): every topic is a secret, however plain a word it is.
_TOPIC_SCHEMES = frozenset({"ntfy", "ntfys"})


def url_secrets(url: str) -> list[str]:
    """The parts of a channel URL that may be secret, as written and percent-decoded: the
    user and password, a host part that is not a host name, each path segment and each query
    value (Slack, Discord, Teams and most webhooks carry their token in the path)."""
    rest = url.partition("://")[2] if "://" in url else url
    rest, _, query = rest.partition("#")[0].partition("?")
    netloc, _, path = rest.partition("/")
    userinfo, _, hostport = netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    host = hostport.rsplit(":", 1)[0] if re.fullmatch(r".*:\d+", hostport) else hostport
    parts = [user, *([] if _HOST.fullmatch(host) else [hostport, *hostport.split(":")])]
    segments = path.split("/")
    parts += segments + [pair.partition("=")[2] for pair in query.split("&")]
    found = [p for p in parts if _is_token(unquote(p))]
    if url.partition("://")[0].lower() in _TOPIC_SCHEMES:
        topics = segments if _HOST.fullmatch(host) else [host, *segments]
        found += [t for t in topics if len(unquote(t)) >= _MIN_SECRET_LEN]
    if len(unquote(password)) >= _MIN_SECRET_LEN:
        found.append(password)
    return sorted({v for p in found for v in (p, unquote(p))})


def _is_token(part: str) -> bool:
    return len(part) >= _MIN_TOKEN_LEN and not _PLAIN_WORD.fullmatch(part)


def register_url_secrets(url: str) -> None:
    """Register every part of a channel URL that may be secret (:func:`url_secrets`)."""
    for token in url_secrets(url):
        register_secret(token)


def looks_secret(url: str) -> bool:
    """Whether a channel URL as written in the config holds a token literally (one that does
    not come from ``${ENV}``)."""
    return any("${" not in token for token in url_secrets(url))


def warn_world_readable_secret_files() -> None:
    """Log a warning for every file holding secrets that any local user (or for a private
    one, its group) can read."""
    with _lock:
        files = sorted(_secret_files.items())
    for f, (holds, mask) in files:
        try:
            mode = f.stat().st_mode
        except OSError:
            continue
        if mode & mask:
            log.warning(
                "%s holds %s and is readable by %s (mode %s); run: chmod 600 %s",
                f,
                holds,
                "every user" if mode & stat.S_IROTH else "its group",
                oct(stat.S_IMODE(mode)),
                f,
            )


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
    """Rewrites each record's message, traceback and stack with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        clean = redact(msg)
        if clean != msg:
            record.msg = clean
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            # Formatters show exc_text when exc_info is gone (the JSON one would format
            # exc_info again, secrets and all).
            record.exc_text = redact(record.exc_text)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _redacting_excepthook(
    kind: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    sys.stderr.write(redact("".join(traceback.format_exception(kind, exc, tb))))


def install_log_redaction(handler: logging.Handler) -> None:
    """Mask secrets in the handler's output and in uncaught-exception tracebacks."""
    handler.addFilter(RedactingFilter())
    sys.excepthook = _redacting_excepthook
