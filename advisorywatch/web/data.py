"""What the pages, feeds and API show, read from the database into one set of models: the
HTML templates, the feeds and the JSON answers (and the OpenAPI document) share them."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel
from sqlalchemy import Select, and_, exists, func, literal, select, union_all
from sqlalchemy.orm import Session, selectinload

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
from advisorywatch.db.queries import source_health
from advisorywatch.db.session import Database
from advisorywatch.model import DeliveryStatus, Severity, SourceStatus
from advisorywatch.notifier.outbox import backlog, delivery_counts
from advisorywatch.redaction import redact
from advisorywatch.runtime.instance_lock import current


class DeliveryView(BaseModel):
    """One destination of an alert: the outbox row's history."""

    channel: str
    destination: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None


class PlaceView(BaseModel):
    """A place an alert's item names: its code (a filter's ``place=``) and its name."""

    code: str
    label: str


class AlertView(BaseModel):
    id: int
    created_at: datetime
    rule: str
    occasion: str
    severity: str
    lowered: str  # why the severity is below the rule's, or ""
    source: str
    title: str
    url: str | None  # as the source gave it
    link: str | None  # the same, only when it is an http(s) URL (safe to link to)
    published: datetime | None
    terms: list[str]
    concepts: list[str]
    places: list[PlaceView]
    incident_id: int | None
    deliveries: list[DeliveryView]


class IncidentView(BaseModel):
    """One event and its reports (alerts) across sources, oldest first."""

    id: int
    rule: str
    words: list[str]
    reports: int
    created_at: datetime
    last_seen_at: datetime
    alerts: list[AlertView]


class SourceView(BaseModel):
    name: str
    status: str
    last_attempt: datetime | None
    last_success: datetime | None
    consecutive_failures: int
    last_error_kind: str | None
    last_error: str | None
    items_last_run: int | None


class DaemonView(BaseModel):
    running: bool  # a lease with a heartbeat fresher than daemon.stale_after_seconds
    host: str | None
    pid: int | None
    started_at: datetime | None
    heartbeat_at: datetime | None


class StatusView(BaseModel):
    daemon: DaemonView
    outbox: dict[str, int]  # rows by status
    backlog: int  # pending or being sent
    sources: dict[str, int]  # sources by health status


