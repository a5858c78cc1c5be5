"""Scrapy settings: polite (robots.txt, a User-Agent with a contact, per-domain limits,
AutoThrottle, backoff), bounded (size after decompression, wall clock), only http(s) and only
to public addresses (guard.py)."""

from __future__ import annotations

from typing import Any

from advisorywatch import __version__
from advisorywatch.crawler.fetch.config import CrawlerConfig

PROJECT_URL = "https://github.com/advisorywatch/advisorywatch"
_MW = "advisorywatch.crawler.fetch.middlewares"
_GUARDED = "advisorywatch.crawler.fetch.guard.GuardedDownloadHandler"


# Scrapy components the product does not use: each one costs time on every request, and
# Scrapy imports every component it is told about, even one set to None (aiohttp for the
# remote control, tldextract for cookies, twisted.conch for telnet), so they are taken out of
# Scrapy's *_BASE settings. Kept: robots.txt, download timeout, default headers, user agent,
# meta refresh, compression (with the size cap), redirects and Referer handling on them,
# proxy, HTTP errors, AutoThrottle; plus our scheme guard and backoff retries.
_OFF = {
    "DOWNLOADER_MIDDLEWARES_BASE": {
        "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware",  # no allowed_domains
        "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware",  # no http_user anywhere
        "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",  # COOKIES_ENABLED is False
        "scrapy.downloadermiddlewares.stats.DownloaderStats",
        "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware",  # cache is off
    },
    "SPIDER_MIDDLEWARES_BASE": {
        "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware",  # URLs come from the config
        "scrapy.spidermiddlewares.depth.DepthMiddleware",  # callbacks yield no requests
        "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware",
    },
    "EXTENSIONS_BASE": {
        "scrapy.extensions.corestats.CoreStats",
        "scrapy.extensions.logcount.LogCount",
        "scrapy.extensions.telnet.TelnetConsole",
        "scrapy.extensions.memusage.MemoryUsage",
        "scrapy.extensions.memdebug.MemoryDebugger",
        "scrapy.extensions.closespider.CloseSpider",
        "scrapy.extensions.feedexport.FeedExporter",
        "scrapy.extensions.logstats.LogStats",
        "scrapy.extensions.spiderstate.SpiderState",
        "scrapy.extensions.remote_control.RemoteControl",
    },
}


def _trimmed_bases() -> dict[str, dict[str, int]]:
    from scrapy.settings import default_settings

    return {
        name: {k: v for k, v in getattr(default_settings, name).items() if k not in off}
        for name, off in _OFF.items()
    }


# Responses whose outcome waits to be stored (the callback awaits it) hold their body and
# parsed items until then; Scrapy stops downloading while they pass this many bytes (5 MB by
# default). In the daemon half of that still keeps the writer's batches full: a cold pass
# peaks lower and takes as long (bench/README.md, "Daemon memory, fourth round"); 1 MB made it
# slower. `run --once` keeps Scrapy's default: its peak is elsewhere.
_DAEMON_SETTINGS = {"SCRAPER_SLOT_MAX_ACTIVE_SIZE": 2_500_000}


def user_agent(contact: str | None) -> str:
    """Names the product and how to reach whoever runs it (the project page by default)."""
    return f"advisorywatch/{__version__} (+{contact or PROJECT_URL})"


def scrapy_settings(cfg: CrawlerConfig | None = None, long_lived: bool = False) -> dict[str, Any]:
    """``long_lived``: the daemon's crawl, whose peak memory stays with it."""
    cfg = cfg or CrawlerConfig()
    return {
        **(_DAEMON_SETTINGS if long_lived else {}),
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "USER_AGENT": user_agent(cfg.user_agent_contact),
        "ROBOTSTXT_OBEY": True,  # a source opts out with `robots: false`
        # Fetched content is hostile: cap size (HttpCompressionMiddleware applies the cap to
        # the decompressed body too) and time (Scrapy's DOWNLOAD_TIMEOUT is a deadline for the
        # whole response, body included, not an inactivity timeout).
        "DOWNLOAD_MAXSIZE": cfg.max_bytes,
        "DOWNLOAD_WARNSIZE": min(cfg.max_bytes, 2 * 1024 * 1024),
        "DOWNLOAD_TIMEOUT": cfg.timeout_seconds,
        "DOWNLOAD_FAIL_ON_DATALOSS": True,  # a truncated body is a failure, not a short feed
        "REDIRECT_MAX_TIMES": 5,
        # No handler for anything but http(s); SchemeGuardMiddleware also names the culprit.
        # http(s) connect only to the addresses the request may reach (guard.py).
        "DOWNLOAD_HANDLERS": {
            "file": None,
            "data": None,
            "s3": None,
            "ftp": None,
            "http": _GUARDED,
            "https": _GUARDED,
        },
        "DOWNLOADER_MIDDLEWARES": {
            f"{_MW}.SchemeGuardMiddleware": 610,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            f"{_MW}.BackoffRetryMiddleware": 550,
            # Scrapy's, with exceptions of their own (see middlewares.py), at Scrapy's places.
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            f"{_MW}.RobotsMiddleware": 100,
            "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
            f"{_MW}.DecompressionMiddleware": 590,
        },
        "RETRY_TIMES": cfg.retries,
        "RETRY_BACKOFF_BASE": cfg.retry_base_seconds,
        "RETRY_AFTER_MAX": cfg.max_retry_after_seconds,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 32,
        # Callbacks hand outcomes to on_outcome and yield nothing, but Scrapy starts this many
        # tasks per response to process their output (100 by default; ours yield nothing).
        "CONCURRENT_ITEMS": 1,
        # The daemon feeds one crawl for hours: first come, first served (Scrapy's default
        # queue is last in, first out, which would let new runs overtake older ones under load).
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "CONCURRENT_REQUESTS_PER_DOMAIN": cfg.concurrent_per_domain,
        "DOWNLOAD_DELAY": cfg.delay_seconds,
        "DOWNLOAD_DELAY_JITTER": 0.5,  # ±50 %
        "AUTOTHROTTLE_ENABLED": cfg.autothrottle,
        "AUTOTHROTTLE_START_DELAY": cfg.delay_seconds,
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "LOG_ENABLED": False,
        "LOGSTATS_INTERVAL": 0,
        **_trimmed_bases(),
        # Nothing reads Scrapy's stats; the dummy collector makes every update a no-op.
        "STATS_CLASS": "scrapy.statscollectors.DummyStatsCollector",
    }
