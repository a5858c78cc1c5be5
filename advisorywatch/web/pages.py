"""The pages (server-rendered, no JavaScript), the chart and the feeds."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, get_args
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader

from advisorywatch.db.models import utcnow
from advisorywatch.model import Severity, SourceStatus
from advisorywatch.web import data
from advisorywatch.web.chart import alerts_chart
from advisorywatch.web.deps import (
    Before,
    Filter,
    Web,
    feed_reader,
    found,
    page_reader,
    web,
)
from advisorywatch.web.feeds import atom_feed, json_feed
from advisorywatch.web.text import plain

LATEST = 10
PAGE = 50
FEED = 100
CHART_DAYS = 30

pages = APIRouter(dependencies=[Depends(page_reader)], include_in_schema=False)
feeds = APIRouter(dependencies=[Depends(feed_reader)], tags=["feeds"])
State = Annotated[Web, Depends(web)]


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"


def _ago(value: datetime | None) -> str:
    if value is None:
        return "never"
    seconds = int((utcnow() - value).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{max(seconds, 0)}s ago"


_templates = Environment(
    loader=PackageLoader("advisorywatch.web", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_templates.filters.update(plain=plain, when=_when, ago=_ago)


def render(request: Request, name: str, page: str, **context: Any) -> HTMLResponse:
    def url(route: str, **params: Any) -> str:
        return str(request.app.url_path_for(route, **params))

    html = _templates.get_template(name).render(url=url, page=page, **context)
    return HTMLResponse(html)


def _query(params: dict[str, str]) -> str:
    return f"?{urlencode(params)}" if params else ""


@pages.get("/", name="overview")
def overview(request: Request, w: State) -> HTMLResponse:
    stale = timedelta(seconds=w.config.daemon.stale_after_seconds)
    sources = data.find_sources(w.db, w.source_names)
    status = data.status(w.db, sources, stale)
    unhealthy = [s for s in sources if s.status not in _HEALTHY]
    alerts = data.find_alerts(w.db, data.AlertFilter(), LATEST)
    return render(
        request,
        "overview.html",
        "overview",
        status=status,
        unhealthy=unhealthy,
        alerts=alerts,
        days=CHART_DAYS,
    )


_HEALTHY = (SourceStatus.OK, SourceStatus.NEW)
# Feed links keep the filter as written: "since=24h" stays relative.
_FILTERS = ("severity", "rule", "source", "since", "until", "place")


@pages.get("/alerts", name="alerts")
def alerts(request: Request, w: State, f: Filter, before: Before = None) -> HTMLResponse:
    rows = data.find_alerts(w.db, f, PAGE, before)
    older = _query({**f.params(), "before": str(rows[-1].id)}) if len(rows) == PAGE else None
    return render(
        request,
        "alerts.html",
        "alerts",
        alerts=rows,
        f=f,
        since=request.query_params.get("since", ""),
        until=request.query_params.get("until", ""),
        place=request.query_params.get("place", ""),
        query=_query({k: v for k, v in request.query_params.items() if k in _FILTERS and v}),
        older=older,
        severities=get_args(Severity),
        rules=[r.name for r in w.config.rules],
        sources=w.source_names,
    )


@pages.get("/alerts/{alert_id}", name="alert")
def alert(request: Request, w: State, alert_id: int) -> HTMLResponse:
    one = found(data.get_alert(w.db, alert_id), "alert")
    return render(request, "alert.html", "alerts", a=one)


@pages.get("/incidents", name="incidents")
def incidents(request: Request, w: State, before: Before = None) -> HTMLResponse:
    rows = data.find_incidents(w.db, PAGE, before=before)
    older = rows[-1].id if len(rows) == PAGE else None
    return render(request, "incidents.html", "incidents", incidents=rows, older=older)


@pages.get("/incidents/{incident_id}", name="incident")
def incident(request: Request, w: State, incident_id: int) -> HTMLResponse:
    one = found(data.get_incident(w.db, incident_id), "incident")
    return render(request, "incidents.html", "incidents", incidents=[one], single=True)


@pages.get("/sources", name="sources")
def sources(request: Request, w: State) -> HTMLResponse:
    return render(
        request, "sources.html", "sources", sources=data.find_sources(w.db, w.source_names)
    )


@pages.get("/charts/alerts.svg", name="chart")
def chart(w: State, days: Annotated[int, Query(ge=1, le=366)] = CHART_DAYS) -> Response:
    svg = alerts_chart(data.alerts_per_day(w.db, days))
    return Response(svg, media_type="image/svg+xml")


def _feed_urls(request: Request, w: State, route: str) -> tuple[str, str, str]:
    """The feed's own URL (without the token), the alerts page and an alert page's pattern,
    under ``web.public_url`` when set."""
    base = (w.config.web.public_url or str(request.base_url)).rstrip("/")
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
    own = base + request.app.url_path_for(route) + (f"?{urlencode(params)}" if params else "")
    page = base + request.app.url_path_for("alerts")
    return own, page, page + "/{id}"


@feeds.get("/feeds/alerts.atom", name="atom_feed", response_class=Response)
def atom(request: Request, w: State, f: Filter) -> Response:
    """The newest alerts as an Atom feed (RFC 4287)."""
    own, page, alert_url = _feed_urls(request, w, "atom_feed")
    feed_id = "urn:advisorywatch:alerts" + "".join(
        f":{k}={quote(v, safe='')}" for k, v in sorted(f.params().items())
    )
    body = atom_feed(data.find_alerts(w.db, f, FEED), plain(feed_id), own, page, alert_url)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@feeds.get("/feeds/alerts.json", name="json_feed", response_class=Response)
def json(request: Request, w: State, f: Filter) -> Response:
    """The newest alerts as a JSON Feed 1.1."""
    own, page, alert_url = _feed_urls(request, w, "json_feed")
    body = json_feed(data.find_alerts(w.db, f, FEED), own, page, alert_url)
    return Response(body, media_type="application/feed+json; charset=utf-8")