def http_link(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL without whitespace or controls, else None:
    a ``javascript:`` or ``data:`` link from a source never becomes a link."""
    if not url or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


@dataclass(frozen=True, slots=True)
class AlertFilter:
    severity: Severity | None = None
    rule: str | None = None
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    place: str | None = None  # a code (rules.places.where.place_code)

    def query(self, s: Session) -> Select[Alert]:
        """The alerts matching, as a query (a source is looked up first, then its alerts
        found by ``alerts.source_id``'s index)."""
        q = select(Alert)
        if self.severity:
            q = q.where(Alert.severity == self.severity)
        if self.rule:
            q = q.where(Alert.rule == self.rule)
        if self.source:
            source_id = s.scalar(select(Source.id).where(Source.name == self.source))
            q = q.where(Alert.source_id == source_id)
        if self.place:
            filed = select(AlertPlace.alert_id).where(AlertPlace.code == self.place)
            q = q.where(Alert.id.in_(filed))
        if self.since:
            q = q.where(Alert.created_at >= self.since)
        if self.until:
            q = q.where(Alert.created_at < self.until)
        return q

    def params(self) -> dict[str, str]:
        """The filter as query parameters (for links to the next page, feeds)."""
        values = {
            "severity": self.severity,
            "rule": self.rule,
            "source": self.source,
            "since": self.since and self.since.isoformat(),
            "until": self.until and self.until.isoformat(),
            "place": self.place,
        }
        return {k: v for k, v in values.items() if v}


def find_alerts(
    db: Database, where: AlertFilter, limit: int, before: int | None = None
) -> list[AlertView]:
    """The newest alerts matching ``where`` (older than alert ``before``, for paging)."""
    with db.session() as s:
        q = where.query(s)
        if before is not None:
            q = q.where(Alert.id < before)
        alerts = s.scalars(q.order_by(Alert.id.desc()).limit(limit).options(*_LOAD)).all()
        return _views(s, list(alerts))


def get_alert(db: Database, alert_id: int) -> AlertView | None:
    with db.session() as s:
        alert = s.scalars(select(Alert).where(Alert.id == alert_id).options(*_LOAD)).first()
        return _views(s, [alert])[0] if alert else None


_LOAD = (selectinload(Alert.item).selectinload(Item.source),)


def _views(s: Session, alerts: list[Alert]) -> list[AlertView]:
    ids = [a.id for a in alerts]
    deliveries: dict[int, list[DeliveryView]] = defaultdict(list)
    for d in s.scalars(select(Delivery).where(Delivery.alert_id.in_(ids)).order_by(Delivery.id)):
        assert d.alert_id is not None
        deliveries[d.alert_id].append(
            DeliveryView(
                channel=d.channel,
                destination=d.destination_label,
                status=d.status,
                attempts=d.attempts,
                created_at=d.created_at,
                next_attempt_at=d.next_attempt_at,
                sent_at=d.sent_at,
                last_error=d.last_error and redact(d.last_error),
            )
        )
    links = select(IncidentAlert.alert_id, IncidentAlert.incident_id)
    incident = {a: i for a, i in s.execute(links.where(IncidentAlert.alert_id.in_(ids)))}
    return [
        AlertView(
            id=a.id,
            created_at=a.created_at,
            rule=a.rule,
            occasion=a.occasion,
            severity=a.severity,
            lowered=a.lowered,
            source=a.item.source.name,
            title=a.item.title,
            url=a.item.url,
            link=http_link(a.item.url),
            published=a.item.published,
            terms=sorted({str(m.get("text", "")) for m in a.matched}),
            concepts=sorted({str(m["concept"]) for m in a.matched if m.get("concept")}),
            places=[PlaceView(code=p["code"], label=p["label"]) for p in a.places or ()],
            incident_id=incident.get(a.id),
            deliveries=deliveries[a.id],
        )
        for a in alerts
    ]


def find_incidents(
    db: Database, limit: int, rule: str | None = None, before: int | None = None
) -> list[IncidentView]:
    """The incidents seen last, newest first, each with its alerts."""
    q = select(Incident)
    if rule:
        q = q.where(Incident.rule == rule)
    if before is not None:
        q = q.where(Incident.id < before)
    with db.session() as s:
        return _incident_views(s, list(s.scalars(q.order_by(Incident.id.desc()).limit(limit))))


def get_incident(db: Database, incident_id: int) -> IncidentView | None:
    with db.session() as s:
        row = s.get(Incident, incident_id)
        return _incident_views(s, [row])[0] if row else None


def _incident_views(s: Session, incidents: list[Incident]) -> list[IncidentView]:
    links = select(IncidentAlert.incident_id, IncidentAlert.alert_id).where(
        IncidentAlert.incident_id.in_([i.id for i in incidents])
    )
    members: dict[int, list[int]] = defaultdict(list)
    for incident_id, alert_id in s.execute(links):
        members[incident_id].append(alert_id)
    wanted = [a for ids in members.values() for a in ids]
    alerts = s.scalars(select(Alert).where(Alert.id.in_(wanted)).options(*_LOAD)).all()
    views = {v.id: v for v in _views(s, list(alerts))}
    return [
        IncidentView(
            id=i.id,
            rule=i.rule,
            words=list(i.words),
            reports=i.reports,
            created_at=i.created_at,
            last_seen_at=i.last_seen_at,
            alerts=[views[a] for a in sorted(members[i.id]) if a in views],
        )
        for i in incidents
    ]


def find_sources(db: Database, names: list[str]) -> list[SourceView]:
    """The configured sources' health, in name order."""
    return [
        SourceView(
            name=r["name"],
            status=r["status"],
            last_attempt=r["last_attempt"],
            last_success=r["last_success"],
            consecutive_failures=r["consecutive_failures"],
            last_error_kind=r["last_error_kind"],
            last_error=r["last_error"] and redact(r["last_error"]),
            items_last_run=r["items_last_run"],
        )
        for r in source_health(db, names)
    ]


def status(db: Database, sources: list[SourceView], stale_after: timedelta) -> StatusView:
    """``sources``: :func:`find_sources`' answer (a page showing them reads them once)."""
    lease = current(db)
    running = lease is not None and utcnow() - lease.heartbeat_at <= stale_after
    counts = delivery_counts(db)
    by_status = Counter(s.status for s in sources)
    return StatusView(
        daemon=DaemonView(running=False, host=None, pid=None, started_at=None, heartbeat_at=None)
        if lease is None
        else DaemonView(
            running=running,
            host=lease.host,
            pid=lease.pid,
            started_at=lease.started_at,
            heartbeat_at=lease.heartbeat_at,
        ),
        outbox=counts,
        backlog=backlog(counts),
        sources={st: by_status.get(st, 0) for st in SourceStatus},
    )


def alerts_per_day(db: Database, days: int) -> dict[date, Counter[str]]:
    """Alerts by UTC day and severity over the last ``days`` days (today included)."""
    first = utcnow().date() - timedelta(days=days - 1)
    since = datetime.combine(first, datetime.min.time(), utcnow().tzinfo)
    day = func.date(Alert.created_at)
    rows = select(day, Alert.severity, func.count()).where(Alert.created_at >= since)
    counts: dict[date, Counter[str]] = {first + timedelta(days=n): Counter() for n in range(days)}
    with db.session() as s:
        for when, severity, n in s.execute(rows.group_by(day, Alert.severity)):
            key = when if isinstance(when, date) else date.fromisoformat(str(when)[:10])
            if key in counts:
                counts[key][severity] += int(n)
    return counts


MatcherName = Literal["rule", "source", "channel", "place"]
MATCHER_NAMES: tuple[MatcherName, ...] = ("rule", "source", "channel", "place")


class Matcher(BaseModel):
    """Alertmanager's matcher; here ``name`` is ``rule``, ``source``, ``channel`` or ``place``
    (an ISO 3166 code or a place's name in any supported language, stored as its code) and the
    match is always equality."""

    name: MatcherName
    value: str
    isRegex: bool = False
    isEqual: bool = True


SilenceStateName = Literal["active", "pending", "expired"]


class SilenceState(BaseModel):
    state: SilenceStateName


class SilenceView(BaseModel):
    """A silence in Alertmanager's shape, with the number of alerts it has held."""

    id: str
    status: SilenceState
    matchers: list[Matcher]
    startsAt: datetime
    endsAt: datetime
    updatedAt: datetime
    createdBy: str
    comment: str
    heldAlerts: int


def silence_state(row: Silence, now: datetime) -> SilenceStateName:
    if row.expires_at <= now:
        return "expired"
    return "pending" if row.starts_at > now else "active"


def silence_view(row: Silence, now: datetime, held: int) -> SilenceView:
    return SilenceView(
        id=str(row.id),
        status=SilenceState(state=silence_state(row, now)),
        matchers=[
            Matcher.model_validate({"name": name, "value": getattr(row, name)})
            for name in MATCHER_NAMES
            if getattr(row, name) is not None
        ],
        startsAt=row.starts_at,
        endsAt=row.expires_at,
        updatedAt=row.expires_at if row.expires_at <= now else row.created_at,
        createdBy=row.created_by or "",
        comment=row.comment,
        heldAlerts=held,
    )


def _held(s: Session, rows: Sequence[Silence]) -> dict[int, int]:
    """Per silence, the alerts whose deliveries were silenced while it was active and matched
    it: one statement for all of them."""
    if not rows:
        return {}
    counts = []
    for row in rows:
        conditions: list[Any] = [
            Delivery.status == DeliveryStatus.SILENCED,
            Delivery.created_at >= row.starts_at,
            Delivery.created_at < row.expires_at,
        ]
        if row.channel is not None:
            conditions.append(Delivery.channel == row.channel)
        if row.rule is not None:
            conditions.append(Alert.rule == row.rule)
        if row.source is not None:
            of_source = select(Item.id).join(Source).where(Source.name == row.source)
            conditions.append(Alert.item_id.in_(of_source))
        if row.place is not None:  # few rows held, many filed under a country: look each up
            conditions.append(
                exists().where(AlertPlace.code == row.place, AlertPlace.alert_id == Alert.id)
            )
        count = func.count(func.distinct(Delivery.alert_id))
        counts.append(select(literal(row.id), count).join(Alert).where(and_(*conditions)))
    return {int(i): int(n) for i, n in s.execute(union_all(*counts))}


def find_silences(db: Database, state: SilenceStateName | None, limit: int) -> list[SilenceView]:
    now = utcnow()
    q = select(Silence)
    if state == "active":
        q = q.where(Silence.starts_at <= now, Silence.expires_at > now)
    elif state == "pending":
        q = q.where(Silence.starts_at > now, Silence.expires_at > now)
    elif state == "expired":
        q = q.where(Silence.expires_at <= now)
    with db.session() as s:
        rows = s.scalars(q.order_by(Silence.id.desc()).limit(limit)).all()
        held = _held(s, rows)
        return [silence_view(r, now, held[r.id]) for r in rows]


def get_silence(db: Database, silence_id: int) -> SilenceView | None:
    with db.session() as s:
        row = s.get(Silence, silence_id)
        return silence_view(row, utcnow(), _held(s, [row])[row.id]) if row else None
