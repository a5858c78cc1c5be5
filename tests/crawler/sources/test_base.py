"""The paging every paged source type shares: which next page, if any, becomes a follow-up."""

from __future__ import annotations

import json

import pytest

from advisorywatch.crawler.sources.base import Fetched
from advisorywatch.crawler.sources.registry import SOURCE_TYPES, make_source
from advisorywatch.crawler.sources.types.json_api import JsonSource

PAGE = "https://api.example.org/v1/reports?page=1"


def _source() -> JsonSource:
    cfg = SOURCE_TYPES["json"].config_model.model_validate(
        {"name": "j", "type": "json", "url": PAGE, "items": "data", "fields": {"title": "t"}}
    )
    source = make_source(cfg)
    assert isinstance(source, JsonSource)
    return source


@pytest.mark.parametrize(
    ("number", "link", "url"),
    [
        (1, "?page=2", "https://api.example.org/v1/reports?page=2"),  # resolved
        (1, "  /v2/next  ", "https://api.example.org/v2/next"),  # stripped
        (2, "?page=3", "https://api.example.org/v1/reports?page=3"),
        (3, "?page=4", None),  # max_pages read
        (1, "", None),
        (1, "   ", None),
        (1, None, None),
        (1, 2, None),  # not text
        (1, ["?page=2"], None),
    ],
)
def test_next_page(number: int, link: object, url: str | None) -> None:
    source = _source()
    fetched = Fetched(PAGE, 200, {}, b"{}")
    follow = source.next_page(number, 3, fetched, lambda: link)
    assert [f.url for f in follow] == ([url] if url else [])


def test_next_page_is_parsed_as_the_following_page_and_not_looked_up_after_the_last() -> None:
    source = _source()
    fetched = Fetched(PAGE, 200, {}, b"{}")
    (follow,) = source.next_page(1, 2, fetched, lambda: "?page=2")
    page2 = Fetched(follow.url, 200, {}, json.dumps({"data": [{"t": "Second"}]}).encode())
    assert [i.title for i in follow.parse(page2).items] == ["Second"]

    def never() -> object:
        raise AssertionError("looked up on the last page")

    assert source.next_page(2, 2, fetched, never) == []
