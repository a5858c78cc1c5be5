"""One ``run --once`` against a server that does everything a hostile or broken feed does, next
to a good source: every hostile source ends as one of the outcomes it may end as, the process
ends normally, and the good source's alert arrives, once. Each input is counted in the ledger.
The fetch-level cases with exact kinds and messages live in tests/crawler/fetch/test_safety.py
and test_guard.py; here the point is that they survive all together."""

from __future__ import annotations

import gzip
import importlib.util
import json

from hostile import BOMB_BYTES, XXE, billion_laughs
from rawserver import RawHttpServer, Reply

from advisorywatch.testhooks import RESOLVE_ENV
from reliability.ledger import Entry, record

from conftest import FeedServer, Project, Sink, rss

GOOD = rss([{"guid": "g1", "title": "Serangan udara di Kyiv", "description": "x"}])
FAILED = {"unsafe", "too_large", "timeout", "truncated", "parse", "network"}
XML = {"Content-Type": "application/rss+xml"}


def _items(n: int) -> bytes:
    body = "".join(f"<item><guid>{i}</guid><title>t{i}</title></item>" for i in range(n))
    return f'<rss version="2.0"><channel><title>big</title>{body}</channel></rss>'.encode()


def _one(title: bytes, prolog: bytes = b"") -> bytes:
    return (
        prolog
        + b'<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>'
        + title
        + b"</title></item></channel></rss>"
    )


def test_hostile_inputs_beside_a_good_source(
    project: Project, raw_server: RawHttpServer, feeds: FeedServer, sink: Sink
) -> None:
    r = raw_server.route
    # name -> (reply, the health kinds it may end with: None is a successful fetch)
    cases: dict[str, tuple[Reply, set[str | None]]] = {
        "redirect_metadata": (Reply(302, {"Location": "http://169.254.169.254/"}), {"unsafe"}),
        "redirect_mapped": (Reply(302, {"Location": "http://[::ffff:a9fe:a9fe]/"}), {"unsafe"}),
        "redirect_private": (Reply(302, {"Location": "http://192.168.0.1/"}), {"unsafe"}),
        "name_link_local": (Reply(302, {"Location": "http://ll.test/"}), {"unsafe"}),
        "gzip_bomb": (
            Reply(200, {"Content-Encoding": "gzip"}, gzip.compress(b"\0" * BOMB_BYTES)),
            {"too_large"},
        ),
        "endless": (Reply(200, XML, action="endless"), {"too_large"}),
        "drip": (Reply(action="drip"), {"timeout"}),
        "reset": (Reply(200, XML, GOOD.encode() * 20, action="reset"), {"truncated"}),
        "laughs_one_line": (Reply(200, XML, billion_laughs()), {"unsafe"}),
        "laughs_many_lines": (Reply(200, XML, billion_laughs("\n")), {"unsafe"}),
        "xxe": (Reply(200, XML, XXE), {"unsafe"}),
        "items_100k": (Reply(200, XML, _items(100_000)), {None}),
        "title_10mb": (Reply(200, XML, _one(b"a" * 10_000_000)), {None}),
        "nul_bytes": (Reply(200, XML, _one(b"air\0strike\0" * 100)), {None}),
        # The HTTP charset says windows-1251; the bytes are UTF-8: read as UTF-8.
        "lying_charset": (
            Reply(
                200,
                {"Content-Type": "application/rss+xml; charset=windows-1251"},
                _one("Воздушная тревога".encode()),
            ),
            {None},
        ),
        "lying_utf16": (
            Reply(200, XML, _one(b"Alerte", prolog=b'<?xml version="1.0" encoding="utf-16"?>')),
            {None},
        ),
    }
    if importlib.util.find_spec("brotli") is not None:
        import brotli

        cases["brotli_bomb"] = (
            Reply(200, {"Content-Encoding": "br"}, brotli.compress(b"\0" * BOMB_BYTES)),
            {"too_large"},
        )
    sources = f'  - {{name: good, type: feed, url: "{feeds.put("/good.xml", GOOD)}"}}\n'
    for name, (reply, _) in cases.items():
        sources += f'  - {{name: {name}, type: feed, url: "{r("/" + name, reply)}"}}\n'
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
crawler: {{timeout_seconds: 3, max_bytes: 12000000, retries: 0, delay_seconds: 0,
           autothrottle: false}}
sources:
{sources}
rules:
  - {{name: air-strike, concepts: [air_strike], notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
""")

    result = project.cli("run", "--once", env={RESOLVE_ENV: "ll.test=169.254.10.10"}, timeout=150)

    assert result.returncode == 1, result.stderr  # some sources failed; the run did not crash
    health = {h["name"]: h for h in json.loads(project.cli("sources", "--json").stdout)}
    survived = [n for n, (_, kinds) in cases.items() if health[n]["last_error_kind"] in kinds]
    good_alerts = [t for t in sink.titles() if "di Kyiv" in t]
    record(
        Entry(
            tried=len(cases),
            survived=len(survived),
            lost=1 - min(len(good_alerts), 1),
            duplicates=max(len(good_alerts) - 1, 0),
            over_bound=max(len(good_alerts) - 1, 0),  # one run, no crash: exactly once
        )
    )
    assert sorted(survived) == sorted(cases), {
        n: (health[n]["last_error_kind"], str(health[n]["last_error"])[:200])
        for n in cases
        if n not in survived
    }
    assert health["good"]["last_error_kind"] is None and len(good_alerts) == 1
    assert health["items_100k"]["items_last_run"] == 100_000
    stored = "SELECT s.name, i.title FROM items i JOIN sources s ON s.id = i.source_id"
    titles = dict(project.sql(stored))
    assert titles["lying_charset"] == "Воздушная тревога"
    assert "\0" not in titles["nul_bytes"] and "air" in titles["nul_bytes"]
