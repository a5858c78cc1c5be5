"""Registry of source types: one class per ``type:`` value in config."""

from __future__ import annotations

from typing import TypeVar

from advisorywatch.crawler.sources.base import (
    AdvisoryLevel,
    Fetched,
    ParsedItem,
    SourceConfig,
    SourceError,
    SourceType,
)

SOURCE_TYPES: dict[str, type[SourceType]] = {}

_T = TypeVar("_T", bound=type[SourceType])


def register(cls: _T) -> _T:
    SOURCE_TYPES[cls.type_name] = cls
    return cls


def make_source(config: SourceConfig) -> SourceType:
    return SOURCE_TYPES[config.type](config)


# Importing the modules registers their classes.
from advisorywatch.crawler.sources import feed as _feed  # noqa: E402,F401
from advisorywatch.crawler.sources import html_listing as _html_listing  # noqa: E402,F401
from advisorywatch.crawler.sources import json_api as _json_api  # noqa: E402,F401

__all__ = [
    "SOURCE_TYPES",
    "AdvisoryLevel",
    "Fetched",
    "ParsedItem",
    "SourceConfig",
    "SourceError",
    "SourceType",
    "make_source",
    "register",
]
