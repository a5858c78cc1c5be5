"""The reliability suite's one config: a feed, an air-strike rule, channel ``ops``."""

from __future__ import annotations


def air_strike_config(feed_url: str, channel_urls: list[str], notifier: str = "") -> str:
    urls = ", ".join(f'"{u}"' for u in channel_urls)
    return f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: news, type: feed, url: "{feed_url}"}}
rules:
  - {{name: air-strike, keywords: ["air strike"], severity: critical, notify: [ops]}}
channels:
  ops: {{urls: [{urls}]}}
notifier: {{{notifier}}}
"""
