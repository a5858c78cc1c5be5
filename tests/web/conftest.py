"""A database of real-looking data for the web tests, written through the real models:
three sources in different health, alerts of every severity over two weeks with the places
their titles name (found by the real extractor), two incidents across sources and languages,
deliveries in every status, silences (active, pending, expired), a daemon lease, and titles
and links that try to break out of the page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from advisorywatch.config.load import parse_config
from advisorywatch.config.schema import Config
from advisorywatch.db.models import (
    Alert,
    AlertPlace,
    DaemonLease,
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
from advisorywatch.web.app import create_app
from advisorywatch.web.auth import Tokens

from conftest import Project

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)
READ = "read-token-0123456789abcdef"
ADMIN = "admin-token-fedcba9876543210"

CONFIG = """
database: {{url: "{db}"}}
sources:
  - {{name: usembassy-ua, type: feed, url: "https://ua.usembassy.gov/category/alert/feed/"}}
  - {{name: news-id, type: feed, url: "https://www.antaranews.com/rss/terkini.xml"}}
  - {{name: state-dept, type: feed, url: "https://travel.state.gov/_res/rss/TAsTWs.xml"}}
rules:
  - {{name: air-strike, concepts: [air_strike], severity: critical, notify: [ops, duty]}}
  - {{name: embassy-closed, concepts: [embassy_closed], severity: warning, notify: [ops]}}
