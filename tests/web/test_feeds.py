"""Atom (RFC 4287) and JSON Feed 1.1: valid, filterable, hostile text inert."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from lxml import etree

from .conftest import ADMIN, READ, bearer

A = "{http://www.w3.org/2005/Atom}"


def _atom(client: TestClient, **params: str) -> Any:
    answer = client.get("/feeds/alerts.atom", params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/atom+xml; charset=utf-8"
    return etree.fromstring(answer.content)  # well-formed, or this raises


def test_atom_is_valid_rfc4287(open_client: TestClient, site: Any) -> None:
    _, _, ids = site
    feed = _atom(open_client)
    assert feed.tag == f"{A}feed"
    for required in ("id", "title", "updated", "author"):
        assert len(feed.findall(f"{A}{required}")) == 1, required
    assert feed.find(f"{A}author/{A}name").text == "advisorywatch"
    assert feed.find(f"{A}link[@rel='self']").get("href") == ("http://127.0.0.1/feeds/alerts.atom")
    entries = feed.findall(f"{A}entry")
    assert len(entries) == len(ids["alerts"])
    entry_ids = [e.findtext(f"{A}id") for e in entries]
    assert len(set(entry_ids)) == len(entry_ids)
    assert entry_ids == [f"urn:advisorywatch:alert:{i}" for i in sorted(ids["alerts"])[::-1]]
    for e in entries:
        for required in ("id", "title", "updated"):
            assert len(e.findall(f"{A}{required}")) == 1, required
        assert e.find(f"{A}title").get("type") == "text"
        assert e.findtext(f"{A}updated").endswith("Z")
        alternates = e.findall(f"{A}link[@rel='alternate']")
        assert len(alternates) == 1 and alternates[0].get("href").startswith("http://127.0.0.1/")
        for link in e.findall(f"{A}link"):
            assert link.get("href").startswith(("http://", "https://"))
    assert feed.findtext(f"{A}updated") == max(e.findtext(f"{A}updated") for e in entries)


def test_atom_keeps_hostile_text_as_text(open_client: TestClient, site: Any) -> None:
    _, _, ids = site
    feed = _atom(open_client)
    titles = [e.findtext(f"{A}title") for e in feed.iter(f"{A}entry")]
    assert "[critical] air-strike: <script>alert(1)</script> Embassy closed" in titles
    assert "[critical] air-strike: Invoice [U+202E]gpj.exe air strike" in titles
    assert "[critical] air-strike: Nullbyte  and  air strike" in titles  # illegal chars gone
    hostile = {f"urn:advisorywatch:alert:{i}" for i in ids["hostile"]}
    for e in feed.iter(f"{A}entry"):
        if e.findtext(f"{A}id") in hostile:
            assert e.findall(f"{A}link[@rel='related']") == []  # no javascript: link


def test_atom_filters(open_client: TestClient) -> None:
    feed = _atom(open_client, severity="warning")
    assert [e.findtext(f"{A}title") for e in feed.iter(f"{A}entry")] == [
        "[warning] air-strike: Ukraine: shelling reported in Kharkiv, embassy staff relocated "
        "to Lviv",
        "[warning] embassy-closed: Ukraine - Level 4: Do Not Travel",
    ]
    assert feed.findtext(f"{A}id") == "urn:advisorywatch:alerts:severity=warning"
    by_source = _atom(open_client, source="usembassy-ua", rule="air-strike")
    assert len(by_source.findall(f"{A}entry")) == 2
    assert _atom(open_client, rule="no-such-rule").findall(f"{A}entry") == []


def test_json_feed_1_1(open_client: TestClient, site: Any) -> None:
    _, _, ids = site
    answer = open_client.get("/feeds/alerts.json", params={"rule": "air-strike"})
    assert answer.headers["content-type"] == "application/feed+json; charset=utf-8"
    doc = answer.json()
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["title"] and doc["feed_url"].endswith("/feeds/alerts.json?rule=air-strike")
    items = doc["items"]
    assert [i["id"] for i in items] == [str(i) for i in sorted(set(ids["alerts"]) - {3, 4})[::-1]]
    assert all(i["url"].startswith("http://127.0.0.1/alerts/") for i in items)
    assert all("external_url" not in i for i in items if int(i["id"]) in ids["hostile"])
    assert any(i["title"].endswith("<script>alert(1)</script> Embassy closed") for i in items)
    assert not any("\u202e" in i["title"] for i in items)


def test_feed_token_in_the_query_string_only_for_reading(token_client: TestClient) -> None:
    assert token_client.get("/feeds/alerts.atom").status_code == 401
    assert token_client.get("/feeds/alerts.atom", params={"token": "x" * 20}).status_code == 401
    answer = token_client.get("/feeds/alerts.atom", params={"token": READ, "severity": "info"})
    assert answer.status_code == 200
    self_link = etree.fromstring(answer.content).find(f"{A}link[@rel='self']").get("href")
    assert READ not in self_link and self_link.endswith("?severity=info")
    assert token_client.get("/feeds/alerts.json", headers=bearer(ADMIN)).status_code == 200
    # the admin token is refused in a URL, where logs and proxies keep it
    assert token_client.get("/feeds/alerts.json", params={"token": ADMIN}).status_code == 401


def test_public_url_names_the_links(site: Any) -> None:
    from .conftest import client

    db, config, _ = site
    behind_proxy = config.model_copy(
        update={"web": config.web.model_copy(update={"public_url": "https://watch.example.org/"})}
    )
    doc = client(db, behind_proxy).get("/feeds/alerts.json").json()
    assert doc["home_page_url"] == "https://watch.example.org/alerts"
    assert doc["items"][0]["url"].startswith("https://watch.example.org/alerts/")


def test_feeds_filter_by_place(open_client: TestClient, site: Any) -> None:
    _, _, ids = site
    feed = _atom(open_client, place="Київ")
    entries = feed.findall(f"{A}entry")
    assert [e.findtext(f"{A}id") for e in entries] == [
        f"urn:advisorywatch:alert:{ids['alerts'][n]}" for n in (4, 3, 1, 0)
    ]
    assert all(
        e.find(f"{A}category[@term='geonames:703448']").get("label") == "Kyiv, Ukraine"
        for e in entries
    )
    assert feed.findtext(f"{A}id") == "urn:advisorywatch:alerts:place=geonames%3A703448"
    doc = open_client.get("/feeds/alerts.json", params={"place": "ua", "severity": "warning"})
    items = doc.json()["items"]
    assert [i["id"] for i in items] == [str(ids["alerts"][5]), str(ids["alerts"][2])]
    assert "Lviv, Ukraine" in items[0]["tags"] and "places: Ukraine" in items[1]["content_text"]
    assert open_client.get("/feeds/alerts.json", params={"place": "Kyyv"}).status_code == 422
