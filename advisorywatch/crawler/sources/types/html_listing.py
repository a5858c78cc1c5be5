"""HTML listing pages: selectors (CSS, or XPath when they start with ``/``, ``./`` or ``(``)
pick each item and its title, link, date and summary; ``rel=next`` pages are followed up to
``max_pages``, and with ``follow_links`` each item's article page is fetched for its body and
its ``article:published_time`` / JSON-LD metadata."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import partial
from typing import Any, Literal

from parsel import Selector, SelectorList
from pydantic import BaseModel, ConfigDict, Field, field_validator

from advisorywatch.crawler.sources.base import (
    Fetched,
    FollowUp,
    PagedSource,
    ParseResult,
    SourceConfig,
    SourceError,
)
from advisorywatch.crawler.sources.registry import register
from advisorywatch.crawler.sources.text.dates import parse_date
from advisorywatch.crawler.sources.text.decode import decode
from advisorywatch.crawler.sources.text.html import html_to_text
from advisorywatch.crawler.sources.text.links import resolve
from advisorywatch.model import ParsedItem

_PROBE = Selector(text="<html><body></body></html>")
_META_DATES = (
    "meta[property='article:published_time']::attr(content)",
    "meta[itemprop=datePublished]::attr(content)",
    "time[datetime]::attr(datetime)",
)


def _select(sel: Selector, query: str) -> SelectorList[Selector]:
    if query.startswith(("/", "./", "(")):
        return sel.xpath(query)
    return sel.css(query)


def _check(query: str | None) -> str | None:
    if query is not None:
        try:
            _select(_PROBE, query)
        except Exception as exc:  # cssselect and lxml raise several kinds
            raise ValueError(f"invalid selector {query!r}: {exc}") from None
    return query


class HtmlFields(BaseModel):
    """Selectors evaluated inside each item."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = "a"
    link: str = "a::attr(href)"
    date: str | None = "time::attr(datetime)"
    summary: str | None = None

    @field_validator("title", "link", "date", "summary")
    @classmethod
    def _valid(cls, v: str | None) -> str | None:
        return _check(v)


class HtmlConfig(SourceConfig):
    type: Literal["html"]
    item: str
    fields: HtmlFields = HtmlFields()
    next: str | None = "link[rel=next]::attr(href), a[rel=next]::attr(href)"
    max_pages: int = Field(default=3, ge=1, le=50)
    follow_links: bool = False
    article_body: str | None = None  # default: JSON-LD articleBody, else <article>, <main>

    @field_validator("item", "next", "article_body")
    @classmethod
    def _valid(cls, v: str | None) -> str | None:
        return _check(v)


def _value(sel: Selector, query: str | None) -> str:
    """The first match as text: an attribute or text node as is, an element's text content."""
    if not query:
        return ""
    found = _select(sel, query).get()
    if found is None:
        return ""
    return html_to_text(found) if found.lstrip().startswith("<") else " ".join(found.split())


def _document(fetched: Fetched) -> Selector:
    return Selector(text=decode(fetched.body, fetched.headers.get("content-type")))


@register
class HtmlSource(PagedSource):
    type_name = "html"
    config_model = HtmlConfig
    config: HtmlConfig

    def page(self, number: int, fetched: Fetched) -> ParseResult:
        doc = _document(fetched)
        nodes = _select(doc, self.config.item)
        if number == 1 and not nodes:
            raise SourceError(
                f"{fetched.url}: no items match {self.config.item!r} (not the listing page?)"
            )
        result = ParseResult()
        for node in nodes:
            item = self._item(node, fetched.url)
            if not item.title and not item.url:
                continue
            if self.config.follow_links and item.url:
                article = partial(_article, self.config, item)
                result.follow.append(FollowUp(item.url, article, (item,)))
            else:
                result.items.append(item)
        next_link = partial(_value, doc, self.config.next)
        result.follow += self.next_page(number, self.config.max_pages, fetched, next_link)
        return result

    def _item(self, node: Selector, base_url: str) -> ParsedItem:
        f = self.config.fields
        link = _value(node, f.link)
        summary = _select(node, f.summary).get() if f.summary else None
        return ParsedItem(
            title=_value(node, f.title),
            text=html_to_text(summary or ""),
            url=resolve(base_url, link) if link else None,
            published=parse_date(_value(node, f.date)) if f.date else None,
        )


def _article(config: HtmlConfig, listed: ParsedItem, fetched: Fetched) -> ParseResult:
    """The listing item completed from its article page."""
    doc = _document(fetched)
    ld = _json_ld(doc)
    body_html = _select(doc, config.article_body).get() if config.article_body else None
    text = html_to_text(body_html) if body_html else str(ld.get("articleBody") or "")
    if not text:
        body_html = (doc.css("article") or doc.css("main") or doc.css("body")).get()
        text = html_to_text(body_html or "")
    published = listed.published
    for raw in (*(_value(doc, q) for q in _META_DATES), str(ld.get("datePublished") or "")):
        if published is None and raw:
            published = parse_date(raw)
    title = listed.title or _value(doc, "meta[property='og:title']::attr(content)")
    item = replace(listed, title=title, text=text or listed.text)
    item.published = published
    return ParseResult([item])


def _json_ld(doc: Selector) -> dict[str, Any]:
    """The first JSON-LD object of an article type, or {}."""
    for raw in doc.css("script[type='application/ld+json']::text").getall():
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        for obj in data if isinstance(data, list) else [data]:
            if isinstance(obj, dict) and "Article" in str(obj.get("@type", "")):
                return obj
    return {}
