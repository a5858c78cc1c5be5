"""JSON APIs: JMESPath expressions pick the items and map their fields; a ``next`` expression
gives the next page's URL, followed up to ``max_pages``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any, Literal

import jmespath
from jmespath.exceptions import JMESPathError
from pydantic import BaseModel, ConfigDict, Field, field_validator

from advisorywatch.crawler.sources.base import (
    Fetched,
    PagedSource,
    ParseResult,
    SourceConfig,
    SourceError,
)
from advisorywatch.crawler.sources.presets import extractor
from advisorywatch.crawler.sources.registry import register
from advisorywatch.crawler.sources.text.dates import parse_date
from advisorywatch.crawler.sources.text.decode import decode
from advisorywatch.crawler.sources.text.html import html_to_text
from advisorywatch.crawler.sources.text.links import resolve
from advisorywatch.model import ParsedItem


def _check(expr: str | None) -> str | None:
    if expr is not None:
        try:
            jmespath.compile(expr)
        except JMESPathError as exc:
            raise ValueError(f"invalid JMESPath {expr!r}: {exc}") from None
    return expr


class JsonFields(BaseModel):
    """JMESPath expressions evaluated on each item."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    link: str | None = None
    date: str | None = None
    body: str | None = None
    guid: str | None = None

    @field_validator("title", "link", "date", "body", "guid")
    @classmethod
    def _valid(cls, v: str | None) -> str | None:
        return _check(v)


class JsonConfig(SourceConfig):
    type: Literal["json"]
    items: str = "@"
    fields: JsonFields
    next: str | None = None
    max_pages: int = Field(default=5, ge=1, le=100)

    @field_validator("items", "next")
    @classmethod
    def _valid(cls, v: str | None) -> str | None:
        return _check(v)


@register
class JsonSource(PagedSource):
    type_name = "json"
    config_model = JsonConfig
    config: JsonConfig

    def page(self, number: int, fetched: Fetched) -> ParseResult:
        try:
            doc = json.loads(decode(fetched.body, fetched.headers.get("content-type")))
        except ValueError as exc:
            raise SourceError(f"{fetched.url} is not JSON: {exc}") from None
        found = jmespath.search(self.config.items, doc)
        if not isinstance(found, list):
            raise SourceError(
                f"{fetched.url}: items expression {self.config.items!r} gave "
                f"{type(found).__name__}, not a list"
            )
        levels = extractor(self.config.preset)
        items = []
        for raw in found:
            if not isinstance(raw, Mapping):
                continue
            item = self._item(raw, fetched.url)
            if levels is not None:
                item.advisory = levels.advisory(raw, item)
            items.append(item)
        follow = []
        if self.config.next:
            next_link = partial(jmespath.search, self.config.next, doc)
            follow = self.next_page(number, self.config.max_pages, fetched, next_link)
        return ParseResult(items, follow)

    def _item(self, raw: Mapping[str, Any], base_url: str) -> ParsedItem:
        f = self.config.fields
        body = _text(raw, f.body)
        link = _text(raw, f.link)
        return ParsedItem(
            title=html_to_text(_text(raw, f.title)),
            text=html_to_text(body),
            url=resolve(base_url, link) if link else None,
            guid=_text(raw, f.guid) or None,
            published=_date(jmespath.search(f.date, raw)) if f.date else None,
        )


def _text(raw: Mapping[str, Any], expr: str | None) -> str:
    if expr is None:
        return ""
    value = jmespath.search(expr, raw)
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _date(value: Any) -> datetime | None:
    """Epoch seconds (or milliseconds) or any date text ``parse_date`` reads."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(seconds, tz=UTC)
    if isinstance(value, str):
        return parse_date(value)
    return None
