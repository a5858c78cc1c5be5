"""A ``console://`` Apprise schema: prints notifications to standard output. The default
channel of a fresh install, so alerts are visible before a real channel is configured."""

from __future__ import annotations

import sys
import threading
from types import ModuleType
from typing import Any

_RULE = "─" * 72
_lock = threading.Lock()
_registered = False


def console_notify(body: str, title: str, notify_type: str, *args: Any, **kwargs: Any) -> bool:
    out = sys.stdout
    out.write(f"{_RULE}\n{title}\n{_RULE}\n{body}\n\n")
    out.flush()
    return True


def apprise_with_console() -> ModuleType:
    """The ``apprise`` module with ``console://`` registered, imported on first use rather than
    at start: importing Apprise takes ~0.5 s, and its first URL (or registration) loads every
    plugin it has (~1 s, ~25 MB), which a pass that sends nothing does not need."""
    global _registered
    with _lock:
        import apprise
        from apprise.decorators import notify

        if not _registered:
            notify(on="console", name="Console output")(console_notify)  # type: ignore[no-untyped-call]
            _registered = True
        return apprise
