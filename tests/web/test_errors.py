"""Errors: pages for browsers (same CSP, no traceback, the request's text escaped), JSON for
the API and feeds, with the same status codes and challenges."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import html

from .conftest import CSP, client

HOSTILE_PATHS = [
    "/<script>alert(1)</script>",
    '/alerts/"><img src=x onerror=alert(1)>',
    "/incidents/%3Csvg%20onload%3Dalert(1)%3E",
    "/static/%3Cscript%3E.css",
    "/\u202egpj.exe",
]


def _error_page(answer: Any, status: int) -> Any:
    assert answer.status_code == status
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.headers["content-security-policy"] == CSP
    assert answer.headers["x-content-type-options"] == "nosniff"
    doc = html.fromstring(answer.text)
    assert doc.xpath("//script") == [] and doc.xpath("//img") == []
    assert not [a for a in doc.xpath("//@*") if a.attrname.lower().startswith("on")]
    assert doc.xpath("//h1/text()")[0].startswith(str(status))
    return doc


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_paths_get_an_inert_error_page(open_client: TestClient, path: str) -> None:
    answer = open_client.get(path)
    doc = _error_page(answer, 404 if "alerts/" not in path and "incidents/" not in path else 422)
    assert "<script>alert" not in answer.text and "<svg onload" not in answer.text
    assert "onerror=alert(1)>" not in answer.text.replace("&gt;", "")  # only escaped
    if answer.status_code == 404:
        assert doc.xpath("//section[@class='error']/p/text()")[0].startswith("There is no page")


def test_a_bad_filter_says_what_is_wrong_on_the_page(open_client: TestClient) -> None:
    answer = open_client.get("/alerts", params={"severity": "<b>fatal</b>", "limit": "x"})
    doc = _error_page(answer, 422)
    assert "severity: one of info, warning, critical" in doc.text_content()
    wrong = open_client.get("/alerts/not-a-number")
    items = _error_page(wrong, 422).xpath("//li")
    assert [li.text_content().split(":")[0] for li in items] == ["path.alert_id"]


def test_unknown_things_are_404_pages(open_client: TestClient) -> None:
    assert "no such alert" in _error_page(open_client.get("/alerts/999999"), 404).text_content()
    assert "no such incident" in _error_page(open_client.get("/incidents/999"), 404).text_content()


def test_the_api_and_feeds_keep_json_errors(open_client: TestClient) -> None:
    missing = open_client.get("/api/v1/alerts/999999")
    assert missing.status_code == 404 and missing.json() == {"detail": "no such alert"}
    assert open_client.get("/api/v1/nothing").json() == {"detail": "Not Found"}
    bad = open_client.get("/feeds/alerts.atom", params={"severity": "x"})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/json"


def test_401_page_challenges_browsers(token_client: TestClient) -> None:
    answer = token_client.get("/alerts")
    doc = _error_page(answer, 401)
    assert answer.headers["www-authenticate"] == 'Basic realm="advisorywatch"'
    assert "read token as the password" in doc.text_content()
    api = token_client.get("/api/v1/alerts")
    assert api.headers["www-authenticate"] == 'Bearer realm="advisorywatch"'
    assert api.json() == {"detail": "a token is needed"}


def test_500_shows_no_traceback(site: Any) -> None:
    db, config, _ = site
    with db.session() as s:  # the database loses a table under the running server
        s.connection().exec_driver_sql("DROP TABLE incident_alerts")
    broken = TestClient(
        client(db, config).app, base_url="http://127.0.0.1", raise_server_exceptions=False
    )
    answer = broken.get("/incidents")
    doc = _error_page(answer, 500)
    text = doc.text_content()
    assert "Something went wrong" in text
    assert "Traceback" not in answer.text and "incident_alerts" not in answer.text
    api = broken.get("/api/v1/incidents")
    assert api.status_code == 500 and api.json() == {
        "detail": "Something went wrong on the server; its log says what."
    }
    assert api.headers["content-security-policy"] == CSP
