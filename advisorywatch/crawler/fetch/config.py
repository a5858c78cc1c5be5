"""The ``crawler:`` section: how politely and how defensively sources are fetched."""

from __future__ import annotations

from pydantic import Field

from advisorywatch.schema import Strict


class CrawlerConfig(Strict):
    """How politely and how defensively sources are fetched (README "Fetching")."""

    user_agent_contact: str | None = None  # a URL or mailto: the site owner can reach you at
    timeout_seconds: float = Field(default=30, gt=0)  # wall clock per attempt, body included
    max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)  # after decompression
    # Inline retries of one fetch (with backoff, Retry-After honoured). 0: a failed fetch is
    # retried at the source's next run, so a failing server never holds a pass for minutes.
    retries: int = Field(default=0, ge=0)
    retry_base_seconds: float = Field(default=2, ge=0)
    max_retry_after_seconds: float = Field(default=300, ge=0)
    concurrent_per_domain: int = Field(default=2, ge=1)
    delay_seconds: float = Field(default=1, ge=0)
    autothrottle: bool = True
    # Worker processes that parse responses and match their items while the crawl goes on
    # (runtime/workers.py); 0: in this process (the default: see bench/README.md, issue 20).
    workers: int = Field(default=0, ge=0)
