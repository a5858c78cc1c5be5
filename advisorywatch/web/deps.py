"""What every route needs: the app's state, access checks and the alert filter from the query
string."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, TypeVar, cast, get_args

from fastapi import Depends, HTTPException, Query, Request

from advisorywatch.config import Config
from advisorywatch.db.models import utcnow
from advisorywatch.db.session import Database
from advisorywatch.model import Severity
from advisorywatch.rules.places.where import place_code
from advisorywatch.schema import parse_duration
from advisorywatch.web.auth import Access, Tokens, presented_token
from advisorywatch.web.data import AlertFilter


@dataclass(frozen=True, slots=True)
class Web:
    config: Config
    db: Database
    tokens: Tokens

    @property
    def source_names(self) -> list[str]:
        return [s.name for s in self.config.sources]


def web(request: Request) -> Web:
    return cast(Web, request.app.state.web)


def _check(request: Request, need: Access, challenge: str, allow_query: bool = False) -> None:
    tokens = web(request).tokens
    token, in_query = presented_token(request, allow_query)
    have = tokens.access(token)
    if in_query and have is Access.ADMIN:  # the admin token never travels in a URL
        have = Access.NONE
    if have >= need:
        return
    if need is Access.ADMIN and tokens.admin is None:
        raise HTTPException(403, "writing needs web.tokens.admin in the config")
    if have is Access.NONE:
        raise HTTPException(
            401,
            "a token is needed",
            headers={"WWW-Authenticate": f'{challenge} realm="advisorywatch"'},
        )
    raise HTTPException(403, "this needs the admin token")


def page_reader(request: Request) -> None:
    """Pages: a browser answers the Basic challenge with the token as password."""
    _check(request, Access.READ, "Basic")


def feed_reader(request: Request) -> None:
    """Feeds: also ``?token=`` (the read token), for feed readers that cannot send headers."""
    _check(request, Access.READ, "Basic", allow_query=True)


def api_reader(request: Request) -> None:
    _check(request, Access.READ, "Bearer")


def api_admin(request: Request) -> None:
    _check(request, Access.ADMIN, "Bearer")


T = TypeVar("T")


def found(value: T | None, what: str) -> T:
    """``value``, or a 404 naming ``what`` when there is none."""
    if value is None:
        raise HTTPException(404, f"no such {what}")
    return value


def when(value: str | None, name: str) -> datetime | None:
    """A time from the query string: an ISO 8601 time (UTC unless it says otherwise) or a
    duration before now (``24h``, ``7d``); empty means none."""
    if not value:
        return None
    try:
        return utcnow() - parse_duration(value)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise HTTPException(
            422, f"{name}: give an ISO 8601 time or a duration such as 24h or 7d"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def alert_filter(
    severity: Annotated[str | None, Query(description="info, warning or critical")] = None,
    rule: Annotated[str | None, Query(description="a rule's name")] = None,
    source: Annotated[str | None, Query(description="a source's name")] = None,
    since: Annotated[str | None, Query(description="ISO 8601 time, or a duration: 24h")] = None,
    until: Annotated[str | None, Query(description="ISO 8601 time, or a duration: 1h")] = None,
    place: Annotated[
        str | None,
        Query(description="a country or region code (UA, UA-30) or a place's name: Kyiv, Київ"),
    ] = None,
) -> AlertFilter:
    if severity and severity not in get_args(Severity):
        raise HTTPException(422, "severity: one of info, warning, critical")
    return AlertFilter(
        place=place_filter(place) if place and place.strip() else None,
        severity=cast(Severity, severity) if severity else None,
        rule=rule or None,
        source=source or None,
        since=when(since, "since"),
        until=when(until, "until"),
    )


def place_filter(value: str) -> str:
    """The code of the place ``?place=`` names, or a 422 saying what is unknown."""
    try:
        return place_code(value)
    except ValueError as exc:
        raise HTTPException(422, f"place: {exc}") from None


Filter = Annotated[AlertFilter, Depends(alert_filter)]
Limit = Annotated[int, Query(ge=1, le=500)]
Before = Annotated[int | None, Query(description="only alerts older than this id (paging)")]
