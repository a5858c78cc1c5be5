"""Where work that every process would otherwise repeat is kept between processes (the places
lookup, :mod:`.places.store`).

The directory is the first of ``$ADVISORYWATCH_CACHE_DIR``, ``$CACHE_DIRECTORY`` (systemd's
``CacheDirectory=``), ``$XDG_CACHE_HOME/advisorywatch`` and ``~/.cache/advisorywatch``,
created private (mode 0700): only this user's processes write what is read from it. Every file
is named by a digest of what it was built from (:func:`content_key`), written under a
temporary name and renamed into place, so a reader sees a whole file or none; one it cannot
read is rebuilt. Without a usable directory nothing is cached and nothing fails.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from functools import cache
from importlib import metadata, resources
from pathlib import Path

log = logging.getLogger(__name__)
ENV_CACHE_DIR = "ADVISORYWATCH_CACHE_DIR"


def cache_dir() -> Path | None:
    """The private cache directory, created when missing; None when none can be used."""
    for env in (ENV_CACHE_DIR, "CACHE_DIRECTORY"):
        value = os.environ.get(env, "").split(":")[0]
        if value:
            return _usable(Path(value))
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return _usable(base / "advisorywatch")


def _usable(path: Path) -> Path | None:
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        log.debug("no cache directory at %s: %s", path, exc)
        return None
    if not os.access(path, os.W_OK | os.X_OK):
        log.debug("no cache directory at %s: not writable", path)
        return None
    st = path.stat()
    if st.st_uid != os.getuid() or st.st_mode & 0o022:
        log.debug("no cache directory at %s: not this user's alone", path)
        return None
    return path


@cache
def code_version() -> str:
    """A digest of the rules package's code and data (``*.py``, ``*.yaml``): a cache built by
    other code is never read."""
    digest = hashlib.sha256()
    root = resources.files("advisorywatch.rules")
    stack = [root]
    files = []
    while stack:
        for entry in stack.pop().iterdir():
            if entry.is_dir():
                stack.append(entry)
            elif entry.name.endswith((".py", ".yaml")):
                files.append(entry)
    for entry in sorted(files, key=str):
        digest.update(str(entry).removeprefix(str(root)).encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()


def content_key(parts: Iterable[str], packages: Iterable[str] = ()) -> str:
    """A short digest of ``parts``, the rules code and the versions of ``packages``."""
    digest = hashlib.sha256(code_version().encode())
    for package in packages:
        digest.update(f"\0{package}={_version(package)}".encode())
    for part in parts:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()[:20]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


# Another version's file goes once no process has opened it for this long: two versions
# sharing the directory (a canary beside the old install) must not delete each other's.
STALE_AFTER_SECONDS = 7 * 86400
# A build's temporary file (written in seconds) left this long was a killed process's.
ABANDONED_AFTER_SECONDS = 86400


def used(path: Path) -> None:
    """Mark ``path`` as in use (its mtime), so that no other version removes it as stale."""
    with contextlib.suppress(OSError):  # a read-only cache still serves: it cannot say so
        os.utime(path)


def write_atomically(path: Path, write: Callable[[Path], None], stale_glob: str = "") -> None:
    """``write`` a temporary file next to ``path``, then rename it to ``path``; files of the
    directory matching ``stale_glob`` (other versions) that no process has opened for
    :data:`STALE_AFTER_SECONDS` are removed, and temporary files of such builds that a killed
    process left for :data:`ABANDONED_AFTER_SECONDS`. A failure leaves no file."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        tmp.chmod(0o600)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    if stale_glob:
        now = time.time()
        _remove_unused(path, path.parent.glob(stale_glob), now - STALE_AFTER_SECONDS)
        _remove_unused(path, path.parent.glob(f".{stale_glob}.*"), now - ABANDONED_AFTER_SECONDS)


def _remove_unused(keep: Path, files: Iterable[Path], unused_since: float) -> None:
    for old in files:
        try:
            if old != keep and old.stat().st_mtime < unused_since:
                old.unlink()
        except OSError:
            continue  # gone meanwhile, or not ours to remove
