"""Scrapy settings: polite, bounded, and only http(s)."""

from __future__ import annotations

from typing import Any

from advisorywatch import __version__

USER_AGENT = f"advisorywatch/{__version__} (+https://github.com/advisorywatch/advisorywatch)"


def scrapy_settings() -> dict[str, Any]:
    return {
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "USER_AGENT": USER_AGENT,
        # Fetched content is hostile: cap size and time.
        "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024,
        "DOWNLOAD_WARNSIZE": 2 * 1024 * 1024,
        "DOWNLOAD_TIMEOUT": 30,
        "REDIRECT_MAX_TIMES": 5,
        # No handler for anything but http(s): a redirect to file:// or ftp:// fails instead.
        "DOWNLOAD_HANDLERS": {"file": None, "data": None, "s3": None, "ftp": None},
        "RETRY_TIMES": 1,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
        "LOG_ENABLED": False,
        "LOGSTATS_INTERVAL": 0,
        "EXTENSIONS": {
            "scrapy.extensions.logstats.LogStats": None,
            "scrapy.extensions.memusage.MemoryUsage": None,
        },
    }
