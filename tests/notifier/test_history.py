"""A message of an incident lists the reports attached to it since its last message ("also
reported by"), sent by the real outbox into a json:// sink; each report is listed once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from advisorywatch.db.models import Alert, Incident, IncidentAlert, Item, Source
from advisorywatch.db.session import Database
from advisorywatch.model import DeliveryStatus
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import ChannelConfig, NotifierConfig
from advisorywatch.notifier.deliveries import add_deliveries
from advisorywatch.notifier.outbox import Outbox

from conftest import ScriptedSink

MakeSink = Callable[[], ScriptedSink]
T0 = datetime.now(UTC) - timedelta(hours=1)


class _Incident:
    """One incident on real SQLite, its reports added one by one on channel ``chat``."""

    def __init__(self, db: Database, channels: Channels) -> None:
        self.db, self.channels, self.n = db, channels, 0
        with db.session() as s:
            incident = Incident(rule="strike", words=[], created_at=T0, last_seen_at=T0)
            s.add(incident)
            s.flush()
            self.incident = incident.id

    def report(self, source: str, language: str, status: DeliveryStatus) -> None:
        self.n += 1
        at = T0 + timedelta(minutes=self.n)
        with self.db.session() as s:
            src = s.scalar(select(Source).where(Source.name == source))
            if src is None:
                src = Source(name=source, type="feed", url="https://x/", consecutive_failures=0)
                s.add(src)
                s.flush()
            title = f"Air strike report {self.n}"
            item = Item(source_id=src.id, identity=title, title=title, content_hash=title)
            s.add(item)
            s.flush()
            hit = {"concept": "air_strike", "language": language, "text": "x", "snippet": "x"}
            alert = Alert(item_id=item.id, rule="strike", severity="warning", created_at=at)
            alert.matched = [hit]
            s.add(alert)
            s.flush()
            s.add(IncidentAlert(alert_id=alert.id, incident_id=self.incident))
            add_deliveries(s, self.channels, "chat", at, alert_id=alert.id, status=status)


def test_the_next_message_of_an_incident_lists_what_joined_it(
    tmp_path: Path, make_sink: MakeSink
) -> None:
    sink = make_sink()
    db = Database(f"sqlite:///{tmp_path / 'state.db'}")
    db.upgrade()
    channels = Channels({"chat": ChannelConfig(urls=[sink.apprise_url])})
    outbox = Outbox(db, channels, NotifierConfig())
    incident = _Incident(db, channels)
    A, P = DeliveryStatus.ATTACHED, DeliveryStatus.PENDING

    incident.report("Kyiv Independent", "en", P)
    assert outbox.drain().sent == 1
    incident.report("Kompas", "id", A)
    incident.report("DW", "de", A)
    incident.report("Kompas", "id", A)  # listed once
    incident.report("Ukrainska Pravda", "uk", P)  # e.g. an update of the incident
    assert outbox.drain().sent == 1
    incident.report("Reuters", "en", A)
    incident.report("Ukrainska Pravda", "uk", P)
    assert outbox.drain().sent == 1
    db.dispose()

    first, second, third = (m["message"] for m in sink.received)
    assert "Also reported by" not in first
    assert "Also reported by: Kompas (id), DW (de)\n" in second
    assert "Also reported by: Reuters (en)\n" in third  # only what joined since the last
