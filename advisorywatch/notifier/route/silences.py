"""Silences: mute alerts by rule, source, channel and/or place for a while (from now or from a
later start). A silenced alert is still stored; its deliveries are written with status
``silenced`` and never sent. The silences are read once per transaction: a storm of alerts
asks thousands of times."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select

from advisorywatch.db.models import Silence, utcnow
from advisorywatch.db.session import Database
from advisorywatch.model import DeliveryStatus
from advisorywatch.notifier.route.context import ActiveSilence, Routing
from advisorywatch.notifier.route.stage import Decision, NewAlert, PerChannel
from advisorywatch.rules.places.where import Where, place_code


class BadSilence(ValueError):
    """What is wrong with a silence: the ``field`` (rule, source, channel, place, starts or
    ends) and why. The API and the CLI name the field as their users wrote it."""

    def __init__(self, field: str, why: str) -> None:
        super().__init__(why)
        self.field = field


def silence_value(field: str, value: str, known: Mapping[str, Collection[str]]) -> str:
    """What a silence stores for ``field`` = ``value``: a rule, source or channel the config
    has (``known``: their names per field), or a place's code (a name in any language)."""
    if field == "place":
        try:
            return place_code(value)
        except ValueError as exc:
            raise BadSilence(field, str(exc)) from None
    if value not in known[field]:
        have = ", ".join(sorted(known[field]))
        raise BadSilence(field, f"no {field} named {value!r} in the config (have: {have})")
    return value


def silence_start(now: datetime, starts: datetime | None, ends: datetime) -> datetime:
    """When a silence asked to hold from ``starts`` (None: now; never before now) until
    ``ends`` begins; :class:`BadSilence` for a time without a zone or an end not after both."""
    for field, when in (("starts", starts), ("ends", ends)):
        if when is not None and when.tzinfo is None:
            raise BadSilence(field, "give a time zone (e.g. Z)")
    start = max(now, starts or now)
    if ends <= now:
        raise BadSilence("ends", "a time in the future")
    if ends <= start:
        raise BadSilence("ends", "after the start")
    return start


def add_silence(
    db: Database,
    duration: timedelta,
    rule: str | None = None,
    source: str | None = None,
    channel: str | None = None,
    created_by: str | None = None,
    comment: str = "",
    place: str | None = None,
    starts_at: datetime | None = None,
) -> Silence:
    """A silence from ``starts_at`` (default: now) for ``duration``; ``place`` is a code
    (:func:`~advisorywatch.rules.places.where.place_code`)."""
    if not (rule or source or channel or place):
        raise ValueError("a silence needs at least one of --rule, --source, --channel or --place")
    now = utcnow()
    start = max(now, starts_at or now)
    with db.session() as s:
        row = Silence(
            rule=rule,
            source=source,
            channel=channel,
            place=place,
            created_at=now,
            starts_at=start,
            expires_at=start + duration,
            created_by=created_by,
            comment=comment,
        )
        s.add(row)
        s.flush()
        return row


def active_silences(db: Database) -> list[Silence]:
    """The silences that have not ended (pending ones too: ``describe`` says when they start)."""
    with db.session() as s:
        return list(
            s.scalars(select(Silence).where(Silence.expires_at > utcnow()).order_by(Silence.id))
        )


def remove_silence(db: Database, silence_id: int) -> bool:
    with db.session() as s:
        row = s.get(Silence, silence_id)
        if row is None:
            return False
        s.delete(row)
        return True


def expire_silence(db: Database, silence_id: int) -> Silence | None:
    """End a silence now, keeping its row (its history stays listed); None if there is none."""
    with db.session() as s:
        row = s.get(Silence, silence_id)
        if row is not None:
            row.expires_at = min(row.expires_at, utcnow())
            row.starts_at = min(row.starts_at, row.expires_at)  # a pending one never starts
        return row


def silenced(routing: Routing, new: NewAlert) -> PerChannel:
    """The stage: ``silenced`` where an active silence covers this alert on the channel (every
    field it sets must match; a place, one the item names or a place in that country)."""
    rule, now, places = new.alert.rule, new.now, new.item.places

    def decide(channel: str) -> Decision | None:
        source = new.item.source.name
        covering = (
            silence
            for silence, expires, r, src, c, place in _active(routing, now)
            if expires > now
            and (r is None or r == rule)
            and (src is None or src == source)
            and (c is None or c == channel)
            and (place is None or Where.code(place).covers(places))
        )
        silence = next(covering, None)
        return (
            None
            if silence is None
            else Decision(DeliveryStatus.SILENCED, note=f"silence {silence}")
        )

    return decide


def _active(routing: Routing, now: datetime) -> Sequence[ActiveSilence]:
    """The silences active at the transaction's first alert, read once."""
    if routing.silences is None:
        query = select(
            Silence.id,
            Silence.expires_at,
            Silence.rule,
            Silence.source,
            Silence.channel,
            Silence.place,
        ).where(Silence.starts_at <= now, Silence.expires_at > now)
        routing.silences = routing.session.execute(query).all()
    return routing.silences


def describe(row: Silence) -> str:
    what = ", ".join(
        f"{k}={v}"
        for k, v in (
            ("rule", row.rule),
            ("source", row.source),
            ("channel", row.channel),
            ("place", row.place),
        )
        if v
    )
    start = row.starts_at.isoformat(timespec="seconds")
    what += f" from {start}" if row.starts_at > utcnow() else ""
    who = f" by {row.created_by}" if row.created_by else ""
    why = f": {row.comment}" if row.comment else ""
    return f"{row.id}: {what} until {row.expires_at.isoformat(timespec='seconds')}{who}{why}"
