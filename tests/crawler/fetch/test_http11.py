"""Scrapy's HTTP/1.1 handler imported through ``crawler/fetch/http11.py``: the deprecated
aliases its import defines get their modules without a walk of the whole stack, and
``inspect.stack`` is itself again afterwards."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import inspect, json
walks = []
real_outer = inspect.getouterframes
inspect.getouterframes = lambda *a, **k: walks.append(1) or real_outer(*a, **k)
stack = inspect.stack
from advisorywatch.crawler.fetch.http11 import HTTP11DownloadHandler
from scrapy.core.downloader import contextfactory, tls
print(json.dumps({
    "walks": len(walks),
    "restored": inspect.stack is stack,
    "modules": [tls.ScrapyClientTLSOptions.__module__,
                contextfactory.ScrapyClientContextFactory.__module__,
                contextfactory.AcceptableProtocolsContextFactory.__module__],
    "handler": HTTP11DownloadHandler.__module__,
}))
"""


def test_the_handler_imports_without_walking_the_stack() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    got = json.loads(out.stdout)
    assert got == {
        "walks": 0,
        "restored": True,
        "modules": [
            "scrapy.core.downloader.tls",
            "scrapy.core.downloader.contextfactory",
            "scrapy.core.downloader.contextfactory",
        ],
        "handler": "scrapy.core.downloader.handlers.http11",
    }
