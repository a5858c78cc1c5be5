"""The JSON API under ``/api/v1/``. Silences follow Alertmanager's API v2: ``GET``/``POST
/silences``, ``GET``/``DELETE /silence/{id}``; matchers name ``rule``, ``source``, ``channel``
or ``place``, always by equality; a silence starting later is ``pending`` until then."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field

from advisorywatch.db.models import utcnow
from advisorywatch.notifier.route.silences import (
    BadSilence,
    add_silence,
    expire_silence,
    silence_start,
    silence_value,
)
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
    return data.status(w.db, data.find_sources(w.db, w.source_names), stale)


@api.get("/silences")
def silences(
    w: State,
    state: data.SilenceStateName | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[data.SilenceView]:
    """Silences, newest first, each with the number of alerts it has held."""
    return data.find_silences(w.db, state, limit)


class PostableMatcher(BaseModel):
    """A matcher as posted; its name is checked with its value (a 400 says what is wrong)."""

    name: str = Field(description="rule, source, channel or place")
    value: str
    isRegex: bool = False
    isEqual: bool = True


class PostableSilence(BaseModel):
    matchers: list[PostableMatcher] = Field(min_length=1)
    startsAt: datetime | None = None
    endsAt: datetime
    createdBy: str = Field(min_length=1, max_length=200)
    comment: str = Field(default="", max_length=2000)


class SilenceCreated(BaseModel):
    silenceID: str


class Problem(BaseModel):
    detail: str


def _bad(what: str) -> HTTPException:
    return HTTPException(400, what)


def _matched_fields(w: Web, matchers: list[PostableMatcher]) -> dict[str, str]:
    """The silence's fields from its matchers (a place as its code), or a 400 naming the
    matcher that is wrong and why."""
    known = {
        "rule": {r.name for r in w.config.rules},
        "source": set(w.source_names),
        "channel": set(w.config.channels),
    }
    fields: dict[str, str] = {}
    for n, m in enumerate(matchers):
        at = f"matchers[{n}] ({m.name})"
        if m.name not in data.MATCHER_NAMES:
            raise _bad(f"{at}: a matcher names {', '.join(data.MATCHER_NAMES)}")
        if m.isRegex or not m.isEqual:
            raise _bad(f"{at}: only equality matchers (isRegex false, isEqual true)")
        if m.name in fields:
            raise _bad(f"{at}: {m.name} is matched twice")
        try:
            fields[m.name] = silence_value(m.name, m.value, known)
        except BadSilence as exc:
            raise _bad(f"{at}: {exc}") from None
    return fields


@api.post(
    "/silences",
    dependencies=[Depends(api_admin)],
    responses={
        400: {"model": Problem, "description": "a matcher or time is wrong (it says which)"},
        422: {"description": "the body is not a silence"},
    },
)
def create_silence(w: State, body: PostableSilence) -> SilenceCreated:
    """Create a silence (needs the admin token). It holds alerts from ``startsAt`` (default:
    now; a later time makes it pending until then) until ``endsAt``."""
    fields = _matched_fields(w, body.matchers)
    try:
        starts = silence_start(utcnow(), body.startsAt, body.endsAt)
    except BadSilence as exc:
        raise _bad(f"{exc.field}At: {exc}") from None
    row = add_silence(
        w.db,
        body.endsAt - starts,
        created_by=body.createdBy,
        comment=body.comment,
        starts_at=starts,
        **fields,
    )
    return SilenceCreated(silenceID=str(row.id))


@api.get("/silence/{silence_id}", responses=NOT_FOUND)
def silence(w: State, silence_id: int) -> data.SilenceView:
    return found(data.get_silence(w.db, silence_id), "silence")


@api.delete(
    "/silence/{silence_id}",
    dependencies=[Depends(api_admin)],
    responses={**NOT_FOUND, 409: {"model": Problem, "description": "it has expired already"}},
)
def delete_silence(w: State, silence_id: int) -> data.SilenceView:
    """Expire a silence now (needs the admin token); it stays listed as expired."""
    before = found(data.get_silence(w.db, silence_id), "silence")
    if before.status.state == "expired":
        raise HTTPException(409, f"silence {silence_id} has expired already")
    found(expire_silence(w.db, silence_id), "silence")
    return found(data.get_silence(w.db, silence_id), "silence")
