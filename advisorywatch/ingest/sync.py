"""The reads and writes around a pass, outside the storing transaction: one row per configured
source at start, and each source's validators before it is fetched."""

from __future__ import annotations

from collections.abc import Iterable
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
        for cfg in sources:
            known = stored.get(cfg.name)
            host = source_host(cfg.url)
            if known is None:
                s.add(
                    Source(
                        name=cfg.name, type=cfg.type, url=cfg.url, host=host, consecutive_failures=0
                    )
                )
            elif known != (cfg.type, cfg.url, host):
                s.execute(
                    update(Source)
                    .where(Source.name == cfg.name)
                    .values(type=cfg.type, url=cfg.url, host=host)
                )


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
