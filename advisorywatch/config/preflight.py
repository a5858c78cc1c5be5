"""Everything a loaded config can be checked for without sending or connecting: its
channels (URLs, templates) and its database URL."""

from __future__ import annotations

from collections.abc import Iterator

from advisorywatch.config.schema import Config
from advisorywatch.db.preflight import url_problems
from advisorywatch.notifier.preflight import Loc, channel_problems, channel_url_problems


def config_problems(config: Config, *, urls: bool = True) -> Iterator[tuple[Loc, str]]:
    for problem in url_problems(config.database.url):
        yield ("database", "url"), problem
    if urls:
        yield from channel_url_problems(config.channels)
    for name, channel in config.channels.items():
        yield from channel_problems(name, channel)
