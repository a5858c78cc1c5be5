"""The JSON API under ``/api/v1/``. Silences follow Alertmanager's API v2: ``GET``/``POST
/silences``, ``GET``/``DELETE /silence/{id}``; matchers name ``rule``, ``source`` or
``channel``, always by equality; a silence starts when it is created."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field

from advisorywatch.db.models import utcnow
from advisorywatch.notifier.route.silences import add_silence, expire_silence
from advisorywatch.web import data
from advisorywatch.web.deps import (
    Before,
    Filter,
    Limit,
    Web,
    api_admin,
    api_reader,
    found,
    web,
)

api = APIRouter(prefix="/api/v1", dependencies=[Depends(api_reader)], tags=["api"])
State = Annotated[Web, Depends(web)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found"}}
# A silence may say it starts a little ahead of this server's clock.
CLOCK_SKEW = timedelta(minutes=5)


@api.get("/alerts", response_model=list[data.AlertView])
def alerts(w: State, f: Filter, limit: Limit = 50, before: Before = None) -> list[data.AlertView]:
    """The newest alerts (filtered), each with its deliveries; page with ``before``."""
    return data.find_alerts(w.db, f, limit, before)


@api.get("/alerts/{alert_id}", responses=NOT_FOUND)
def alert(w: State, alert_id: int) -> data.AlertView:
    return found(data.get_alert(w.db, alert_id), "alert")


@api.get("/incidents")
def incidents(
    w: State, rule: str | None = None, limit: Limit = 50, before: Before = None
) -> list[data.IncidentView]:
    """The newest incidents, each with its reports (alerts) across sources."""
    return data.find_incidents(w.db, limit, rule, before)


@api.get("/incidents/{incident_id}", responses=NOT_FOUND)
def incident(w: State, incident_id: int) -> data.IncidentView:
    return found(data.get_incident(w.db, incident_id), "incident")


@api.get("/sources")
def sources(w: State) -> list[data.SourceView]:
    """The configured sources' health."""
    return data.find_sources(w.db, w.source_names)


@api.get("/status")
def status(w: State) -> data.StatusView:
    """The daemon (lease and heartbeat), the outbox and the sources' health at a glance."""
    stale = timedelta(seconds=w.config.daemon.stale_after_seconds)
    return data.status(w.db, w.source_names, stale)


@api.get("/silences")
def silences(
    w: State,
    state: Literal["active", "expired"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[data.SilenceView]:
    """Silences, newest first, each with the number of alerts it has held."""
    return data.find_silences(w.db, state, limit)


class PostableSilence(BaseModel):
    matchers: list[data.Matcher] = Field(min_length=1)
    startsAt: datetime | None = None
    endsAt: datetime
    createdBy: str = Field(min_length=1, max_length=200)
    comment: str = Field(default="", max_length=2000)


class SilenceCreated(BaseModel):
    silenceID: str


@api.post(
    "/silences",
    dependencies=[Depends(api_admin)],
    responses={422: {"description": "invalid silence"}},
)
def create_silence(w: State, body: PostableSilence) -> SilenceCreated:
    """Create a silence (needs the admin token). It starts now; ``startsAt`` may be given
    but not in the future."""
    now = utcnow()
    fields: dict[str, str] = {}
    for m in body.matchers:
        if m.isRegex or not m.isEqual:
            raise HTTPException(422, "matchers: only equality (isRegex false, isEqual true)")
        if m.name in fields:
            raise HTTPException(422, f"matchers: {m.name} given twice")
        fields[m.name] = m.value
    known = {
        "rule": {r.name for r in w.config.rules},
        "source": set(w.source_names),
        "channel": set(w.config.channels),
    }
    for name, value in fields.items():
        if value not in known[name]:
            raise HTTPException(422, f"matchers: no {name} named {value!r} in the config")
    if body.startsAt is not None and body.startsAt.tzinfo is None:
        raise HTTPException(422, "startsAt: give a time zone (e.g. Z)")
    if body.startsAt is not None and body.startsAt > now + CLOCK_SKEW:
        raise HTTPException(422, "startsAt: silences start when created, not in the future")
    if body.endsAt.tzinfo is None or body.endsAt <= now:
        raise HTTPException(422, "endsAt: a time in the future, with a time zone")
    row = add_silence(
        w.db,
        body.endsAt - now,
        created_by=body.createdBy,
        comment=body.comment,
        **fields,
    )
    return SilenceCreated(silenceID=str(row.id))


@api.get("/silence/{silence_id}", responses=NOT_FOUND)
def silence(w: State, silence_id: int) -> data.SilenceView:
    return found(data.get_silence(w.db, silence_id), "silence")


@api.delete("/silence/{silence_id}", dependencies=[Depends(api_admin)], responses=NOT_FOUND)
def delete_silence(w: State, silence_id: int) -> data.SilenceView:
    """Expire a silence now (needs the admin token); it stays listed as expired."""
    found(expire_silence(w.db, silence_id), "silence")
    return found(data.get_silence(w.db, silence_id), "silence")
