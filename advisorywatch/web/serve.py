"""Running ``advisorywatch web``: uvicorn serves the ASGI app.

uvicorn, because the pages and API are a FastAPI app (the OpenAPI document comes from the
same pydantic models as the answers) and uvicorn is the production server made for it:
graceful shutdown, HTTP/1.1 keep-alive through h11, limits on concurrency; its sync routes run
in a thread pool, which suits the synchronous SQLAlchemy sessions. Forwarded headers are
never trusted (``proxy_headers=False``): the client address is the connection's."""

from __future__ import annotations

import uvicorn
from starlette.types import ASGIApp

from advisorywatch.config import Config
from advisorywatch.db.session import Database
from advisorywatch.web.app import create_app
from advisorywatch.web.auth import TokenError, is_loopback, load_tokens


class WebRefused(Exception):
    """``web`` will not start with this configuration."""


def build(config: Config, host: str) -> tuple[Database, ASGIApp]:
    """The database (migrated) and the app, or :class:`WebRefused`."""
    try:
        tokens = load_tokens(config.web.tokens)
    except TokenError as exc:
        raise WebRefused(str(exc)) from None
    if not tokens.configured and not is_loopback(host):
        raise WebRefused(
            f"refusing to listen on {host} without tokens: set web.tokens.read (and admin) "
            "or listen on 127.0.0.1"
        )
    db = Database(config.database.url)
    db.upgrade()
    return db, create_app(config, db, tokens)


def serve(config: Config, host: str | None, port: int | None) -> int:
    host = host or config.web.host
    port = config.web.port if port is None else port
    db, app = build(config, host)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_config=None,  # the process's logging, which masks secrets (tokens in ?token=)
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=10,
        )
    )
    try:
        server.run()
    finally:
        db.dispose()
    return 0
