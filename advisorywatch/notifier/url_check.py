"""Whether channel URLs load in Apprise, checked in a child process when this one has not
loaded Apprise yet.

Apprise and what it imports (requests, ~22 MB) stay for the life of the process. The daemon
checks its channels' URLs at start and may then send nothing for days: checked in a
short-lived child, the daemon loads Apprise at its first send instead (bench/README.md,
"Daemon memory, third round"). Once a process holds Apprise, checking in it costs only the
plugins the URLs need (:mod:`.plugins`).

Run as ``python -m advisorywatch.notifier.url_check``: reads a JSON list of URLs on standard
input (never the command line: URLs carry secrets) and writes a JSON list of booleans. The
child loads every plugin, as Apprise would, and caches the plugin index while it has them.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence

from advisorywatch.notifier import plugins
from advisorywatch.notifier.child import FAILURES, answer_of

log = logging.getLogger(__name__)


def loadable(urls: Sequence[str]) -> list[bool]:
    """For each URL, whether Apprise can build a destination from it."""
    if not urls:
        return []
    if "apprise" in sys.modules:
        return _here(urls)
    try:
        return _in_child(urls)
    except FAILURES as exc:
        log.warning("checking the channel URLs in a child process failed (%s): checked here", exc)
        return _here(urls)


def _here(urls: Sequence[str]) -> list[bool]:
    return [plugins.instantiate(url) is not None for url in urls]


def _in_child(urls: Sequence[str]) -> list[bool]:
    answer = answer_of(__name__, json.dumps(list(urls)))
    if not isinstance(answer, list) or len(answer) != len(urls):
        raise ValueError(f"unexpected answer {str(answer)[-200:]!r}")
    return [bool(ok) for ok in answer]


def main() -> None:
    urls = json.load(sys.stdin)
    plugins.load_everything()
    print(json.dumps(_here([str(url) for url in urls])))
    plugins.save_index()


if __name__ == "__main__":
    main()
