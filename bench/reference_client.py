"""The bare reference client: aiohttp + lxml, nothing else. The near-physical limit.

    .venv/bin/python bench/reference_client.py --control URL [--state FILE]
        [--concurrency 32] [--per-host 4] [--timeout 30]

Fetches every feed the fixture server lists with the same concurrency as the product
(``--concurrency`` in all, ``--per-host`` per host), sends the ETag and Last-Modified kept
in ``--state`` from the previous pass (none if the file is missing: a cold pass), parses
each 200 answer with lxml into items (guid, link, title, date, text) and writes the new
validators back. Prints one JSON line: sources ok / not modified / failed, items parsed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any

import aiohttp
from lxml import etree

_ATOM = "{http://www.w3.org/2005/Atom}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def parse_items(body: bytes) -> list[dict[str, str | None]]:
    """RSS items or Atom entries, the fields a monitor needs."""
    root = etree.fromstring(body, _PARSER)
    items: list[dict[str, str | None]] = []
    for item in root.iter("item"):
        items.append(
            {
                "guid": item.findtext("guid"),
                "link": item.findtext("link"),
                "title": item.findtext("title"),
                "date": item.findtext("pubDate"),
                "text": item.findtext("description"),
            }
        )
    for entry in root.iter(f"{_ATOM}entry"):
        link = entry.find(f"{_ATOM}link")
        items.append(
            {
                "guid": entry.findtext(f"{_ATOM}id"),
                "link": link.get("href") if link is not None else None,
                "title": entry.findtext(f"{_ATOM}title"),
                "date": entry.findtext(f"{_ATOM}updated"),
                "text": entry.findtext(f"{_ATOM}summary"),
            }
        )
    return items


async def fetch_all(
    urls: list[str], state: dict[str, dict[str, str]], args: argparse.Namespace
) -> dict[str, int]:
    counts = {"ok": 0, "not_modified": 0, "failed": 0, "items": 0}
    connector = aiohttp.TCPConnector(limit=args.concurrency, limit_per_host=args.per_host)
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def one(url: str) -> None:
            headers = {}
            known = state.get(url, {})
            if "etag" in known:
                headers["If-None-Match"] = known["etag"]
            if "modified" in known:
                headers["If-Modified-Since"] = known["modified"]
            try:
                async with session.get(url, headers=headers) as response:
                    if response.status == 304:
                        counts["not_modified"] += 1
                        return
                    response.raise_for_status()
                    body = await response.read()
                    validators = {
                        k: v
                        for k, v in (
                            ("etag", response.headers.get("ETag")),
                            ("modified", response.headers.get("Last-Modified")),
                        )
                        if v
                    }
            except (aiohttp.ClientError, TimeoutError):
                counts["failed"] += 1
                return
            counts["items"] += len(parse_items(body))
            counts["ok"] += 1
            state[url] = validators

        await asyncio.gather(*(one(u) for u in urls))
    return counts


def source_urls(control: str) -> list[str]:
    from urllib.request import urlopen

    with urlopen(f"{control}/sources") as response:
        sources: list[dict[str, Any]] = json.load(response)
    return [s["url"] for s in sources]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--control", required=True, help="the fixture server's control URL")
    p.add_argument("--state", type=Path, help="validators from the previous pass (JSON)")
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--per-host", type=int, default=4)
    p.add_argument("--timeout", type=float, default=30)
    args = p.parse_args()
    urls = source_urls(args.control)
    state: dict[str, dict[str, str]] = {}
    if args.state and args.state.exists():
        state = json.loads(args.state.read_text())
    start = time.perf_counter()
    counts = asyncio.run(fetch_all(urls, state, args))
    result: dict[str, float] = {**counts, "seconds": round(time.perf_counter() - start, 3)}
    if args.state:
        args.state.write_text(json.dumps(state))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