channels:
  ops: {{urls: ["json://127.0.0.1:9/ops"]}}
  duty: {{urls: ["json://127.0.0.1:9/duty"]}}
{web}
"""

HOSTILE = [
    "<script>alert(1)</script> Embassy closed",
    '"><img src=x onerror=alert(1)> air strike',
    "Invoice \u202egpj.exe air strike",
    "Null\x01byte \x0b and \ufffe air strike",  # PostgreSQL cannot store NUL itself
]
STATUSES = [
    "sent",
    "failed",
    "pending",
    "silenced",
    "attached",
    "batched",
    "merged",
    "suppressed",
    "sending",
    "silenced",
]
JS_LINK = "javascript:alert(document.domain)"


def make_config(project: Project, web: str = "") -> Config:
    text = CONFIG.format(db=project.effective_database_url, web=web)
    return parse_config(text, project.dir / "config.yaml")


def populate(db: Database) -> dict[str, Any]:
    """The sample data; returns ids the tests look for."""
    now = utcnow()
    ids: dict[str, Any] = {}
    with db.session() as s:
        sources = {
            "usembassy-ua": Source(
                name="usembassy-ua",
                type="feed",
                url="https://ua.usembassy.gov/feed/",
                status="ok",
                last_fetch_at=now - timedelta(minutes=3),
                last_success_at=now - timedelta(minutes=3),
                items_last_run=12,
            ),
            "news-id": Source(
                name="news-id",
                type="feed",
                url="https://www.antaranews.com/rss/terkini.xml",
                status="failing",
                consecutive_failures=4,
                last_error_kind="http",
                last_error="HTTP 503 <b>Service Unavailable</b>",
                last_fetch_at=now - timedelta(minutes=1),
                last_success_at=now - timedelta(hours=5),
                items_last_run=0,
            ),
            "state-dept": Source(
                name="state-dept",
                type="feed",
                url="https://travel.state.gov/rss.xml",
                status="degraded",
                last_fetch_at=now - timedelta(minutes=8),
                last_success_at=now - timedelta(minutes=8),
                items_last_run=0,
                empty_runs=5,
            ),
        }
        s.add_all(sources.values())
        s.flush()
        titles = [
            (
                "usembassy-ua",
                "Security Alert: U.S. Embassy Kyiv, Ukraine – air strike warning",
                "https://ua.usembassy.gov/security-alert-air-strike/",
                "air-strike",
                "critical",
            ),
            (
                "news-id",
                "Kedutaan Besar Italia dan Yunani di Kyiv tutup akibat serangan udara",
                "https://www.antaranews.com/berita/4486877/kedutaan-tutup",
                "air-strike",
                "critical",
            ),
            (
                "state-dept",
                "Ukraine - Level 4: Do Not Travel",
                "https://travel.state.gov/ukr",
                "embassy-closed",
                "warning",
            ),
            (
                "usembassy-ua",
                "Посольство США в Киеве закрыто",
                "https://ua.usembassy.gov/ru/",
                "embassy-closed",
                "info",
            ),
            (
                "news-id",
                "القصف الجوي على كييف",
                "https://www.antaranews.com/ar",
                "air-strike",
                "critical",
            ),
        ]
        titles += [
            (
                "usembassy-ua",
                "Ukraine: shelling reported in Kharkiv, embassy staff relocated to Lviv",
                "https://travel.state.gov/kharkiv",
                "air-strike",
                "warning",
            )
        ]
        titles += [("news-id", t, JS_LINK, "air-strike", "critical") for t in HOSTILE]
        # What each title matched, as the engine records it: (concept, language, text).
        matches = [
            ("air_strike", "en", "air strike"),
            ("air_strike", "id", "serangan udara"),
            ("do_not_travel", "en", "Do Not Travel"),
            ("embassy_closed", "ru", "Посольство США в Киеве закрыто"),
            ("air_strike", "ar", "القصف الجوي"),
            ("shelling_explosion", "en", "shelling"),
        ] + [("air_strike", "en", "air strike <b>")] * len(HOSTILE)
        alerts = []
        for n, (src, title, url, rule, severity) in enumerate(titles):
            concept, language, term = matches[n]
            start = max(title.find(term.removesuffix(" <b>")), 0)
            places = places_in(title, "")
            item = Item(
                places=places,
                source=sources[src],
                identity=f"id{n}",
                guid=f"g{n}",
                url=url,
                title=title,
                text=f"{title} body",
                content_hash=f"h{n}",
                published=now - timedelta(days=len(titles) - n, hours=1),
            )
            alert = Alert(
                item=item,
                rule=rule,
                severity=severity,
                created_at=now - timedelta(days=len(titles) - 1 - n, minutes=10 - n),
                places=places,
                matched=[
                    {
                        "concept": concept,
                        "language": language,
                        "field": "title",
                        "text": term,
                        "snippet": title,
                        "term": term,
                        "start": start,
                        "end": start + len(term),
                    }
                ],
            )
            s.add(alert)
            alerts.append(alert)
        s.flush()
        s.add_all(
            AlertPlace(code=code, alert_id=a.id)
            for a in alerts
            for code in AlertPlace.codes(a.places)
        )
        for a, status in zip(alerts, STATUSES, strict=True):
            s.add(
                Delivery(
                    alert_id=a.id,
                    channel="ops",
                    destination="d-ops",
                    destination_label="json://127.0.0.1:9/***",
                    status=status,
                    attempts=1 if status == "sent" else (5 if status == "failed" else 0),
                    last_error="HTTP 500 <script>alert(2)</script>" if status == "failed" else None,
                    created_at=a.created_at,
                    next_attempt_at=a.created_at,
                    sent_at=a.created_at if status == "sent" else None,
                )
            )
        s.add(
            Delivery(
                alert_id=alerts[0].id,
                channel="duty",
                destination="d-duty",
                destination_label="json://127.0.0.1:9/***",
                status="sent",
                attempts=2,
                created_at=alerts[0].created_at,
                next_attempt_at=alerts[0].created_at,
                sent_at=alerts[0].created_at + timedelta(seconds=40),
            )
        )
        incident = Incident(
            rule="air-strike",
            words=["kyiv", "air", "strike", "embassy"],
            reports=2,
            created_at=alerts[0].created_at,
            last_seen_at=alerts[1].created_at,
        )
        closed = Incident(
            rule="embassy-closed",
            words=["посольство", "kyiv", "embassy"],
            reports=2,
            created_at=alerts[2].created_at,
            last_seen_at=alerts[3].created_at,
        )
        s.add_all([incident, closed])
        s.flush()
        s.add_all([IncidentAlert(alert_id=a.id, incident_id=incident.id) for a in alerts[:2]])
        s.add_all([IncidentAlert(alert_id=a.id, incident_id=closed.id) for a in alerts[2:4]])
        s.add_all(
            [
                Silence(
                    rule="embassy-closed",
                    created_at=now - timedelta(days=20),
                    starts_at=now - timedelta(days=20),
                    expires_at=now + timedelta(days=1),
                    created_by="ops@example.org",
                    comment="<b>maintenance</b>",
                ),
                Silence(
                    place="UA",
                    channel="duty",
                    created_at=now - timedelta(hours=1),
                    starts_at=now + timedelta(hours=2),
                    expires_at=now + timedelta(hours=4),
                    created_by="duty@example.org",
                    comment="planned drill in Ukraine",
                ),
                Silence(
                    source="news-id",
                    created_at=now - timedelta(days=3),
                    starts_at=now - timedelta(days=3),
                    expires_at=now - timedelta(days=2),
                    created_by="ops@example.org",
                    comment="feed was flooding",
                ),
            ]
        )
        s.add(
            DaemonLease(
                name="daemon",
                host="watch-1",
                pid=4242,
                started_at=now - timedelta(hours=3),
                heartbeat_at=now - timedelta(seconds=4),
            )
        )
        ids.update(
            alerts=[a.id for a in alerts],
            incident=incident.id,
            incidents=[incident.id, closed.id],
            hostile=[a.id for a in alerts[6:]],
        )
    return ids


@pytest.fixture
def site(project: Project) -> Iterator[tuple[Database, Config, dict[str, Any]]]:
    config = make_config(project)
    db = Database(config.database.url)
    db.upgrade()
    ids = populate(db)
    yield db, config, ids
    db.dispose()


def client(db: Database, config: Config, tokens: Tokens | None = None) -> TestClient:
    """The app in-process; requests go to http://127.0.0.1 (a loopback Host)."""
    return TestClient(create_app(config, db, tokens or Tokens()), base_url="http://127.0.0.1")


@pytest.fixture
def open_client(site: tuple[Database, Config, dict[str, Any]]) -> TestClient:
    """No tokens configured: reading is open (on loopback), writing refused."""
    db, config, _ = site
    return client(db, config)


@pytest.fixture
def token_client(site: tuple[Database, Config, dict[str, Any]]) -> TestClient:
    db, config, _ = site
    return client(db, config, Tokens(read=READ.encode(), admin=ADMIN.encode()))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
