"""The reads and writes around a pass, outside the storing transaction: one row per configured
source at start, and each source's validators before it is fetched."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update

from advisorywatch.crawler.sources.base import SourceConfig
from advisorywatch.db.models import Source
from advisorywatch.db.session import Database


def sync_sources(db: Database, sources: Iterable[SourceConfig]) -> None:
    """Make sure every configured source has a row; keep type, URL and host current. Reads
    four columns, not whole rows: at every start, with rows for a thousand sources."""
    with db.session() as s:
        rows = s.execute(select(Source.name, Source.type, Source.url, Source.host))
        stored = {name: (kind, url, host) for name, kind, url, host in rows}
        missing = []
        for cfg in sources:
            known = stored.get(cfg.name)
            host = source_host(cfg.url)
            if known is None:
                row = {"name": cfg.name, "type": cfg.type, "url": cfg.url, "host": host}
                missing.append({**row, "consecutive_failures": 0})
            elif known != (cfg.type, cfg.url, host):
                s.execute(
                    update(Source)
                    .where(Source.name == cfg.name)
                    .values(type=cfg.type, url=cfg.url, host=host)
                )
        if missing:
            s.execute(_insert_missing(s.get_bind().dialect.name), missing)


def _insert_missing(dialect: str) -> Any:
    """New source rows; a row another node inserted meanwhile is left as it is (several nodes
    starting together on an empty database: at 10,000 sources the second one's plain INSERT
    failed on the unique name and the node exited)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(Source).on_conflict_do_nothing(index_elements=[Source.name])
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(Source).on_conflict_do_nothing(index_elements=[Source.name])


def source_host(url: str) -> str:
    """The host a source's requests go to: what per-domain politeness is counted by."""
    return (urlsplit(url).hostname or "").lower()


def fetch_validators(
    db: Database, names: Iterable[str]
) -> dict[str, tuple[str | None, str | None]]:
    """ETag and Last-Modified per source, for conditional GET."""
    with db.session() as s:
        rows = s.execute(
            select(Source.name, Source.etag, Source.last_modified).where(
                Source.name.in_(list(names))
            )
        )
        return {name: (etag, lm) for name, etag, lm in rows}
