"""A ``console://`` Apprise schema: prints notifications to standard output. The default
channel of a fresh install, so alerts are visible before a real channel is configured.
Registered with Apprise by :mod:`.plugins`."""

from __future__ import annotations

import sys
from typing import Any

_RULE = "─" * 72


def console_notify(body: str, title: str, notify_type: str, *args: Any, **kwargs: Any) -> bool:
    out = sys.stdout
    out.write(f"{_RULE}\n{title}\n{_RULE}\n{body}\n\n")
    out.flush()
    return True
