"""/api/v1: every endpoint and status code, with and without tokens."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from advisorywatch.config.load import load_config
from advisorywatch.db.models import utcnow
from advisorywatch.db.session import Database
from advisorywatch.web.auth import Tokens

from .conftest import ADMIN, READ, bearer, client
from conftest import FeedServer, Project, Sink, rss

Site = Any

READ_PATHS = [
    "/api/v1/alerts",
    "/api/v1/alerts/1",
    "/api/v1/incidents",
    "/api/v1/incidents/1",
    "/api/v1/sources",
    "/api/v1/status",
    "/api/v1/silences",
    "/api/v1/silence/1",
]


def _silence(**over: Any) -> dict[str, Any]:
    body = {
        "matchers": [{"name": "rule", "value": "air-strike", "isRegex": False, "isEqual": True}],
        "endsAt": (utcnow() + timedelta(hours=2)).isoformat(),
        "createdBy": "duty@example.org",
        "comment": "planned exercise",
    }
    return {**body, **over}


@pytest.mark.parametrize("path", READ_PATHS)
def test_reads_need_a_token_when_tokens_are_configured(token_client: TestClient, path: str) -> None:
    anonymous = token_client.get(path)
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == 'Bearer realm="advisorywatch"'
    assert token_client.get(path, headers=bearer("wrong-token-0123456789")).status_code == 401
    assert token_client.get(path, headers=bearer(READ)).status_code == 200
    assert token_client.get(path, headers=bearer(ADMIN)).status_code == 200
    # the query-string token is for feeds only
    assert token_client.get(path, params={"token": READ}).status_code == 401


@pytest.mark.parametrize("path", READ_PATHS)
def test_reads_are_open_without_tokens(open_client: TestClient, path: str) -> None:
    assert open_client.get(path).status_code == 200


def test_alerts_filter_and_page(open_client: TestClient, site: Site) -> None:
    _, _, ids = site
    everything = open_client.get("/api/v1/alerts").json()
    assert [a["id"] for a in everything] == sorted(ids["alerts"], reverse=True)
    critical = open_client.get("/api/v1/alerts", params={"severity": "critical"}).json()
    assert critical and {a["severity"] for a in critical} == {"critical"}
    by_rule = open_client.get("/api/v1/alerts", params={"rule": "embassy-closed"}).json()
    assert {a["rule"] for a in by_rule} == {"embassy-closed"} and len(by_rule) == 2
    by_source = open_client.get("/api/v1/alerts", params={"source": "state-dept"}).json()
    assert [a["title"] for a in by_source] == ["Ukraine - Level 4: Do Not Travel"]
    recent = open_client.get("/api/v1/alerts", params={"since": "36h"}).json()
    assert recent and all(
        a["created_at"] >= (utcnow() - timedelta(hours=36)).isoformat() for a in recent
    )
    assert len(recent) < len(everything)
    old = open_client.get("/api/v1/alerts", params={"until": "36h"}).json()
    assert len(old) + len(recent) == len(everything)
    first = open_client.get("/api/v1/alerts", params={"limit": 3}).json()
    rest = open_client.get("/api/v1/alerts", params={"before": first[-1]["id"]}).json()
    assert [a["id"] for a in first + rest] == [a["id"] for a in everything]


@pytest.mark.parametrize(
    "params",
    [{"severity": "fatal"}, {"since": "yesterday"}, {"limit": 0}, {"limit": 501}],
)
def test_bad_filters_are_422(open_client: TestClient, params: dict[str, Any]) -> None:
    assert open_client.get("/api/v1/alerts", params=params).status_code == 422


def test_an_alert_carries_terms_incident_and_deliveries(
    open_client: TestClient, site: Site
) -> None:
    _, _, ids = site
    a = open_client.get(f"/api/v1/alerts/{ids['alerts'][0]}").json()
    assert a["terms"] == ["air strike"] and a["concepts"] == ["air_strike"]
    hostile_terms = open_client.get(f"/api/v1/alerts/{ids['hostile'][0]}").json()["terms"]
    assert hostile_terms == ["air strike <b>"]  # as text, in JSON
    assert a["incident_id"] == ids["incident"]
    assert a["link"] == "https://ua.usembassy.gov/security-alert-air-strike/"
    assert {(d["channel"], d["status"], d["attempts"]) for d in a["deliveries"]} == {
        ("ops", "sent", 1),
        ("duty", "sent", 2),
    }
    hostile = open_client.get(f"/api/v1/alerts/{ids['hostile'][0]}").json()
    assert hostile["url"] == "javascript:alert(document.domain)" and hostile["link"] is None
    assert open_client.get("/api/v1/alerts/999999").status_code == 404
    assert open_client.get("/api/v1/alerts/x").status_code == 422


def test_incidents_and_sources_and_status(open_client: TestClient, site: Site) -> None:
    _, _, ids = site
    closed, incident = open_client.get("/api/v1/incidents").json()
    assert incident["id"] == ids["incident"] and incident["reports"] == 2
    assert {a["source"] for a in incident["alerts"]} == {"usembassy-ua", "news-id"}
    assert {a["source"] for a in closed["alerts"]} == {"state-dept", "usembassy-ua"}
    by_rule = open_client.get("/api/v1/incidents", params={"rule": "embassy-closed"}).json()
    assert [i["id"] for i in by_rule] == [closed["id"]]
    assert open_client.get("/api/v1/incidents/999").status_code == 404
    sources = {s["name"]: s for s in open_client.get("/api/v1/sources").json()}
    assert sources["news-id"]["status"] == "failing"
    assert sources["news-id"]["consecutive_failures"] == 4
    assert sources["usembassy-ua"]["items_last_run"] == 12
    status = open_client.get("/api/v1/status").json()
    assert status["daemon"]["running"] and status["daemon"]["host"] == "watch-1"
    assert status["backlog"] == 2  # two pending deliveries
    assert status["sources"] == {"new": 0, "ok": 1, "failing": 1, "blocked": 0, "degraded": 1}


def test_silences_in_alertmanagers_shape(token_client: TestClient) -> None:
    admin = bearer(ADMIN)
    listed = token_client.get("/api/v1/silences", headers=admin).json()
    assert [(x["status"]["state"], x["matchers"]) for x in listed] == [
        ("expired", [{"name": "source", "value": "news-id", "isRegex": False, "isEqual": True}]),
        (
            "pending",
            [
                {"name": "channel", "value": "duty", "isRegex": False, "isEqual": True},
                {"name": "place", "value": "UA", "isRegex": False, "isEqual": True},
            ],
        ),
        (
            "active",
            [{"name": "rule", "value": "embassy-closed", "isRegex": False, "isEqual": True}],
        ),
    ]
    expired, pending, active = listed
    assert active["createdBy"] == "ops@example.org" and active["comment"] == "<b>maintenance</b>"
    assert active["heldAlerts"] == 1  # the embassy-closed alert whose delivery it muted
    assert pending["startsAt"] > utcnow().isoformat() and pending["heldAlerts"] == 0
    starts = (utcnow() + timedelta(hours=1)).isoformat()
    body = _silence(
        matchers=[{"name": "place", "value": "Київ"}, {"name": "rule", "value": "air-strike"}],
        startsAt=starts,
    )
    created = token_client.post("/api/v1/silences", json=body, headers=admin)
    assert created.status_code == 200, created.text
    sid = created.json()["silenceID"]
    got = token_client.get(f"/api/v1/silence/{sid}", headers=admin).json()
    assert got["status"]["state"] == "pending"
    assert datetime.fromisoformat(got["startsAt"]) == datetime.fromisoformat(starts)
    assert {m["name"]: m["value"] for m in got["matchers"]} == {
        "place": "geonames:703448",  # Kyiv, stored as its code
        "rule": "air-strike",
    }
    by_state = {
        state: [
            x["id"]
            for x in token_client.get(
                "/api/v1/silences", params={"state": state}, headers=admin
            ).json()
        ]
        for state in ("active", "pending", "expired")
    }
    assert by_state == {
        "active": [active["id"]],
        "pending": [sid, pending["id"]],
        "expired": [expired["id"]],
    }
    ended = token_client.delete(f"/api/v1/silence/{sid}", headers=admin)
    assert ended.status_code == 200 and ended.json()["status"]["state"] == "expired"
    again = token_client.delete(f"/api/v1/silence/{sid}", headers=admin)
    assert again.status_code == 409 and "expired already" in again.json()["detail"]
    assert token_client.delete("/api/v1/silence/999", headers=admin).status_code == 404
    assert token_client.get("/api/v1/silence/999", headers=admin).status_code == 404
    assert (
        token_client.get("/api/v1/silences", params={"state": "x"}, headers=admin).status_code
        == 422
    )


def test_held_alerts_count_what_a_silence_muted(open_client: TestClient, site: Site) -> None:
    db, _, _ = site
    from advisorywatch.db.models import Silence

    month_ago = utcnow() - timedelta(days=30)
    with db.session() as s:
        for fields in (
            {"rule": "air-strike", "channel": "ops"},
            {"source": "state-dept"},
            {"place": "geonames:703448"},  # Kyiv
            {"place": "RU"},
        ):
            s.add(
                Silence(
                    **fields,
                    created_at=month_ago,
                    starts_at=month_ago,
                    expires_at=utcnow() + timedelta(days=1),
                )
            )
    silences = open_client.get("/api/v1/silences").json()
    # two alerts have a silenced ops delivery: one of embassy-closed (Киев), one of air-strike
    assert [(s["matchers"][0]["value"], s["heldAlerts"]) for s in silences[:4]] == [
        ("RU", 0),
        ("geonames:703448", 1),  # the one about Kyiv (Киеве)
        ("state-dept", 0),  # its one alert's delivery is pending
        ("air-strike", 1),
    ]


def test_writes_need_the_admin_token(token_client: TestClient) -> None:
    assert token_client.post("/api/v1/silences", json=_silence()).status_code == 401
    read = token_client.post("/api/v1/silences", json=_silence(), headers=bearer(READ))
    assert read.status_code == 403
    assert token_client.delete("/api/v1/silence/1", headers=bearer(READ)).status_code == 403
    assert token_client.delete("/api/v1/silence/1").status_code == 401


def test_without_tokens_nobody_writes(open_client: TestClient) -> None:
    refused = open_client.post("/api/v1/silences", json=_silence())
    assert refused.status_code == 403
    assert "web.tokens.admin" in refused.json()["detail"]
    assert open_client.delete("/api/v1/silence/1").status_code == 403


def test_an_admin_token_alone_guards_reads_too(site: Site) -> None:
    db, config, _ = site
    only_admin = client(db, config, Tokens(admin=ADMIN.encode()))
    assert only_admin.get("/api/v1/alerts").status_code == 401
    assert only_admin.get("/api/v1/alerts", headers=bearer(ADMIN)).status_code == 200


@pytest.mark.parametrize(
    ("over", "problem"),
    [
        ({"matchers": [{"name": "severity", "value": "x"}]}, "matchers[0] (severity): a matcher"),
        (
            {"matchers": [{"name": "rule", "value": "air-.*", "isRegex": True}]},
            "matchers[0] (rule): only equality",
        ),
        (
            {"matchers": [{"name": "rule", "value": "air-strike", "isEqual": False}]},
            "only equality",
        ),
        ({"matchers": [{"name": "rule", "value": "nope"}]}, "no rule named 'nope'"),
        ({"matchers": [{"name": "channel", "value": "pager"}]}, "no channel named 'pager'"),
        ({"matchers": [{"name": "source", "value": "<b>"}]}, "no source named '<b>'"),
        (
            {"matchers": [{"name": "place", "value": "Kyyv"}]},
            "matchers[0] (place): unknown place 'Kyyv' (did you mean 'Kyiv'?)",
        ),
        (
            {"matchers": [{"name": "rule", "value": "air-strike"}] * 2},
            "matchers[1] (rule): rule is matched twice",
        ),
        ({"endsAt": (utcnow() - timedelta(hours=1)).isoformat()}, "endsAt: a time in the future"),
        ({"endsAt": "2030-01-01T00:00:00"}, "endsAt: give a time zone"),
        (
            {"startsAt": (utcnow() + timedelta(days=1)).isoformat()},
            "endsAt: after the start",
        ),
    ],
)
def test_wrong_silences_are_400_saying_what_is_wrong(
    token_client: TestClient, over: dict[str, Any], problem: str
) -> None:
    answer = token_client.post("/api/v1/silences", json=_silence(**over), headers=bearer(ADMIN))
    assert answer.status_code == 400
    assert problem in answer.json()["detail"]


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"matchers": []}, "matchers"),
        ({"matchers": "rule=air-strike"}, "matchers"),
        ({"endsAt": "tomorrow"}, "endsAt"),
        ({"createdBy": ""}, "createdBy"),
    ],
)
def test_what_is_not_a_silence_is_422(
    token_client: TestClient, over: dict[str, Any], field: str
) -> None:
    answer = token_client.post("/api/v1/silences", json=_silence(**over), headers=bearer(ADMIN))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][:2] == ["body", field]
    broken = token_client.post(
        "/api/v1/silences",
        content=b"{not json",
        headers={**bearer(ADMIN), "content-type": "application/json"},
    )
    assert broken.status_code == 422


def test_basic_auth_carries_the_token_for_browsers(token_client: TestClient) -> None:
    basic = base64.b64encode(f"ops:{READ}".encode()).decode()
    assert (
        token_client.get("/api/v1/status", headers={"Authorization": f"Basic {basic}"}).status_code
        == 200
    )
    bad = base64.b64encode(b"ops:guess").decode()
    assert (
        token_client.get("/api/v1/status", headers={"Authorization": f"Basic {bad}"}).status_code
        == 401
    )
    assert (
        token_client.get("/api/v1/status", headers={"Authorization": "Basic %%%"}).status_code
        == 401
    )


def test_openapi_documents_every_endpoint(open_client: TestClient) -> None:
    doc = open_client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    paths = set(doc["paths"])
    assert {
        "/api/v1/alerts",
        "/api/v1/alerts/{alert_id}",
        "/api/v1/incidents",
        "/api/v1/incidents/{incident_id}",
        "/api/v1/sources",
        "/api/v1/status",
        "/api/v1/silences",
        "/api/v1/silence/{silence_id}",
        "/feeds/alerts.atom",
        "/feeds/alerts.json",
    } <= paths
    assert not any(p in paths for p in ("/", "/alerts", "/sources"))  # pages are not API
    assert set(doc["paths"]["/api/v1/silences"]) == {"get", "post"}
    assert doc["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    assert "AlertView" in doc["components"]["schemas"]


KYIV = [0, 1, 3, 4]  # sample alerts naming Kyiv: in English, Indonesian, Russian, Arabic
UKRAINE = [0, 1, 2, 3, 4, 5]  # naming Ukraine or a place in it


@pytest.mark.parametrize(
    ("place", "which"),
    [
        ("Kyiv", KYIV),
        ("kyiv", KYIV),
        (" KYIV ", KYIV),
        ("Київ", KYIV),
        ("Киев", KYIV),
        ("geonames:703448", KYIV),
        ("UA", UKRAINE),
        ("ua", UKRAINE),
        ("Ukraine", UKRAINE),
        ("Україна", UKRAINE),
        ("Lviv", [5]),
        ("GR", [1]),
        ("Greece", [1]),
        ("UA-30", []),  # the region of Kyiv: no alert names it
        ("FR", []),
    ],
)
def test_alerts_by_place(open_client: TestClient, site: Site, place: str, which: list[int]) -> None:
    _, _, ids = site
    found = open_client.get("/api/v1/alerts", params={"place": place})
    assert found.status_code == 200, found.text
    assert [a["id"] for a in found.json()] == [ids["alerts"][n] for n in reversed(which)]


def test_place_filter_combines_and_pages(open_client: TestClient, site: Site) -> None:
    _, _, ids = site
    warning = open_client.get("/api/v1/alerts", params={"place": "UA", "severity": "warning"})
    assert [a["id"] for a in warning.json()] == [ids["alerts"][5], ids["alerts"][2]]
    first = open_client.get("/api/v1/alerts", params={"place": "Kyiv", "limit": 2}).json()
    rest = open_client.get(
        "/api/v1/alerts", params={"place": "Kyiv", "before": first[-1]["id"]}
    ).json()
    assert [a["id"] for a in first + rest] == [ids["alerts"][n] for n in reversed(KYIV)]
    lviv = open_client.get("/api/v1/alerts", params={"place": "Lviv"}).json()[0]
    assert lviv["places"] == [
        {"code": "UA", "label": "Ukraine"},
        {"code": "geonames:706483", "label": "Kharkiv, Ukraine"},
        {"code": "geonames:702550", "label": "Lviv, Ukraine"},
    ]


@pytest.mark.parametrize(
    ("place", "problem"),
    [("Kyyv", "place: unknown place 'Kyyv' (did you mean 'Kyiv'?)"), ("XQ", "unknown place")],
)
def test_unknown_places_are_422(open_client: TestClient, place: str, problem: str) -> None:
    answer = open_client.get("/api/v1/alerts", params={"place": place})
    assert answer.status_code == 422 and problem in answer.json()["detail"]


def test_a_pending_silence_holds_nothing_until_it_starts(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    """Through the real ingest (``run --once``) and the API: a silence on a place that starts
    in an hour lets the alert through; once it has started it holds the next alert about that
    place (named in another language) and not one about elsewhere, and counts what it held."""
    feed = feeds.put("/feed.xml", rss([{"guid": "g1", "title": "Air strike reported in Kyiv"}]))
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: news, type: feed, url: "{feed}"}}
rules:
  - {{name: air-strike, keywords: ["air strike", "авіаудар"], severity: warning, notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
""")
    config = load_config(project.config)
    db = Database(project.effective_database_url)
    db.upgrade()
    api = client(db, config, Tokens(admin=ADMIN.encode()))
    body = _silence(
        matchers=[{"name": "place", "value": "Ukraine"}],
        startsAt=(utcnow() + timedelta(hours=1)).isoformat(),
    )
    created = api.post("/api/v1/silences", json=body, headers=bearer(ADMIN))
    assert created.status_code == 200, created.text
    sid = created.json()["silenceID"]

    assert project.cli("run", "--once").returncode == 0
    assert sink.titles() == ["[WARNING] air-strike: Air strike reported in Kyiv · news"]
    pending = api.get(f"/api/v1/silence/{sid}", headers=bearer(ADMIN)).json()
    assert pending["status"]["state"] == "pending" and pending["heldAlerts"] == 0

    project.execute(  # an hour later: the silence has started
        "UPDATE silences SET starts_at = :t WHERE id = :id",
        t=datetime.now(UTC) - timedelta(minutes=1),
        id=int(sid),
    )
    feeds.put(
        "/feed.xml",
        rss(
            [
                {"guid": "g2", "title": "Новий авіаудар по Києву"},
                {"guid": "g3", "title": "Air strike reported near Tbilisi"},
            ]
        ),
    )
    ran = project.cli("run", "--once")
    assert ran.returncode == 0
    assert sink.titles()[1:] == ["[WARNING] air-strike: Air strike reported near Tbilisi · news"]
    assert f"silenced by silence {sid}" in ran.stderr  # a held alert is logged
    active = api.get(f"/api/v1/silence/{sid}", headers=bearer(ADMIN)).json()
    assert active["status"]["state"] == "active" and active["heldAlerts"] == 1
    by_place = api.get("/api/v1/alerts", params={"place": "Київ"}, headers=bearer(ADMIN)).json()
    assert [(a["title"], [d["status"] for d in a["deliveries"]]) for a in by_place] == [
        ("Новий авіаудар по Києву", ["silenced"]),
        ("Air strike reported in Kyiv", ["sent"]),
    ]
    db.dispose()
