"""Named channels from config, expanded into individual destinations (one Apprise URL each)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from advisorywatch.config import ChannelConfig
from advisorywatch.redaction import redact_url


@dataclass(frozen=True, slots=True)
class Destination:
    channel: str
    key: str  # stable, secret-free identity of the URL, stored in the outbox
    label: str  # redacted, safe to show
    url: str  # carries secrets: never log or store it

    def __repr__(self) -> str:
        return f"Destination({self.channel!r}, {self.label!r})"


def destination_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


class Channels:
    def __init__(self, channels: dict[str, ChannelConfig]) -> None:
        self._by_channel = {
            name: [Destination(name, destination_key(u), redact_url(u), u) for u in ch.urls]
            for name, ch in channels.items()
        }
        self._by_key = {(d.channel, d.key): d for dests in self._by_channel.values() for d in dests}

    def names(self) -> list[str]:
        return list(self._by_channel)

    def destinations(self, channel: str) -> list[Destination]:
        return self._by_channel[channel]

    def lookup(self, channel: str, key: str) -> Destination | None:
        return self._by_key.get((channel, key))
