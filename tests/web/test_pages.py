"""The pages: content, headers, access, and hostile text shown as text."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree, html

from advisorywatch.db.models import Alert

from .conftest import ADMIN, CSP, HOSTILE, READ, bearer

PAGES = ["/", "/alerts", "/alerts/1", "/incidents", "/incidents/1", "/sources"]


def _doc(answer: Any) -> Any:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    return html.fromstring(answer.text)


@pytest.mark.parametrize(
    "path", [*PAGES, "/charts/alerts.svg", "/feeds/alerts.atom", "/static/style.css"]
)
def test_security_headers_everywhere(open_client: TestClient, path: str) -> None:
    answer = open_client.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-security-policy"] == CSP
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in answer.headers
    assert "server" not in answer.headers
    if not path.startswith("/static/"):
        assert answer.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_script_and_only_own_styles(open_client: TestClient, path: str) -> None:
    doc = _doc(open_client.get(path))
    assert doc.xpath("//script") == []
    assert doc.xpath("//*[@style]") == [] and doc.xpath("//style") == []
    assert not [a for a in doc.xpath("//@*") if a.attrname.lower().startswith("on")]
    assert doc.xpath("//link[@rel='stylesheet']/@href") == ["/static/style.css"]
    assert doc.xpath("//link[@rel='icon']/@href") == ["/static/favicon.svg"]
    for href in doc.xpath("//a/@href"):
        assert href.startswith(("/", "?", "#", "http://", "https://")), href


@pytest.mark.parametrize("path", PAGES)
def test_hostile_text_is_text(open_client: TestClient, path: str) -> None:
    page = open_client.get(path).text
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert 'href="javascript:' not in page.lower()
    assert "\u202e" not in page and "\x01" not in page


def test_alerts_page_shows_hostile_titles_literally(open_client: TestClient) -> None:
    doc = _doc(open_client.get("/alerts"))
    titles = [t.text_content() for t in doc.xpath("//bdi[@class='title']")]
    assert HOSTILE[0] in titles and HOSTILE[1] in titles
    assert "Invoice [U+202E]gpj.exe air strike" in titles
    assert "Nullbyte  and  air strike" in titles
    assert doc.xpath("//img") == []
    codes = [c.text_content() for c in doc.xpath("//p[@class='link']/code")]
    assert codes.count("javascript:alert(document.domain)") == len(HOSTILE)
    errors = doc.xpath("//td[contains(., 'HTTP 500')]/text()")
    assert "HTTP 500 <script>alert(2)</script>" in errors


def test_overview(open_client: TestClient) -> None:
    doc = _doc(open_client.get("/"))
    text = re.sub(r"\s+", " ", doc.text_content())
    assert "running" in text and "on watch-1 (pid 4242)" in text
    assert "2 waiting" in text
    assert "1 of 3 ok" in text
    assert "news-id: HTTP 503 <b>Service Unavailable</b>" in text  # shown, not markup
    assert doc.xpath("//img[@class='chart']/@src") == ["/charts/alerts.svg?days=30"]
    assert len(doc.xpath("//article[contains(@class, 'alert')]")) == 10


def test_alerts_filters_and_details(open_client: TestClient, site: Any) -> None:
    _, _, ids = site
    doc = _doc(open_client.get("/alerts", params={"severity": "warning", "since": "30d"}))
    assert [" ".join(h.text_content().split()) for h in doc.xpath("//article//h3")] == [
        "warning Ukraine: shelling reported in Kharkiv, embassy staff relocated to Lviv",
        "warning Ukraine - Level 4: Do Not Travel",
    ]
    assert doc.xpath("//select[@name='severity']/option[@selected]/text()") == ["warning"]
    assert doc.xpath("//input[@name='since']/@value") == ["30d"]
    feeds = doc.xpath("//form//a/@href")
    assert feeds[0] == "/feeds/alerts.atom?severity=warning&since=30d"  # still relative
    one = _doc(open_client.get(f"/alerts/{ids['alerts'][0]}"))
    rows = [[td.text_content() for td in tr.xpath("td")] for tr in one.xpath("//tbody/tr")]
    assert {(r[0], r[2], r[3]) for r in rows} == {("ops", "sent", "1"), ("duty", "sent", "2")}
    assert len(one.xpath("//details[@open]")) == 1
    assert one.xpath("//p[@class='link']/a/@href") == [
        "https://ua.usembassy.gov/security-alert-air-strike/"
    ]
    assert one.xpath("//a[starts-with(@href, '/incidents/')]/text()") == [
        f"incident {ids['incident']}"
    ]
    assert open_client.get("/alerts/999999").status_code == 404


def test_an_alert_says_why_it_is_below_its_rules_severity(
    open_client: TestClient, site: Any
) -> None:
    db, _, ids = site
    lowered, plain = ids["alerts"][:2]
    reason = "lowered to info by embassy_reopened"
    with db.session() as s:
        s.get(Alert, lowered).lowered = reason
    one = _doc(open_client.get(f"/alerts/{lowered}"))
    assert one.xpath("//span[@class='lowered']/text()") == [reason]
    assert open_client.get(f"/api/v1/alerts/{lowered}").json()["lowered"] == reason
    assert not _doc(open_client.get(f"/alerts/{plain}")).xpath("//span[@class='lowered']")
    assert open_client.get(f"/api/v1/alerts/{plain}").json()["lowered"] == ""


def test_incidents_and_sources(open_client: TestClient, site: Any) -> None:
    _, _, ids = site
    doc = _doc(open_client.get(f"/incidents/{ids['incident']}"))
    assert doc.xpath("//h1/text()") == [f"Incident {ids['incident']}"]
    assert [r.xpath("td[2]/text()")[0] for r in doc.xpath("//tbody/tr")] == [
        "usembassy-ua",
        "news-id",
    ]
    sources = _doc(open_client.get("/sources"))
    rows = {
        tr.xpath("td[1]")[0].text_content(): [td.text_content() for td in tr.xpath("td")]
        for tr in sources.xpath("//tbody/tr")
    }
    assert rows["news-id"][1] == "failing" and rows["news-id"][4] == "4"
    assert rows["usembassy-ua"][5] == "12"
    assert rows["state-dept"][1] == "degraded"


def test_chart_is_svg_with_a_bar_per_severity(open_client: TestClient) -> None:
    answer = open_client.get("/charts/alerts.svg", params={"days": 14})
    assert answer.headers["content-type"] == "image/svg+xml"
    svg = etree.fromstring(answer.content)
    ns = {"s": "http://www.w3.org/2000/svg"}
    tips = svg.xpath("//s:rect/s:title/text()", namespaces=ns)
    assert sum(int(t.split()[1]) for t in tips) == 10
    assert {t.split()[2] for t in tips} == {"info", "warning", "critical"}
    assert svg.xpath("//s:script", namespaces=ns) == []
    assert open_client.get("/charts/alerts.svg", params={"days": 0}).status_code == 422


def test_pages_ask_a_browser_for_the_token(token_client: TestClient) -> None:
    answer = token_client.get("/")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Basic realm="advisorywatch"'
    basic = base64.b64encode(f"anyone:{READ}".encode()).decode()
    assert token_client.get("/", headers={"Authorization": f"Basic {basic}"}).status_code == 200
    assert token_client.get("/sources", headers=bearer(ADMIN)).status_code == 200
    assert token_client.get("/", params={"token": READ}).status_code == 401
    assert token_client.get("/static/style.css").status_code == 200  # no data in it


def test_without_tokens_only_a_loopback_host_is_served(open_client: TestClient) -> None:
    for host in ("127.0.0.1:8470", "localhost", "[::1]:8470"):
        assert open_client.get("/", headers={"Host": host}).status_code == 200
    rebound = open_client.get("/", headers={"Host": "attacker.example:8470"})
    assert rebound.status_code == 421
    assert rebound.headers["content-security-policy"] == CSP


def test_tokens_serve_any_host(token_client: TestClient) -> None:
    answer = token_client.get("/", headers={"Host": "watch.example.org", **bearer(READ)})
    assert answer.status_code == 200


def test_alerts_page_filters_by_place(open_client: TestClient, site: Any) -> None:
    _, _, ids = site
    doc = _doc(open_client.get("/alerts", params={"place": "Київ", "severity": "critical"}))
    shown = [int(a.get("id").removeprefix("alert-")) for a in doc.xpath("//article")]
    assert shown == [ids["alerts"][n] for n in (4, 1, 0)]
    assert doc.xpath("//input[@name='place']/@value") == ["Київ"]
    assert doc.xpath("//form//a/@href")[0] == (
        "/feeds/alerts.atom?place=%D0%9A%D0%B8%D1%97%D0%B2&severity=critical"
    )
    # each alert's places link to the alerts about that place
    assert "/alerts?place=geonames%3A703448" in doc.xpath("//article//p[@class='meta']//a/@href")
    bad = open_client.get("/alerts", params={"place": "Kyyv"})
    assert bad.status_code == 422 and "did you mean" in bad.text
