"""Named channels from config, expanded into individual destinations (one Apprise URL each)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from advisorywatch.model import SEVERITY_RANK
from advisorywatch.notifier.config import ChannelConfig, NotifierConfig
from advisorywatch.notifier.message import Templates
from advisorywatch.notifier.plugins import instantiate
from advisorywatch.redaction import redact, redact_url
from advisorywatch.rules.places.where import Where


@dataclass(frozen=True)
class Destination:
    channel: str
    key: str  # stable, secret-free identity of the URL, stored in the outbox
    url: str  # carries secrets: never log or store it

    @cached_property
    def label(self) -> str:
        """Redacted, safe to show; worked out when first needed (it takes Apprise)."""
        return destination_label(self.url)

    def __repr__(self) -> str:
        return f"Destination({self.channel!r}, {self.label!r})"


def destination_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


# Generic webhooks: Apprise shows their path, which often is the secret (/hooks/T0K3N).
_PATH_IS_SECRET = frozenset({"json", "jsons", "form", "forms", "xml", "xmls"})


def destination_label(url: str) -> str:
    """Apprise's privacy form of the URL (service tokens shortened, passwords starred)
    without its query, the path of generic webhooks masked, and every registered secret
    masked as well: e.g. ``slack://T...A/T...B/T...C/%23ops``, ``json://u:****@host:8080/***``."""
    plugin = instantiate(url)
    if plugin is None:
        return redact_url(url)
    private = str(plugin.url(privacy=True))
    parts = urlsplit(private)
    path = "/***" if parts.scheme in _PATH_IS_SECRET and parts.path.strip("/") else parts.path
    return redact(urlunsplit((parts.scheme, parts.netloc, path, "", "")))


class Channels:
    """The configured channels, their destinations and templates, and the ``notifier``
    settings that decide how alerts are routed to them."""

    def __init__(
        self, channels: dict[str, ChannelConfig], settings: NotifierConfig | None = None
    ) -> None:
        self.configs = channels
        self.settings = settings or NotifierConfig()
        self._by_channel = {
            name: [Destination(name, destination_key(u), u) for u in ch.urls]
            for name, ch in channels.items()
        }
        self._by_key = {(d.channel, d.key): d for dests in self._by_channel.values() for d in dests}
        self._templates: dict[str, Templates] = {}  # compiled when a channel first renders
        self._where = {name: Where.of(ch.countries, ch.places) for name, ch in channels.items()}

    def names(self) -> list[str]:
        return list(self._by_channel)

    def destinations(self, channel: str) -> list[Destination]:
        return self._by_channel[channel]

    def lookup(self, channel: str, key: str) -> Destination | None:
        return self._by_key.get((channel, key))

    def templates(self, channel: str) -> Templates:
        """The channel's templates; a channel no longer in the config gets the defaults."""
        if channel not in self._templates:
            self._templates[channel] = Templates(self.configs.get(channel))
        return self._templates[channel]

    def accepts(
        self, channel: str, severity: str, places: Sequence[Mapping[str, Any]] | None = None
    ) -> bool:
        """Whether the channel wants alerts of this severity (its ``min_severity``) about these
        places (its ``countries`` and ``places``, when it has them)."""
        if SEVERITY_RANK[severity] < SEVERITY_RANK[self.configs[channel].min_severity]:
            return False
        where = self._where[channel]
        return where is None or where.covers(places)
