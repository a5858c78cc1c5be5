"""No query per row: every page, feed and API list costs the same number of statements with
10 alerts as with 3 times as many (and their deliveries, incidents, places and silences)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from advisorywatch.db.models import (
    Alert,
    AlertPlace,
    Delivery,
    Incident,
    IncidentAlert,
    Item,
    Silence,
    Source,
    utcnow,
)
from advisorywatch.db.session import Database
from advisorywatch.rules.places.extract import places_in

PATHS = [
    "/",
    "/alerts",
    "/alerts?place=UA",
    "/alerts?source=usembassy-ua&severity=critical",
    "/alerts/1",
    "/incidents",
    "/incidents/1",
    "/sources",
    "/charts/alerts.svg",
    "/feeds/alerts.atom",
    "/feeds/alerts.json?place=Kyiv",
    "/api/v1/alerts",
    "/api/v1/incidents",
    "/api/v1/sources",
    "/api/v1/status",
    "/api/v1/silences",
]
TITLES = [
    "Air strike on Kharkiv overnight, embassy in Kyiv open",
    "Посольство в Києві тимчасово зачинене",
    "Serangan udara di Lviv, kedutaan tutup",
]


def _statements(db: Database, client: TestClient, path: str) -> int:
    count = 0

    def counted(*_: Any) -> None:
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        answer = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    assert answer.status_code == 200, (path, answer.text)
    return count


def _more(db: Database, n: int) -> None:
    """``n`` more alerts, each with two deliveries and its places, in pairs of one incident,
    and a silence for every other."""
    now = utcnow()
    with db.session() as s:
        source = s.query(Source).filter_by(name="usembassy-ua").one()
        for k in range(n):
            title = TITLES[k % len(TITLES)]
            places = places_in(title, "")
            item = Item(
                source=source,
                identity=f"more{k}",
                url=f"https://ua.usembassy.gov/{k}",
                title=title,
                content_hash=f"m{k}",
                places=places,
            )
            alert = Alert(
                item=item,
                rule="air-strike",
                severity="critical",
                created_at=now - timedelta(minutes=k),
                matched=[{"concept": "air_strike", "text": "air strike"}],
                places=places,
            )
            s.add(alert)
            s.flush()
            s.add_all(AlertPlace(code=c, alert_id=alert.id) for c in AlertPlace.codes(places))
            for channel, status in (("ops", "sent"), ("duty", "silenced")):
                s.add(
                    Delivery(
                        alert_id=alert.id,
                        channel=channel,
                        destination=channel,
                        destination_label=f"json://127.0.0.1:9/{channel}",
                        status=status,
                        created_at=alert.created_at,
                    )
                )
            if k % 2 == 0:
                incident = Incident(rule="air-strike", words=["air"], reports=2)
                s.add(incident)
                s.add(Silence(channel="duty", created_at=now, expires_at=now + timedelta(hours=1)))
                s.flush()
            s.add(IncidentAlert(alert_id=alert.id, incident_id=incident.id))


def test_statements_per_page_do_not_grow_with_rows(open_client: TestClient, site: Any) -> None:
    db, _, _ = site
    before = {path: _statements(db, open_client, path) for path in PATHS}
    _more(db, 20)
    after = {path: _statements(db, open_client, path) for path in PATHS}
    assert after == before
    assert max(before.values()) <= 12  # a handful each (bench/README.md lists them)
