"""The ASGI application: pages, feeds, API and stylesheet behind one set of headers."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from advisorywatch import __version__
from advisorywatch.config import Config
from advisorywatch.db.session import Database
from advisorywatch.web import errors
from advisorywatch.web.api import api
from advisorywatch.web.auth import Tokens, is_loopback
from advisorywatch.web.deps import Web
from advisorywatch.web.pages import feeds, pages

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


class Guard:
    """Every response gets the security headers (and ``Cache-Control: no-store`` unless it
    is the stylesheet). Without tokens, a request must name this machine in its ``Host``:
    a page elsewhere cannot reach the server through DNS rebinding."""

    def __init__(self, app: ASGIApp, loopback_only: bool) -> None:
        self.app, self.loopback_only = app, loopback_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.loopback_only:
            host = Headers(scope=scope).get("host", "")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if not is_loopback(name):
                response = PlainTextResponse(
                    "this server answers only to a loopback Host (configure web.tokens)", 421
                )
                await response(scope, receive, _secured(send, cache=False))
                return
        cache = scope["path"].startswith("/static/")
        await self.app(scope, receive, _secured(send, cache))


def _secured(send: Send, cache: bool) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (k, v)
                for k, v in message.get("headers", [])
                if k.lower() not in {name for name, _ in HEADERS}
            ]
            headers += HEADERS
            if not cache:
                headers.append((b"cache-control", b"no-store"))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


def create_app(config: Config, db: Database, tokens: Tokens) -> ASGIApp:
    app = FastAPI(
        title="advisorywatch",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: not here
        redoc_url=None,
    )
    app.state.web = Web(config, db, tokens)
    errors.install(app)
    app.include_router(pages)
    app.include_router(feeds)
    app.include_router(api)
    static = resources.files("advisorywatch.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=__doc__ or "",
                routes=app.routes,
            )
            schema.setdefault("components", {})["securitySchemes"] = {
                "token": {"type": "http", "scheme": "bearer"}
            }
            schema["security"] = [{"token": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return Guard(app, loopback_only=not tokens.configured)
