"""The contract every source type implements, and the config fields all sources share."""

from __future__ import annotations

import ipaddress
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Annotated, Any, ClassVar
from urllib.parse import urlsplit

from pydantic import Field, ValidationInfo, field_validator, model_validator

from advisorywatch.crawler.sources.text.links import resolve
from advisorywatch.model import ParsedItem
from advisorywatch.schema import Secret, Strict, parse_duration, parse_timezone, validate_cron

DEFAULT_EVERY = timedelta(minutes=10)
# Polling someone else's server more often is almost certainly a mistake (a bare `every: 10`
# means seconds) and impolite; a server on this machine (a test, a local relay) may be polled
# as often as wanted.
MIN_EVERY = timedelta(seconds=30)
DEFAULT_JITTER_SHARE = 0.05


class SourceError(Exception):
    """A source answered, but not with what its type can read (a block page, not a feed...)."""


class SourceConfig(Strict):
    """Fields every source has. Source types subclass this with ``type: Literal[...]``."""

    name: str = Field(min_length=1, pattern=r"^[^\x00-\x1f\x7f]+$")
    type: str
    url: str
    every: timedelta | None = None
    cron: str | None = None
    timezone: str = "UTC"
    jitter: timedelta | None = None
    enabled: bool = True
    tags: tuple[str, ...] = ()
    preset: str | None = None  # set by preset resolution (see sources/presets/)
    robots: bool = True  # obey robots.txt; false only with the site owner's blessing
    headers: dict[str, Annotated[str, Secret]] = {}
    proxy: Annotated[str, Secret] | None = None  # http(s)://[user:password@]host:port
    # The source's own host and port may be on a private address (an intranet feed whose
    # name resolves there); one written as a private address is allowed without it.
    allow_private: bool = False

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not v.lower().startswith(("http://", "https://")):
            raise ValueError(f"URL {v!r} must start with http:// or https://")
        return v

    @field_validator("proxy")
    @classmethod
    def _http_proxy(cls, v: str | None) -> str | None:
        if v is not None and not v.lower().startswith(("http://", "https://")):
            raise ValueError("proxy must be an http:// or https:// URL")
        return v

    @field_validator("every", mode="before")
    @classmethod
    def _duration(cls, v: Any, info: ValidationInfo) -> Any:
        every = None if v is None else parse_duration(v)
        host = urlsplit(str(info.data.get("url", ""))).hostname or ""
        if every is not None and every < MIN_EVERY and not _on_this_machine(host):
            raise ValueError(
                f"{every.total_seconds():g} s is below the minimum of "
                f"{MIN_EVERY.total_seconds():g} s for a server not on this machine (a bare "
                "number means seconds: write e.g. 10m)"
            )
        return every

    @field_validator("jitter", mode="before")
    @classmethod
    def _jitter(cls, v: Any) -> Any:
        return None if v is None else parse_duration(v, allow_zero=True)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        parse_timezone(v)
        return v

    @model_validator(mode="after")
    def _one_schedule(self) -> SourceConfig:
        if self.every is not None and self.cron is not None:
            raise ValueError("give either 'every' or 'cron', not both")
        if self.cron is not None:
            validate_cron(self.cron, self.timezone)
        return self

    @property
    def interval(self) -> timedelta | None:
        """The polling interval, or None for cron schedules."""
        if self.cron is not None:
            return None
        return self.every or DEFAULT_EVERY

    @property
    def jitter_seconds(self) -> float:
        """Random delay added to each run so that many sources do not fire in the same second
        (default: 5 % of the interval, none for cron schedules)."""
        if self.jitter is not None:
            return self.jitter.total_seconds()
        interval = self.interval
        return 0.0 if interval is None else interval.total_seconds() * DEFAULT_JITTER_SHARE


@dataclass(frozen=True, slots=True)
class Fetched:
    """One HTTP response, as the crawler hands it to a source type."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A further URL a source wants fetched in the same crawl (next page, article page).

    ``parse`` handles its response; ``fallback`` items are kept when the fetch fails."""

    url: str
    parse: Callable[[Fetched], ParseResult]
    fallback: tuple[ParsedItem, ...] = ()


@dataclass(slots=True)
class ParseResult:
    items: list[ParsedItem] = field(default_factory=list)
    follow: list[FollowUp] = field(default_factory=list)


class SourceType(ABC):
    """A kind of source. Add one by subclassing and decorating with ``@register``."""

    type_name: ClassVar[str]
    config_model: ClassVar[type[SourceConfig]]

    def __init__(self, config: SourceConfig) -> None:
        self.config = config

    def start_urls(self) -> list[str]:
        return [self.config.url]

    @abstractmethod
    def parse(self, fetched: Fetched) -> list[ParsedItem]:
        """Turn a response into items; raise SourceError when it is not what was expected."""

    def parse_result(self, fetched: Fetched) -> ParseResult:
        """Items plus follow-up requests. Types that follow links override this."""
        return ParseResult(self.parse(fetched))


class PagedSource(SourceType):
    """A source whose response may lead to more pages (rel=next, an API's next link) and
    articles: each page is parsed by :meth:`page`, which returns follow-ups for the rest."""

    def parse(self, fetched: Fetched) -> list[ParsedItem]:
        return self.parse_result(fetched).items

    def parse_result(self, fetched: Fetched) -> ParseResult:
        return self.page(1, fetched)

    @abstractmethod
    def page(self, number: int, fetched: Fetched) -> ParseResult:
        """Parse page ``number`` (1 for the configured URL)."""

    def next_page(
        self, number: int, max_pages: int, fetched: Fetched, link: Callable[[], object]
    ) -> list[FollowUp]:
        """Page ``number + 1`` as a follow-up, at ``link()`` resolved against ``fetched.url``.
        ``link`` is looked up only below ``max_pages``; an empty link, or one that is not text,
        ends the paging."""
        if number >= max_pages:
            return []
        found = link()
        if not isinstance(found, str) or not found.strip():
            return []
        return [FollowUp(resolve(fetched.url, found.strip()), partial(self.page, number + 1))]


def _on_this_machine(host: str) -> bool:
    """Whether ``host`` is this machine (a loopback name or address): polling it often
    burdens no one."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
