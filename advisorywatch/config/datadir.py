"""Where the database lives when ``database.url`` is not set: the first of

1. ``$ADVISORYWATCH_DATA_DIR`` (the container image sets it to its ``/data`` volume),
2. ``$STATE_DIRECTORY`` (systemd sets it from ``StateDirectory=``; the first when several),
3. the config file's directory, when it is writable,
4. the current directory.

The config directory is often read-only (``/etc/advisorywatch`` under ``ProtectSystem``, a
config mounted read-only in a container), so it comes after the two that deployments set."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATA_DIR = "ADVISORYWATCH_DATA_DIR"
DATABASE_FILE = "advisorywatch.db"


def data_dir(config_path: Path) -> Path:
    for env in (ENV_DATA_DIR, "STATE_DIRECTORY"):
        value = os.environ.get(env, "").split(":")[0]
        if value:
            return Path(value)
    config_dir = config_path.resolve().parent
    if os.access(config_dir, os.W_OK | os.X_OK):
        return config_dir
    return Path.cwd()


def default_database_url(config_path: Path) -> str:
    return f"sqlite:///{(data_dir(config_path) / DATABASE_FILE).resolve()}"
